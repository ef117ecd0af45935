package smc

import (
	"context"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// newTestClient is an SMC client signing with the test key against srv.
func newTestClient(t *testing.T, srv *fakeapi.Server) *Client {
	t.Helper()
	p, err := providers.NewStaticAKCredentialsProviderBuilder().
		WithAccessKeyId(fakeapi.AccessKeyID).WithAccessKeySecret(fakeapi.AccessKeySecret).Build()
	if err != nil {
		t.Fatal(err)
	}
	eps := api.Endpoints{api.SMC: {Protocol: "http", Host: srv.Host()}}
	s := api.NewSession("cn-hangzhou", credentials.FromCredentialsProvider("static", p), eps,
		api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "zonemove/test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestJobRequestsOnTheWire checks the parameters exactly as the official SDK
// sends them: all in the query, lists 1-based, numbers as decimals, nothing else.
func TestJobRequestsOnTheWire(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.On("DescribeReplicationJobs", fakeapi.Step{File: "smc/DescribeReplicationJobs.inerror.http"})
	srv.On("StartReplicationJob", fakeapi.Step{File: "smc/StartReplicationJob.ok.http"})
	srv.On("DeleteReplicationJob", fakeapi.Step{File: "smc/DeleteReplicationJob.ok.http"})
	c := newTestClient(t, srv)
	ctx := context.Background()

	page, err := c.DescribeReplicationJobs(ctx, JobQuery{
		Region: "cn-hangzhou", JobIDs: []string{"j-bp17bclvg344jlyt0001", "j-bp17bclvg344jlyt0002", "j-bp17bclvg344jlyt0003"},
		Status: facts.JobInError,
	}.Page(1, MaxJobIDs))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartReplicationJob(ctx, &StartReplicationJobRequest{JobId: "j-bp17bclvg344jlyt0001"}); err != nil {
		t.Fatal(err)
	}
	deleted, err := c.DeleteReplicationJob(ctx, &DeleteReplicationJobRequest{JobId: "j-bp17bclvg344jlyt0002"})
	if err != nil {
		t.Fatal(err)
	}
	if deleted.RequestId != "5B4E2C1D-7A3F-4E8B-9C0D-1E2F3A4B0003" {
		t.Errorf("DeleteReplicationJob's RequestId %q", deleted.RequestId)
	}

	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests; want 3", len(reqs))
	}
	want := []url.Values{{
		"RegionId": {"cn-hangzhou"}, "JobId.1": {"j-bp17bclvg344jlyt0001"}, "JobId.2": {"j-bp17bclvg344jlyt0002"},
		"JobId.3": {"j-bp17bclvg344jlyt0003"}, "JobType": {"2"}, "Status": {"InError"}, "PageNumber": {"1"}, "PageSize": {"50"},
	}, {
		"JobId": {"j-bp17bclvg344jlyt0001"},
	}, {
		"JobId": {"j-bp17bclvg344jlyt0002"},
	}}
	for i, r := range reqs {
		if r.Method != "POST" || r.Version != Version || !r.SignatureOK {
			t.Errorf("request %d: %s version %s signature ok %t; want a signed POST of %s", i+1, r.Method, r.Version, r.SignatureOK, Version)
		}
		if !reflect.DeepEqual(r.Params, want[i]) {
			t.Errorf("%s sent %v\nwant %v", r.Action, r.Params, want[i])
		}
	}

	if len(page.ReplicationJobs.ReplicationJob) != 1 {
		t.Fatalf("decoded %d jobs; want 1", len(page.ReplicationJobs.ReplicationJob))
	}
	j := page.ReplicationJobs.ReplicationJob[0]
	if j.Status != facts.JobInError || j.Progress != 37.2 || j.ErrorCode != "SMC.SyncDataFailed" || j.JobType != JobTypeCrossZone {
		t.Errorf("decoded %+v", j)
	}
}

// SMC may send numbers as strings; the official SDK reads them, and so must
// every poll.
func TestJobsDecodeNumbersSentAsStrings(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.On("DescribeReplicationJobs", fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "R", "TotalCount": "1", "PageNumber": "1", "PageSize": "50",
			"ReplicationJobs": map[string]any{"ReplicationJob": []any{map[string]any{
				"JobId": "j-bp17bclvg344jlyt0001", "JobType": "2", "Status": "Running", "Progress": "45.5"}}}}
	}})
	page, err := newTestClient(t, srv).DescribeReplicationJobs(context.Background(), &DescribeReplicationJobsRequest{RegionId: "cn-hangzhou"})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 1 || len(page.ReplicationJobs.ReplicationJob) != 1 {
		t.Fatalf("page %+v", page)
	}
	if j := page.ReplicationJobs.ReplicationJob[0]; j.JobType != 2 || j.Progress != 45.5 {
		t.Errorf("job %+v; want JobType 2, Progress 45.5", j)
	}
}
