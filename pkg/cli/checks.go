package cli

import (
	"context"
	"time"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// CheckRequest is the preflight of one migration, as create and apply ask for it.
type CheckRequest struct {
	Spec               *migration.Spec
	Offline            bool
	SourceInstanceType string
	SourceZone         string
	Skip               []string
}

// CheckReport is what the preflight found.
type CheckReport struct {
	Checks []preflight.Result
	Impact *migration.Impact
	// CurrentInstanceType is the instance's type before the move (from ECS, or
	// --source-instance-type offline); "" when unknown.
	CurrentInstanceType string
}

// Failed reports whether any check failed.
func (r *CheckReport) Failed() bool { return len(preflight.Failed(r.Checks)) > 0 }

// CheckFunc runs the preflight of one migration.
type CheckFunc func(ctx context.Context, req CheckRequest) (*CheckReport, error)

// runChecks gathers the facts of one migration (read-only calls, none offline)
// and runs every check on them. It is safe to call concurrently: facts shared
// by several migrations of one run are fetched once.
func runChecks(ctx context.Context, gatherer func() (*cloud.Gatherer, error), now time.Time, req CheckRequest) (*CheckReport, error) {
	in := preflight.Input{
		Spec: req.Spec, Offline: req.Offline,
		SourceInstanceType: req.SourceInstanceType, SourceZone: req.SourceZone, Skip: req.Skip,
		Now: now,
	}
	if !req.Offline {
		g, err := gatherer()
		if err != nil {
			return nil, err
		}
		target := cloud.Target{InstanceID: req.Spec.InstanceID, Zone: req.Spec.TargetZone, VSwitchID: req.Spec.TargetVSwitch}
		if !preflight.ZoneInRegion(req.Spec) {
			target.Zone = "" // region-zone fails; asking about the zone would only fail the call
		}
		in.Facts, err = g.Gather(ctx, target)
		if err != nil {
			return nil, err
		}
	}
	rep := &CheckReport{Checks: preflight.Evaluate(in), Impact: migration.EstimateImpact(req.Spec, impactFacts(in.Facts)),
		CurrentInstanceType: req.SourceInstanceType}
	if in.Facts != nil && in.Facts.Instance != nil {
		rep.CurrentInstanceType = in.Facts.Instance.InstanceType
	}
	return rep, nil
}

// impactFacts picks from the gathered facts what the impact estimate needs.
func impactFacts(f *cloud.Facts) migration.ImpactFacts {
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
