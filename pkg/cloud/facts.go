package cloud

import (
	"context"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/zonemove/zonemove/pkg/facts"
)

// Gatherer collects the facts of migrations. Lookups that several migrations
// of one run share (a zone's stock, a family's types, vSwitches) are made
// once and remembered; it is safe for concurrent use.
type Gatherer struct {
	cloud  *Client
	shared memo
}

// NewGatherer returns a gatherer reading through c.
func NewGatherer(c *Client) *Gatherer {
	return &Gatherer{cloud: c}
}

// Gather reads the facts of one migration in two rounds of parallel calls:
// first what depends only on the request (instance, disks, snapshots, jobs,
// the given vSwitch), then what depends on the instance (the zone's stock for
// its charge type, its family's types, its VPC's vSwitches in the zone).
func (g *Gatherer) Gather(ctx context.Context, t facts.Target) (*facts.Facts, error) {
	f := &facts.Facts{}
	round1, ctx1 := errgroup.WithContext(ctx)
	round1.Go(func() error {
		m, err := g.cloud.Instances(ctx1, []string{t.InstanceID})
		f.Instance = m[t.InstanceID]
		return err
	})
	round1.Go(func() (err error) {
		f.Disks, err = g.cloud.Disks(ctx1, t.InstanceID)
		return err
	})
	round1.Go(func() (err error) {
		f.Snapshots, err = g.cloud.Snapshots(ctx1, t.InstanceID)
		if err != nil && ctx1.Err() == nil {
			f.SnapshotsErr, err = err, nil
		}
		return err
	})
	round1.Go(func() (err error) {
		f.Jobs, err = g.cloud.CrossZoneJobs(ctx1, t.InstanceID)
		return err
	})
	if t.VSwitchID != "" {
		round1.Go(func() (err error) {
			f.VSwitch, err = g.VSwitch(ctx1, t.VSwitchID)
			f.VSwitchLooked = err == nil
			return err
		})
	}
	if err := round1.Wait(); err != nil {
		return nil, err
	}
	in := f.Instance
	if in == nil {
		return f, nil
	}
	round2, ctx2 := errgroup.WithContext(ctx)
	round2.Go(func() (err error) {
		f.FamilyTypes, err = g.FamilyTypes(ctx2, in.Family())
		return err
	})
	if t.Zone != "" {
		round2.Go(func() (err error) {
			f.Stock, err = g.Stock(ctx2, t.Zone, in.ChargeType)
			return err
		})
		if in.VpcID != "" && !usable(f.VSwitch, in.VpcID, t.Zone) {
			round2.Go(func() (err error) {
				f.ZoneVSwitches, err = g.ZoneVSwitches(ctx2, in.VpcID, t.Zone)
				return err
			})
		}
	}
	if err := round2.Wait(); err != nil {
		return nil, err
	}
	return f, nil
}

// usable tells whether a target vSwitch passes every vSwitch check, in which
// case no alternatives need to be listed.
func usable(v *facts.VSwitch, vpcID, zone string) bool {
	return v != nil && v.VpcID == vpcID && v.ZoneID == zone && v.AvailableIPs > 0
}

// Stock is the zone's stock for a charge type, looked up once per gatherer.
func (g *Gatherer) Stock(ctx context.Context, zone, chargeType string) (*facts.Stock, error) {
	return remember(ctx, &g.shared, "stock\x00"+zone+"\x00"+chargeType, func(ctx context.Context) (*facts.Stock, error) {
		return g.cloud.AvailableInstanceTypes(ctx, zone, chargeType)
	})
}

// FamilyTypes are the types of a family, looked up once per gatherer.
func (g *Gatherer) FamilyTypes(ctx context.Context, family string) (*facts.FamilyTypes, error) {
	return remember(ctx, &g.shared, "family\x00"+family, func(ctx context.Context) (*facts.FamilyTypes, error) {
		types, err := g.cloud.InstanceTypesOfFamily(ctx, family)
		if err != nil {
			return nil, err
		}
		return &facts.FamilyTypes{Family: family, Types: types}, nil
	})
}

// VSwitch is a vSwitch by ID (nil when unknown), looked up once per gatherer.
func (g *Gatherer) VSwitch(ctx context.Context, id string) (*facts.VSwitch, error) {
	return remember(ctx, &g.shared, "vswitch\x00"+id, func(ctx context.Context) (*facts.VSwitch, error) {
		return g.cloud.VSwitch(ctx, id)
	})
}

// ZoneVSwitches are a VPC's vSwitches in a zone, looked up once per gatherer.
func (g *Gatherer) ZoneVSwitches(ctx context.Context, vpcID, zone string) (*facts.ZoneVSwitches, error) {
	return remember(ctx, &g.shared, "vswitches\x00"+vpcID+"\x00"+zone, func(ctx context.Context) (*facts.ZoneVSwitches, error) {
		list, err := g.cloud.VSwitchesInZone(ctx, vpcID, zone)
		if err != nil {
			return nil, err
		}
		return &facts.ZoneVSwitches{VpcID: vpcID, ZoneID: zone, VSwitches: list}, nil
	})
}

// Instance describes one instance; nil when the region has none by that ID.
func (g *Gatherer) Instance(ctx context.Context, id string) (*facts.Instance, error) {
	m, err := g.cloud.Instances(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// memo remembers the results of lookups by key. Callers asking for a key
// whose lookup is under way wait for it instead of sending their own (as
// singleflight does); a failed lookup is forgotten, so a later caller tries
// again.
type memo struct {
	mu    sync.Mutex
	calls map[string]*memoCall
}

type memoCall struct {
	done chan struct{}
	val  any
	err  error
	// abandoned: the caller that made the lookup gave up (its context ended),
	// which says nothing about the lookup; waiters try again themselves.
	abandoned bool
}

func remember[T any](ctx context.Context, m *memo, key string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for {
		m.mu.Lock()
		if m.calls == nil {
			m.calls = map[string]*memoCall{}
		}
		c, ok := m.calls[key]
		if !ok {
			c = &memoCall{done: make(chan struct{})}
			m.calls[key] = c
			m.mu.Unlock()
			v, err := fn(ctx)
			c.val, c.err, c.abandoned = v, err, err != nil && ctx.Err() != nil
			if err != nil {
				m.mu.Lock()
				delete(m.calls, key)
				m.mu.Unlock()
			}
			close(c.done)
			return v, err
		}
		m.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		switch {
		case c.err == nil:
			return c.val.(T), nil
		case !c.abandoned:
			return zero, c.err
		}
	}
}

// FamilyStock reads, in parallel, the types of the instance's family and what
// the zone sells for the instance's charge type.
func (g *Gatherer) FamilyStock(ctx context.Context, in *facts.Instance, zone string) (*facts.FamilyTypes, *facts.Stock, error) {
	var (
		ft    *facts.FamilyTypes
		stock *facts.Stock
	)
	eg, ctx := errgroup.WithContext(ctx)
	eg.Go(func() (err error) {
		ft, err = g.FamilyTypes(ctx, in.Family())
		return err
	})
	eg.Go(func() (err error) {
		stock, err = g.Stock(ctx, zone, in.ChargeType)
		return err
	})
	return ft, stock, eg.Wait()
}
