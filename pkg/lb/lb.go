// Package lb keeps an instance's load balancer memberships across a
// cross-zone move: it reads them (CLB default and vServer groups, ALB and NLB
// server groups), drains them (weight 0) and restores them after the move
// (what is missing added back with its port, weight and description, every
// registration by the old IP replaced by the new one, the original weights
// back). It calls CLB, ALB and NLB through pkg/slb, pkg/alb and pkg/nlb.
//
// The contract with the caller (the per-instance pipeline of create, apply
// and revert):
//
//   - Read(ctx, instanceID, privateIP) before anything is sent. Its
//     []facts.Membership is the record of what to restore: the caller writes
//     it to the state file BEFORE calling Drain, and passes that record (not a
//     fresh read) to Drain and Restore, on the first run and on every re-run.
//   - Drain(ctx, before) sets weight 0 on each membership of before.
//     Restore(ctx, before, newIP) makes the memberships match before again,
//     by-IP ones on newIP, with before's weights. Both read the groups first
//     and change only what differs, then read back: a re-run after a kill at
//     any point converges, adds nothing twice, and never leaves a weight at 0
//     that before did not have at 0. Plan(before, newIP) is what a dry run
//     shows (outcome planned); it sends nothing.
//   - Each returns one Result per membership of before (outcome drained,
//     kept, restored, replaced or failed) and a non-nil error when any
//     failed. ALB and NLB writes are asynchronous: each job is followed to
//     its end (Options.JobTimeout bounds it) before the read back.
//
// Facts this rests on (official API metadata and reference, 2026): see
// docs/decisions.md, "Load balancers".
package lb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// Membership is one registration of the instance in a load balancer.
type Membership = facts.Membership

// Outcome is what became of one membership.
type Outcome string

// The outcomes of the contract's "backends" list.
const (
	Planned  Outcome = "planned"  // a dry run: this would be done
	Kept     Outcome = "kept"     // already as it should be: nothing sent
	Restored Outcome = "restored" // added back, or its weight set back
	Replaced Outcome = "replaced" // the registration by the old IP now names the new IP
	Drained  Outcome = "drained"  // weight 0
	Failed   Outcome = "failed"
)

// Result is one membership and what became of it. Membership is the state it
// was brought to (after Restore, a by-IP membership names the new IP; after
// Drain its weight is 0); Before is the record it came from.
type Result struct {
	Membership
	Outcome Outcome `json:"outcome"`
	// Error says why it failed, with the API's code and request ID when an
	// API call failed.
	Error  string     `json:"error,omitempty"`
	Before Membership `json:"-"`
	sent   error      // the error of a call sent for it, until read back settles it
}

// Clients are the load balancer APIs the service calls.
type Clients struct {
	CLB *slb.Client
	ALB *alb.Client
	NLB *nlb.Client
}

// Options tune the service; the zero value is usable.
type Options struct {
	// Region is the RegionId sent to CLB and NLB.
	Region string
	// Now and Sleep are the clock of job polling (tests stand it still).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// JobPoll is how often an ALB or NLB job is polled (default 2s), and
	// JobTimeout how long one may take before it counts as failed (default 5m).
	JobPoll, JobTimeout time.Duration
	// Concurrency bounds the reads in flight at once (default 8).
	Concurrency int
}

// Service reads and changes memberships. It is safe for concurrent use.
type Service struct {
	c Clients
	o Options
}

// New builds the service.
func New(c Clients, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.JobPoll <= 0 {
		o.JobPoll = 2 * time.Second
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 5 * time.Minute
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	return &Service{c: c, o: o}
}

// WithJobPoll is the service polling ALB and NLB jobs every d (the
// command's --interval); d <= 0 keeps its own.
func (s *Service) WithJobPoll(d time.Duration) *Service {
	if d <= 0 {
		return s
	}
	c := *s
	c.o.JobPoll = d
	return &c
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// JobError is an ALB or NLB job that failed or did not end in time.
type JobError struct {
	Product facts.LoadBalancerType
	JobID   string
	Status  string // Failed, or Processing when it timed out
	Code    string
	Message string
	Waited  time.Duration
}

func (e *JobError) Error() string {
	if e.Status == "Failed" {
		return fmt.Sprintf("%s job %s failed: %s %s", e.Product, e.JobID, e.Code, e.Message)
	}
	return fmt.Sprintf("%s job %s still %s after %s (it may still end; read the group back before changing it again)", e.Product, e.JobID, e.Status, e.Waited)
}

// failures is the error of a run with failed memberships.
func failures(results []Result) error {
	var errs []error
	for _, r := range results {
		if r.Outcome == Failed {
			errs = append(errs, fmt.Errorf("%s", describe(r.Before)+": "+r.Error))
		}
	}
	return errors.Join(errs...)
}

// describe names a membership for people.
func describe(m Membership) string {
	where := m.LoadBalancerID
	switch {
	case m.Type == facts.CLB && m.ServerGroupID == "":
		where += " default server group"
	case m.Type == facts.CLB:
		where += " vServer group " + m.ServerGroupID
	default:
		where = "server group " + m.ServerGroupID
	}
	server := m.ServerID
	if m.RegisteredBy == facts.ByIP && m.IP != "" && m.IP != m.ServerID {
		server += " " + m.IP
	}
	if m.Port > 0 {
		server += fmt.Sprintf(":%d", m.Port)
	}
	return fmt.Sprintf("%s %s %s", m.Type, where, server)
}
