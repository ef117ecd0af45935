package cli

import (
	"context"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/facts"
)

// gathererReader reads a plan through the preflight's gatherer and the
// region's client: the facts of each (instance, zone) one migration at a time.
type gathererReader struct {
	*cloud.Gatherer
	client *cloud.Client
}

// planReader returns what zonemove plan reads the region through.
func (f *Factory) planReader(region string) (PlanReader, error) {
	g, err := f.Gatherer(region, nil)
	if err != nil {
		return nil, err
	}
	c, err := f.Cloud(region, nil)
	if err != nil {
		return nil, err
	}
	return gathererReader{Gatherer: g, client: c}, nil
}

func (r gathererReader) SelectInstances(ctx context.Context, filter cloud.InstanceFilter) ([]*facts.Instance, error) {
	return r.client.DescribeInstances(ctx, filter)
}

func (r gathererReader) RegionStock(ctx context.Context, chargeType string) (map[string]*facts.Stock, error) {
	return r.client.RegionStock(ctx, chargeType)
}

func (r gathererReader) VSwitchesOfVPC(ctx context.Context, vpcID string) ([]facts.VSwitch, error) {
	return r.client.VSwitchesOfVPC(ctx, vpcID)
}

// Prefetch reads nothing ahead: Gather reads each migration's facts.
func (r gathererReader) Prefetch(context.Context, []facts.Target) error { return nil }
