package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/record"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// ReportOptions are the values of zonemove report and what it needs.
type ReportOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	Reads    batchReads
	Commands cmdutil.Commands

	Batch  batchFile
	Format string
	OutTo  string
	// NotBefore and NotAfter are the window's bounds to draw: flags, else
	// the manifest's rollout: section.
	NotBefore, NotAfter string
}

// NewCmdReport builds zonemove report.
func NewCmdReport(f *Factory, runF func(context.Context, *ReportOptions) error) *cobra.Command {
	o := &ReportOptions{IO: f.IOStreams, Out: f.Output(), Reads: newBatchReads(f)}
	cmd := &cobra.Command{
		Use:   "report -f FILE [--state PATH] [--format markdown|html] [--out PATH]",
		Short: "Write the change record of a batch (Markdown or HTML)",
		Long: `Write the change record of a batch for its change ticket, from its state file
and what the API says now: per instance, the zone, type and private IP before
and after; each job (the move, and the revert if any) with its creation and
end times and its duration; the snapshot group, the load balancers' outcome
and the verification where the batch recorded them; and every failure with
its error code.

--format html writes one self-contained file (its style and picture inline; it
fetches nothing) with a timeline: one bar per job from its creation to its end,
coloured by outcome, and the window's bounds: --not-before and --not-after, or
else the manifest's rollout: section (an HH:MM is the occurrence nearest to the
batch's first job).

The state file is read, never locked or written: a report can be made while
an apply runs. With --out the record goes to that file, else to stdout; with
-o json, the record's data is the JSON document (as status -f writes it).`,
		Example: `  zonemove report -f migrations.yaml > CHG-1234.md
  zonemove report -f migrations.yaml --format html --out CHG-1234.html`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Commands = f.Global.commands()
			if err := o.complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	o.Batch.flags(cmd, "manifest of the batch (required): its state file is FILE.state.json")
	cmd.Flags().StringVar(&o.Format, "format", "markdown", "markdown or html")
	cmd.Flags().StringVar(&o.OutTo, "out", "", "write the record to this file (default: stdout)")
	cmd.Flags().StringVar(&o.NotBefore, "not-before", "", "the window's start to draw (RFC 3339 or HH:MM; default: the manifest's rollout.not_before)")
	cmd.Flags().StringVar(&o.NotAfter, "not-after", "", "the window's end to draw (RFC 3339 or HH:MM; default: the manifest's rollout.not_after)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"markdown", "html"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func (o *ReportOptions) complete() error {
	if o.Batch.File == "" {
		return cmdutil.UsageErrorf("a manifest is required: pass -f FILE (the batch whose state file to report)")
	}
	if err := o.Batch.complete(); err != nil {
		return err
	}
	switch o.Format {
	case "markdown", "html":
	default:
		return cmdutil.UsageErrorf("invalid --format %q: want markdown or html", o.Format)
	}
	for flag, v := range map[string]string{"--not-before": o.NotBefore, "--not-after": o.NotAfter} {
		if _, err := rollout.ParseMoment(v); v != "" && err != nil {
			return cmdutil.UsageErrorf("invalid %s %q: %v", flag, v, err)
		}
	}
	if o.OutTo != "" {
		if dir := filepath.Dir(o.OutTo); dir != "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return cmdutil.UsageErrorf("invalid --out %s: folder %s does not exist", o.OutTo, dir)
			}
		}
	}
	return nil
}

func (o *ReportOptions) run(ctx context.Context) error {
	doc, err := o.Reads.record(ctx, &o.Batch, o.Commands.Region, nil)
	if err != nil || o.Out.JSON() {
		if err == nil {
			doc.Window = o.window(doc.Batch)
		}
		return o.Out.Render(doc, err)
	}
	doc.Window = o.window(doc.Batch)
	var b bytes.Buffer
	if o.Format == "html" {
		err = record.HTML(&b, doc.Batch)
	} else {
		err = record.Markdown(&b, doc.Batch)
	}
	if err != nil {
		return err
	}
	if o.OutTo == "" {
		_, err = o.IO.Out.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(o.OutTo, b.Bytes(), 0o644); err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "WriteFailed", Err: fmt.Errorf("writing the record: %w", err)}
	}
	fmt.Fprintf(o.IO.ErrOut, "Wrote the change record of %s to %s (%s).\n", cmdutil.Count(len(doc.Entries), "instance", "instances"), o.OutTo, o.Format)
	return nil
}

// window is the window to draw: the flags, else the window the state file
// recorded (the rollout run's own, record.WindowOf), else the manifest's
// rollout: section (read if the manifest still reads), an HH:MM taken as the
// occurrence nearest to the batch's first job.
func (o *ReportOptions) window(b *record.Batch) *record.Window {
	if o.NotBefore == "" && o.NotAfter == "" && b.Window != nil {
		return b.Window
	}
	var section batch.Rollout
	if m, err := batch.Load(o.Batch.File, batch.RegionSource{Region: b.Region}); err == nil {
		section = m.Rollout
	}
	anchor := b.ReadAt
	for _, e := range b.Entries {
		for _, j := range e.Jobs() {
			if j.CreatedAt != nil && j.CreatedAt.Before(anchor) {
				anchor = *j.CreatedAt
			}
		}
	}
	at := func(flag string, m rollout.Moment) *time.Time {
		if flag != "" {
			m, _ = rollout.ParseMoment(flag) // checked by complete
		}
		if m.IsZero() {
			return nil
		}
		t := m.At(anchor.Local()).UTC()
		return &t
	}
	w := &record.Window{NotBefore: at(o.NotBefore, section.NotBefore), NotAfter: at(o.NotAfter, section.NotAfter)}
	if w.NotBefore == nil && w.NotAfter == nil {
		return nil
	}
	return w
}
