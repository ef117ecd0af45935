package lb

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// Plan is what Drain (drain true) or Restore would do with before, for a dry
// run: every membership with outcome planned, by-IP ones on newIP when
// restoring. It sends nothing.
func Plan(before []Membership, newIP string, drain bool) []Result {
	out := make([]Result, len(before))
	for i, m := range before {
		want := m
		if drain {
			want.Weight = 0
		} else {
			want = target(m, newIP)
		}
		out[i] = Result{Membership: want, Outcome: Planned, Before: m}
	}
	return out
}

// target is where a membership of before belongs after the move: by-IP
// registrations move to newIP (an Ip server group's ServerId is the address
// itself); the rest stay as they were.
func target(m Membership, newIP string) Membership {
	if m.RegisteredBy != facts.ByIP || newIP == "" || m.IP == newIP {
		return m
	}
	t := m
	if t.ServerID == m.IP {
		t.ServerID = newIP
	}
	t.IP = newIP
	return t
}

// kind is a change to a group.
type kind int

const (
	add kind = iota
	setWeight
	remove
)

func (k kind) String() string { return [...]string{"add", "set weight", "remove"}[k] }

// change is one server's change in a group, for the result at index.
type change struct {
	kind  kind
	m     Membership // the server as sent (its weight for add and set)
	index int
}

// Drain sets weight 0 on every membership of before. A membership already at
// 0 is drained without a call; one that is gone from its group fails (the
// load balancer changed since it was read: look before going on).
func (s *Service) Drain(ctx context.Context, before []Membership) ([]Result, error) {
	results := Plan(before, "", true)
	state, err := s.readState(ctx, before, "")
	if err != nil {
		return failAll(results, err), err
	}
	var changes []change
	for i, m := range before {
		cur, ok := state.get(m)
		switch {
		case !ok:
			results[i].Outcome, results[i].Error = Failed, "not in its group any more: nothing to drain"
		case cur.Weight == 0:
			results[i].Outcome = Drained
		default:
			results[i].Outcome = Drained
			want := cur
			want.Weight = 0
			changes = append(changes, change{kind: setWeight, m: want, index: i})
		}
	}
	s.apply(ctx, changes, results)
	s.readBack(ctx, before, "", results, nil)
	return results, failures(results)
}

// Restore brings every membership of before back after the move: a missing
// one is added with its port, weight and description; a registration by the
// old IP is replaced by one of newIP (added, then the old one removed); every
// weight is set back to before's. Nothing is added twice: the groups are read
// first and only what differs is sent.
func (s *Service) Restore(ctx context.Context, before []Membership, newIP string) ([]Result, error) {
	results := Plan(before, newIP, false)
	state, err := s.readState(ctx, before, newIP)
	if err != nil {
		return failAll(results, err), err
	}
	var changes []change
	var stale []Membership // old-IP registrations that must be gone
	for i, m := range before {
		want := results[i].Membership
		moved := want.IP != m.IP
		if m.RegisteredBy == facts.ByIP && newIP == "" {
			results[i].Outcome, results[i].Error = Failed, "the instance's new private IP is not known: the registration by IP cannot be moved"
			continue
		}
		results[i].Outcome = Kept
		if moved {
			results[i].Outcome = Replaced
		}
		cur, ok := state.get(want)
		switch {
		case !ok:
			changes = append(changes, change{kind: add, m: want, index: i})
			if !moved {
				results[i].Outcome = Restored
			}
		case cur.Weight != want.Weight:
			set := cur
			set.Weight, set.Description = want.Weight, cmp.Or(want.Description, cur.Description)
			changes = append(changes, change{kind: setWeight, m: set, index: i})
			if !moved {
				results[i].Outcome = Restored
			}
		}
		if moved {
			if old, ok := state.get(m); ok {
				changes = append(changes, change{kind: remove, m: old, index: i})
			}
			stale = append(stale, m)
		}
	}
	s.apply(ctx, changes, results)
	s.readBack(ctx, before, newIP, results, stale)
	return results, failures(results)
}

func failAll(results []Result, err error) []Result {
	for i := range results {
		results[i].Outcome, results[i].Error = Failed, err.Error()
	}
	return results
}

// state is what the groups of a run hold now: group -> registration key ->
// membership; busy names the groups a job was still changing when the wait
// for it ended.
type state struct {
	groups map[group]map[string]Membership
	busy   map[group]bool
}

func (st state) get(m Membership) (Membership, bool) {
	cur, ok := st.groups[groupOf(m)][key(m)]
	return cur, ok
}

// readState reads the groups of before.
func (s *Service) readState(ctx context.Context, before []Membership, newIP string) (state, error) {
	ids, ips := map[group][]string{}, map[group][]string{}
	var order []group
	for _, m := range before {
		g := groupOf(m)
		if _, ok := ids[g]; !ok {
			order = append(order, g)
		}
		ids[g] = appendNew(ids[g], m.ServerID)
		if m.IP != "" {
			ips[g] = appendNew(ips[g], m.IP)
		}
		if newIP != "" && m.RegisteredBy == facts.ByIP {
			ips[g] = appendNew(ips[g], newIP)
		}
	}
	st := state{groups: map[group]map[string]Membership{}, busy: map[group]bool{}}
	for _, g := range order {
		ms, busy, err := s.settled(ctx, g, ids[g], ips[g])
		if err != nil {
			return state{}, err
		}
		st.busy[g] = busy
		st.groups[g] = map[string]Membership{}
		for _, m := range ms {
			st.groups[g][key(m)] = m
		}
	}
	return st, nil
}

// settled reads a group once no job is changing the servers read (a killed
// run's job may still be under way), waiting at most JobTimeout; after that
// it answers what it sees, and read back judges.
func (s *Service) settled(ctx context.Context, g group, ids, ips []string) ([]Membership, bool, error) {
	start := s.o.Now()
	for {
		ms, busy, err := s.readGroup(ctx, g, ids, ips)
		if err != nil || !busy || s.o.Now().Sub(start) >= s.o.JobTimeout {
			return ms, busy, err
		}
		if err := s.o.Sleep(ctx, s.o.JobPoll); err != nil {
			return nil, false, err
		}
	}
}

func appendNew(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// readBack reads the groups again and checks that each result's membership
// is there with its weight, and that no stale registration is left. A
// mismatch fails the result, with the error of the call that should have
// made it, or what the group shows. A result that failed before anything was
// sent for it stays as it is.
func (s *Service) readBack(ctx context.Context, before []Membership, newIP string, results []Result, stale []Membership) {
	st, err := s.readState(ctx, before, newIP)
	for i := range results {
		r := &results[i]
		if r.Outcome == Failed && r.sent == nil {
			continue
		}
		if err != nil {
			r.Outcome, r.Error = Failed, "reading back: "+err.Error()
			continue
		}
		sent := ""
		if r.sent != nil {
			sent = r.sent.Error()
		}
		cur, ok := st.get(r.Membership)
		_, staleLeft := st.get(before[i])
		switch {
		case st.busy[groupOf(r.Membership)]:
			r.Outcome, r.Error = Failed, cmp.Or(sent, fmt.Sprintf("read back: a job is still changing the group after %s", s.o.JobTimeout))
		case !ok:
			r.Outcome, r.Error = Failed, cmp.Or(sent, "read back: not in the group")
		case cur.Weight != r.Weight:
			r.Outcome, r.Error = Failed, cmp.Or(sent, fmt.Sprintf("read back: weight %d, not %d", cur.Weight, r.Weight))
		case staleLeft && slices.Contains(stale, before[i]):
			r.Outcome, r.Error = Failed, cmp.Or(sent, "read back: the registration by the old IP is still there")
		case r.Outcome == Failed:
			// The call failed, yet the group is as wanted (an earlier run's
			// job ended meanwhile, or a resent add found it done).
			r.Outcome, r.Error = okOutcome(before[i], r.Membership), ""
		}
	}
}

func okOutcome(before, now Membership) Outcome {
	switch {
	case now.Weight == 0 && before.Weight != 0:
		return Drained
	case now.IP != before.IP:
		return Replaced
	default:
		return Restored
	}
}

// apply sends the changes: per group, adds first, then weights, then
// removals (a new address serves before the old one goes), at most the
// product's limit a call; ALB and NLB jobs are followed to their end. A
// failed call marks its results failed; read back has the last word.
func (s *Service) apply(ctx context.Context, changes []change, results []Result) {
	type batchKey struct {
		g group
		k kind
	}
	var order []batchKey
	batches := map[batchKey][]change{}
	for _, c := range changes {
		bk := batchKey{groupOf(c.m), c.kind}
		if _, ok := batches[bk]; !ok {
			order = append(order, bk)
		}
		batches[bk] = append(batches[bk], c)
	}
	slices.SortStableFunc(order, func(a, b batchKey) int { return cmp.Compare(a.k, b.k) })
	for _, bk := range order {
		for _, part := range chunks(batches[bk], limit(bk.g.typ)) {
			if err := s.send(ctx, bk.g, bk.k, part); err != nil {
				for _, c := range part {
					r := &results[c.index]
					r.Outcome, r.sent = Failed, fmt.Errorf("%s: %w", bk.k, err)
					r.Error = r.sent.Error()
				}
			}
		}
	}
}

func limit(t facts.LoadBalancerType) int {
	switch t {
	case facts.ALB:
		return alb.MaxServers
	case facts.NLB:
		return nlb.MaxServers
	}
	return slb.MaxBackendServers
}

// send makes one call of changes of one kind to one group.
func (s *Service) send(ctx context.Context, g group, k kind, part []change) error {
	switch g.typ {
	case facts.CLB:
		return s.sendCLB(ctx, g, k, part)
	case facts.ALB:
		return s.sendALB(ctx, g, k, part)
	case facts.NLB:
		return s.sendNLB(ctx, g, k, part)
	}
	return fmt.Errorf("unknown load balancer type %q", g.typ)
}

func (s *Service) sendCLB(ctx context.Context, g group, k kind, part []change) error {
	servers := make([]slb.BackendServer, len(part))
	for i, c := range part {
		b := slb.BackendServer{ServerId: c.m.ServerID, Type: c.m.ServerType, Weight: slb.Number(c.m.Weight), Port: slb.Number(c.m.Port)}
		if c.m.RegisteredBy == facts.ByIP {
			b.ServerIp = c.m.IP
		}
		if k != remove {
			b.Description = c.m.Description
		}
		servers[i] = b
	}
	list := slb.BackendServersJSON(servers)
	var err error
	if g.id == "" {
		req := &slb.BackendServersRequest{RegionId: s.region(), LoadBalancerId: g.lb, BackendServers: list}
		switch k {
		case add:
			_, err = s.c.CLB.AddBackendServers(ctx, req)
		case setWeight:
			_, err = s.c.CLB.SetBackendServers(ctx, req)
		case remove:
			_, err = s.c.CLB.RemoveBackendServers(ctx, req)
		}
		return err
	}
	req := &slb.VServerGroupBackendServersRequest{RegionId: s.region(), VServerGroupId: g.id, BackendServers: list}
	switch k {
	case add:
		_, err = s.c.CLB.AddVServerGroupBackendServers(ctx, req)
	case setWeight:
		_, err = s.c.CLB.SetVServerGroupAttribute(ctx, req)
	case remove:
		_, err = s.c.CLB.RemoveVServerGroupBackendServers(ctx, req)
	}
	return err
}

func (s *Service) sendALB(ctx context.Context, g group, k kind, part []change) error {
	req := &alb.ServersRequest{ServerGroupId: g.id, ClientToken: uuid.NewString()}
	for _, c := range part {
		w := c.m.Weight
		v := alb.Server{ServerId: c.m.ServerID, ServerType: c.m.ServerType, Port: c.m.Port, Weight: &w, Description: c.m.Description}
		if c.m.ServerType != "Ecs" {
			v.ServerIp = c.m.IP
		}
		req.Servers = append(req.Servers, v)
	}
	var res *alb.JobResponseBody
	var err error
	switch k {
	case add:
		res, err = s.c.ALB.AddServersToServerGroup(ctx, req)
	case setWeight:
		res, err = s.c.ALB.UpdateServerGroupServersAttribute(ctx, req)
	case remove:
		res, err = s.c.ALB.RemoveServersFromServerGroup(ctx, req)
	}
	if err != nil {
		return err
	}
	return s.followALB(ctx, res.JobId)
}

func (s *Service) sendNLB(ctx context.Context, g group, k kind, part []change) error {
	req := &nlb.ServersRequest{RegionId: s.region(), ServerGroupId: g.id, ClientToken: uuid.NewString()}
	for _, c := range part {
		w := c.m.Weight
		v := nlb.Server{ServerId: c.m.ServerID, ServerType: c.m.ServerType, Port: c.m.Port, Weight: &w, Description: c.m.Description}
		if c.m.ServerType != "Ecs" {
			v.ServerIp = c.m.IP
		}
		req.Servers = append(req.Servers, v)
	}
	var res *nlb.JobResponseBody
	var err error
	switch k {
	case add:
		res, err = s.c.NLB.AddServersToServerGroup(ctx, req)
	case setWeight:
		res, err = s.c.NLB.UpdateServerGroupServersAttribute(ctx, req)
	case remove:
		res, err = s.c.NLB.RemoveServersFromServerGroup(ctx, req)
	}
	if err != nil {
		return err
	}
	return s.followNLB(ctx, res.JobId)
}

// followALB polls an ALB job with ListAsynJobs until it ends.
func (s *Service) followALB(ctx context.Context, jobID string) error {
	return s.follow(ctx, facts.ALB, jobID, func(ctx context.Context) (string, string, string, error) {
		page, err := s.c.ALB.ListAsynJobs(ctx, &alb.ListAsynJobsRequest{JobIds: []string{jobID}})
		if err != nil {
			return "", "", "", err
		}
		for _, j := range page.Jobs {
			if j.Id == jobID {
				return j.Status, j.ErrorCode, j.ErrorMessage, nil
			}
		}
		return alb.JobProcessing, "", "", nil // not listed yet
	})
}

// followNLB polls an NLB job with GetJobStatus until it ends.
func (s *Service) followNLB(ctx context.Context, jobID string) error {
	return s.follow(ctx, facts.NLB, jobID, func(ctx context.Context) (string, string, string, error) {
		res, err := s.c.NLB.GetJobStatus(ctx, &nlb.GetJobStatusRequest{JobId: jobID})
		if err != nil {
			return "", "", "", err
		}
		return res.Status, "", "", nil
	})
}

func (s *Service) follow(ctx context.Context, p facts.LoadBalancerType, jobID string, poll func(context.Context) (status, code, msg string, err error)) error {
	start := s.o.Now()
	for {
		status, code, msg, err := poll(ctx)
		if err != nil {
			return fmt.Errorf("following %s job %s: %w", p, jobID, err)
		}
		switch status {
		case alb.JobSucceeded:
			return nil
		case alb.JobFailed:
			return &JobError{Product: p, JobID: jobID, Status: status, Code: code, Message: msg}
		}
		if waited := s.o.Now().Sub(start); waited >= s.o.JobTimeout {
			return &JobError{Product: p, JobID: jobID, Status: status, Waited: waited}
		}
		if err := s.o.Sleep(ctx, s.o.JobPoll); err != nil {
			return err
		}
	}
}
