package cli

import (
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/lb"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// lbService is pkg/lb over the region's CLB, ALB and NLB clients, polling
// jobs on the factory's clock.
func (f *Factory) lbService(region string, limiter *rate.Limiter) (*lb.Service, error) {
	s, err := f.Session(region, limiter)
	if err != nil {
		return nil, err
	}
	var c lb.Clients
	if c.CLB, err = slb.NewClient(s); err != nil {
		return nil, err
	}
	if c.ALB, err = alb.NewClient(s); err != nil {
		return nil, err
	}
	if c.NLB, err = nlb.NewClient(s); err != nil {
		return nil, err
	}
	return lb.New(c, lb.Options{Region: region, Now: f.Now, Sleep: f.Sleep}), nil
}

// checkGatherer is the region's gatherer as the preflight of create and
// apply uses it: it also reads each instance's load balancer memberships
// (the lb-backends check, and the record --backends works from), in bulk
// for a batch.
func (f *Factory) checkGatherer(region string, limiter *rate.Limiter) (*cloud.Fleet, error) {
	g, err := f.Gatherer(region, limiter)
	if err != nil {
		return nil, err
	}
	s, err := f.lbService(region, limiter) // before the lock: Session takes it
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.withMembers == nil {
		f.withMembers = map[*cloud.Fleet]bool{}
	}
	if !f.withMembers[g] {
		g.UseMemberships(cloud.NewMemberships(s))
		f.withMembers[g] = true
	}
	return g, nil
}
