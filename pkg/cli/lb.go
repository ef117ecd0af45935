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

// memberships is the run's memory of the region's load balancer
// memberships: the preflight reads them (check lb-backends, in bulk for a
// batch) and the steps around the job take their record from it, so that
// what is drained and restored is what the checks showed, read once.
func (f *Factory) memberships(region string, limiter *rate.Limiter) (*cloud.Memberships, error) {
	scope := apiScope{region, limiter}
	f.mu.Lock()
	m := f.members[scope]
	f.mu.Unlock()
	if m != nil {
		return m, nil
	}
	s, err := f.lbService(region, limiter) // before the lock: Session takes it
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := f.members[scope]; m != nil {
		return m, nil
	}
	if f.members == nil {
		f.members = map[apiScope]*cloud.Memberships{}
	}
	f.members[scope] = cloud.NewMemberships(s)
	return f.members[scope], nil
}

// checkGatherer is the region's gatherer as the preflight of create and
// apply uses it: it also reads each instance's load balancer memberships
// (the lb-backends check, and the record --backends works from), in bulk
// for a batch.
func (f *Factory) checkGatherer(region string, limiter *rate.Limiter) (*cloud.Gatherer, error) {
	g, err := f.Gatherer(region, limiter)
	if err != nil {
		return nil, err
	}
	m, err := f.memberships(region, limiter)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.withMembers == nil {
		f.withMembers = map[*cloud.Gatherer]bool{}
	}
	if !f.withMembers[g] {
		g.UseMemberships(m)
		f.withMembers[g] = true
	}
	return g, nil
}
