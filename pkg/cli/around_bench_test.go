package cli

import (
	"context"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// BenchmarkCreateAround runs `create --backends drain --snapshot --verify
// CMD --wait` on an instance in the four kinds of membership, against a fake
// API that answers each request after 20 ms, in this process (its clock
// stands still: polls and the drain time cost no wall time). It reports the
// requests a run sends and its wall time in round trips: the steps' cost on
// top of the create and its wait.
//
//	go test ./pkg/cli -run XXX -bench CreateAround -benchtime 10x
func BenchmarkCreateAround(b *testing.B) {
	const latency = 20 * time.Millisecond
	for _, c := range []struct {
		name string
		args []string
	}{
		{"plain", nil},
		{"snapshot-drain-verify", []string{"--backends", "drain", "--drain-time", "1ms", "--snapshot", "--verify", "/opt/app/healthcheck"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var wall time.Duration
			requests := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				srv := fakeapi.New(b, repoRoot+"/testdata/api")
				fl := fakeapi.NewFleet(srv, fakeapi.FleetInstance(1), fakeapi.FleetInstance(2))
				fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(2))
				srv.Delay = latency
				testEnv(b, srv, false)
				dir := b.TempDir()
				args := append([]string{"create", "--region", "cn-hangzhou", "--instance-id", fakeapi.FleetInstance(1),
					"--target-zone", "cn-hangzhou-i", "--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--yes",
					"--wait", "--interval", "1s"}, c.args...)
				if c.args != nil {
					args = append(args, "--state", dir+"/s.json")
				}
				f, _, errOut := newTestFactory(false, "")
				b.StartTimer()
				start := time.Now()
				if code := Run(context.Background(), f, args); code != 0 {
					b.Fatalf("exit %d:\n%s", code, errOut.String())
				}
				wall += time.Since(start)
				requests += len(srv.Requests())
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			b.ReportMetric(wall.Seconds()/latency.Seconds()/float64(b.N), "round-trips/op")
		})
	}
}
