package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestCompleteFromAccount(t *testing.T) {
	jobs := map[string][]fakeapi.Step{describeJobsAction: jobSteps("two-mixed")}
	instances := map[string][]fakeapi.Step{"DescribeInstances": {ecsFile("DescribeInstances.healthy")}}
	zones := map[string][]fakeapi.Step{"DescribeAvailableResource": {ecsFile("DescribeAvailableResource.zone-i")}}
	vswitches := map[string][]fakeapi.Step{
		"DescribeInstances": {ecsFile("DescribeInstances.healthy")},
		"DescribeVSwitches": {vpcFile("DescribeVSwitches.vpc-in-zone-i")},
	}
	vsw := []string{"__complete", "create", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001"}
	runGolden(t, []cliCase{
		{name: "status-jobs", args: []string{"__complete", "status", "--region", "cn-hangzhou", ""}, script: jobs},
		{name: "status-jobs-not-twice", args: []string{"__complete", "status", "--region", "cn-hangzhou", "j-bp17bclvg344jlyt0001", ""}, script: jobs},
		{name: "retry-only-resumable", args: []string{"__complete", "retry", "--region", "cn-hangzhou", ""}, script: jobs},
		{name: "wait-only-unfinished", args: []string{"__complete", "wait", "--region", "cn-hangzhou", ""}, script: jobs},
		{name: "wait-running", args: []string{"__complete", "wait", "--region", "cn-hangzhou", ""},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("two-running")}},
		{name: "create-instance-id", args: []string{"__complete", "create", "--region", "cn-hangzhou", "--instance-id", "i-"}, script: instances},
		{name: "types-instance-id-prefix", args: []string{"__complete", "types", "--region", "cn-hangzhou", "--instance-id", "i-x"}, script: instances},
		{name: "plan-to-zone", args: []string{"__complete", "plan", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--to-zone", "cn-"}, script: zones},
		{name: "create-target-zone", args: []string{"__complete", "create", "--region", "cn-hangzhou", "--target-zone", ""}, script: zones},
		{name: "create-target-vswitch", args: append(vsw, "--target-vswitch", ""), script: vswitches},
		{name: "create-target-vswitch-other-zone", args: append(vsw, "--target-zone", "cn-hangzhou-h", "--target-vswitch", ""), script: vswitches},
		{name: "target-vswitch-needs-instance", args: []string{"__complete", "create", "--region", "cn-hangzhou", "--target-vswitch", ""}, check: nothingSent},
		{name: "no-credentials", args: []string{"__complete", "status", "--region", "cn-hangzhou", ""}, noCreds: true, check: nothingSent},
		{name: "no-region", args: []string{"__complete", "status", ""}, check: nothingSent},
		{name: "denied", args: []string{"__complete", "status", "--region", "cn-hangzhou", ""},
			script: map[string][]fakeapi.Step{describeJobsAction: {smcFile("DescribeReplicationJobs.Forbidden.RAM")}}},
	})
}

// completeOnce runs one completion in the test's environment and returns
// its stdout.
func completeOnce(t *testing.T, f *Factory, args ...string) string {
	t.Helper()
	ctx := context.Background()
	if code := Run(ctx, f, append([]string{"__complete"}, args...)); code != 0 {
		t.Fatalf("__complete %v: exit %d", args, code)
	}
	return f.IOStreams.Out.(interface{ String() string }).String()
}

// An answer is reused for a few keystrokes, then asked again.
func TestCompleteCache(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join(repoRoot, "testdata", "api"))
	srv.Always(describeJobsAction, smcFile("DescribeReplicationJobs.two-mixed"))
	testEnv(t, srv, false)
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	run := func() string {
		f, _, _ := newTestFactory(false, "")
		f.Now = func() time.Time { return now }
		return completeOnce(t, f, "status", "--region", "cn-hangzhou", "")
	}
	first := run()
	now = now.Add(completionCacheTTL / 2)
	second := run()
	if got := len(srv.Requests()); got != 1 || first != second || !strings.Contains(first, "j-bp17bclvg344jlyt0002") {
		t.Fatalf("within the cache's life: %d requests, want 1; outputs\n%s\n%s", got, first, second)
	}
	// Another region is another answer.
	f, _, _ := newTestFactory(false, "")
	f.Now = func() time.Time { return now }
	completeOnce(t, f, "status", "--region", "cn-shanghai", "")
	if got := len(srv.Requests()); got != 2 {
		t.Fatalf("another region: %d requests, want 2", got)
	}
	now = now.Add(completionCacheTTL)
	run()
	if got := len(srv.Requests()); got != 3 {
		t.Fatalf("after the cache's life: %d requests, want 3", got)
	}
}

// A completion never waits longer than its bound, whatever the API does: here
// the API never answers, and the bound ends the lookup as soon as the request
// is under way.
func TestCompleteBounded(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join(repoRoot, "testdata", "api"))
	arrived, release := make(chan struct{}), make(chan struct{})
	srv.Always(describeJobsAction, fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		close(arrived)
		<-release // never answers while the completion runs
		return 500, nil
	}})
	t.Cleanup(func() { close(release) }) // before the server closes: cleanups run last first
	testEnv(t, srv, false)
	f, out, errOut := newTestFactory(false, "")
	bounded := false
	f.CompletionBound = func(ctx context.Context) (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-arrived: // the deadline comes while the API holds the request
				bounded = true
				cancel()
			case <-ctx.Done():
			}
		}()
		return ctx, cancel
	}
	if code := Run(context.Background(), f, []string{"__complete", "status", "--region", "cn-hangzhou", ""}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !bounded {
		t.Fatal("the completion returned before its bound came: the test proves nothing")
	}
	if got := out.String(); got != ":4\n" {
		t.Errorf("stdout %q: want no values, only the directive", got)
	}
	if strings.Contains(errOut.String(), "Error") {
		t.Errorf("stderr has an error: %q", errOut.String())
	}
}
