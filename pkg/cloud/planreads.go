package cloud

// The reads a plan needs on top of the preflight's, until the bulk Fleet
// (issue 10) provides them: instances by zone and tags, the region's stock in
// one call, and a VPC's vSwitches in every zone.

import (
	"context"
	"slices"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
)

// MaxInstanceIDs is how many instance IDs DescribeInstances takes a call.
const MaxInstanceIDs = 100

// InstanceFilter selects instances: by ID, or by zone and tags.
type InstanceFilter struct {
	IDs    []string
	ZoneID string
	Tags   []Tag
}

// Tag is an ECS tag; an empty Value matches any value of the key.
type Tag struct{ Key, Value string }

// DescribeInstances lists the instances of the region that match the filter,
// every page (MaxResults 100 a page, NextToken).
func (c *Client) DescribeInstances(ctx context.Context, f InstanceFilter) ([]*facts.Instance, error) {
	ids := f.IDs
	if len(ids) == 0 {
		var err error
		if ids, err = c.instanceIDs(ctx, f); err != nil {
			return nil, err
		}
	}
	var out []*facts.Instance
	for chunk := range slices.Chunk(ids, MaxInstanceIDs) {
		m, err := c.Instances(ctx, chunk)
		if err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if in := m[id]; in != nil && (f.ZoneID == "" || in.ZoneID == f.ZoneID) {
				out = append(out, in)
			}
		}
	}
	return out, nil
}

// instanceIDs lists the IDs of the instances of a zone with the tags.
func (c *Client) instanceIDs(ctx context.Context, f InstanceFilter) ([]string, error) {
	return readByToken(ctx, "DescribeInstances", func(ctx context.Context, token string) ([]string, string, error) {
		req := &ecs.DescribeInstancesRequest{RegionId: dara.String(c.session.Region), MaxResults: dara.Int32(MaxInstanceIDs)}
		if f.ZoneID != "" {
			req.ZoneId = dara.String(f.ZoneID)
		}
		for _, t := range f.Tags {
			tag := &ecs.DescribeInstancesRequestTag{Key: dara.String(t.Key)}
			if t.Value != "" {
				tag.Value = dara.String(t.Value)
			}
			req.Tag = append(req.Tag, tag)
		}
		if token != "" {
			req.NextToken = dara.String(token)
		}
		resp, err := do(ctx, c, &c.ecs, api.ECS, "DescribeInstances", func(ctx context.Context, e *ecs.Client) (*ecs.DescribeInstancesResponse, error) {
			return e.DescribeInstancesWithContext(ctx, req, api.Runtime())
		})
		if err != nil || resp.Body == nil {
			return nil, "", err
		}
		var out []string
		if resp.Body.Instances != nil {
			for _, in := range resp.Body.Instances.Instance {
				out = append(out, dara.StringValue(in.InstanceId))
			}
		}
		return out, dara.StringValue(resp.Body.NextToken), nil
	})
}

// RegionStock asks, in one call, which instance types every zone of the
// region sells for the charge type; by zone.
func (c *Client) RegionStock(ctx context.Context, chargeType string) (map[string]*facts.Stock, error) {
	req := &ecs.DescribeAvailableResourceRequest{
		RegionId:            dara.String(c.session.Region),
		DestinationResource: dara.String("InstanceType"),
		InstanceChargeType:  dara.String(chargeType),
	}
	resp, err := do(ctx, c, &c.ecs, api.ECS, "DescribeAvailableResource", func(ctx context.Context, e *ecs.Client) (*ecs.DescribeAvailableResourceResponse, error) {
		return e.DescribeAvailableResourceWithContext(ctx, req, api.Runtime())
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*facts.Stock{}
	if resp.Body == nil || resp.Body.AvailableZones == nil {
		return out, nil
	}
	for _, z := range resp.Body.AvailableZones.AvailableZone {
		zone := dara.StringValue(z.ZoneId)
		s := &facts.Stock{ZoneID: zone, ChargeType: chargeType, ZoneStatus: dara.StringValue(z.Status), Types: map[string]string{}}
		if z.AvailableResources != nil {
			for _, r := range z.AvailableResources.AvailableResource {
				if r.SupportedResources == nil || (r.Type != nil && dara.StringValue(r.Type) != "InstanceType") {
					continue
				}
				for _, sr := range r.SupportedResources.SupportedResource {
					s.Types[dara.StringValue(sr.Value)] = dara.StringValue(sr.Status)
				}
			}
		}
		out[zone] = s
	}
	return out, nil
}

// VSwitchesOfVPC lists a VPC's vSwitches in every zone.
func (c *Client) VSwitchesOfVPC(ctx context.Context, vpcID string) ([]facts.VSwitch, error) {
	return c.vSwitches(ctx, &vpc.DescribeVSwitchesRequest{VpcId: dara.String(vpcID)})
}
