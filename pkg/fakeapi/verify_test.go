package fakeapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/smc"
)

// recorder is a testing.TB that keeps the errors reported to it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Verify names the queued steps no request took, and nothing once every step
// was used (the last one repeating is not a leftover).
func TestVerify(t *testing.T) {
	fakeapi.TestEnv(t)
	srv := fakeapi.New(t, t.TempDir())
	ok := fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) { return 200, map[string]string{"RequestId": "R"} }}
	srv.On("DescribeReplicationJobs", ok, ok)
	srv.On("StartReplicationJob", ok)
	ak := func(s string) *string { return &s }
	cred, err := credentials.NewCredential(&credentials.Config{Type: ak("access_key"),
		AccessKeyId: ak(fakeapi.AccessKeyID), AccessKeySecret: ak(fakeapi.AccessKeySecret)})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewSession("cn-hangzhou", cred, api.Endpoints{api.SMC: {Protocol: "http", Host: srv.Host()}},
		api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := smc.NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	describe := func() {
		if _, err := c.DescribeReplicationJobs(context.Background(), &smc.DescribeReplicationJobsRequest{RegionId: "cn-hangzhou"}); err != nil {
			t.Fatal(err)
		}
	}
	start := func() {
		if _, err := c.StartReplicationJob(context.Background(), &smc.StartReplicationJobRequest{JobId: "j-1"}); err != nil {
			t.Fatal(err)
		}
	}
	describe()
	r := &recorder{TB: t}
	srv.Verify(r)
	if len(r.errs) != 2 || !strings.Contains(r.errs[0], "1 queued step(s) of DescribeReplicationJobs") || !strings.Contains(r.errs[1], "of StartReplicationJob") {
		t.Errorf("Verify reported %q; want the second DescribeReplicationJobs step and the StartReplicationJob one", r.errs)
	}
	describe()
	start()
	start()
	r = &recorder{TB: t}
	srv.Verify(r)
	if len(r.errs) != 0 {
		t.Errorf("Verify reported %q after every step was used", r.errs)
	}
}
