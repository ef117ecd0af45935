package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/smc"
)

// RetryOptions are the values of zonemove retry and what it needs.
type RetryOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	SMC      func() (*smc.Client, error)
	Commands cmdutil.Commands

	JobID string
}

// NewCmdRetry builds zonemove retry.
func NewCmdRetry(f *Factory, runF func(context.Context, *RetryOptions) error) *cobra.Command {
	o := &RetryOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "retry JOB_ID",
		Short: "Resume a migration job that is InError",
		Long: `Resume a cross-zone migration job that ended InError, from where it stopped
(StartReplicationJob, the console's "Retry Migration Job"). Fix what the job's
error says first: 'zonemove status JOB_ID' shows it.

The job is read first; a job in any other status is refused and nothing is
sent.`,
		Example: `  zonemove retry j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove wait j-bp17bclvg344jlyt0000 --region cn-hangzhou`,
		Args:              cmdutil.ExactArgs(1),
		ValidArgsFunction: newCompleter(f).jobIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Commands = f.Global.commands()
			o.SMC = func() (*smc.Client, error) { return f.SMC(o.Commands.Region, nil) }
			if err := requireRegion(o.Commands.Region); err != nil {
				return err
			}
			ids, err := parseJobIDs(args)
			if err != nil {
				return err
			}
			o.JobID = ids[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	return cmd
}

// retryDocument is retry's JSON document.
type retryDocument struct {
	JobID     string `json:"job_id"`
	RequestID string `json:"request_id,omitempty"`
	errorField
}

func (o *RetryOptions) run(ctx context.Context) error {
	requestID, err := o.retry(ctx)
	return o.Out.Render(&retryDocument{JobID: o.JobID, RequestID: requestID}, err, func() {
		if err != nil {
			return
		}
		cs := o.IO.ColorScheme()
		fmt.Fprintf(o.IO.Out, "%s Resumed migration job %s from where it stopped\n  RequestId  %s\n\nNext:\n  %s\n",
			cs.Green("✓"), cs.Bold(o.JobID), requestID, o.Commands.Line("wait", []string{o.JobID}))
	})
}

// retry reads the job and, when it is InError, resumes it.
func (o *RetryOptions) retry(ctx context.Context) (string, error) {
	client, err := o.SMC()
	if err != nil {
		return "", err
	}
	region := o.Commands.Region
	found, err := follow.DescribeJobs(ctx, client, region, []string{o.JobID})
	if err != nil {
		return "", err
	}
	j, ok := found[o.JobID]
	if !ok {
		return "", follow.NotFoundError([]string{o.JobID}, region)
	}
	if j.Status != facts.JobInError {
		return "", o.refusal(follow.ViewOf(j))
	}
	resp, err := client.StartReplicationJob(ctx, &smc.StartReplicationJobRequest{JobId: o.JobID})
	if err != nil {
		return "", err
	}
	return resp.RequestId, nil
}

// refusal is the error of a retry of a job that is not InError: the same code
// the API would answer, and what to do instead.
func (o *RetryOptions) refusal(j follow.JobView) error {
	var hint string
	switch j.Status {
	case facts.JobFinished:
		hint = "the job has finished: there is nothing to retry ('" + o.Commands.Line("wait", []string{j.JobID}) + "' reads the instance back)"
	case facts.JobStopped, facts.JobExpired:
		hint = follow.NextStep(o.Commands, j)
	case facts.JobDeleting:
		hint = "the job is being deleted"
	default:
		hint = "the job is still in progress; follow it with: " + o.Commands.Line("wait", []string{j.JobID})
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "ReplicationJob.InvalidStatus", Hint: hint,
		Err: fmt.Errorf("job %s is %s, not InError: only a job InError can be retried; nothing was sent", j.JobID, j.Status)}
}
