package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/smc"
)

// StateOptions are the values of zonemove state show and forget.
type StateOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	SMC      func(region string) (*smc.Client, error)
	Commands cmdutil.Commands
	global   *GlobalOptions // its ManifestRegion is the state file's, for hints

	File      string
	StatePath string
	Forget    []string // instance IDs
	Revert    bool     // forget the revert records, not the moves'
	Yes       bool
}

// NewCmdState builds zonemove state and its subcommands.
func NewCmdState(f *Factory, runF func(context.Context, *StateOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Show or edit the state file of an apply",
		Long: `The state file of 'zonemove apply' records, per instance, the ClientToken of its
create and the job it made. These commands read it and drop entries from it,
so that no one edits the JSON by hand (docs/batch.md, "The state file").`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(newCmdStateShow(f, runF), newCmdStateForget(f, runF))
	return cmd
}

func stateFlags(cmd *cobra.Command, o *StateOptions) {
	fl := cmd.Flags()
	fl.StringVarP(&o.File, "file", "f", "", "manifest of the batch (YAML; required): its state file is FILE.state.json")
	fl.StringVar(&o.StatePath, "state", "", "state file (default FILE.state.json, next to the manifest)")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	_ = cmd.MarkFlagFilename("state", "json")
}

func (o *StateOptions) complete(f *Factory) error {
	o.Commands, o.global = f.Global.commands(), &f.Global
	o.SMC = func(region string) (*smc.Client, error) { return f.SMC(region, nil) }
	if o.File == "" {
		return cmdutil.UsageErrorf("a manifest is required: pass -f FILE (the manifest the state file belongs to)")
	}
	if o.StatePath == "" {
		o.StatePath = batch.DefaultStatePath(o.File)
	}
	return nil
}

func newCmdStateShow(f *Factory, runF func(context.Context, *StateOptions) error) *cobra.Command {
	o := &StateOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "show -f FILE [--state PATH]",
		Short: "Show what an apply's state file records",
		Long: `Show each instance of the state file: its ClientToken, its job (if known), and
whether the job was found on the instance (adopted). Nothing is sent.

Off a terminal, each instance is one tab-separated line: instance, job_id,
adopted (true or false), client_token, token_recorded_at.`,
		Example: `  zonemove state show -f migrations.yaml`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(f); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.show()
		},
	}
	stateFlags(cmd, o)
	return cmd
}

func newCmdStateForget(f *Factory, runF func(context.Context, *StateOptions) error) *cobra.Command {
	o := &StateOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "forget -f FILE [--state PATH] INSTANCE_ID... [--yes]",
		Short: "Drop instances from an apply's state file",
		Long: `Drop the entries of instances from the state file, so that the next apply
checks them in full and creates them with a new ClientToken.

An entry whose job may still run (a token with no known job, or a job that is
not Finished or Expired, as DescribeReplicationJobs says now) is named, and is
dropped only with --yes (or a yes on a terminal): the next apply could then
create a second job for its instance. The state file is locked while it is
changed, as apply locks it.`,
		Example: `  zonemove state forget -f migrations.yaml i-bp1ff25rzvnul6kr0000`,
		Args:    cmdutil.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(f); err != nil {
				return err
			}
			for _, id := range args {
				if err := migration.ValidateInstanceID("INSTANCE_ID", id); err != nil {
					return err
				}
			}
			o.Forget = args
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.forget(cmd.Context())
		},
	}
	stateFlags(cmd, o)
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "drop entries whose job may still run, without asking")
	cmd.Flags().BoolVar(&o.Revert, "revert", false, "drop the entries' revert records (zonemove revert), not their moves'")
	return cmd
}

// stateEntry is one instance of the state file in state's JSON documents.
type stateEntry struct {
	InstanceID  string `json:"instance_id"`
	ClientToken string `json:"client_token"`
	JobID       string `json:"job_id"`
	Adopted     bool   `json:"adopted"`
	// JobStatus is, for forget, the job's status read now ("" when not read).
	JobStatus       string `json:"job_status,omitempty"`
	TokenRecordedAt string `json:"token_recorded_at"`
}

// stateDocument is the document of state show: the entries of a state file.
type stateDocument struct {
	StateFile  string       `json:"state_file"`
	Manifest   string       `json:"manifest"`
	Migrations []stateEntry `json:"migrations"`
	errorField

	read bool // the state file was read; else the error says why not
}

// Text writes an entry per instance, and how many there are.
func (d *stateDocument) Text(ios *iostreams.IOStreams) {
	if !d.read {
		return
	}
	t := newListTable(ios)
	if t.tsv {
		for _, e := range d.Migrations {
			t.row(e.InstanceID, e.JobID, strconv.FormatBool(e.Adopted), e.ClientToken, e.TokenRecordedAt)
		}
		t.flush()
		return
	}
	t.headers("INSTANCE", "JOB ID", "CLIENT TOKEN", "RECORDED")
	t.keepWhole(0, 1)
	t.dropFirst(3, 2)
	for _, e := range d.Migrations {
		job := follow.Dash(e.JobID)
		if e.Adopted {
			job += " (adopted)"
		}
		if e.JobID == "" {
			job = "- (outcome unknown)"
		}
		t.row(e.InstanceID, job, follow.Dash(e.ClientToken), e.TokenRecordedAt)
	}
	t.flush()
	fmt.Fprintf(ios.Out, "\n%d %s in %s.\n", len(d.Migrations), countNoun(len(d.Migrations), "instance", "instances"), d.StateFile)
}

// forgetDocument is the document of state forget: the entries dropped.
type forgetDocument struct {
	StateFile string       `json:"state_file"`
	Forgotten []stateEntry `json:"forgotten"`
	// AlreadyForgotten are the instances named that the state file no longer
	// holds (a killed run forgot them, or an earlier forget): nothing to do.
	AlreadyForgotten []string `json:"already_forgotten,omitempty"`
	errorField

	next string // once forgotten: what the next apply does with them
}

// Text writes each entry forgotten, and what the next apply does.
func (d *forgetDocument) Text(ios *iostreams.IOStreams) {
	if d.next == "" {
		return
	}
	for _, e := range d.Forgotten {
		fmt.Fprintf(ios.Out, "Forgot %s (ClientToken %s, job %s)\n", e.InstanceID, follow.Dash(e.ClientToken), follow.Dash(e.JobID))
	}
	if len(d.AlreadyForgotten) > 0 {
		fmt.Fprintf(ios.Out, "Not in %s, so forgotten already: %s; nothing to do for them\n", d.StateFile, strings.Join(d.AlreadyForgotten, ", "))
	}
	fmt.Fprintf(ios.Out, "\n%s\n", d.next)
}

func entryOf(id string, e *batch.Entry) stateEntry {
	return stateEntry{InstanceID: id, ClientToken: e.ClientToken, JobID: e.JobID, Adopted: e.Adopted,
		TokenRecordedAt: e.TokenRecordedAt.UTC().Format("2006-01-02T15:04:05Z")}
}

// missingState is the error of a state file that is not there (nil when it is).
func (o *StateOptions) missingState() error {
	_, err := os.Stat(o.StatePath)
	if err == nil {
		return nil
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "StateFileNotFound",
		Err:  fmt.Errorf("no state file %s: %w", o.StatePath, errors.Unwrap(err)),
		Hint: "apply writes it next to the manifest once it sends a create; pass --state PATH if the batch used another"}
}

func (o *StateOptions) show() error {
	doc := &stateDocument{StateFile: o.StatePath, Migrations: []stateEntry{}}
	if err := o.missingState(); err != nil {
		return o.Out.Render(doc, err)
	}
	st, err := batch.ReadState(o.StatePath)
	if err != nil {
		return o.Out.Render(doc, stateError(err))
	}
	doc.Manifest = st.Manifest
	for _, id := range sortedIDs(st) {
		doc.Migrations = append(doc.Migrations, entryOf(id, st.Migrations[id]))
	}
	doc.read = true
	return o.Out.Render(doc, nil)
}

// sortedIDs are the instances with a create recorded (an entry may hold
// only where its instance was).
func sortedIDs(st *batch.State) []string {
	ids := make([]string, 0, len(st.Migrations))
	for id, e := range st.Migrations {
		if e.HasCreate() {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (o *StateOptions) forget(ctx context.Context) error {
	doc := &forgetDocument{StateFile: o.StatePath, Forgotten: []stateEntry{}}
	// Nothing to forget, and no lock file left behind where no batch ran.
	if err := o.missingState(); err != nil {
		return o.Out.Render(doc, err)
	}
	store, err := batch.OpenStore(o.StatePath, filepath.Base(o.File))
	if err != nil {
		return o.Out.Render(doc, stateError(err))
	}
	defer store.Close()
	st := store.Snapshot()
	if o.Revert {
		// The revert records, in the place of the moves'.
		st, store = batch.RevertState(st), store.Reverts()
	}
	// An entry already gone is what forget asks for: a repeat after a killed
	// run, or of an earlier forget, succeeds.
	var present []string
	for _, id := range o.Forget {
		if e := st.Migrations[id]; e == nil || !e.HasCreate() {
			doc.AlreadyForgotten = append(doc.AlreadyForgotten, id)
		} else {
			present = append(present, id)
		}
	}
	o.Forget = present
	if o.Commands.Region == "" {
		// The hints name the region of the batch's jobs.
		for _, e := range st.Migrations {
			if e.Request != nil && e.Request.RegionId != "" {
				o.Commands.Region, o.global.ManifestRegion = e.Request.RegionId, e.Request.RegionId
				break
			}
		}
	}
	statuses, err := o.jobStatuses(ctx, st)
	if err != nil {
		return o.Out.Render(doc, err)
	}
	var risky []string
	for _, id := range o.Forget {
		e := st.Migrations[id]
		se := entryOf(id, e)
		se.JobStatus = statuses[e.JobID]
		doc.Forgotten = append(doc.Forgotten, se)
		switch {
		case e.JobID == "":
			risky = append(risky, fmt.Sprintf("%s: ClientToken %s was sent and no job is known; its create may have made one", id, e.ClientToken))
		case !mayForgetJob(se.JobStatus):
			risky = append(risky, fmt.Sprintf("%s: job %s is %s and may still run", id, e.JobID, se.JobStatus))
		}
	}
	if len(risky) > 0 && !o.Yes {
		msg := "forgetting these lets the next apply create a second job:\n  " + strings.Join(risky, "\n  ")
		if !o.IO.IsStdinTTY() {
			doc.Forgotten = []stateEntry{}
			return o.Out.Render(doc, &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "ConfirmationRequired", Err: errors.New(msg + "\nnothing was changed"),
				Next: o.checkJobsHint(st)})
		}
		fmt.Fprintln(o.IO.ErrOut, msg)
		ok, err := confirm(ctx, o.IO, "Forget them anyway?")
		if err != nil {
			return err
		}
		if !ok {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "NotConfirmed", Err: errors.New("not confirmed: nothing was changed")}
		}
	}
	for _, id := range o.Forget {
		if err := store.Forget(id); err != nil {
			return o.Out.Render(doc, stateError(err))
		}
	}
	doc.next = fmt.Sprintf("The next '%s' checks them in full and creates them with new ClientTokens.",
		o.Commands.Step(next.Cmd("apply").OfBatch().Confirmed()))
	if o.Revert {
		doc.next = fmt.Sprintf("The next '%s' checks them in full and creates their reverts with new ClientTokens.",
			o.Commands.Step(next.Cmd("revert").OfBatch().Confirmed()))
	}
	return o.Out.Render(doc, nil)
}

// checkJobsHint says how to check the jobs of the entries about to go
// before forgetting them anyway.
func (o *StateOptions) checkJobsHint(st *batch.State) next.Hint {
	var jobs []string
	for _, id := range o.Forget {
		if e := st.Migrations[id]; e != nil && e.JobID != "" {
			jobs = append(jobs, e.JobID)
		}
	}
	forget := next.Cmd("state forget", o.Forget...).OfBatch()
	forget.Confirms = true
	yes := o.Commands
	yes.Yes = true
	if len(jobs) == 0 {
		return next.Hintf("check that '%s' shows no job of theirs, then forget them anyway: %s", next.Cmd("list"), yes.Step(forget))
	}
	return next.Hintf("check the jobs with '%s', then forget them anyway: %s", next.Cmd("status", jobs...), yes.Step(forget))
}

// mayForgetJob reports whether a job in this status can no longer run: its
// entry can go without risking a second job.
func mayForgetJob(status string) bool {
	return status == facts.JobFinished || status == facts.JobExpired || status == batch.JobNotFound
}

// jobStatuses reads the jobs of the entries to forget, by the region their
// requests were made in.
func (o *StateOptions) jobStatuses(ctx context.Context, st *batch.State) (map[string]string, error) {
	byRegion := map[string][]string{}
	for _, id := range o.Forget {
		e := st.Migrations[id]
		if e.JobID == "" {
			continue
		}
		region := o.Commands.Region
		if e.Request != nil && e.Request.RegionId != "" {
			region = e.Request.RegionId
		}
		byRegion[region] = append(byRegion[region], e.JobID)
	}
	out := map[string]string{}
	for region, ids := range byRegion {
		if err := requireRegion(region); err != nil {
			return nil, err
		}
		client, err := o.SMC(region)
		if err != nil {
			return nil, err
		}
		jobs, err := client.JobsByID(ctx, region, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = batch.JobNotFound
			if j := jobs[id]; j != nil {
				out[id] = j.Status
			}
		}
	}
	return out, nil
}
