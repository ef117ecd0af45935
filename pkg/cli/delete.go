package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
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

The jobs are read first. A Running job is refused with what fits it (zonemove
wait follows it to its end; a job must be stopped in the SMC console before it
can be deleted), and nothing is sent for it. Each job has its own result.

On a terminal, delete lists the jobs and asks for confirmation; off a terminal
it needs --yes, else it refuses (exit 2) and sends nothing.`,
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
					Hint: "pass --yes to delete them ('zonemove status JOB_ID...' shows them first)"}
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
	doc := &jobControlDocument{Jobs: []*jobOutcome{}, done: "Deleted migration job %s"}
	err := o.delete(ctx, doc)
	if err == nil {
		err = outcomesError("deleted", doc.Jobs)
	}
	return o.Out.Render(doc, err)
}

// delete reads the jobs, refuses the Running ones, asks once for the others
// (unless --yes) and deletes them one after the other.
func (o *DeleteOptions) delete(ctx context.Context, doc *jobControlDocument) error {
	client, err := o.SMC()
	if err != nil {
		return err
	}
	region := o.Commands.Region
	found, err := follow.DescribeJobs(ctx, client, region, o.JobIDs)
	if err != nil {
		return err
	}
	var doomed []*facts.Job
	var pending []*jobOutcome
	for _, id := range o.JobIDs {
		out := &jobOutcome{JobID: id}
		doc.Jobs = append(doc.Jobs, out)
		j, ok := found[id]
		switch {
		case !ok:
			out.settle("", follow.NotFoundError([]string{id}, region))
		case j.Status == facts.JobDeleting:
			out.Status, out.Note = j.Status, "the job is being deleted already; nothing was sent"
			out.settle("", nil)
		case !facts.Deletable(j.Status):
			out.Status = j.Status
			out.settle("", o.refusal(j.Status, id, "nothing was sent"))
		default:
			out.Status = j.Status
			doomed, pending = append(doomed, j), append(pending, out)
		}
	}
	if len(doomed) == 0 {
		return nil
	}
	if !o.Yes {
		if err := o.confirm(ctx, doomed); err != nil {
			for _, out := range pending {
				out.settle("", err)
			}
			return err
		}
	}
	for _, out := range pending {
		o.remove().apply(ctx, client, o.Commands, out)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
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

// remove is DeleteReplicationJob as delete sends it.
func (o *DeleteOptions) remove() jobAction {
	return jobAction{verb: "deleted", command: "delete", allowed: facts.Deletable, refusal: o.refusal,
		send: func(ctx context.Context, client *smc.Client, id string) (string, error) {
			resp, err := client.DeleteReplicationJob(ctx, &smc.DeleteReplicationJobRequest{JobId: id})
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		},
		tookEffect: func(j *facts.Job) (string, bool) {
			return "the job is gone or going, so that attempt deleted it", j == nil || j.Status == facts.JobDeleting
		}}
}

// refusal is the error of a delete of a Running job.
func (o *DeleteOptions) refusal(status, id, detail string) error {
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: codeInvalidStatus,
		Err: fmt.Errorf("job %s is %s: SMC deletes only jobs that are not running; %s", id, status, detail),
		Hint: "follow it to its end with '" + o.Commands.Line("wait", []string{id}) +
			"'; to abandon it, stop it in the SMC console first, then delete it"}
}
