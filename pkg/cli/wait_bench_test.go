package cli

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// BenchmarkPoll measures one poll of N running jobs, as WaitJobs sends it
// (one DescribeReplicationJobs per 50 IDs, one after the other), against the
// fake API with 0 and 30 ms of latency a call. Reported: calls per poll and
// the wall time of a poll.
//
//	go test ./pkg/cli -run XXX -bench Poll -benchtime 20x
func BenchmarkPoll(b *testing.B) {
	for _, latency := range []time.Duration{0, 30 * time.Millisecond} {
		for _, n := range []int{1, 50, 120, 1000} {
			b.Run(fmt.Sprintf("jobs=%d/latency=%s", n, latency), func(b *testing.B) {
				srv := fakeapi.New(b, repoRoot+"/testdata/api")
				srv.Delay = latency
				srv.Always(describeJobsAction, fakeapi.Step{Respond: runningJobs})
				testEnv(b, srv, false)
				f, _, _ := newTestFactory(false, "")
				eps, err := api.ResolveEndpoints(nil, os.Getenv)
				if err != nil {
					b.Fatal(err)
				}
				f.Global = GlobalOptions{Region: "cn-hangzhou", MaxAttempts: 1, RequestTimeout: 10 * time.Second, Endpoints: eps}
				client, err := f.SMC("cn-hangzhou", nil)
				if err != nil {
					b.Fatal(err)
				}
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprintf("j-bp1bench%08d", i+1)
				}
				ctx := context.Background()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					jobs, err := client.JobsByID(ctx, "cn-hangzhou", ids)
					if err != nil || len(jobs) != n {
						b.Fatalf("%d jobs, %v", len(jobs), err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "calls/poll")
			})
		}
	}
}

// runningJobs answers DescribeReplicationJobs with every asked job Running.
func runningJobs(r *fakeapi.Request) (int, any) {
	var jobs []map[string]any
	for i := 1; r.Params.Has("JobId." + strconv.Itoa(i)); i++ {
		jobs = append(jobs, map[string]any{"JobId": r.Params.Get("JobId." + strconv.Itoa(i)), "Status": "Running",
			"BusinessStatus": "Syncing", "Progress": 50, "JobType": 2, "CreationTime": "2026-11-27T11:00:00Z"})
	}
	return 200, map[string]any{"RequestId": "FAKE-BENCH", "TotalCount": len(jobs), "PageNumber": 1, "PageSize": 50,
		"ReplicationJobs": map[string]any{"ReplicationJob": jobs}}
}
