package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
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

// jobControlDocument is the JSON document of retry and delete.
type jobControlDocument struct {
	Jobs []*jobOutcome `json:"jobs"`
	errorField
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
func printFailures(w io.Writer, cs *iostreams.ColorScheme, cmds cmdutil.Commands, outcomes []*jobOutcome) {
	if len(outcomes) < 2 {
		return
	}
	for _, o := range outcomes {
		if o.err == nil {
			continue
		}
		fmt.Fprintf(w, "%s %s: %s\n", cs.Red("✗"), o.JobID, o.err)
		if h := hintFor(o.err, cmds); h != "" {
			fmt.Fprintf(w, "  Hint: %s\n", h)
		}
	}
}

// controlJobs settles each job with the action (pkg/jobcontrol holds its
// rules), one after the other; found is the jobs as just read. It stops at
// Ctrl-C.
func controlJobs(ctx context.Context, client *smc.Client, cmds cmdutil.Commands, a jobcontrol.Action,
	send jobcontrol.SendFunc, ids []string, found map[string]*facts.Job, doc *jobControlDocument) error {
	read := func(ctx context.Context, ids []string) (map[string]*facts.Job, error) {
		return client.JobsByID(ctx, cmds.Region, ids)
	}
	for _, id := range ids {
		r := a.Run(ctx, send, read, cmds.Region, id, found[id])
		doc.Jobs = append(doc.Jobs, &jobOutcome{JobID: r.JobID, RequestID: r.RequestID, Status: r.Status, Note: r.Note,
			Already: r.Already, Error: errorBody(r.Err, cmds), err: r.Err})
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
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
