package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
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

The jobs are read first. A job that is Running already is a success and
nothing is sent for it (a repeat after a lost answer finds it so). A job in any
other status is refused with what fits it instead (zonemove wait for a job on
its way, zonemove delete for one that can no longer run), and nothing is sent
for it. Each job has its own result.

StartReplicationJob is not idempotent. When an answer is lost and the repeated
attempt finds the job no longer resumable, the job is read back: Running means
the lost attempt resumed it, and retry says so. Repeating retry is safe.

On Ctrl-C, each job not sent yet is reported as "interrupted: not sent"
(exit 130), and the hint is the retry of the jobs the interruption left.`,
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
	doc := &jobControlDocument{Jobs: []*jobOutcome{}, done: "Resumed migration job %s from where it stopped",
		already: "Migration job %s is running already"}
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
	found, err := client.JobsByID(ctx, o.Commands.Region, o.JobIDs)
	if err != nil {
		return err
	}
	return controlJobs(ctx, client, o.Commands, jobcontrol.Resume, func(ctx context.Context, id string) (string, error) {
		resp, err := client.StartReplicationJob(ctx, &smc.StartReplicationJobRequest{JobId: id})
		if err != nil {
			return "", err
		}
		return resp.RequestId, nil
	}, o.JobIDs, found, doc)
}
