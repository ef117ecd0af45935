// Package follow follows migration jobs to their end: it polls SMC, reads
// back the instances of the jobs that Finished, shows the progress on stderr
// (live on a terminal, a line per change off it) and reports how each job
// ended with what to do next.
package follow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/smc"
)

// Follower follows jobs of one region. Its fields are what it needs and what
// tests replace.
type Follower struct {
	IO    *iostreams.IOStreams
	SMC   func() (*smc.Client, error)
	Cloud func() (*cloud.Client, error)
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Region is the region the jobs are in.
	Region string
	// Batch: the jobs are a batch's (apply --wait), so that what to do next
	// is the batch's recovery (apply again, --retry-failed), not a command
	// per job.
	Batch bool
	// Resume, when set, is the command that goes on following the jobs not
	// done (the same apply --wait, wait -f); else wait with their IDs.
	Resume next.Step
	// Line writes a step as a command line, for the lines the wait prints
	// as it goes (a failure when it happens); nil prints no step.
	Line func(next.Step) string
}

// Target is one job to follow and, where the caller knows it, where its
// instance must end up.
type Target struct {
	JobID string
	// InstanceID is the job's instance; when empty, the job's own InstanceId.
	InstanceID string
	// TargetZone and TargetInstanceType, when set, are checked against the
	// instance read back after the job Finished; a difference fails the job.
	TargetZone         string
	TargetInstanceType string
	// JustCreated marks a job this run created a moment ago. The API may not
	// list a new job at once, so its absence is retried for
	// newJobGracePolls polls before it counts as not found.
	JustCreated bool
	// InstanceName is shown beside the instance ID when known.
	InstanceName string
	// Before is the instance as the run read it before the move, when it
	// did (create --wait, apply --wait): where its old address was.
	Before *InstanceView
}

// newJobGracePolls is how many polls a just-created job may be missing from
// DescribeReplicationJobs before the wait gives up on it.
const newJobGracePolls = 3

// Options tune a wait.
type Options struct {
	Interval time.Duration // time between polls; must be positive
	Timeout  time.Duration // give up after this long; 0: never
	// FailFast stops waiting at the first job that fails; the others keep
	// running.
	FailFast bool
	// ReadBack, when set, is given the instances of Finished jobs as they
	// are read back (by instance ID), to record them; its error is reported
	// as a warning and ends nothing.
	ReadBack func(instances map[string]*facts.Instance) error
}

// InstanceView is an instance as read from ECS: where it is, as what, and
// its private address (of the primary ENI; it changes with the zone).
type InstanceView struct {
	ZoneID       string `json:"zone_id"`
	InstanceType string `json:"instance_type"`
	PrivateIP    string `json:"private_ip"`
}

// ViewOfInstance is the view of an instance read from ECS.
func ViewOfInstance(in *facts.Instance) *InstanceView {
	v := &InstanceView{ZoneID: in.ZoneID, InstanceType: in.InstanceType}
	if len(in.PrivateIPs) > 0 {
		v.PrivateIP = in.PrivateIPs[0]
	}
	return v
}

// Result is one job as the wait left it. It marshals as the job of the
// contract plus the verification fields.
type Result struct {
	JobView
	// Instance is the instance read back once the job Finished.
	Instance *InstanceView `json:"instance,omitempty"`
	// Before is the instance before the move, where the run read it.
	Before *InstanceView `json:"before,omitempty"`
	// Verified is set when the target zone or type is known and the instance
	// was read back: whether it is where it was asked to go.
	Verified *bool `json:"verified,omitempty"`
	// Problem says what went wrong with a job that did not end well.
	Problem string `json:"problem,omitempty"`

	Target Target `json:"-"`

	seen      bool // found by at least one poll
	gone      bool // found, then no longer
	checked   bool // the instance of a Finished job was read back
	announced bool // its failure was shown
	missed    int  // polls that did not list it yet (a job may join a Tracker late)
}

// Done reports whether the job will not change any more and, if it Finished,
// its instance was read back.
func (r *Result) Done() bool {
	if r.gone {
		return true
	}
	if r.Status == facts.JobFinished {
		return r.checked
	}
	return facts.IsTerminal(r.Status)
}

// Failed reports whether the job ended without reaching its goal: InError,
// Stopped, Expired, deleted while waiting, or Finished elsewhere than asked.
func (r *Result) Failed() bool {
	return r.Done() && (r.Status != facts.JobFinished || r.gone || r.Problem != "")
}

// Report is the outcome of a wait.
type Report struct {
	Jobs     []*Result // in the order of the targets
	TimedOut bool
	Waited   time.Duration
	Polls    int
	// Failed: some job failed (Err is a *FailedError); else TimedOut: the
	// timeout came first (a *TimeoutError); else every job Finished where it
	// was asked to go.
	Failed bool
	// Stopped: FailFast ended the wait at the first failure.
	Stopped bool

	batch       bool
	resumeWith  next.Step
	region      string
	start       time.Time
	resume      next.Step // the command that goes on waiting for the jobs not done
	failureHint next.Hint // what to do about the failed jobs
}

// SeenJobs are the jobs that were found at least once (all of them, unless
// the wait ended at its first poll), never nil.
func (r *Report) SeenJobs() []*Result {
	jobs := []*Result{}
	if r == nil {
		return jobs
	}
	for _, j := range r.Jobs {
		if j.seen {
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// Err is the error the outcome means (nil when every job Finished): a
// *FailedError when a job failed, which weighs more than a timeout of the
// others, else a *TimeoutError.
func (r *Report) Err() error {
	var failed, pending []string
	for _, j := range r.Jobs {
		switch {
		case j.Failed():
			failed = append(failed, j.JobID+" ("+j.instanceLabel()+") "+j.outcome())
		case !j.Done():
			pending = append(pending, j.JobID)
		}
	}
	switch {
	case r.Failed:
		e := &FailedError{Failed: failed, Total: len(r.Jobs), Next: r.failureHint}
		if r.Stopped && len(pending) > 0 {
			e.Next = next.Hintf("%s; the other jobs keep running (%s): '%s' goes on following them", r.failureHint, strings.Join(pending, ", "), r.resume)
		}
		return e
	case r.TimedOut:
		return &TimeoutError{Waited: r.Waited, Pending: pending, Next: next.Hintf("go on waiting with: %s", r.resume)}
	}
	return nil
}

// FailedError is a wait in which some job did not finish as asked.
type FailedError struct {
	Failed []string // each: job (instance) how it ended
	Total  int
	Next   next.Hint
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %s did not finish as asked: %s", len(e.Failed), count(e.Total, "job", "jobs"), strings.Join(e.Failed, "; "))
}

// NextHint is what to do about the failed jobs.
func (e *FailedError) NextHint() next.Hint { return e.Next }

// TimeoutError is a wait whose timeout came before every job ended.
type TimeoutError struct {
	Waited  time.Duration
	Pending []string
	Next    next.Hint
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s with %s not done (%s); they keep running", FormatElapsed(e.Waited), count(len(e.Pending), "job", "jobs"), strings.Join(e.Pending, ", "))
}

// NextHint goes on waiting.
func (e *TimeoutError) NextHint() next.Hint { return e.Next }

// InterruptedError is a wait stopped by Ctrl-C; it is a context.Canceled.
// It names the jobs that had failed by then, with their errors.
type InterruptedError struct {
	Failed []string
	Next   next.Hint
}

func (e *InterruptedError) Error() string {
	msg := "interrupted: stopped waiting"
	if len(e.Failed) > 0 {
		msg += fmt.Sprintf("; %s had failed: %s", count(len(e.Failed), "job", "jobs"), strings.Join(e.Failed, "; "))
	}
	return msg
}

// Is makes it a context.Canceled.
func (e *InterruptedError) Is(target error) bool { return target == context.Canceled }

// NextHint resumes waiting.
func (e *InterruptedError) NextHint() next.Hint { return e.Next }

// outcome is a short account of a job's end, for the error message.
// Brief is a job's end in a few words, for a summary line.
func (r *Result) Brief() string {
	switch {
	case r.gone:
		return "deleted"
	case r.Status == facts.JobFinished && r.Problem != "":
		return "Finished, not as asked"
	}
	return r.Status
}

func (r *Result) outcome() string {
	switch {
	case r.gone:
		return "no longer exists"
	case r.Status == facts.JobFinished && r.Problem != "":
		return "finished, but " + r.Problem
	}
	return r.Status
}

// Wait follows jobs until each is Finished, InError, Stopped or Expired,
// or the timeout comes. Every poll reads all the jobs not yet done with one
// DescribeReplicationJobs per 50 IDs; a Finished job's instance is read back
// once (ECS DescribeInstances, 100 IDs a call) and checked against the target.
// Progress goes to stderr: a live view on a terminal, a line per change off it.
//
// A transient failure of a poll (after the session's own retries) is reported
// and retried at the next poll. Errors that no waiting can cure (credentials,
// permissions, bad requests) end the wait with that error, and Ctrl-C with an
// exit-130 error naming the command that resumes waiting; the report then holds
// what was known. A job ID not found at the first poll is an error; a job that
// disappears later fails. The report's Failed, TimedOut (and Err) tell the outcome.
func (f *Follower) Wait(ctx context.Context, targets []Target, opts Options) (*Report, error) {
	if opts.Interval <= 0 {
		return nil, fmt.Errorf("wait: the poll interval must be positive, not %s", opts.Interval)
	}
	report := &Report{batch: f.Batch, resumeWith: f.Resume, region: f.Region}
	byID := map[string]*Result{}
	for _, t := range targets {
		if byID[t.JobID] != nil {
			continue
		}
		r := &Result{Target: t, JobView: JobView{JobID: t.JobID, InstanceID: t.InstanceID}, Before: t.Before}
		byID[t.JobID] = r
		report.Jobs = append(report.Jobs, r)
	}
	client, err := f.SMC()
	if err != nil {
		return report, err
	}
	report.start = f.Now()
	w := &waiter{f: f, smc: client, report: report, byID: byID, start: report.start, readBack: opts.ReadBack}
	w.display = newDisplay(f.IO, w.start)
	var deadline time.Time
	if opts.Timeout > 0 {
		deadline = w.start.Add(opts.Timeout)
	}
	for {
		if err := w.poll(ctx); err != nil {
			return report, w.abort(ctx, err)
		}
		now := f.Now()
		w.display.update(now, report.Jobs)
		failedNow := w.announceFailures()
		done := w.allDone() || (opts.FailFast && failedNow)
		report.Stopped = done && !w.allDone()
		report.TimedOut = !done && !deadline.IsZero() && !now.Before(deadline)
		sleep := opts.Interval
		if !deadline.IsZero() && deadline.Sub(now) < sleep {
			sleep = deadline.Sub(now) // the last poll comes at the deadline
		}
		if w.warning != "" {
			msg := "Warning: " + w.warning
			if !done && !report.TimedOut {
				msg += "; trying again in " + FormatElapsed(sleep)
			}
			w.display.message(msg)
			w.warning = ""
		}
		if done || report.TimedOut {
			break
		}
		if err := f.Sleep(ctx, sleep); err != nil {
			return report, w.abort(ctx, err)
		}
	}
	w.finish()
	return report, nil
}

// waiter is the state of one Wait.
type waiter struct {
	f       *Follower
	smc     *smc.Client
	cloud   *cloud.Client
	report  *Report
	byID    map[string]*Result
	display jobDisplay
	start   time.Time
	warning string // a transient failure of the last poll, to report

	readBack func(map[string]*facts.Instance) error
}

// poll reads the jobs not done and reads back the instances of those that
// Finished. It returns only errors that end the wait.
func (w *waiter) poll(ctx context.Context) error {
	r := w.report
	r.Polls++
	var pending []string
	for _, j := range r.Jobs {
		if !j.Done() && j.Status != facts.JobFinished {
			pending = append(pending, j.JobID)
		}
	}
	if len(pending) > 0 {
		jobs, err := w.smc.JobsByID(ctx, r.region, pending)
		if err != nil {
			if IsFatalPollError(err) {
				return err
			}
			w.warning = "polling failed: " + err.Error()
			return nil
		}
		var missing, notYet []string
		for _, id := range pending {
			res := w.byID[id]
			j, ok := jobs[id]
			switch {
			case ok:
				res.update(j)
			case res.seen:
				res.gone = true
				res.Problem = "the job no longer exists (deleted while waiting?)"
			case res.Target.JustCreated && res.missed+1 < newJobGracePolls:
				res.missed++
				notYet = append(notYet, id)
			default:
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			err := &jobcontrol.NotFoundError{JobIDs: missing, Region: r.region}
			if w.byID[missing[0]].Target.JustCreated {
				err.Next = next.Hintf("the create was answered with this job ID, but SMC has not listed the job after %d polls; "+
					"follow it later with '%s', or look for it with '%s'", r.Polls, next.Cmd("wait", missing...), next.Cmd("list"))
			}
			return err
		}
		if len(notYet) > 0 {
			w.warning = "not listed yet (just created): " + strings.Join(notYet, ", ")
		}
	}
	return w.verify(ctx)
}

func (r *Result) update(j *facts.Job) {
	v := ViewOf(j)
	if r.Target.InstanceID != "" && v.InstanceID == "" {
		v.InstanceID = r.Target.InstanceID
	}
	r.JobView, r.seen = v, true
}

// verify reads back the instances of jobs that Finished and compares them with
// their targets.
func (w *waiter) verify(ctx context.Context) error {
	var todo []*Result
	for _, j := range w.report.Jobs {
		if j.Status == facts.JobFinished && !j.checked && !j.gone {
			todo = append(todo, j)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if w.cloud == nil {
		c, err := w.f.Cloud()
		if err != nil {
			return err
		}
		w.cloud = c
	}
	const maxInstanceIDs = 100 // DescribeInstances' limit on InstanceIds
	for start := 0; start < len(todo); start += maxInstanceIDs {
		batch := todo[start:min(start+maxInstanceIDs, len(todo))]
		ids := make([]string, len(batch))
		for i, j := range batch {
			ids[i] = j.instanceID()
		}
		found, err := w.cloud.Instances(ctx, ids)
		if err != nil {
			if IsFatalPollError(err) {
				return err
			}
			w.warning = "reading back the migrated instances failed: " + err.Error()
			return nil
		}
		read := map[string]*facts.Instance{}
		for _, j := range batch {
			in := found[j.instanceID()]
			j.check(in, w.report.region)
			if in != nil {
				read[j.instanceID()] = in
			}
		}
		if w.readBack != nil && len(read) > 0 {
			if err := w.readBack(read); err != nil {
				w.warning = "recording the migrated instances failed: " + err.Error()
			}
		}
	}
	return nil
}

func (r *Result) instanceID() string {
	if r.Target.InstanceID != "" {
		return r.Target.InstanceID
	}
	return r.InstanceID
}

// instanceLabel is the instance's ID and, when known, its name; a name that
// is the ID (ECS names an instance by its ID unless told otherwise) is not
// said twice.
func (r *Result) instanceLabel() string {
	if name := r.name(); name != "" {
		return r.instanceID() + " " + name
	}
	return r.instanceID()
}

// name is the instance's name, "" when unknown or when it is its ID.
func (r *Result) name() string {
	if r.Target.InstanceName == r.instanceID() {
		return ""
	}
	return r.Target.InstanceName
}

// addresses says where the instance's private address went: "private IP
// OLD → NEW", or the new one alone when the old is unknown.
func (r *Result) addresses() string {
	if r.Instance == nil || r.Instance.PrivateIP == "" {
		return ""
	}
	if r.Before != nil && r.Before.PrivateIP != "" {
		return "private IP " + r.Before.PrivateIP + " → " + r.Instance.PrivateIP
	}
	return "private IP " + r.Instance.PrivateIP
}

// check compares the instance read back with the target.
func (r *Result) check(in *facts.Instance, region string) {
	r.checked = true
	if in == nil {
		r.Problem = fmt.Sprintf("instance %s was not found in %s", r.instanceID(), region)
		return
	}
	r.Instance = ViewOfInstance(in)
	if r.Target.InstanceName == "" {
		r.Target.InstanceName = in.InstanceName
	}
	t := r.Target
	if t.TargetZone == "" && t.TargetInstanceType == "" {
		return
	}
	var diffs []string
	if t.TargetZone != "" && in.ZoneID != t.TargetZone {
		diffs = append(diffs, fmt.Sprintf("it is in zone %s, not %s", in.ZoneID, t.TargetZone))
	}
	if t.TargetInstanceType != "" && in.InstanceType != t.TargetInstanceType {
		diffs = append(diffs, fmt.Sprintf("its type is %s, not %s", in.InstanceType, t.TargetInstanceType))
	}
	ok := len(diffs) == 0
	r.Verified = &ok
	if !ok {
		r.Problem = fmt.Sprintf("instance %s is not where it was asked to go: %s", r.instanceID(), strings.Join(diffs, "; "))
	}
}

func (w *waiter) allDone() bool {
	for _, j := range w.report.Jobs {
		if !j.Done() {
			return false
		}
	}
	return true
}

// announceFailures shows each job that failed at this poll, with its error
// and what to do, the moment it fails; it reports whether any job has failed.
func (w *waiter) announceFailures() bool {
	failed := false
	for _, j := range w.report.Jobs {
		if !j.Failed() {
			continue
		}
		failed = true
		if j.announced {
			continue
		}
		j.announced = true
		msg := fmt.Sprintf("✗ %s (%s) %s", j.JobID, j.instanceLabel(), j.failureText())
		if h := j.hint(w.report); !h.IsZero() && w.f.Line != nil {
			msg += "\n  Next: " + h.Render(w.f.Line)
		}
		w.display.message(msg)
	}
	return failed
}

// finish sets what the outcome means.
func (w *waiter) finish() {
	r := w.report
	r.Waited = w.f.Now().Sub(w.start)
	var pending []string
	var hints []next.Hint
	for _, j := range r.Jobs {
		switch {
		case j.Failed():
			r.Failed = true
			// A batch has one recovery for all its jobs: say it once.
			if h := j.hint(r); !h.IsZero() && (!r.batch || len(hints) == 0) && len(hints) < 3 {
				hints = append(hints, h)
			}
		case !j.Done():
			pending = append(pending, j.JobID)
		}
	}
	r.failureHint = next.Join(hints, "; ")
	r.resume = r.resumeStep(pending)
}

// resumeStep is the command that goes on following the jobs not done: the
// follower's (in a batch, the same apply --wait again, or wait -f), else
// wait with their IDs.
func (r *Report) resumeStep(pending []string) next.Step {
	if len(r.resumeWith.Command) > 0 {
		return r.resumeWith
	}
	return next.Cmd("wait", pending...)
}

// abort turns the error that ends a wait into the command's error; Ctrl-C
// names the jobs that failed and the command that resumes waiting.
func (w *waiter) abort(ctx context.Context, err error) error {
	w.finish()
	if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		return err
	}
	var pending, failed []string
	for _, j := range w.report.Jobs {
		switch {
		case j.Failed():
			failed = append(failed, j.JobID+" ("+j.instanceLabel()+") "+j.failureText())
		case !j.Done():
			pending = append(pending, j.JobID)
		}
	}
	hint := next.Text("every job had ended")
	if len(pending) > 0 {
		hint = next.Hintf("the migration keeps running in SMC; resume waiting with: %s", w.report.resumeStep(pending))
	}
	if !w.report.failureHint.IsZero() {
		hint = next.Join([]next.Hint{hint, w.report.failureHint}, "; ")
	}
	return &InterruptedError{Failed: failed, Next: hint}
}

// PrintReport writes, for people, how each job ended and what to do next;
// line writes a step as a command line.
func PrintReport(w io.Writer, cs *iostreams.ColorScheme, r *Report, now time.Time, line func(next.Step) string) {
	for _, j := range r.Jobs {
		switch {
		case j.Status == facts.JobFinished && !j.Failed() && j.Done():
			where := fmt.Sprintf("%s as %s", j.Instance.ZoneID, j.Instance.InstanceType)
			if a := j.addresses(); a != "" {
				where += ", " + a
			}
			fmt.Fprintf(w, "%s %s finished: %s is in %s (took %s)\n", cs.Green("✓"), j.JobID, j.instanceLabel(),
				where, FormatElapsed(j.elapsed(now, r.start)))
		case j.Failed() && !j.gone && j.Status != facts.JobFinished:
			fmt.Fprintf(w, "%s %s (%s) %s\n", cs.Red("✗"), j.JobID, j.instanceLabel(), j.failureText())
		case j.Failed():
			fmt.Fprintf(w, "%s %s %s\n", cs.Red("✗"), j.JobID, j.failureText())
			if h := j.hint(r); !h.IsZero() && !j.gone && line != nil {
				fmt.Fprintf(w, "  Next: %s\n", h.Render(line))
			}
		default:
			fmt.Fprintf(w, "%s %s still %s (%s, %s)\n", cs.Yellow("…"), j.JobID, j.Status, Dash(j.BusinessStatus), FormatProgress(j.Progress))
		}
	}
	if (r.TimedOut || r.Stopped) && len(r.pending()) > 0 && line != nil {
		fmt.Fprintf(w, "\nThe jobs not done keep running. Go on waiting with:\n  %s\n", line(r.resume))
	}
}

// pending are the jobs not done.
func (r *Report) pending() []string {
	var ids []string
	for _, j := range r.Jobs {
		if !j.Done() {
			ids = append(ids, j.JobID)
		}
	}
	return ids
}

// hint is what to do about a failed job: in a batch, the batch's recovery.
func (r *Result) hint(rep *Report) next.Hint {
	switch {
	case r.gone && rep.batch:
		return next.Hintf("the job was deleted; to migrate %s again: '%s', then run the same apply again", r.instanceID(),
			next.Cmd("state forget", r.instanceID()).OfBatch().Confirmed())
	case r.gone:
		return next.Hintf("the job was deleted; '%s' shows the region's jobs", next.Cmd("list"))
	case r.Status == facts.JobFinished:
		return next.Text("SMC reports the job Finished, but the instance is not as asked: check it in the ECS console " +
			"before anything else; to move it again, create a new job")
	case rep.batch:
		return BatchNextStep(r.JobView, r.instanceID())
	}
	return NextStep(r.JobView)
}

func (r *Result) failureText() string {
	switch {
	case r.gone:
		return r.Problem
	case r.Status == facts.JobFinished:
		return "finished, but " + r.Problem
	}
	return r.Status + ": " + Problem(r.JobView)
}

// elapsed is how long the job has run: from its start (else its creation,
// else since) to its end (else now).
func (r *Result) elapsed(now, since time.Time) time.Duration {
	from, ok := ParseAPITime(r.startTime)
	if !ok {
		if from, ok = ParseAPITime(r.CreationTime); !ok {
			from = since
		}
	}
	to := now
	if end, ok := ParseAPITime(r.EndTime); ok && facts.IsTerminal(r.Status) {
		to = end
	}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0
	}
	return to.Sub(from)
}
