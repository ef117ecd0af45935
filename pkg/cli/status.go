package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
)

// StatusOptions are the values of zonemove status and what it needs.
type StatusOptions struct {
	jobOptions
}

// NewCmdStatus builds zonemove status.
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{jobOptions: jobOptions{IO: f.IOStreams, Out: f.Output()}}
	cmd := &cobra.Command{
		Use:   "status JOB_ID...",
		Short: "Show migration jobs",
		Long: `Show cross-zone migration jobs by ID: status, stage, progress, error.

Any number of IDs may be given; they are read 50 at a time (the API's limit),
one DescribeReplicationJobs per 50. Off a terminal, each job is one
tab-separated line with every field of the JSON document, in this order:
job_id, instance_id, status, business_status, progress, error_code,
status_info, creation_time, end_time.`,
		Example: `  zonemove status j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove status $(cat jobs.txt) --region cn-hangzhou -o json`,
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

func (o *StatusOptions) run(ctx context.Context) error {
	client, err := o.SMC()
	if err != nil {
		return err
	}
	region := o.Commands.Region
	found, err := client.JobsByID(ctx, region, o.JobIDs)
	if err != nil {
		return err
	}
	jobs := []follow.JobView{}
	var missing []string
	for _, id := range o.JobIDs {
		if j, ok := found[id]; ok {
			jobs = append(jobs, follow.ViewOf(j))
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		err = &jobcontrol.NotFoundError{JobIDs: missing, Region: region}
	}
	return o.Out.Render(&jobsDocument{Jobs: jobs}, err, func() {
		printJobs(o.IO, jobs)
		printJobProblems(o.IO.ErrOut, o.Commands, jobs)
	})
}
