package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// TypesOptions are the values of zonemove types and what it needs.
type TypesOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	Gatherer func() (*cloud.Fleet, error)
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
the families that cannot change type across zones).`,
		Example: `  zonemove types --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0000 --target-zone cn-hangzhou-i`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region = f.Global.Region
			o.Gatherer = func() (*cloud.Fleet, error) { return f.Gatherer(o.Region, nil) }
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
	if !preflight.ZoneInRegion(&spec) {
		return cmdutil.UsageErrorf("zone %s is not in region %s", o.TargetZone, spec.Region)
	}
	return nil
}

// typesDocument is the JSON document of zonemove types.
type typesDocument struct {
	InstanceID         string      `json:"instance_id"`
	InstanceType       string      `json:"instance_type"`
	ChargeType         string      `json:"charge_type"`
	ZoneID             string      `json:"zone_id"`
	InstanceTypeFamily string      `json:"instance_type_family"`
	Types              []typeEntry `json:"types"`
	CurrentInStock     bool        `json:"current_in_stock"`
}

type typeEntry struct {
	InstanceType string  `json:"instance_type"`
	CPU          int     `json:"cpu"`
	MemoryGiB    float64 `json:"memory_gib"`
	Current      bool    `json:"current"`
}

func (o *TypesOptions) run(ctx context.Context) error {
	g, err := o.Gatherer()
	if err != nil {
		return err
	}
	in, err := g.Instance(ctx, o.InstanceID)
	if err != nil {
		return err
	}
	if in == nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "InstanceNotFound",
			Err:  fmt.Errorf("instance %s was not found in region %s", o.InstanceID, o.Region),
			Hint: "check --instance-id and --region"}
	}
	family, stock, err := g.FamilyStock(ctx, in, o.TargetZone)
	if err != nil {
		return err
	}
	doc := &typesDocument{InstanceID: in.InstanceID, InstanceType: in.InstanceType, ChargeType: in.ChargeType,
		ZoneID: o.TargetZone, InstanceTypeFamily: family.Family, Types: []typeEntry{}}
	for _, t := range preflight.SortTypes(stock.Filter(family.Types)) {
		current := t.InstanceTypeID == in.InstanceType
		doc.CurrentInStock = doc.CurrentInStock || current
		doc.Types = append(doc.Types, typeEntry{InstanceType: t.InstanceTypeID, CPU: t.CPU, MemoryGiB: t.MemoryGiB, Current: current})
	}
	return o.Out.RenderData(doc, func() { o.printText(doc) })
}

func (o *TypesOptions) printText(doc *typesDocument) {
	w := o.IO.Out
	cs := o.IO.ColorScheme()
	fmt.Fprintf(w, "Types of family %s in stock in %s for %s (%s, %s)\n\n", doc.InstanceTypeFamily, doc.ZoneID, doc.InstanceID, doc.InstanceType, doc.ChargeType)
	if len(doc.Types) == 0 {
		fmt.Fprintf(w, "None: no type of family %s is in stock in %s for %s instances. Choose another zone, or try again later.\n", doc.InstanceTypeFamily, doc.ZoneID, doc.ChargeType)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  TYPE\tVCPUS\tMEMORY")
	for _, t := range doc.Types {
		mark := ""
		if t.Current {
			mark = "  " + cs.Green("(current)")
		}
		fmt.Fprintf(tw, "  %s\t%d\t%g GiB%s\n", t.InstanceType, t.CPU, t.MemoryGiB, mark)
	}
	tw.Flush()
	if !doc.CurrentInStock {
		fmt.Fprintf(w, "\nThe current type %s is not in stock in %s: pass one of these with --target-instance-type.\n", doc.InstanceType, doc.ZoneID)
	}
}
