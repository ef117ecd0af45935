package lb

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// The fake refuses what the APIs refuse: missing required parameters, lists
// over their documented limits, and (its own codes) a server added twice.
func TestFakeRefusesWhatTheAPIsRefuse(t *testing.T) {
	srv, _ := world(t)
	s := newService(t, srv)
	ctx := context.Background()
	var many []slb.BackendServer
	var ids []string
	for i := range 21 {
		many = append(many, slb.BackendServer{ServerId: fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i+100), Port: 80, Weight: 100})
		ids = append(ids, fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i+100))
	}
	w := 100
	for name, call := range map[string]func() error{
		"MissingLoadBalancerId": func() error {
			_, err := s.c.CLB.DescribeVServerGroups(ctx, &slb.DescribeVServerGroupsRequest{RegionId: "cn-hangzhou"})
			return err
		},
		"MissingRegionId": func() error {
			_, err := s.c.CLB.DescribeLoadBalancers(ctx, &slb.DescribeLoadBalancersRequest{ServerId: inst})
			return err
		},
		"InvalidParameter.BackendServers": func() error {
			_, err := s.c.CLB.AddVServerGroupBackendServers(ctx, &slb.VServerGroupBackendServersRequest{RegionId: "cn-hangzhou",
				VServerGroupId: "rsp-bp1vsg00000001", BackendServers: slb.BackendServersJSON(many)})
			return err
		},
		"InvalidParameter.ServerIds": func() error {
			_, err := s.c.ALB.ListServerGroupServers(ctx, &alb.ListServerGroupServersRequest{ServerIds: ids})
			return err
		},
		"MissingJobId": func() error {
			_, err := s.c.NLB.GetJobStatus(ctx, &nlb.GetJobStatusRequest{})
			return err
		},
		"MissingServers": func() error {
			_, err := s.c.NLB.AddServersToServerGroup(ctx, &nlb.ServersRequest{ServerGroupId: "sgp-nlb0000000000001"})
			return err
		},
		"ResourceAlreadyAssociated.BackendServer": func() error {
			_, err := s.c.ALB.AddServersToServerGroup(ctx, &alb.ServersRequest{ServerGroupId: "sgp-alb0000000000001",
				Servers: []alb.Server{{ServerId: inst, ServerType: "Ecs", Port: 8080, Weight: &w}}})
			return err
		},
	} {
		err := call()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

// A ClientToken sent again answers the first job and changes nothing.
func TestClientTokenAnswersTheFirstJob(t *testing.T) {
	srv, l := world(t)
	s := newService(t, srv)
	ctx := context.Background()
	w := 5
	req := &nlb.ServersRequest{RegionId: "cn-hangzhou", ServerGroupId: "sgp-nlb0000000000002", ClientToken: "token-1",
		Servers: []nlb.Server{{ServerId: "172.16.1.50", ServerType: "Ip", ServerIp: "172.16.1.50", Port: 443, Weight: &w}}}
	first, err := s.c.NLB.AddServersToServerGroup(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.c.NLB.AddServersToServerGroup(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.JobId == "" || again.JobId != first.JobId {
		t.Errorf("jobs %q and %q; want the first one twice", first.JobId, again.JobId)
	}
	if n := len(l.Backends("sgp-nlb0000000000002")); n != 3 {
		t.Errorf("%d servers; want 3 (one added once)", n)
	}
}
