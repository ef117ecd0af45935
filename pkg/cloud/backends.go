package cloud

import (
	"context"
	"maps"
	"slices"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/lb"
)

// MembershipReader reads the load balancer memberships of instances in
// bulk: pkg/lb's Service.
type MembershipReader interface {
	ReadMany(ctx context.Context, targets []lb.Target) (map[string][]facts.Membership, error)
}

// Memberships remembers what was read of instances' load balancer
// memberships in one run, so that a batch reads them in bulk once (Prefetch)
// and each migration then finds its own (Of) for the lb-backends check and
// the record its drain and restore work from. It is safe for concurrent use.
type Memberships struct {
	r      MembershipReader
	shared memo
}

// NewMemberships reads through r.
func NewMemberships(r MembershipReader) *Memberships { return &Memberships{r: r} }

func membershipsKey(id string) string { return "memberships\x00" + id }

// Prefetch reads the memberships of the targets not read yet, in bulk. A
// failed read is remembered for each of them (Of answers it; the check warns
// and a drain or restore must stop), unless the run was interrupted.
func (m *Memberships) Prefetch(ctx context.Context, targets []lb.Target) error {
	var need []lb.Target
	for _, t := range targets {
		if !m.shared.has(membershipsKey(t.InstanceID)) {
			need = append(need, t)
		}
	}
	if len(need) == 0 {
		return nil
	}
	got, err := m.r.ReadMany(ctx, need)
	if err != nil && ctx.Err() != nil {
		return err
	}
	for _, t := range need {
		m.shared.set(membershipsKey(t.InstanceID), facts.Backends{Read: true, Memberships: got[t.InstanceID], Err: err})
	}
	return nil
}

// Of is what was read of one instance's memberships, read now when no
// Prefetch covered it. privateIP finds its registrations by IP.
func (m *Memberships) Of(ctx context.Context, instanceID, privateIP string) facts.Backends {
	b, err := remember(ctx, &m.shared, membershipsKey(instanceID), func(ctx context.Context) (facts.Backends, error) {
		got, err := m.r.ReadMany(ctx, []lb.Target{{InstanceID: instanceID, IP: privateIP}})
		if err != nil && ctx.Err() != nil {
			return facts.Backends{}, err // interrupted: not remembered
		}
		return facts.Backends{Read: true, Memberships: got[instanceID], Err: err}, nil
	})
	if err != nil {
		return facts.Backends{Read: true, Err: err}
	}
	return b
}

// UseMemberships makes the fleet read the load balancer memberships of the
// migrations it gathers (Facts.Backends), in bulk in Prefetch. Set it
// before the first Prefetch or Gather.
func (f *Gatherer) UseMemberships(m *Memberships) { f.members = m }

// prefetchMemberships reads the memberships of the targets' instances in
// bulk, once the instances are known (their private IPs find registrations
// by IP).
func (f *Gatherer) prefetchMemberships(ctx context.Context, targets []facts.Target) error {
	if f.members == nil {
		return nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, t := range targets {
		if !seen[t.InstanceID] {
			seen[t.InstanceID] = true
			ids = append(ids, t.InstanceID)
		}
	}
	lbTargets, err := f.LBTargets(ctx, ids)
	if err != nil {
		return err
	}
	return f.members.Prefetch(ctx, lbTargets)
}

// primaryIP is the instance's primary private IP ("" when it has none).
func primaryIP(in *facts.Instance) string {
	if len(in.PrivateIPs) > 0 {
		return in.PrivateIPs[0]
	}
	return ""
}

// LBTargets are the instances with their primary private IP, read through
// the fleet (from what it remembers after a Prefetch). Instances the region
// does not have are left out.
func (f *Gatherer) LBTargets(ctx context.Context, ids []string) ([]lb.Target, error) {
	found := map[string]*facts.Instance{}
	var unread []string
	for _, id := range ids {
		if in, ok := peek[*facts.Instance](&f.shared, instanceKey(id)); ok {
			found[id] = in
		} else {
			unread = append(unread, id)
		}
	}
	for chunk := range slices.Chunk(unread, MaxInstanceIDs) {
		m, err := f.instances(ctx, chunk)
		if err != nil {
			return nil, err
		}
		maps.Copy(found, m)
	}
	var out []lb.Target
	for _, id := range ids {
		in := found[id]
		if in == nil {
			continue
		}
		out = append(out, lb.Target{InstanceID: id, IP: primaryIP(in), VpcID: in.VpcID})
	}
	return out, nil
}
