// Package jobcontrol holds the rules of SMC's job-control calls that more
// than one command needs, each written once: resuming a job
// (StartReplicationJob) and deleting one (DeleteReplicationJob), neither of
// them idempotent, so a lost answer is settled by reading the job back; and
// "a repeated create answered with a job: is it this instance's?". It makes
// no call itself: callers pass the calls, so that a batch and a command share
// the rule with their own clients and paces.
package jobcontrol

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/next"
)

// CodeInvalidStatus is SMC's answer to a job-control call on a job whose
// status does not allow it.
const CodeInvalidStatus = "ReplicationJob.InvalidStatus"

// ReadFunc reads jobs by ID; a job the API does not know is absent.
type ReadFunc func(ctx context.Context, ids []string) (map[string]*facts.Job, error)

// SendFunc sends the call for one job and returns its request ID.
type SendFunc func(ctx context.Context, jobID string) (requestID string, err error)

// Action is a job-control call and its rules.
type Action struct {
	// Name is the command that makes it ("retry", "delete"); Verb says what
	// it does to a job ("resumed", "deleted").
	Name, Verb string
	// Allowed reports whether SMC takes the call on a job in status.
	Allowed func(status string) bool
	// Achieved reports whether a job (nil: gone) is already where the call
	// would take it, so that nothing needs sending: a repeat after a lost
	// answer, by this run or an earlier one, is a success.
	Achieved func(j *facts.Job) bool
	// TookEffect reports whether a job read back after a lost answer shows
	// that the lost attempt went through.
	TookEffect func(j *facts.Job) bool
	// SentStatus is the job's status once the call was answered; "" gone.
	SentStatus string
	// Refusal is what to do instead with a job in a status the call does not take.
	Refusal func(status, jobID string) next.Hint
}

// Resume is StartReplicationJob: it resumes a job that is Ready, Stopped or
// InError. A job that runs already (Running) needs nothing.
var Resume = Action{Name: "retry", Verb: "resumed", Allowed: facts.Resumable, SentStatus: facts.JobRunning,
	Achieved: func(j *facts.Job) bool { return j != nil && j.Status == facts.JobRunning },
	// Our lost attempt started it: the job runs (or already ran) on.
	TookEffect: func(j *facts.Job) bool {
		return j != nil && (j.Status == facts.JobRunning || j.Status == facts.JobFinished)
	},
	Refusal: notResumable}

// Delete is DeleteReplicationJob: it deletes a job that is not Running. A
// job that is gone or going needs nothing.
var Delete = Action{Name: "delete", Verb: "deleted", Allowed: facts.Deletable,
	Achieved:   func(j *facts.Job) bool { return j == nil || j.Status == facts.JobDeleting },
	TookEffect: func(j *facts.Job) bool { return j == nil || j.Status == facts.JobDeleting },
	Refusal: func(_, id string) next.Hint {
		return next.Hintf("follow it to its end with '%s'; to abandon it, stop it in the SMC console first, then delete it",
			next.Cmd("wait", id))
	}}

// Outcome is what one call did to one job.
type Outcome struct {
	JobID     string
	RequestID string
	// Sent: a request went out for this job.
	Sent bool
	// Already: the job was where the call takes it without this run's call.
	Already bool
	// Status is the job's status when this run last knew it; "" gone.
	Status string
	// Note says how a repeat or a lost answer was settled.
	Note string
	Err  error
}

// Run settles one job: j is the job as just read (nil: not found). A job
// already where the call takes it is a success with nothing sent; a job in a
// status the call does not take is a StatusError with nothing sent; else the
// call is sent, and a failure that may hide a lost answer is settled by
// reading the job back.
func (a Action) Run(ctx context.Context, send SendFunc, read ReadFunc, region, id string, j *facts.Job) Outcome {
	out := Outcome{JobID: id}
	if j != nil {
		out.Status = j.Status
	}
	switch {
	case a.Achieved(j):
		out.Already, out.Note = true, a.already(j, region)+"; nothing was sent"
		return out
	case j == nil:
		out.Err = &NotFoundError{JobIDs: []string{id}, Region: region}
		return out
	case !a.Allowed(j.Status):
		out.Err = &StatusError{Action: a, JobID: id, Status: j.Status, Detail: "nothing was sent"}
		return out
	}
	requestID, err := send(ctx, id)
	out.Sent = true
	if err == nil {
		out.RequestID, out.Status = requestID, a.SentStatus
		return out
	}
	defer func() {
		if out.Err != nil {
			out.RequestID = requestIDOf(out.Err)
		}
	}()
	var ae *apierr.Error
	if !errors.As(err, &ae) || (!ae.Uncertain && ae.Code != CodeInvalidStatus) {
		out.Err = err
		return out
	}
	found, rerr := read(ctx, []string{id})
	if rerr != nil {
		out.Err = &UnknownOutcomeError{Action: a, JobID: id, CallErr: err, ReadErr: rerr}
		return out
	}
	j = found[id]
	out.Status = ""
	if j != nil {
		out.Status = j.Status
	}
	switch {
	case ae.Uncertain && a.TookEffect(j):
		out.Note = fmt.Sprintf("the answer to an earlier attempt was lost (the last attempt ended %s); read back, %s, so that attempt %s it",
			lastAnswer(ae), a.readBack(j), a.Verb)
	case a.Achieved(j):
		out.Already, out.Note = true, a.already(j, region)+fmt.Sprintf(" (SMC answered %s)", lastAnswer(ae))
	case j == nil:
		out.Err = &NotFoundError{JobIDs: []string{id}, Region: region}
	case a.Allowed(j.Status):
		out.Err = err // nothing took effect: the error stands, and the command may be repeated
	default:
		out.Err = &StatusError{Action: a, JobID: id, Status: j.Status,
			Detail: fmt.Sprintf("it changed since it was read (SMC answered %s, request %s)", ae.Code, ae.RequestID)}
	}
	return out
}

func (a Action) already(j *facts.Job, region string) string {
	if j == nil {
		return fmt.Sprintf("the job is not among the cross-zone jobs of %s: deleted already (or a job of another region)", region)
	}
	if a.Name == Delete.Name {
		return "the job is being deleted already"
	}
	return fmt.Sprintf("the job is %s already (%s)", j.Status, dash(j.BusinessStatus))
}

func (a Action) readBack(j *facts.Job) string {
	if j == nil {
		return "the job is gone"
	}
	return fmt.Sprintf("the job is %s (%s)", j.Status, dash(j.BusinessStatus))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// lastAnswer is how the last attempt of a call ended, for a note.
func lastAnswer(ae *apierr.Error) string {
	if ae.RequestID != "" {
		return ae.Code + ", request " + ae.RequestID
	}
	return ae.Code
}

func requestIDOf(err error) string {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return ae.RequestID
	}
	return ""
}

// StatusError is a call on a job whose status does not take it.
type StatusError struct {
	Action        Action
	JobID, Status string
	Detail        string
}

func (e *StatusError) Error() string {
	if e.Action.Name == Resume.Name {
		return fmt.Sprintf("job %s is %s: only a job that is Ready, Stopped or InError can be resumed; %s", e.JobID, e.Status, e.Detail)
	}
	return fmt.Sprintf("job %s is %s: SMC deletes only jobs that are not running; %s", e.JobID, e.Status, e.Detail)
}

// NextHint is what fits the job instead.
func (e *StatusError) NextHint() next.Hint { return e.Action.Refusal(e.Status, e.JobID) }

// notResumable says what to do with a job retry cannot resume.
func notResumable(status, id string) next.Hint {
	switch status {
	case facts.JobFinished:
		return next.Hintf("the job has finished: there is nothing to resume; '%s' reads the instance back", next.Cmd("wait", id))
	case facts.JobExpired:
		return next.Hintf("the job expired and can no longer run: remove it with '%s'; then a new job can be created for its instance",
			next.Cmd("delete", id).Confirmed())
	case facts.JobDeleting:
		return next.Hintf("the job is being deleted: '%s' shows when it is gone", next.Cmd("status", id))
	}
	return next.Hintf("the job is %s; follow it with '%s'", strings.ToLower(status), next.Cmd("wait", id))
}

// UnknownOutcomeError is a call whose answer was lost and whose job could
// not be read back: whether it took effect is unknown.
type UnknownOutcomeError struct {
	Action           Action
	JobID            string
	CallErr, ReadErr error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("%v; whether job %s was %s is unknown: reading it back failed too (%v)", e.CallErr, e.JobID, e.Action.Verb, e.ReadErr)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.CallErr }

// NextHint: the repeat is safe, since it reads the job first.
func (e *UnknownOutcomeError) NextHint() next.Hint {
	repeat := next.Cmd(e.Action.Name, e.JobID)
	if e.Action.Name == Delete.Name {
		repeat = repeat.Confirmed()
	}
	return next.Hintf("'%s' shows the job; '%s' is safe to repeat (it reads the job first, and a job already %s is a success)",
		next.Cmd("status", e.JobID), repeat, e.Action.Verb)
}

// NotFoundError says which jobs do not exist where they were looked for.
type NotFoundError struct {
	JobIDs []string
	Region string
	// Next, when set, replaces the hint (a job just created, say).
	Next next.Hint
}

func (e *NotFoundError) Error() string {
	what := "job " + e.JobIDs[0] + " was"
	if len(e.JobIDs) > 1 {
		what = "jobs " + strings.Join(e.JobIDs, ", ") + " were"
	}
	return fmt.Sprintf("%s not found among the cross-zone migration jobs of %s", what, e.Region)
}

// NextHint points to the region's jobs.
func (e *NotFoundError) NextHint() next.Hint {
	if !e.Next.IsZero() {
		return e.Next
	}
	return next.Hintf("check the job ID and --region (a job belongs to the region of its instance); '%s' shows the region's jobs", next.Cmd("list"))
}

// TokenReusedError is a create whose ClientToken answered with a job of
// another instance: the token was used before for another migration.
type TokenReusedError struct {
	ClientToken, JobID, JobInstance, InstanceID string
}

func (e *TokenReusedError) Error() string {
	return fmt.Sprintf("ClientToken %s was used before: the API answered with job %s of instance %s, not of %s; no job of %s was created with it",
		e.ClientToken, e.JobID, e.JobInstance, e.InstanceID, e.InstanceID)
}

// OwnerUnknownError is a repeated create whose job could not be read back to
// learn whose it is.
type OwnerUnknownError struct {
	JobID, InstanceID string
	Err               error
}

func (e *OwnerUnknownError) Error() string {
	return fmt.Sprintf("the create answered with job %s, but reading it back to check that it is %s's failed: %v", e.JobID, e.InstanceID, e.Err)
}

func (e *OwnerUnknownError) Unwrap() error { return e.Err }

// NextHint: the job can be read by hand.
func (e *OwnerUnknownError) NextHint() next.Hint {
	return next.Hintf("check it with '%s'", next.Cmd("status", e.JobID))
}

// VerifyOwner is the rule for a create that may repeat an earlier one (its
// ClientToken was sent before): the job it answered with must be the
// instance's. A token used before for another instance returns that
// instance's job (TokenReusedError). A job just created may not be listed
// yet: only another owner disproves it.
func VerifyOwner(ctx context.Context, read ReadFunc, token, jobID, instanceID string) error {
	jobs, err := read(ctx, []string{jobID})
	if err != nil {
		return &OwnerUnknownError{JobID: jobID, InstanceID: instanceID, Err: err}
	}
	if j := jobs[jobID]; j != nil && j.InstanceId != "" && j.InstanceId != instanceID {
		return &TokenReusedError{ClientToken: token, JobID: jobID, JobInstance: j.InstanceId, InstanceID: instanceID}
	}
	return nil
}
