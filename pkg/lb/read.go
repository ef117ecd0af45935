package lb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

// Target is an instance whose memberships are read, its private IP and its
// VPC (which tells whose an address is when two targets share one).
type Target struct {
	InstanceID string
	IP         string
	VpcID      string
}

// Read returns every membership of the instance: CLB default server groups
// and vServer groups (by instance ID, and ENI backends by the private IP), ALB
// and NLB server groups (by instance ID, and by the private IP for Ip server
// groups and ENI backends).
func (s *Service) Read(ctx context.Context, instanceID, privateIP string) ([]Membership, error) {
	all, err := s.ReadMany(ctx, []Target{{InstanceID: instanceID, IP: privateIP}})
	if err != nil {
		return nil, err
	}
	return all[instanceID], nil
}

// ReadMany reads the memberships of many instances with bulk reads: CLB one
// DescribeLoadBalancers per instance (ServerId takes one ID) plus one per 20
// private IPs, each CLB instance's groups read once for all; ALB 20 and NLB 40
// servers a ListServerGroupServers. The answer maps every instance ID to its
// memberships (nil when it has none).
func (s *Service) ReadMany(ctx context.Context, targets []Target) (map[string][]Membership, error) {
	out := map[string][]Membership{}
	byIP := map[string][]Target{}
	for _, t := range targets {
		out[t.InstanceID] = nil
		if t.IP != "" {
			byIP[t.IP] = append(byIP[t.IP], t)
		}
	}
	// The three products are read side by side, none stopping the others, so
	// that a failure says the same thing on every run: CLB's, else ALB's,
	// else NLB's.
	var found [3][]Membership
	var errs [3]error
	var wg sync.WaitGroup
	for i, read := range []func(context.Context, []Target) ([]Membership, error){s.readCLB, s.readALB, s.readNLB} {
		wg.Go(func() { found[i], errs[i] = read(ctx, targets) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	vpcs := map[group]string{}
	for _, m := range slices.Concat(found[:]...) {
		owner := ""
		switch cands := byIP[m.IP]; {
		case m.RegisteredBy == facts.ByInstance:
			if _, ok := out[m.ServerID]; ok {
				owner = m.ServerID
			}
		case len(cands) == 1:
			owner = cands[0].InstanceID
		case len(cands) > 1 && !slices.ContainsFunc(cands, func(c Target) bool { return c.VpcID != cands[0].VpcID }):
			owner = cands[0].InstanceID // one VPC: nothing tells them apart
		case len(cands) > 1:
			// An address is one instance's in a VPC: the group's VPC says
			// whose it is (else the first target's, as listed).
			vpc, err := s.groupVPC(ctx, m, vpcs)
			if err != nil {
				return nil, err
			}
			owner = cands[0].InstanceID
			for _, c := range cands {
				if c.VpcID != "" && c.VpcID == vpc {
					owner = c.InstanceID
					break
				}
			}
		}
		if owner != "" && !slices.ContainsFunc(out[owner], func(o Membership) bool { return sameRegistration(o, m) }) {
			out[owner] = append(out[owner], m)
		}
	}
	for id := range out {
		sortMemberships(out[id])
	}
	return out, nil
}

// groupVPC is the VPC of a membership's group (its CLB instance's, for CLB),
// read once per group; "" when the API does not say.
func (s *Service) groupVPC(ctx context.Context, m Membership, known map[group]string) (string, error) {
	g := groupOf(m)
	if g.typ == facts.CLB {
		g.id = "" // every group of a CLB instance is in its VPC
	}
	if vpc, ok := known[g]; ok {
		return vpc, nil
	}
	vpc := ""
	switch g.typ {
	case facts.CLB:
		page, err := s.c.CLB.DescribeLoadBalancers(ctx, &slb.DescribeLoadBalancersRequest{RegionId: s.region(), LoadBalancerId: m.LoadBalancerID})
		if err != nil {
			return "", err
		}
		for _, l := range page.LoadBalancers.LoadBalancer {
			vpc = l.VpcId
		}
	case facts.ALB:
		page, err := s.c.ALB.ListServerGroups(ctx, &alb.ListServerGroupsRequest{ServerGroupIds: []string{g.id}})
		if err != nil {
			return "", err
		}
		for _, sg := range page.ServerGroups {
			vpc = sg.VpcId
		}
	case facts.NLB:
		page, err := s.c.NLB.ListServerGroups(ctx, &nlb.ListServerGroupsRequest{RegionId: s.region(), ServerGroupIds: []string{g.id}})
		if err != nil {
			return "", err
		}
		for _, sg := range page.ServerGroups {
			vpc = sg.VpcId
		}
	}
	known[g] = vpc
	return vpc, nil
}

func sortMemberships(ms []Membership) {
	order := map[facts.LoadBalancerType]int{facts.CLB: 0, facts.ALB: 1, facts.NLB: 2}
	slices.SortFunc(ms, func(a, b Membership) int {
		return cmp.Or(cmp.Compare(order[a.Type], order[b.Type]), strings.Compare(a.LoadBalancerID, b.LoadBalancerID),
			strings.Compare(a.ServerGroupID, b.ServerGroupID), strings.Compare(a.ServerID, b.ServerID),
			strings.Compare(a.IP, b.IP), cmp.Compare(a.Port, b.Port))
	})
}

// key identifies a registration within its group: the server, its address
// when it is registered by one, and the port.
func key(m Membership) string {
	ip := ""
	if m.RegisteredBy == facts.ByIP {
		ip = m.IP
	}
	return fmt.Sprintf("%s|%s|%d", m.ServerID, ip, m.Port)
}

// group identifies the group of a membership.
type group struct {
	typ facts.LoadBalancerType
	lb  string // the CLB instance of a CLB group
	id  string // "" for a CLB default server group
}

func groupOf(m Membership) group {
	g := group{typ: m.Type, id: m.ServerGroupID}
	if m.Type == facts.CLB {
		g.lb = m.LoadBalancerID
	}
	return g
}

func sameRegistration(a, b Membership) bool { return groupOf(a) == groupOf(b) && key(a) == key(b) }

// fromCLB is a CLB backend as a membership.
func fromCLB(lbID, groupID string, b slb.BackendServer) Membership {
	m := Membership{Type: facts.CLB, LoadBalancerID: lbID, ServerGroupID: groupID, Port: int(b.Port), Weight: int(b.Weight),
		Description: b.Description, ServerID: b.ServerId, ServerType: cmp.Or(b.Type, "ecs"), IP: b.ServerIp, RegisteredBy: facts.ByInstance}
	if m.ServerType != "ecs" {
		m.RegisteredBy = facts.ByIP
	}
	return m
}

// fromServer is an ALB or NLB server as a membership: Ecs servers are
// registered by instance, Ip servers by their address (their ServerId), ENI
// and ECI ones by their ServerIp.
func fromServer(typ facts.LoadBalancerType, id, serverType, ip string, port int, weight *int, desc, groupID string) Membership {
	m := Membership{Type: typ, ServerGroupID: groupID, Port: port, Description: desc, ServerID: id, ServerType: serverType,
		IP: ip, RegisteredBy: facts.ByInstance}
	if weight != nil {
		m.Weight = *weight
	}
	switch serverType {
	case "Ecs":
	case "Ip":
		m.RegisteredBy, m.IP = facts.ByIP, cmp.Or(ip, id)
	default:
		m.RegisteredBy = facts.ByIP
	}
	return m
}

func chunks[T any](items []T, n int) [][]T {
	var out [][]T
	for len(items) > n {
		out = append(out, items[:n])
		items = items[n:]
	}
	if len(items) > 0 {
		out = append(out, items)
	}
	return out
}

func (s *Service) region() string { return s.o.Region }

// each reads every request, at most limit at once, and joins the answers in
// the requests' order.
func each[R any](ctx context.Context, limit int, reqs []R, read func(context.Context, R) ([]Membership, error)) ([]Membership, error) {
	parts := make([][]Membership, len(reqs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, req := range reqs {
		g.Go(func() (err error) {
			parts[i], err = read(ctx, req)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(parts...), nil
}

// scanFrom is the number of instances from which ReadMany considers reading
// every CLB instance of the region instead of looking each instance up.
const scanFrom = 20

// readCLB finds the CLB instances of the targets, then reads each one's
// groups once. DescribeLoadBalancers' ServerId takes one instance, so a
// batch costs a lookup per instance; when the region has few CLB instances
// for the batch (at most a third as many), reading all of them is cheaper
// and is done instead (a CLB instance costs about three reads: its default
// server group, its vServer groups, each group).
func (s *Service) readCLB(ctx context.Context, targets []Target) ([]Membership, error) {
	if s.c.CLB == nil || len(targets) == 0 {
		return nil, nil
	}
	if len(targets) >= scanFrom {
		first, err := s.c.CLB.DescribeLoadBalancers(ctx, &slb.DescribeLoadBalancersRequest{RegionId: s.region(), PageNumber: 1, PageSize: slb.MaxPageSize})
		if err != nil {
			return nil, err
		}
		if first.TotalCount*3 <= len(targets) {
			all, err := s.c.CLB.AllLoadBalancers(ctx, slb.DescribeLoadBalancersRequest{RegionId: s.region()})
			if err != nil {
				return nil, err
			}
			var ids []string
			for _, l := range all {
				ids = appendNew(ids, l.LoadBalancerId)
			}
			return s.readCLBGroups(ctx, ids)
		}
	}
	var mu sync.Mutex
	lbs := map[string]bool{}
	found := func(page []*slb.LoadBalancer) {
		mu.Lock()
		defer mu.Unlock()
		for _, l := range page {
			lbs[l.LoadBalancerId] = true
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.o.Concurrency)
	var ips []string
	for _, t := range targets {
		if t.IP != "" && slices.Contains(ips, t.IP) {
			t.IP = ""
		}
		g.Go(func() error {
			page, err := s.c.CLB.AllLoadBalancers(gctx, slb.DescribeLoadBalancersRequest{RegionId: s.region(), ServerId: t.InstanceID})
			found(page)
			return err
		})
		if t.IP != "" {
			ips = append(ips, t.IP)
		}
	}
	for _, part := range chunks(ips, 20) {
		g.Go(func() error {
			page, err := s.c.CLB.AllLoadBalancers(gctx, slb.DescribeLoadBalancersRequest{RegionId: s.region(), ServerIntranetAddress: strings.Join(part, ",")})
			found(page)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(lbs))
	for id := range lbs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return s.readCLBGroups(ctx, ids)
}

// readCLBGroups reads the default server group and every vServer group of
// each CLB instance.
func (s *Service) readCLBGroups(ctx context.Context, lbIDs []string) ([]Membership, error) {
	var mu sync.Mutex
	var out []Membership
	keep := func(ms []Membership) {
		mu.Lock()
		defer mu.Unlock()
		out = append(out, ms...)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(s.o.Concurrency)
	for _, id := range lbIDs {
		g.Go(func() error {
			ms, err := s.readCLBDefault(ctx, id)
			keep(ms)
			return err
		})
		g.Go(func() error {
			page, err := s.c.CLB.DescribeVServerGroups(ctx, &slb.DescribeVServerGroupsRequest{RegionId: s.region(), LoadBalancerId: id})
			if err != nil {
				return err
			}
			for _, vg := range page.VServerGroups.VServerGroup {
				ms, err := s.readCLBVServerGroup(ctx, id, vg.VServerGroupId)
				if err != nil {
					return err
				}
				keep(ms)
			}
			return nil
		})
	}
	return out, g.Wait()
}

func (s *Service) readCLBDefault(ctx context.Context, lbID string) ([]Membership, error) {
	a, err := s.c.CLB.DescribeLoadBalancerAttribute(ctx, &slb.DescribeLoadBalancerAttributeRequest{RegionId: s.region(), LoadBalancerId: lbID})
	if err != nil {
		return nil, err
	}
	var out []Membership
	for _, b := range a.BackendServers.BackendServer {
		out = append(out, fromCLB(lbID, "", b))
	}
	return out, nil
}

func (s *Service) readCLBVServerGroup(ctx context.Context, lbID, groupID string) ([]Membership, error) {
	a, err := s.c.CLB.DescribeVServerGroupAttribute(ctx, &slb.DescribeVServerGroupAttributeRequest{RegionId: s.region(), VServerGroupId: groupID})
	if err != nil {
		return nil, err
	}
	var out []Membership
	for _, b := range a.BackendServers.BackendServer {
		out = append(out, fromCLB(cmp.Or(a.LoadBalancerId, lbID), groupID, b))
	}
	return out, nil
}

// readALB searches every server group for the targets' IDs and IPs (an Ip
// server group's ServerId is the address), then names each group's load
// balancers.
func (s *Service) readALB(ctx context.Context, targets []Target) ([]Membership, error) {
	if s.c.ALB == nil || len(targets) == 0 {
		return nil, nil
	}
	var ids []string
	for _, t := range targets {
		ids = appendNew(ids, t.InstanceID)
		if t.IP != "" {
			ids = appendNew(ids, t.IP)
		}
	}
	var reqs []alb.ListServerGroupServersRequest
	for _, part := range chunks(ids, alb.MaxServerIds) {
		reqs = append(reqs, alb.ListServerGroupServersRequest{ServerIds: part})
	}
	out, err := each(ctx, s.o.Concurrency, reqs, func(ctx context.Context, req alb.ListServerGroupServersRequest) ([]Membership, error) {
		ms, _, err := s.readALBServers(ctx, req)
		return ms, err
	})
	if err != nil {
		return nil, err
	}
	return out, s.nameALBGroups(ctx, out)
}

// readALBServers also says whether a server is changing (a job under way).
func (s *Service) readALBServers(ctx context.Context, req alb.ListServerGroupServersRequest) ([]Membership, bool, error) {
	servers, err := s.c.ALB.AllServerGroupServers(ctx, req)
	if err != nil {
		return nil, false, err
	}
	var out []Membership
	busy := false
	for _, v := range servers {
		out = append(out, fromServer(facts.ALB, v.ServerId, v.ServerType, v.ServerIp, v.Port, v.Weight, v.Description, v.ServerGroupId))
		busy = busy || changing(v.Status)
	}
	return out, busy, nil
}

// changing says whether an ALB or NLB server's status is that of a job under
// way (Adding, Configuring, Removing, Replacing), as opposed to Available.
func changing(status string) bool {
	switch status {
	case "Adding", "Configuring", "Removing", "Replacing":
		return true
	}
	return false
}

// nameALBGroups fills in the load balancers each membership's group serves.
func (s *Service) nameALBGroups(ctx context.Context, ms []Membership) error {
	ids := groupIDs(ms)
	names := map[string]string{}
	for _, part := range chunks(ids, alb.MaxServerGroupIds) {
		groups, err := s.c.ALB.AllServerGroups(ctx, alb.ListServerGroupsRequest{ServerGroupIds: part})
		if err != nil {
			return err
		}
		for _, g := range groups {
			names[g.ServerGroupId] = strings.Join(g.RelatedLoadBalancerIds, ",")
		}
	}
	for i := range ms {
		ms[i].LoadBalancerID = names[ms[i].ServerGroupID]
	}
	return nil
}

func groupIDs(ms []Membership) []string {
	var ids []string
	for _, m := range ms {
		if !slices.Contains(ids, m.ServerGroupID) {
			ids = append(ids, m.ServerGroupID)
		}
	}
	return ids
}

// readNLB searches every server group for the targets' IDs (ServerIds) and
// addresses (ServerIps), then names each group's load balancers.
func (s *Service) readNLB(ctx context.Context, targets []Target) ([]Membership, error) {
	if s.c.NLB == nil || len(targets) == 0 {
		return nil, nil
	}
	var ids, ips []string
	for _, t := range targets {
		ids = appendNew(ids, t.InstanceID)
		if t.IP != "" {
			ips = appendNew(ips, t.IP)
		}
	}
	var reqs []nlb.ListServerGroupServersRequest
	for _, part := range chunks(ids, nlb.MaxServerIds) {
		reqs = append(reqs, nlb.ListServerGroupServersRequest{RegionId: s.region(), ServerIds: part})
	}
	for _, part := range chunks(ips, nlb.MaxServerIds) {
		reqs = append(reqs, nlb.ListServerGroupServersRequest{RegionId: s.region(), ServerIps: part})
	}
	out, err := each(ctx, s.o.Concurrency, reqs, func(ctx context.Context, req nlb.ListServerGroupServersRequest) ([]Membership, error) {
		ms, _, err := s.readNLBServers(ctx, req)
		return ms, err
	})
	if err != nil {
		return nil, err
	}
	return out, s.nameNLBGroups(ctx, out)
}

func (s *Service) readNLBServers(ctx context.Context, req nlb.ListServerGroupServersRequest) ([]Membership, bool, error) {
	servers, err := s.c.NLB.AllServerGroupServers(ctx, req)
	if err != nil {
		return nil, false, err
	}
	var out []Membership
	busy := false
	for _, v := range servers {
		out = append(out, fromServer(facts.NLB, v.ServerId, v.ServerType, v.ServerIp, v.Port, v.Weight, v.Description, v.ServerGroupId))
		busy = busy || changing(v.Status)
	}
	return out, busy, nil
}

func (s *Service) nameNLBGroups(ctx context.Context, ms []Membership) error {
	names := map[string]string{}
	for _, part := range chunks(groupIDs(ms), nlb.MaxServerGroupIds) {
		groups, err := s.c.NLB.AllServerGroups(ctx, nlb.ListServerGroupsRequest{RegionId: s.region(), ServerGroupIds: part})
		if err != nil {
			return err
		}
		for _, g := range groups {
			names[g.ServerGroupId] = strings.Join(g.RelatedLoadBalancerIds, ",")
		}
	}
	for i := range ms {
		ms[i].LoadBalancerID = names[ms[i].ServerGroupID]
	}
	return nil
}

// readGroup reads one group's registrations of the servers named (IDs and
// addresses), for a write to compare with. busy says that an ALB or NLB job
// is still changing one of them.
func (s *Service) readGroup(ctx context.Context, g group, ids, ips []string) (ms []Membership, busy bool, err error) {
	switch {
	case g.typ == facts.CLB && g.id == "":
		ms, err = s.readCLBDefault(ctx, g.lb)
		return ms, false, err
	case g.typ == facts.CLB:
		ms, err = s.readCLBVServerGroup(ctx, g.lb, g.id)
		return ms, false, err
	case g.typ == facts.ALB:
		for _, part := range chunks(append(slices.Clone(ids), ips...), alb.MaxServerIds) {
			got, b, err := s.readALBServers(ctx, alb.ListServerGroupServersRequest{ServerGroupId: g.id, ServerIds: part})
			if err != nil {
				return nil, false, err
			}
			ms, busy = append(ms, got...), busy || b
		}
		return ms, busy, nil
	case g.typ == facts.NLB:
		for _, part := range chunks(append(slices.Clone(ids), ips...), nlb.MaxServerIds) {
			got, b, err := s.readNLBServers(ctx, nlb.ListServerGroupServersRequest{RegionId: s.region(), ServerGroupId: g.id, ServerIds: part})
			if err != nil {
				return nil, false, err
			}
			ms, busy = append(ms, got...), busy || b
		}
		return ms, busy, nil
	}
	return nil, false, fmt.Errorf("unknown load balancer type %q", g.typ)
}
