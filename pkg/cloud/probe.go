package cloud

import (
	"context"
	"fmt"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/smc"
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
	region := dara.String(c.session.Region)
	var err error
	switch action {
	case "DescribeReplicationJobs":
		_, err = c.smc.DescribeReplicationJobs(ctx, smc.JobQuery{Region: c.session.Region}.Page(1, 1))
	case "DescribeInstances":
		_, err = do(ctx, c, &c.ecs, api.ECS, action, func(ctx context.Context, e *ecs.Client) (*ecs.DescribeInstancesResponse, error) {
			return e.DescribeInstancesWithContext(ctx, &ecs.DescribeInstancesRequest{RegionId: region, MaxResults: dara.Int32(1)}, api.Runtime())
		})
	case "DescribeDisks":
		_, err = do(ctx, c, &c.ecs, api.ECS, action, func(ctx context.Context, e *ecs.Client) (*ecs.DescribeDisksResponse, error) {
			// 10 is the smallest MaxResults DescribeDisks takes.
			return e.DescribeDisksWithContext(ctx, &ecs.DescribeDisksRequest{RegionId: region, MaxResults: dara.Int32(10)}, api.Runtime())
		})
	case "DescribeSnapshots":
		_, err = do(ctx, c, &c.ecs, api.ECS, action, func(ctx context.Context, e *ecs.Client) (*ecs.DescribeSnapshotsResponse, error) {
			return e.DescribeSnapshotsWithContext(ctx, &ecs.DescribeSnapshotsRequest{RegionId: region, MaxResults: dara.Int32(1)}, api.Runtime())
		})
	case "DescribeAvailableResource":
		_, err = do(ctx, c, &c.ecs, api.ECS, action, func(ctx context.Context, e *ecs.Client) (*ecs.DescribeAvailableResourceResponse, error) {
			// Zones, not instance types: the smallest answer of this action.
			return e.DescribeAvailableResourceWithContext(ctx, &ecs.DescribeAvailableResourceRequest{RegionId: region, DestinationResource: dara.String("Zone")}, api.Runtime())
		})
	case "DescribeInstanceTypes":
		_, err = do(ctx, c, &c.ecs, api.ECS, action, func(ctx context.Context, e *ecs.Client) (*ecs.DescribeInstanceTypesResponse, error) {
			return e.DescribeInstanceTypesWithContext(ctx, &ecs.DescribeInstanceTypesRequest{InstanceTypeFamily: dara.String("ecs.g7")}, api.Runtime())
		})
	case "DescribeVSwitches":
		_, err = do(ctx, c, &c.vpc, api.VPC, action, func(ctx context.Context, v *vpc.Client) (*vpc.DescribeVSwitchesResponse, error) {
			return describeVSwitches(ctx, v, &vpc.DescribeVSwitchesRequest{RegionId: region, PageNumber: dara.Int32(1), PageSize: dara.Int32(1)})
		})
	default:
		return fmt.Errorf("no probe for %s", action)
	}
	return err
}

// Endpoints are the URLs the calls of each service go to, as the SDKs
// resolved them from the region or the overrides.
func (c *Client) Endpoints() (map[string]string, error) {
	e, err := c.ecs.get()
	if err != nil {
		return nil, err
	}
	defer c.ecs.put(e)
	v, err := c.vpc.get()
	if err != nil {
		return nil, err
	}
	defer c.vpc.put(v)
	url := func(protocol, host *string) string {
		p := dara.StringValue(protocol)
		if p == "" {
			p = "https"
		}
		return p + "://" + dara.StringValue(host)
	}
	smcCfg := c.session.Config(api.SMC)
	return map[string]string{
		api.SMC: url(smcCfg.Protocol, smcCfg.Endpoint),
		api.ECS: url(e.Protocol, e.Endpoint),
		api.VPC: url(v.Protocol, v.Endpoint),
	}, nil
}
