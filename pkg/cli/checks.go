package cli

import (
	"context"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// CheckRequest and CheckReport are the preflight's; kept until the commands
// call preflight.Run through their own dependency.
type (
	CheckRequest = preflight.Request
	CheckReport  = preflight.Report
)

// RunChecks runs the preflight of one migration (read-only calls, none
// offline). It is safe to call concurrently: facts shared by several
// migrations of one run are fetched once.
func (f *Factory) RunChecks(ctx context.Context, req CheckRequest) (*CheckReport, error) {
	return preflight.Run(ctx, lazyGatherer{f}, req, f.now())
}

// lazyGatherer builds the Factory's gatherer on the first lookup, so that an
// offline preflight needs no credentials.
type lazyGatherer struct{ f *Factory }

func (l lazyGatherer) Gather(ctx context.Context, t facts.Target) (*facts.Facts, error) {
	g, err := l.f.Gatherer()
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
