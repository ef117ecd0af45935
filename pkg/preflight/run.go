package preflight

import (
	"context"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

// Gatherer reads the facts of one migration from the read-only APIs
// (pkg/cloud's gatherer, or a test's).
type Gatherer interface {
	Gather(ctx context.Context, t facts.Target) (*facts.Facts, error)
}

// Request is the preflight of one migration, as create and apply ask for it.
type Request struct {
	Spec *migration.Spec
	// Offline: nothing is read; remote checks report skip.
	Offline bool
	// SourceInstanceType and SourceZone stand in for the instance's facts offline.
	SourceInstanceType string
	SourceZone         string
	// Skip names checks whose failure the operator accepts; SkipAs is how
	// the operator said so ("--skip-check", a manifest's "skip_checks"), for
	// the messages.
	Skip   []string
	SkipAs string
}

// Report is what the preflight found.
type Report struct {
	Checks []Result
	Impact *migration.Impact
	// CurrentInstanceType is the instance's type before the move (from ECS, or
	// SourceInstanceType offline); "" when unknown.
	CurrentInstanceType string
	// Instance is the instance as read before the move; nil offline or when
	// it was not found.
	Instance *facts.Instance
	// CurrentZone is the instance's zone before the move; "" when unknown.
	CurrentZone string
	// Jobs are the instance's cross-zone jobs, in every status (nil offline).
	Jobs []*facts.Job
	// Disks are the instance's disks as read before the move (nil offline).
	Disks []facts.Disk
	// Backends are the instance's load balancer memberships as read before
	// anything was sent (Read false when they were not read): the record
	// --backends restore and drain work from.
	Backends facts.Backends
}

// Run gathers the facts of one migration through g (nothing offline, when g
// may be nil) and runs every check on them; now is when snapshots' ages are
// measured from.
func Run(ctx context.Context, g Gatherer, req Request, now time.Time) (*Report, error) {
	in := Input{
		Spec: req.Spec, Offline: req.Offline,
		SourceInstanceType: req.SourceInstanceType, SourceZone: req.SourceZone, Skip: req.Skip, SkipAs: req.SkipAs,
		Now: now,
	}
	if !req.Offline {
		var err error
		if in.Facts, err = g.Gather(ctx, TargetOf(req.Spec)); err != nil {
			return nil, err
		}
	}
	rep := &Report{Checks: Evaluate(in), Impact: migration.EstimateImpact(req.Spec, impactFacts(in.Facts)),
		CurrentInstanceType: req.SourceInstanceType}
	if in.Facts != nil && in.Facts.Instance != nil {
		rep.CurrentInstanceType = in.Facts.Instance.InstanceType
		rep.Instance = in.Facts.Instance
		rep.CurrentZone = in.Facts.Instance.ZoneID
	}
	if in.Facts != nil {
		rep.Jobs, rep.Disks, rep.Backends = in.Facts.Jobs, in.Facts.Disks, in.Facts.Backends
	}
	return rep, nil
}

// TargetOf is what the preflight of the spec reads.
func TargetOf(s *migration.Spec) facts.Target {
	t := facts.Target{InstanceID: s.InstanceID, Zone: s.TargetZone, VSwitchID: s.TargetVSwitch, InstanceType: s.TargetInstanceType}
	if !ZoneInRegion(s) {
		t.Zone = "" // region-zone fails; asking about the zone would only fail the call
	}
	return t
}

// impactFacts picks from the gathered facts what the impact estimate needs.
func impactFacts(f *facts.Facts) migration.ImpactFacts {
	var out migration.ImpactFacts
	if f == nil || f.Instance == nil {
		return out
	}
	i := f.Instance
	out.Known = true
	out.InstanceType, out.ChargeType = i.InstanceType, i.ChargeType
	out.PrivateIPs, out.PublicIPs, out.EIP = i.PrivateIPs, i.PublicIPs, i.EIP
	total := 0
	for _, d := range f.Disks {
		total += d.SizeGiB
	}
	out.DiskGiB = &total
	return out
}
