package cloud

import (
	"context"
	"slices"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/smc"
)

// Gatherer gathers the facts of migrations: in bulk for many at once (Prefetch),
// then for each (Gather) from what the bulk reads said, reading only what they
// did not cover. Every lookup is made once per Gatherer and remembered; callers
// asking for one under way wait for it. It is safe for concurrent use, and it
// is a preflight.Gatherer.
//
// A batch (apply):
//
//	fleet := cloud.NewGatherer(client, now.Add(-preflight.SnapshotMaxAge))
//	err := fleet.Prefetch(ctx, targets)   // a few bulk calls for all of them
//	f, err := fleet.Gather(ctx, target)   // per migration, from memory
//
// A plan (instances by ID or by zone and tags, every candidate zone):
//
//	ins, err := fleet.SelectInstances(ctx, cloud.InstanceFilter{ZoneID: "cn-hangzhou-h", Tags: tags})
//	stock, err := fleet.RegionStock(ctx, "PostPaid")   // every zone, one call
//	vsws, err := fleet.VSwitchesOfVPC(ctx, ins[0].VpcID)
//	types, err := fleet.FamilyTypes(ctx, ins[0].Family())
//	err = fleet.Prefetch(ctx, targets)     // one target per (instance, candidate zone, vSwitch, type)
//	f, err := fleet.Gather(ctx, target)
//
// A single migration needs no Prefetch: Gather reads what it needs in one
// wave of parallel calls when the target type is given (the family comes
// from it), and in two otherwise.
type Gatherer struct {
	cloud *Client
	// snapshotsSince is where the bulk read of the region's snapshots starts:
	// older snapshots are not read for a batch.
	snapshotsSince time.Time
	shared         memo
	// members, when set (UseMemberships), reads the load balancer
	// memberships of each migration too.
	members *Memberships
}

// bulkFrom is the number of instances from which Prefetch reads disks and
// snapshots for a whole zone or region instead of one instance at a time.
const bulkFrom = 10

// NewGatherer returns a Gatherer reading through c; a batch's bulk read of snapshots
// starts at snapshotsSince.
func NewGatherer(c *Client, snapshotsSince time.Time) *Gatherer {
	return &Gatherer{cloud: c, snapshotsSince: snapshotsSince}
}

// Memo keys of the lookups of one instance.
func instanceKey(id string) string  { return "instance\x00" + id }
func disksKey(id string) string     { return "disks\x00" + id }
func snapshotsKey(id string) string { return "snapshots\x00" + id }
func jobsKey(id string) string      { return "jobs\x00" + id }

// snapshotsRead is what was read of an instance's snapshots. Err is why they
// could not be read: they only feed a warning, so it is remembered, not fatal.
type snapshotsRead struct {
	list  []facts.Snapshot
	since time.Time
	err   error
}

// Prefetch reads the facts of many migrations in bulk: instances
// MaxInstanceIDs a call, jobs smc.MaxJobIDs a call, each target vSwitch once;
// then the disks of the instances' zones (or of each instance, for fewer than
// bulkFrom), the region's recent snapshots, the stock of the region for each
// charge type, the types of each family and the vSwitches of each VPC that
// needs them. Every list is read to its last page. What was read already is
// not read again.
func (f *Gatherer) Prefetch(ctx context.Context, targets []facts.Target) error {
	// ids are the instances to describe; need, those whose jobs, disks or
	// snapshots are not known yet (SelectInstances described them already).
	var ids, need []string
	seen := map[string]bool{}
	for _, t := range targets {
		id := t.InstanceID
		if seen[id] {
			continue
		}
		seen[id] = true
		if !f.shared.has(instanceKey(id)) {
			ids = append(ids, id)
		}
		if !f.shared.has(jobsKey(id)) || !f.shared.has(disksKey(id)) || !f.shared.has(snapshotsKey(id)) {
			need = append(need, id)
		}
	}
	bulk := len(need) >= bulkFrom

	var recent snapshotsRead
	wave1, ctx1 := errgroup.WithContext(ctx)
	wave1.Go(func() error { _, err := f.instances(ctx1, ids); return err })
	for chunk := range slices.Chunk(need, smc.MaxJobIDs) {
		wave1.Go(func() error { return f.jobs(ctx1, chunk) })
	}
	for _, id := range distinct(targets, func(t facts.Target) string { return t.VSwitchID }) {
		wave1.Go(func() error { _, err := f.VSwitch(ctx1, id); return err })
	}
	if bulk {
		wave1.Go(func() error {
			recent.since = f.snapshotsSince
			recent.list, recent.err = f.cloud.SnapshotsSince(ctx1, f.snapshotsSince)
			if recent.err != nil && ctx1.Err() != nil {
				return recent.err
			}
			return nil
		})
	} else {
		for _, id := range need {
			wave1.Go(func() error { _, err := f.disks(ctx1, id); return err })
			wave1.Go(func() error { _, err := f.snapshots(ctx1, id); return err })
		}
	}
	if err := wave1.Wait(); err != nil {
		return err
	}

	found := map[string]*facts.Instance{}
	for _, t := range targets {
		if in, _ := peek[*facts.Instance](&f.shared, instanceKey(t.InstanceID)); in != nil {
			found[t.InstanceID] = in
		}
	}
	wave2, ctx2 := errgroup.WithContext(ctx)
	if bulk {
		byZone := map[string][]string{}
		for _, id := range need {
			if in := found[id]; in != nil {
				byZone[in.ZoneID] = append(byZone[in.ZoneID], id)
			} else {
				f.shared.set(disksKey(id), []facts.Disk(nil))
				f.shared.set(snapshotsKey(id), snapshotsRead{since: recent.since, err: recent.err})
			}
		}
		for zone, zoneIDs := range byZone {
			wave2.Go(func() error { return f.zoneDisks(ctx2, zone, zoneIDs, recent) })
		}
		for _, charge := range distinctInstances(found, func(in *facts.Instance) string { return in.ChargeType }) {
			wave2.Go(func() error { _, err := f.RegionStock(ctx2, charge); return err })
		}
	}
	for _, family := range distinctInstances(found, (*facts.Instance).Family) {
		wave2.Go(func() error { _, err := f.FamilyTypes(ctx2, family); return err })
	}
	vpcs := map[string]bool{}
	for _, t := range targets {
		in := found[t.InstanceID]
		if in == nil || t.Zone == "" {
			continue
		}
		if !bulk {
			wave2.Go(func() error { _, err := f.Stock(ctx2, t.Zone, in.ChargeType); return err })
		}
		if v, _ := peek[*facts.VSwitch](&f.shared, "vswitch\x00"+t.VSwitchID); in.VpcID != "" && !usable(v, in.VpcID, t.Zone) && !vpcs[in.VpcID] {
			vpcs[in.VpcID] = true
			wave2.Go(func() error { _, err := f.VSwitchesOfVPC(ctx2, in.VpcID); return err })
		}
	}
	if err := wave2.Wait(); err != nil {
		return err
	}
	return f.prefetchMemberships(ctx, targets)
}

// zoneDisks reads the disks of a zone and remembers those of the instances
// ids, with their recent snapshots.
func (f *Gatherer) zoneDisks(ctx context.Context, zone string, ids []string, recent snapshotsRead) error {
	list, err := f.cloud.DisksInZone(ctx, zone)
	if err != nil {
		return err
	}
	byInstance := map[string][]facts.Disk{}
	for _, d := range list {
		byInstance[d.InstanceID] = append(byInstance[d.InstanceID], d)
	}
	byDisk := map[string][]facts.Snapshot{}
	for _, s := range recent.list {
		byDisk[s.SourceDiskID] = append(byDisk[s.SourceDiskID], s)
	}
	for _, id := range ids {
		disks := byInstance[id]
		f.shared.set(disksKey(id), disks)
		snaps := snapshotsRead{since: recent.since, err: recent.err}
		for _, d := range disks {
			snaps.list = append(snaps.list, byDisk[d.DiskID]...)
		}
		f.shared.set(snapshotsKey(id), snaps)
	}
	return nil
}

// Gather reads the facts of one migration, from what Prefetch read where it
// can: first what depends only on the request (instance, disks, snapshots,
// jobs, the given vSwitch and, when the target type is given, its family's
// types and the zone's pay-as-you-go stock), then what depends on
// the instance (the zone's stock for its charge type, its family's types,
// its VPC's vSwitches in the zone), each round in parallel.
func (f *Gatherer) Gather(ctx context.Context, t facts.Target) (*facts.Facts, error) {
	prefetched := f.shared.has(instanceKey(t.InstanceID))
	out := &facts.Facts{}
	round1, ctx1 := errgroup.WithContext(ctx)
	round1.Go(func() (err error) {
		out.Instance, err = f.Instance(ctx1, t.InstanceID)
		return err
	})
	round1.Go(func() (err error) {
		out.Disks, err = f.disks(ctx1, t.InstanceID)
		return err
	})
	round1.Go(func() error {
		s, err := f.snapshots(ctx1, t.InstanceID)
		out.Snapshots, out.SnapshotsSince, out.SnapshotsErr = s.list, s.since, s.err
		return err
	})
	round1.Go(func() (err error) {
		out.Jobs, err = f.instanceJobs(ctx1, t.InstanceID)
		return err
	})
	if t.VSwitchID != "" {
		round1.Go(func() (err error) {
			out.VSwitch, err = f.VSwitch(ctx1, t.VSwitchID)
			out.VSwitchLooked = err == nil
			return err
		})
	}
	if t.InstanceType != "" && !prefetched {
		// What round 2 would ask, asked now: the family from the target type,
		// and the zone's stock for pay-as-you-go, the API's default charge
		// type (a subscription instance's is read in round 2). Not after a
		// Prefetch, which read what round 2 needs.
		round1.Go(func() error { _, err := f.FamilyTypes(ctx1, migration.FamilyOf(t.InstanceType)); return err })
		if t.Zone != "" {
			round1.Go(func() error { _, err := f.Stock(ctx1, t.Zone, "PostPaid"); return err })
		}
	}
	if err := round1.Wait(); err != nil {
		return nil, err
	}
	in := out.Instance
	if in == nil {
		return out, nil
	}
	round2, ctx2 := errgroup.WithContext(ctx)
	round2.Go(func() (err error) {
		out.FamilyTypes, err = f.FamilyTypes(ctx2, in.Family())
		return err
	})
	if f.members != nil {
		round2.Go(func() error {
			out.Backends = f.members.Of(ctx2, in.InstanceID, primaryIP(in))
			return ctx2.Err()
		})
	}
	if t.Zone != "" {
		round2.Go(func() (err error) {
			out.Stock, err = f.Stock(ctx2, t.Zone, in.ChargeType)
			return err
		})
		if in.VpcID != "" && !usable(out.VSwitch, in.VpcID, t.Zone) {
			round2.Go(func() error {
				list, err := f.VSwitchesOfVPC(ctx2, in.VpcID)
				zv := &facts.ZoneVSwitches{VpcID: in.VpcID, ZoneID: t.Zone}
				for _, v := range list {
					if v.ZoneID == t.Zone {
						zv.VSwitches = append(zv.VSwitches, v)
					}
				}
				out.ZoneVSwitches = zv
				return err
			})
		}
	}
	if err := round2.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// usable tells whether a target vSwitch passes every vSwitch check, in which
// case no alternatives need to be listed.
func usable(v *facts.VSwitch, vpcID, zone string) bool {
	return v != nil && v.VpcID == vpcID && v.ZoneID == zone && v.AvailableIPs > 0 && v.Status == "Available"
}

// Instance describes one instance; nil when the region has none by that ID.
func (f *Gatherer) Instance(ctx context.Context, id string) (*facts.Instance, error) {
	return remember(ctx, &f.shared, instanceKey(id), func(ctx context.Context) (*facts.Instance, error) {
		m, err := f.cloud.Instances(ctx, []string{id})
		return m[id], err
	})
}

// instances describes instances by ID in bulk and remembers each, absent ones
// as nil.
func (f *Gatherer) instances(ctx context.Context, ids []string) (map[string]*facts.Instance, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	m, err := f.cloud.Instances(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		f.shared.set(instanceKey(id), m[id])
	}
	return m, nil
}

// SelectInstances lists the instances that match the filter (IDs in calls of
// MaxInstanceIDs, or a zone and tags, every page) and remembers them for
// Gather.
func (f *Gatherer) SelectInstances(ctx context.Context, filter InstanceFilter) ([]*facts.Instance, error) {
	var list []*facts.Instance
	if len(filter.IDs) > 0 {
		m, err := f.instances(ctx, filter.IDs)
		if err != nil {
			return nil, err
		}
		for _, id := range filter.IDs {
			if in := m[id]; in != nil && (filter.ZoneID == "" || in.ZoneID == filter.ZoneID) {
				list = append(list, in)
			}
		}
		if len(filter.Tags) > 0 {
			// Tags are not part of facts.Instance: ask the API to filter.
			tagged, err := f.cloud.DescribeInstances(ctx, InstanceFilter{ZoneID: filter.ZoneID, Tags: filter.Tags})
			if err != nil {
				return nil, err
			}
			keep := map[string]bool{}
			for _, in := range tagged {
				keep[in.InstanceID] = true
			}
			list = slices.DeleteFunc(list, func(in *facts.Instance) bool { return !keep[in.InstanceID] })
		}
		return list, nil
	}
	list, err := f.cloud.DescribeInstances(ctx, filter)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		f.shared.set(instanceKey(in.InstanceID), in)
	}
	return list, nil
}

func (f *Gatherer) disks(ctx context.Context, id string) ([]facts.Disk, error) {
	return remember(ctx, &f.shared, disksKey(id), func(ctx context.Context) ([]facts.Disk, error) {
		return f.cloud.Disks(ctx, id)
	})
}

func (f *Gatherer) snapshots(ctx context.Context, id string) (snapshotsRead, error) {
	return remember(ctx, &f.shared, snapshotsKey(id), func(ctx context.Context) (snapshotsRead, error) {
		list, err := f.cloud.Snapshots(ctx, id)
		if err != nil && ctx.Err() != nil {
			return snapshotsRead{}, err
		}
		return snapshotsRead{list: list, err: err}, nil
	})
}

// jobs reads the jobs of instances (at most smc.MaxJobIDs) in one list and
// remembers each instance's.
func (f *Gatherer) jobs(ctx context.Context, ids []string) error {
	list, err := f.cloud.CrossZoneJobs(ctx, ids...)
	if err != nil {
		return err
	}
	byInstance := map[string][]*facts.Job{}
	for _, j := range list {
		byInstance[j.InstanceId] = append(byInstance[j.InstanceId], j)
	}
	for _, id := range ids {
		f.shared.set(jobsKey(id), byInstance[id])
	}
	return nil
}

func (f *Gatherer) instanceJobs(ctx context.Context, id string) ([]*facts.Job, error) {
	return remember(ctx, &f.shared, jobsKey(id), func(ctx context.Context) ([]*facts.Job, error) {
		return f.cloud.CrossZoneJobs(ctx, id)
	})
}

// Stock is the zone's stock for a charge type: from the region's, when that
// was read, or looked up once per Gatherer.
func (f *Gatherer) Stock(ctx context.Context, zone, chargeType string) (*facts.Stock, error) {
	if region, ok := peek[map[string]*facts.Stock](&f.shared, "regionstock\x00"+chargeType); ok {
		if s := region[zone]; s != nil {
			return s, nil
		}
		return &facts.Stock{ZoneID: zone, ChargeType: chargeType, Types: map[string]string{}}, nil
	}
	return remember(ctx, &f.shared, "stock\x00"+zone+"\x00"+chargeType, func(ctx context.Context) (*facts.Stock, error) {
		return f.cloud.AvailableInstanceTypes(ctx, zone, chargeType)
	})
}

// RegionStock is the stock of every zone of the region for a charge type, by
// zone, read in one call once per Gatherer.
func (f *Gatherer) RegionStock(ctx context.Context, chargeType string) (map[string]*facts.Stock, error) {
	return remember(ctx, &f.shared, "regionstock\x00"+chargeType, func(ctx context.Context) (map[string]*facts.Stock, error) {
		return f.cloud.RegionStock(ctx, chargeType)
	})
}

// FamilyTypes are the types of a family, looked up once per Gatherer.
func (f *Gatherer) FamilyTypes(ctx context.Context, family string) (*facts.FamilyTypes, error) {
	return remember(ctx, &f.shared, "family\x00"+family, func(ctx context.Context) (*facts.FamilyTypes, error) {
		types, err := f.cloud.InstanceTypesOfFamily(ctx, family)
		if err != nil {
			return nil, err
		}
		return &facts.FamilyTypes{Family: family, Types: types}, nil
	})
}

// VSwitch is a vSwitch by ID (nil when unknown), looked up once per Gatherer.
func (f *Gatherer) VSwitch(ctx context.Context, id string) (*facts.VSwitch, error) {
	return remember(ctx, &f.shared, "vswitch\x00"+id, func(ctx context.Context) (*facts.VSwitch, error) {
		return f.cloud.VSwitch(ctx, id)
	})
}

// VSwitchesOfVPC are a VPC's vSwitches in every zone, looked up once per Gatherer.
func (f *Gatherer) VSwitchesOfVPC(ctx context.Context, vpcID string) ([]facts.VSwitch, error) {
	return remember(ctx, &f.shared, "vpc-vswitches\x00"+vpcID, func(ctx context.Context) ([]facts.VSwitch, error) {
		return f.cloud.VSwitchesOfVPC(ctx, vpcID)
	})
}

// FamilyStock reads, in parallel, the types of the instance's family and what
// the zone sells for the instance's charge type.
func (f *Gatherer) FamilyStock(ctx context.Context, in *facts.Instance, zone string) (*facts.FamilyTypes, *facts.Stock, error) {
	var (
		ft    *facts.FamilyTypes
		stock *facts.Stock
	)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		ft, err = f.FamilyTypes(ctx, in.Family())
		return err
	})
	g.Go(func() (err error) {
		stock, err = f.Stock(ctx, zone, in.ChargeType)
		return err
	})
	return ft, stock, g.Wait()
}

// distinct returns the non-empty keys of targets, in order of first sight.
func distinct(targets []facts.Target, key func(facts.Target) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range targets {
		if k := key(t); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// distinctInstances returns the non-empty keys of instances, sorted.
func distinctInstances(m map[string]*facts.Instance, key func(*facts.Instance) string) []string {
	seen := map[string]bool{}
	for _, in := range m {
		if k := key(in); k != "" {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
