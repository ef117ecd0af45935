package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gofrs/flock"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// applyRun is one run of zonemove apply within a case; the runs of a case
// share the fake server and the folder of the manifest and its state file.
type applyRun struct {
	args      []string
	stdin     string
	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	// width is the terminal's width in columns (0: the default, 80).
	width int
	// script queues fake API steps for this run, before the fleet's answers.
	script func(fl *fakeapi.Fleet) map[string][]fakeapi.Step
	// ctx, when set, returns the run's context (to interrupt it).
	ctx func(srv *fakeapi.Server) (context.Context, context.CancelFunc)
	// setup, when set, adjusts the run's factory (its clock, say); cancel
	// ends the run's context.
	setup func(f *Factory, cancel context.CancelFunc)
	// before runs in the case's folder before the run.
	before func(t *testing.T, dir string)
	// check runs extra assertions after the run.
	check func(t *testing.T, srv *fakeapi.Server, dir string, res runResult)
}

// applyCase is a manifest, copied into a fresh folder as migrations.yaml, and
// the runs of apply on it.
type applyCase struct {
	name     string
	manifest string // under testdata/manifests
	runs     []applyRun
	// fleet, when set, changes the fleet before the first run.
	fleet func(fl *fakeapi.Fleet)
	// requests, when set, rewrites the requests received before they are
	// compared (a value that is fresh on every run).
	requests func([]fakeapi.Request) []fakeapi.Request
}

// fleetSize is how many instances the fake API knows: i-bp1ff25rzvnul6kr0001
// to 0005; any other instance does not exist.
const fleetSize = 5

// tokenSequence makes distinct, stable ClientTokens, as uuid.NewString would
// make distinct random ones.
func tokenSequence() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("123e4567-e89b-42d3-a456-%012d", n)
	}
}

// jobOf is the job the fake fleet makes for an instance: j-<suffix>.
func jobOf(instanceID string) string { return fakeapi.FleetJob(instanceID) }

// runApplyGolden runs each case and compares, per run, the exit code,
// stdout, stderr, the state file after the run and the requests it sent with
// testdata/golden/<test>/<case>.golden. Requests are sorted (by action, then
// parameters; retries keep their order) because checks and creates run
// concurrently; results are in manifest order by design.
func runApplyGolden(t *testing.T, cases []applyCase) {
	t.Helper()
	apiDir, root := testdataDirs(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, apiDir)
			fleet := fakeapi.NewFleet(srv, fakeapi.FleetInstances(fleetSize)...)
			if c.fleet != nil {
				c.fleet(fleet)
			}
			testEnv(t, srv, false)
			dir := t.TempDir()
			if c.manifest != "" {
				data, err := os.ReadFile(filepath.Join(root, "testdata", "manifests", c.manifest))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "migrations.yaml"), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			tokens := tokenSequence()
			var b strings.Builder
			lastState := ""
			for i, run := range c.runs {
				if run.before != nil {
					run.before(t, dir)
				}
				if run.script != nil {
					for action, steps := range run.script(fleet) {
						srv.On(action, steps...)
					}
				}
				f, out, errOut := newTestFactory(run.stdinTTY, run.stdin)
				f.NewClientToken = tokens
				f.IOStreams.SetStdoutTTY(run.stdoutTTY)
				f.IOStreams.SetStderrTTY(run.stderrTTY)
				if run.width > 0 {
					f.IOStreams.SetTerminalWidth(run.width)
				}
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if run.ctx != nil {
					ctx, cancel = run.ctx(srv)
				}
				if run.setup != nil {
					var stop context.CancelFunc
					ctx, stop = context.WithCancel(ctx)
					outer := cancel
					cancel = func() { stop(); outer() }
					run.setup(f, stop)
				}
				sent := len(srv.Requests())
				code := Run(ctx, f, run.args)
				cancel()
				res := runResult{code: code, stdout: out.String(), stderr: errOut.String()}
				reqs := requestsSince(t, srv, sent, i+1)
				if c.requests != nil {
					reqs = c.requests(reqs)
				}
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "=== run %d\n", i+1)
				state, err := os.ReadFile(filepath.Join(dir, "migrations.yaml.state.json"))
				switch {
				case err != nil:
					state = []byte("(none)\n")
				case string(state) == lastState:
					state = []byte("(unchanged)\n")
				default:
					lastState = string(state)
				}
				b.WriteString(renderApplyRun(run, res, reqs, string(state)))
				if run.check != nil {
					run.check(t, srv, dir, res)
				}
			}
			compareGolden(t, filepath.Join(root, "testdata", "golden", t.Name()+".golden"), normalize(b.String()))
			srv.Verify(t)
		})
	}
}

func renderApplyRun(run applyRun, res runResult, reqs []fakeapi.Request, state string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ zonemove %s\n", strings.Join(run.args, " "))
	fmt.Fprintf(&b, "--- exit code\n%d\n", res.code)
	fmt.Fprintf(&b, "--- stdout\n%s", res.stdout)
	fmt.Fprintf(&b, "--- stderr\n%s", res.stderr)
	fmt.Fprintf(&b, "--- state file migrations.yaml.state.json\n%s", state)
	fmt.Fprintf(&b, "--- requests received (%d, sorted)\n%s", len(reqs), formatSorted(reqs))
	return b.String()
}

func applyArgs(extra ...string) []string {
	return append([]string{"apply", "-f", "migrations.yaml"}, extra...)
}

// readState reads the state file of a case's folder.
func readState(t *testing.T, dir string) *batch.State {
	t.Helper()
	st, err := batch.ReadState(filepath.Join(dir, "migrations.yaml.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// creates returns the creates received, by instance.
func creates(srv *fakeapi.Server) map[string][]string {
	out := map[string][]string{}
	for _, r := range srv.Requests() {
		if r.Action == createAction {
			id := r.Params.Get("InstanceId")
			out[id] = append(out[id], r.Params.Get("ClientToken"))
		}
	}
	return out
}

func jobsCreated(want int) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		if n := srv.JobsCreated(); n != want {
			t.Errorf("the server has created %d jobs; want %d", n, want)
		}
	}
}

func TestApplyDryRun(t *testing.T) {
	nothing := func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
		if n := len(creates(srv)); n != 0 {
			t.Errorf("a dry run sent %d creates", n)
		}
		for _, r := range srv.Requests() {
			if !strings.HasPrefix(r.Action, "Describe") && !strings.HasPrefix(r.Action, "List") {
				t.Errorf("a dry run sent %s; want only read-only lookups", r.Action)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "migrations.yaml.state.json")); err == nil {
			t.Error("a dry run wrote the state file")
		}
		if _, err := os.Stat(filepath.Join(dir, "migrations.yaml.state.json.lock")); err == nil {
			t.Error("a dry run took the lock")
		}
	}
	runApplyGolden(t, []applyCase{
		{name: "blocked", manifest: "blocked.yaml", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing}}},
		{name: "blocked-json", manifest: "blocked.yaml", runs: []applyRun{{args: applyArgs("--dry-run", "-o", "json"), check: nothing}}},
		{name: "all-pass", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing}}},
		// The no-region error names --profile as a way out: a manifest without
		// a region takes the profile's region_id.
		{name: "region-from-profile", manifest: "no-region-vswitch.yaml", runs: []applyRun{{args: applyArgs("--dry-run", "--profile", "ops"),
			before: func(t *testing.T, _ string) {
				t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "false")
				writeHomeFile(t, ".aliyun/config.json", `{"current": "ops", "profiles": [{"name": "ops", "mode": "AK", "access_key_id": "`+
					fakeapi.AccessKeyID+`", "access_key_secret": "`+fakeapi.AccessKeySecret+`", "region_id": "cn-hangzhou"}]}`)
			},
			check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				nothing(t, srv, dir, res)
				if res.code != 0 {
					t.Errorf("exit %d; want 0 with the profile's region", res.code)
				}
				for _, r := range srv.Requests() {
					if got := r.Params.Get("RegionId"); got != "" && got != "cn-hangzhou" {
						t.Errorf("%s was sent to region %q; want the profile's cn-hangzhou", r.Action, got)
					}
				}
			}}}},
	})
}

// writeHomeFile writes a file under the run's HOME.
func writeHomeFile(t *testing.T, name, content string) {
	t.Helper()
	path := filepath.Join(os.Getenv("HOME"), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestApply(t *testing.T) {
	var peak atomic.Int32
	var requestsAfterFirstRun int
	fourJobs := func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
		requestsAfterFirstRun = len(srv.Requests())
		jobsCreated(4)(t, srv, dir, res)
		st := readState(t, dir)
		seen := map[string]bool{}
		for id, tokens := range creates(srv) {
			e := st.Migrations[id]
			if e == nil || e.JobID != jobOf(id) || len(tokens) != 1 || tokens[0] != e.ClientToken {
				t.Errorf("%s: state %+v, creates with tokens %v", id, e, tokens)
				continue
			}
			if seen[e.JobID] || seen[e.ClientToken] {
				t.Errorf("%s: job %s or token %s is not unique", id, e.JobID, e.ClientToken)
			}
			seen[e.JobID], seen[e.ClientToken] = true, true
		}
		if n := peak.Load(); n != 3 {
			t.Errorf("%d creates in flight at most; want 3 (--concurrency 3)", n)
		}
	}
	runApplyGolden(t, []applyCase{
		{name: "full-run-then-rerun", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "3"), script: overlapping(4, 3, &peak), check: fourJobs},
			// Everything exists: nothing is checked or sent again; the jobs'
			// statuses are read, all at once.
			{args: applyArgs("--yes"), check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				jobsCreated(4)(t, srv, dir, res)
				reqs := srv.Requests()[requestsAfterFirstRun:]
				if len(reqs) != 1 || reqs[0].Action != "DescribeReplicationJobs" {
					t.Errorf("the re-run sent %d requests; want one DescribeReplicationJobs", len(reqs))
				}
			}},
		}},
		{name: "full-run-json", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "-o", "json"), check: jobsCreated(4)}}},
		{name: "terminal", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs(), stdinTTY: true, stdoutTTY: true, stderrTTY: true, stdin: "n\n", check: jobsCreated(0)},
			{args: applyArgs(), stdinTTY: true, stdoutTTY: true, stderrTTY: true, stdin: "y\n",
				check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
					jobsCreated(4)(t, srv, dir, res)
					if !strings.Contains(res.stderr, "\rCreating jobs: 4/4\n") {
						t.Errorf("no progress line on the terminal's stderr:\n%q", res.stderr)
					}
				}},
		}},
		{name: "not-a-terminal-without-yes", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs(),
			check: func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) { nothingSent(t, srv, res) }}}},
		{name: "blocked", manifest: "blocked.yaml", runs: []applyRun{{args: applyArgs("--yes"), check: jobsCreated(0)}}},
		{name: "create-errors", manifest: "batch.yaml", runs: []applyRun{
			// One create refused, one without an answer, after every retry.
			{args: applyArgs("--yes", "--concurrency", "1", "--max-attempts", "2"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				return map[string][]fakeapi.Step{createAction: {
					fl.Created(), smcFile("CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob"),
					smcFile("CreateCrossZoneMigrationJob.InternalError"), smcFile("CreateCrossZoneMigrationJob.InternalError"),
				}}
			}, check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				st := readState(t, dir)
				if e := st.Migrations["i-bp1ff25rzvnul6kr0002"]; e == nil || e.HasCreate() || e.Before == nil {
					t.Errorf("the refused create: state %+v; want where it was and no token (a re-run would skip its active-job check)", e)
				}
				if e := st.Migrations["i-bp1ff25rzvnul6kr0003"]; e == nil || e.JobID != "" {
					t.Errorf("the create of unknown outcome: state %+v; want its token and no job", e)
				}
			}},
			// The re-run checks and creates the refused one anew, and re-sends the other with its token.
			{args: applyArgs("--yes", "--concurrency", "1", "-o", "json"), check: jobsCreated(4)},
		}},
		{name: "auth-error-stops-the-batch", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "1"), script: func(*fakeapi.Fleet) map[string][]fakeapi.Step {
				return map[string][]fakeapi.Step{createAction: {smcFile("CreateCrossZoneMigrationJob.Forbidden.RAM")}}
			}, check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				if n := len(creates(srv)); n != 1 {
					t.Errorf("%d instances got a create after access was denied; want 1", n)
				}
				for id, e := range readState(t, dir).Migrations {
					if e.HasCreate() {
						t.Errorf("%s: a token in the state (%+v); want none", id, e)
					}
				}
			}},
		}},
	})
}

// TestApplyResume interrupts a batch between sending a create and recording
// its answer, then runs it again: no job is created twice, and the re-sent
// create carries the token the state file recorded.
func TestApplyResume(t *testing.T) {
	const second = "i-bp1ff25rzvnul6kr0002"
	var recorded string
	tokenRecorded := func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
		e := readState(t, dir).Migrations[second]
		if e == nil || e.ClientToken == "" || e.JobID != "" {
			t.Fatalf("after the interruption the state of %s is %+v; want a token and no job", second, e)
		}
		recorded = e.ClientToken
	}
	resentWithSameToken := func(jobs int) func(*testing.T, *fakeapi.Server, string, runResult) {
		return func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
			jobsCreated(jobs)(t, srv, dir, res)
			tokens := creates(srv)[second]
			if len(tokens) != 2 || tokens[0] != recorded || tokens[1] != recorded {
				t.Errorf("creates of %s carried %v; want twice the recorded %s", second, tokens, recorded)
			}
			for id, tokens := range creates(srv) {
				if id != second && len(tokens) != 1 {
					t.Errorf("%s got %d creates; want 1", id, len(tokens))
				}
			}
			st := readState(t, dir)
			for _, id := range []string{"i-bp1ff25rzvnul6kr0001", second, "i-bp1ff25rzvnul6kr0003", "i-bp1ff25rzvnul6kr0004"} {
				if e := st.Migrations[id]; e == nil || e.JobID != jobOf(id) {
					t.Errorf("%s: state %+v; want job %s", id, e, jobOf(id))
				}
			}
		}
	}
	hangSecond, interruptAtSecond := hangOn(2)
	runApplyGolden(t, []applyCase{
		// Ctrl-C while the second create is in flight: the server never
		// answers it, so its job does not exist yet.
		{name: "interrupted", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "1"), script: hangSecond, ctx: interruptAtSecond, check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				tokenRecorded(t, srv, dir, res)
				jobsCreated(1)(t, srv, dir, res)
			}},
			{args: applyArgs("--yes", "--concurrency", "1"), check: resentWithSameToken(4)},
		}},
		// The laptop dies after the server made the job and before the answer
		// arrived (a dropped connection, no retry): the re-run gets that job back.
		{name: "answer-lost", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1"), script: answerLostOn(2), check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
				tokenRecorded(t, srv, dir, res)
				jobsCreated(4)(t, srv, dir, res) // the second's job exists, unknown to the client
			}},
			{args: applyArgs("--yes", "--concurrency", "1"), check: resentWithSameToken(4)},
		}},
		// The entry of an instance with a recorded token changed: flagged,
		// nothing sent, the token is not re-sent with the new values.
		{name: "changed-entry", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1"), script: answerLostOn(2)},
			{args: applyArgs("--yes"), before: editManifest("target_instance_type: ecs.g7.xlarge\n  - instance_id: i-bp1ff25rzvnul6kr0003",
				"target_instance_type: ecs.g7.2xlarge\n  - instance_id: i-bp1ff25rzvnul6kr0003"),
				check: func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
					if n := len(creates(srv)[second]); n != 1 {
						t.Errorf("%d creates of the changed entry; want only the first run's", n)
					}
				}},
		}},
	})
}

// overlapping answers n creates as the fleet does, holding each until width
// creates are in flight at once (a barrier, not a delay), and keeps the peak
// of creates being answered at once. A runner that never reaches width stalls
// the creates until the test's deadline.
func overlapping(n, width int, peak *atomic.Int32) func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
	return func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
		var now atomic.Int32
		full := make(chan struct{})
		var once sync.Once
		step := fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
			c := now.Add(1)
			defer now.Add(-1)
			for p := peak.Load(); c > p && !peak.CompareAndSwap(p, c); p = peak.Load() {
			}
			if int(c) >= width {
				once.Do(func() { close(full) })
			}
			<-full
			return fl.Created().Respond(r)
		}}
		steps := make([]fakeapi.Step, n)
		for i := range steps {
			steps[i] = step
		}
		return map[string][]fakeapi.Step{createAction: steps}
	}
}

// hangOn makes the nth create (of a run with --concurrency 1) the moment of
// Ctrl-C: the run is interrupted when the server receives it, and it is never
// answered, so no job exists for it.
func hangOn(n int) (func(fl *fakeapi.Fleet) map[string][]fakeapi.Step, func(*fakeapi.Server) (context.Context, context.CancelFunc)) {
	in := newInterruption()
	script := func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
		steps := make([]fakeapi.Step, n)
		for i := range steps[:n-1] {
			steps[i] = fl.Created()
		}
		steps[n-1] = in.step()
		return map[string][]fakeapi.Step{createAction: steps}
	}
	return script, in.ctx
}

// answerLostOn makes the server carry out the nth create (of a run with
// --concurrency 1) and drop the connection before answering.
func answerLostOn(n int) func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
	return func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
		steps := make([]fakeapi.Step, n)
		for i := range steps {
			steps[i] = fl.Created()
		}
		steps[n-1].Drop = true
		return map[string][]fakeapi.Step{createAction: steps}
	}
}

// editManifest replaces old by new in the case's manifest.
func editManifest(old, new string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		p := filepath.Join(dir, "migrations.yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("the manifest has no %q", old)
		}
		if err := os.WriteFile(p, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestApplyLocked: a second apply on the same state file at the same time is
// refused, and sends nothing.
func TestApplyLocked(t *testing.T) {
	var held *flock.Flock
	runApplyGolden(t, []applyCase{{name: "second-run-refused", manifest: "batch.yaml", runs: []applyRun{
		{args: applyArgs("--yes"), before: func(t *testing.T, dir string) {
			held = flock.New(filepath.Join(dir, "migrations.yaml.state.json.lock"))
			if ok, err := held.TryLock(); !ok || err != nil {
				t.Fatalf("taking the lock: %v %v", ok, err)
			}
		}, check: func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) {
			nothingSent(t, srv, res)
			held.Unlock()
		}},
		// Once the other run is over, the batch runs.
		{args: applyArgs("--yes", "--state", "migrations.yaml.state.json"), check: jobsCreated(4)},
	}}})
}

// recordsBothPlaces checks the record of every instance of the batch: where
// it was before (with its disks) and where it was read back.
func recordsBothPlaces(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
	t.Helper()
	st := readState(t, dir)
	for _, id := range batchInstances {
		e := st.Migrations[id]
		if e == nil || e.Before == nil || e.Instance == nil {
			t.Errorf("%s: entry %+v; want before and instance", id, e)
			continue
		}
		if e.Before.ZoneID == "" || e.Before.ZoneID == e.Instance.ZoneID || e.Instance.ZoneID != "cn-hangzhou-i" ||
			e.Before.PrivateIP == "" || e.Instance.PrivateIP == "" || e.Before.VSwitchID == "" || len(e.Before.Disks) == 0 {
			t.Errorf("%s: before %+v, instance %+v", id, e.Before, e.Instance)
		}
	}
}

// TestApplyWait follows the jobs of the batch: the exit code is the worst
// outcome.
func TestApplyWait(t *testing.T) {
	hangThird, interruptAtThird := hangOn(3)
	runApplyGolden(t, []applyCase{
		{name: "all-finished", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: recordsBothPlaces}}},
		// i-...0003 asked for no type change, so it must keep ecs.g7.large: exit 5.
		{name: "type-changed-unasked", manifest: "batch.yaml", fleet: func(fl *fakeapi.Fleet) { fl.EndAs("i-bp1ff25rzvnul6kr0003", "ecs.g7.2xlarge") },
			runs: []applyRun{{args: applyArgs("--yes", "--wait", "--interval", "1s")}}},
		// Two already exist from an earlier run; one job ends InError: exit 5.
		{name: "one-in-error-json", manifest: "batch.yaml", fleet: func(fl *fakeapi.Fleet) { fl.FailJob("i-bp1ff25rzvnul6kr0004") }, runs: []applyRun{
			{args: applyArgs("--yes", "--concurrency", "1"), script: hangThird, ctx: interruptAtThird},
			{args: applyArgs("--yes", "--wait", "-o", "json")},
		}},
	})
}

func TestApplyBadInput(t *testing.T) {
	nothing := func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) { nothingSent(t, srv, res) }
	var cases []applyCase
	for _, m := range []string{"unknown-fields", "duplicates", "missing-instance", "bad-values", "broken", "no-region", "unskippable"} {
		cases = append(cases, applyCase{name: m, manifest: m + ".yaml", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing}}})
	}
	cases = append(cases,
		applyCase{name: "no-region-json", manifest: "no-region.yaml", runs: []applyRun{{args: applyArgs("--yes", "-o", "json"), check: nothing}}},
		applyCase{name: "region-conflict", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--dry-run", "--region", "cn-shanghai"), check: nothing}}},
		applyCase{name: "region-not-served", manifest: "no-region.yaml", runs: []applyRun{{args: applyArgs("--dry-run", "--region", "cn-qingdao"), check: nothing}}},
		applyCase{name: "no-file-flag", runs: []applyRun{{args: []string{"apply", "--dry-run"}, check: nothing}}},
		applyCase{name: "missing-file", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing}}},
		applyCase{name: "concurrency-zero", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--concurrency", "0"), check: nothing}}},
		applyCase{name: "concurrency-too-high", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--concurrency", "51"), check: nothing}}},
		applyCase{name: "wait-with-dry-run", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--dry-run", "--wait"), check: nothing}}},
		applyCase{name: "state-in-missing-folder", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--state", "nowhere/s.json"), check: nothing}}},
		// Hostile input ends fast, with no call: an endless file and one nested
		// 100,000 deep (issue 18.16).
		applyCase{name: "endless-manifest", runs: []applyRun{{args: []string{"apply", "-f", "/dev/zero", "--dry-run"}, check: nothing}}},
		applyCase{name: "deep-manifest", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing,
			before: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "migrations.yaml"), []byte("migrations:\n  - "+strings.Repeat("[", 100000)), 0o644)
			}}}},
		applyCase{name: "corrupt-state", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes"), check: nothing,
			before: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "migrations.yaml.state.json"), []byte("{\"version\": 1, \"migr"), 0o644)
			}}}},
	)
	runApplyGolden(t, cases)
}

// TestApplyOptions: flags and the manifest become options without any network.
func TestApplyOptions(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(manifest, []byte("migrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args        []string
		state       string
		concurrency int
	}{
		{[]string{"-f", manifest, "--dry-run"}, manifest + ".state.json", 5},
		{[]string{"-f", manifest, "--yes", "--concurrency", "50", "--state", filepath.Join(dir, "s.json")}, filepath.Join(dir, "s.json"), 50},
	} {
		f, _, _ := newTestFactory(false, "")
		f.Global.Region = "cn-hangzhou"
		var got *ApplyOptions
		cmd := NewCmdApply(f, func(_ context.Context, o *ApplyOptions) error { got = o; return nil })
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got.StatePath != c.state || got.Concurrency != c.concurrency || got.Limiter == nil || f.Policy.Limiter != nil {
			t.Errorf("%v: state %s, concurrency %d, limiter %v (the factory's %v must stay nil)", c.args, got.StatePath, got.Concurrency, got.Limiter, f.Policy.Limiter)
		}
		if m := got.manifest; len(m.Migrations) != 1 || m.Migrations[0].Spec.Region != "cn-hangzhou" {
			t.Errorf("%v: manifest %+v", c.args, m)
		}
	}
}
