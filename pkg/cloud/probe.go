package cloud

import (
	"context"
	"fmt"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/ecs"
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
}

// Probe calls a read-only action once, with the smallest request the API
// takes, to learn whether the caller may call it. Nothing is changed; the
// answer is thrown away.
func (c *Client) Probe(ctx context.Context, action string) error {
	region := c.session.Region
	var err error
	switch action {
	case "DescribeReplicationJobs":
		_, err = c.smc.DescribeReplicationJobs(ctx, smc.JobQuery{Region: region}.Page(1, 1))
	case "DescribeInstances":
		_, err = c.ecs.DescribeInstances(ctx, &ecs.DescribeInstancesRequest{RegionId: region, MaxResults: 1})
	case "DescribeDisks":
		// 10 is the smallest MaxResults DescribeDisks takes.
		_, err = c.ecs.DescribeDisks(ctx, &ecs.DescribeDisksRequest{RegionId: region, MaxResults: 10})
	case "DescribeSnapshots":
		_, err = c.ecs.DescribeSnapshots(ctx, &ecs.DescribeSnapshotsRequest{RegionId: region, MaxResults: 1})
	case "DescribeAvailableResource":
		// Zones, not instance types: the smallest answer of this action.
		_, err = c.ecs.DescribeAvailableResource(ctx, &ecs.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: "Zone"})
	case "DescribeInstanceTypes":
		_, err = c.ecs.DescribeInstanceTypes(ctx, &ecs.DescribeInstanceTypesRequest{InstanceTypeFamily: "ecs.g7"})
	case "DescribeVSwitches":
		_, err = c.vpc.DescribeVSwitches(ctx, &vpc.DescribeVSwitchesRequest{RegionId: region, PageNumber: 1, PageSize: 1})
	default:
		return fmt.Errorf("no probe for %s", action)
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
	}
}
