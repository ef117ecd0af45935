package lb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// bulkWorld is n instances, each in one of three CLB default server groups,
// an ALB server group by instance and an NLB server group by IP.
func bulkWorld(t testing.TB, n int) (*fakeapi.Server, []Target) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	l := fakeapi.NewLoadBalancers(srv)
	for i := range 3 {
		l.AddCLB(fmt.Sprintf("lb-bp1clb%010d", i))
	}
	l.AddServerGroup("alb", "sgp-alb-bulk", "Instance", "alb-bulk")
	l.AddServerGroup("nlb", "sgp-nlb-bulk", "Ip", "nlb-bulk")
	var targets []Target
	for i := range n {
		id, ip := fakeapi.FleetInstance(i+1), fmt.Sprintf("172.16.%d.%d", 10+i/250, i%250+1)
		targets = append(targets, Target{InstanceID: id, IP: ip})
		l.AddCLBBackend(fmt.Sprintf("lb-bp1clb%010d", i%3), "", fakeapi.Backend{ServerID: id, Type: "ecs", Weight: 100})
		l.AddServer("sgp-alb-bulk", fakeapi.Backend{ServerID: id, Type: "Ecs", Port: 80, Weight: 100})
		l.AddServer("sgp-nlb-bulk", fakeapi.Backend{ServerID: ip, Type: "Ip", ServerIP: ip, Port: 443, Weight: 100})
	}
	return srv, targets
}

// A batch reads its memberships in bulk: the region's few CLB instances once,
// ALB 20 and NLB 40 servers a call (docs/performance.md).
func TestReadManyReadsInBulk(t *testing.T) {
	for _, c := range []struct {
		n, most int
	}{{1, 9}, {30, 10 + 3*2 + 2 + 1 + 2 + 1}, {1000, 2 + 3*2 + 100 + 1 + 25 + 25 + 1}} {
		srv, targets := bulkWorld(t, c.n)
		got, err := newService(t, srv).ReadMany(context.Background(), targets)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			if len(got[tg.InstanceID]) != 3 {
				t.Fatalf("n=%d: %s has %d memberships; want 3: %+v", c.n, tg.InstanceID, len(got[tg.InstanceID]), got[tg.InstanceID])
			}
		}
		if calls := len(srv.Requests()); calls > c.most {
			t.Errorf("n=%d: %d calls; want at most %d", c.n, calls, c.most)
		} else {
			t.Logf("n=%d: %d calls", c.n, calls)
		}
	}
}

// BenchmarkReadMany1000 reads the memberships of 1000 instances on the fake
// (docs/performance.md).
func BenchmarkReadMany1000(b *testing.B) {
	srv, targets := bulkWorld(b, 1000)
	s := newService(b, srv)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.ReadMany(context.Background(), targets); err != nil {
			b.Fatal(err)
		}
	}
}

// Two instances of a batch may share a private IP in different VPCs: a
// registration by that address is the one whose VPC is the group's.
func TestReadManySharedAddressGoesByVPC(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	l := fakeapi.NewLoadBalancers(srv)
	l.AddServerGroup("nlb", "sgp-nlb-b", "Ip", "nlb-b")
	l.SetGroupVPC("sgp-nlb-b", "vpc-b")
	l.AddServer("sgp-nlb-b", fakeapi.Backend{ServerID: "10.0.0.5", Type: "Ip", ServerIP: "10.0.0.5", Port: 443, Weight: 100})
	a, b := fakeapi.FleetInstance(1), fakeapi.FleetInstance(2)
	got, err := newService(t, srv).ReadMany(context.Background(), []Target{
		{InstanceID: a, IP: "10.0.0.5", VpcID: "vpc-a"}, {InstanceID: b, IP: "10.0.0.5", VpcID: "vpc-b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[a]) != 0 || len(got[b]) != 1 {
		t.Errorf("memberships of %s (vpc-a): %+v; of %s (vpc-b): %+v; want the group's only in vpc-b", a, got[a], b, got[b])
	}
}
