package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/rollout"
	"golang.org/x/time/rate"
)

// Status is where one migration of the batch stands.
type Status string

// The statuses of the contract.
const (
	Planned Status = "planned" // checked; would be (dry run) or was not yet created
	Created Status = "created" // created by this run
	Exists  Status = "exists"  // a job of this instance exists: from the state file, or found and adopted
	Done    Status = "done"    // the instance is already where the manifest puts it
	Blocked Status = "blocked" // a check failed: nothing of the batch is created
	Failed  Status = "failed"  // its check could not run, or its create failed
	// Held and Deferred are migrations of a rollout that did not start.
	Held     Status = "held"     // the failure budget (max-failures) was spent
	Deferred Status = "deferred" // the window (not-after) closed before it could start
)

// ManifestChanged is the finding of a migration whose manifest entry changed
// after an earlier run recorded a ClientToken for it.
const ManifestChanged = "manifest-changed"

// Default pacing: at most 5 migrations checked or created at a time (the
// console's batch size), and every API call of the run (the preflight's
// lookups, the creates, their retries) at most 100 a second with bursts of
// 20. SMC and ECS do not document their throttling limits; this is a guard,
// set above what 8 workers at 100 ms a call need so that it does not slow a
// batch that the API would have served.
const (
	DefaultConcurrency = 5
	MaxConcurrency     = 50
	DefaultRate        = rate.Limit(100)
	DefaultBurst       = 20
)

// Result is the outcome of one migration.
type Result struct {
	Migration *Migration
	// Around is the record of the steps around the job: an earlier run's
	// from the state file, then as this run's steps leave it.
	Around *around.Record
	// ReturnedIP is the instance's private IP read back once its job
	// Finished (when the job was followed).
	ReturnedIP  string
	Status      Status
	ClientToken string
	JobID       string
	RequestID   string
	// Resumed: an earlier run recorded this token but not the answer to its
	// create; the create is re-sent with the same token, and the API answers
	// with the job it made the first time, if it made one.
	Resumed bool
	// Adopted: the job was found on the instance, not in the state file.
	Adopted bool
	// Restarted: this run resumed the job (it was InError or Stopped).
	Restarted bool
	// JobStatus is the job's status as read in this run; "" when not read,
	// JobNotFound when the API does not know the job.
	JobStatus string
	Checks    []preflight.Result
	// CurrentInstanceType is the instance's type before the move, from its
	// preflight; "" when unknown or not checked.
	CurrentInstanceType string
	// Instance is the instance as its preflight read it, before the move.
	Instance *facts.Instance
	// Before is where the preflight found the instance, to record at its
	// first sight; nil when it was not read or has already moved.
	Before *Place
	Err    error
}

// NotSentError is a create that this run did not send.
type NotSentError struct{ Reason string }

func (e *NotSentError) Error() string { return "not sent: " + e.Reason }

// JobNotFound is the JobStatus of a job the API does not know (deleted).
const JobNotFound = "NotFound"

// JobsFunc reads jobs by ID; a job the API does not know is absent from the map.
type JobsFunc = jobcontrol.ReadFunc

// PrefetchFunc reads, in bulk, the facts of the migrations about to be
// checked, so that each CheckFunc finds them read.
type PrefetchFunc func(ctx context.Context, ms []*Migration) error

// StartFunc resumes a job (StartReplicationJob) and returns its request ID.
type StartFunc = jobcontrol.SendFunc

// CheckFunc runs the preflight of one migration.
type CheckFunc func(ctx context.Context, m *Migration) (*preflight.Report, error)

// CreateFunc sends one create (with its retries).
type CreateFunc func(ctx context.Context, req *migration.Request) (*migration.Response, error)

// AwaitFunc follows the job of a migration to its end and reads its instance
// back; it blocks. It returns the job's last status, and nil once the
// instance is back where its entry puts it; a *JobEndedError when the job
// ended badly or elsewhere than asked; any other error when following
// stopped (ctx ended, a read that no waiting cures).
type AwaitFunc func(ctx context.Context, res *Result) (jobStatus string, err error)

// JobEndedError is a job that ended without bringing its instance back as
// asked: InError, Stopped, Expired, deleted, or Finished elsewhere.
type JobEndedError struct {
	JobID, Status string
	Problem       string // what went wrong, in a few words
}

func (e *JobEndedError) Error() string {
	return fmt.Sprintf("job %s ended %s: %s", e.JobID, e.Status, e.Problem)
}

// Around are the steps of a migration around its job (snapshot, drain,
// verify, restore); a nil step is skipped. See migrate for where each runs.
type Around struct {
	// Pending reports whether a step after the job is still to run for a
	// migration whose job Finished in an earlier run (killed before its
	// verification or restore): such a job is followed again, and After runs.
	Pending func(res *Result) bool
	// Stopped runs when a lifecycle whose Before ran ends without After
	// having succeeded (the create failed, the job ended badly, following
	// stopped, After failed): it brings back what Before changed that the
	// migration will not restore (the drained weights), unless it must stay
	// so (a failed verification).
	Stopped func(ctx context.Context, res *Result)
	// Before runs after the checks and before the create (snapshot, drain).
	// An error creates no job: the migration is failed, the slot freed.
	Before func(ctx context.Context, res *Result) error
	// After runs once the job Finished and its instance was read back where
	// asked, when the job is followed (verify, restore). An error is a failed
	// migration: it counts against the rollout's failure budget.
	After func(ctx context.Context, res *Result) error
}

// Runner checks and creates the migrations of a manifest.
type Runner struct {
	// Prefetch, when set, runs once before the checks, with every migration
	// to be checked.
	Prefetch PrefetchFunc
	Check    CheckFunc
	Create   CreateFunc
	// Jobs reads the jobs of the batch: their statuses, and the job a
	// repeated create answered with. nil reads nothing (dry runs in tests).
	Jobs JobsFunc
	// Start resumes the InError and Stopped jobs of the batch (Resume).
	Start          StartFunc
	NewClientToken func() string
	Now            func() time.Time
	Concurrency    int
	Region         string // of the jobs, for messages
	// Progress, when set, is told after each create (done of total); calls
	// never overlap.
	Progress func(done, total int)
	// Around are the steps before and after each job.
	Around Around
	// Await follows a job to its instance's return. Rollout needs it: a slot
	// is freed only by a return.
	Await AwaitFunc
}

// Preflight is the outcome of a batch's preflight, in manifest order: what
// each migration needs (to be created, resumed, nothing) or what blocks it.
type Preflight struct {
	Results []*Result
}

// Count returns how many results have the status.
func (p *Preflight) Count(s Status) int {
	n := 0
	for _, r := range p.Results {
		if r.Status == s {
			n++
		}
	}
	return n
}

// Ready reports whether the batch may be created: no migration is blocked and
// every check ran.
func (p *Preflight) Ready() bool { return p.Count(Blocked) == 0 && p.Count(Failed) == 0 }

// Preflight decides what each migration needs from the state and checks, all
// at once, every migration that is to be created. Nothing is created.
//   - an entry with a job: exists, neither checked nor created again;
//   - an entry with a token and no job: re-sent with that token (Resumed); its
//     own job may exist, so the active-job check does not block it;
//   - an entry whose request changed since its token was recorded: blocked;
//   - no entry: checked, to be created with a new token; but an instance
//     already in its target zone (and type) is done, and one with an
//     unfinished job exists (the job is adopted) — the state file may be lost.
//
// Then the job of every migration that exists is read, for its status.
func (r *Runner) Preflight(ctx context.Context, m *Manifest, st *State) *Preflight {
	plan := &Preflight{Results: make([]*Result, len(m.Migrations))}
	var toCheck []*Result
	for i, mig := range m.Migrations {
		res := &Result{Migration: mig, Status: Planned}
		plan.Results[i] = res
		e := st.Migrations[mig.Spec.InstanceID]
		if e != nil {
			res.Around = e.Around.Clone()
		}
		if e == nil || !e.HasCreate() {
			toCheck = append(toCheck, res)
			continue
		}
		res.ClientToken, res.JobID = e.ClientToken, e.JobID
		req := mig.Spec.Request()
		switch {
		case e.Fingerprint != Fingerprint(req):
			res.Status = Blocked
			res.Checks = []preflight.Result{r.changedFinding(mig, e, req)}
		case e.JobID != "":
			res.Status = Exists
		default:
			res.Resumed = true
			toCheck = append(toCheck, res)
		}
	}
	if r.Prefetch != nil && len(toCheck) > 0 {
		ms := make([]*Migration, len(toCheck))
		for i, res := range toCheck {
			ms[i] = res.Migration
		}
		if err := r.Prefetch(ctx, ms); err != nil {
			for _, res := range toCheck {
				res.Status, res.Err = Failed, err
			}
			return plan
		}
	}
	r.each(ctx, toCheck, func(res *Result) {
		rep, err := r.Check(ctx, res.Migration)
		if err != nil {
			res.Status, res.Err = Failed, err
			return
		}
		checks := rep.Checks
		res.CurrentInstanceType = rep.CurrentInstanceType
		res.Instance = rep.Instance
		if res.Resumed {
			// Its own job may be running, or may have moved it already.
			checks = preflight.Repeat(checks, res.ClientToken, preflight.ActiveJob, preflight.ZoneChange)
		}
		res.Checks = checks
		if rep.CurrentZone != "" && rep.CurrentZone != res.Migration.Spec.TargetZone {
			res.Before = PlaceOf(rep.Instance, rep.Disks)
		}
		if !res.Resumed && found(res, rep) {
			return
		}
		if len(preflight.Failed(checks)) > 0 {
			res.Status = Blocked
		}
	})
	r.readJobStatuses(ctx, plan)
	r.settleGone(ctx, plan)
	return plan
}

// found decides a migration that no run recorded from what is on the
// instance: already moved (done), or with an unfinished job (exists,
// adopted) — but only a job that goes where the entry says: one that goes
// elsewhere (another batch's, say) blocks the entry.
func found(res *Result, rep *preflight.Report) bool {
	s := res.Migration.Spec
	if atTarget(res, rep, "") {
		return true
	}
	for _, j := range rep.Jobs {
		if j.InstanceId == s.InstanceID && preflight.Unfinished(j.Status) && j.Status != facts.JobDeleting {
			if j.VSwitchId != "" && s.TargetVSwitch != "" && j.VSwitchId != s.TargetVSwitch {
				res.Status, res.JobID, res.JobStatus = Blocked, "", j.Status
				res.Checks = []preflight.Result{{ID: preflight.ActiveJob, Status: preflight.Fail,
					Message: fmt.Sprintf("job %s (%s) of %s goes to vSwitch %s, not to %s in %s where this entry puts it; it is not this entry's, and no second job is created",
						j.JobId, j.Status, s.InstanceID, j.VSwitchId, s.TargetVSwitch, s.TargetZone),
					Next: next.Hintf("follow it with '%s'; once it has ended, apply this manifest again to move %s where it says",
						next.Cmd("wait", j.JobId), s.InstanceID)}}
				return true
			}
			res.Status, res.JobID, res.Adopted, res.JobStatus = Exists, j.JobId, true, j.Status
			res.Checks = []preflight.Result{{ID: preflight.ActiveJob, Status: preflight.Warn,
				Message: fmt.Sprintf("adopted: job %s (%s) of %s exists and the state file has no record of it; it is recorded and no second job is created", j.JobId, j.Status, s.InstanceID)}}
			return true
		}
	}
	return false
}

// atTarget marks a migration done when its instance is already where the
// manifest puts it; why says how it got there, when known.
func atTarget(res *Result, rep *preflight.Report, why string) bool {
	s := res.Migration.Spec
	if rep.CurrentZone == "" || rep.CurrentZone != s.TargetZone ||
		(s.TargetInstanceType != "" && s.TargetInstanceType != rep.CurrentInstanceType) {
		return false
	}
	res.Status, res.Err = Done, nil
	// The checks of a move were for an instance still to move: only this note stands.
	res.Checks = []preflight.Result{{ID: preflight.ZoneChange, Status: preflight.Warn,
		Message: fmt.Sprintf("done: %s is already in %s as %s, where the manifest puts it%s; nothing is created", s.InstanceID, rep.CurrentZone, rep.CurrentInstanceType, why)}}
	return true
}

// settleGone reads again the instances whose recorded job no longer exists:
// a job deleted after it Finished leaves its instance moved, and the
// migration done.
func (r *Runner) settleGone(ctx context.Context, plan *Preflight) {
	var gone []*Result
	for _, res := range plan.Results {
		if res.Status == Exists && res.JobStatus == JobNotFound {
			gone = append(gone, res)
		}
	}
	if len(gone) == 0 || r.Check == nil {
		return
	}
	if r.Prefetch != nil {
		ms := make([]*Migration, len(gone))
		for i, res := range gone {
			ms[i] = res.Migration
		}
		if r.Prefetch(ctx, ms) != nil {
			return // unknown: the job's absence stands
		}
	}
	r.each(ctx, gone, func(res *Result) {
		if rep, err := r.Check(ctx, res.Migration); err == nil {
			job := res.JobID
			if atTarget(res, rep, " (its job "+job+" no longer exists: deleted after it Finished)") {
				res.JobID = job
			}
		}
	})
}

// readJobStatuses reads the status of every job that exists from an earlier
// run. A failure to read leaves the statuses unknown: it changes no decision.
func (r *Runner) readJobStatuses(ctx context.Context, plan *Preflight) {
	if r.Jobs == nil {
		return
	}
	var ids []string
	for _, res := range plan.Results {
		if res.Status == Exists && res.JobID != "" && res.JobStatus == "" {
			ids = append(ids, res.JobID)
		}
	}
	if len(ids) == 0 {
		return
	}
	jobs, err := r.Jobs(ctx, ids)
	if err != nil {
		return
	}
	for _, res := range plan.Results {
		if res.Status == Exists && res.JobID != "" && res.JobStatus == "" {
			res.JobStatus = JobNotFound
			if j := jobs[res.JobID]; j != nil {
				res.JobStatus = j.Status
			}
		}
	}
}

// RetryFailedResumes reports whether Resume (apply --retry-failed) resumes a
// job in this status: InError or Stopped; a Ready job is left to its create,
// though StartReplicationJob would take it (facts.Resumable).
func RetryFailedResumes(status string) bool {
	return status == facts.JobInError || status == facts.JobStopped
}

// Resume resumes, Concurrency at a time, every job of the plan that exists
// and is InError or Stopped, by jobcontrol.Resume's rule (the one zonemove
// retry follows): a lost answer is settled by reading the job back.
func (r *Runner) Resume(ctx context.Context, plan *Preflight) {
	var todo []*Result
	for _, res := range plan.Results {
		if res.Status == Exists && RetryFailedResumes(res.JobStatus) {
			todo = append(todo, res)
		}
	}
	r.each(ctx, todo, func(res *Result) { r.resume(ctx, res) })
}

// resume resumes the job of one migration.
func (r *Runner) resume(ctx context.Context, res *Result) {
	if ctx.Err() != nil {
		res.Err = &NotSentError{Reason: "interrupted"}
		return
	}
	read := r.Jobs
	if read == nil {
		read = func(context.Context, []string) (map[string]*facts.Job, error) {
			return nil, errors.New("the batch reads no jobs")
		}
	}
	out := jobcontrol.Resume.Run(ctx, r.Start, read, r.Region, res.JobID, &facts.Job{JobId: res.JobID, Status: res.JobStatus})
	if out.Err != nil {
		res.Err = fmt.Errorf("resuming job %s (%s): %w", res.JobID, res.JobStatus, out.Err)
		return
	}
	res.Restarted, res.JobStatus = true, out.Status
}

// EndedBadly reports whether a job status is one a person must act on:
// InError, Stopped or Expired, or a job that no longer exists.
func EndedBadly(status string) bool {
	switch status {
	case facts.JobInError, facts.JobStopped, facts.JobExpired, JobNotFound:
		return true
	}
	return false
}

func (r *Runner) changedFinding(mig *Migration, e *Entry, req *migration.Request) preflight.Result {
	id := mig.Spec.InstanceID
	msg := "the manifest entry changed after an earlier run recorded ClientToken " + e.ClientToken + " for it (" + strings.Join(e.Changes(req), "; ") + ")"
	forget := next.Cmd("state forget", id).OfBatch().Confirmed()
	var hint next.Hint
	if e.JobID != "" {
		hint = next.Hintf("Job %s was created from the earlier entry and keeps its values; zonemove creates no second job for %s. "+
			"Restore the entry, or remove it from the manifest; to migrate again later, wait for %s to end, then run '%s' and apply again.",
			e.JobID, id, e.JobID, forget)
	} else {
		hint = next.Hintf("The earlier create may have reached the API, and re-sending the old token with new values would silently return the old job. "+
			"Restore the entry and re-run to finish it; or, if '%s' shows no job for %s, run '%s' and apply again.",
			next.Cmd("list"), id, forget)
	}
	return preflight.Result{ID: ManifestChanged, Status: preflight.Fail, Message: msg, Next: hint}
}

// Apply creates every planned migration, Concurrency at a time, all at
// once: each runs its lifecycle (migrate) up to its create. The ClientToken
// of a create is durable in the state file before the create is sent, and
// its job as soon as it is known.
func (r *Runner) Apply(ctx context.Context, plan *Preflight, store *Store) {
	a, todo := r.applying(plan, store)
	r.each(ctx, todo, func(res *Result) { a.migrate(ctx, res, startCreate, false) })
	a.recording.Wait()
}

// applying records where the checked instances are and the adopted jobs,
// and gives every planned migration its ClientToken, in manifest order; it
// returns the planned ones.
func (r *Runner) applying(plan *Preflight, store *Store) (*applying, []*Result) {
	r.recordBefore(plan, store)
	var todo []*Result
	for _, res := range plan.Results {
		if res.Adopted {
			spec := res.Migration.Spec
			if err := store.Adopt(spec.InstanceID, res.JobID, spec.Request(), r.Now()); err != nil {
				res.Err = fmt.Errorf("job %s was found on %s, but recording it in the state file failed: %w", res.JobID, spec.InstanceID, err)
			}
		}
		if res.Status != Planned {
			continue
		}
		if res.ClientToken == "" {
			res.ClientToken = r.NewClientToken() // in manifest order, before any goroutine
		}
		todo = append(todo, res)
	}
	n := max(r.Concurrency, 1)
	return &applying{Runner: r, store: store, total: len(todo), calls: make(chan struct{}, n)}, todo
}

// recordBefore records, in one write before anything is sent, where the
// checked instances are (the first sight is kept: see Store.RecordBefore).
// Without that record nothing of theirs is sent: a revert would not know the
// way back.
func (r *Runner) recordBefore(plan *Preflight, store *Store) {
	places := map[string]*Place{}
	for _, res := range plan.Results {
		if res.Before != nil && (res.Status == Planned || res.Adopted) {
			places[res.Migration.Spec.InstanceID] = res.Before
		}
	}
	if len(places) == 0 {
		return
	}
	if err := store.RecordBefore(places); err != nil {
		for _, res := range plan.Results {
			if places[res.Migration.Spec.InstanceID] != nil && res.Status == Planned {
				res.Status, res.Err = Failed, fmt.Errorf("recording where %s is before its move failed, so nothing of it was sent: %w", res.Migration.Spec.InstanceID, err)
			}
		}
	}
}

type applying struct {
	*Runner
	store *Store
	calls chan struct{} // a slot per API call in flight (Concurrency), in a rollout

	mu          sync.Mutex
	stopped     error // set after an error every other create would meet too
	done, total int
	recording   sync.WaitGroup // job IDs being written to the state file
}

// startKind is how a migration's lifecycle starts its job.
type startKind int

const (
	startCreate startKind = iota // create a job (a new token, or one re-sent)
	startResume                  // resume its InError or Stopped job (--retry-failed)
	startNone                    // its job runs already (an earlier run's): follow it
)

// migrate is the lifecycle of one migration, the unit a rollout schedules;
// its checks ran before, in Preflight:
//
//	Around.Before (snapshot, drain) -> create (or resume, or nothing for a job
//	that runs already) -> follow to its end (Await, when follow is set) ->
//	Around.After (verify, restore) -> return
//
// It says how the migration ended, for the schedule: Returned (back as
// asked, or created when not followed), Failed (its job or an After step
// failed: it counts against the failure budget), or Aborted (no job went,
// or following stopped). The outcome is also in res.
func (a *applying) migrate(ctx context.Context, res *Result, start startKind, follow bool) (outcome rollout.Outcome) {
	if a.Around.Stopped != nil {
		defer func() {
			if outcome != rollout.Returned {
				a.Around.Stopped(ctx, res)
			}
		}()
	}
	switch start {
	case startCreate:
		if err := a.stopReason(); err != nil && a.Around.Before != nil {
			res.Err = &NotSentError{Reason: stoppedReason(err)}
			a.progress()
			return rollout.Aborted
		}
		if a.Around.Before != nil {
			// Not in a slot of API calls: a snapshot or a drain waits for
			// minutes; its calls are paced by the run's limiter.
			if err := a.Around.Before(ctx, res); err != nil {
				res.Status, res.Err = Failed, err
				a.progress()
				return rollout.Aborted
			}
		}
		_ = a.call(ctx, func() error { a.create(ctx, res); return nil })
		if res.Status != Created {
			return rollout.Aborted
		}
	case startResume:
		if err := a.stopReason(); err != nil {
			res.Err = &NotSentError{Reason: stoppedReason(err)}
			return rollout.Aborted
		}
		_ = a.call(ctx, func() error { a.resume(ctx, res); return nil })
		if res.Err != nil {
			return rollout.Aborted
		}
	}
	if !follow {
		return rollout.Returned
	}
	status, err := a.Await(ctx, res)
	if status != "" {
		res.JobStatus = status
	}
	var ended *JobEndedError
	switch {
	case errors.As(err, &ended):
		return rollout.Failed
	case err != nil:
		if ctx.Err() == nil {
			// No job can be followed to its return: start no other.
			res.Err = err
			a.stop(err)
		}
		return rollout.Aborted
	}
	if a.Around.After != nil {
		if err := a.Around.After(ctx, res); err != nil {
			res.Err = err
			return rollout.Failed
		}
	}
	return rollout.Returned
}

// call runs fn in one of the Concurrency slots of API calls, in a rollout;
// Apply's workers are Concurrency already.
func (a *applying) call(ctx context.Context, fn func() error) error {
	if a.calls == nil || cap(a.calls) == 0 {
		return fn()
	}
	select {
	case a.calls <- struct{}{}:
	case <-ctx.Done():
		// fn sees ctx ended and sends nothing.
		return fn()
	}
	defer func() { <-a.calls }()
	return fn()
}

func (a *applying) create(ctx context.Context, res *Result) {
	defer a.progress()
	id := res.Migration.Spec.InstanceID
	if ctx.Err() != nil {
		res.Err = &NotSentError{Reason: "interrupted"}
		return
	}
	if err := a.stopReason(); err != nil {
		res.Err = &NotSentError{Reason: stoppedReason(err)}
		return
	}
	spec := res.Migration.Spec
	spec.ClientToken = res.ClientToken
	req := spec.Request()
	if !res.Resumed {
		if err := a.store.RecordToken(id, res.ClientToken, req, a.Now()); err != nil {
			res.Status, res.Err = Failed, fmt.Errorf("recording the ClientToken before the create failed, so it was not sent: %w", err)
			return
		}
	}
	resp, err := a.Create(ctx, req)
	if err != nil {
		res.Status, res.Err = Failed, err
		if !migration.MayHaveCreated(res.Resumed, err) {
			// A re-run checks it again in full and makes a new token.
			_ = a.store.Forget(id)
		}
		var ae *apierr.Error
		if errors.As(err, &ae) && ae.IsAuth() {
			a.stop(err)
		}
		return
	}
	if resp.JobId == "" {
		// The token stays: a re-run re-sends it and reads the job's ID then.
		res.Status, res.Err = Failed, fmt.Errorf("the create of %s was answered without a JobId (request %s); its outcome is unknown", id, resp.RequestId)
		return
	}
	res.RequestID = resp.RequestId
	if res.Resumed {
		// A token sent before may have been used for another instance (an
		// edited or copied state file): the job must be this instance's.
		if err := a.verifyOwner(ctx, res, resp.JobId); err != nil {
			res.Status, res.Err = Failed, err
			return
		}
	}
	res.Status, res.JobID = Created, resp.JobId
	// Written while this worker goes on to its next create, whose token write
	// usually carries it too; Apply returns only once it is durable.
	answered := a.Now()
	a.recording.Go(func() {
		if err := a.store.RecordJob(id, resp.JobId, answered); err != nil {
			res.Err = fmt.Errorf("job %s was created, but recording it failed: %w; a re-run re-sends the create with ClientToken %s and gets this job back", resp.JobId, err, res.ClientToken)
		}
	})
}

// verifyOwner reads back the job a repeated create answered with.
func (a *applying) verifyOwner(ctx context.Context, res *Result, jobID string) error {
	id := res.Migration.Spec.InstanceID
	if a.Jobs == nil {
		return nil
	}
	return jobcontrol.VerifyOwner(ctx, a.Jobs, res.ClientToken, jobID, id)
}

// stoppedReason says why the batch stopped creating.
func stoppedReason(err error) string {
	var ae *apierr.Error
	if errors.As(err, &ae) && ae.IsAuth() {
		return "the batch stopped after an authorization error"
	}
	return "the batch stopped: its jobs could no longer be followed (" + err.Error() + ")"
}

func (a *applying) stop(err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped == nil {
		a.stopped = err
	}
}

func (a *applying) stopReason() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stopped
}

func (a *applying) progress() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done++
	if a.Progress != nil {
		a.Progress(a.done, a.total)
	}
}

// each runs fn on every result, Concurrency at a time.
func (r *Runner) each(ctx context.Context, results []*Result, fn func(*Result)) {
	n := r.Concurrency
	if n < 1 {
		n = 1
	}
	if n > len(results) {
		n = len(results)
	}
	next := make(chan *Result)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for res := range next {
				fn(res)
			}
		})
	}
	for _, res := range results {
		next <- res
	}
	close(next)
	wg.Wait()
}
