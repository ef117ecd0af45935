package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/smc"
)

// jobOutcome is what retry or delete did to one job: its entry of
// {"jobs": [{"job_id", "request_id", "error"}]}.
type jobOutcome struct {
	JobID     string     `json:"job_id"`
	RequestID string     `json:"request_id"`
	Status    string     `json:"status,omitempty"` // the job's status when this run last read it
	Note      string     `json:"note,omitempty"`   // how a repeat or a lost answer was settled
	Already   bool       `json:"-"`                // the job was there already: nothing of this run's took it there
	Error     *ErrorBody `json:"error"`

	err error
}

// jobControlDocument is the document of retry and delete: what was done to
// each job.
type jobControlDocument struct {
	Jobs []*jobOutcome `json:"jobs"`
	errorField

	done    string // the line of a job that went through: "Resumed migration job %s ..."
	already string // the line of a job that was there already: "Migration job %s is running already"
	next    string // what to run next for the jobs that went through ("" when nothing)
}

// Text writes a line per job that went through on stdout, each failure on
// stderr (for several jobs), and what to run next.
func (d *jobControlDocument) Text(ios *iostreams.IOStreams) {
	cs := ios.ColorScheme()
	for _, j := range d.Jobs {
		if j.Error != nil {
			continue
		}
		line := d.done
		if j.Already && d.already != "" {
			line = d.already
		}
		fmt.Fprintf(ios.Out, "%s "+line+"\n", cs.Green("✓"), cs.Bold(j.JobID))
		if j.Note != "" {
			fmt.Fprintf(ios.Out, "  %s\n", j.Note)
		}
		if j.RequestID != "" {
			fmt.Fprintf(ios.Out, "  RequestId  %s\n", j.RequestID)
		}
	}
	printFailures(ios.ErrOut, cs, d.Jobs)
	if d.next != "" {
		fmt.Fprintf(ios.Out, "\nNext:\n  %s\n", d.next)
	}
}

// outcomesError is the run's error: nil when every job went through; the
// job's own error for one job; else a summary whose exit code is the jobs'
// common one (1 when they differ).
func outcomesError(verb string, outcomes []*jobOutcome) error {
	var failed []*jobOutcome
	for _, o := range outcomes {
		if o.err != nil {
			failed = append(failed, o)
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(outcomes) == 1:
		return failed[0].err
	}
	code := ExitCode(failed[0].err)
	var ids []string
	for _, o := range failed {
		ids = append(ids, o.JobID)
		if ExitCode(o.err) != code {
			code = cmdutil.ExitFailure
		}
	}
	return &cmdutil.ExitError{Code: code, ErrCode: "JobsFailed",
		Err:  fmt.Errorf("%d of %s could not be %s: %s", len(failed), cmdutil.Count(len(outcomes), "job", "jobs"), verb, strings.Join(ids, ", ")),
		Hint: "each job's own error says why and what to do (text: the lines above; JSON: jobs[].error)"}
}

// printFailures writes, for several jobs, each one's failure and hint on
// stderr (for one job, the run's error says it all).
func printFailures(w io.Writer, cs *iostreams.ColorScheme, outcomes []*jobOutcome) {
	if len(outcomes) < 2 {
		return
	}
	for _, o := range outcomes {
		if o.Error == nil {
			continue
		}
		fmt.Fprintf(w, "%s %s: %s\n", cs.Red("✗"), o.JobID, o.Error.Message)
		if o.Error.Hint != "" {
			fmt.Fprintf(w, "  Hint: %s\n", o.Error.Hint)
		}
	}
}

// controlJobs settles each job with the action (pkg/jobcontrol holds its
// rules), one after the other; found is the jobs as just read. It stops at
// Ctrl-C: each job not sent yet is reported so, and the run's error is
// the interruption, whose hint is the same command (safe to repeat: it
// reads the jobs first, and a job already there is a success).
func controlJobs(ctx context.Context, client *smc.Client, cmds cmdutil.Commands, a jobcontrol.Action,
	send jobcontrol.SendFunc, ids []string, found map[string]*facts.Job, doc *jobControlDocument) error {
	read := func(ctx context.Context, ids []string) (map[string]*facts.Job, error) {
		return client.JobsByID(ctx, cmds.Region, ids)
	}
	for i, id := range ids {
		if ctx.Err() != nil {
			return interruptedJobs(cmds, a, ids, ids[i:], doc)
		}
		r := a.Run(ctx, send, read, cmds.Region, id, found[id])
		doc.Jobs = append(doc.Jobs, &jobOutcome{JobID: r.JobID, RequestID: r.RequestID, Status: r.Status, Note: r.Note,
			Already: r.Already, Error: errorBody(r.Err, cmds), err: r.Err})
	}
	if ctx.Err() != nil {
		return interruptedJobs(cmds, a, ids, nil, doc)
	}
	return nil
}

// errNotSent is the outcome of a job that Ctrl-C came before.
var errNotSent = &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New("interrupted: not sent")}

// interruptedJobs reports the jobs not sent as such, and returns the run's
// interruption: the same command for the jobs the interruption left
// unsettled (not sent, or sent without an answer) settles them.
func interruptedJobs(cmds cmdutil.Commands, a jobcontrol.Action, ids, notSent []string, doc *jobControlDocument) error {
	for _, id := range notSent {
		doc.Jobs = append(doc.Jobs, &jobOutcome{JobID: id, Error: errorBody(errNotSent, cmds), err: errNotSent})
	}
	var open []string
	for _, o := range doc.Jobs {
		if o.err != nil && ExitCode(o.err) == cmdutil.ExitInterrupted {
			open = append(open, o.JobID)
		}
	}
	msg := "interrupted"
	if len(notSent) > 0 {
		msg = fmt.Sprintf("interrupted: %d of %s not sent", len(notSent), cmdutil.Count(len(ids), "job", "jobs"))
	}
	err := &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New(msg)}
	if len(open) > 0 {
		repeat := next.Cmd(a.Name, open...)
		if a.Name == jobcontrol.Delete.Name {
			repeat = repeat.Confirmed()
		}
		err.Next = next.Hintf("'%s' goes on with the jobs the interruption left; it is safe to repeat: it reads the jobs first, and a job already %s is a success",
			repeat, a.Verb)
	}
	return err
}

// jobOptions are what status, retry and delete share: the streams, an SMC
// client of the run's region, the command lines hints print, and the job IDs.
type jobOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	SMC      func() (*smc.Client, error)
	Commands cmdutil.Commands

	JobIDs []string
}

// fromArgs fills the options from the run's global flags and arguments.
func (o *jobOptions) fromArgs(f *Factory, args []string) error {
	o.Commands = f.Global.commands()
	o.SMC = func() (*smc.Client, error) { return f.SMC(o.Commands.Region, nil) }
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	ids, err := parseJobIDs(args)
	if err != nil {
		return err
	}
	o.JobIDs = ids
	return nil
}
