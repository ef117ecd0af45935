package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// WaitOptions are the values of zonemove wait and what it needs.
type WaitOptions struct {
	IO          *iostreams.IOStreams
	Out         *Output
	NewFollower func(cmdutil.Commands, *rate.Limiter) *follow.Follower
	Now         func() time.Time
	Commands    cmdutil.Commands

	JobIDs []string
	// Batch, with -f, names the batch whose jobs are followed.
	Batch    batchFile
	Reads    batchReads
	Interval time.Duration
	Timeout  time.Duration
	FailFast bool
}

// NewCmdWait builds zonemove wait.
func NewCmdWait(f *Factory, runF func(context.Context, *WaitOptions) error) *cobra.Command {
	o := &WaitOptions{IO: f.IOStreams, Out: f.Output(), NewFollower: f.Follower, Now: f.Now, Reads: newBatchReads(f)}
	cmd := &cobra.Command{
		Use:   "wait (JOB_ID... | -f FILE [--state PATH])",
		Short: "Follow migration jobs until each has ended",
		Long: `Follow cross-zone migration jobs until each is Finished, InError, Stopped or
Expired. When a job Finished, its instance is read back and its zone, type and
private IP shown.

Every --interval, the jobs not yet done are read together: one
DescribeReplicationJobs per 50 jobs. A poll that fails for a transient reason
(throttling, 5xx, network) after its retries is reported and tried again at the
next poll; the wait goes on.

On a terminal the jobs are shown live on stderr, by instance; off a terminal
(or with TERM=dumb) a line is written each time a job changes, stamped with the
time (RFC 3339). With -o json, stdout holds only the final
document.

A job that fails is shown the moment it fails, with its error and what to do.
With --fail-fast the wait stops there (exit 5), as 'gh run watch
--exit-status' does; the other jobs keep running.

Exit status: 0 when every job Finished, 5 when any ended InError, Stopped or
Expired, 6 when --timeout came first, 130 on Ctrl-C (the jobs keep running; the
jobs that failed and the command that resumes waiting are printed).

With -f FILE, the jobs of the batch of the manifest FILE, as its state file
records them (the revert's job for an instance that has one), each checked
against where its entry sent the instance, and the old private IP of each
instance (kept in the state file) mapped to its new one. The state file is
read, not locked: wait -f can follow a batch while its apply runs.`,
		Example: `  zonemove wait j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove wait j-bp17bclvg344jlyt0000 j-bp17bclvg344jlyt0001 --interval 5m --timeout 8h -o json
  zonemove wait -f migrations.yaml --interval 1m`,
		Args:              jobsOrFile(&o.Batch),
		ValidArgsFunction: newCompleter(f).jobIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Commands = f.Global.commands()
			if err := o.Batch.complete(); err != nil {
				return err
			}
			if o.Batch.File != "" {
				if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
					return err
				}
				if runF != nil {
					return runF(cmd.Context(), o)
				}
				return o.runBatch(cmd.Context())
			}
			if err := o.complete(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().DurationVar(&o.Interval, "interval", 30*time.Second, "time between polls (at least 100ms)")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 0, "give up waiting after this long (0: no limit)")
	cmd.Flags().BoolVar(&o.FailFast, "fail-fast", false, "stop waiting at the first job that fails (exit 5), as soon as it fails; the others keep running")
	o.Batch.flags(cmd, "manifest of a batch: follow the jobs its state file records, instead of jobs by ID")
	return cmd
}

func (o *WaitOptions) complete(args []string) error {
	if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
		return err
	}
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	ids, err := parseJobIDs(args)
	if err != nil {
		return err
	}
	o.JobIDs = ids
	return nil
}

// MinInterval is the shortest time between polls. SMC moves a job's progress
// in steps of minutes, so the default of 30s loses nothing; the bound stops a
// mistyped unit (1ns, 1ms) from polling in a loop and spending the API's rate
// limit, at most ten polls a second.
const MinInterval = 100 * time.Millisecond

// validateWaitFlags checks --interval and --timeout of wait and create --wait.
func validateWaitFlags(interval, timeout time.Duration) error {
	if interval < MinInterval {
		return cmdutil.UsageErrorf("invalid --interval %s: it must be at least %s", interval, MinInterval)
	}
	if timeout < 0 {
		return cmdutil.UsageErrorf("invalid --timeout %s: it must not be negative (0: no limit)", timeout)
	}
	return nil
}

func (o *WaitOptions) run(ctx context.Context) error {
	targets := make([]follow.Target, len(o.JobIDs))
	for i, id := range o.JobIDs {
		targets[i] = follow.Target{JobID: id}
	}
	report, err := o.NewFollower(o.Commands, nil).Wait(ctx, targets, follow.Options{Interval: o.Interval, Timeout: o.Timeout, FailFast: o.FailFast})
	if err == nil {
		err = report.Err()
	}
	doc := &waitDocument{Jobs: report.SeenJobs()}
	if waitEnded(err) {
		doc.report, doc.now, doc.line = report, o.Now(), o.Commands.Step
	}
	return o.Out.Render(doc, err)
}
