package cli

import (
	"context"

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
}

// Failed reports whether any check failed.
func (r *CheckReport) Failed() bool { return len(preflight.Failed(r.Checks)) > 0 }

// RunChecks gathers the facts of one migration (read-only calls, none offline)
// and runs every check on them. It is safe to call concurrently: facts shared
// by several migrations of one run are fetched once.
func (f *Factory) RunChecks(ctx context.Context, req CheckRequest) (*CheckReport, error) {
	results := preflight.Evaluate(preflight.Input{
		Spec: req.Spec, Offline: req.Offline,
		SourceInstanceType: req.SourceInstanceType, SourceZone: req.SourceZone, Skip: req.Skip,
	})
	return &CheckReport{Checks: results, Impact: migration.EstimateImpact(req.Spec, nil)}, nil
}
