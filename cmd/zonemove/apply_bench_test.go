package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// batchManifest writes a manifest of n migrations.
func batchManifest(tb testing.TB, dir string, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\nmigrations:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - instance_id: %s\n    target_instance_type: ecs.g7.xlarge\n", fakeapi.FleetInstance(i+1))
	}
	path := filepath.Join(dir, "migrations.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// fleetServer is a fake fleet of the instances answering every request after
// latency, and the environment of a zonemove process that talks to it alone.
func fleetServer(b testing.TB, home string, latency time.Duration, ids []string) (*fakeapi.Server, []string) {
	b.Helper()
	srv := fakeapi.New(b, filepath.Join("..", "..", "testdata", "api"))
	srv.Delay = latency
	fakeapi.NewFleet(srv, ids...)
	env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + fakeapi.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + fakeapi.AccessKeySecret}
	for _, s := range api.Services {
		env = append(env, api.EnvVar(s)+"=http://"+srv.Host())
	}
	return srv, env
}

// BenchmarkApply100Process measures the whole zonemove process applying a
// batch of 100 migrations with --concurrency 8 against a fake API (a fleet of
// 100 healthy instances: every preflight lookup and every create) that
// answers each request after 100 ms: the wall time against the sum of the
// latencies of every request the server received, and the peak resident
// memory of the process: getrusage of the child and, when /usr/bin/time is
// installed (the binary then runs under /usr/bin/time -v), what it reports.
//
//	go test ./cmd/zonemove -run XXX -bench Apply100Process -benchtime 5x
func BenchmarkApply100Process(b *testing.B) {
	const latency = 100 * time.Millisecond
	bin := buildBinary(b)
	ids := fakeapi.FleetInstances(100)
	home := b.TempDir()
	// With /usr/bin/time, it runs the binary and reports its peak memory too.
	_, err := os.Stat("/usr/bin/time")
	timeV := err == nil
	var maxRSS, timeRSS int64
	var wall time.Duration
	requests, maxInFlight := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// A fresh fleet (no jobs yet) and a fresh state file each time.
		srv, env := fleetServer(b, home, latency, ids)
		manifest := batchManifest(b, b.TempDir(), 100)
		before := len(srv.Requests())
		args := []string{"apply", "-f", manifest, "--yes", "--concurrency", "8", "-o", "json"}
		cmd := exec.Command(bin, args...)
		var timeOut strings.Builder
		if timeV {
			cmd = exec.Command("/usr/bin/time", append([]string{"-v", bin}, args...)...)
			cmd.Stderr = &timeOut
		}
		cmd.Env = env
		b.StartTimer()
		start := time.Now()
		out, err := cmd.Output()
		wall += time.Since(start)
		if err != nil {
			b.Fatalf("%s: %v\n%s", bin, err, out)
		}
		requests += len(srv.Requests()) - before
		if got := srv.JobsCreated(); got != 100 {
			b.Fatalf("%d jobs created; want 100", got)
		}
		maxInFlight = max(maxInFlight, srv.MaxInFlight())
		maxRSS = max(maxRSS, peakRSS(cmd))
		if m := maxRSSLine.FindStringSubmatch(timeOut.String()); m != nil {
			if kb, _ := strconv.ParseInt(m[1], 10, 64); kb > timeRSS {
				timeRSS = kb
			}
		}
	}
	b.StopTimer()
	sum := time.Duration(requests) * latency
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(100*wall.Seconds()/sum.Seconds(), "%-of-latency-sum")
	b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(maxInFlight), "max-in-flight")
	if timeV {
		b.ReportMetric(float64(timeRSS)/1024, "time-v-max-RSS-MiB")
	}
}

var maxRSSLine = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)

// BenchmarkApplyFleet measures the whole zonemove process applying a batch of
// 1000 or 10,000 migrations (`apply --yes --concurrency 8 -o json`) against a
// fake fleet with no injected latency, so that what is left is zonemove's own
// work and the client-side pace (100 calls a second): the wall time, and the
// bytes the process wrote to storage (getrusage's block writes, which on Linux
// count the bytes of every page it dirtied) against the size of the state
// file it left. docs/performance.md has the table.
//
//	go test ./cmd/zonemove -run XXX -bench 'ApplyFleet/1000$' -benchtime 1x
func BenchmarkApplyFleet(b *testing.B) {
	bin := buildBinary(b)
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ids := fakeapi.FleetInstances(n)
			home := b.TempDir()
			var wall time.Duration
			var written, final int64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				srv, env := fleetServer(b, home, 0, ids)
				dir := b.TempDir()
				manifest := batchManifest(b, dir, n)
				cmd := exec.Command(bin, "apply", "-f", manifest, "--yes", "--concurrency", "8", "-o", "json")
				cmd.Env = env
				b.StartTimer()
				start := time.Now()
				out, err := cmd.Output()
				wall += time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatalf("%s: %v\n%.2000s", bin, err, out)
				}
				if got := srv.JobsCreated(); got != n {
					b.Fatalf("%d jobs created; want %d", got, n)
				}
				written += bytesWritten(cmd)
				fi, err := os.Stat(manifest + ".state.json")
				if err != nil {
					b.Fatal(err)
				}
				final += fi.Size()
			}
			b.ReportMetric(wall.Seconds()/float64(b.N), "wall-s/op")
			b.ReportMetric(float64(written)/float64(b.N)/(1<<20), "written-MiB/op")
			b.ReportMetric(float64(final)/float64(b.N)/(1<<20), "state-MiB")
			b.ReportMetric(float64(written)/float64(final), "written/state")
		})
	}
}
