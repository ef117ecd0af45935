package lb

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
	"github.com/google/go-cmp/cmp"

	"github.com/zonemove/zonemove/pkg/alb"
	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/nlb"
	"github.com/zonemove/zonemove/pkg/slb"
)

const (
	inst  = "i-bp1ff25rzvnul6kr0001"
	other = "i-bp1ff25rzvnul6kr0002"
	oldIP = "172.16.1.23"
	newIP = "172.16.2.101"
)

// newService is a service calling CLB, ALB and NLB on srv, with a clock that
// stands still but for its sleeps.
func newService(t testing.TB, srv *fakeapi.Server) *Service {
	t.Helper()
	p, err := providers.NewStaticAKCredentialsProviderBuilder().
		WithAccessKeyId(fakeapi.AccessKeyID).WithAccessKeySecret(fakeapi.AccessKeySecret).Build()
	if err != nil {
		t.Fatal(err)
	}
	ep := api.Endpoint{Protocol: "http", Host: srv.Host()}
	s := api.NewSession("cn-hangzhou", credentials.FromCredentialsProvider("static", p),
		api.Endpoints{api.SLB: ep, api.ALB: ep, api.NLB: ep}, api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "zonemove/test")
	s.DialGuard = fakeapi.LoopbackOnly
	c := Clients{}
	if c.CLB, err = slb.NewClient(s); err != nil {
		t.Fatal(err)
	}
	if c.ALB, err = alb.NewClient(s); err != nil {
		t.Fatal(err)
	}
	if c.NLB, err = nlb.NewClient(s); err != nil {
		t.Fatal(err)
	}
	clock := fakeapi.NewClock()
	return New(c, Options{Region: "cn-hangzhou", Now: clock.Now, Sleep: clock.Sleep, JobPoll: 2 * time.Second, JobTimeout: time.Minute})
}

// world is an instance in a CLB default server group and a vServer group, a
// CLB vServer group by its ENI's address, two ALB server groups by instance
// and one by IP, and NLB server groups by instance and by IP; with other
// servers beside it, and lists long enough to span pages.
func world(t *testing.T) (*fakeapi.Server, *fakeapi.LoadBalancers) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	l := fakeapi.NewLoadBalancers(srv)
	l.PageLimit = 2
	l.AddCLB("lb-bp1clb0000000001")
	l.AddCLBBackend("lb-bp1clb0000000001", "", fakeapi.Backend{ServerID: other, Type: "ecs", Weight: 100})
	l.AddCLBBackend("lb-bp1clb0000000001", "", fakeapi.Backend{ServerID: inst, Type: "ecs", Weight: 100, Description: "web"})
	l.AddVServerGroup("lb-bp1clb0000000001", "rsp-bp1vsg00000001")
	l.AddCLBBackend("lb-bp1clb0000000001", "rsp-bp1vsg00000001", fakeapi.Backend{ServerID: inst, Type: "ecs", Port: 80, Weight: 50, Description: "api"})
	l.AddCLBBackend("lb-bp1clb0000000001", "rsp-bp1vsg00000001", fakeapi.Backend{ServerID: other, Type: "ecs", Port: 80, Weight: 50})
	l.AddVServerGroup("lb-bp1clb0000000002", "rsp-bp1vsg00000002")
	l.AddCLBBackend("lb-bp1clb0000000002", "rsp-bp1vsg00000002", fakeapi.Backend{ServerID: "eni-bp1eni000000001", Type: "eni", ServerIP: oldIP, Port: 8080, Weight: 20})
	for _, id := range []string{"lb-bp1clb0000000003", "lb-bp1clb0000000004", "lb-bp1clb0000000005"} {
		l.AddCLB(id)
		l.AddCLBBackend(id, "", fakeapi.Backend{ServerID: other, Type: "ecs", Weight: 100})
	}
	l.AddCLBBackend("lb-bp1clb0000000004", "", fakeapi.Backend{ServerID: inst, Type: "ecs", Weight: 40})
	l.AddServerGroup("alb", "sgp-alb0000000000001", "Instance", "alb-bp1alb000000001")
	l.AddServer("sgp-alb0000000000001", fakeapi.Backend{ServerID: inst, Type: "Ecs", Port: 8080, Weight: 80, Description: "alb"})
	l.AddServer("sgp-alb0000000000001", fakeapi.Backend{ServerID: other, Type: "Ecs", Port: 8080, Weight: 80})
	l.AddServerGroup("alb", "sgp-alb0000000000002", "Instance", "alb-bp1alb000000001", "alb-bp1alb000000002")
	l.AddServer("sgp-alb0000000000002", fakeapi.Backend{ServerID: inst, Type: "Ecs", Port: 8081, Weight: 70})
	l.AddServerGroup("alb", "sgp-alb0000000000003", "Ip", "alb-bp1alb000000001")
	l.AddServer("sgp-alb0000000000003", fakeapi.Backend{ServerID: oldIP, Type: "Ip", ServerIP: oldIP, Port: 9090, Weight: 60})
	l.AddServerGroup("nlb", "sgp-nlb0000000000001", "Instance", "nlb-bp1nlb000000001")
	l.AddServer("sgp-nlb0000000000001", fakeapi.Backend{ServerID: inst, Type: "Ecs", ServerIP: oldIP, Port: 443, Weight: 10})
	l.AddServerGroup("nlb", "sgp-nlb0000000000002", "Ip", "nlb-bp1nlb000000001")
	l.AddServer("sgp-nlb0000000000002", fakeapi.Backend{ServerID: oldIP, Type: "Ip", ServerIP: oldIP, Port: 443, Weight: 30})
	l.AddServer("sgp-nlb0000000000002", fakeapi.Backend{ServerID: "172.16.1.99", Type: "Ip", ServerIP: "172.16.1.99", Port: 443, Weight: 30})
	return srv, l
}

func wantBefore() []Membership {
	clb, alb, nlb := facts.CLB, facts.ALB, facts.NLB
	byID, byIP := facts.ByInstance, facts.ByIP
	return []Membership{
		{Type: clb, LoadBalancerID: "lb-bp1clb0000000001", Weight: 100, Description: "web", RegisteredBy: byID, ServerID: inst, ServerType: "ecs"},
		{Type: clb, LoadBalancerID: "lb-bp1clb0000000001", ServerGroupID: "rsp-bp1vsg00000001", Port: 80, Weight: 50, Description: "api", RegisteredBy: byID, ServerID: inst, ServerType: "ecs"},
		{Type: clb, LoadBalancerID: "lb-bp1clb0000000002", ServerGroupID: "rsp-bp1vsg00000002", Port: 8080, Weight: 20, RegisteredBy: byIP, IP: oldIP, ServerID: "eni-bp1eni000000001", ServerType: "eni"},
		{Type: clb, LoadBalancerID: "lb-bp1clb0000000004", Weight: 40, RegisteredBy: byID, ServerID: inst, ServerType: "ecs"},
		{Type: alb, LoadBalancerID: "alb-bp1alb000000001", ServerGroupID: "sgp-alb0000000000001", Port: 8080, Weight: 80, Description: "alb", RegisteredBy: byID, ServerID: inst, ServerType: "Ecs"},
		{Type: alb, LoadBalancerID: "alb-bp1alb000000001", ServerGroupID: "sgp-alb0000000000003", Port: 9090, Weight: 60, RegisteredBy: byIP, IP: oldIP, ServerID: oldIP, ServerType: "Ip"},
		{Type: alb, LoadBalancerID: "alb-bp1alb000000001,alb-bp1alb000000002", ServerGroupID: "sgp-alb0000000000002", Port: 8081, Weight: 70, RegisteredBy: byID, ServerID: inst, ServerType: "Ecs"},
		{Type: nlb, LoadBalancerID: "nlb-bp1nlb000000001", ServerGroupID: "sgp-nlb0000000000001", Port: 443, Weight: 10, RegisteredBy: byID, IP: oldIP, ServerID: inst, ServerType: "Ecs"},
		{Type: nlb, LoadBalancerID: "nlb-bp1nlb000000001", ServerGroupID: "sgp-nlb0000000000002", Port: 443, Weight: 30, RegisteredBy: byIP, IP: oldIP, ServerID: oldIP, ServerType: "Ip"},
	}
}

func TestReadFindsEveryMembershipAcrossPages(t *testing.T) {
	srv, l := world(t)
	l.PageLimit = 1
	got, err := newService(t, srv).Read(context.Background(), inst, oldIP)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantBefore(), got); d != "" {
		t.Errorf("memberships (-want +got):\n%s", d)
	}
	pages := map[string]int{}
	for _, r := range srv.Requests() {
		if !r.SignatureOK {
			t.Errorf("%s: signature not valid", r.Action)
		}
		if r.Params.Get("NextToken") != "" || r.Params.Get("PageNumber") > "1" {
			pages[r.Action]++
		}
	}
	for _, action := range []string{"DescribeLoadBalancers", "ListServerGroupServers", "ListServerGroups"} {
		if pages[action] == 0 {
			t.Errorf("%s was read in one page: the test should span several", action)
		}
	}
}

// The wire: parameters where the official metadata puts them.
func TestParametersGoWhereTheMetadataPutsThem(t *testing.T) {
	srv, l := world(t)
	l.PageLimit = 0
	s := newService(t, srv)
	before := wantBefore()
	if _, err := s.Drain(context.Background(), before); err != nil {
		t.Fatal(err)
	}
	seen := map[string]fakeapi.Request{}
	for _, r := range srv.Requests() {
		if _, ok := seen[r.Service+" "+r.Action]; !ok {
			seen[r.Service+" "+r.Action] = r
		}
	}
	albAdd := seen["alb UpdateServerGroupServersAttribute"]
	if albAdd.Form.Get("Servers.1.Weight") != "0" || albAdd.Form.Has("ServerGroupId") || albAdd.Params.Get("ServerGroupId") == "" || albAdd.Params.Get("ClientToken") == "" {
		t.Errorf("ALB update: body %v params %v; want Servers in the body, ServerGroupId and ClientToken in the query", albAdd.Form, albAdd.Params)
	}
	for _, a := range []string{"nlb UpdateServerGroupServersAttribute", "nlb ListServerGroupServers"} {
		r := seen[a]
		if r.Form.Get("RegionId") != "cn-hangzhou" || r.Form.Get("ServerGroupId") == "" {
			t.Errorf("%s: body %v; want every parameter in the body", a, r.Form)
		}
	}
	if r := seen["nlb GetJobStatus"]; r.Params.Get("JobId") == "" || len(r.Form) != 0 {
		t.Errorf("GetJobStatus: params %v body %v; want JobId in the query", r.Params, r.Form)
	}
	set := seen["slb SetBackendServers"]
	if want := `[{"ServerId":"` + inst + `","Type":"ecs","Weight":"0","Description":"web"}]`; set.Params.Get("BackendServers") != want || len(set.Form) != 0 {
		t.Errorf("SetBackendServers BackendServers %s; want %s in the query", set.Params.Get("BackendServers"), want)
	}
}

// backends is every registration of the world now, for comparing states.
func backends(l *fakeapi.LoadBalancers) map[string][]fakeapi.Backend {
	out := map[string][]fakeapi.Backend{}
	for _, id := range []string{"lb-bp1clb0000000001", "lb-bp1clb0000000004", "rsp-bp1vsg00000001", "rsp-bp1vsg00000002", "sgp-alb0000000000001",
		"sgp-alb0000000000002", "sgp-alb0000000000003", "sgp-nlb0000000000001", "sgp-nlb0000000000002"} {
		list := l.Backends(id)
		for i := range list {
			list[i].Status = "" // Adding/Available are the job's business
		}
		slices.SortFunc(list, func(a, b fakeapi.Backend) int {
			return strings.Compare(a.ServerID+a.ServerIP, b.ServerID+b.ServerIP)
		})
		out[id] = list
	}
	return out
}

func outcomes(rs []Result) []Outcome {
	out := make([]Outcome, len(rs))
	for i, r := range rs {
		out[i] = r.Outcome
		if r.Outcome == Failed {
			out[i] += Outcome(": " + r.Error)
		}
	}
	return out
}

// drainedWorld is the world with every membership of the instance at weight 0.
func drainedWorld(t *testing.T) map[string][]fakeapi.Backend {
	srv, l := world(t)
	s := newService(t, srv)
	if _, err := s.Drain(context.Background(), wantBefore()); err != nil {
		t.Fatal(err)
	}
	return backends(l)
}

func TestDrainMoveRestore(t *testing.T) {
	srv, l := world(t)
	s := newService(t, srv)
	ctx := context.Background()
	start := backends(l)
	before, err := s.Read(ctx, inst, oldIP)
	if err != nil {
		t.Fatal(err)
	}

	drained, err := s.Drain(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range drained {
		if r.Outcome != Drained || r.Weight != 0 {
			t.Errorf("drain %d: %s weight %d (%s)", i, r.Outcome, r.Weight, r.Error)
		}
	}
	for id, list := range backends(l) {
		for _, b := range list {
			mine := b.ServerID == inst || b.ServerIP == oldIP && b.ServerID != other
			if mine && b.Weight != 0 || !mine && b.Weight == 0 {
				t.Errorf("after drain %s: %+v", id, b)
			}
		}
	}
	if l.Processing() != 0 {
		t.Errorf("%d jobs still processing after drain: each must be followed to its end", l.Processing())
	}

	l.DropByInstance = true
	l.Move(inst, newIP)
	restored, err := s.Restore(ctx, before, newIP)
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Restored, Restored, Replaced, Restored, Restored, Replaced, Restored, Restored, Replaced}
	if d := cmp.Diff(want, outcomes(restored)); d != "" {
		t.Errorf("restore outcomes (-want +got):\n%s", d)
	}
	if d := cmp.Diff(moved(start), backends(l)); d != "" {
		t.Errorf("after restore (-want +got):\n%s", d)
	}

	// A second run finds everything in place: it sends nothing.
	writes := l.Writes()
	again, err := s.Restore(ctx, before, newIP)
	if err != nil {
		t.Fatal(err)
	}
	if l.Writes() != writes {
		t.Errorf("a second restore wrote %d times", l.Writes()-writes)
	}
	want = []Outcome{Kept, Kept, Replaced, Kept, Kept, Replaced, Kept, Kept, Replaced}
	if d := cmp.Diff(want, outcomes(again)); d != "" {
		t.Errorf("second restore outcomes (-want +got):\n%s", d)
	}
}

// moved is the world as it should be after the move and a restore: the
// instance's registrations at their weights, the ones by IP on the new
// address, nothing else changed. The registrations by instance ID were
// dropped by the move and added back, so they lose what only the API kept
// (the NLB's display of the address).
func moved(start map[string][]fakeapi.Backend) map[string][]fakeapi.Backend {
	out := map[string][]fakeapi.Backend{}
	for id, list := range start {
		var next []fakeapi.Backend
		for _, b := range list {
			switch {
			case b.ServerID == oldIP:
				b.ServerID, b.ServerIP = newIP, newIP
			case b.ServerIP == oldIP && b.ServerID != inst:
				b.ServerIP = newIP
			case b.ServerID == inst:
				b.ServerIP = ""
			}
			next = append(next, b)
		}
		slices.SortFunc(next, func(a, b fakeapi.Backend) int {
			return strings.Compare(a.ServerID+a.ServerIP, b.ServerID+b.ServerIP)
		})
		out[id] = next
	}
	return out
}

// A run killed after any write, then run again, ends as a run that was never
// killed: the original weights, every membership once, the IP ones on the
// new address. Each step (drain, restore) is killed after each of its writes
// in turn, with registrations by instance ID surviving the move or not.
func TestKilledAfterAnyWriteThenRerun(t *testing.T) {
	points := 0
	for _, survive := range []bool{true, false} {
		for _, step := range []string{"drain", "restore"} {
			for k := 1; ; k++ {
				srv, l := world(t)
				l.PageLimit = 0
				s := newService(t, srv)
				start, before := backends(l), wantBefore()
				killed := false
				// killAt runs f with a context that ends at the k-th write, as
				// SIGKILL would stop the process there.
				killAt := func(f func(context.Context) error) {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					n := 0
					l.SetAfterWrite(func(string) {
						if n++; n == k {
							killed = true
							cancel()
						}
					})
					f(ctx)
					l.SetAfterWrite(nil)
				}
				drain := func(ctx context.Context) error { _, err := s.Drain(ctx, before); return err }
				restore := func(ctx context.Context) error { _, err := s.Restore(ctx, before, newIP); return err }
				if step == "drain" {
					killAt(drain)
				}
				if err := drain(context.Background()); err != nil {
					t.Fatalf("%s k=%d: drain: %v", step, k, err)
				}
				if d := cmp.Diff(drainedWorld(t), backends(l)); d != "" {
					t.Fatalf("%s k=%d: after drain (-want +got):\n%s", step, k, d)
				}
				l.DropByInstance = !survive
				l.Move(inst, newIP)
				if step == "restore" {
					killAt(restore)
				}
				if err := restore(context.Background()); err != nil {
					t.Fatalf("%s k=%d survive=%t: restore: %v", step, k, survive, err)
				}
				want := moved(start)
				if survive {
					want = movedKeeping(start)
				}
				if d := cmp.Diff(want, backends(l)); d != "" {
					t.Fatalf("%s k=%d survive=%t: after restore (-want +got):\n%s", step, k, survive, d)
				}
				if !killed {
					break // k is past the step's last write: every point was tried
				}
				points++
			}
		}
	}
	if points < 20 {
		t.Errorf("only %d kill points tried", points)
	}
	t.Logf("%d kill points", points)
}

// movedKeeping is moved when registrations by instance ID survive the move:
// they keep showing the (new) address.
func movedKeeping(start map[string][]fakeapi.Backend) map[string][]fakeapi.Backend {
	out := moved(start)
	for id, list := range out {
		for i, b := range list {
			if b.ServerID == inst && slices.ContainsFunc(start[id], func(o fakeapi.Backend) bool { return o.ServerID == inst && o.ServerIP != "" }) {
				list[i].ServerIP = newIP
			}
		}
	}
	return out
}

func TestFailedJobFailsItsMembershipAndARerunRestoresIt(t *testing.T) {
	srv, l := world(t)
	s := newService(t, srv)
	ctx := context.Background()
	before := wantBefore()
	l.DropByInstance = true
	l.Move(inst, newIP)
	l.FailNextJob("AddServersToServerGroup", "OperationFailed.ServerGroup")
	rs, err := s.Restore(ctx, before, newIP)
	if err == nil {
		t.Fatal("a failed job: no error")
	}
	var failed []string
	for _, r := range rs {
		if r.Outcome == Failed {
			failed = append(failed, r.ServerGroupID)
			if !strings.Contains(r.Error, "OperationFailed.ServerGroup") {
				t.Errorf("%s: error %q does not name the job's code", r.ServerGroupID, r.Error)
			}
		}
	}
	if len(failed) == 0 {
		t.Fatal("no membership failed")
	}
	if _, err := s.Restore(ctx, before, newIP); err != nil {
		t.Fatalf("re-run: %v", err)
	}
}

func TestJobThatNeverEndsTimesOut(t *testing.T) {
	srv, l := world(t)
	l.JobPolls = 1 << 20
	s := newService(t, srv)
	rs, err := s.Drain(context.Background(), wantBefore())
	if err == nil || !strings.Contains(err.Error(), "still Processing") {
		t.Fatalf("error %v; want a job still processing", err)
	}
	for _, r := range rs {
		if r.Type != facts.CLB && r.Outcome != Failed {
			t.Errorf("%s %s: %s; want failed while its job runs", r.Type, r.ServerGroupID, r.Outcome)
		}
	}
}

func TestPlanSendsNothing(t *testing.T) {
	rs := Plan(wantBefore(), newIP, false)
	for i, r := range rs {
		if r.Outcome != Planned {
			t.Errorf("%d: %s", i, r.Outcome)
		}
		if r.RegisteredBy == facts.ByIP && r.IP != newIP {
			t.Errorf("%d: planned on %s; want %s", i, r.IP, newIP)
		}
	}
	if rs[5].ServerID != newIP {
		t.Errorf("an Ip server group's registration is planned as %s; want the new address", rs[4].ServerID)
	}
}
