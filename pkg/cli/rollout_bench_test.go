package cli

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// BenchmarkRollout40 runs a 40-instance apply at --max-unavailable 8 against
// the fake fleet, each answer after 20 ms, whose jobs take 4 polls at
// --interval 100ms, in real time. It reports the rollout's wall time (from
// the first create to the end of the run) against the ideal: ceil(40/8) = 5
// waves of one job's duration, measured the same way on a 1-instance apply.
// A slot freed by a returning instance is refilled at the next poll, so the
// ratio stays near 1; refilling only at the end of a wave would not change
// it here (all 8 of a wave end at one poll), but a wave of jobs of different
// lengths would.
//
//	go test ./pkg/cli -run XXX -bench 'Rollout40$' -benchtime 3x
func BenchmarkRollout40(b *testing.B) {
	const (
		latency  = 20 * time.Millisecond
		interval = 100 * time.Millisecond
		polls    = 4
		n, slots = 40, 8
	)
	one := rolloutWall(b, 1, slots, latency, interval, polls)
	var wall time.Duration
	peak := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, p := rolloutRun(b, n, slots, latency, interval, polls)
		wall += d
		peak = max(peak, p)
	}
	b.StopTimer()
	perOp := wall / time.Duration(b.N)
	ideal := time.Duration(math.Ceil(float64(n)/float64(slots))) * one
	b.ReportMetric(perOp.Seconds(), "rollout-s/op")
	b.ReportMetric(one.Seconds(), "one-job-s")
	b.ReportMetric(ideal.Seconds(), "ideal-s")
	b.ReportMetric(perOp.Seconds()/ideal.Seconds(), "x-ideal")
	b.ReportMetric(float64(peak), "max-running")
}

// rolloutWall is the mean rollout wall time of a few runs.
func rolloutWall(b *testing.B, n, slots int, latency, interval time.Duration, polls int) time.Duration {
	var sum time.Duration
	const runs = 3
	for range runs {
		d, _ := rolloutRun(b, n, slots, latency, interval, polls)
		sum += d
	}
	return sum / runs
}

// rolloutRun applies n instances as a rollout of slots on a fresh fleet and
// returns the time from its first create to the end of the run, and the most
// jobs the fake had Running at once.
func rolloutRun(b *testing.B, n, slots int, latency, interval time.Duration, polls int) (time.Duration, int) {
	b.Helper()
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		defer os.Unsetenv(k)
	}
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeapi.AccessKeyID)
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeapi.AccessKeySecret)
	srv := fakeapi.New(b, filepath.Join(repoRoot, "testdata", "api"))
	srv.Delay = latency
	fleet := fakeapi.NewFleet(srv, fakeapi.FleetInstances(n)...)
	fleet.PollsToEnd = polls
	var once sync.Once
	var first time.Time
	create := fleet.Created()
	srv.Always("CreateCrossZoneMigrationJob", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		once.Do(func() { first = time.Now() })
		return create.Respond(r)
	}})
	var manifest strings.Builder
	manifest.WriteString("region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\nmigrations:\n")
	for i := range n {
		fmt.Fprintf(&manifest, "  - instance_id: %s\n", fakeapi.FleetInstance(i+1))
	}
	path := filepath.Join(b.TempDir(), "migrations.yaml")
	if err := os.WriteFile(path, []byte(manifest.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	f, out, errOut := newTestFactory(false, "")
	f.NewClientToken = tokenSequence()
	f.Now = time.Now
	f.Sleep = func(ctx context.Context, d time.Duration) error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.Getenv = func(k string) string {
		if strings.HasPrefix(k, "ZONEMOVE_ENDPOINT_") {
			return "http://" + srv.Host()
		}
		return os.Getenv(k)
	}
	code := Run(context.Background(), f, []string{"apply", "-f", path, "--yes", "--max-unavailable", fmt.Sprint(slots),
		"--interval", interval.String(), "-o", "json"})
	end := time.Now()
	if code != 0 {
		b.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if got := srv.JobsCreated(); got != n {
		b.Fatalf("%d jobs created; want %d", got, n)
	}
	if p := fleet.MaxRunning(); p > slots {
		b.Fatalf("%d jobs Running at once; want at most %d", p, slots)
	}
	return end.Sub(first), fleet.MaxRunning()
}
