package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/smc"
)

// RetryOptions are the values of zonemove retry and what it needs.
type RetryOptions struct {
	jobOptions
}

// NewCmdRetry builds zonemove retry.
func NewCmdRetry(f *Factory, runF func(context.Context, *RetryOptions) error) *cobra.Command {
	o := &RetryOptions{jobOptions: jobOptions{IO: f.IOStreams, Out: f.Output()}}
	cmd := &cobra.Command{
		Use:   "retry JOB_ID...",
		Short: "Resume migration jobs that are Ready, Stopped or InError",
		Long: `Resume cross-zone migration jobs from where they stopped (StartReplicationJob,
the console's "Retry Migration Job"): jobs that are Ready, Stopped or InError.
Fix what an InError job's error says first: 'zonemove status JOB_ID' shows it.

The jobs are read first; a job in any other status is refused with what fits
it instead (zonemove wait for a running job, zonemove delete for one that can
no longer run), and nothing is sent for it. Each job has its own result.

StartReplicationJob is not idempotent. When an answer is lost and the repeated
attempt finds the job no longer resumable, the job is read back: Running means
the lost attempt resumed it, and retry says so. Repeating retry is safe.`,
		Example: `  zonemove retry j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove retry j-bp17bclvg344jlyt0000 j-bp17bclvg344jlyt0001 --region cn-hangzhou -o json
  zonemove wait j-bp17bclvg344jlyt0000 --region cn-hangzhou`,
		Args:              cmdutil.MinimumNArgs(1),
		ValidArgsFunction: newCompleter(f).jobIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.fromArgs(f, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	return cmd
}

func (o *RetryOptions) run(ctx context.Context) error {
	doc := &jobControlDocument{Jobs: []*jobOutcome{}, done: "Resumed migration job %s from where it stopped"}
	err := o.retry(ctx, doc)
	if err == nil {
		err = outcomesError("resumed", doc.Jobs)
	}
	var resumed []string
	for _, j := range doc.Jobs {
		if j.err == nil {
			resumed = append(resumed, j.JobID)
		}
	}
	if len(resumed) > 0 {
		doc.next = o.Commands.Line("wait", resumed)
	}
	return o.Out.Render(doc, err)
}

// retry reads the jobs and resumes each one that may be resumed, one after
// the other; the outcomes go into doc. The error is one that stops them all.
func (o *RetryOptions) retry(ctx context.Context, doc *jobControlDocument) error {
	client, err := o.SMC()
	if err != nil {
		return err
	}
	region := o.Commands.Region
	found, err := follow.DescribeJobs(ctx, client, region, o.JobIDs)
	if err != nil {
		return err
	}
	for _, id := range o.JobIDs {
		out := &jobOutcome{JobID: id}
		doc.Jobs = append(doc.Jobs, out)
		j, ok := found[id]
		switch {
		case !ok:
			out.settle("", follow.NotFoundError([]string{id}, region))
		case !facts.Resumable(j.Status):
			out.Status = j.Status
			out.settle("", o.refusal(j.Status, id, "nothing was sent"))
		default:
			o.resume().apply(ctx, client, o.Commands, out)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// resume is StartReplicationJob as retry sends it.
func (o *RetryOptions) resume() jobAction {
	return jobAction{verb: "resumed", command: "retry", sentStatus: facts.JobRunning, allowed: facts.Resumable, refusal: o.refusal,
		send: func(ctx context.Context, client *smc.Client, id string) (string, error) {
			resp, err := client.StartReplicationJob(ctx, &smc.StartReplicationJobRequest{JobId: id})
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		},
		tookEffect: func(j *facts.Job) (string, bool) {
			// Our lost attempt started it: the job runs (or already ran) on.
			if j == nil || (j.Status != facts.JobRunning && j.Status != facts.JobFinished) {
				return "", false
			}
			return fmt.Sprintf("the job is %s (%s), so that attempt resumed it", j.Status, follow.Dash(j.BusinessStatus)), true
		}}
}

// refusal is the error of a retry of a job that is not Ready, Stopped or
// InError: the code the API would answer, and the command that fits.
func (o *RetryOptions) refusal(status, id, detail string) error {
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: codeInvalidStatus, Hint: notResumableHint(o.Commands, status, id),
		Err: fmt.Errorf("job %s is %s: only a job that is Ready, Stopped or InError can be resumed; %s", id, status, detail)}
}

// notResumableHint says what to do with a job retry cannot resume.
func notResumableHint(cmds cmdutil.Commands, status, id string) string {
	switch status {
	case facts.JobFinished:
		return "the job has finished: there is nothing to resume; '" + cmds.Line("wait", []string{id}) + "' reads the instance back"
	case facts.JobExpired:
		return "the job expired and can no longer run: remove it with '" + cmds.Line("delete", []string{id}) +
			"', then create a new one (zonemove create --dry-run checks it first)"
	case facts.JobDeleting:
		return "the job is being deleted: '" + cmds.Line("status", []string{id}) + "' shows when it is gone"
	}
	return "the job is " + strings.ToLower(status) + " already; follow it with '" + cmds.Line("wait", []string{id}) + "'"
}
