package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/smc"
)

// DeleteOptions are the values of zonemove delete and what it needs.
type DeleteOptions struct {
	jobOptions
	Yes bool
}

// NewCmdDelete builds zonemove delete.
func NewCmdDelete(f *Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	o := &DeleteOptions{jobOptions: jobOptions{IO: f.IOStreams, Out: f.Output()}}
	cmd := &cobra.Command{
		Use:   "delete JOB_ID...",
		Short: "Delete migration jobs that are not running",
		Long: `Delete cross-zone migration jobs (DeleteReplicationJob), so that their instances
can be migrated again: a stale job that is Ready, Stopped or InError and will
not be resumed, an Expired one, or a Finished one. It cannot be undone: SMC
also releases what the job holds (such as its intermediate instance).

The jobs are read first. A job that is gone (not found) or being deleted
already is a success and nothing is sent for it (a repeat after a lost answer
finds it so). A Running job is refused with what fits it (zonemove wait follows
it to its end; a job must be stopped in the SMC console before it can be
deleted), and nothing is sent for it. Each job has its own result.

On a terminal, delete lists the jobs and asks for confirmation; off a terminal
it needs --yes, else it refuses (exit 2) and sends nothing.

On Ctrl-C, each job not sent yet is reported as "interrupted: not sent"
(exit 130), and the hint is the delete of the jobs the interruption left.`,
		Example: `  zonemove delete j-bp17bclvg344jlyt0000 --region cn-hangzhou
  zonemove delete j-bp17bclvg344jlyt0000 j-bp17bclvg344jlyt0001 --region cn-hangzhou --yes -o json`,
		Args:              cmdutil.MinimumNArgs(1),
		ValidArgsFunction: newCompleter(f).jobIDs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.fromArgs(f, args); err != nil {
				return err
			}
			if !o.Yes && !o.IO.IsStdinTTY() {
				return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "ConfirmationRequired",
					Err:  errors.New("refusing to delete migration jobs without confirmation: stdin is not a terminal; nothing was sent"),
					Next: next.Hintf("pass --yes to delete them ('%s' shows them first)", next.Cmd("status", o.JobIDs...))}
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "delete without asking for confirmation (required off a terminal)")
	return cmd
}

func (o *DeleteOptions) run(ctx context.Context) error {
	doc := &jobControlDocument{Jobs: []*jobOutcome{}, done: "Deleted migration job %s", already: "Migration job %s is gone or going already"}
	err := o.delete(ctx, doc)
	if err == nil {
		err = outcomesError("deleted", doc.Jobs)
	}
	return o.Out.Render(doc, err)
}

// delete reads the jobs, asks once for those it will send a delete for
// (unless --yes) and settles each one after the other: a job gone or going
// already is a success, a Running one is refused, and nothing is sent for
// either.
func (o *DeleteOptions) delete(ctx context.Context, doc *jobControlDocument) error {
	client, err := o.SMC()
	if err != nil {
		return err
	}
	found, err := client.JobsByID(ctx, o.Commands.Region, o.JobIDs)
	if err != nil {
		return err
	}
	var doomed []*facts.Job
	for _, id := range o.JobIDs {
		if j := found[id]; !jobcontrol.Delete.Achieved(j) && jobcontrol.Delete.Allowed(j.Status) {
			doomed = append(doomed, j)
		}
	}
	if len(doomed) > 0 && !o.Yes {
		if err := o.confirm(ctx, doomed); err != nil {
			for _, id := range o.JobIDs {
				doc.Jobs = append(doc.Jobs, &jobOutcome{JobID: id, Error: errorBody(err, o.Commands), err: err})
			}
			return err
		}
	}
	return controlJobs(ctx, client, o.Commands, jobcontrol.Delete, func(ctx context.Context, id string) (string, error) {
		resp, err := client.DeleteReplicationJob(ctx, &smc.DeleteReplicationJobRequest{JobId: id})
		if err != nil {
			return "", err
		}
		return resp.RequestId, nil
	}, o.JobIDs, found, doc)
}

// confirm shows the jobs about to go and asks once for all of them.
func (o *DeleteOptions) confirm(ctx context.Context, jobs []*facts.Job) error {
	w := o.IO.ErrOut
	fmt.Fprintln(w, "About to delete (this cannot be undone):")
	t := newTable(w, "  ")
	for _, j := range jobs {
		t.row(j.JobId, j.InstanceId, j.Status, follow.FormatProgress(j.Progress))
	}
	t.flush()
	question := "Delete this migration job?"
	if len(jobs) > 1 {
		question = fmt.Sprintf("Delete these %d migration jobs?", len(jobs))
	}
	ok, err := confirm(ctx, o.IO, question)
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New("interrupted: nothing was deleted")}
	}
	if !ok {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "NotConfirmed", Err: errors.New("not confirmed: nothing was deleted")}
	}
	return nil
}
