// Package plan answers "where can these instances go": for each instance it
// proposes, per candidate zone, a vSwitch and an instance type, has the
// preflight checks judge the proposal, and chooses a zone by a simple rule.
// It reads nothing itself: the facts come in as plain data and the checks as
// a function (preflight.Run in pkg/cli), so that the placement is a pure,
// deterministic computation.
package plan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/zonemove/zonemove/pkg/preflight"
)

// VSwitchAvailable is the only vSwitch status the plan places instances in.
const VSwitchAvailable = preflight.VSwitchAvailable

// Instance is what the plan needs to know of an instance to move.
type Instance struct {
	InstanceID   string
	ZoneID       string
	VpcID        string // empty outside a VPC
	InstanceType string
	Family       string // the API's InstanceTypeFamily
	ChargeType   string // PrePaid or PostPaid: stock is per charge type
	// CPU and MemoryGiB size the instance; when zero they are taken from its
	// type in Families.
	CPU       int
	MemoryGiB float64
}

// InstanceType is one type of a family.
type InstanceType struct {
	ID        string
	CPU       int
	MemoryGiB float64
}

// Family is an instance family and its types.
type Family struct {
	Name  string
	Types []InstanceType
}

// Stock is what one zone sells now to instances of one charge type.
type Stock struct {
	ZoneID     string
	ChargeType string
	Types      []string // in stock now
}

// VSwitch is a vSwitch of an instance's VPC.
type VSwitch struct {
	VSwitchID string
	VpcID     string
	ZoneID    string
	Status    string
	FreeIPs   int64 // AvailableIpAddressCount
}

// Input is everything the plan is computed from.
type Input struct {
	Instances []Instance
	// Zones are the candidate zones: the region's, or the ones asked for.
	Zones []string
	// ZonesGiven: the zones were asked for (--to-zone), so an instance's own
	// zone stays a candidate and the checks say why it cannot be used.
	ZonesGiven bool
	Stock      []Stock
	VSwitches  []VSwitch
	Families   []Family
}

// Proposal is one placement put to the checks.
type Proposal struct {
	Instance     *Instance
	ZoneID       string
	VSwitchID    string // empty when the VPC has no vSwitch in the zone
	InstanceType string // the type it would have there: its own or a change
}

// TypeChange tells whether the proposal changes the instance's type.
func (p Proposal) TypeChange() bool { return p.InstanceType != p.Instance.InstanceType }

// Assessment is what the checks say of a proposal.
type Assessment struct {
	Checks []preflight.Result
	// Billing is the billing impact of a type change, as the impact estimate
	// words it; empty when the type stays.
	Billing string
}

// JudgeFunc runs the preflight checks on a proposal. The plan calls it in a
// deterministic order, once or twice per instance and zone.
type JudgeFunc func(ctx context.Context, p Proposal) (*Assessment, error)

// Plan is the placement of every instance of the input, in input order.
type Plan struct {
	Plans []*InstancePlan `json:"plans"`
}

// InstancePlan is one instance's candidates and the zone chosen for it.
type InstancePlan struct {
	InstanceID   string       `json:"instance_id"`
	ZoneID       string       `json:"zone_id"`
	InstanceType string       `json:"instance_type"`
	Candidates   []*Candidate `json:"candidates"`
	Choice       *Choice      `json:"choice"`
	// Blocking are the checks that block every candidate zone; set only when
	// there is no choice.
	Blocking []string `json:"blocking,omitempty"`
	// Reason says why this zone was chosen, or why none was.
	Reason string `json:"reason"`
}

// Candidate is one zone with its verdict.
type Candidate struct {
	ZoneID             string   `json:"zone_id"`
	Feasible           bool     `json:"feasible"`
	TargetVSwitch      string   `json:"target_vswitch"`
	TargetInstanceType string   `json:"target_instance_type"`
	TypeChange         bool     `json:"type_change"`
	Billing            string   `json:"billing,omitempty"`
	FreeIPs            int64    `json:"free_ips"` // left in the vSwitch before this instance, after the plan's earlier placements
	Blocking           []string `json:"blocking"`
	Warnings           []string `json:"warnings,omitempty"`
	Reason             string   `json:"reason"`
	// Checks are the checks' outcomes for this proposal.
	Checks []preflight.Result `json:"-"`
	// VSwitchNote and TypeNote say why this vSwitch and this type.
	VSwitchNote string `json:"-"`
	TypeNote    string `json:"-"`
	// why holds the reason of each blocking check, in Blocking's order.
	why []string
}

// Choice is the zone, vSwitch and type chosen for an instance.
type Choice struct {
	ZoneID             string `json:"zone_id"`
	TargetVSwitch      string `json:"target_vswitch"`
	TargetInstanceType string `json:"target_instance_type"`
	TypeChange         bool   `json:"type_change"`
	Reason             string `json:"reason"`
}

// Placed returns the plans that have a choice.
func (p *Plan) Placed() []*InstancePlan {
	var out []*InstancePlan
	for _, ip := range p.Plans {
		if ip.Choice != nil {
			out = append(out, ip)
		}
	}
	return out
}

// Unplaced returns the plans without a choice.
func (p *Plan) Unplaced() []*InstancePlan {
	var out []*InstancePlan
	for _, ip := range p.Plans {
		if ip.Choice == nil {
			out = append(out, ip)
		}
	}
	return out
}

// Candidate returns the candidate in that zone, or nil.
func (ip *InstancePlan) Candidate(zone string) *Candidate {
	for _, c := range ip.Candidates {
		if c.ZoneID == zone {
			return c
		}
	}
	return nil
}

// Make computes the plan.
//
// Each instance's candidates are judged twice. First every zone with the
// vSwitch that has the most free addresses, as if no other instance were
// placed. Then instances are placed one at a time, those with the fewest
// feasible zones first (then by instance ID), because they have the least
// choice; each placement takes one address of its vSwitch, and a zone whose
// vSwitches the plan has filled is blocked by vswitch-ips. The choice among
// an instance's feasible zones is the first by:
//  1. keeps its instance type;
//  2. most free addresses left in the vSwitch;
//  3. fewest warnings from the checks (fewer things that change);
//  4. zone ID.
func Make(ctx context.Context, in *Input, check JudgeFunc) (*Plan, error) {
	pl := newPlanner(in, check)
	plans := make([]*InstancePlan, len(in.Instances))
	feasible := make([]int, len(in.Instances))
	for i := range in.Instances {
		ip, err := pl.assess(ctx, &in.Instances[i])
		if err != nil {
			return nil, err
		}
		plans[i] = ip
		for _, c := range ip.Candidates {
			if c.Feasible {
				feasible[i]++
			}
		}
	}
	order := make([]int, len(plans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(feasible[a], feasible[b]), cmp.Compare(plans[a].InstanceID, plans[b].InstanceID))
	})
	for _, i := range order {
		if err := pl.place(ctx, &in.Instances[i], plans[i]); err != nil {
			return nil, err
		}
	}
	return &Plan{Plans: plans}, nil
}

type stockKey struct{ zone, chargeType string }

type planner struct {
	zones      []string
	zonesGiven bool
	stock      map[stockKey]map[string]bool
	families   map[string][]InstanceType // sorted by vCPUs, memory, ID
	vswitches  map[[2]string][]*VSwitch  // VPC and zone -> vSwitches by ID
	used       map[string]int64          // vSwitch -> addresses the plan took
	check      JudgeFunc
	// judged remembers what the checks said of each proposal: the second
	// round asks again only when the plan's placements changed the vSwitch.
	judged map[proposalKey]*Assessment
}

type proposalKey struct{ instance, zone, vswitch, instanceType string }

func newPlanner(in *Input, check JudgeFunc) *planner {
	pl := &planner{
		zones:      slices.Compact(slices.Sorted(slices.Values(in.Zones))),
		zonesGiven: in.ZonesGiven,
		stock:      map[stockKey]map[string]bool{},
		families:   map[string][]InstanceType{},
		vswitches:  map[[2]string][]*VSwitch{},
		used:       map[string]int64{},
		check:      check,
		judged:     map[proposalKey]*Assessment{},
	}
	for _, s := range in.Stock {
		k := stockKey{s.ZoneID, s.ChargeType}
		if pl.stock[k] == nil {
			pl.stock[k] = map[string]bool{}
		}
		for _, t := range s.Types {
			pl.stock[k][t] = true
		}
	}
	for _, f := range in.Families {
		types := append(pl.families[f.Name], f.Types...)
		slices.SortFunc(types, func(a, b InstanceType) int {
			return cmp.Or(cmp.Compare(a.CPU, b.CPU), cmp.Compare(a.MemoryGiB, b.MemoryGiB), cmp.Compare(a.ID, b.ID))
		})
		pl.families[f.Name] = slices.CompactFunc(types, func(a, b InstanceType) bool { return a.ID == b.ID })
	}
	for i := range in.VSwitches {
		v := &in.VSwitches[i]
		k := [2]string{v.VpcID, v.ZoneID}
		pl.vswitches[k] = append(pl.vswitches[k], v)
	}
	for _, list := range pl.vswitches {
		slices.SortFunc(list, func(a, b *VSwitch) int { return cmp.Compare(a.VSwitchID, b.VSwitchID) })
	}
	return pl
}

// candidateZones are the zones an instance may be moved to.
func (pl *planner) candidateZones(inst *Instance) []string {
	if pl.zonesGiven {
		return pl.zones
	}
	return slices.DeleteFunc(slices.Clone(pl.zones), func(z string) bool { return z == inst.ZoneID })
}

// assess judges every candidate zone of an instance as if it were the only
// one placed.
func (pl *planner) assess(ctx context.Context, inst *Instance) (*InstancePlan, error) {
	ip := &InstancePlan{InstanceID: inst.InstanceID, ZoneID: inst.ZoneID, InstanceType: inst.InstanceType, Candidates: []*Candidate{}}
	for _, zone := range pl.candidateZones(inst) {
		c, err := pl.judge(ctx, inst, zone)
		if err != nil {
			return nil, err
		}
		ip.Candidates = append(ip.Candidates, c)
	}
	return ip, nil
}

// place judges the instance's zones again with the addresses the plan has
// taken so far, chooses one and takes its address.
func (pl *planner) place(ctx context.Context, inst *Instance, ip *InstancePlan) error {
	for i, c := range ip.Candidates {
		nc, err := pl.judge(ctx, inst, c.ZoneID)
		if err != nil {
			return err
		}
		ip.Candidates[i] = nc
	}
	var feasible []*Candidate
	for _, c := range ip.Candidates {
		if c.Feasible {
			feasible = append(feasible, c)
		}
	}
	if len(feasible) == 0 {
		ip.Blocking, ip.Reason = blockedEverywhere(ip)
		return nil
	}
	slices.SortStableFunc(feasible, better)
	best := feasible[0]
	pl.used[best.TargetVSwitch]++
	ip.Choice = &Choice{
		ZoneID:             best.ZoneID,
		TargetVSwitch:      best.TargetVSwitch,
		TargetInstanceType: best.TargetInstanceType,
		TypeChange:         best.TypeChange,
		Reason:             why(best, feasible),
	}
	ip.Reason = ip.Choice.Reason
	return nil
}

// better orders feasible candidates by the choice rule of Make.
func better(a, b *Candidate) int {
	return cmp.Or(
		compareBool(!a.TypeChange, !b.TypeChange),
		-cmp.Compare(a.FreeIPs, b.FreeIPs),
		cmp.Compare(len(a.Warnings), len(b.Warnings)),
		cmp.Compare(a.ZoneID, b.ZoneID))
}

// compareBool orders true before false.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// why says what made the best candidate win over the runner-up.
func why(best *Candidate, feasible []*Candidate) string {
	if len(feasible) == 1 {
		return fmt.Sprintf("%s is the only feasible zone", best.ZoneID)
	}
	next := feasible[1]
	lead := fmt.Sprintf("%s of %d feasible zones: ", best.ZoneID, len(feasible))
	switch {
	case best.TypeChange != next.TypeChange:
		return lead + fmt.Sprintf("it keeps the type %s (%s would change it)", best.TargetInstanceType, next.ZoneID)
	case best.FreeIPs != next.FreeIPs:
		return lead + fmt.Sprintf("its vSwitch has the most free addresses (%d; %s: %d)", best.FreeIPs, next.ZoneID, next.FreeIPs)
	case len(best.Warnings) != len(next.Warnings):
		return lead + fmt.Sprintf("the fewest warnings (%d; %s: %d)", len(best.Warnings), next.ZoneID, len(next.Warnings))
	}
	return lead + fmt.Sprintf("as good as %s, and first by name", next.ZoneID)
}

// blockedEverywhere returns the checks that block every candidate and says
// why the instance has no zone.
func blockedEverywhere(ip *InstancePlan) ([]string, string) {
	if len(ip.Candidates) == 0 {
		return nil, "no candidate zone: the region has no other zone (or none was asked for)"
	}
	common := slices.Clone(ip.Candidates[0].Blocking)
	for _, c := range ip.Candidates[1:] {
		common = slices.DeleteFunc(common, func(id string) bool { return !slices.Contains(c.Blocking, id) })
	}
	if len(common) > 0 {
		first := ip.Candidates[0]
		var msgs []string
		for i, id := range first.Blocking {
			if slices.Contains(common, id) {
				msgs = append(msgs, first.why[i])
			}
		}
		verb := "blocks"
		if len(common) > 1 {
			verb = "block"
		}
		return common, fmt.Sprintf("no zone: %s %s every zone (%s)", strings.Join(common, ", "), verb, strings.Join(msgs, "; "))
	}
	parts := make([]string, len(ip.Candidates))
	for i, c := range ip.Candidates {
		parts[i] = c.ZoneID + ": " + strings.Join(c.Blocking, ", ") + " (" + c.Reason + ")"
	}
	return nil, "no zone: " + strings.Join(parts, "; ")
}

// judge proposes a vSwitch and a type for the instance in the zone and has
// the checks judge them.
func (pl *planner) judge(ctx context.Context, inst *Instance, zone string) (*Candidate, error) {
	v, left := pl.vswitch(inst, zone)
	t, typeNote := pl.instanceType(inst, zone)
	p := Proposal{Instance: inst, ZoneID: zone, InstanceType: t}
	if v != nil {
		p.VSwitchID = v.VSwitchID
	}
	key := proposalKey{inst.InstanceID, zone, p.VSwitchID, t}
	a := pl.judged[key]
	if a == nil {
		var err error
		if a, err = pl.check(ctx, p); err != nil {
			return nil, fmt.Errorf("checking %s in %s: %w", inst.InstanceID, zone, err)
		}
		pl.judged[key] = a
	}
	c := &Candidate{
		ZoneID:             zone,
		TargetVSwitch:      p.VSwitchID,
		TargetInstanceType: t,
		TypeChange:         p.TypeChange(),
		FreeIPs:            max(left, 0),
		Blocking:           []string{},
		Checks:             a.Checks,
		TypeNote:           typeNote,
		VSwitchNote:        pl.vswitchNote(inst, zone, v, left),
	}
	if c.TypeChange {
		c.Billing = a.Billing
	}
	block := func(id, reason string) {
		if !slices.Contains(c.Blocking, id) {
			c.Blocking = append(c.Blocking, id)
			c.why = append(c.why, reason)
		}
	}
	for _, ch := range a.Checks {
		switch ch.Status {
		case preflight.Fail:
			msg := ch.Message
			if ch.ID == preflight.VSwitchZone && v == nil {
				msg = c.VSwitchNote // the check speaks of --target-vswitch; the plan proposed none
			}
			block(ch.ID, msg)
		case preflight.Warn:
			c.Warnings = append(c.Warnings, ch.ID)
		}
	}
	// What the checks cannot see: the plan's own placements, and a vSwitch
	// that is not Available (before the checks look at the status).
	switch {
	case v == nil:
		block(preflight.VSwitchZone, c.VSwitchNote)
	case v.Status != VSwitchAvailable:
		block(preflight.VSwitchZone, c.VSwitchNote)
	case left <= 0:
		block(preflight.VSwitchIPs, c.VSwitchNote)
	}
	c.Feasible = len(c.Blocking) == 0
	if c.Feasible {
		c.Reason = typeNote + "; " + c.VSwitchNote
	} else {
		c.Reason = strings.Join(c.why, "; ")
	}
	return c, nil
}

// vswitch returns the vSwitch of the instance's VPC in the zone with the
// most addresses left after the plan's placements, and that number: the
// Available ones first, then by addresses left, then by ID. Nil when the
// VPC has no vSwitch there.
func (pl *planner) vswitch(inst *Instance, zone string) (*VSwitch, int64) {
	if inst.VpcID == "" {
		return nil, 0
	}
	var best *VSwitch
	var bestLeft int64
	for _, v := range pl.vswitches[[2]string{inst.VpcID, zone}] {
		left := v.FreeIPs - pl.used[v.VSwitchID]
		avail, bestAvail := v.Status == VSwitchAvailable, best != nil && best.Status == VSwitchAvailable
		if best == nil || avail && !bestAvail || avail == bestAvail && left > bestLeft {
			best, bestLeft = v, left
		}
	}
	return best, bestLeft
}

// vswitchNote says why the vSwitch, or why there is none.
func (pl *planner) vswitchNote(inst *Instance, zone string, v *VSwitch, left int64) string {
	switch {
	case inst.VpcID == "":
		return fmt.Sprintf("%s is in no VPC, so it has no vSwitch in %s", inst.InstanceID, zone)
	case v == nil:
		return fmt.Sprintf("VPC %s has no vSwitch in %s", inst.VpcID, zone)
	case v.Status != VSwitchAvailable:
		return fmt.Sprintf("no vSwitch of VPC %s in %s is %s (%s is %s)", inst.VpcID, zone, VSwitchAvailable, v.VSwitchID, v.Status)
	}
	n := len(pl.vswitches[[2]string{inst.VpcID, zone}])
	of := ""
	if n > 1 {
		of = fmt.Sprintf(", the most of %d vSwitches of %s there", n, inst.VpcID)
	}
	used := pl.used[v.VSwitchID]
	switch {
	case v.FreeIPs <= 0:
		return fmt.Sprintf("%s has no free address%s", v.VSwitchID, of)
	case left <= 0 && n > 1:
		var total int64
		for _, o := range pl.vswitches[[2]string{inst.VpcID, zone}] {
			if o.Status == VSwitchAvailable {
				total += o.FreeIPs
			}
		}
		return fmt.Sprintf("this plan already fills the %d vSwitches of %s in %s (%s in all)", n, inst.VpcID, zone, count(total, "free address"))
	case left <= 0:
		return fmt.Sprintf("this plan already places %s in %s, which has %s", count(used, "instance"), v.VSwitchID, count(v.FreeIPs, "free address"))
	case used > 0:
		return fmt.Sprintf("%s has %s left after %d placed by this plan%s", v.VSwitchID, count(left, "free address"), used, of)
	}
	return fmt.Sprintf("%s has %s%s", v.VSwitchID, count(left, "free address"), of)
}

// count renders "1 instance", "2 instances", "2 free addresses".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// instanceType returns the type the instance would have in the zone: its own
// when in stock there, else the smallest type of its family in stock with at
// least its vCPUs and memory; its own when neither (the checks say why).
func (pl *planner) instanceType(inst *Instance, zone string) (string, string) {
	stock := pl.stock[stockKey{zone, inst.ChargeType}]
	if stock[inst.InstanceType] {
		return inst.InstanceType, fmt.Sprintf("keeps %s (in stock in %s)", inst.InstanceType, zone)
	}
	cpu, mem := inst.CPU, inst.MemoryGiB
	types := pl.families[inst.Family]
	if cpu == 0 {
		if i := slices.IndexFunc(types, func(t InstanceType) bool { return t.ID == inst.InstanceType }); i >= 0 {
			cpu, mem = types[i].CPU, types[i].MemoryGiB
		}
	}
	if cpu == 0 {
		return inst.InstanceType, fmt.Sprintf("%s is not in stock in %s, and its size is unknown", inst.InstanceType, zone)
	}
	for _, t := range types {
		if t.ID != inst.InstanceType && t.CPU >= cpu && t.MemoryGiB >= mem && stock[t.ID] {
			return t.ID, fmt.Sprintf("%s is not in stock in %s; %s (%d vCPU, %g GiB) is the smallest %s type in stock with at least %d vCPU and %g GiB",
				inst.InstanceType, zone, t.ID, t.CPU, t.MemoryGiB, inst.Family, cpu, mem)
		}
	}
	return inst.InstanceType, fmt.Sprintf("neither %s nor a larger %s type is in stock in %s", inst.InstanceType, inst.Family, zone)
}
