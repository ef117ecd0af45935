package cli

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/smc"
)

const (
	describeJobsAction      = "DescribeReplicationJobs"
	startJobAction          = "StartReplicationJob"
	describeInstancesAction = "DescribeInstances"

	testJob1 = "j-bp17bclvg344jlyt0001"
	testJob2 = "j-bp17bclvg344jlyt0002"
)

// jobSteps answers DescribeReplicationJobs with recorded variants, in order.
func jobSteps(variants ...string) []fakeapi.Step {
	steps := make([]fakeapi.Step, len(variants))
	for i, v := range variants {
		steps[i] = smcFile("DescribeReplicationJobs." + v)
	}
	return steps
}

// migratedInstance answers the read-back of the migrated instance.
func migratedInstance(variant string) fakeapi.Step {
	return fakeapi.Step{File: "ecs/DescribeInstances." + variant + ".http"}
}

func waitArgs(extra ...string) []string {
	return append([]string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "2h"}, extra...)
}

// stderrTerminal asks for the live view.
func stderrTerminal(f *Factory) { f.IOStreams.SetStderrTTY(true) }

// dumbTerminal is a terminal on stderr with TERM=dumb: no cursor movement.
func dumbTerminal(f *Factory) { f.IOStreams.SetStderrTTY(true); f.IOStreams.SetDumbTerminal(true) }

// noCursorMovement checks that stderr holds no escape sequence at all.
func noCursorMovement(t *testing.T, _ *fakeapi.Server, res runResult) {
	t.Helper()
	if strings.Contains(res.stderr, "\x1b[") {
		t.Errorf("escape sequences on a dumb terminal:\n%q", res.stderr)
	}
}

func TestWait(t *testing.T) {
	finishing := func() map[string][]fakeapi.Step {
		return map[string][]fakeapi.Step{
			describeJobsAction:      jobSteps("ready", "running", "finished"),
			describeInstancesAction: {migratedInstance("migrated")},
		}
	}
	interruptCtx, interruptSetup := interruptAtSleep(2)
	runGolden(t, []cliCase{
		{name: "ready-running-finished", args: waitArgs(), script: finishing(),
			check: all(withinAPILimits, actionsSent(describeJobsAction, describeJobsAction, describeJobsAction, describeInstancesAction))},
		{name: "ready-running-finished-json", args: waitArgs("-o", "json"), script: finishing(), check: withinAPILimits},
		{name: "live-terminal", args: waitArgs(), script: finishing(), setup: stderrTerminal,
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				// three frames, each redrawn over the last: cursor up two lines
				if n := strings.Count(res.stderr, "\x1b[2A"); n != 2 {
					t.Errorf("the live view moved up %d times; want 2 redraws", n)
				}
			}},
		{name: "live-terminal-json", args: waitArgs("-o", "json"), script: finishing(), setup: stderrTerminal},
		// TERM=dumb: a line per change, as off a terminal.
		{name: "dumb-terminal", args: waitArgs(), script: finishing(), setup: dumbTerminal, check: noCursorMovement},
		// A sub-second interval is shown in milliseconds, not as 0s.
		{name: "subsecond-interval", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "500ms", "--max-attempts", "1"},
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("running", "ServiceUnavailable", "finished"),
				describeInstancesAction: {migratedInstance("migrated")},
			},
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				if !strings.Contains(res.stderr, "trying again in 500ms") {
					t.Errorf("the next poll is not announced in ms:\n%s", res.stderr)
				}
			}},
		{name: "in-error", args: waitArgs(), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("ready", "running", "inerror")},
			check: actionsSent(describeJobsAction, describeJobsAction, describeJobsAction)},
		// On a terminal: the live summary and the outcome name the instance.
		{name: "in-error-live", args: waitArgs(), setup: stderrTerminal,
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running", "inerror")},
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				if !strings.Contains(res.stderr, "1 failed · 2h00m elapsed · failed: i-bp1ff25rzvnul6kr0001") {
					t.Errorf("the live summary does not name the failed instance:\n%q", res.stderr)
				}
			}},
		{name: "in-error-json", args: waitArgs("-o", "json"), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running", "inerror")}},
		{name: "stopped", args: waitArgs(), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running", "stopped")}},
		{name: "two-jobs-one-fails", args: []string{"wait", testJob1, testJob2, "--region", "cn-hangzhou", "--interval", "2h"},
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("two-running", "two-mixed"),
				describeInstancesAction: {migratedInstance("migrated")},
			},
			check: all(withinAPILimits, actionsSent(describeJobsAction, describeJobsAction, describeInstancesAction))},
		{name: "two-jobs-one-fails-json", args: []string{"wait", testJob1, testJob2, "--region", "cn-hangzhou", "--interval", "2h", "-o", "json"},
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("two-running", "two-mixed"),
				describeInstancesAction: {migratedInstance("migrated")},
			}},
		{name: "timeout", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "30m", "--timeout", "1h40m"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running")},
			// polls at 0, 30m, 1h, 1h30m and, last, at the deadline 1h40m
			check: actionsSent(describeJobsAction, describeJobsAction, describeJobsAction, describeJobsAction, describeJobsAction)},
		{name: "timeout-json", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--timeout", "1m", "-o", "json"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("ready", "running")}},
		{name: "service-unavailable-mid-wait", args: waitArgs("--max-attempts", "2"),
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("running", "ServiceUnavailable", "ServiceUnavailable", "finished"),
				describeInstancesAction: {migratedInstance("migrated")},
			},
			check: actionsSent(describeJobsAction, describeJobsAction, describeJobsAction, describeJobsAction, describeInstancesAction)},
		{name: "service-unavailable-mid-wait-live", args: waitArgs("--max-attempts", "1"), setup: stderrTerminal,
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("running", "ServiceUnavailable", "finished"),
				describeInstancesAction: {migratedInstance("migrated")},
			}},
		{name: "service-unavailable-at-deadline", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "30m", "--timeout", "30m", "--max-attempts", "1"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running", "ServiceUnavailable")},
			check:  actionsSent(describeJobsAction, describeJobsAction)},
		{name: "access-denied-mid-wait", args: waitArgs(),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("running", "Forbidden.RAM")},
			check:  actionsSent(describeJobsAction, describeJobsAction)},
		{name: "interrupted", args: waitArgs(), ctx: interruptCtx, setup: interruptSetup,
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("ready", "running")},
			check:  actionsSent(describeJobsAction, describeJobsAction)},
		{name: "interrupted-json", args: waitArgs("-o", "json"), ctx: interruptCtx, setup: interruptSetup,
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("ready", "running")}},
		{name: "job-not-found", args: waitArgs(), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")},
			check: actionsSent(describeJobsAction)},
		{name: "instance-not-found-after-finish", args: waitArgs(),
			script: map[string][]fakeapi.Step{
				describeJobsAction:      jobSteps("finished"),
				describeInstancesAction: {migratedInstance("migrated-none")},
			}},
		{name: "no-credentials", args: waitArgs(), noCreds: true, check: nothingSent},
	})
}

// TestWaitBadInput: bad input gets exit 2 and sends nothing.
func TestWaitBadInput(t *testing.T) {
	cases := []cliCase{
		{name: "no-job", args: []string{"wait", "--region", "cn-hangzhou"}},
		{name: "bad-job-id", args: []string{"wait", testJob1, "job-42", "--region", "cn-hangzhou"}},
		{name: "no-region", args: []string{"wait", testJob1}},
		{name: "zero-interval", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "0s"}},
		{name: "negative-timeout", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--timeout", "-1m"}},
		{name: "bad-interval-json", args: []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", "often", "-o", "json"}},
	}
	for i := range cases {
		cases[i].check = nothingSent
	}
	runGolden(t, cases)
}

// TestWaitIntervalBounds: an interval of 100ms is as valid as one of
// hours, and the fake clock moves by exactly what was asked; a shorter one
// (a mistyped 1ns would poll in a loop) is a usage error, nothing sent.
func TestWaitIntervalBounds(t *testing.T) {
	for _, interval := range []string{"1ns", "1ms", "99ms"} {
		srv := fakeapi.New(t, repoRoot+"/testdata/api")
		testEnv(t, srv, false)
		f, _, errOut := newTestFactory(false, "")
		for _, args := range [][]string{
			{"wait", testJob1, "--region", "cn-hangzhou", "--interval", interval},
			{"create", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i", "--yes", "--wait", "--interval", interval},
			{"apply", "-f", "m.yaml", "--yes", "--wait", "--interval", interval},
		} {
			errOut.Reset()
			if code := Run(context.Background(), f, args); code != cmdutil.ExitUsage || !strings.Contains(errOut.String(), "it must be at least 100ms") {
				t.Errorf("%s --interval %s: exit %d, %q; want 2 and the bound", args[0], interval, code, errOut)
			}
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("--interval %s: %d requests sent", interval, n)
		}
	}
	for _, interval := range []string{"100ms", "45s", "3h"} {
		t.Run(interval, func(t *testing.T) {
			srv := fakeapi.New(t, repoRoot+"/testdata/api")
			srv.On(describeJobsAction, jobSteps("running", "running", "inerror")...)
			testEnv(t, srv, false)
			f, _, _ := newTestFactory(false, "")
			start := f.Now()
			code := Run(context.Background(), f, []string{"wait", testJob1, "--region", "cn-hangzhou", "--interval", interval})
			if code != cmdutil.ExitJobFailed {
				t.Fatalf("exit %d; want %d", code, cmdutil.ExitJobFailed)
			}
			d, _ := time.ParseDuration(interval)
			if got := f.Now().Sub(start); got != 2*d {
				t.Errorf("waited %s between three polls; want 2 × %s", got, interval)
			}
		})
	}
}

// TestWaitJobsManyJobs: 120 jobs are polled with three calls per poll (50, 50,
// 20 IDs), and only the jobs not yet done are polled again.
func TestWaitJobsManyJobs(t *testing.T) {
	srv := fakeapi.New(t, repoRoot+"/testdata/api")
	var finished sync120
	srv.Always(describeJobsAction, fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		return 200, finished.answer(r)
	}})
	srv.Always(describeInstancesAction, fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		return 200, instancesAnswer(r)
	}})
	testEnv(t, srv, false)
	f, _, stderr := newTestFactory(false, "")
	// As resolveGlobal would: every endpoint on the fake server, never the real one.
	eps, err := api.ResolveEndpoints(nil, os.Getenv)
	if err != nil || len(eps) != len(api.Services) {
		t.Fatalf("endpoints %v, %v; want every service on the fake server", eps, err)
	}
	f.Global = GlobalOptions{Region: "cn-hangzhou", MaxAttempts: 1, RequestTimeout: 5 * time.Second, Endpoints: eps}
	var targets []follow.Target
	for n := 1; n <= 120; n++ {
		targets = append(targets, follow.Target{JobID: batchJobID(n), TargetZone: "cn-hangzhou-i"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	report, err := f.Follower(f.Global.commands(), nil).Wait(ctx, targets, follow.Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if report.Err() != nil || report.Polls != 3 {
		t.Fatalf("%v after %d polls; want every job Finished after 3\n%s", report.Err(), report.Polls, stderr)
	}
	var sizes []int
	instanceCalls := 0
	for _, r := range srv.Requests() {
		switch r.Action {
		case describeJobsAction:
			sizes = append(sizes, countIndexed(r, "JobId"))
		case describeInstancesAction:
			instanceCalls++
		}
	}
	// poll 1: all 120; poll 2: the 80 not finished; poll 3: the 40 left
	want := []int{50, 50, 20, 50, 30, 40}
	if !equalInts(sizes, want) {
		t.Errorf("DescribeReplicationJobs sizes %v; want %v", sizes, want)
	}
	if instanceCalls != 3 {
		t.Errorf("%d DescribeInstances; want 3 (one per poll that saw jobs finish)", instanceCalls)
	}
	for _, j := range report.Jobs {
		if j.Verified == nil || !*j.Verified {
			t.Errorf("%s not verified: %+v", j.JobID, j)
		}
	}
}

func batchJobID(n int) string { return "j-bp1batch0000" + leftPad(n) }

func leftPad(n int) string { s := strconv.Itoa(n); return strings.Repeat("0", 4-len(s)) + s }

// sync120 answers polls of the 120 batch jobs: at poll k (counted by calls
// naming the first pending job), jobs n <= 40*k are Finished.
type sync120 struct{ calls int }

func (s *sync120) answer(r *fakeapi.Request) map[string]any {
	if r.Params.Get("JobId.1") == s.firstPending() {
		s.calls++
	}
	var jobs []map[string]any
	for i := 1; ; i++ {
		id := r.Params.Get("JobId." + strconv.Itoa(i))
		if id == "" {
			break
		}
		n, _ := strconv.Atoi(id[len(id)-4:])
		status, progress := facts.JobRunning, 50.0
		if n <= 40*s.calls {
			status, progress = facts.JobFinished, 100
		}
		jobs = append(jobs, map[string]any{"JobId": id, "InstanceId": "i-bp1batch0000" + leftPad(n), "Status": status,
			"BusinessStatus": "Syncing", "Progress": progress, "JobType": 2, "CreationTime": "2026-11-27T11:00:00Z"})
	}
	return map[string]any{"RequestId": "FAKE-" + strconv.Itoa(s.calls), "TotalCount": len(jobs), "PageNumber": 1, "PageSize": 50,
		"ReplicationJobs": map[string]any{"ReplicationJob": jobs}}
}

func (s *sync120) firstPending() string { return batchJobID(40*s.calls + 1) }

// instancesAnswer answers DescribeInstances with each asked instance in cn-hangzhou-i.
func instancesAnswer(r *fakeapi.Request) map[string]any {
	ids := strings.Split(strings.Trim(r.Params.Get("InstanceIds"), "[]"), ",")
	var list []map[string]any
	for _, id := range ids {
		list = append(list, map[string]any{"InstanceId": strings.Trim(id, `"`), "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "Status": "Running"})
	}
	return map[string]any{"RequestId": "FAKE-ECS", "TotalCount": len(list), "Instances": map[string]any{"Instance": list}}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// interruptAtSleep stands for Ctrl-C during the n-th wait between polls: it
// cancels the run's context there, as the signal handler of main does.
func interruptAtSleep(n int) (func(*fakeapi.Server) (context.Context, context.CancelFunc), func(*Factory)) {
	var cancel context.CancelFunc
	ctx := func(*fakeapi.Server) (context.Context, context.CancelFunc) {
		var c context.Context
		c, cancel = context.WithCancel(context.Background())
		return c, cancel
	}
	setup := func(f *Factory) {
		sleep, calls := f.Sleep, 0
		f.Sleep = func(ctx context.Context, d time.Duration) error {
			if calls++; calls == n {
				cancel()
			}
			return sleep(ctx, d)
		}
	}
	return ctx, setup
}

// countIndexed counts the 1-based list parameters NAME.1..NAME.N of a request,
// failing on a gap.
func countIndexed(r fakeapi.Request, name string) int {
	n := 0
	for r.Params.Has(name + "." + strconv.Itoa(n+1)) {
		n++
	}
	return n
}

// withinAPILimits checks every DescribeReplicationJobs against the API's
// limits and the contract: at most 50 JobId.N numbered from 1 without a gap,
// PageSize at most 50, JobType 2.
func withinAPILimits(t *testing.T, srv *fakeapi.Server, _ runResult) {
	t.Helper()
	for i, r := range srv.Requests() {
		if r.Action != describeJobsAction {
			continue
		}
		ids := 0
		for k := range r.Params {
			if strings.HasPrefix(k, "JobId.") {
				ids++
			}
		}
		if n := countIndexed(r, "JobId"); n != ids || n > smc.MaxJobIDs {
			t.Errorf("request %d: %d JobId.N (numbered 1..%d); want at most %d, numbered from 1", i+1, ids, n, smc.MaxJobIDs)
		}
		if size, _ := strconv.Atoi(r.Params.Get("PageSize")); size < 1 || size > smc.MaxJobIDs {
			t.Errorf("request %d: PageSize %q; want 1 to %d", i+1, r.Params.Get("PageSize"), smc.MaxJobIDs)
		}
		if r.Params.Get("JobType") != "2" {
			t.Errorf("request %d: JobType %q; want 2", i+1, r.Params.Get("JobType"))
		}
	}
}

// actionsSent checks the sequence of actions the server received.
func actionsSent(want ...string) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ runResult) {
		t.Helper()
		var got []string
		for _, r := range srv.Requests() {
			got = append(got, r.Action)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("actions sent:\n  %v\nwant\n  %v", got, want)
		}
	}
}

// all runs several checks.
func all(checks ...func(*testing.T, *fakeapi.Server, runResult)) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, res runResult) {
		t.Helper()
		for _, c := range checks {
			c(t, srv, res)
		}
	}
}
