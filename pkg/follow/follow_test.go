package follow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/smc"
)

const (
	testJob      = "j-bp17bclvg344jlyt0000"
	testInstance = "i-bp1ff25rzvnul6kr0000"
)

// newFollower is a Follower on the fake server, its progress in a buffer off
// a terminal, on a clock that Sleep advances at once.
func newFollower(t *testing.T, srv *fakeapi.Server, profile string) (*Follower, *fakeapi.Clock, *strings.Builder) {
	t.Helper()
	fakeapi.TestEnv(t)
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	cred, err := api.LoadCredential("")
	if err != nil {
		t.Fatal(err)
	}
	eps := api.Endpoints{}
	for _, s := range api.Services {
		eps[s] = api.Endpoint{Protocol: "http", Host: srv.Host()}
	}
	session := api.NewSession("cn-hangzhou", cred, eps, api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "test")
	session.DialGuard = fakeapi.LoopbackOnly
	ios, _, _, _ := iostreams.Test()
	var progress strings.Builder
	ios.ErrOut = &progress
	c := fakeapi.NewClock()
	return &Follower{
		IO:     ios,
		SMC:    func() (*smc.Client, error) { return smc.NewClient(session) },
		Cloud:  func() (*cloud.Client, error) { return cloud.New(session) },
		Now:    c.Now,
		Sleep:  c.Sleep,
		Region: "cn-hangzhou",
		Line:   testLine(profile),
	}, c, &progress
}

// testLine writes a step as the command layer does (pkg/cmdutil), enough for
// these tests: the words, -f for a batch, the region, the profile, --yes.
func testLine(profile string) func(next.Step) string {
	return func(s next.Step) string {
		parts := append(append([]string{"zonemove"}, s.Command...), s.Args...)
		if s.Batch {
			parts = append(parts, "-f", "m.yaml")
		}
		parts = append(parts, "--region", "cn-hangzhou")
		if profile != "" {
			parts = append(parts, "--profile", "'"+profile+"'")
		}
		if s.Confirms {
			parts = append(parts, "--yes")
		}
		return strings.Join(parts, " ")
	}
}

// exitOf is the kind of end an error of a wait means.
func exitOf(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, new(*FailedError)):
		return "failed"
	case errors.As(err, new(*TimeoutError)):
		return "timeout"
	case errors.As(err, new(*InterruptedError)):
		return "interrupted"
	}
	return "error"
}

// job is a DescribeReplicationJobs answer with one job (none if status is "").
func job(status string, progress float64) fakeapi.Step {
	return fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		var jobs []map[string]any
		if status != "" {
			jobs = append(jobs, map[string]any{"JobId": testJob, "InstanceId": testInstance, "Status": status,
				"BusinessStatus": "Syncing", "Progress": progress, "JobType": 2, "ErrorCode": errorCode(status),
				"CreationTime": "2026-11-27T11:00:00Z"})
		}
		return 200, map[string]any{"RequestId": "FAKE", "TotalCount": len(jobs), "PageNumber": 1, "PageSize": 50,
			"ReplicationJobs": map[string]any{"ReplicationJob": jobs}}
	}}
}

func errorCode(status string) string {
	if status == facts.JobInError {
		return "SMC.TestFailure"
	}
	return ""
}

// instanceIn answers DescribeInstances with the instance in zone as type.
func instanceIn(zone, instanceType string) fakeapi.Step {
	return fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "FAKE-ECS", "TotalCount": 1, "Instances": map[string]any{"Instance": []map[string]any{
			{"InstanceId": testInstance, "ZoneId": zone, "InstanceType": instanceType, "Status": "Running"}}}}
	}}
}

func target() Target {
	return Target{JobID: testJob, InstanceID: testInstance, TargetZone: "cn-hangzhou-i", TargetInstanceType: "ecs.g7.large"}
}

func TestWaitFollowsAJobToItsEnd(t *testing.T) {
	srv := fakeapi.New(t, "../../testdata/api")
	srv.On("DescribeReplicationJobs", job(facts.JobRunning, 40), job(facts.JobFinished, 100))
	srv.On("DescribeInstances", instanceIn("cn-hangzhou-i", "ecs.g7.large"))
	f, c, progress := newFollower(t, srv, "")
	start := c.Now()

	var readBack []string
	r, err := f.Wait(context.Background(), []Target{target()}, Options{Interval: time.Minute,
		ReadBack: func(found map[string]*facts.Instance) error {
			for id, in := range found {
				readBack = append(readBack, id+" "+in.ZoneID)
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(readBack) != 1 || readBack[0] != testInstance+" cn-hangzhou-i" {
		t.Errorf("read back %q; want the instance once, in cn-hangzhou-i", readBack)
	}
	if r.Failed || r.Err() != nil || r.Polls != 2 {
		t.Fatalf("failed %v, err %v after %d polls; want nil after 2", r.Failed, r.Err(), r.Polls)
	}
	j := r.Jobs[0]
	if j.Verified == nil || !*j.Verified || j.Instance == nil || j.Instance.ZoneID != "cn-hangzhou-i" {
		t.Errorf("job %+v; want verified in cn-hangzhou-i", j)
	}
	if got := c.Now().Sub(start); got != time.Minute {
		t.Errorf("waited %s; want one interval between two polls", got)
	}
	lines := strings.Split(strings.TrimSuffix(progress.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "Running") || !strings.Contains(lines[1], "now in cn-hangzhou-i as ecs.g7.large") {
		t.Errorf("progress off a terminal: a line per change; got\n%s", progress)
	}
}

func TestWaitOutcomes(t *testing.T) {
	for _, c := range []struct {
		name    string
		jobs    []fakeapi.Step
		read    fakeapi.Step
		opts    Options
		profile string
		batch   bool
		code    string
		hint    string
	}{
		{name: "in-error", jobs: []fakeapi.Step{job(facts.JobInError, 30)}, opts: Options{Interval: time.Minute},
			profile: "ops team", code: "failed",
			hint: "fix the cause, then run: zonemove retry " + testJob + " --region cn-hangzhou --profile 'ops team'"},
		// A batch's job tells the batch's recovery, never a command per job.
		{name: "in-error-of-a-batch", jobs: []fakeapi.Step{job(facts.JobInError, 30)}, opts: Options{Interval: time.Minute},
			batch: true, code: "failed",
			hint: "then resume the batch's failed jobs: zonemove apply --retry-failed -f m.yaml --region cn-hangzhou --yes"},
		{name: "expired-of-a-batch", jobs: []fakeapi.Step{job(facts.JobExpired, 30)}, opts: Options{Interval: time.Minute},
			batch: true, code: "failed",
			hint: "zonemove state forget " + testInstance + " -f m.yaml --region cn-hangzhou --yes', then run the same apply again"},
		{name: "finished-elsewhere", jobs: []fakeapi.Step{job(facts.JobFinished, 100)}, read: instanceIn("cn-hangzhou-h", "ecs.g7.large"),
			opts: Options{Interval: time.Minute}, code: "failed", hint: "check it in the ECS console"},
		{name: "timeout", jobs: []fakeapi.Step{job(facts.JobRunning, 10), job(facts.JobRunning, 20), job(facts.JobRunning, 30)},
			opts: Options{Interval: time.Minute, Timeout: 90 * time.Second}, code: "timeout",
			hint: "go on waiting with: zonemove wait " + testJob + " --region cn-hangzhou"},
		{name: "timeout-of-a-batch", jobs: []fakeapi.Step{job(facts.JobRunning, 10), job(facts.JobRunning, 20), job(facts.JobRunning, 30)},
			opts: Options{Interval: time.Minute, Timeout: 90 * time.Second}, batch: true, code: "timeout",
			hint: "go on waiting with: zonemove apply --wait -f m.yaml --region cn-hangzhou --yes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, "../../testdata/api")
			srv.On("DescribeReplicationJobs", c.jobs...)
			if c.read.Respond != nil {
				srv.On("DescribeInstances", c.read)
			}
			f, _, _ := newFollower(t, srv, c.profile)
			if f.Batch = c.batch; c.batch {
				f.Resume = next.Cmd("apply", "--wait").OfBatch().Confirmed()
			}
			r, err := f.Wait(context.Background(), []Target{target()}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var nh next.Hinter
			if got := exitOf(r.Err()); got != c.code || !errors.As(r.Err(), &nh) || !strings.Contains(nh.NextHint().Render(f.Line), c.hint) {
				t.Errorf("%s, error %v; want %s with a hint containing %q", got, r.Err(), c.code, c.hint)
			}
		})
	}
}

// A job this run just created may be missing from the first polls.
func TestWaitGivesAJustCreatedJobTime(t *testing.T) {
	srv := fakeapi.New(t, "../../testdata/api")
	srv.On("DescribeReplicationJobs", job("", 0), job("", 0), job(facts.JobInError, 5))
	f, _, progress := newFollower(t, srv, "")
	tg := target()
	tg.JustCreated = true
	r, err := f.Wait(context.Background(), []Target{tg}, Options{Interval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Polls != 3 || !r.Failed {
		t.Errorf("%d polls, failed %v; want the job found at the third poll, InError", r.Polls, r.Failed)
	}
	if !strings.Contains(progress.String(), "not listed yet (just created): "+testJob) {
		t.Errorf("no warning about the job not listed yet:\n%s", progress)
	}
}

func TestWaitUnknownJob(t *testing.T) {
	srv := fakeapi.New(t, "../../testdata/api")
	srv.On("DescribeReplicationJobs", job("", 0))
	f, _, _ := newFollower(t, srv, "")
	_, err := f.Wait(context.Background(), []Target{target()}, Options{Interval: time.Second})
	var nf *jobcontrol.NotFoundError
	if !errors.As(err, &nf) || nf.JobIDs[0] != testJob {
		t.Errorf("error %v; want the job not found", err)
	}
}

func TestFormatElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 250 * time.Millisecond: "250ms", 45 * time.Second: "45s", 125 * time.Second: "2m05s", 3*time.Hour + 7*time.Minute: "3h07m",
	} {
		if got := FormatElapsed(d); got != want {
			t.Errorf("FormatElapsed(%s) = %q; want %q", d, got, want)
		}
	}
}

func TestFormatProgressNeverRoundsUp(t *testing.T) {
	for p, want := range map[float64]string{-3: "0%", 0: "0%", 99.9: "99%", 100: "100%", 120: "100%"} {
		if got := FormatProgress(p); got != want {
			t.Errorf("FormatProgress(%v) = %q; want %q", p, got, want)
		}
	}
}

// A failure shows the moment it happens, with its error and what to do; with
// FailFast the wait stops there while the other job runs on.
func TestWaitShowsAFailureWhenItHappensAndFailFastStops(t *testing.T) {
	srv := fakeapi.New(t, "../../testdata/api")
	other, two := otherJob, twoJobs
	for _, failFast := range []bool{false, true} {
		srv.On("DescribeReplicationJobs", two(facts.JobRunning), two(facts.JobInError), two(facts.JobInError), two(facts.JobInError))
		f, _, progress := newFollower(t, srv, "")
		targets := []Target{target(), {JobID: other}}
		r, err := f.Wait(context.Background(), targets, Options{Interval: time.Minute, Timeout: 3 * time.Minute, FailFast: failFast})
		if err != nil {
			t.Fatal(err)
		}
		shown := strings.Count(progress.String(), "✗ "+testJob)
		if shown != 1 || !strings.Contains(progress.String(), "Next: fix the cause, then run: zonemove retry "+testJob) {
			t.Errorf("fail-fast %v: the failure was shown %d times; want once, when it happened, with its next step:\n%s", failFast, shown, progress)
		}
		wantPolls := 4 // to the timeout
		if failFast {
			wantPolls = 2
		}
		if r.Polls != wantPolls || exitOf(r.Err()) != "failed" || r.Stopped != failFast {
			t.Errorf("fail-fast %v: %d polls, %s, stopped %v; want %d polls, failed", failFast, r.Polls, exitOf(r.Err()), r.Stopped, wantPolls)
		}
		if failFast && !strings.Contains(r.Err().(*FailedError).Next.Render(f.Line), "the other jobs keep running ("+other+"): 'zonemove wait "+other) {
			t.Errorf("fail-fast: the hint does not say how to go on with the others: %s", r.Err().(*FailedError).Next.Render(f.Line))
		}
	}
}

// otherJob is a second job, Running, beside testJob.
const otherJob = "j-bp17bclvg344jlyt0009"

// twoJobs is a DescribeReplicationJobs answer with testJob in status first
// and otherJob Running.
func twoJobs(first string) fakeapi.Step {
	return fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "R", "TotalCount": 2, "PageNumber": 1, "PageSize": 50, "ReplicationJobs": map[string]any{"ReplicationJob": []any{
			map[string]any{"JobId": testJob, "InstanceId": testInstance, "Status": first, "BusinessStatus": "Syncing", "Progress": 30, "JobType": 2,
				"ErrorCode": errorCode(first), "StatusInfo": "disk busy"},
			map[string]any{"JobId": otherJob, "InstanceId": "i-other", "Status": "Running", "BusinessStatus": "Syncing", "Progress": 10, "JobType": 2},
		}}}
	}}
}

// Ctrl-C names the jobs that had failed, with their errors, and how to go on.
func TestWaitInterruptedNamesTheFailures(t *testing.T) {
	srv := fakeapi.New(t, "../../testdata/api")
	srv.On("DescribeReplicationJobs", twoJobs(facts.JobInError))
	f, _, _ := newFollower(t, srv, "")
	ctx, cancel := context.WithCancel(context.Background())
	f.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := f.Wait(ctx, []Target{target(), {JobID: otherJob}}, Options{Interval: time.Minute})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v; want an interruption", err)
	}
	if !strings.Contains(err.Error(), "1 job had failed: "+testJob+" ("+testInstance+") InError: "+errorCode(facts.JobInError)) {
		t.Errorf("the interruption does not name the failed job and its error: %v", err)
	}
	hint := ie.NextHint().Render(f.Line)
	if !strings.Contains(hint, "resume waiting with: zonemove wait "+otherJob) || !strings.Contains(hint, "zonemove retry "+testJob) {
		t.Errorf("hint %q; want the wait of the job still running and the retry of the failed one", hint)
	}
}
