package plan

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/preflight"
)

// fakeChecks judges proposals by the rules of the preflight checks that
// depend on the zone, the vSwitch and the type; the real engine is wired in
// pkg/cli, whose golden tests run it.
type fakeChecks struct {
	in    *Input
	spot  map[string]bool
	calls int
}

func (f *fakeChecks) check(_ context.Context, p Proposal) (*Assessment, error) {
	f.calls++
	inst := p.Instance
	var checks []preflight.Result
	add := func(id string, status preflight.Status, msg string) {
		checks = append(checks, preflight.Result{ID: id, Status: status, Message: msg})
	}
	if p.ZoneID == inst.ZoneID {
		add("zone-change", preflight.Fail, inst.InstanceID+" is already in "+p.ZoneID)
	}
	if f.spot[inst.InstanceID] {
		add("spot", preflight.Fail, inst.InstanceID+" is a preemptible instance (SpotStrategy SpotAsPriceGo)")
	}
	if inst.VpcID == "" {
		add("network-vpc", preflight.Fail, inst.InstanceID+" is in the classic network; only VPC instances can move across zones")
	}
	inStock := false
	for _, s := range f.in.Stock {
		if s.ZoneID == p.ZoneID && s.ChargeType == inst.ChargeType && slices.Contains(s.Types, p.InstanceType) {
			inStock = true
		}
	}
	if !inStock {
		add("type-in-stock", preflight.Fail, p.InstanceType+" is sold out in "+p.ZoneID)
	}
	var vsw *VSwitch
	for i, v := range f.in.VSwitches {
		if v.VSwitchID == p.VSwitchID {
			vsw = &f.in.VSwitches[i]
		}
	}
	switch {
	case p.VSwitchID == "":
		add("vswitch-zone", preflight.Fail, "no --target-vswitch: the instance needs a vSwitch in "+p.ZoneID)
	case vsw.ZoneID != p.ZoneID:
		add("vswitch-zone", preflight.Fail, "vSwitch "+vsw.VSwitchID+" is in "+vsw.ZoneID)
	case vsw.VpcID != inst.VpcID:
		add("vswitch-vpc", preflight.Fail, "vSwitch "+vsw.VSwitchID+" is in "+vsw.VpcID)
	case vsw.FreeIPs <= 0:
		add("vswitch-ips", preflight.Fail, "vSwitch "+vsw.VSwitchID+" has no free IP address")
	}
	add("instance-stop", preflight.Warn, inst.InstanceID+" is Running")
	a := &Assessment{}
	if p.TypeChange() {
		add("billing-change", preflight.Warn, "the type changes")
		a.Billing = "pay-as-you-go: billed at the price of " + p.InstanceType + " from the migration on"
	}
	a.Checks = checks
	return a, nil
}

func run(t *testing.T, in *Input, spot ...string) (*Plan, *fakeChecks) {
	t.Helper()
	f := &fakeChecks{in: in, spot: map[string]bool{}}
	for _, id := range spot {
		f.spot[id] = true
	}
	p, err := Make(context.Background(), in, f.check)
	if err != nil {
		t.Fatal(err)
	}
	return p, f
}

var g7 = Family{Name: "ecs.g7", Types: []InstanceType{
	{"ecs.g7.2xlarge", 8, 32}, {"ecs.g7.large", 2, 8}, {"ecs.g7.xlarge", 4, 16}, {"ecs.g7.odd", 4, 6},
}}

func instance(id, zone string) Instance {
	return Instance{InstanceID: id, ZoneID: zone, VpcID: "vpc-1", InstanceType: "ecs.g7.large", Family: "ecs.g7", ChargeType: "PostPaid"}
}

func stock(zone string, types ...string) Stock {
	return Stock{ZoneID: zone, ChargeType: "PostPaid", Types: types}
}

func vsw(id, vpc, zone string, free int64) VSwitch {
	return VSwitch{VSwitchID: id, VpcID: vpc, ZoneID: zone, Status: VSwitchAvailable, FreeIPs: free}
}

// severalZones: b sold out of the type but with larger ones, c with only a
// full vSwitch, d with a vSwitch of another VPC only, e keeps the type.
func severalZones() *Input {
	return &Input{
		Instances: []Instance{instance("i-1", "z-a")},
		Zones:     []string{"z-e", "z-a", "z-b", "z-c", "z-d"},
		Families:  []Family{g7},
		Stock: []Stock{
			stock("z-a", "ecs.g7.large"),
			stock("z-b", "ecs.g7.odd", "ecs.g7.2xlarge", "ecs.g7.xlarge"),
			stock("z-c", "ecs.g7.large"),
			stock("z-d", "ecs.g7.large"),
			stock("z-e", "ecs.g7.large"),
		},
		VSwitches: []VSwitch{
			vsw("vsw-a", "vpc-1", "z-a", 50),
			vsw("vsw-b", "vpc-1", "z-b", 100),
			vsw("vsw-c", "vpc-1", "z-c", 0),
			vsw("vsw-d", "vpc-2", "z-d", 100),
			vsw("vsw-e", "vpc-1", "z-e", 5),
		},
	}
}

func TestCandidates(t *testing.T) {
	p, _ := run(t, severalZones())
	ip := p.Plans[0]
	tests := []struct {
		zone     string
		feasible bool
		vswitch  string
		typ      string
		blocking []string
		reason   string
	}{
		{"z-b", true, "vsw-b", "ecs.g7.xlarge", nil, "ecs.g7.large is not in stock in z-b; ecs.g7.xlarge (4 vCPU, 16 GiB) is the smallest ecs.g7 type in stock with at least 2 vCPU and 8 GiB; vsw-b has 100 free addresses"},
		{"z-c", false, "vsw-c", "ecs.g7.large", []string{"vswitch-ips"}, "vSwitch vsw-c has no free IP address"},
		{"z-d", false, "", "ecs.g7.large", []string{"vswitch-zone"}, "VPC vpc-1 has no vSwitch in z-d"},
		{"z-e", true, "vsw-e", "ecs.g7.large", nil, "keeps ecs.g7.large (in stock in z-e); vsw-e has 5 free addresses"},
	}
	var zones []string
	for _, c := range ip.Candidates {
		zones = append(zones, c.ZoneID)
	}
	if want := []string{"z-b", "z-c", "z-d", "z-e"}; !slices.Equal(zones, want) {
		t.Fatalf("candidates %v, want %v (sorted, own zone z-a left out)", zones, want)
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			c := ip.Candidate(tt.zone)
			if c.Feasible != tt.feasible || c.TargetVSwitch != tt.vswitch || c.TargetInstanceType != tt.typ {
				t.Errorf("got feasible %v, %s, %s; want %v, %s, %s", c.Feasible, c.TargetVSwitch, c.TargetInstanceType, tt.feasible, tt.vswitch, tt.typ)
			}
			if !slices.Equal(c.Blocking, append([]string{}, tt.blocking...)) {
				t.Errorf("blocking %v, want %v", c.Blocking, tt.blocking)
			}
			if c.Reason != tt.reason {
				t.Errorf("reason\n got %q\nwant %q", c.Reason, tt.reason)
			}
			if c.TypeChange != (tt.typ != "ecs.g7.large") {
				t.Errorf("type change %v", c.TypeChange)
			}
		})
	}
	if b := ip.Candidate("z-b"); b.Billing == "" || !slices.Contains(b.Warnings, "billing-change") {
		t.Errorf("a type change must carry its billing impact: %q, warnings %v", b.Billing, b.Warnings)
	}
	if e := ip.Candidate("z-e"); e.Billing != "" {
		t.Errorf("no type change, yet billing %q", e.Billing)
	}
	want := Choice{ZoneID: "z-e", TargetVSwitch: "vsw-e", TargetInstanceType: "ecs.g7.large",
		Reason: "z-e of 2 feasible zones: it keeps the type ecs.g7.large (z-b would change it)"}
	if ip.Choice == nil || *ip.Choice != want {
		t.Errorf("choice %+v, want %+v", ip.Choice, want)
	}
}

func TestChoiceRule(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Input)
		zone   string
		typ    string
		reason string
	}{
		{"keeps its type over more addresses", func(*Input) {}, "z-e", "ecs.g7.large", "it keeps the type"},
		{"a type change when no zone keeps it", func(in *Input) { in.Zones = []string{"z-b", "z-c", "z-d"} },
			"z-b", "ecs.g7.xlarge", "z-b is the only feasible zone"},
		{"most free addresses", func(in *Input) {
			in.Stock = append(in.Stock, stock("z-b", "ecs.g7.large"))
		}, "z-b", "ecs.g7.large", "its vSwitch has the most free addresses (100; z-e: 5)"},
		{"zone ID breaks a tie", func(in *Input) {
			in.Stock = append(in.Stock, stock("z-b", "ecs.g7.large"))
			in.VSwitches[1].FreeIPs = 5
		}, "z-b", "ecs.g7.large", "as good as z-e, and first by name"},
		{"the smallest larger type in stock", func(in *Input) {
			in.Zones = []string{"z-b"}
			in.Stock[1].Types = []string{"ecs.g7.odd", "ecs.g7.2xlarge"}
		}, "z-b", "ecs.g7.2xlarge", "only feasible"},
		{"a vSwitch that is not Available is passed over", func(in *Input) {
			in.VSwitches = append(in.VSwitches, VSwitch{VSwitchID: "vsw-e0", VpcID: "vpc-1", ZoneID: "z-e", Status: "Pending", FreeIPs: 200})
		}, "z-e", "ecs.g7.large", "keeps the type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := severalZones()
			tt.edit(in)
			p, _ := run(t, in)
			ch := p.Plans[0].Choice
			if ch == nil {
				t.Fatalf("no choice: %s", p.Plans[0].Reason)
			}
			if ch.ZoneID != tt.zone || ch.TargetInstanceType != tt.typ || !strings.Contains(ch.Reason, tt.reason) {
				t.Errorf("got %s %s %q; want %s %s, reason with %q", ch.ZoneID, ch.TargetInstanceType, ch.Reason, tt.zone, tt.typ, tt.reason)
			}
			if ch.TypeChange != (tt.typ != "ecs.g7.large") {
				t.Errorf("type change %v", ch.TypeChange)
			}
		})
	}
}

func TestNoZone(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*Input)
		spot     []string
		blocking []string
		reason   string
	}{
		{"spot", func(*Input) {}, []string{"i-1"}, []string{"spot"},
			"no zone: spot blocks every zone (i-1 is a preemptible instance (SpotStrategy SpotAsPriceGo))"},
		{"classic network", func(in *Input) { in.Instances[0].VpcID = "" }, nil, []string{"network-vpc", "vswitch-zone"},
			"no zone: network-vpc, vswitch-zone block every zone (i-1 is in the classic network; only VPC instances can move across zones; i-1 is in no VPC, so it has no vSwitch in z-b)"},
		{"a different block in each zone", func(in *Input) { in.Zones = []string{"z-c", "z-d"} }, nil, nil,
			"no zone: z-c: vswitch-ips (vSwitch vsw-c has no free IP address); z-d: vswitch-zone (VPC vpc-1 has no vSwitch in z-d)"},
		{"no other zone", func(in *Input) { in.Zones = []string{"z-a"} }, nil, nil,
			"no candidate zone: the region has no other zone (or none was asked for)"},
		{"its own zone asked for", func(in *Input) { in.Zones, in.ZonesGiven = []string{"z-a"}, true }, nil, []string{"zone-change"},
			"no zone: zone-change blocks every zone (i-1 is already in z-a)"},
		{"a vSwitch that is not Available", func(in *Input) {
			in.Zones = []string{"z-e"}
			in.VSwitches[4].Status = "Pending"
		}, nil, []string{"vswitch-zone"}, "no zone: vswitch-zone blocks every zone (no vSwitch of VPC vpc-1 in z-e is Available (vsw-e is Pending))"},
		{"type and family unknown", func(in *Input) { in.Zones, in.Families = []string{"z-b"}, nil }, nil, []string{"type-in-stock"},
			"no zone: type-in-stock blocks every zone (ecs.g7.large is sold out in z-b)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := severalZones()
			tt.edit(in)
			p, _ := run(t, in, tt.spot...)
			ip := p.Plans[0]
			if ip.Choice != nil {
				t.Fatalf("choice %+v, want none", ip.Choice)
			}
			if !slices.Equal(ip.Blocking, tt.blocking) || ip.Reason != tt.reason {
				t.Errorf("got %v %q\nwant %v %q", ip.Blocking, ip.Reason, tt.blocking, tt.reason)
			}
			if len(p.Unplaced()) != 1 || len(p.Placed()) != 0 {
				t.Errorf("placed %d, unplaced %d", len(p.Placed()), len(p.Unplaced()))
			}
		})
	}
}

// fleet is n instances of zone z-a; z-b has a vSwitch with 8 free addresses.
func fleet(n int) *Input {
	in := &Input{
		Zones:    []string{"z-a", "z-b", "z-c", "z-d"},
		Families: []Family{g7},
		Stock: []Stock{
			stock("z-b", "ecs.g7.large"),
			stock("z-c", "ecs.g7.xlarge"),
			stock("z-d"),
		},
		VSwitches: []VSwitch{
			vsw("vsw-b", "vpc-1", "z-b", 8),
			vsw("vsw-c1", "vpc-1", "z-c", 7),
			vsw("vsw-c2", "vpc-1", "z-c", 6),
			vsw("vsw-d", "vpc-1", "z-d", 300),
		},
	}
	for i := range n {
		in.Instances = append(in.Instances, instance(fmt.Sprintf("i-%03d", i), "z-a"))
	}
	return in
}

func TestFleetNeverOverfillsAVSwitch(t *testing.T) {
	p, _ := run(t, fleet(40))
	per := map[string]int{}
	for _, ip := range p.Placed() {
		per[ip.Choice.TargetVSwitch]++
	}
	want := map[string]int{"vsw-b": 8, "vsw-c1": 7, "vsw-c2": 6}
	for v, n := range want {
		if per[v] != n {
			t.Errorf("%s got %d instances, want %d (its free addresses)", v, per[v], n)
		}
	}
	if len(per) != len(want) {
		t.Errorf("placed in %v", per)
	}
	// z-b keeps the type, so the first 8 by ID take it; then the larger type in z-c.
	for i, ip := range p.Plans {
		if (i < 8) != (ip.Choice != nil && ip.Choice.ZoneID == "z-b") {
			t.Errorf("%s: choice %+v", ip.InstanceID, ip.Choice)
		}
	}
	un := p.Unplaced()
	if len(un) != 40-21 {
		t.Fatalf("unplaced %d, want 19", len(un))
	}
	last := un[len(un)-1]
	if len(last.Blocking) != 0 {
		t.Errorf("each zone is blocked by another check, yet %v blocks all", last.Blocking)
	}
	if want := "no zone: z-b: vswitch-ips (this plan already places 8 instances in vsw-b, which has 8 free addresses); " +
		"z-c: vswitch-ips (this plan already fills the 2 vSwitches of vpc-1 in z-c (13 free addresses in all)); z-d: type-in-stock (ecs.g7.large is sold out in z-d)"; last.Reason != want {
		t.Errorf("reason\n got %q\nwant %q", last.Reason, want)
	}
	if got, want := last.Candidate("z-b").Reason, "this plan already places 8 instances in vsw-b, which has 8 free addresses"; got != want {
		t.Errorf("z-b reason\n got %q\nwant %q", got, want)
	}
	if c := p.Plans[1].Candidate("z-b"); c.FreeIPs != 7 || c.Reason != "keeps ecs.g7.large (in stock in z-b); vsw-b has 7 free addresses left after 1 placed by this plan" {
		t.Errorf("second instance in z-b: %d free, %q", c.FreeIPs, c.Reason)
	}
}

func TestFewestZonesPlacedFirst(t *testing.T) {
	// i-1 could go to z-b (keeping its type) or z-c (a larger type); i-2 only
	// to z-b, whose vSwitch has one address. In ID order i-1 would take it.
	in := fleet(0)
	in.Zones = []string{"z-b", "z-c"}
	in.VSwitches[0].FreeIPs = 1
	in.Instances = []Instance{instance("i-1", "z-a"), instance("i-2", "z-a")}
	in.Instances[1].Family = "ecs.other" // no larger type of its own family
	p, _ := run(t, in)
	if c := p.Plans[1].Choice; c == nil || c.ZoneID != "z-b" {
		t.Errorf("i-2 has one feasible zone and must get it: %+v (%s)", c, p.Plans[1].Reason)
	}
	if c := p.Plans[0].Choice; c == nil || c.ZoneID != "z-c" || !c.TypeChange {
		t.Errorf("i-1 must move to z-c with a larger type: %+v (%s)", c, p.Plans[0].Reason)
	}
}

func TestDeterministic(t *testing.T) {
	want, f := run(t, fleet(40))
	// 40 instances x 3 zones judged once; the second round asks again only
	// where the plan's placements changed the vSwitch (z-c: vsw-c1 to vsw-c2).
	if f.calls > 40*3*2 {
		t.Errorf("%d check calls", f.calls)
	}
	choices := func(p *Plan) map[string]Choice {
		m := map[string]Choice{}
		for _, ip := range p.Placed() {
			m[ip.InstanceID] = *ip.Choice
		}
		return m
	}
	for seed := range uint64(5) {
		in := fleet(40)
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(in.Instances), func(i, j int) { in.Instances[i], in.Instances[j] = in.Instances[j], in.Instances[i] })
		r.Shuffle(len(in.VSwitches), func(i, j int) { in.VSwitches[i], in.VSwitches[j] = in.VSwitches[j], in.VSwitches[i] })
		r.Shuffle(len(in.Zones), func(i, j int) { in.Zones[i], in.Zones[j] = in.Zones[j], in.Zones[i] })
		got, _ := run(t, in)
		g, w := choices(got), choices(want)
		if len(g) != len(w) {
			t.Fatalf("seed %d: %d placed, want %d", seed, len(g), len(w))
		}
		for id, c := range w {
			if g[id] != c {
				t.Errorf("seed %d: %s got %+v, want %+v", seed, id, g[id], c)
			}
		}
		if got.Plans[0].InstanceID != in.Instances[0].InstanceID {
			t.Errorf("plans are not in input order")
		}
	}
}

func TestCheckError(t *testing.T) {
	boom := errors.New("throttled")
	_, err := Make(context.Background(), severalZones(), func(context.Context, Proposal) (*Assessment, error) { return nil, boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "checking i-1 in z-b") {
		t.Errorf("err = %v", err)
	}
}
