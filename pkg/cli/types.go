package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// TypesOptions are the values of zonemove types and what it needs.
type TypesOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	Gatherer func() (*cloud.Gatherer, error)
	Region   string

	InstanceID string
	TargetZone string
}

// NewCmdTypes builds zonemove types. runF replaces the run function in tests
// of flag parsing.
func NewCmdTypes(f *Factory, runF func(context.Context, *TypesOptions) error) *cobra.Command {
	o := &TypesOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "types --instance-id ID --target-zone ZONE",
		Short: "List the instance types an instance may move to in a zone",
		Long: `List the instance types of the instance's family that the target zone sells
now to instances of its charge type, with their vCPUs and memory. The
instance's current type is marked. Any of them may be passed to
'zonemove create --target-instance-type' (see the family-supported check for
the families that cannot change type across zones).

It runs the checks of create that apply, with create's exit code: 3 when the
zone is not in the region (region-zone), the instance does not exist there
(instance-found), or the zone offers nothing to the instance (type-in-stock).

Off a terminal, each type is one tab-separated line: instance_type, cpu,
memory_gib, current (true or false); what is said about them goes to stderr.`,
		Example: `  zonemove types --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0000 --target-zone cn-hangzhou-i`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region = f.Global.Region
			o.Gatherer = func() (*cloud.Gatherer, error) { return f.Gatherer(o.Region, nil) }
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
	fl.StringVar(&o.InstanceID, "instance-id", "", "ID of the ECS instance (required)")
	fl.StringVar(&o.TargetZone, "target-zone", "", "zone to list the types of (required)")
	comp := newCompleter(f)
	_ = cmd.RegisterFlagCompletionFunc("instance-id", comp.instanceIDs)
	_ = cmd.RegisterFlagCompletionFunc("target-zone", comp.zones)
	return cmd
}

func (o *TypesOptions) complete() error {
	if err := requireRegion(o.Region); err != nil {
		return err
	}
	spec := migration.Spec{Region: o.Region, InstanceID: o.InstanceID, TargetZone: o.TargetZone}
	if err := spec.Validate(); err != nil {
		return flagErrors(err)
	}
	return nil
}

// typesDocument is the document of zonemove types.
type typesDocument struct {
	InstanceID         string      `json:"instance_id"`
	InstanceType       string      `json:"instance_type"`
	ChargeType         string      `json:"charge_type"`
	ZoneID             string      `json:"zone_id"`
	InstanceTypeFamily string      `json:"instance_type_family"`
	Types              []typeEntry `json:"types"`
	CurrentInStock     bool        `json:"current_in_stock"`
	errorField
}

type typeEntry struct {
	InstanceType string  `json:"instance_type"`
	CPU          int     `json:"cpu"`
	MemoryGiB    float64 `json:"memory_gib"`
	Current      bool    `json:"current"`
}

func (o *TypesOptions) run(ctx context.Context) error {
	// The checks create runs on the same facts, with the same exit code (3).
	in := preflight.Input{Spec: &migration.Spec{Region: o.Region, InstanceID: o.InstanceID, TargetZone: o.TargetZone}}
	if err := typesCheck(preflight.RegionZone, in); err != nil {
		return err
	}
	g, err := o.Gatherer()
	if err != nil {
		return err
	}
	inst, err := g.Instance(ctx, o.InstanceID)
	if err != nil {
		return err
	}
	in.Facts = &facts.Facts{Instance: inst}
	if err := typesCheck(preflight.InstanceFound, in); err != nil {
		return err
	}
	family, stock, err := g.FamilyStock(ctx, inst, o.TargetZone)
	if err != nil {
		return err
	}
	if stock.ZoneStatus != "Available" {
		// A zone that offers nothing (or does not exist) fails type-in-stock.
		in.Facts.Stock, in.Facts.FamilyTypes = stock, family
		if err := typesCheck(preflight.TypeInStock, in); err != nil {
			return err
		}
	}
	doc := &typesDocument{InstanceID: inst.InstanceID, InstanceType: inst.InstanceType, ChargeType: inst.ChargeType,
		ZoneID: o.TargetZone, InstanceTypeFamily: family.Family, Types: []typeEntry{}}
	for _, t := range preflight.SortTypes(stock.Filter(family.Types)) {
		current := t.InstanceTypeID == inst.InstanceType
		doc.CurrentInStock = doc.CurrentInStock || current
		doc.Types = append(doc.Types, typeEntry{InstanceType: t.InstanceTypeID, CPU: t.CPU, MemoryGiB: t.MemoryGiB, Current: current})
	}
	return o.Out.Render(doc, nil)
}

// typesCheck runs one check of create; its failure is the command's (exit 3).
func typesCheck(id string, in preflight.Input) error {
	r := preflight.Check(id, in)
	if r.Status != preflight.Fail {
		return nil
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitCheckFailed, ErrCode: "CheckFailed", Hint: r.Hint,
		Err: fmt.Errorf("check %s failed: %s", r.ID, r.Message)}
}

// Text writes the family's types in stock, the current one marked: on a
// terminal a table under a title; off it one tab-separated line per type
// (type, vCPUs, memory in GiB, whether it is the current type), and what
// is said about them on stderr.
func (doc *typesDocument) Text(ios *iostreams.IOStreams) {
	w, cs := ios.Out, ios.ColorScheme()
	notes := ios.Out
	t := newListTable(ios)
	if t.tsv {
		notes = ios.ErrOut
	} else {
		fmt.Fprintf(w, "Types of family %s in stock in %s for %s (%s, %s)\n\n", doc.InstanceTypeFamily, doc.ZoneID, doc.InstanceID, doc.InstanceType, doc.ChargeType)
	}
	if len(doc.Types) == 0 {
		fmt.Fprintf(notes, "None: no type of family %s is in stock in %s for %s instances. Choose another zone, or try again later.\n", doc.InstanceTypeFamily, doc.ZoneID, doc.ChargeType)
		return
	}
	t.indent = "  "
	t.headers("TYPE", "VCPUS", "MEMORY")
	if t.tsv {
		t.indent = ""
	}
	for _, typ := range doc.Types {
		if t.tsv {
			t.row(typ.InstanceType, fmt.Sprint(typ.CPU), fmt.Sprintf("%g", typ.MemoryGiB), strconv.FormatBool(typ.Current))
			continue
		}
		mark := ""
		if typ.Current {
			mark = "  " + cs.Green("(current)")
		}
		t.row(typ.InstanceType, fmt.Sprint(typ.CPU), fmt.Sprintf("%g GiB%s", typ.MemoryGiB, mark))
	}
	t.flush()
	if !doc.CurrentInStock {
		if !t.tsv {
			fmt.Fprintln(notes)
		}
		fmt.Fprintf(notes, "The current type %s is not in stock in %s: pass one of these with --target-instance-type.\n", doc.InstanceType, doc.ZoneID)
	}
}
