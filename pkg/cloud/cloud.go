// Package cloud reads the facts zonemove needs from ECS and VPC, through their
// official SDK modules. Every call is read-only and goes through the session's
// retry policy, so errors, retries and the --debug trace are the same as SMC's.
package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"golang.org/x/sync/errgroup"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/smc"
)

// Client reads ECS and VPC (and SMC's jobs, for the preflight). It is safe
// for concurrent use.
type Client struct {
	session *api.Session
	ecs     pool[*ecs.Client]
	vpc     pool[*vpc.Client]
	smc     *smc.Client
}

// New builds the ECS and VPC SDK clients of a session.
func New(s *api.Session) (*Client, error) {
	c := &Client{session: s}
	c.ecs.make = func() (*ecs.Client, error) {
		e, err := ecs.NewClient(s.Config(api.ECS))
		if err != nil {
			return nil, fmt.Errorf("building the ECS client: %w", err)
		}
		return e, nil
	}
	c.vpc.make = func() (*vpc.Client, error) {
		v, err := vpc.NewClient(s.Config(api.VPC))
		if err != nil {
			return nil, fmt.Errorf("building the VPC client: %w", err)
		}
		return v, nil
	}
	var err error
	if c.smc, err = smc.NewClient(s); err != nil {
		return nil, err
	}
	// Build one of each now, so that a bad configuration fails here.
	for _, check := range []func() error{c.ecs.prime, c.vpc.prime} {
		if err := check(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// pool hands out SDK clients, one per call under way: the SDK core's client
// is not safe for concurrent calls (every call resets its Headers field), and
// the preflight makes its calls concurrently. (smc.Client pools its own.)
type pool[T any] struct {
	make func() (T, error)
	p    sync.Pool
}

func (p *pool[T]) get() (T, error) {
	if v, ok := p.p.Get().(T); ok {
		return v, nil
	}
	return p.make()
}

func (p *pool[T]) put(v T) { p.p.Put(v) }

func (p *pool[T]) prime() error {
	v, err := p.make()
	if err == nil {
		p.put(v)
	}
	return err
}

// with runs fn with a client of the pool to itself.
func with[T any](p *pool[T], fn func(T) error) error {
	v, err := p.get()
	if err != nil {
		return err
	}
	defer p.put(v)
	return fn(v)
}

// MaxInstanceIDs is the most IDs one DescribeInstances takes in InstanceIds.
const MaxInstanceIDs = 100

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
		req := &ecs.DescribeInstancesRequest{RegionId: dara.String(c.session.Region), MaxResults: dara.Int32(MaxInstanceIDs)}
		if len(f.IDs) > 0 {
			raw, _ := json.Marshal(f.IDs)
			req.InstanceIds = dara.String(string(raw))
		}
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
		var out []*facts.Instance
		if resp.Body.Instances != nil {
			for _, in := range resp.Body.Instances.Instance {
				out = append(out, instanceOf(in))
			}
		}
		return out, dara.StringValue(resp.Body.NextToken), nil
	})
}

// instanceOf is what zonemove reads of one instance of the SDK's answer.
func instanceOf(in *ecs.DescribeInstancesResponseBodyInstancesInstance) *facts.Instance {
	i := &facts.Instance{
		InstanceID:         dara.StringValue(in.InstanceId),
		InstanceName:       dara.StringValue(in.InstanceName),
		Status:             dara.StringValue(in.Status),
		ZoneID:             dara.StringValue(in.ZoneId),
		InstanceType:       dara.StringValue(in.InstanceType),
		InstanceTypeFamily: dara.StringValue(in.InstanceTypeFamily),
		SpotStrategy:       dara.StringValue(in.SpotStrategy),
		NetworkType:        dara.StringValue(in.InstanceNetworkType),
		ChargeType:         dara.StringValue(in.InstanceChargeType),
	}
	if va := in.VpcAttributes; va != nil {
		i.VpcID, i.VSwitchID = dara.StringValue(va.VpcId), dara.StringValue(va.VSwitchId)
		if va.PrivateIpAddress != nil {
			i.PrivateIPs = dara.StringSliceValue(va.PrivateIpAddress.IpAddress)
		}
	}
	if in.PublicIpAddress != nil {
		i.PublicIPs = dara.StringSliceValue(in.PublicIpAddress.IpAddress)
	}
	if in.EipAddress != nil {
		i.EIP = dara.StringValue(in.EipAddress.IpAddress)
	}
	if in.OperationLocks != nil {
		for _, l := range in.OperationLocks.LockReason {
			i.LockReasons = append(i.LockReasons, dara.StringValue(l.LockReason))
		}
	}
	if in.NetworkInterfaces != nil {
		for _, ni := range in.NetworkInterfaces.NetworkInterface {
			if dara.StringValue(ni.Type) == "Secondary" {
				i.SecondaryENIs = append(i.SecondaryENIs, dara.StringValue(ni.NetworkInterfaceId))
			}
			if ni.Ipv6Sets != nil {
				for _, a := range ni.Ipv6Sets.Ipv6Set {
					i.IPv6Addresses = append(i.IPv6Addresses, dara.StringValue(a.Ipv6Address))
				}
			}
		}
	}
	return i
}
