package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gofrs/flock"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// The instances of testdata/manifests/batch.yaml.
var batchInstances = []string{fakeapi.FleetInstance(1), fakeapi.FleetInstance(2), fakeapi.FleetInstance(3), fakeapi.FleetInstance(4)}

// oneJobEach checks the end every recovery must reach: the server made
// exactly one job per instance of the batch, and the state file records it.
func oneJobEach(t *testing.T, srv *fakeapi.Server, dir string, _ runResult) {
	t.Helper()
	if n := srv.JobsCreated(); n > len(batchInstances) {
		t.Errorf("the server created %d jobs for %d instances", n, len(batchInstances))
	}
	st := readState(t, dir)
	for _, id := range batchInstances {
		if e := st.Migrations[id]; e == nil || e.JobID != jobOf(id) {
			t.Errorf("%s: state %+v; want job %s", id, e, jobOf(id))
		}
	}
}

// exitCode checks a run's exit code (the golden file shows it too; this
// names the contract's code where the case is defined).
func exits(want int, more ...func(*testing.T, *fakeapi.Server, string, runResult)) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
		t.Helper()
		if res.code != want {
			t.Errorf("exit code %d; want %d", res.code, want)
		}
		for _, f := range more {
			f(t, srv, dir, res)
		}
	}
}

func tokensKept(ids ...string) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
		t.Helper()
		st := readState(t, dir)
		for _, id := range ids {
			if e := st.Migrations[id]; e == nil || e.ClientToken == "" {
				t.Errorf("%s: state %+v; want its token kept", id, e)
			}
		}
	}
}

func dropAll(fl *fakeapi.Fleet, n int) []fakeapi.Step {
	steps := make([]fakeapi.Step, n)
	for i := range steps {
		steps[i] = fl.Created()
		steps[i].Drop = true
	}
	return steps
}

// TestRecoveryCreate: a single create whose answers were all lost, then the
// repeat it prints; a refused repeat; a token reused for another instance.
func TestRecoveryCreate(t *testing.T) {
	base := []string{"create", "--region", "cn-hangzhou", "--instance-id", fakeapi.FleetInstance(1), "--target-zone", "cn-hangzhou-i",
		"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001"}
	const token = "123e4567-e89b-42d3-a456-000000000001"
	repeat := append(append([]string{}, base...), "--client-token", token, "--yes")
	printed := "zonemove " + strings.Join(repeat, " ")
	runApplyGolden(t, []applyCase{
		{name: "lost-answers-then-printed-repeat", runs: []applyRun{
			{args: append(append([]string{}, base...), "--yes", "--max-attempts", "2"),
				script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
					return map[string][]fakeapi.Step{createAction: dropAll(fl, 2)}
				},
				check: exits(1, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
					if !strings.Contains(res.stderr, printed) {
						t.Errorf("stderr does not print the repeat %q:\n%s", printed, res.stderr)
					}
				})},
			// The printed command: its own job does not block it; SMC answers with it.
			{args: repeat, check: exits(0, jobsCreated(1))},
		}},
		{name: "refused-repeat", runs: []applyRun{
			{args: append(append([]string{}, base...), "--yes", "--max-attempts", "1"),
				script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
					return map[string][]fakeapi.Step{createAction: dropAll(fl, 1)}
				},
				check: exits(1, jobsCreated(1))},
			// Refused now, but the first request made a job: never "no job was created".
			{args: repeat, script: func(*fakeapi.Fleet) map[string][]fakeapi.Step {
				return map[string][]fakeapi.Step{createAction: {smcFile("CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob")}}
			}, check: exits(1, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				if strings.Contains(res.stderr, "No job was created") {
					t.Errorf("a refused repeat says no job was created:\n%s", res.stderr)
				}
			})},
			{args: repeat, check: exits(0, jobsCreated(1))},
		}},
		{name: "token-reused-for-another-instance", runs: []applyRun{
			{args: append(append([]string{}, base...), "--yes"), check: exits(0, jobsCreated(1))},
			{args: []string{"create", "--region", "cn-hangzhou", "--instance-id", fakeapi.FleetInstance(2), "--target-zone", "cn-hangzhou-i",
				"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--client-token", token, "--yes"}, check: exits(1, jobsCreated(1))},
		}},
	})
}

// TestRecoveryApply: each way a batch can be cut short, then run again, ends
// with one job per instance, a truthful message and the contract's exit code.
func TestRecoveryApply(t *testing.T) {
	second, third := fakeapi.FleetInstance(2), fakeapi.FleetInstance(3)
	yes := applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1")
	lostFrom := func(n int) func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
		return func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
			steps := []fakeapi.Step{}
			for i := 1; i < n; i++ {
				steps = append(steps, fl.Created())
			}
			return map[string][]fakeapi.Step{createAction: append(steps, dropAll(fl, len(batchInstances)-n+1)...)}
		}
	}
	hangFirst, interruptAtFirst := hangOn(1)
	var held *flock.Flock
	runApplyGolden(t, []applyCase{
		// The answer of the second create is lost; its resend is refused; the
		// token stays, and the next run gets the job back.
		{name: "refused-resend", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: answerLostOn(2), check: exits(1, tokensKept(second))},
			{args: yes, script: func(*fakeapi.Fleet) map[string][]fakeapi.Step {
				return map[string][]fakeapi.Step{createAction: {smcFile("CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob")}}
			}, check: exits(1, tokensKept(second))},
			{args: yes, check: exits(0, oneJobEach)},
		}},
		// A killed run (answers of creates 2-4 never recorded), then Ctrl-C of
		// the re-run before its first resend is answered: no token is dropped.
		{name: "killed-then-interrupted-rerun", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: lostFrom(2), check: exits(1, tokensKept(second, third, fakeapi.FleetInstance(4)))},
			{args: yes, script: hangFirst, ctx: interruptAtFirst, check: exits(130, tokensKept(second, third, fakeapi.FleetInstance(4)))},
			{args: yes, check: exits(0, oneJobEach)},
		}},
		// The job of a resent create finished meanwhile: zone-change does not
		// block the resend, and SMC answers with the finished job.
		{name: "finished-job-resent", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: answerLostOn(2), check: exits(1, tokensKept(second))},
			{args: yes, before: nil, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.Move(second, "cn-hangzhou-i", "ecs.g7.xlarge")
				return nil
			}, check: exits(0, oneJobEach)},
		}},
		// The state file is lost after a finished batch: every instance is
		// done, nothing is created.
		{name: "state-deleted-after-finished-batch", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0, jobsCreated(4))},
			{args: applyArgs("--yes"), before: removeState, check: exits(0, jobsCreated(4))},
		}},
		// A job deleted after it Finished leaves its moved instance done:
		// the re-run exits 0 and offers no second move.
		{name: "finished-job-deleted-rerun", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0, jobsCreated(4))},
			{args: yes, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.DeleteJob(fakeapi.FleetInstance(3))
				return nil
			}, check: exits(0, jobsCreated(4), func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				if !strings.Contains(res.stdout, "i-bp1ff25rzvnul6kr0003 is already in cn-hangzhou-i as ecs.g7.large, where the manifest puts it (its job j-bp1ff25rzvnul6kr0003 no longer exists") {
					t.Errorf("the moved instance of the deleted job is not done:\n%s", res.stdout)
				}
			})},
		}},
		// A second manifest (its own state file) moves an instance elsewhere
		// while the first batch's job runs: the job goes to another vSwitch,
		// so it is not adopted; the entry is blocked (exit 3), naming the job.
		{name: "other-batch-job-not-adopted", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0, jobsCreated(4))},
			{args: yes, before: func(t *testing.T, dir string) {
				removeState(t, dir)
				editManifest("target_vswitch: vsw-bp1mxqnssl8nafltc0001", "target_vswitch: vsw-bp1mxqnssl8nafltc0002")(t, dir)
			}, check: exits(3, jobsCreated(4), func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				if !strings.Contains(res.stdout, "job j-bp1ff25rzvnul6kr0001 (Running) of i-bp1ff25rzvnul6kr0001 goes to vSwitch vsw-bp1mxqnssl8nafltc0001, not to vsw-bp1mxqnssl8nafltc0002") {
					t.Errorf("the blocked entry does not name the job and where it goes:\n%s", res.stdout)
				}
			})},
		}},
		// The state file is lost after a killed batch: the jobs that exist are
		// adopted (exists), the rest are created.
		{name: "state-deleted-after-killed-batch", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: lostFrom(3), check: exits(1)},
			{args: yes, before: removeState, check: exits(0, oneJobEach)},
		}},
		// A job of the batch ended InError: the re-run says so, exit 5.
		{name: "in-error-rerun", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0, oneJobEach)},
			{args: yes, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.SetJobStatus(third, "cn-hangzhou-i", "InError")
				return nil
			}, check: exits(5)},
			{args: append(yes, "-o", "json"), check: exits(5)},
			// The hint's command resumes it; then it is followed to its end.
			{args: applyArgs("--yes", "--retry-failed", "--wait", "--interval", "1s"), check: exits(0, oneJobEach)},
		}},
		// A recorded job was deleted: the re-run says so and how to go on
		// (exit 5, with or without --wait); the hint's command accepts it.
		{name: "deleted-job-rerun", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0, oneJobEach)},
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.DeleteJob(third)
				return nil
			}, check: exits(5)},
			{args: []string{"state", "forget", "-f", "migrations.yaml", third}, check: exits(0)},
			// One new job replaces the deleted one: five made, four exist.
			{args: yes, check: exits(0, jobsCreated(5), func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				if e := readState(t, dir).Migrations[third]; e == nil || e.JobID == "" {
					t.Errorf("%s: state %+v; want its new job", third, e)
				}
			})},
		}},
		// Stopped jobs are resumed too; a refused start after a lost answer is
		// read back, not reported as a failure.
		{name: "retry-failed-stopped", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0, oneJobEach)},
			{args: applyArgs("--yes", "--retry-failed", "--max-attempts", "2"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.SetJobStatus(second, "cn-hangzhou-i", "Stopped")
				return map[string][]fakeapi.Step{"StartReplicationJob": {
					{Respond: fl.StartStep().Respond, Drop: true}, // started; the answer lost
				}}
			}, check: exits(0, func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
				n := 0
				for _, r := range srv.Requests() {
					if r.Action == "StartReplicationJob" {
						n++
					}
				}
				if n != 2 {
					t.Errorf("%d StartReplicationJob sent; want 2 (the lost one and its retry)", n)
				}
			})},
		}},
		// A job is deleted while apply --wait follows the batch: it fails
		// alone, the others are followed to their end, and the summary agrees
		// with the rows.
		{name: "deleted-job-during-wait", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				jobs := fl.Jobs()
				polls := 0 // by job ID: the wait's; one at a time
				fl.Server().Always("DescribeReplicationJobs", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
					if r.Params.Get("JobId.1") != "" {
						switch polls++; polls {
						case 1: // seen Running ...
							fl.SetJobStatus(third, "cn-hangzhou-i", "Running")
						case 2: // ... then deleted
							fl.DeleteJob(third)
						}
					}
					return jobs.Respond(r)
				}})
				return nil
			}, check: exits(5)},
		}},
		{name: "deleted-job-during-wait-json", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s", "-o", "json"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				jobs := fl.Jobs()
				polls := 0
				fl.Server().Always("DescribeReplicationJobs", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
					if r.Params.Get("JobId.1") != "" {
						switch polls++; polls {
						case 1:
							fl.SetJobStatus(third, "cn-hangzhou-i", "Running")
						case 2:
							fl.DeleteJob(third)
						}
					}
					return jobs.Respond(r)
				}})
				return nil
			}, check: exits(5)},
		}},
		// The lock is held while apply --wait follows the jobs: a second apply
		// of the batch is refused until the first ends.
		{name: "lock-held-during-wait", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				jobs := fl.Jobs()
				fl.Server().Always("DescribeReplicationJobs", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
					if r.Params.Get("JobId.1") != "" { // a poll of the wait
						other := flock.New("migrations.yaml.state.json.lock")
						if ok, err := other.TryLock(); ok || err != nil {
							t.Errorf("another run could take the lock during --wait (%v)", err)
							other.Unlock()
						}
					}
					return jobs.Respond(r)
				}})
				return nil
			}, check: exits(0, oneJobEach)},
		}},
		// Two state paths that are symlinks to one file: the lock is the real
		// file's, so the second run is refused; a write keeps the links.
		{name: "symlinked-state-paths", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--state", "link-a.json"), before: func(t *testing.T, dir string) {
				for _, l := range []string{"link-a.json", "link-b.json"} {
					if err := os.Symlink("migrations.yaml.state.json", filepath.Join(dir, l)); err != nil {
						t.Fatal(err)
					}
				}
				held = flock.New(filepath.Join(dir, "migrations.yaml.state.json.lock"))
				if ok, err := held.TryLock(); !ok || err != nil {
					t.Fatalf("taking the lock: %v %v", ok, err)
				}
			}, check: exits(1, func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) {
				nothingSent(t, srv, res)
				held.Unlock()
			})},
			{args: applyArgs("--yes", "--state", "link-b.json"), check: exits(0, oneJobEach, func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				for _, l := range []string{"link-a.json", "link-b.json"} {
					if fi, err := os.Lstat(filepath.Join(dir, l)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
						t.Errorf("%s is no longer a symlink (%v)", l, err)
					}
				}
			})},
		}},
	})
}

func removeState(t *testing.T, dir string) {
	if err := os.Remove(filepath.Join(dir, "migrations.yaml.state.json")); err != nil {
		t.Fatal(err)
	}
}

// TestRecoveryRandomKillPoints interrupts a batch at random creates, with
// random answers lost before, then interrupts the re-run too; the third run
// ends with exactly one job per instance, and every resend carried the token
// the state file recorded.
func TestRecoveryRandomKillPoints(t *testing.T) {
	apiDir, _ := testdataDirs(t)
	manifest, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "manifests", "batch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(16) {
		t.Run(fmt.Sprint("seed-", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 42))
			srv := fakeapi.New(t, apiDir)
			ids := fakeapi.FleetInstances(fleetSize)
			fl := fakeapi.NewFleet(srv, ids...)
			testEnv(t, srv, false)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "migrations.yaml"), manifest, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			tokens := tokenSequence()
			run := func(kill int, lost map[int]bool) int {
				var steps []fakeapi.Step
				in := newInterruption()
				for i := 1; i <= kill; i++ { // the creates after the kill are never sent
					switch {
					case i == kill:
						steps = append(steps, in.step())
					default:
						s := fl.Created()
						s.Drop = lost[i]
						steps = append(steps, s)
					}
				}
				srv.On(createAction, steps...)
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if kill > 0 {
					ctx, cancel = in.ctx(srv)
				}
				defer cancel()
				f, _, _ := newTestFactory(false, "")
				f.NewClientToken = tokens
				return Run(ctx, f, applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1"))
			}
			lost := map[int]bool{}
			kill1 := 1 + rng.IntN(len(batchInstances))
			for i := 1; i < kill1; i++ {
				lost[i] = rng.IntN(2) == 0
			}
			if code := run(kill1, lost); code != 130 {
				t.Fatalf("first run: exit %d; want 130", code)
			}
			before := readState(t, dir)
			left := 0
			for _, id := range batchInstances {
				if e := before.Migrations[id]; e == nil || e.JobID == "" {
					left++
				}
			}
			if code := run(1+rng.IntN(left), nil); code != 130 {
				t.Fatalf("second run: exit %d; want 130", code)
			}
			for id, e := range before.Migrations {
				if !e.HasCreate() {
					continue // only where the instance was: nothing was sent
				}
				if after := readState(t, dir).Migrations[id]; after == nil || after.ClientToken != e.ClientToken {
					t.Errorf("%s: token %s dropped or changed by the interrupted re-run (%+v)", id, e.ClientToken, after)
				}
			}
			if code := run(0, nil); code != 0 {
				t.Fatalf("third run: exit %d; want 0", code)
			}
			oneJobEach(t, srv, dir, runResult{})
			if n := srv.JobsCreated(); n != len(batchInstances) {
				t.Errorf("%d jobs created; want %d", n, len(batchInstances))
			}
			st := readState(t, dir)
			for id, tokens := range creates(srv) {
				for _, tok := range tokens[1:] {
					if tok != tokens[0] && st.Migrations[id].ClientToken != tok {
						t.Errorf("%s: creates carried %v", id, tokens)
					}
				}
			}
		})
	}
}
