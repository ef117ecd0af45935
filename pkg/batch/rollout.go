package batch

import (
	"context"
	"path/filepath"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// RolloutReport is how a rollout went: its bounds and the schedule's account.
type RolloutReport struct {
	Options rollout.Options
	// Peak is the most instances that were away at once.
	Peak int
	// Failures counts the migrations that failed, earlier runs' included.
	Failures int
	Held     int
	Deferred int
}

// Rollout runs the batch as a rollout: every migration's lifecycle (migrate),
// followed to its return, at most opts.MaxUnavailable away at once, the
// canary first; once more than opts.MaxFailures failed no new one starts
// (the rest are held), and none starts that could not be back before
// opts.NotAfter (the rest are deferred). The caller has waited for
// opts.NotBefore. Await must be set.
//
// The schedule's items, in manifest order: the planned migrations (created),
// with retryFailed the InError and Stopped jobs (resumed), and the jobs of
// earlier runs that have not ended (followed, taking a slot at once). A job
// of an earlier run that ended badly and is not resumed counts as a failure.
// A migration not started when ctx ends is not sent (interrupted).
func (r *Runner) Rollout(ctx context.Context, plan *Preflight, store *Store, opts rollout.Options, retryFailed bool) *RolloutReport {
	a, _ := r.applying(plan, store)
	type item struct {
		res   *Result
		start startKind
	}
	var items []item
	for _, res := range plan.Results {
		switch {
		case res.Status == Planned:
			items = append(items, item{res, startCreate})
		case res.Status != Exists || res.Err != nil:
		case retryFailed && RetryFailedResumes(res.JobStatus):
			items = append(items, item{res, startResume})
		case EndedBadly(res.JobStatus) && !opts.Paced():
			// Nothing to follow, and all at once: no budget for it to spend.
		case res.JobStatus != facts.JobFinished || (r.Around.Pending != nil && r.Around.Pending(res)):
			// A Finished job whose verification or restore did not run is
			// followed again, so that they do.
			items = append(items, item{res, startNone})
		}
	}
	s := rollout.NewSchedule(len(items), opts)
	for i, it := range items {
		switch {
		case it.start != startNone:
		case EndedBadly(it.res.JobStatus):
			s.MarkFailed(i)
		default:
			s.MarkRunning(i) // Running, Waiting, Ready, or not read: away
		}
	}
	a.total = len(items)
	var started []*Result // by this run: created or resumed
	for _, it := range items {
		if it.start != startNone {
			started = append(started, it.res)
		}
	}
	r.recordWindow(store, opts, started)
	rollout.Run(ctx, s, r.Now, func(ctx context.Context, i int) rollout.Outcome {
		return a.migrate(ctx, items[i].res, items[i].start, true)
	}, nil)
	a.recording.Wait()

	rep := &RolloutReport{Options: opts, Peak: s.Peak(), Failures: s.Failures()}
	for i, it := range items {
		switch s.State(i) {
		case rollout.Waiting:
			if it.start != startNone {
				it.res.Err = &NotSentError{Reason: "interrupted"}
			}
		case rollout.Held:
			it.res.Status = Held
			rep.Held++
		case rollout.Deferred:
			it.res.Status = Deferred
			rep.Deferred++
		}
	}
	return rep
}

// recordWindow writes, in one write before anything is sent, the run's
// window into the entries of the migrations it schedules, for the change
// record (zonemove report draws it). A failure is not reported here: the
// creates' own writes to the state file would fail and say so.
func (r *Runner) recordWindow(store *Store, opts rollout.Options, items []*Result) {
	if opts.NotBefore.IsZero() && opts.NotAfter.IsZero() {
		return
	}
	w := &Window{}
	if t := opts.NotBefore.UTC(); !opts.NotBefore.IsZero() {
		w.NotBefore = &t
	}
	if t := opts.NotAfter.UTC(); !opts.NotAfter.IsZero() {
		w.NotAfter = &t
	}
	known := store.Snapshot().Migrations
	var ids []string
	for _, res := range items {
		if id := res.Migration.Spec.InstanceID; known[id] != nil {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		_ = store.UpdateMany(ids, func(_ string, e *Entry) { e.Window = w })
	}
}

// ExecOptions say how Execute runs a batch's creates.
type ExecOptions struct {
	// RetryFailed also resumes the batch's InError and Stopped jobs.
	RetryFailed bool
	// Rollout are the bounds; paced bounds (rollout.Options.Paced) run the
	// batch as a rollout, each migration followed to its return.
	Rollout rollout.Options
}

// Execute runs a checked plan: as a rollout (Rollout) when its bounds pace
// it, or when Await is set (every lifecycle then follows its job to the end,
// so that Around.After runs; all at once without bounds); else every planned
// migration is created at once (Apply) and, with RetryFailed, the resumable
// jobs resumed (Resume). The caller has asked for confirmation and waited
// for the not-before. The report is nil when the batch was not followed.
func (r *Runner) Execute(ctx context.Context, plan *Preflight, store *Store, opts ExecOptions) *RolloutReport {
	if opts.Rollout.Paced() || r.Await != nil {
		return r.Rollout(ctx, plan, store, opts.Rollout, opts.RetryFailed)
	}
	r.Apply(ctx, plan, store)
	if opts.RetryFailed {
		r.Resume(ctx, plan)
	}
	return nil
}

// Open reads the state of a batch: with dryRun the file as it is, nothing
// written (not even the lock); otherwise the store, locked for the run (the
// caller closes it).
func Open(statePath, manifestPath string, dryRun bool) (*State, *Store, error) {
	if dryRun {
		st, err := ReadState(statePath)
		return st, nil, err
	}
	store, err := OpenStore(statePath, filepath.Base(manifestPath))
	if err != nil {
		return nil, nil, err
	}
	return store.Snapshot(), store, nil
}
