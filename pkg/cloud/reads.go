package cloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/smc"
)

// Disks lists the disks attached to an instance (DescribeDisks by InstanceId).
func (c *Client) Disks(ctx context.Context, instanceID string) ([]facts.Disk, error) {
	return c.disks(ctx, &ecs.DescribeDisksRequest{InstanceId: dara.String(instanceID), MaxResults: dara.Int32(100)})
}

// DisksInZone lists every disk of a zone, in pages of 500 (the most
// DescribeDisks answers at once).
func (c *Client) DisksInZone(ctx context.Context, zoneID string) ([]facts.Disk, error) {
	return c.disks(ctx, &ecs.DescribeDisksRequest{ZoneId: dara.String(zoneID), MaxResults: dara.Int32(500)})
}

func (c *Client) disks(ctx context.Context, filter *ecs.DescribeDisksRequest) ([]facts.Disk, error) {
	return api.ReadByToken(ctx, "DescribeDisks", func(ctx context.Context, token string) ([]facts.Disk, string, error) {
		req := *filter
		req.RegionId = dara.String(c.session.Region)
		if token != "" {
			req.NextToken = dara.String(token)
		}
		resp, err := do(ctx, c, &c.ecs, api.ECS, "DescribeDisks", func(ctx context.Context, e *ecs.Client) (*ecs.DescribeDisksResponse, error) {
			return e.DescribeDisksWithContext(ctx, &req, api.Runtime())
		})
		if err != nil || resp.Body == nil {
			return nil, "", err
		}
		var out []facts.Disk
		if resp.Body.Disks != nil {
			for _, d := range resp.Body.Disks.Disk {
				out = append(out, facts.Disk{
					DiskID:           dara.StringValue(d.DiskId),
					InstanceID:       dara.StringValue(d.InstanceId),
					Type:             dara.StringValue(d.Type),
					Category:         dara.StringValue(d.Category),
					PerformanceLevel: dara.StringValue(d.PerformanceLevel),
					SizeGiB:          int(dara.Int32Value(d.Size)),
				})
			}
		}
		return out, dara.StringValue(resp.Body.NextToken), nil
	})
}

// Snapshots lists the snapshots of an instance's disks (DescribeSnapshots by
// InstanceId). A snapshot whose CreationTime cannot be read has a zero time.
func (c *Client) Snapshots(ctx context.Context, instanceID string) ([]facts.Snapshot, error) {
	return c.snapshots(ctx, &ecs.DescribeSnapshotsRequest{InstanceId: dara.String(instanceID), MaxResults: dara.Int32(100)})
}

// SnapshotsSince lists the region's snapshots created at or after since
// (to the minute, the filter's precision), every page.
func (c *Client) SnapshotsSince(ctx context.Context, since time.Time) ([]facts.Snapshot, error) {
	return c.snapshots(ctx, &ecs.DescribeSnapshotsRequest{MaxResults: dara.Int32(100),
		Filter: []*ecs.DescribeSnapshotsRequestFilter{{Key: dara.String("CreationStartTime"), Value: dara.String(since.UTC().Format("2006-01-02T15:04Z"))}}})
}

func (c *Client) snapshots(ctx context.Context, filter *ecs.DescribeSnapshotsRequest) ([]facts.Snapshot, error) {
	return api.ReadByToken(ctx, "DescribeSnapshots", func(ctx context.Context, token string) ([]facts.Snapshot, string, error) {
		req := *filter
		req.RegionId = dara.String(c.session.Region)
		if token != "" {
			req.NextToken = dara.String(token)
		}
		resp, err := do(ctx, c, &c.ecs, api.ECS, "DescribeSnapshots", func(ctx context.Context, e *ecs.Client) (*ecs.DescribeSnapshotsResponse, error) {
			return e.DescribeSnapshotsWithContext(ctx, &req, api.Runtime())
		})
		if err != nil || resp.Body == nil {
			return nil, "", err
		}
		var out []facts.Snapshot
		if resp.Body.Snapshots != nil {
			for _, s := range resp.Body.Snapshots.Snapshot {
				created, _ := time.Parse(time.RFC3339, dara.StringValue(s.CreationTime))
				out = append(out, facts.Snapshot{
					SnapshotID:   dara.StringValue(s.SnapshotId),
					SourceDiskID: dara.StringValue(s.SourceDiskId),
					Status:       dara.StringValue(s.Status),
					CreationTime: created,
				})
			}
		}
		return out, dara.StringValue(resp.Body.NextToken), nil
	})
}

// AvailableInstanceTypes asks which instance types a zone sells for the given
// charge type (PrePaid or PostPaid).
func (c *Client) AvailableInstanceTypes(ctx context.Context, zoneID, chargeType string) (*facts.Stock, error) {
	zones, err := c.stock(ctx, zoneID, chargeType)
	if err != nil {
		return nil, err
	}
	if s := zones[zoneID]; s != nil {
		return s, nil
	}
	return &facts.Stock{ZoneID: zoneID, ChargeType: chargeType, Types: map[string]string{}}, nil
}

// RegionStock asks, in one call, which instance types every zone of the region
// sells for the given charge type; a zone absent from the answer sells nothing.
func (c *Client) RegionStock(ctx context.Context, chargeType string) (map[string]*facts.Stock, error) {
	return c.stock(ctx, "", chargeType)
}

// stock is DescribeAvailableResource of the instance types of one zone, or of
// every zone when zoneID is empty, by zone.
func (c *Client) stock(ctx context.Context, zoneID, chargeType string) (map[string]*facts.Stock, error) {
	req := &ecs.DescribeAvailableResourceRequest{
		RegionId:            dara.String(c.session.Region),
		DestinationResource: dara.String("InstanceType"),
	}
	if zoneID != "" {
		req.ZoneId = dara.String(zoneID)
	}
	if chargeType != "" {
		req.InstanceChargeType = dara.String(chargeType)
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
		id := dara.StringValue(z.ZoneId)
		if zoneID != "" && id != zoneID {
			continue
		}
		s := out[id]
		if s == nil {
			s = &facts.Stock{ZoneID: id, ChargeType: chargeType, Types: map[string]string{}}
			out[id] = s
		}
		s.ZoneStatus = dara.StringValue(z.Status)
		if z.AvailableResources == nil {
			continue
		}
		for _, r := range z.AvailableResources.AvailableResource {
			if r.SupportedResources == nil || (r.Type != nil && dara.StringValue(r.Type) != "InstanceType") {
				continue
			}
			for _, sr := range r.SupportedResources.SupportedResource {
				s.Types[dara.StringValue(sr.Value)] = dara.StringValue(sr.Status)
			}
		}
	}
	return out, nil
}

// InstanceTypesOfFamily lists the types of an instance family.
func (c *Client) InstanceTypesOfFamily(ctx context.Context, family string) ([]facts.InstanceType, error) {
	return api.ReadByToken(ctx, "DescribeInstanceTypes", func(ctx context.Context, token string) ([]facts.InstanceType, string, error) {
		req := &ecs.DescribeInstanceTypesRequest{InstanceTypeFamily: dara.String(family)}
		if token != "" {
			req.NextToken = dara.String(token)
		}
		resp, err := do(ctx, c, &c.ecs, api.ECS, "DescribeInstanceTypes", func(ctx context.Context, e *ecs.Client) (*ecs.DescribeInstanceTypesResponse, error) {
			return e.DescribeInstanceTypesWithContext(ctx, req, api.Runtime())
		})
		if err != nil || resp.Body == nil {
			return nil, "", err
		}
		var out []facts.InstanceType
		if resp.Body.InstanceTypes != nil {
			for _, t := range resp.Body.InstanceTypes.InstanceType {
				out = append(out, facts.InstanceType{
					InstanceTypeID: dara.StringValue(t.InstanceTypeId),
					Family:         dara.StringValue(t.InstanceTypeFamily),
					CPU:            int(dara.Int32Value(t.CpuCoreCount)),
					MemoryGiB:      float64(dara.Float32Value(t.MemorySize)),
				})
			}
		}
		return out, dara.StringValue(resp.Body.NextToken), nil
	})
}

// VSwitch describes one vSwitch by ID; it returns nil when the region has no
// such vSwitch.
func (c *Client) VSwitch(ctx context.Context, id string) (*facts.VSwitch, error) {
	list, err := c.vSwitches(ctx, &vpc.DescribeVSwitchesRequest{VSwitchId: dara.String(id)})
	var ae *apierr.Error
	if errors.As(err, &ae) && vSwitchNotFound(ae.Code) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].VSwitchID == id {
			return &list[i], nil
		}
	}
	return nil, nil
}

// vSwitchNotFound tells the codes that mean the region has no such vSwitch,
// as opposed to a not-found of the caller's key or region.
func vSwitchNotFound(code string) bool {
	return strings.EqualFold(code, "InvalidVSwitchId.NotFound") || strings.EqualFold(code, "InvalidVSwitchID.NotFound")
}

// VSwitchesOfVPC lists the vSwitches of a VPC, in every zone.
func (c *Client) VSwitchesOfVPC(ctx context.Context, vpcID string) ([]facts.VSwitch, error) {
	return c.vSwitches(ctx, &vpc.DescribeVSwitchesRequest{VpcId: dara.String(vpcID)})
}

func (c *Client) vSwitches(ctx context.Context, filter *vpc.DescribeVSwitchesRequest) ([]facts.VSwitch, error) {
	return api.ReadByNumber(ctx, "DescribeVSwitches", func(ctx context.Context, n int) ([]facts.VSwitch, int, error) {
		req := *filter
		req.RegionId, req.PageSize, req.PageNumber = dara.String(c.session.Region), dara.Int32(50), dara.Int32(int32(n))
		resp, err := do(ctx, c, &c.vpc, api.VPC, "DescribeVSwitches", func(ctx context.Context, v *vpc.Client) (*vpc.DescribeVSwitchesResponse, error) {
			return describeVSwitches(ctx, v, &req)
		})
		if err != nil || resp.Body == nil || resp.Body.VSwitches == nil {
			return nil, 0, err
		}
		var out []facts.VSwitch
		for _, v := range resp.Body.VSwitches.VSwitch {
			out = append(out, facts.VSwitch{
				VSwitchID:    dara.StringValue(v.VSwitchId),
				Name:         dara.StringValue(v.VSwitchName),
				VpcID:        dara.StringValue(v.VpcId),
				ZoneID:       dara.StringValue(v.ZoneId),
				Status:       dara.StringValue(v.Status),
				CidrBlock:    dara.StringValue(v.CidrBlock),
				AvailableIPs: dara.Int64Value(v.AvailableIpAddressCount),
			})
		}
		return out, int(dara.Int32Value(resp.Body.TotalCount)), nil
	})
}

// describeVSwitches is the VPC SDK's DescribeVSwitches with a context: the
// v6.12.8 module has no WithContext methods, so the SDK's request is sent with
// the SDK's own parameters through the SDK client's CallApiWithCtx, which lets
// Ctrl-C and the attempt timeout stop it.
func describeVSwitches(ctx context.Context, client *vpc.Client, request *vpc.DescribeVSwitchesRequest) (*vpc.DescribeVSwitchesResponse, error) {
	query := map[string]interface{}{}
	for k, v := range map[string]interface{}{
		"RegionId": request.RegionId, "VSwitchId": request.VSwitchId, "VpcId": request.VpcId,
		"ZoneId": request.ZoneId, "PageNumber": request.PageNumber, "PageSize": request.PageSize,
	} {
		if !dara.IsNil(v) {
			query[k] = v
		}
	}
	params := api.RPCParams("DescribeVSwitches", "2016-04-28")
	body, err := client.CallApiWithCtx(ctx, params, &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}, api.Runtime())
	if err != nil {
		return nil, err
	}
	resp := &vpc.DescribeVSwitchesResponse{}
	return resp, dara.Convert(body, &resp)
}

// CrossZoneJobs lists the cross-zone migration jobs (JobType 2) of instances
// (at most smc.MaxJobIDs), every page, in every status.
func (c *Client) CrossZoneJobs(ctx context.Context, instanceIDs ...string) ([]*facts.Job, error) {
	if len(instanceIDs) > smc.MaxJobIDs {
		return nil, fmt.Errorf("DescribeReplicationJobs takes at most %d instance IDs a call, not %d", smc.MaxJobIDs, len(instanceIDs))
	}
	return c.smc.AllJobs(ctx, smc.JobQuery{Region: c.session.Region, InstanceIDs: instanceIDs})
}
