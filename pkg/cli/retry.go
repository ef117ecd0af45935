package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/smc"
)

// RetryOptions are the values of zonemove retry.
type RetryOptions struct {
	f     *Factory
	JobID string
}

// NewCmdRetry builds zonemove retry.
func NewCmdRetry(f *Factory, runF func(context.Context, *RetryOptions) error) *cobra.Command {
	o := &RetryOptions{f: f}
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
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireRegion(f); err != nil {
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
	JobID     string     `json:"job_id"`
	RequestID string     `json:"request_id,omitempty"`
	Error     *ErrorBody `json:"error,omitempty"`
}

func (o *RetryOptions) run(ctx context.Context) error {
	f := o.f
	doc := &retryDocument{JobID: o.JobID}
	requestID, err := o.retry(ctx)
	doc.RequestID = requestID
	if f.Global.JSON() {
		doc.Error = errorBody(err)
		if werr := f.WriteJSON(doc); werr != nil {
			return werr
		}
		return err
	}
	if err != nil {
		return err
	}
	cs := f.IOStreams.ColorScheme()
	fmt.Fprintf(f.IOStreams.Out, "%s Resumed migration job %s from where it stopped\n  RequestId  %s\n\nNext:\n  %s\n",
		cs.Green("✓"), cs.Bold(o.JobID), requestID, commandLine(f, "wait", []string{o.JobID}))
	return nil
}

// retry reads the job and, when it is InError, resumes it.
func (o *RetryOptions) retry(ctx context.Context) (string, error) {
	f := o.f
	client, err := f.SMC()
	if err != nil {
		return "", err
	}
	found, err := describeJobs(ctx, client, f.Global.Region, []string{o.JobID})
	if err != nil {
		return "", err
	}
	j, ok := found[o.JobID]
	if !ok {
		return "", jobsNotFoundError([]string{o.JobID}, f.Global.Region)
	}
	if j.Status != smc.StatusInError {
		return "", o.refusal(jobViewOf(j))
	}
	resp, err := client.StartReplicationJob(ctx, &smc.StartReplicationJobRequest{JobId: o.JobID})
	if err != nil {
		return "", err
	}
	return resp.RequestId, nil
}

// refusal is the error of a retry of a job that is not InError: the same code
// the API would answer, and what to do instead.
func (o *RetryOptions) refusal(j JobView) error {
	var hint string
	switch j.Status {
	case smc.StatusFinished:
		hint = "the job has finished: there is nothing to retry ('" + commandLine(o.f, "wait", []string{j.JobID}) + "' reads the instance back)"
	case smc.StatusStopped, smc.StatusExpired:
		hint = nextStep(o.f, j)
	case smc.StatusDeleting:
		hint = "the job is being deleted"
	default:
		hint = "the job is still in progress; follow it with: " + commandLine(o.f, "wait", []string{j.JobID})
	}
	return &ExitError{Code: ExitFailure, ErrCode: "ReplicationJob.InvalidStatus", Hint: hint,
		Err: fmt.Errorf("job %s is %s, not InError: only a job InError can be retried; nothing was sent", j.JobID, j.Status)}
}
