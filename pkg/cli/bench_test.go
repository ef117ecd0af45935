package cli

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// benchLatency is the latency the fake server adds to every answer.
const benchLatency = 50 * time.Millisecond

// benchServer answers every preflight lookup of the healthy instance after
// benchLatency, as often as asked.
func benchServer(b *testing.B) *fakeapi.Server {
	srv := fakeapi.New(b, filepath.Join(repoRoot, "testdata", "api"))
	srv.Delay = benchLatency
	for action, steps := range healthyFacts() {
		srv.Always(action, steps[0])
	}
	testEnv(b, srv, false)
	return srv
}

// BenchmarkDryRun measures a full `create --dry-run` against an API that
// answers in benchLatency: round-trips/op is the wall time over the latency
// (the lookups of a round overlap, so it counts rounds, not requests).
func BenchmarkDryRun(b *testing.B) {
	srv := benchServer(b)
	args := dryRun(nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, _, errOut := newTestFactory(false, "")
		if code := Run(context.Background(), f, args); code != cmdutil.ExitOK {
			b.Fatalf("exit %d: %s", code, errOut)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(benchLatency), "round-trips/op")
	b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
	b.ReportMetric(float64(srv.MaxInFlight()), "max-in-flight")
}

// BenchmarkRunChecksBatch measures the preflight of a batch of 10 migrations
// run concurrently through one Factory, as apply does: the lookups they share
// (the zone's stock, the family's types, the vSwitch) are made once.
func BenchmarkRunChecksBatch(b *testing.B) {
	const batch = 10
	srv := benchServer(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, _, _ := newTestFactory(false, "")
		f.Global = GlobalOptions{Region: "cn-hangzhou", RequestTimeout: 30 * time.Second, MaxAttempts: 4}
		eps, err := api.ResolveEndpoints(nil, f.Getenv)
		if err != nil {
			b.Fatal(err)
		}
		f.Global.Endpoints = eps
		var wg sync.WaitGroup
		for range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				spec := &migration.Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i",
					TargetVSwitch: "vsw-bp1mxqnssl8nafltc0001", TargetInstanceType: "ecs.g7.xlarge"}
				report, err := f.Checker("cn-hangzhou", nil)(context.Background(), preflight.Request{Spec: spec})
				if err != nil || len(preflight.Failed(report.Checks)) > 0 {
					b.Errorf("preflight: %v %+v", err, report)
				}
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(benchLatency), "round-trips/op")
	b.ReportMetric(float64(len(srv.Requests()))/float64(b.N)/batch, "requests/migration")
}
