package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"
)

// WaitCmdOptions are the values of zonemove wait.
type WaitCmdOptions struct {
	f *Factory

	JobIDs   []string
	Interval time.Duration
	Timeout  time.Duration
}

// NewCmdWait builds zonemove wait.
func NewCmdWait(f *Factory, runF func(context.Context, *WaitCmdOptions) error) *cobra.Command {
	o := &WaitCmdOptions{f: f}
	cmd := &cobra.Command{
		Use:   "wait JOB_ID...",
		Short: "Follow migration jobs until each has ended",
		Long: `Follow cross-zone migration jobs until each is Finished, InError, Stopped or
Expired. When a job Finished, its instance is read back and its zone and type
shown.

Every --interval, the jobs not yet done are read together: one
DescribeReplicationJobs per 50 jobs. A poll that fails for a transient reason
(throttling, 5xx, network) after its retries is reported and tried again at the
next poll; the wait goes on.

On a terminal the jobs are shown live on stderr; off a terminal a line is
written each time a job changes. With -o json, stdout holds only the final
document.

Exit status: 0 when every job Finished, 5 when any ended InError, Stopped or
Expired, 6 when --timeout came first, 130 on Ctrl-C (the jobs keep running; the
command that resumes waiting is printed).`,
		Example: `  zonemove wait j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove wait j-bp17bclvg344jlyt0000 j-bp17bclvg344jlyt0001 --interval 5m --timeout 8h -o json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.complete(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().DurationVar(&o.Interval, "interval", 30*time.Second, "time between polls")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", 0, "give up waiting after this long (0: no limit)")
	return cmd
}

func (o *WaitCmdOptions) complete(args []string) error {
	if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
		return err
	}
	if err := requireRegion(o.f); err != nil {
		return err
	}
	ids, err := parseJobIDs(args)
	if err != nil {
		return err
	}
	o.JobIDs = ids
	return nil
}

// validateWaitFlags checks --interval and --timeout of wait and create --wait.
func validateWaitFlags(interval, timeout time.Duration) error {
	if interval <= 0 {
		return usageError("invalid --interval %s: it must be positive", interval)
	}
	if timeout < 0 {
		return usageError("invalid --timeout %s: it must not be negative (0: no limit)", timeout)
	}
	return nil
}

func (o *WaitCmdOptions) run(ctx context.Context) error {
	f := o.f
	targets := make([]WaitTarget, len(o.JobIDs))
	for i, id := range o.JobIDs {
		targets[i] = WaitTarget{JobID: id}
	}
	report, err := f.WaitJobs(ctx, targets, WaitOptions{Interval: o.Interval, Timeout: o.Timeout})
	if err == nil {
		err = report.Err()
	}
	if f.Global.JSON() {
		if werr := f.WriteJSON(&jobsDocument{Jobs: report.SeenJobs(), Error: errorBody(err)}); werr != nil {
			return werr
		}
		return err
	}
	if code := ExitCode(err); code == ExitOK || code == ExitJobFailed || code == ExitTimeout {
		f.PrintWaitReport(report)
	}
	return err
}
