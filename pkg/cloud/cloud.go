// Package cloud reads the facts zonemove needs from ECS and VPC, through the
// typed clients of pkg/ecs and pkg/vpc. Every call is read-only and goes
// through the session's retry policy, so errors, retries and the --debug
// trace are the same as SMC's.
package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
	"github.com/zonemove/zonemove/pkg/smc"
	"github.com/zonemove/zonemove/pkg/vpc"
)

// Client reads ECS and VPC (and SMC's jobs, for the preflight). It is safe
// for concurrent use.
type Client struct {
	session *api.Session
	ecs     *ecs.Client
	vpc     *vpc.Client
	smc     *smc.Client
	// The load balancers', for doctor's probes.
	clb *slb.Client
	alb *alb.Client
	nlb *nlb.Client
}

// New builds the ECS, VPC, SMC and load balancer clients of a session; a bad
// configuration (no endpoint for the region) fails here.
func New(s *api.Session) (*Client, error) {
	c := &Client{session: s}
	var err error
	if c.clb, err = slb.NewClient(s); err != nil {
		return nil, err
	}
	if c.alb, err = alb.NewClient(s); err != nil {
		return nil, err
	}
	if c.nlb, err = nlb.NewClient(s); err != nil {
		return nil, err
	}
	if c.ecs, err = ecs.NewClient(s); err != nil {
		return nil, err
	}
	if c.vpc, err = vpc.NewClient(s); err != nil {
		return nil, err
	}
	if c.smc, err = smc.NewClient(s); err != nil {
		return nil, err
	}
	return c, nil
}

// MaxInstanceIDs is the most IDs one DescribeInstances takes in InstanceIds.
const MaxInstanceIDs = ecs.MaxInstanceIDs

// Instances describes instances by ID, MaxInstanceIDs a call (the calls in
// parallel); IDs not found are absent from the result.
func (c *Client) Instances(ctx context.Context, ids []string) (map[string]*facts.Instance, error) {
	chunks := slices.Collect(slices.Chunk(ids, MaxInstanceIDs))
	found := make([][]*facts.Instance, len(chunks))
	g, ctx := errgroup.WithContext(ctx)
	for i, chunk := range chunks {
		g.Go(func() (err error) {
			found[i], err = c.DescribeInstances(ctx, InstanceFilter{IDs: chunk})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make(map[string]*facts.Instance, len(ids))
	for _, list := range found {
		for _, in := range list {
			out[in.InstanceID] = in
		}
	}
	return out, nil
}

// InstanceFilter selects instances: by ID (at most MaxInstanceIDs), or by
// zone and tags; an instance must match every filter given.
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
	if len(f.IDs) > MaxInstanceIDs {
		return nil, fmt.Errorf("DescribeInstances takes at most %d instance IDs a call, not %d", MaxInstanceIDs, len(f.IDs))
	}
	return api.ReadByToken(ctx, "DescribeInstances", func(ctx context.Context, token string) ([]*facts.Instance, string, error) {
		req := &ecs.DescribeInstancesRequest{RegionId: c.session.Region, ZoneId: f.ZoneID, MaxResults: MaxInstanceIDs, NextToken: token}
		if len(f.IDs) > 0 {
			raw, _ := json.Marshal(f.IDs)
			req.InstanceIds = string(raw)
		}
		for _, t := range f.Tags {
			req.Tag = append(req.Tag, ecs.DescribeInstancesRequestTag{Key: t.Key, Value: t.Value})
		}
		resp, err := c.ecs.DescribeInstances(ctx, req)
		if err != nil {
			return nil, "", err
		}
		var out []*facts.Instance
		for i := range resp.Instances.Instance {
			out = append(out, instanceOf(&resp.Instances.Instance[i]))
		}
		return out, resp.NextToken, nil
	})
}

// instanceOf is what zonemove reads of one instance of the answer.
func instanceOf(in *ecs.Instance) *facts.Instance {
	i := &facts.Instance{
		InstanceID:         in.InstanceId,
		InstanceName:       in.InstanceName,
		Status:             in.Status,
		ZoneID:             in.ZoneId,
		InstanceType:       in.InstanceType,
		InstanceTypeFamily: in.InstanceTypeFamily,
		SpotStrategy:       in.SpotStrategy,
		NetworkType:        in.InstanceNetworkType,
		ChargeType:         in.InstanceChargeType,
		VpcID:              in.VpcAttributes.VpcId,
		VSwitchID:          in.VpcAttributes.VSwitchId,
		PrivateIPs:         in.VpcAttributes.PrivateIpAddress.IpAddress,
		PublicIPs:          in.PublicIpAddress.IpAddress,
		EIP:                in.EipAddress.IpAddress,
	}
	for _, l := range in.OperationLocks.LockReason {
		i.LockReasons = append(i.LockReasons, l.LockReason)
	}
	for _, ni := range in.NetworkInterfaces.NetworkInterface {
		if ni.Type == "Secondary" {
			i.SecondaryENIs = append(i.SecondaryENIs, ni.NetworkInterfaceId)
		}
		for _, a := range ni.Ipv6Sets.Ipv6Set {
			i.IPv6Addresses = append(i.IPv6Addresses, a.Ipv6Address)
		}
	}
	return i
}
