package fakeapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// LoadBalancers models an account's load balancers for the memberships of
// instances: CLB instances (API "slb" 2014-05-15) with their default server
// group and vServer groups, and ALB (2020-06-16) and NLB (2022-04-30) server
// groups. It answers the actions pkg/lb calls as the real APIs do, after
// their API reference and official metadata:
//
//   - required parameters: a missing one is 400 Missing<Name> ("<Name> is
//     mandatory for this action.", the gateway's answer);
//   - paging at the documented defaults: DescribeLoadBalancers by PageNumber
//     and PageSize (1-100, 10 unless asked), the ALB and NLB lists by
//     MaxResults (1-100, default 20) and NextToken;
//   - limits: at most 20 servers in a CLB BackendServers list, ALB
//     ListServerGroupServers 20 ServerIds, NLB 40 ServerIds and 40 ServerIps,
//     ALB UpdateServerGroupServersAttribute 40 Servers, other writes 200;
//   - parameter places: NLB reads its parameters from the form body, ALB the
//     Servers of its Add and Update from the body (Request.Form shows them);
//   - ALB and NLB writes are asynchronous: they answer a JobId at once, the
//     servers show Adding, Configuring or Removing, and the job ends (the
//     servers Available, or gone) after JobPolls polls of it (ListAsynJobs,
//     GetJobStatus) or FinishJobs; a ClientToken seen before answers its first
//     job and changes nothing;
//   - a move (Move, or the Fleet the model follows) leaves registrations by
//     IP on the old address, and keeps or drops registrations by instance ID
//     (DropByInstance): the documentation does not say which happens.
//
// Every answer is rendered from the recorded example of its action
// (testdata/api/{slb,alb,nlb}/<Action>.example.http, the official API
// reference's example with every field) with the model's values in place.
// Error codes the reference does not list (a duplicate server, an unknown
// group) are the fake's own and marked so in their messages.
type LoadBalancers struct {
	srv *Server
	// JobPolls is how many polls an ALB or NLB job answers Processing before
	// it ends (default 2).
	JobPolls int
	// DropByInstance makes a move drop the moved instance's registrations by
	// instance ID, as if they did not survive it.
	DropByInstance bool
	// PageLimit, when set, caps every page below what was asked, as a service
	// may: tests use it to read every list across several pages.
	PageLimit int
	mu        sync.Mutex
	// afterWrite, when set (SetAfterWrite), is called after each write that
	// changed something, outside the model's lock (a test kills the run there).
	afterWrite func(action string)
	clbs       map[string]*fakeCLB
	clbOrder   []string
	groups     map[string]*fakeGroup // ALB and NLB server groups by ID
	gOrder     []string
	jobs       map[string]*fakeJob
	tokens     map[string]string // product|ClientToken -> job ID
	failing    map[string]string // action -> error code of its next job
	fleet      *Fleet
	moved      map[string]bool
	written    int // writes that changed something (jobs and CLB calls)

	recMu    sync.Mutex // the recorded examples, read once (apart from mu: templates are read under it)
	recorded map[string]map[string]any
}

// Backend is one registration in a load balancer group. Type is the API's:
// ecs, eni or eci for CLB; Ecs, Eni, Eci or Ip for ALB and NLB (an Ip
// server's ServerID is its address).
type Backend struct {
	ServerID    string
	Type        string
	ServerIP    string
	Port        int
	Weight      int
	Description string
	Status      string // ALB and NLB: Available, Adding, Configuring, Removing
}

type fakeCLB struct {
	id      string
	def     []*Backend
	vgroups []*fakeVGroup
}

type fakeVGroup struct {
	id, name, lb string
	servers      []*Backend
}

type fakeGroup struct {
	product, id, typ string
	vpc              string // "" answers the recorded example's
	lbs              []string
	servers          []*Backend
}

type fakeJob struct {
	id, product, action, group string
	polls                      int
	status, code               string
	end                        func(ok bool) // applies the job's end to the group
}

// NewLoadBalancers makes the server answer the load balancer actions from
// the model, which starts empty.
func NewLoadBalancers(srv *Server) *LoadBalancers {
	l := &LoadBalancers{srv: srv, JobPolls: 2, clbs: map[string]*fakeCLB{}, groups: map[string]*fakeGroup{},
		jobs: map[string]*fakeJob{}, tokens: map[string]string{}, failing: map[string]string{}, moved: map[string]bool{},
		recorded: map[string]map[string]any{}}
	for action, h := range map[string]func(*Request) (int, any){
		"DescribeLoadBalancers":             l.describeLoadBalancers,
		"DescribeLoadBalancerAttribute":     l.describeLoadBalancerAttribute,
		"DescribeVServerGroups":             l.describeVServerGroups,
		"DescribeVServerGroupAttribute":     l.describeVServerGroupAttribute,
		"AddBackendServers":                 l.hooked(l.clbWrite),
		"SetBackendServers":                 l.hooked(l.clbWrite),
		"RemoveBackendServers":              l.hooked(l.clbWrite),
		"AddVServerGroupBackendServers":     l.hooked(l.clbWrite),
		"SetVServerGroupAttribute":          l.hooked(l.clbWrite),
		"RemoveVServerGroupBackendServers":  l.hooked(l.clbWrite),
		"ListServerGroups":                  l.listServerGroups,
		"ListServerGroupServers":            l.listServerGroupServers,
		"AddServersToServerGroup":           l.hooked(l.serversWrite),
		"UpdateServerGroupServersAttribute": l.hooked(l.serversWrite),
		"RemoveServersFromServerGroup":      l.hooked(l.serversWrite),
		"ListAsynJobs":                      l.listAsynJobs,
		"GetJobStatus":                      l.getJobStatus,
	} {
		srv.Always(action, Step{Respond: h})
	}
	return l
}

// SetAfterWrite sets (or, with nil, clears) what is called after each write
// that changed something; the server's goroutines read it under the lock.
func (l *LoadBalancers) SetAfterWrite(fn func(action string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.afterWrite = fn
}

// hooked calls the afterWrite hook after a write that changed something.
func (l *LoadBalancers) hooked(h func(*Request) (int, any)) func(*Request) (int, any) {
	return func(r *Request) (int, any) {
		l.mu.Lock()
		before := l.written
		l.mu.Unlock()
		st, body := h(r)
		l.mu.Lock()
		changed, hook := l.written != before, l.afterWrite
		l.mu.Unlock()
		if changed && hook != nil {
			hook(r.Action)
		}
		return st, body
	}
}

// AddCLB makes a CLB instance with an empty default server group.
func (l *LoadBalancers) AddCLB(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clbs[id] == nil {
		l.clbs[id] = &fakeCLB{id: id}
		l.clbOrder = append(l.clbOrder, id)
	}
}

// AddVServerGroup makes a vServer group of a CLB instance (made if needed).
func (l *LoadBalancers) AddVServerGroup(lbID, groupID string) {
	l.AddCLB(lbID)
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clbs[lbID]
	c.vgroups = append(c.vgroups, &fakeVGroup{id: groupID, name: "group-" + groupID, lb: lbID})
}

// AddCLBBackend registers a server in a CLB instance's default server group
// (groupID "") or one of its vServer groups.
func (l *LoadBalancers) AddCLBBackend(lbID, groupID string, b Backend) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b.Type == "" {
		b.Type = "ecs"
	}
	if groupID == "" {
		l.clbs[lbID].def = append(l.clbs[lbID].def, &b)
		return
	}
	g := l.vgroup(groupID)
	g.servers = append(g.servers, &b)
}

// AddServerGroup makes an ALB or NLB ("alb", "nlb") server group of a type
// (Instance or Ip) serving the load balancers named.
func (l *LoadBalancers) AddServerGroup(product, groupID, groupType string, lbIDs ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.groups[groupID] = &fakeGroup{product: product, id: groupID, typ: groupType, lbs: lbIDs}
	l.gOrder = append(l.gOrder, groupID)
}

// SetGroupVPC puts an ALB or NLB server group in a VPC (its VpcId).
func (l *LoadBalancers) SetGroupVPC(groupID, vpcID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.groups[groupID].vpc = vpcID
}

// AddServer registers a server in an ALB or NLB server group (Available).
func (l *LoadBalancers) AddServer(groupID string, b Backend) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b.Status == "" {
		b.Status = "Available"
	}
	l.groups[groupID].servers = append(l.groups[groupID].servers, &b)
}

// Backends are the registrations of a group now: a CLB instance's default
// server group (by the CLB ID), a vServer group or a server group.
func (l *LoadBalancers) Backends(id string) []Backend {
	l.mu.Lock()
	defer l.mu.Unlock()
	var list []*Backend
	switch {
	case l.clbs[id] != nil:
		list = l.clbs[id].def
	case l.groups[id] != nil:
		list = l.groups[id].servers
	case l.vgroup(id) != nil:
		list = l.vgroup(id).servers
	}
	out := make([]Backend, len(list))
	for i, b := range list {
		out[i] = *b
	}
	return out
}

// Writes is how many writes changed something: CLB calls and ALB/NLB jobs.
func (l *LoadBalancers) Writes() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.written
}

// FailNextJob makes the next job of an ALB or NLB write action end Failed
// with code, its change undone.
func (l *LoadBalancers) FailNextJob(action, code string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failing[action] = code
}

// FinishJobs ends every job still processing, as time would.
func (l *LoadBalancers) FinishJobs() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, j := range l.jobs {
		if j.status == "Processing" {
			l.endJob(j)
		}
	}
}

// Processing is how many jobs have not ended.
func (l *LoadBalancers) Processing() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, j := range l.jobs {
		if j.status == "Processing" {
			n++
		}
	}
	return n
}

// Move is what a cross-zone move does to the instance's registrations: its
// registrations by instance ID show the new address (or are dropped, with
// DropByInstance); registrations by IP keep the old address.
func (l *LoadBalancers) Move(instanceID, newIP string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.move(instanceID, newIP)
}

func (l *LoadBalancers) move(instanceID, newIP string) {
	l.moved[instanceID] = true
	apply := func(list []*Backend) []*Backend {
		var out []*Backend
		for _, b := range list {
			if b.ServerID == instanceID {
				if l.DropByInstance {
					continue
				}
				if b.ServerIP != "" {
					b.ServerIP = newIP
				}
			}
			out = append(out, b)
		}
		return out
	}
	for _, c := range l.clbs {
		c.def = apply(c.def)
		for _, g := range c.vgroups {
			g.servers = apply(g.servers)
		}
	}
	for _, g := range l.groups {
		g.servers = apply(g.servers)
	}
}

// Follow makes the model see the fleet's moves: once an instance's job has
// moved it, its registrations change as Move says, before the next answer.
func (l *LoadBalancers) Follow(f *Fleet) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fleet = f
}

// catchUp applies the fleet's moves not seen yet. The fleet is asked before
// the model's lock is taken.
func (l *LoadBalancers) catchUp() {
	l.mu.Lock()
	f := l.fleet
	l.mu.Unlock()
	if f == nil {
		return
	}
	for _, id := range f.instanceIDs() {
		if !f.Moved(id) {
			continue
		}
		ip := f.PrivateIP(id)
		l.mu.Lock()
		if !l.moved[id] {
			l.move(id, ip)
		}
		l.mu.Unlock()
	}
}

func (l *LoadBalancers) vgroup(id string) *fakeVGroup {
	for _, c := range l.clbs {
		for _, g := range c.vgroups {
			if g.id == id {
				return g
			}
		}
	}
	return nil
}

// template is the first item of a list of a recorded example (or the whole
// body when path is empty), as a fresh map.
func (l *LoadBalancers) template(product, action string, path ...string) (map[string]any, error) {
	file := filepath.Join(product, action+".example.http")
	l.recMu.Lock()
	defer l.recMu.Unlock()
	body, ok := l.recorded[file]
	if !ok {
		_, _, raw, err := ReadRecorded(filepath.Join(l.srv.Dir, file))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		l.recorded[file] = body
	}
	var v any = body
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
		if list, ok := v.([]any); ok {
			if len(list) == 0 {
				return nil, fmt.Errorf("%s: %s is empty", file, p)
			}
			v = list[0]
		}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: no object at %v", file, path)
	}
	return deepCopy(m), nil
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// required answers 400 Missing<Name> for the first absent parameter.
func required(r *Request, names ...string) (int, any, bool) {
	for _, n := range names {
		if r.Params.Get(n) == "" && !r.Params.Has(n+".1") && !r.Params.Has(n+".1.ServerId") {
			return 400, apiError("FAKE-MISSING", "Missing"+n, n+" is mandatory for this action."), true
		}
	}
	return 0, nil, false
}

// --- CLB ---

func (l *LoadBalancers) describeLoadBalancers(r *Request) (int, any) {
	l.catchUp()
	if st, body, bad := required(r, "RegionId"); bad {
		return st, body
	}
	serverID, lbID := r.Params.Get("ServerId"), r.Params.Get("LoadBalancerId")
	var ips []string
	if v := r.Params.Get("ServerIntranetAddress"); v != "" {
		ips = strings.Split(v, ",")
	}
	l.mu.Lock()
	var match []string
	for _, id := range l.clbOrder {
		c := l.clbs[id]
		all := slices.Clone(c.def)
		for _, g := range c.vgroups {
			all = append(all, g.servers...)
		}
		has := func(pred func(*Backend) bool) bool { return slices.ContainsFunc(all, pred) }
		if (lbID == "" || lbID == id) &&
			(serverID == "" || has(func(b *Backend) bool { return b.ServerID == serverID })) &&
			(ips == nil || has(func(b *Backend) bool { return slices.Contains(ips, b.ServerIP) })) {
			match = append(match, id)
		}
	}
	l.mu.Unlock()
	return listAnswer(r, "FAKE-CLB-LIST", match, paging{number: sizes{10, 1, 100}, limit: l.PageLimit}, "LoadBalancers", "LoadBalancer",
		func(id string) (any, error) {
			t, err := l.template("slb", "DescribeLoadBalancers", "LoadBalancers", "LoadBalancer")
			if err != nil {
				return nil, err
			}
			t["LoadBalancerId"], t["LoadBalancerName"], t["RegionId"] = id, "clb-"+id, r.Params.Get("RegionId")
			return t, nil
		})
}

func (l *LoadBalancers) describeLoadBalancerAttribute(r *Request) (int, any) {
	l.catchUp()
	if st, body, bad := required(r, "LoadBalancerId"); bad {
		return st, body
	}
	id := r.Params.Get("LoadBalancerId")
	t, err := l.template("slb", "DescribeLoadBalancerAttribute")
	if err != nil {
		return misconfigured(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clbs[id]
	if c == nil {
		return 400, apiError("FAKE-CLB", "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.")
	}
	item, err := l.template("slb", "DescribeLoadBalancerAttribute", "BackendServers", "BackendServer")
	if err != nil {
		return misconfigured(err)
	}
	t["LoadBalancerId"], t["LoadBalancerName"], t["RequestId"] = id, "clb-"+id, "FAKE-CLB-ATTRIBUTE"
	t["BackendServers"] = map[string]any{"BackendServer": clbServers(item, c.def, false)}
	return 200, t
}

// clbServers renders CLB backends on the recorded item; port only in vServer
// groups.
func clbServers(item map[string]any, list []*Backend, withPort bool) []any {
	out := []any{}
	for _, b := range list {
		v := deepCopy(item)
		v["ServerId"], v["Type"], v["ServerIp"], v["Weight"], v["Description"] = b.ServerID, b.Type, b.ServerIP, b.Weight, b.Description
		if withPort {
			v["Port"] = b.Port
		}
		out = append(out, v)
	}
	return out
}

func (l *LoadBalancers) describeVServerGroups(r *Request) (int, any) {
	if st, body, bad := required(r, "RegionId", "LoadBalancerId"); bad {
		return st, body
	}
	t, err := l.template("slb", "DescribeVServerGroups")
	if err != nil {
		return misconfigured(err)
	}
	item, err := l.template("slb", "DescribeVServerGroups", "VServerGroups", "VServerGroup")
	if err != nil {
		return misconfigured(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clbs[r.Params.Get("LoadBalancerId")]
	if c == nil {
		return 400, apiError("FAKE-CLB", "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.")
	}
	list := []any{}
	for _, g := range c.vgroups {
		v := deepCopy(item)
		v["VServerGroupId"], v["VServerGroupName"], v["ServerCount"] = g.id, g.name, len(g.servers)
		list = append(list, v)
	}
	t["RequestId"], t["VServerGroups"] = "FAKE-CLB-VGROUPS", map[string]any{"VServerGroup": list}
	return 200, t
}

func (l *LoadBalancers) describeVServerGroupAttribute(r *Request) (int, any) {
	l.catchUp()
	if st, body, bad := required(r, "RegionId", "VServerGroupId"); bad {
		return st, body
	}
	t, err := l.template("slb", "DescribeVServerGroupAttribute")
	if err != nil {
		return misconfigured(err)
	}
	item, err := l.template("slb", "DescribeVServerGroupAttribute", "BackendServers", "BackendServer")
	if err != nil {
		return misconfigured(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.vgroup(r.Params.Get("VServerGroupId"))
	if g == nil {
		return 400, apiError("FAKE-CLB", "InvalidParameter.VServerGroupId", "The specified VServerGroupId does not exist (the fake's code).")
	}
	t["RequestId"], t["VServerGroupId"], t["VServerGroupName"], t["LoadBalancerId"] = "FAKE-CLB-VGROUP", g.id, g.name, g.lb
	t["BackendServers"] = map[string]any{"BackendServer": clbServers(item, g.servers, true)}
	return 200, t
}

// clbBackend is one entry of a BackendServers JSON list (Weight and Port as
// numbers or strings, as the reference's examples send them).
type clbBackend struct {
	ServerId    string          `json:"ServerId"`
	Type        string          `json:"Type"`
	ServerIp    string          `json:"ServerIp"`
	Port        json.RawMessage `json:"Port"`
	Weight      json.RawMessage `json:"Weight"`
	Description string          `json:"Description"`
}

func rawInt(raw json.RawMessage, def int) (int, error) {
	s := strings.Trim(string(raw), `"`)
	if s == "" || s == "null" {
		return def, nil
	}
	return strconv.Atoi(s)
}

func (l *LoadBalancers) clbWrite(r *Request) (int, any) {
	l.catchUp()
	action := r.Action
	vgroup := strings.Contains(action, "VServerGroup")
	req := []string{"LoadBalancerId", "BackendServers"}
	if vgroup {
		req = []string{"RegionId", "VServerGroupId", "BackendServers"}
	}
	if st, body, bad := required(r, req...); bad {
		return st, body
	}
	var list []clbBackend
	if err := json.Unmarshal([]byte(r.Params.Get("BackendServers")), &list); err != nil {
		return invalidParam("BackendServers", "BackendServers is not a JSON array: %v", err)
	}
	if len(list) > 20 {
		return invalidParam("BackendServers", "BackendServers takes at most 20 servers a call, not %d", len(list))
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var servers *[]*Backend
	var file string
	if vgroup {
		g := l.vgroup(r.Params.Get("VServerGroupId"))
		if g == nil {
			return 400, apiError("FAKE-CLB", "InvalidParameter.VServerGroupId", "The specified VServerGroupId does not exist (the fake's code).")
		}
		servers, file = &g.servers, action
	} else {
		c := l.clbs[r.Params.Get("LoadBalancerId")]
		if c == nil {
			return 400, apiError("FAKE-CLB", "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.")
		}
		servers, file = &c.def, action
	}
	var parsed []Backend
	for _, e := range list {
		if e.ServerId == "" {
			return invalidParam("BackendServers", "every backend server needs a ServerId")
		}
		w, err := rawInt(e.Weight, 100)
		p, err2 := rawInt(e.Port, 0)
		if err != nil || err2 != nil || w < 0 || w > 100 {
			return invalidParam("BackendServers", "Weight must be 0 to 100 and Port a number")
		}
		if vgroup && p == 0 && !strings.HasPrefix(action, "Remove") {
			return invalidParam("BackendServers", "a vServer group's backend needs its Port")
		}
		typ := e.Type
		if typ == "" {
			typ = "ecs"
		}
		parsed = append(parsed, Backend{ServerID: e.ServerId, Type: typ, ServerIP: e.ServerIp, Port: p, Weight: w, Description: e.Description})
	}
	same := func(a *Backend, b Backend) bool {
		return a.ServerID == b.ServerID && a.Port == b.Port && (a.Type == "ecs" || a.ServerIP == b.ServerIP)
	}
	switch {
	case strings.HasPrefix(action, "Add"):
		for _, b := range parsed {
			if slices.ContainsFunc(*servers, func(a *Backend) bool { return same(a, b) }) {
				return 400, apiError("FAKE-CLB", "BackendServer.AlreadyExists", "The backend server "+b.ServerID+" is already added (the fake's code).")
			}
		}
		for _, b := range parsed {
			*servers = append(*servers, &b)
		}
	case strings.HasPrefix(action, "Set"):
		for _, b := range parsed {
			i := slices.IndexFunc(*servers, func(a *Backend) bool { return same(a, b) })
			if i < 0 {
				return 400, apiError("FAKE-CLB", "BackendServer.NotExist", "The backend server "+b.ServerID+" is not in the group (the fake's code).")
			}
			(*servers)[i].Weight = b.Weight
			if b.Description != "" {
				(*servers)[i].Description = b.Description
			}
		}
	default:
		for _, b := range parsed {
			*servers = slices.DeleteFunc(*servers, func(a *Backend) bool { return same(a, b) })
		}
	}
	l.written++
	t, err := l.template("slb", file)
	if err != nil {
		return misconfigured(err)
	}
	item, err := l.template("slb", file, "BackendServers", "BackendServer")
	if err != nil {
		return misconfigured(err)
	}
	t["RequestId"] = "FAKE-CLB-" + strings.ToUpper(action)
	t["BackendServers"] = map[string]any{"BackendServer": clbServers(item, *servers, vgroup)}
	if vgroup {
		t["VServerGroupId"] = r.Params.Get("VServerGroupId")
	} else {
		t["LoadBalancerId"] = r.Params.Get("LoadBalancerId")
	}
	return 200, t
}

// --- ALB and NLB ---

func productOf(r *Request) string {
	if r.Service == "nlb" {
		return "nlb"
	}
	return "alb"
}

func (l *LoadBalancers) listServerGroups(r *Request) (int, any) {
	product := productOf(r)
	ids, bad := repeatList(r, "ServerGroupIds", 20)
	if bad != nil {
		return bad.answer()
	}
	l.mu.Lock()
	var match []*fakeGroup
	for _, id := range l.gOrder {
		g := l.groups[id]
		if g.product == product && (len(ids) == 0 || slices.Contains(ids, id)) &&
			(r.Params.Get("ServerGroupType") == "" || r.Params.Get("ServerGroupType") == g.typ) {
			match = append(match, g)
		}
	}
	l.mu.Unlock()
	st, body := listAnswer(r, "FAKE-"+strings.ToUpper(product)+"-GROUPS", match, paging{token: sizes{20, 1, 100}, limit: l.PageLimit}, "ServerGroups", "", func(g *fakeGroup) (any, error) {
		t, err := l.template(product, "ListServerGroups", "ServerGroups")
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		t["ServerGroupId"], t["ServerGroupName"], t["ServerGroupType"], t["ServerCount"] = g.id, "group-"+g.id, g.typ, len(g.servers)
		t["RelatedLoadBalancerIds"] = slices.Clone(g.lbs)
		if g.vpc != "" {
			t["VpcId"] = g.vpc
		}
		t["ServerGroupStatus"] = "Available"
		for _, j := range l.jobs {
			if j.group == g.id && j.status == "Processing" {
				t["ServerGroupStatus"] = "Configuring"
			}
		}
		return t, nil
	})
	return l.whole(r, product, "ListServerGroups", st, body, "ServerGroups")
}

// whole turns listAnswer's {outer: {"": [...]}} into the ALB/NLB shape
// {outer: [...]} on the recorded example's other fields, with MaxResults as
// the page asked for.
func (l *LoadBalancers) whole(r *Request, product, action string, st int, body any, outer string) (int, any) {
	m, ok := body.(map[string]any)
	if !ok || st != 200 {
		return st, body
	}
	t, err := l.template(product, action)
	if err != nil {
		return misconfigured(err)
	}
	for k, v := range m {
		t[k] = v
	}
	if inner, ok := m[outer].(map[string]any); ok {
		t[outer] = inner[""]
	}
	size, _ := intParam(r, "MaxResults", sizes{20, 1, 100})
	t["MaxResults"] = size
	return 200, t
}

func (l *LoadBalancers) listServerGroupServers(r *Request) (int, any) {
	l.catchUp()
	product := productOf(r)
	maxIDs := 20
	if product == "nlb" {
		maxIDs = 40
	}
	ids, bad := repeatList(r, "ServerIds", maxIDs)
	if bad != nil {
		return bad.answer()
	}
	ips, bad := repeatList(r, "ServerIps", 40)
	if bad != nil {
		return bad.answer()
	}
	if product == "alb" && len(ips) > 0 {
		return invalidParam("ServerIps", "ALB's ListServerGroupServers takes no ServerIps")
	}
	groupID := r.Params.Get("ServerGroupId")
	type ref struct {
		g *fakeGroup
		b Backend
	}
	l.mu.Lock()
	if groupID != "" && (l.groups[groupID] == nil || l.groups[groupID].product != product) {
		l.mu.Unlock()
		return 400, apiError("FAKE-"+strings.ToUpper(product), "ResourceNotFound.ServerGroup", "The specified server group does not exist (the fake's code).")
	}
	var match []ref
	for _, id := range l.gOrder {
		g := l.groups[id]
		if g.product != product || groupID != "" && groupID != id {
			continue
		}
		// Time passes between calls: a read of a group also counts as a
		// poll of the jobs changing it.
		for _, j := range l.jobs {
			if j.group == id {
				l.poll(j)
			}
		}
		for _, b := range g.servers {
			if (len(ids) == 0 || slices.Contains(ids, b.ServerID)) && (len(ips) == 0 || slices.Contains(ips, b.ServerIP) || slices.Contains(ips, b.ServerID) && b.Type == "Ip") {
				match = append(match, ref{g, *b})
			}
		}
	}
	l.mu.Unlock()
	st, body := listAnswer(r, "FAKE-"+strings.ToUpper(product)+"-SERVERS", match, paging{token: sizes{20, 1, 100}, limit: l.PageLimit}, "Servers", "", func(v ref) (any, error) {
		t, err := l.template(product, "ListServerGroupServers", "Servers")
		if err != nil {
			return nil, err
		}
		t["ServerGroupId"], t["ServerId"], t["ServerType"], t["ServerIp"] = v.g.id, v.b.ServerID, v.b.Type, v.b.ServerIP
		t["Port"], t["Weight"], t["Description"], t["Status"] = v.b.Port, v.b.Weight, v.b.Description, v.b.Status
		return t, nil
	})
	return l.whole(r, product, "ListServerGroupServers", st, body, "Servers")
}

// servers reads Servers.N.* of a write.
func servers(r *Request) ([]Backend, *errorAnswer) {
	var out []Backend
	for i := 1; ; i++ {
		p := "Servers." + strconv.Itoa(i) + "."
		if !r.Params.Has(p+"ServerId") && !r.Params.Has(p+"ServerType") {
			return out, nil
		}
		b := Backend{ServerID: r.Params.Get(p + "ServerId"), Type: r.Params.Get(p + "ServerType"), ServerIP: r.Params.Get(p + "ServerIp"),
			Description: r.Params.Get(p + "Description"), Weight: 100}
		if b.ServerID == "" || b.Type == "" {
			return nil, &errorAnswer{"Servers", fmt.Sprintf("Servers.%d needs ServerId and ServerType", i)}
		}
		if v := r.Params.Get(p + "Port"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return nil, &errorAnswer{"Servers", fmt.Sprintf("Servers.%d.Port %q must be 1 to 65535", i, v)}
			}
			b.Port = n
		}
		if v := r.Params.Get(p + "Weight"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 100 {
				return nil, &errorAnswer{"Servers", fmt.Sprintf("Servers.%d.Weight %q must be 0 to 100", i, v)}
			}
			b.Weight = n
		}
		out = append(out, b)
	}
}

func (l *LoadBalancers) serversWrite(r *Request) (int, any) {
	l.catchUp()
	product, action := productOf(r), r.Action
	if st, body, bad := required(r, "ServerGroupId", "Servers"); bad {
		return st, body
	}
	list, bad := servers(r)
	if bad != nil {
		return bad.answer()
	}
	most := 200
	if product == "alb" && action == "UpdateServerGroupServersAttribute" {
		most = 40
	}
	if len(list) > most {
		return invalidParam("Servers", "Servers takes at most %d servers a call, not %d", most, len(list))
	}
	// Where the official metadata puts Servers: NLB's in the body, ALB's in
	// the body for Add and Update and in the query for Remove.
	inBody := product == "nlb" || action != "RemoveServersFromServerGroup"
	if r.Form.Has("Servers.1.ServerId") != inBody {
		return invalidParam("Servers", "Servers were sent in the wrong place for %s %s", product, action)
	}
	t, err := l.template(product, action)
	if err != nil {
		return misconfigured(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.groups[r.Params.Get("ServerGroupId")]
	if g == nil || g.product != product {
		return 400, apiError("FAKE-"+strings.ToUpper(product), "ResourceNotFound.ServerGroup", "The specified server group does not exist (the fake's code).")
	}
	if token := r.Params.Get("ClientToken"); token != "" {
		if id, ok := l.tokens[product+"|"+token]; ok {
			t["JobId"], t["RequestId"] = id, "FAKE-"+strings.ToUpper(product)+"-"+action
			return 200, t
		}
	}
	same := func(a *Backend, b Backend) bool {
		return a.ServerID == b.ServerID && a.Port == b.Port && a.ServerIP == b.ServerIP
	}
	find := func(b Backend) *Backend {
		for _, a := range g.servers {
			if same(a, b) || a.ServerID == b.ServerID && a.Port == b.Port && (b.ServerIP == "" || a.Type == "Ecs" || a.Type == "Ip") {
				return a
			}
		}
		return nil
	}
	var end func(ok bool)
	switch action {
	case "AddServersToServerGroup":
		var added []*Backend
		for _, b := range list {
			if find(b) != nil {
				return 400, apiError("FAKE-"+strings.ToUpper(product), "ResourceAlreadyAssociated.BackendServer", "The server "+b.ServerID+" is already in the group (the fake's code).")
			}
			if (g.typ == "Ip") != (b.Type == "Ip") {
				return invalidParam("ServerType", "a %s server group takes no %s servers", g.typ, b.Type)
			}
		}
		for _, b := range list {
			b.Status = "Adding"
			g.servers = append(g.servers, &b)
			added = append(added, &b)
		}
		end = func(ok bool) {
			for _, a := range added {
				a.Status = "Available"
			}
			if !ok {
				g.servers = slices.DeleteFunc(g.servers, func(a *Backend) bool { return slices.Contains(added, a) })
			}
		}
	case "UpdateServerGroupServersAttribute":
		type undo struct {
			b      *Backend
			weight int
			desc   string
		}
		var undos []undo
		for _, b := range list {
			a := find(b)
			if a == nil {
				return 400, apiError("FAKE-"+strings.ToUpper(product), "ResourceNotFound.BackendServer", "The server "+b.ServerID+" is not in the group (the fake's code).")
			}
			undos = append(undos, undo{a, a.Weight, a.Description})
		}
		for i, b := range list {
			a := undos[i].b
			a.Weight, a.Status = b.Weight, "Configuring"
			if b.Description != "" {
				a.Description = b.Description
			}
		}
		end = func(ok bool) {
			for _, u := range undos {
				u.b.Status = "Available"
				if !ok {
					u.b.Weight, u.b.Description = u.weight, u.desc
				}
			}
		}
	default:
		var gone []*Backend
		for _, b := range list {
			if a := find(b); a != nil {
				a.Status = "Removing"
				gone = append(gone, a)
			}
		}
		end = func(ok bool) {
			if ok {
				g.servers = slices.DeleteFunc(g.servers, func(a *Backend) bool { return slices.Contains(gone, a) })
				return
			}
			for _, a := range gone {
				a.Status = "Available"
			}
		}
	}
	l.written++
	id := fmt.Sprintf("%s-job-%04d", product, len(l.jobs)+1)
	j := &fakeJob{id: id, product: product, action: action, group: g.id, status: "Processing", end: end}
	if code, ok := l.failing[action]; ok {
		j.code = code
		delete(l.failing, action)
	}
	l.jobs[id] = j
	if token := r.Params.Get("ClientToken"); token != "" {
		l.tokens[product+"|"+token] = id
	}
	t["JobId"], t["RequestId"] = id, "FAKE-"+strings.ToUpper(product)+"-"+action
	if _, ok := t["ServerGroupId"]; ok {
		t["ServerGroupId"] = g.id
	}
	return 200, t
}

// poll counts one poll of a job and ends it at JobPolls.
func (l *LoadBalancers) poll(j *fakeJob) {
	if j.status != "Processing" {
		return
	}
	if j.polls++; j.polls >= max(l.JobPolls, 1) {
		l.endJob(j)
	}
}

func (l *LoadBalancers) endJob(j *fakeJob) {
	j.status = "Succeeded"
	if j.code != "" {
		j.status = "Failed"
	}
	j.end(j.status == "Succeeded")
}

func (l *LoadBalancers) listAsynJobs(r *Request) (int, any) {
	ids, bad := repeatList(r, "JobIds", 100)
	if bad != nil {
		return bad.answer()
	}
	l.mu.Lock()
	var match []*fakeJob
	for _, id := range slices.Sorted(maps.Keys(l.jobs)) {
		j := l.jobs[id]
		if j.product == "alb" && (len(ids) == 0 || slices.Contains(ids, id)) {
			l.poll(j)
			match = append(match, j)
		}
	}
	views := map[*fakeJob][3]string{}
	for _, j := range match {
		views[j] = [3]string{j.status, j.code, j.action}
	}
	l.mu.Unlock()
	st, body := listAnswer(r, "FAKE-ALB-JOBS", match, paging{token: sizes{20, 1, 100}, limit: l.PageLimit}, "Jobs", "", func(j *fakeJob) (any, error) {
		t, err := l.template("alb", "ListAsynJobs", "Jobs")
		if err != nil {
			return nil, err
		}
		v := views[j]
		t["Id"], t["Status"], t["ApiName"], t["ResourceId"], t["ResourceType"], t["OperateType"] = j.id, v[0], v[2], j.group, "servergroup", "Update"
		t["ErrorCode"], t["ErrorMessage"] = v[1], ""
		if v[1] != "" {
			t["ErrorMessage"] = "the job failed (injected by the test)"
		}
		return t, nil
	})
	return l.whole(r, "alb", "ListAsynJobs", st, body, "Jobs")
}

func (l *LoadBalancers) getJobStatus(r *Request) (int, any) {
	if st, body, bad := required(r, "JobId"); bad {
		return st, body
	}
	t, err := l.template("nlb", "GetJobStatus")
	if err != nil {
		return misconfigured(err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	j := l.jobs[r.Params.Get("JobId")]
	if j == nil || j.product != "nlb" {
		return 400, apiError("FAKE-NLB", "ResourceNotFound.Job", "The specified job does not exist (the fake's code).")
	}
	l.poll(j)
	t["RequestId"], t["Status"] = "FAKE-NLB-JOB", j.status
	return 200, t
}
