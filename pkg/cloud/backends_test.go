package cloud

import (
	"context"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/lb"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// A batch's memberships are read once, in bulk, from the instances the fleet
// read; each migration then finds its own without a call.
func TestMembershipsPrefetchThenOf(t *testing.T) {
	fleet, srv := newTestGatherer(t)
	l := fakeapi.NewLoadBalancers(srv)
	const id, ip = "i-bp1ff25rzvnul6kr0001", "172.16.1.23"
	l.AddServerGroup("nlb", "sgp-nlb0000000000002", "Ip", "nlb-bp1nlb000000001")
	l.AddServer("sgp-nlb0000000000002", fakeapi.Backend{ServerID: ip, Type: "Ip", ServerIP: ip, Port: 443, Weight: 30})
	cred, err := credentials.NewCredential(&credentials.Config{Type: str("access_key"),
		AccessKeyId: str(fakeapi.AccessKeyID), AccessKeySecret: str(fakeapi.AccessKeySecret)})
	if err != nil {
		t.Fatal(err)
	}
	ep := api.Endpoint{Protocol: "http", Host: srv.Host()}
	s := api.NewSession("cn-hangzhou", cred, api.Endpoints{api.SLB: ep, api.ALB: ep, api.NLB: ep}, api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "zonemove/test")
	s.DialGuard = fakeapi.LoopbackOnly
	var c lb.Clients
	c.CLB, _ = slb.NewClient(s)
	c.ALB, _ = alb.NewClient(s)
	c.NLB, _ = nlb.NewClient(s)
	ms := NewMemberships(lb.New(c, lb.Options{Region: "cn-hangzhou"}))

	ctx := context.Background()
	targets, err := fleet.LBTargets(ctx, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 1 || targets[0].IP != ip {
		t.Fatalf("targets %+v; want %s at %s", targets, id, ip)
	}
	if err := ms.Prefetch(ctx, targets); err != nil {
		t.Fatal(err)
	}
	sent := len(srv.Requests())
	b := ms.Of(ctx, id, ip)
	if !b.Read || b.Err != nil || len(b.Memberships) != 1 || b.Memberships[0].RegisteredBy != facts.ByIP {
		t.Errorf("memberships %+v", b)
	}
	if n := len(srv.Requests()) - sent; n != 0 {
		t.Errorf("Of sent %d requests after Prefetch; want none", n)
	}
}
