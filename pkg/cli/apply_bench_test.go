package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// BenchmarkApply100 applies a batch of 100 migrations with --concurrency 8
// against a fake API (a fleet of 100 healthy instances: every preflight lookup
// and every create) answering each request after 100 ms, in this process.
// It reports the wall time as a share of the sum of every request's latency,
// and the Go heap: the peak in use (sampled every millisecond; it includes
// the fake server's) and the bytes allocated per batch. The whole process,
// binary and all, is measured by BenchmarkApply100Process in cmd/zonemove.
//
//	go test ./pkg/cli -run XXX -bench 'Apply100$' -benchtime 5x
func BenchmarkApply100(b *testing.B) {
	b.Run("default-rate", func(b *testing.B) { benchmarkApply100(b, nil) })
	// Without the client-side rate limit: what the concurrency alone gives.
	b.Run("unlimited", func(b *testing.B) { benchmarkApply100(b, rate.NewLimiter(rate.Inf, 0)) })
}

func benchmarkApply100(b *testing.B, limiter *rate.Limiter) {
	const latency = 100 * time.Millisecond
	ids := fakeapi.FleetInstances(100)
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		defer os.Unsetenv(k)
	}
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeapi.AccessKeyID)
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeapi.AccessKeySecret)
	var manifest strings.Builder
	manifest.WriteString("region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\nmigrations:\n")
	for i := range 100 {
		fmt.Fprintf(&manifest, "  - instance_id: %s\n    target_instance_type: ecs.g7.xlarge\n", fakeapi.FleetInstance(i+1))
	}

	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	defer close(stop)

	var wall time.Duration
	requests, maxInFlight := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// A fresh fleet (no jobs yet) and a fresh state file each time.
		srv := fakeapi.New(b, filepath.Join(repoRoot, "testdata", "api"))
		srv.Delay = latency
		fakeapi.NewFleet(srv, ids...)
		path := filepath.Join(b.TempDir(), "migrations.yaml")
		if err := os.WriteFile(path, []byte(manifest.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		f, out, errOut := newTestFactory(false, "")
		f.NewClientToken = tokenSequence()
		f.Policy.Limiter = limiter
		f.Getenv = func(k string) string {
			if strings.HasPrefix(k, "ZONEMOVE_ENDPOINT_") {
				return "http://" + srv.Host()
			}
			return os.Getenv(k)
		}
		before := len(srv.Requests())
		runtime.GC() // the peak is of this batch, not of the garbage of the last
		b.StartTimer()
		start := time.Now()
		code := Run(context.Background(), f, []string{"apply", "-f", path, "--yes", "--concurrency", "8", "-o", "json"})
		wall += time.Since(start)
		if code != 0 {
			b.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		requests += len(srv.Requests()) - before
		if got := srv.JobsCreated(); got != 100 {
			b.Fatalf("%d jobs created; want 100", got)
		}
		maxInFlight = max(maxInFlight, srv.MaxInFlight())
	}
	b.StopTimer()
	sum := time.Duration(requests) * latency
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(100*wall.Seconds()/sum.Seconds(), "%-of-latency-sum")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(maxInFlight), "max-in-flight")
}
