package cloud

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// A plan selects its instances first (which describes them), then prefetches
// every (instance, zone): the jobs, disks and snapshots of the selected
// instances must still be read in bulk, not one instance at a time.
func TestPrefetchAfterSelectReadsInBulk(t *testing.T) {
	g, srv := newTestGatherer(t)
	region := &fakeapi.Region{ID: "cn-hangzhou", Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Zones:     []fakeapi.RegionZone{{ZoneID: "cn-hangzhou-i", Stock: map[string]map[string]string{"PostPaid": {"ecs.g7.large": "Available"}}}},
		Types:     []fakeapi.RegionType{{ID: "ecs.g7.large", Family: "ecs.g7", CPU: 2, MemoryGiB: 8}},
		VSwitches: []fakeapi.RegionVSwitch{{VSwitchID: "vsw-bp1iiiiiiiiiiiii0001", VpcID: "vpc-1", ZoneID: "cn-hangzhou-i", FreeIPs: 100}},
	}
	const n = 30
	for i := 1; i <= n; i++ {
		region.Instances = append(region.Instances, fakeapi.RegionInstance{InstanceID: fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i),
			ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", VpcID: "vpc-1"})
	}
	region.Serve(srv)
	ctx := context.Background()
	list, err := g.SelectInstances(ctx, InstanceFilter{ZoneID: "cn-hangzhou-h"})
	if err != nil || len(list) != n {
		t.Fatalf("selected %d instances (%v); want %d", len(list), err, n)
	}
	var targets []facts.Target
	for _, in := range list {
		targets = append(targets, facts.Target{InstanceID: in.InstanceID, Zone: "cn-hangzhou-i"})
	}
	if err := g.Prefetch(ctx, targets); err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		f, err := g.Gather(ctx, tg)
		if err != nil || f.Instance == nil || len(f.Disks) != 1 {
			t.Fatalf("%s: %+v, %v", tg.InstanceID, f, err)
		}
	}
	got := countActions(srv)
	for action, want := range map[string]int{"DescribeInstances": 1, "DescribeReplicationJobs": 1, "DescribeDisks": 1, "DescribeSnapshots": 1} {
		if got[action] != want {
			t.Errorf("%s sent %d times; want %d (%v)", action, got[action], want, got)
		}
	}
}
