package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/atomicfile"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/plan"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// PlanReader is what zonemove plan reads (a cloud.Gatherer): the instances, the
// region's stock, the VPCs' vSwitches and the families' types in bulk, then
// the facts of each (instance, zone) for the checks, from memory after
// Prefetch.
type PlanReader interface {
	preflight.Gatherer
	SelectInstances(ctx context.Context, filter cloud.InstanceFilter) ([]*facts.Instance, error)
	RegionStock(ctx context.Context, chargeType string) (map[string]*facts.Stock, error)
	VSwitchesOfVPC(ctx context.Context, vpcID string) ([]facts.VSwitch, error)
	FamilyTypes(ctx context.Context, family string) (*facts.FamilyTypes, error)
	Prefetch(ctx context.Context, targets []facts.Target) error
}

// PlanOptions are the values of zonemove plan and what it needs.
type PlanOptions struct {
	IO     *iostreams.IOStreams
	Out    *Output
	Reader func() (PlanReader, error)
	Now    func() time.Time
	Region string

	InstanceIDs []string
	FromZone    string
	TagFlags    []string
	ToZones     []string
	Manifest    string

	tags []cloud.Tag
}

// maxTags is how many Tag.N filters DescribeInstances takes.
const maxTags = 20

// tablesUpTo is the largest plan shown as a table per instance; a larger one
// is a fleet, shown as a summary.
const tablesUpTo = 5

// NewCmdPlan builds zonemove plan.
func NewCmdPlan(f *Factory, runF func(context.Context, *PlanOptions) error) *cobra.Command {
	o := &PlanOptions{IO: f.IOStreams, Out: f.Output(), Now: f.Now}
	cmd := &cobra.Command{
		Use:   "plan (--instance-id ID... | --from-zone ZONE [--tag KEY=VALUE]...)",
		Short: "Find a zone, vSwitch and type for each instance, and write a manifest",
		Long: `For each instance, judge every other zone of the region (or only the --to-zone
ones) with the checks of 'zonemove create': a vSwitch of the instance's VPC
that is Available and has the most free addresses left after this plan's own
placements, and the instance's type when the zone has it in stock, else the
smallest type of its family in stock with at least its vCPUs and memory (a
type change, with its billing impact).

Each instance gets the first feasible zone by: keeps its type, most free
addresses, fewest warnings, zone ID. Instances with the fewest feasible zones
are placed first, so that no vSwitch is given more instances than it has free
addresses. --manifest writes an apply manifest for every instance that has a
zone, each entry with a comment that says why. It writes a new file only: an
existing one (it may be a running batch's) is refused, and nothing is read.

Exit status 3 when some instance has no zone: each is named with the checks
that block every zone. Nothing is ever created. See docs/plan.md.`,
		Example: `  # Where can these two instances go?
  zonemove plan --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0001 --instance-id i-bp1ff25rzvnul6kr0002

  # Retire a zone: every production instance of it, into a manifest for apply
  zonemove plan --region cn-hangzhou --from-zone cn-hangzhou-h --tag env=prod --manifest retire-h.yaml
  zonemove apply -f retire-h.yaml --dry-run`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region = f.Global.Region
			o.Reader = func() (PlanReader, error) { return f.Gatherer(o.Region, nil) }
			if err := o.complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&o.InstanceIDs, "instance-id", nil, "an instance to place (repeatable)")
	fl.StringVar(&o.FromZone, "from-zone", "", "place every instance of this zone")
	fl.StringArrayVar(&o.TagFlags, "tag", nil, "with --from-zone: only instances with this tag, KEY=VALUE (repeatable: all of them)")
	fl.StringArrayVar(&o.ToZones, "to-zone", nil, "only this zone is a candidate (repeatable); default: every zone of the region but the instance's own")
	fl.StringVar(&o.Manifest, "manifest", "", "write an apply manifest for every instance that has a zone to this new file (an existing one is refused)")
	comp := newCompleter(f)
	_ = cmd.RegisterFlagCompletionFunc("instance-id", comp.instanceIDs)
	_ = cmd.RegisterFlagCompletionFunc("from-zone", comp.zones)
	_ = cmd.RegisterFlagCompletionFunc("to-zone", comp.zones)
	return cmd
}

// distinct checks each value of a repeatable flag and drops repeats, in order.
func distinct(flag string, values []string, valid func(flag, value string) error) ([]string, error) {
	var out []string
	for _, v := range values {
		if err := valid(flag, v); err != nil {
			return nil, err
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func (o *PlanOptions) complete() error {
	if err := requireRegion(o.Region); err != nil {
		return err
	}
	switch {
	case len(o.InstanceIDs) == 0 && o.FromZone == "":
		return cmdutil.UsageErrorf("which instances? pass --instance-id ID (repeatable) or --from-zone ZONE")
	case len(o.InstanceIDs) > 0 && o.FromZone != "":
		return cmdutil.UsageErrorf("--instance-id and --from-zone select instances two ways: pass one of them")
	case len(o.TagFlags) > 0 && o.FromZone == "":
		return cmdutil.UsageErrorf("--tag filters the instances of --from-zone: pass --from-zone ZONE too")
	case len(o.TagFlags) > maxTags:
		return cmdutil.UsageErrorf("at most %d --tag filters, not %d", maxTags, len(o.TagFlags))
	}
	var err error
	if o.InstanceIDs, err = distinct("--instance-id", o.InstanceIDs, migration.ValidateInstanceID); err != nil {
		return err
	}
	if o.FromZone != "" {
		if err := o.validateZone("--from-zone", o.FromZone); err != nil {
			return err
		}
	}
	if o.ToZones, err = distinct("--to-zone", o.ToZones, o.validateZone); err != nil {
		return err
	}
	for _, t := range o.TagFlags {
		key, value, ok := strings.Cut(t, "=")
		if !ok || strings.TrimSpace(key) == "" || value == "" {
			return cmdutil.UsageErrorf("--tag %q: want KEY=VALUE, such as env=prod", t)
		}
		o.tags = append(o.tags, cloud.Tag{Key: key, Value: value})
	}
	if o.Manifest != "" && strings.TrimSpace(o.Manifest) == "" {
		return cmdutil.UsageErrorf("--manifest: the file name is empty")
	}
	// A manifest may be a running batch's: a plan never replaces one.
	if _, err := os.Lstat(o.Manifest); o.Manifest != "" && err == nil {
		return cmdutil.UsageErrorf("--manifest %s exists: plan writes a new manifest and never replaces one; name another file, or remove this one first", o.Manifest)
	}
	return nil
}

func (o *PlanOptions) validateZone(flag, zone string) error {
	if err := migration.ValidateZone(flag, zone); err != nil {
		return err
	}
	if !preflight.ZoneInRegion(&migration.Spec{Region: o.Region, TargetZone: zone}) {
		return cmdutil.UsageErrorf("%s %s is not a zone of region %s", flag, zone, o.Region)
	}
	return nil
}

// planDocument is the document of zonemove plan.
type planDocument struct {
	Plans []*plan.InstancePlan `json:"plans"`
	// Manifest is the file written with --manifest; empty when none was.
	Manifest string `json:"manifest,omitempty"`
	errorField

	planned bool             // a plan was made; else the error says why not
	none    string           // what there was nothing of to plan ("no instance in ZONE ...")
	freeIPs map[string]int64 // the free addresses of each vSwitch, as read
}

func (o *PlanOptions) run(ctx context.Context) error {
	doc := &planDocument{Plans: []*plan.InstancePlan{}}
	p, in, err := o.plan(ctx)
	if err != nil {
		return o.Out.Render(doc, err)
	}
	doc.Plans, doc.planned = p.Plans, true
	doc.none = "no instance"
	if o.FromZone != "" {
		doc.none = "no instance in " + o.FromZone
		if len(o.TagFlags) > 0 {
			doc.none += " with the tags " + strings.Join(o.TagFlags, ", ")
		}
	}
	doc.freeIPs = map[string]int64{}
	for _, v := range in.VSwitches {
		doc.freeIPs[v.VSwitchID] = v.FreeIPs
	}
	if o.Manifest != "" {
		err = o.writeManifest(p)
		if err == nil && len(p.Placed()) > 0 {
			doc.Manifest = o.Manifest
		}
	}
	if err == nil {
		err = unplacedError(p)
	}
	return o.Out.Render(doc, err)
}

// plan reads the instances and what the plan needs of the region, and makes
// the plan with the preflight checks as the judge.
func (o *PlanOptions) plan(ctx context.Context) (*plan.Plan, *plan.Input, error) {
	r, err := o.Reader()
	if err != nil {
		return nil, nil, err
	}
	filter := cloud.InstanceFilter{IDs: o.InstanceIDs, ZoneID: o.FromZone, Tags: o.tags}
	instances, err := r.SelectInstances(ctx, filter)
	if err != nil {
		return nil, nil, err
	}
	in := &plan.Input{Zones: o.ToZones, ZonesGiven: len(o.ToZones) > 0}
	charges, vpcs, families := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, i := range instances {
		in.Instances = append(in.Instances, plan.Instance{InstanceID: i.InstanceID, ZoneID: i.ZoneID, VpcID: i.VpcID,
			InstanceType: i.InstanceType, Family: i.Family(), ChargeType: i.ChargeType})
		charges[i.ChargeType], families[i.Family()] = true, true
		if i.VpcID != "" {
			vpcs[i.VpcID] = true
		}
	}
	regionZones := map[string]bool{}
	for _, charge := range slices.Sorted(maps.Keys(charges)) {
		stock, err := r.RegionStock(ctx, charge)
		if err != nil {
			return nil, nil, err
		}
		for zone, s := range stock {
			regionZones[zone] = true
			ps := plan.Stock{ZoneID: zone, ChargeType: charge}
			for t := range s.Types {
				if s.InStock(t) {
					ps.Types = append(ps.Types, t)
				}
			}
			in.Stock = append(in.Stock, ps)
		}
	}
	if !in.ZonesGiven {
		in.Zones = slices.Sorted(maps.Keys(regionZones))
	}
	// One bulk read of what the checks need; the VPCs' vSwitches and the
	// families' types below then come from it.
	var targets []facts.Target
	for _, i := range in.Instances {
		for _, z := range in.Zones {
			targets = append(targets, facts.Target{InstanceID: i.InstanceID, Zone: z})
		}
	}
	if err := r.Prefetch(ctx, targets); err != nil {
		return nil, nil, err
	}
	for _, vpcID := range slices.Sorted(maps.Keys(vpcs)) {
		list, err := r.VSwitchesOfVPC(ctx, vpcID)
		if err != nil {
			return nil, nil, err
		}
		for _, v := range list {
			in.VSwitches = append(in.VSwitches, plan.VSwitch{VSwitchID: v.VSwitchID, VpcID: v.VpcID, ZoneID: v.ZoneID, Status: v.Status, FreeIPs: v.AvailableIPs})
		}
	}
	for _, family := range slices.Sorted(maps.Keys(families)) {
		ft, err := r.FamilyTypes(ctx, family)
		if err != nil {
			return nil, nil, err
		}
		pf := plan.Family{Name: family}
		for _, t := range ft.Types {
			pf.Types = append(pf.Types, plan.InstanceType{ID: t.InstanceTypeID, CPU: t.CPU, MemoryGiB: t.MemoryGiB})
		}
		in.Families = append(in.Families, pf)
	}
	now := o.Now()
	check := func(ctx context.Context, p plan.Proposal) (*plan.Assessment, error) {
		spec := &migration.Spec{Region: o.Region, InstanceID: p.Instance.InstanceID, TargetZone: p.ZoneID, TargetVSwitch: p.VSwitchID}
		if p.TypeChange() {
			spec.TargetInstanceType = p.InstanceType
		}
		rep, err := preflight.Run(ctx, r, preflight.Request{Spec: spec}, now)
		if err != nil {
			return nil, err
		}
		a := &plan.Assessment{Checks: rep.Checks}
		if rep.Impact != nil {
			a.Billing = rep.Impact.Billing
		}
		return a, nil
	}
	p, err := plan.Make(ctx, in, check)
	if err != nil {
		return nil, nil, err
	}
	p.Plans = append(p.Plans, o.missing(instances)...)
	return p, in, nil
}

// missing are the plans of the --instance-id instances the region does not
// have.
func (o *PlanOptions) missing(found []*facts.Instance) []*plan.InstancePlan {
	var out []*plan.InstancePlan
	for _, id := range o.InstanceIDs {
		if !slices.ContainsFunc(found, func(i *facts.Instance) bool { return i.InstanceID == id }) {
			out = append(out, &plan.InstancePlan{InstanceID: id, Candidates: []*plan.Candidate{}, Blocking: []string{preflight.InstanceFound},
				Reason: fmt.Sprintf("no zone: instance %s was not found in region %s", id, o.Region)})
		}
	}
	return out
}

// writeManifest writes the apply manifest of the placed instances; a plan
// that places none writes nothing and says so.
func (o *PlanOptions) writeManifest(p *plan.Plan) error {
	// The manifest's first step: its own dry run, on this run's region and profile.
	cmds := o.Out.commands()
	cmds.File, cmds.State, cmds.Region = o.Manifest, "", o.Region
	review := cmds.Step(next.Cmd("apply", "--dry-run").OfBatch())
	data, err := p.Manifest(o.Region, review)
	if errors.Is(err, plan.ErrNothingPlaced) {
		fmt.Fprintf(o.IO.ErrOut, "No manifest written: no instance has a zone.\n")
		return nil
	}
	if err != nil {
		return err
	}
	// Whole or not at all, and only where no file is, even one made while
	// the plan ran: a manifest may be a running batch's.
	if err := atomicfile.WriteNew(o.Manifest, data, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cmdutil.UsageErrorf("--manifest %s was made while the plan ran: plan never replaces a manifest, so nothing was written; name another file, or remove this one first", o.Manifest)
		}
		return fmt.Errorf("writing the manifest: %w", err)
	}
	n := len(p.Placed())
	fmt.Fprintf(o.IO.ErrOut, "Wrote %s: %d %s. Review it, then: %s\n",
		o.Manifest, n, countNoun(n, "migration", "migrations"), review)
	return nil
}

// unplacedError is the exit-3 error of a plan with instances without a zone.
func unplacedError(p *plan.Plan) error {
	un := p.Unplaced()
	if len(un) == 0 {
		return nil
	}
	const named = 10
	parts := make([]string, 0, min(len(un), named))
	for _, ip := range un[:min(len(un), named)] {
		why := "a different check in each zone"
		if len(ip.Blocking) > 0 {
			why = strings.Join(ip.Blocking, ", ")
		} else if len(ip.Candidates) == 0 {
			why = "no candidate zone"
		}
		parts = append(parts, ip.InstanceID+" ("+why+")")
	}
	if len(un) > named {
		parts = append(parts, fmt.Sprintf("and %d more", len(un)-named))
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitCheckFailed, ErrCode: "CheckFailed",
		Err:  fmt.Errorf("no zone for %d of %d %s: %s", len(un), len(p.Plans), countNoun(len(p.Plans), "instance", "instances"), strings.Join(parts, "; ")),
		Hint: "each instance's plan says what blocks each zone: fix that, or plan again with other --to-zone zones"}
}

// Text writes the plan: a line per instance and zone off a terminal; on one,
// each instance's zones, or for a fleet a summary.
func (d *planDocument) Text(ios *iostreams.IOStreams) {
	switch {
	case !d.planned:
	case len(d.Plans) == 0:
		fmt.Fprintf(ios.Out, "Nothing to plan: %s.\n", d.none)
	case !ios.IsStdoutTTY():
		printPlanLines(ios.Out, d.Plans)
	case len(d.Plans) <= tablesUpTo:
		for i, ip := range d.Plans {
			if i > 0 {
				fmt.Fprintln(ios.Out)
			}
			printInstancePlan(ios, ip)
		}
	default:
		d.printFleetSummary(ios)
	}
}

// verdict names a candidate's verdict for people.
func verdict(ip *plan.InstancePlan, c *plan.Candidate) string {
	switch {
	case ip.Choice != nil && ip.Choice.ZoneID == c.ZoneID:
		return "chosen"
	case c.Feasible:
		return "feasible"
	}
	return "blocked"
}

// printPlanLines writes one tab-separated line per instance and candidate
// zone, for scripts: instance, zone, verdict, vSwitch, type, type change,
// free addresses, blocking checks, reason.
func printPlanLines(w io.Writer, plans []*plan.InstancePlan) {
	for _, ip := range plans {
		if len(ip.Candidates) == 0 {
			fmt.Fprintf(w, "%s\t-\tnone\t-\t-\tfalse\t0\t%s\t%s\n", ip.InstanceID, strings.Join(ip.Blocking, ","), ip.Reason)
		}
		for _, c := range ip.Candidates {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%t\t%d\t%s\t%s\n", ip.InstanceID, c.ZoneID, verdict(ip, c), dash(c.TargetVSwitch),
				c.TargetInstanceType, c.TypeChange, c.FreeIPs, strings.Join(c.Blocking, ","), c.Reason)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printInstancePlan writes an instance's zones with their verdicts, and its
// choice.
func printInstancePlan(ios *iostreams.IOStreams, ip *plan.InstancePlan) {
	w, cs := ios.Out, ios.ColorScheme()
	if ip.ZoneID == "" {
		fmt.Fprintf(w, "%s\n", cs.Bold(ip.InstanceID))
	} else {
		fmt.Fprintf(w, "%s  %s in %s\n", cs.Bold(ip.InstanceID), ip.InstanceType, ip.ZoneID)
	}
	if len(ip.Candidates) > 0 {
		tw := newListTable(ios) // on a terminal: fitted to it
		tw.indent = "  "
		tw.headers("ZONE", "VERDICT", "VSWITCH", "TYPE", "FREE IPS", "WHY")
		tw.keepWhole(0, 2)
		tw.lastIsNote()
		tw.dropFirst(4)
		for _, c := range ip.Candidates {
			typ := c.TargetInstanceType
			if c.TypeChange {
				typ += " (change)"
			}
			why := c.Reason
			if !c.Feasible {
				why = strings.Join(c.Blocking, ", ") + ": " + c.Reason
			}
			free := "-"
			if c.TargetVSwitch != "" {
				free = strconv.FormatInt(c.FreeIPs, 10)
			}
			tw.row(c.ZoneID, verdict(ip, c), dash(c.TargetVSwitch), typ, free, why)
		}
		tw.flush()
	}
	if ch := ip.Choice; ch != nil {
		fmt.Fprintf(w, "%s %s, %s, %s: %s\n", cs.Green("Choice:"), ch.ZoneID, ch.TargetVSwitch, ch.TargetInstanceType, ch.Reason)
		if c := ip.Candidate(ch.ZoneID); c != nil && c.Billing != "" {
			fmt.Fprintf(w, "  Billing: %s\n", c.Billing)
		}
		return
	}
	fmt.Fprintf(w, "%s %s\n", cs.Red("No zone:"), strings.TrimPrefix(ip.Reason, "no zone: "))
	for _, h := range everywhereHints(ip) {
		fmt.Fprintf(w, "  Hint: %s\n", strings.ReplaceAll(h, "\n", "\n        "))
	}
}

// everywhereHints are the checks' hints for what blocks every zone of an
// instance: what to do about it is the same in each zone. The vSwitch checks'
// hints are left out: they speak of --target-vswitch, which the plan chooses.
func everywhereHints(ip *plan.InstancePlan) []string {
	if len(ip.Candidates) == 0 {
		return nil
	}
	vswitchChecks := []string{preflight.VSwitchZone, preflight.VSwitchVPC, preflight.VSwitchIPs}
	var out []string
	for _, c := range ip.Candidates[0].Checks {
		if c.Status == preflight.Fail && c.Hint != "" && slices.Contains(ip.Blocking, c.ID) && !slices.Contains(vswitchChecks, c.ID) {
			out = append(out, c.Hint)
		}
	}
	return out
}

// printFleetSummary writes one line per instance, what the plan puts in each
// vSwitch, and why the instances without a zone have none.
func (d *planDocument) printFleetSummary(ios *iostreams.IOStreams) {
	w, cs := ios.Out, ios.ColorScheme()
	p := &plan.Plan{Plans: d.Plans}
	placed := p.Placed()
	changes := 0
	for _, ip := range placed {
		if ip.Choice.TypeChange {
			changes++
		}
	}
	fmt.Fprintf(w, "Plan for %s: %d placed (%d with a type change), %d without a zone\n\n", cmdutil.Count(len(p.Plans), "instance", "instances"), len(placed),
		changes, len(p.Plans)-len(placed))
	tw := newListTable(ios) // on a terminal: fitted to it
	tw.headers("INSTANCE", "TYPE", "FROM", "TO", "VSWITCH", "NEW TYPE")
	tw.keepWhole(0, 4)
	tw.dropFirst(1, 5)
	for _, ip := range p.Plans {
		if ch := ip.Choice; ch != nil {
			newType := "-"
			if ch.TypeChange {
				newType = ch.TargetInstanceType
			}
			tw.row(ip.InstanceID, ip.InstanceType, ip.ZoneID, ch.ZoneID, ch.TargetVSwitch, newType)
		} else {
			tw.row(ip.InstanceID, dash(ip.InstanceType), dash(ip.ZoneID), cs.Red("none"), "-", "-")
		}
	}
	tw.flush()

	if len(placed) > 0 {
		free := d.freeIPs
		type use struct{ zone, vswitch string }
		count := map[use]int64{}
		for _, ip := range placed {
			count[use{ip.Choice.ZoneID, ip.Choice.TargetVSwitch}]++
		}
		uses := slices.SortedFunc(maps.Keys(count), func(a, b use) int {
			return cmp.Or(strings.Compare(a.zone, b.zone), strings.Compare(a.vswitch, b.vswitch))
		})
		fmt.Fprintf(w, "\nBy vSwitch:\n")
		tw = newTable(w, "  ")
		for _, u := range uses {
			tw.row(u.zone, u.vswitch, fmt.Sprintf("%d %s", count[u], countNoun(int(count[u]), "instance", "instances")),
				fmt.Sprintf("of %d free addresses", free[u.vswitch]))
		}
		tw.flush()
	}
	if un := p.Unplaced(); len(un) > 0 {
		fmt.Fprintf(w, "\n%s\n", cs.Red("Without a zone:"))
		for _, ip := range un {
			fmt.Fprintf(w, "  %s: %s\n", ip.InstanceID, strings.TrimPrefix(ip.Reason, "no zone: "))
		}
	}
}
