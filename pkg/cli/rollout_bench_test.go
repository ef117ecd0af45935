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
	same := func(int) int { return polls }
	one := rolloutWall(b, 1, slots, latency, interval, same)
	var wall time.Duration
	peak := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, p := rolloutRun(b, n, slots, latency, interval, same)
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

// BenchmarkRolloutMixed40 is BenchmarkRollout40 with jobs of two lengths,
// alternating in the manifest: 2 polls and 6 polls. Refilled in waves, each
// of the 5 waves would last as long as its longest job: 30 intervals. A slot
// refilled at the poll that freed it keeps the 8 slots busy: the work is
// 20 jobs x 2 + 20 jobs x 6 = 160 polls, 20 intervals on 8 slots, the bound
// no schedule beats. The benchmark reports the rollout in polls (a poll is
// an interval plus the poll's own round trips), counted on the fake.
//
//	go test ./pkg/cli -run XXX -bench 'RolloutMixed40$' -benchtime 3x
func BenchmarkRolloutMixed40(b *testing.B) {
	const (
		latency  = 20 * time.Millisecond
		interval = 100 * time.Millisecond
		n, slots = 40, 8
	)
	mixed := func(i int) int {
		if i%2 == 0 {
			return 2
		}
		return 6
	}
	polls := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _, p := rolloutRunPolls(b, n, slots, latency, interval, mixed)
		polls += p
	}
	b.StopTimer()
	perOp := float64(polls) / float64(b.N)
	b.ReportMetric(perOp, "polls/op")
	b.ReportMetric(20, "work-bound-polls")
	b.ReportMetric(30, "wave-bound-polls")
	b.ReportMetric(perOp/20, "x-work-bound")
}

// rolloutWall is the mean rollout wall time of a few runs.
func rolloutWall(b *testing.B, n, slots int, latency, interval time.Duration, polls func(int) int) time.Duration {
	var sum time.Duration
	const runs = 3
	for range runs {
		d, _ := rolloutRun(b, n, slots, latency, interval, polls)
		sum += d
	}
	return sum / runs
}

// rolloutRun applies n instances as a rollout of slots on a fresh fleet, the
// job of the ith (from 0) taking polls(i) polls, and returns the time from
// its first create to the end of the run, and the most jobs the fake had
// Running at once.
func rolloutRun(b *testing.B, n, slots int, latency, interval time.Duration, polls func(int) int) (time.Duration, int) {
	b.Helper()
	d, peak, _ := rolloutRunPolls(b, n, slots, latency, interval, polls)
	return d, peak
}

// rolloutRunPolls is rolloutRun that also counts the polls of the jobs (the
// DescribeReplicationJobs by JobId).
func rolloutRunPolls(b *testing.B, n, slots int, latency, interval time.Duration, polls func(int) int) (time.Duration, int, int) {
	b.Helper()
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"} {
		defer os.Unsetenv(k)
	}
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeapi.AccessKeyID)
	os.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeapi.AccessKeySecret)
	srv := fakeapi.New(b, filepath.Join(repoRoot, "testdata", "api"))
	srv.Delay = latency
	fleet := fakeapi.NewFleet(srv, fakeapi.FleetInstances(n)...)
	for i, id := range fakeapi.FleetInstances(n) {
		fleet.SetPollsToEnd(id, polls(i))
	}
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
	count := 0
	for _, r := range srv.Requests() {
		if r.Action == "DescribeReplicationJobs" && r.Params.Get("JobId.1") != "" {
			count++
		}
	}
	return end.Sub(first), fleet.MaxRunning(), count
}
