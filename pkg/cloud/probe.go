package cloud

import (
	"context"
	"fmt"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
	"github.com/zonemove/zonemove/pkg/smc"
	"github.com/zonemove/zonemove/pkg/vpc"
)

// Probes are the read-only actions zonemove calls, by service, in the order
// zonemove doctor tries them.
var Probes = []struct{ Service, Action string }{
	{api.SMC, "DescribeReplicationJobs"},
	{api.ECS, "DescribeInstances"},
	{api.ECS, "DescribeDisks"},
	{api.ECS, "DescribeSnapshots"},
	{api.ECS, "DescribeAvailableResource"},
	{api.ECS, "DescribeInstanceTypes"},
	{api.VPC, "DescribeVSwitches"},
	// The reads of the steps around the job (--snapshot, --verify).
	{api.ECS, "DescribeSnapshotGroups"},
	{api.ECS, "DescribeCloudAssistantStatus"},
	{api.ECS, "DescribeInvocationResults"},
	// The load balancer memberships' reads (check lb-backends, --backends).
	{api.SLB, "DescribeLoadBalancers"},
	{api.ALB, "ListServerGroups"},
	{api.ALB, "ListServerGroupServers"},
	{api.ALB, "ListAsynJobs"},
	{api.NLB, "ListServerGroups"},
	{api.NLB, "ListServerGroupServers"},
}

// Probe calls a read-only action once, with the smallest request the API
// takes, to learn whether the caller may call it. Nothing is changed; the
// answer is thrown away.
func (c *Client) Probe(ctx context.Context, service, action string) error {
	region := c.session.Region
	var err error
	switch service + ":" + action {
	case api.SMC + ":DescribeReplicationJobs":
		_, err = c.smc.DescribeReplicationJobs(ctx, smc.JobQuery{Region: region}.Page(1, 1))
	case api.ECS + ":DescribeInstances":
		_, err = c.ecs.DescribeInstances(ctx, &ecs.DescribeInstancesRequest{RegionId: region, MaxResults: 1})
	case api.ECS + ":DescribeDisks":
		// 10 is the smallest MaxResults DescribeDisks takes.
		_, err = c.ecs.DescribeDisks(ctx, &ecs.DescribeDisksRequest{RegionId: region, MaxResults: 10})
	case api.ECS + ":DescribeSnapshots":
		_, err = c.ecs.DescribeSnapshots(ctx, &ecs.DescribeSnapshotsRequest{RegionId: region, MaxResults: 1})
	case api.ECS + ":DescribeAvailableResource":
		// Zones, not instance types: the smallest answer of this action.
		_, err = c.ecs.DescribeAvailableResource(ctx, &ecs.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "Zone"})
	case api.ECS + ":DescribeInstanceTypes":
		_, err = c.ecs.DescribeInstanceTypes(ctx, &ecs.DescribeInstanceTypesRequest{InstanceTypeFamily: "ecs.g7"})
	case api.VPC + ":DescribeVSwitches":
		_, err = c.vpc.DescribeVSwitches(ctx, &vpc.DescribeVSwitchesRequest{RegionId: region, PageNumber: 1, PageSize: 1})
	case api.ECS + ":DescribeSnapshotGroups":
		_, err = c.ecs.DescribeSnapshotGroups(ctx, &ecs.DescribeSnapshotGroupsRequest{RegionId: region, MaxResults: 1})
	case api.ECS + ":DescribeCloudAssistantStatus":
		_, err = c.ecs.DescribeCloudAssistantStatus(ctx, &ecs.DescribeCloudAssistantStatusRequest{RegionId: region, MaxResults: 1})
	case api.ECS + ":DescribeInvocationResults":
		_, err = c.ecs.DescribeInvocationResults(ctx, &ecs.DescribeInvocationResultsRequest{RegionId: region, MaxResults: 1})
	case api.SLB + ":DescribeLoadBalancers":
		_, err = c.clb.DescribeLoadBalancers(ctx, &slb.DescribeLoadBalancersRequest{RegionId: region, PageNumber: 1, PageSize: 1})
	case api.ALB + ":ListServerGroups":
		_, err = c.alb.ListServerGroups(ctx, &alb.ListServerGroupsRequest{MaxResults: 1})
	case api.ALB + ":ListServerGroupServers":
		_, err = c.alb.ListServerGroupServers(ctx, &alb.ListServerGroupServersRequest{MaxResults: 1})
	case api.ALB + ":ListAsynJobs":
		_, err = c.alb.ListAsynJobs(ctx, &alb.ListAsynJobsRequest{MaxResults: 1})
	case api.NLB + ":ListServerGroups":
		_, err = c.nlb.ListServerGroups(ctx, &nlb.ListServerGroupsRequest{RegionId: region, MaxResults: 1})
	case api.NLB + ":ListServerGroupServers":
		_, err = c.nlb.ListServerGroupServers(ctx, &nlb.ListServerGroupServersRequest{RegionId: region, MaxResults: 1})
	default:
		return fmt.Errorf("no probe for %s:%s", service, action)
	}
	return err
}

// Endpoints are the URLs the calls of each service go to, as resolved from
// the region or the overrides.
func (c *Client) Endpoints() map[string]string {
	return map[string]string{
		api.SMC: c.smc.Endpoint(),
		api.ECS: c.ecs.Endpoint(),
		api.VPC: c.vpc.Endpoint(),
		api.SLB: c.clb.Endpoint(),
		api.ALB: c.alb.Endpoint(),
		api.NLB: c.nlb.Endpoint(),
	}
}
