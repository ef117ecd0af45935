package cloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/smc"
	"github.com/zonemove/zonemove/pkg/vpc"
)

// Disks lists the disks attached to an instance (DescribeDisks by InstanceId).
func (c *Client) Disks(ctx context.Context, instanceID string) ([]facts.Disk, error) {
	return c.disks(ctx, ecs.DescribeDisksRequest{InstanceId: instanceID, MaxResults: 100})
}

// DisksInZone lists every disk of a zone, in pages of 500 (the most
// DescribeDisks answers at once).
func (c *Client) DisksInZone(ctx context.Context, zoneID string) ([]facts.Disk, error) {
	return c.disks(ctx, ecs.DescribeDisksRequest{ZoneId: zoneID, MaxResults: 500})
}

func (c *Client) disks(ctx context.Context, req ecs.DescribeDisksRequest) ([]facts.Disk, error) {
	return api.ReadByToken(ctx, "DescribeDisks", func(ctx context.Context, token string) ([]facts.Disk, string, error) {
		req.RegionId, req.NextToken = c.session.Region, token
		resp, err := c.ecs.DescribeDisks(ctx, &req)
		if err != nil {
			return nil, "", err
		}
		var out []facts.Disk
		for _, d := range resp.Disks.Disk {
			out = append(out, facts.Disk{
				DiskID:           d.DiskId,
				InstanceID:       d.InstanceId,
				Type:             d.Type,
				Category:         d.Category,
				PerformanceLevel: d.PerformanceLevel,
				SizeGiB:          int(d.Size),
			})
		}
		return out, resp.NextToken, nil
	})
}

// Snapshots lists the snapshots of an instance's disks (DescribeSnapshots by
// InstanceId). A snapshot whose CreationTime cannot be read has a zero time.
func (c *Client) Snapshots(ctx context.Context, instanceID string) ([]facts.Snapshot, error) {
	return c.snapshots(ctx, ecs.DescribeSnapshotsRequest{InstanceId: instanceID, MaxResults: 100})
}

// SnapshotsSince lists the region's snapshots created at or after since
// (to the minute, the filter's precision), every page.
func (c *Client) SnapshotsSince(ctx context.Context, since time.Time) ([]facts.Snapshot, error) {
	return c.snapshots(ctx, ecs.DescribeSnapshotsRequest{MaxResults: 100,
		Filter: []ecs.DescribeSnapshotsRequestFilter{{Key: "CreationStartTime", Value: since.UTC().Format("2006-01-02T15:04Z")}}})
}

func (c *Client) snapshots(ctx context.Context, req ecs.DescribeSnapshotsRequest) ([]facts.Snapshot, error) {
	return api.ReadByToken(ctx, "DescribeSnapshots", func(ctx context.Context, token string) ([]facts.Snapshot, string, error) {
		req.RegionId, req.NextToken = c.session.Region, token
		resp, err := c.ecs.DescribeSnapshots(ctx, &req)
		if err != nil {
			return nil, "", err
		}
		var out []facts.Snapshot
		for _, s := range resp.Snapshots.Snapshot {
			created, _ := time.Parse(time.RFC3339, s.CreationTime)
			out = append(out, facts.Snapshot{
				SnapshotID:   s.SnapshotId,
				SourceDiskID: s.SourceDiskId,
				Status:       s.Status,
				Progress:     s.Progress,
				CreationTime: created,
			})
		}
		return out, resp.NextToken, nil
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
	resp, err := c.ecs.DescribeAvailableResource(ctx, &ecs.DescribeAvailableResourceRequest{
		RegionId:            c.session.Region,
		DestinationResource: "InstanceType",
		ZoneId:              zoneID,
		InstanceChargeType:  chargeType,
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*facts.Stock{}
	for _, z := range resp.AvailableZones.AvailableZone {
		if zoneID != "" && z.ZoneId != zoneID {
			continue
		}
		s := out[z.ZoneId]
		if s == nil {
			s = &facts.Stock{ZoneID: z.ZoneId, ChargeType: chargeType, Types: map[string]string{}}
			out[z.ZoneId] = s
		}
		s.ZoneStatus = z.Status
		for _, r := range z.AvailableResources.AvailableResource {
			if r.Type != "" && r.Type != "InstanceType" {
				continue
			}
			for _, sr := range r.SupportedResources.SupportedResource {
				s.Types[sr.Value] = sr.Status
			}
		}
	}
	return out, nil
}

// InstanceTypesOfFamily lists the types of an instance family.
func (c *Client) InstanceTypesOfFamily(ctx context.Context, family string) ([]facts.InstanceType, error) {
	return api.ReadByToken(ctx, "DescribeInstanceTypes", func(ctx context.Context, token string) ([]facts.InstanceType, string, error) {
		resp, err := c.ecs.DescribeInstanceTypes(ctx, &ecs.DescribeInstanceTypesRequest{InstanceTypeFamily: family, NextToken: token})
		if err != nil {
			return nil, "", err
		}
		var out []facts.InstanceType
		for _, t := range resp.InstanceTypes.InstanceType {
			out = append(out, facts.InstanceType{
				InstanceTypeID: t.InstanceTypeId,
				Family:         t.InstanceTypeFamily,
				CPU:            int(t.CpuCoreCount),
				MemoryGiB:      float64(t.MemorySize),
			})
		}
		return out, resp.NextToken, nil
	})
}

// VSwitch describes one vSwitch by ID; it returns nil when the region has no
// such vSwitch.
func (c *Client) VSwitch(ctx context.Context, id string) (*facts.VSwitch, error) {
	list, err := c.vSwitches(ctx, vpc.DescribeVSwitchesRequest{VSwitchId: id})
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
	return c.vSwitches(ctx, vpc.DescribeVSwitchesRequest{VpcId: vpcID})
}

func (c *Client) vSwitches(ctx context.Context, req vpc.DescribeVSwitchesRequest) ([]facts.VSwitch, error) {
	return api.ReadByNumber(ctx, "DescribeVSwitches", func(ctx context.Context, n int) ([]facts.VSwitch, int, error) {
		req.RegionId, req.PageSize, req.PageNumber = c.session.Region, vpc.MaxPageSize, n
		resp, err := c.vpc.DescribeVSwitches(ctx, &req)
		if err != nil {
			return nil, 0, err
		}
		var out []facts.VSwitch
		for _, v := range resp.VSwitches.VSwitch {
			out = append(out, facts.VSwitch{
				VSwitchID:    v.VSwitchId,
				Name:         v.VSwitchName,
				VpcID:        v.VpcId,
				ZoneID:       v.ZoneId,
				Status:       v.Status,
				CidrBlock:    v.CidrBlock,
				AvailableIPs: v.AvailableIpAddressCount,
			})
		}
		total := api.TotalUnknown
		if resp.TotalCount != nil {
			total = int(*resp.TotalCount)
		}
		return out, total, nil
	})
}

// CrossZoneJobs lists the cross-zone migration jobs (JobType 2) of instances
// (at most smc.MaxJobIDs), every page, in every status.
func (c *Client) CrossZoneJobs(ctx context.Context, instanceIDs ...string) ([]*facts.Job, error) {
	if len(instanceIDs) > smc.MaxJobIDs {
		return nil, fmt.Errorf("DescribeReplicationJobs takes at most %d instance IDs a call, not %d", smc.MaxJobIDs, len(instanceIDs))
	}
	return c.smc.AllJobs(ctx, smc.JobQuery{Region: c.session.Region, InstanceIDs: instanceIDs})
}
