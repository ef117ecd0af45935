package cli

import (
	"context"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// PreflightFunc runs the preflight of one migration: what create and apply hold
// (preflight.Run on the facts of their region).
type PreflightFunc func(ctx context.Context, req preflight.Request) (*preflight.Report, error)

// lazyGatherer builds the region's gatherer on the first lookup, so that an
// offline preflight needs no credentials.
type lazyGatherer func() (*cloud.Gatherer, error)

func (l lazyGatherer) Gather(ctx context.Context, t facts.Target) (*facts.Facts, error) {
	g, err := l()
	if err != nil {
		return nil, err
	}
	return g.Gather(ctx, t)
}

// checkTargets are the facts the preflight of the migrations reads.
func checkTargets(ms []*batch.Migration) []facts.Target {
	out := make([]facts.Target, len(ms))
	for i, m := range ms {
		out[i] = preflight.TargetOf(&m.Spec)
	}
	return out
}

// renderChecks writes the hints of checks that name steps as command lines
// with the run's flags (cmds).
func renderChecks(checks []preflight.Result, cmds cmdutil.Commands) []preflight.Result {
	for i, c := range checks {
		if !c.Next.IsZero() {
			checks[i].Hint = cmds.Hint(c.Next)
		}
	}
	return checks
}
