package main

import (
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// BenchmarkDryRunFleet measures the whole zonemove process of an
// `apply --dry-run` of 10, 100, 1000 and 10,000 migrations against a fake
// fleet that answers every request after 20 ms: the API calls the server
// received, the wall time (also as a share of 4 calls a migration one after
// the other, the per-instance reading's floor), and the peak resident memory
// of the process (getrusage of the child). docs/performance.md has the table.
//
//	go test ./cmd/zonemove -run XXX -bench DryRunFleet -benchtime 1x
//	go test ./cmd/zonemove -run XXX -bench 'DryRunFleet/1000$' -benchtime 1x
func BenchmarkDryRunFleet(b *testing.B) {
	const latency = 20 * time.Millisecond
	bin := buildBinary(b)
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ids := fakeapi.FleetInstances(n)
			home, dir := b.TempDir(), b.TempDir()
			manifest := batchManifest(b, dir, n)
			var maxRSS int64
			var wall time.Duration
			calls := 0
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				srv, env := fleetServer(b, home, latency, ids)
				cmd := exec.Command(bin, "apply", "-f", manifest, "--dry-run", "-o", "json")
				cmd.Env = env
				b.StartTimer()
				start := time.Now()
				out, err := cmd.Output()
				wall += time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatalf("%s: %v\n%.2000s", bin, err, out)
				}
				calls += len(srv.Requests())
				maxRSS = max(maxRSS, peakRSS(cmd))
			}
			perRun := wall / time.Duration(b.N)
			b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
			b.ReportMetric(perRun.Seconds(), "wall-s/op")
			b.ReportMetric(100*perRun.Seconds()/(4*float64(n)*latency.Seconds()), "%-of-4-calls-each")
			b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
		})
	}
}
