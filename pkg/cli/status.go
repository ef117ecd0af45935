package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// StatusOptions are the values of zonemove status.
type StatusOptions struct {
	f      *Factory
	JobIDs []string
}

// NewCmdStatus builds zonemove status.
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{f: f}
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
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireRegion(f); err != nil {
				return err
			}
			ids, err := parseJobIDs(args)
			if err != nil {
				return err
			}
			o.JobIDs = ids
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	return cmd
}

func (o *StatusOptions) run(ctx context.Context) error {
	f := o.f
	client, err := f.SMC()
	if err != nil {
		return err
	}
	found, err := describeJobs(ctx, client, f.Global.Region, o.JobIDs)
	if err != nil {
		return err
	}
	jobs := []JobView{}
	var missing []string
	for _, id := range o.JobIDs {
		if j, ok := found[id]; ok {
			jobs = append(jobs, jobViewOf(j))
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		err = jobsNotFoundError(missing, f.Global.Region)
	}
	if f.Global.JSON() {
		if werr := f.WriteJSON(&jobsDocument{Jobs: jobs, Error: errorBody(err)}); werr != nil {
			return werr
		}
		return err
	}
	printJobs(f, jobs)
	printJobProblems(f, jobs)
	return err
}
