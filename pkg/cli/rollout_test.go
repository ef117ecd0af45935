package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// fleetOf keeps the case's fleet for the checks.
func fleetOf(dst **fakeapi.Fleet, change func(*fakeapi.Fleet)) func(*fakeapi.Fleet) {
	return func(fl *fakeapi.Fleet) {
		*dst = fl
		if change != nil {
			change(fl)
		}
	}
}

// mostAway checks, on the fake's own record of its jobs, how many were
// Running at once.
func mostAway(fl **fakeapi.Fleet, want int) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, _ *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		if got := (*fl).MaxRunning(); got != want {
			t.Errorf("at most %d jobs Running at once on the fake; want %d", got, want)
		}
	}
}

func TestApplyRollout(t *testing.T) {
	var one, canary, window, manifest, before, rerun *fakeapi.Fleet
	both := func(checks ...func(*testing.T, *fakeapi.Server, string, runResult)) func(*testing.T, *fakeapi.Server, string, runResult) {
		return func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
			for _, c := range checks {
				c(t, srv, dir, res)
			}
		}
	}
	runApplyGolden(t, []applyCase{
		// Jobs of 2 polls, one instance away at a time: each create waits
		// for the return of the one before.
		{name: "one-at-a-time", manifest: "batch.yaml", fleet: fleetOf(&one, func(fl *fakeapi.Fleet) { fl.PollsToEnd = 2 }), runs: []applyRun{
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "1m"), check: both(jobsCreated(4), mostAway(&one, 1), recordsBothPlaces)},
		}},
		// The canary's job ends InError: the others are held, exit 5. Once
		// the cause is fixed, the hint's re-run resumes the canary, then the rest.
		{name: "failed-canary-holds", manifest: "batch.yaml", fleet: fleetOf(&canary, func(fl *fakeapi.Fleet) { fl.FailJob(fakeapi.FleetInstance(1)) }), runs: []applyRun{
			{args: applyArgs("--yes", "--canary", "1", "--max-unavailable", "1"), check: both(jobsCreated(1), mostAway(&canary, 1))},
			{args: applyArgs("--yes", "--canary", "1", "--max-unavailable", "1", "-o", "json"), check: jobsCreated(1)},
			{args: applyArgs("--yes", "--retry-failed", "--canary", "1", "--max-unavailable", "1"), check: both(jobsCreated(4), mostAway(&canary, 1))},
		}},
		// Jobs take 5 minutes (one poll at --interval 5m); the window ends at
		// 12:26: starts at 12:00, 12:05 and 12:10 can be back by then, the
		// fourth (12:15) cannot. The same command in the next window goes on.
		{name: "window-defers", manifest: "batch.yaml", fleet: fleetOf(&window, nil), runs: []applyRun{
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "5m", "--not-after", "2026-11-27T12:26:00Z"), check: jobsCreated(3)},
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "5m", "--not-after", "2026-11-27T12:26:00Z", "-o", "json"), check: both(jobsCreated(4), mostAway(&window, 1))},
			// The change record names the window the batch ran in.
			{args: []string{"report", "-f", "migrations.yaml"}, check: func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				if !strings.Contains(res.stdout, "not after") {
					t.Errorf("the report does not name the window:\n%s", res.stdout)
				}
			}},
		}},
		// The manifest's rollout: section, on a terminal: the question says
		// how many stop together. 13:00 is the nearest 13:00 to 12:00.
		{name: "manifest-section", manifest: "rollout.yaml", fleet: fleetOf(&manifest, nil), runs: []applyRun{
			{args: applyArgs("--interval", "1m"), stdinTTY: true, stdin: "y\n", check: both(jobsCreated(4), mostAway(&manifest, 1))},
		}},
		// --not-before: a countdown (a line every 10 minutes off a terminal),
		// then the creates, all at once (no bound given): their tokens are
		// recorded at 12:30.
		{name: "not-before-countdown", manifest: "batch.yaml", fleet: fleetOf(&before, nil), runs: []applyRun{
			{args: applyArgs("--yes", "--not-before", "2026-11-27T12:30:00Z"), check: both(jobsCreated(4), mostAway(&before, 4))},
		}},
		// Ctrl-C during the countdown: exit 130, nothing created.
		{name: "not-before-interrupted", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--max-unavailable", "2", "--not-before", "2026-11-27T12:30:00Z"),
				setup: func(f *Factory, cancel context.CancelFunc) {
					sleep := f.Sleep
					n := 0
					f.Sleep = func(ctx context.Context, d time.Duration) error {
						if n++; n == 2 {
							cancel()
							return ctx.Err()
						}
						return sleep(ctx, d)
					}
				}, check: jobsCreated(0)},
		}},
		// Ctrl-C while the third job runs (jobs of 2 polls, one at a time):
		// exit 130, the fourth not sent. The same command again creates no
		// job twice: the third, still Running, takes the slot and is
		// followed first, then the fourth goes.
		{name: "interrupted-then-rerun", manifest: "batch.yaml", fleet: fleetOf(&rerun, func(fl *fakeapi.Fleet) { fl.PollsToEnd = 2 }), runs: []applyRun{
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "1m"),
				setup: func(f *Factory, cancel context.CancelFunc) {
					sleep := f.Sleep
					n := 0
					f.Sleep = func(ctx context.Context, d time.Duration) error {
						if n++; n == 5 {
							cancel()
							return ctx.Err()
						}
						return sleep(ctx, d)
					}
				}, check: jobsCreated(3)},
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "1m"), check: both(jobsCreated(4), mostAway(&rerun, 1),
				func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
					for id, tokens := range creates(srv) {
						if len(tokens) != 1 {
							t.Errorf("%s: %d creates; want 1", id, len(tokens))
						}
					}
				})},
		}},
		// The day before: a dry run says how the window will run.
		{name: "dry-run", manifest: "rollout.yaml", runs: []applyRun{
			{args: applyArgs("--dry-run"), check: jobsCreated(0)},
		}},
		// Inside its window (11:55 to 14:00 at 12:00): starts at once.
		{name: "inside-the-window", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--max-unavailable", "1", "--interval", "1m", "--not-before", "11:55", "--not-after", "14:00", "-o", "json"), check: jobsCreated(4)},
		}},
	})
}

func TestApplyRolloutBadInput(t *testing.T) {
	nothing := func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) { nothingSent(t, srv, res) }
	runApplyGolden(t, []applyCase{
		{name: "not-after-past", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--not-after", "2026-11-27T11:00:00Z"), check: nothing}}},
		// 11:00 is an hour ago, nearer than tomorrow's: in the past.
		{name: "not-after-past-clock", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--not-after", "11:00"), check: nothing}}},
		{name: "not-after-before-not-before", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--not-before", "13:00", "--not-after", "12:30"), check: nothing}}},
		{name: "bad-time", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--not-before", "tomorrow"), check: nothing}}},
		{name: "max-unavailable-zero", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--max-unavailable", "0"), check: nothing}}},
		{name: "timeout-with-rollout", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--wait", "--timeout", "1h", "--max-unavailable", "1"), check: nothing}}},
		{name: "fail-fast-with-rollout", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--wait", "--fail-fast", "--canary", "1"), check: nothing}}},
		{name: "manifest-section", manifest: "rollout-bad.yaml", runs: []applyRun{{args: applyArgs("--yes"), check: nothing}}},
		// The manifest's not_after is in the past: its line is named.
		{name: "manifest-not-after-past", manifest: "rollout.yaml", runs: []applyRun{{args: applyArgs("--yes", "-o", "json"), check: nothing,
			before: func(t *testing.T, dir string) {
				path := filepath.Join(dir, "migrations.yaml")
				data, _ := os.ReadFile(path)
				os.WriteFile(path, []byte(strings.Replace(string(data), `not_after: "13:00"`, `not_after: "11:30"`, 1)), 0o644)
			}}}},
	})
}

// TestApplyRolloutNeverMoreThanN runs 5 migrations whose jobs take 3 polls
// at --max-unavailable 2, and asks the fake how many of its jobs were ever
// Running at once.
func TestApplyRolloutNeverMoreThanN(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			srv := fakeapi.New(t, filepath.Join(repoRoot, "testdata", "api"))
			fleet := fakeapi.NewFleet(srv, fakeapi.FleetInstances(5)...)
			fleet.PollsToEnd = 3
			testEnv(t, srv, false)
			dir := t.TempDir()
			var m strings.Builder
			m.WriteString("region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\nmigrations:\n")
			for i := range 5 {
				fmt.Fprintf(&m, "  - instance_id: %s\n", fakeapi.FleetInstance(i+1))
			}
			path := filepath.Join(dir, "m.yaml")
			if err := os.WriteFile(path, []byte(m.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			// A barrier, not a timing: before each poll, the test waits until
			// as many jobs run as the bound allows (or as are left), so that
			// jobs end only once the rollout has filled its slots.
			created := make(chan struct{}, 10)
			var count atomic.Int32 // creates answered by the fleet
			create := fleet.Created()
			srv.Always("CreateCrossZoneMigrationJob", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
				status, body := create.Respond(r)
				count.Add(1)
				created <- struct{}{}
				return status, body
			}})
			f, out, errOut := newTestFactory(false, "")
			f.NewClientToken = tokenSequence()
			sleep := f.Sleep
			f.Sleep = func(ctx context.Context, d time.Duration) error {
				for {
					// Jobs end only at polls, so during this sleep the ended ones stay ended.
					// The count first: a create between the two reads then makes
					// the test wait for its signal, never stop waiting too soon.
					answered := int(count.Load())
					running := fleet.Running()
					if ended := answered - running; running >= min(n, 5-ended) {
						break
					}
					select {
					case <-created:
					case <-time.After(time.Minute): // a guard against a hang, not a wait
						t.Errorf("%d jobs running, %d created: the rollout does not fill its %d slots", fleet.Running(), count.Load(), n)
						return sleep(ctx, d)
					}
				}
				return sleep(ctx, d)
			}
			code := Run(context.Background(), f, []string{"apply", "-f", path, "--yes", "--max-unavailable", fmt.Sprint(n), "--interval", "10s", "-o", "json"})
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			if got := srv.JobsCreated(); got != 5 {
				t.Errorf("%d jobs created; want 5", got)
			}
			if got := fleet.MaxRunning(); got != n {
				t.Errorf("at most %d jobs Running at once; want %d", got, n)
			}
			if !strings.Contains(out.String(), fmt.Sprintf(`"peak_away": %d`, n)) {
				t.Errorf("the summary does not say peak_away %d:\n%s", n, out)
			}
		})
	}
}

func TestTogether(t *testing.T) {
	notAfter := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		opts rollout.Options
		n    int
		want string
	}{
		{rollout.Options{}, 6, "all 6 at once"},
		{rollout.Options{}, 1, "one at a time"},
		{rollout.Options{MaxUnavailable: 8}, 6, "all 6 at once"},
		{rollout.Options{MaxUnavailable: 2}, 6, "at most 2 at once"},
		{rollout.Options{MaxUnavailable: 2, Canary: 1, NotAfter: notAfter}, 6, "at most 2 at once, the first 1 as a canary before the others; none starts after 03:45 UTC"},
	} {
		if got := together(c.opts, c.n); got != c.want {
			t.Errorf("together(%+v, %d) = %q; want %q", c.opts, c.n, got, c.want)
		}
	}
}

// TestCountdownOnATerminal: the time left is redrawn in place each second
// (a fake clock), and the line is ended before anything else is written.
func TestCountdownOnATerminal(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.SetStderrTTY(true)
	clock := fakeapi.NewClock()
	start := clock.Now()
	o := rollout.Options{NotBefore: start.Add(3 * time.Second)}
	if err := countdown(context.Background(), ios, o, clock.Now, clock.Sleep); err != nil {
		t.Fatal(err)
	}
	want := "\r\x1b[2KWaiting for --not-before 12:00:03 UTC: 3s left (Ctrl-C stops; nothing is created before)" +
		"\r\x1b[2KWaiting for --not-before 12:00:03 UTC: 2s left (Ctrl-C stops; nothing is created before)" +
		"\r\x1b[2KWaiting for --not-before 12:00:03 UTC: 1s left (Ctrl-C stops; nothing is created before)\n"
	if got := errOut.String(); got != want {
		t.Errorf("countdown wrote\n%q\nwant\n%q", got, want)
	}
	if !clock.Now().Equal(o.NotBefore) {
		t.Errorf("woke at %s; want %s", clock.Now(), o.NotBefore)
	}
}
