package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/record"
	"github.com/zonemove/zonemove/pkg/smc"
)

// revertRun is what makes an apply a revert: the instances to move back
// (none: every instance of the state file that moved), and what was decided
// for each.
type revertRun struct {
	IDs     []string
	choices []*batch.RevertChoice
}

// NewCmdRevert builds zonemove revert: apply's run (checks, confirmation,
// state file, kill safety, --wait) on the migrations that move a batch's
// moved instances back where its state file says they were.
func NewCmdRevert(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	o := &ApplyOptions{IO: f.IOStreams, Out: f.Output(), SMC: f.SMC, NewChecker: f.Checker, NewPrefetcher: f.Prefetcher, NewFollower: f.Follower,
		NewClientToken: f.NewClientToken, Now: f.Now, Sleep: f.Sleep, Limiter: f.Policy.Limiter, revert: &revertRun{}, ECS: f.ECS, LB: f.LoadBalancers}
	cmd := &cobra.Command{
		Use:   "revert -f FILE [INSTANCE_ID...] [flags]",
		Short: "Move a batch's moved instances back to where they were",
		Long: `Move the instances of a batch back to where its state file says they were
before their move: their zone and vSwitch, their type if the move changed it,
and the category and performance level of each disk the move changed. The
state file keeps that record ("before") from the first run that saw each
instance; the manifest is not read.

Without INSTANCE_ID, every instance of the state file whose move Finished is
moved back; with them, those alone. An instance whose move's job has not ended
is never reverted: it is named, and the run exits 1 (follow it with
'zonemove wait -f FILE', then revert again). Instances that did not move are
named and left alone.

A revert is run as apply runs a batch: every revert is checked first (the
same checks as create; a failed check creates nothing, exit 3), confirmed
once on a terminal (off a terminal it needs --yes), created --concurrency at
a time, and followed with --wait. Each revert's ClientToken is written to the
state file before its create is sent, in the entry's own "revert" record,
apart from the move's; running the same revert again after any interruption
creates no second job, and --retry-failed resumes a revert job that is InError
or Stopped. status -f and report show the reverts.`,
		Example: `  # Check what a revert of the whole batch would do; create nothing
  zonemove revert -f migrations.yaml --dry-run

  # Move one instance back and follow its job
  zonemove revert -f migrations.yaml i-bp1ff25rzvnul6kr0001 --yes --wait`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region, o.Profile = f.Global.Region, f.Global.Profile
			o.Commands = f.Global.commands()
			for _, id := range args {
				if err := migration.ValidateInstanceID("INSTANCE_ID", id); err != nil {
					return err
				}
			}
			o.revert.IDs = slices.Compact(slices.Clone(args))
			if err := o.complete(cmd); err != nil {
				return err
			}
			f.Global.ManifestRegion = o.Commands.Region
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	o.flags(cmd, "manifest of the batch (required): its state file is FILE.state.json")
	return cmd
}

// completeRevert takes a revert's region from the state file, which must
// exist and know every instance named. Nothing is sent.
func (o *ApplyOptions) completeRevert() error {
	if o.StatePath == "" {
		o.StatePath = batch.DefaultStatePath(o.File)
	}
	b := batchFile{File: o.File, StatePath: o.StatePath}
	st, err := b.readState()
	if err != nil {
		return err
	}
	var unknown []string
	for _, id := range o.revert.IDs {
		if st.Migrations[id] == nil {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		return cmdutil.UsageErrorf("%s not in %s: the batch did not move it; nothing was sent", strings.Join(unknown, ", "), o.StatePath)
	}
	region := stateRegion(st, o.Region)
	if err := requireRegion(region); err != nil {
		return err
	}
	o.Commands.Region = region
	return nil
}

// revertManifest decides, from the state file and the moves' jobs as read
// now, which instances move back, and makes the migrations that move them.
func (o *ApplyOptions) revertManifest(ctx context.Context, client *smc.Client, st *batch.State) (*batch.Manifest, error) {
	var ids []string
	for _, id := range record.SortedIDs(st) {
		e := st.Migrations[id]
		if (len(o.revert.IDs) == 0 || slices.Contains(o.revert.IDs, id)) && e.JobID != "" && (e.Revert == nil || !e.Revert.HasCreate()) {
			ids = append(ids, e.JobID)
		}
	}
	region := o.Commands.Region
	jobs, err := client.JobsByID(ctx, region, ids)
	if err != nil {
		return nil, err
	}
	o.revert.choices = batch.PlanRevert(st, o.revert.IDs, jobs, region)
	m := &batch.Manifest{Path: o.File, Region: region}
	for _, c := range o.revert.choices {
		if c.Decision == batch.RevertMove {
			c.Migration.Index = len(m.Migrations)
			m.Migrations = append(m.Migrations, c.Migration)
		}
	}
	return m, nil
}

// revertSkip is an instance a revert leaves alone, and why: the
// "not_reverted" of revert's JSON document.
type revertSkip struct {
	InstanceID string               `json:"instance_id"`
	Decision   batch.RevertDecision `json:"decision"`
	JobID      string               `json:"job_id,omitempty"`
	JobStatus  string               `json:"job_status,omitempty"`
	Reason     string               `json:"reason"`
}

// revertSkips are the instances the revert leaves alone.
func (o *ApplyOptions) revertSkips() []revertSkip {
	if o.revert == nil {
		return nil
	}
	skips := []revertSkip{}
	for _, c := range o.revert.choices {
		if c.Decision != batch.RevertMove {
			skips = append(skips, revertSkip{InstanceID: c.InstanceID, Decision: c.Decision, JobID: c.JobID, JobStatus: c.JobStatus, Reason: c.Reason})
		}
	}
	return skips
}

// revertError is what the instances left alone mean for the run: one whose
// move still runs, or one named that cannot be reverted, is exit 1.
func (o *ApplyOptions) revertError() error {
	var running, named []string
	for _, s := range o.revertSkips() {
		switch {
		case s.Decision == batch.RevertRunning:
			running = append(running, fmt.Sprintf("%s (job %s is %s)", s.InstanceID, s.JobID, s.JobStatus))
		case len(o.revert.IDs) > 0:
			named = append(named, s.InstanceID+" ("+s.Reason+")")
		}
	}
	switch {
	case len(running) > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "JobRunning",
			Err:  fmt.Errorf("not reverted, its move still runs: %s", strings.Join(running, ", ")),
			Next: next.Hintf("follow the moves to their end with '%s', then run the same revert again", o.Commands.Step(next.Cmd("wait").OfBatch()))}
	case len(named) > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "NotReverted",
			Err: fmt.Errorf("cannot be reverted: %s", strings.Join(named, ", "))}
	}
	return nil
}
