package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/smc"
)

// A Factory used without the root command still takes the endpoint overrides
// of the environment, so a direct call in a test reaches the fake server.
func TestSessionWithoutRootUsesEnvironmentEndpoints(t *testing.T) {
	srv := fakeapi.New(t, repoRoot+"/testdata/api")
	srv.Always("DescribeReplicationJobs", smcFile("DescribeReplicationJobs.empty"))
	testEnv(t, srv, false)
	f, _, _ := newTestFactory(false, "")
	f.Global.Region, f.Global.MaxAttempts, f.Global.RequestTimeout = "cn-hangzhou", 1, 5e9
	c, err := f.SMC("cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeReplicationJobs(context.Background(), &smc.DescribeReplicationJobsRequest{RegionId: "cn-hangzhou"}); err != nil {
		t.Fatal(err)
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("the fake server saw %d requests; want 1", len(srv.Requests()))
	}
}

// The test dial guard refuses a real endpoint before any lookup.
func TestDialGuardRefusesTheInternet(t *testing.T) {
	srv := fakeapi.New(t, repoRoot+"/testdata/api")
	testEnv(t, srv, false)
	f, _, _ := newTestFactory(false, "")
	f.Global.Region, f.Global.MaxAttempts, f.Global.RequestTimeout = "cn-hangzhou", 1, 5e9
	f.Global.Endpoints = api.Endpoints{} // no override: SMC's real central endpoint
	c, err := f.SMC("cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeReplicationJobs(context.Background(), &smc.DescribeReplicationJobsRequest{RegionId: "cn-hangzhou"})
	if err == nil || !strings.Contains(err.Error(), "only loopback is allowed") {
		t.Fatalf("want the guard's refusal, got %v", err)
	}
}
