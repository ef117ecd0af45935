package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
)

// StatusOptions are the values of zonemove status and what it needs.
type StatusOptions struct {
	jobOptions
	// Batch, with -f, names the batch whose every entry is shown.
	Batch batchFile
	Reads batchReads
}

// NewCmdStatus builds zonemove status.
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	o := &StatusOptions{jobOptions: jobOptions{IO: f.IOStreams, Out: f.Output()}, Reads: newBatchReads(f)}
	cmd := &cobra.Command{
		Use:   "status (JOB_ID... | -f FILE [--state PATH])",
		Short: "Show migration jobs",
		Long: `Show cross-zone migration jobs by ID: status, stage, progress, error.

Any number of IDs may be given; they are read 50 at a time (the API's limit),
one DescribeReplicationJobs per 50. Off a terminal, each job is one
tab-separated line with every field of the JSON document, in this order:
job_id, instance_id, status, business_status, progress, error_code,
status_info, creation_time, end_time.

With -f FILE, the batch of the manifest FILE: every instance its state file
records, with its status (not-started, sent, running, moved, failed, and
reverting, reverted, revert-failed after a revert), its job (the revert's
once there is one) with status and progress, and its zone, type and private
IP before and after the move. The state file is read, never locked or
written, so this works while an apply runs; it never needs --yes, and it
exits 0 whatever the jobs' statuses, unless the state file or the API cannot
be read. Off a terminal, each instance is one tab-separated line: instance,
status, job_id, job_status, progress, old zone, new zone, old type, new type,
old private IP, new private IP.`,
		Example: `  zonemove status j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove status $(cat jobs.txt) --region cn-hangzhou -o json
  zonemove status -f migrations.yaml`,
		Args:              jobsOrFile(&o.Batch),
		ValidArgsFunction: newCompleter(f).jobIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Batch.complete(); err != nil {
				return err
			}
			if o.Batch.File != "" {
				o.Commands = f.Global.commands()
				if runF != nil {
					return runF(cmd.Context(), o)
				}
				return o.runBatch(cmd.Context())
			}
			if err := o.fromArgs(f, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	o.Batch.flags(cmd, "manifest of a batch: show every instance its state file records, instead of jobs by ID")
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
	return o.Out.Render(&jobsDocument{Jobs: jobs, problems: jobProblems(o.Commands, jobs)}, err)
}
