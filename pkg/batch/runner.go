package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
	"golang.org/x/time/rate"
)

// Status is where one migration of the batch stands.
type Status string

// The statuses of the contract.
const (
	Planned Status = "planned" // checked; would be (dry run) or was not yet created
	Created Status = "created" // created by this run
	Exists  Status = "exists"  // created by an earlier run (the state file has its job)
	Blocked Status = "blocked" // a check failed: nothing of the batch is created
	Failed  Status = "failed"  // its check could not run, or its create failed
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
	Migration   *Migration
	Status      Status
	ClientToken string
	JobID       string
	RequestID   string
	// Resumed: an earlier run recorded this token but not the answer to its
	// create; the create is re-sent with the same token, and the API answers
	// with the job it made the first time, if it made one.
	Resumed bool
	Checks  []preflight.Result
	// CurrentInstanceType is the instance's type before the move, from its
	// preflight; "" when unknown or not checked.
	CurrentInstanceType string
	// Instance is the instance as its preflight read it, before the move.
	Instance *facts.Instance
	Err      error
}

// NotSentError is a create that this run did not send.
type NotSentError struct{ Reason string }

func (e *NotSentError) Error() string { return "not sent: " + e.Reason }

// PrefetchFunc reads, in bulk, the facts of the migrations about to be
// checked, so that each CheckFunc finds them read.
type PrefetchFunc func(ctx context.Context, ms []*Migration) error

// CheckFunc runs the preflight of one migration.
type CheckFunc func(ctx context.Context, m *Migration) (*preflight.Report, error)

// CreateFunc sends one create (with its retries).
type CreateFunc func(ctx context.Context, req *migration.Request) (*migration.Response, error)

// Runner checks and creates the migrations of a manifest.
type Runner struct {
	// Prefetch, when set, runs once before the checks, with every migration
	// to be checked.
	Prefetch       PrefetchFunc
	Check          CheckFunc
	Create         CreateFunc
	NewClientToken func() string
	Now            func() time.Time
	Concurrency    int
	StatePath      string // for messages
	// Progress, when set, is told after each create (done of total); calls
	// never overlap.
	Progress func(done, total int)
}

// Plan is the outcome of the preflight, in manifest order.
type Plan struct {
	Results []*Result
}

// Count returns how many results have the status.
func (p *Plan) Count(s Status) int {
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
func (p *Plan) Ready() bool { return p.Count(Blocked) == 0 && p.Count(Failed) == 0 }

// Preflight decides what each migration needs from the state and checks, all
// at once, every migration that is to be created. Nothing is created.
//   - an entry with a job: exists, neither checked nor created again;
//   - an entry with a token and no job: re-sent with that token (Resumed); its
//     own job may exist, so the active-job check does not block it;
//   - an entry whose request changed since its token was recorded: blocked;
//   - no entry: checked, to be created with a new token.
func (r *Runner) Preflight(ctx context.Context, m *Manifest, st *State) *Plan {
	plan := &Plan{Results: make([]*Result, len(m.Migrations))}
	var toCheck []*Result
	for i, mig := range m.Migrations {
		res := &Result{Migration: mig, Status: Planned}
		plan.Results[i] = res
		e := st.Migrations[mig.Spec.InstanceID]
		if e == nil {
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
			checks = ownJob(checks, res.ClientToken)
		}
		res.Checks = checks
		if len(preflight.Failed(checks)) > 0 {
			res.Status = Blocked
		}
	})
	return plan
}

// ownJob turns the active-job check of a resumed migration into a note: the
// unfinished job it may find is most likely the one the earlier create made.
func ownJob(checks []preflight.Result, token string) []preflight.Result {
	out := make([]preflight.Result, len(checks))
	copy(out, checks)
	for i, c := range out {
		if c.ID != preflight.ActiveJob {
			continue
		}
		note := "not applied: an earlier run sent this migration's create with ClientToken " + token +
			" and recorded no answer; the create is re-sent with the same token, so the API returns the job it made, if any, instead of creating a second"
		status := preflight.Skip
		if c.Status == preflight.Fail {
			status, note = preflight.Warn, note+" (found: "+c.Message+")"
		}
		out[i] = preflight.Result{ID: c.ID, Status: status, Message: note}
	}
	return out
}

func (r *Runner) changedFinding(mig *Migration, e *Entry, req *migration.Request) preflight.Result {
	id := mig.Spec.InstanceID
	msg := "the manifest entry changed after an earlier run recorded ClientToken " + e.ClientToken + " for it (" + strings.Join(e.Changes(req), "; ") + ")"
	var hint string
	if e.JobID != "" {
		hint = fmt.Sprintf("Job %s was created from the earlier entry and keeps its values; zonemove creates no second job for %s. "+
			"Restore the entry, or remove it from the manifest; to migrate again later, wait for %s to end and delete %s from %s.",
			e.JobID, id, e.JobID, id, r.StatePath)
	} else {
		hint = fmt.Sprintf("The earlier create may have reached the API, and re-sending the old token with new values would silently return the old job. "+
			"Restore the entry and re-run to finish it; or, if 'zonemove list' shows no job for %s, delete %s from %s and re-run.",
			id, id, r.StatePath)
	}
	return preflight.Result{ID: ManifestChanged, Status: preflight.Fail, Message: msg, Hint: hint}
}

// Apply creates every planned migration, Concurrency at a time. The
// ClientToken of a create is durable in the state file before the create is
// sent, and its job as soon as it is known.
func (r *Runner) Apply(ctx context.Context, plan *Plan, store *Store) {
	var todo []*Result
	for _, res := range plan.Results {
		if res.Status != Planned {
			continue
		}
		if res.ClientToken == "" {
			res.ClientToken = r.NewClientToken() // in manifest order, before any goroutine
		}
		todo = append(todo, res)
	}
	a := &applying{Runner: r, store: store, total: len(todo)}
	r.each(ctx, todo, func(res *Result) { a.create(ctx, res) })
	a.recording.Wait()
}

type applying struct {
	*Runner
	store *Store

	mu          sync.Mutex
	stopped     error // set after an error every other create would meet too
	done, total int
	recording   sync.WaitGroup // job IDs being written to the state file
}

func (a *applying) create(ctx context.Context, res *Result) {
	defer a.progress()
	id := res.Migration.Spec.InstanceID
	if ctx.Err() != nil {
		res.Err = &NotSentError{Reason: "interrupted"}
		return
	}
	if err := a.stopReason(); err != nil {
		res.Err = &NotSentError{Reason: "the batch stopped after an authorization error"}
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
		if notCreated(err) {
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
	res.Status, res.JobID, res.RequestID = Created, resp.JobId, resp.RequestId
	// Written while this worker goes on to its next create, whose token write
	// usually carries it too; Apply returns only once it is durable.
	a.recording.Go(func() {
		if err := a.store.RecordJob(id, resp.JobId, a.Now()); err != nil {
			res.Err = fmt.Errorf("job %s was created, but recording it failed: %w; a re-run re-sends the create with ClientToken %s and gets this job back", resp.JobId, err, res.ClientToken)
		}
	})
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

// notCreated reports whether a failed create certainly made no job: nothing
// reached the service, or its one attempt was refused with a 4xx answer.
func notCreated(err error) bool {
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return false
	}
	return !ae.Sent || (ae.Attempts == 1 && ae.HTTPStatus >= 400 && ae.HTTPStatus < 500)
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
