package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/smc"
)

// codeInvalidStatus is SMC's answer to a job-control action on a job whose
// status does not allow it.
const codeInvalidStatus = "ReplicationJob.InvalidStatus"

// jobOutcome is what retry or delete did to one job: its entry of
// {"jobs": [{"job_id", "request_id", "error"}]}.
type jobOutcome struct {
	JobID     string     `json:"job_id"`
	RequestID string     `json:"request_id"`
	Status    string     `json:"status,omitempty"` // the job's status when this run last read it
	Note      string     `json:"note,omitempty"`   // how a lost answer was settled
	Error     *ErrorBody `json:"error"`

	err error
}

// jobControlDocument is the document of retry and delete: what was done to
// each job.
type jobControlDocument struct {
	Jobs []*jobOutcome `json:"jobs"`
	errorField

	done string // the line of a job that went through: "Resumed migration job %s ..."
	next string // what to run next for the jobs that went through ("" when nothing)
}

// Text writes a line per job that went through on stdout, each failure on
// stderr (for several jobs), and what to run next.
func (d *jobControlDocument) Text(ios *iostreams.IOStreams) {
	cs := ios.ColorScheme()
	for _, j := range d.Jobs {
		if j.Error != nil {
			continue
		}
		fmt.Fprintf(ios.Out, "%s "+d.done+"\n", cs.Green("✓"), cs.Bold(j.JobID))
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
		Err:  fmt.Errorf("%d of %d jobs could not be %s: %s", len(failed), len(outcomes), verb, strings.Join(ids, ", ")),
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

// settle finishes an outcome with the call's result.
func (o *jobOutcome) settle(requestID string, err error) {
	o.RequestID, o.err, o.Error = requestID, err, errorBody(err)
	if o.RequestID == "" {
		var ae *apierr.Error
		if errors.As(err, &ae) {
			o.RequestID = ae.RequestID
		}
	}
}

// mayHaveApplied tells whether a failed job-control call may still have taken
// effect: some attempt reached SMC and was not refused (its answer was lost,
// or was a 5xx), so a later attempt may meet the job's new status.
func mayHaveApplied(err error) (*apierr.Error, bool) {
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return nil, false
	}
	return ae, ae.Uncertain
}

// readBack reads one job again after an answer that leaves its fate open;
// nil when the job no longer exists.
func readBack(ctx context.Context, client *smc.Client, region, id string) (*facts.Job, error) {
	found, err := follow.DescribeJobs(ctx, client, region, []string{id})
	if err != nil {
		return nil, err
	}
	return found[id], nil
}

// unknownOutcome is the error of a call whose effect could not be read back.
func unknownOutcome(cmds cmdutil.Commands, verb, command, id string, callErr, readErr error) error {
	return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: apiCode(callErr),
		Err: fmt.Errorf("%w; whether job %s was %s is unknown: reading it back failed too (%v)", callErr, id, verb, readErr),
		Hint: fmt.Sprintf("'%s' shows the job; '%s' is safe to repeat (it reads the job first)",
			cmds.Line("status", []string{id}), cmds.Line(command, []string{id}))}
}

// apiCode is the API's error code of err, if any.
func apiCode(err error) string {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// lastAnswer is how the last attempt of a call ended, for a note.
func lastAnswer(ae *apierr.Error) string {
	if ae.RequestID != "" {
		return ae.Code + ", request " + ae.RequestID
	}
	return ae.Code
}

// jobAction is one job-control call of SMC (StartReplicationJob for retry,
// DeleteReplicationJob for delete). Neither is idempotent, so a failure that
// may hide a lost answer is settled by reading the job back.
type jobAction struct {
	verb, command string // "resumed", "retry": for the message of an unknown outcome
	send          func(ctx context.Context, client *smc.Client, id string) (requestID string, err error)
	// sentStatus is the job's status once the call was answered.
	sentStatus string
	// allowed reports whether the call may still be made on a job in status.
	allowed func(status string) bool
	// tookEffect reports whether the job read back (nil: gone) shows that a
	// lost attempt took effect, and says how.
	tookEffect func(j *facts.Job) (note string, ok bool)
	// refusal is the error for a job whose status no longer allows the call.
	refusal func(status, id, detail string) error
}

// apply makes the call for one job and settles its outcome.
func (a jobAction) apply(ctx context.Context, client *smc.Client, cmds cmdutil.Commands, out *jobOutcome) {
	requestID, err := a.send(ctx, client, out.JobID)
	if err == nil {
		out.Status = a.sentStatus
		out.settle(requestID, nil)
		return
	}
	ae, open := mayHaveApplied(err)
	if ae == nil || (!open && ae.Code != codeInvalidStatus) {
		out.settle("", err)
		return
	}
	j, rerr := readBack(ctx, client, cmds.Region, out.JobID)
	if rerr != nil {
		out.settle("", unknownOutcome(cmds, a.verb, a.command, out.JobID, err, rerr))
		return
	}
	if j != nil {
		out.Status = j.Status
	}
	if note, ok := a.tookEffect(j); open && ok {
		if j == nil {
			out.Status = "" // gone
		}
		out.Note = fmt.Sprintf("the answer to an earlier attempt was lost (the last attempt ended %s); read back, %s", lastAnswer(ae), note)
		out.settle("", nil)
		return
	}
	switch {
	case j == nil:
		out.settle("", follow.NotFoundError([]string{out.JobID}, cmds.Region))
	case a.allowed(j.Status):
		out.settle("", err) // nothing took effect: the error stands, and the command may be repeated
	default:
		out.settle("", a.refusal(j.Status, out.JobID, fmt.Sprintf("it changed since it was read (SMC answered %s, request %s)", ae.Code, ae.RequestID)))
	}
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
