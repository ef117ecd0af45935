package follow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
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
		IO:       ios,
		SMC:      func() (*smc.Client, error) { return smc.NewClient(session) },
		Cloud:    func() (*cloud.Client, error) { return cloud.New(session) },
		Now:      c.Now,
		Sleep:    c.Sleep,
		Commands: cmdutil.Commands{Region: "cn-hangzhou", Profile: profile},
	}, c, &progress
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
	if r.ExitCode != cmdutil.ExitOK || r.Err() != nil || r.Polls != 2 {
		t.Fatalf("exit %d, err %v after %d polls; want 0, nil after 2", r.ExitCode, r.Err(), r.Polls)
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
		code    int
		hint    string
	}{
		{name: "in-error", jobs: []fakeapi.Step{job(facts.JobInError, 30)}, opts: Options{Interval: time.Minute},
			profile: "ops team", code: cmdutil.ExitJobFailed,
			hint: "fix the cause, then resume the job: zonemove retry " + testJob + " --region cn-hangzhou --profile 'ops team'"},
		{name: "finished-elsewhere", jobs: []fakeapi.Step{job(facts.JobFinished, 100)}, read: instanceIn("cn-hangzhou-h", "ecs.g7.large"),
			opts: Options{Interval: time.Minute}, code: cmdutil.ExitJobFailed, hint: "check it in the ECS console"},
		{name: "timeout", jobs: []fakeapi.Step{job(facts.JobRunning, 10), job(facts.JobRunning, 20), job(facts.JobRunning, 30)},
			opts: Options{Interval: time.Minute, Timeout: 90 * time.Second}, code: cmdutil.ExitTimeout,
			hint: "go on waiting with: zonemove wait " + testJob + " --region cn-hangzhou"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, "../../testdata/api")
			srv.On("DescribeReplicationJobs", c.jobs...)
			if c.read.Respond != nil {
				srv.On("DescribeInstances", c.read)
			}
			f, _, _ := newFollower(t, srv, c.profile)
			r, err := f.Wait(context.Background(), []Target{target()}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			var ee *cmdutil.ExitError
			if !errors.As(r.Err(), &ee) || r.ExitCode != c.code || ee.Code != c.code || !strings.Contains(ee.Hint, c.hint) {
				t.Errorf("exit %d, error %#v; want %d with a hint containing %q", r.ExitCode, ee, c.code, c.hint)
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
	if r.Polls != 3 || r.ExitCode != cmdutil.ExitJobFailed {
		t.Errorf("%d polls, exit %d; want the job found at the third poll, InError", r.Polls, r.ExitCode)
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
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.ErrCode != "JobNotFound" || ee.Code != cmdutil.ExitFailure {
		t.Errorf("error %v; want JobNotFound, exit 1", err)
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
