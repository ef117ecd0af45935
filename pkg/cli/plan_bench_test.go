package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// planBenchLatency is the latency the fake server adds to every answer in
// BenchmarkPlan.
const planBenchLatency = 20 * time.Millisecond

// benchRegion is a region of n instances of zone h tagged env=prod and three
// candidate zones, each with room for every instance.
func benchRegion(n int) *fakeapi.Region {
	g := &fakeapi.Region{
		ID:  planRegionID,
		Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Zones: []fakeapi.RegionZone{
			postPaid("cn-hangzhou-h", "ecs.g7.large=Available"),
			postPaid("cn-hangzhou-i", "ecs.g7.large=Available"),
			postPaid("cn-hangzhou-j", "ecs.g7.large=SoldOut", "ecs.g7.xlarge=Available"),
			postPaid("cn-hangzhou-k", "ecs.g7.large=Available"),
		},
		Types: g7Types(),
	}
	for i, z := range []string{"h", "i", "j", "k"} {
		g.VSwitches = append(g.VSwitches, fakeapi.RegionVSwitch{VSwitchID: fmt.Sprintf("vsw-bp1%s000000000000%04d", z, i), VpcID: planVPC,
			ZoneID: "cn-hangzhou-" + z, FreeIPs: int64(n)})
	}
	for k := 1; k <= n; k++ {
		g.Instances = append(g.Instances, fakeapi.RegionInstance{InstanceID: planInstance(k), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large",
			VpcID: planVPC, VSwitchID: g.VSwitches[0].VSwitchID, Tags: map[string]string{"env": "prod"}})
	}
	return g
}

// BenchmarkPlan measures `zonemove plan --from-zone` of a tagged fleet
// against an API that answers every request after planBenchLatency: the
// requests it sends and its wall time.
func BenchmarkPlan(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			srv := fakeapi.New(b, filepath.Join(repoRoot, "testdata", "api"))
			srv.Delay = planBenchLatency
			benchRegion(n).Serve(srv)
			testEnv(b, srv, false)
			args := planArgs("--from-zone", "cn-hangzhou-h", "--tag", "env=prod", "-o", "json")
			b.ResetTimer()
			for range b.N {
				f, _, errOut := newTestFactory(false, "")
				if code := Run(context.Background(), f, args); code != cmdutil.ExitOK {
					b.Fatalf("exit %d: %s", code, errOut)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(planBenchLatency), "latencies/op")
		})
	}
}
