package follow

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Tracker follows jobs that join while it runs, a rollout's: each is added
// once its create answered, and awaited until it ends. One poll every
// Interval reads every job not done, as Wait does (50 IDs a call, the
// instances of Finished jobs read back and checked), so an awaiter goes on
// right after the poll that saw its job end. Progress shows on stderr as
// Wait shows it.
//
// Where the clock only moves when slept (tests), a rollout with one slot is
// deterministic: the poll loop sleeps only while a job is followed, so the
// next migration starts at the time of the poll that freed its slot.
type Tracker struct {
	f    *Follower
	opts Options
	stop context.CancelFunc
	done chan struct{} // closed when the poll loop has ended

	mu   sync.Mutex
	w    *waiter
	ends map[string]chan struct{} // closed when the job is done or the tracker ended
	wake chan struct{}            // a job joined
	err  error                    // why the poll loop ended, once it has
}

// ErrTrackerStopped is the error of an Await after the tracker stopped.
var ErrTrackerStopped = errors.New("the jobs are no longer followed")

// Track starts following jobs of the region in the background; Await adds
// them. Stop ends it and returns the report of every job it followed.
// Timeout is not supported: a rollout's bound in time is its window.
func (f *Follower) Track(ctx context.Context, opts Options) (*Tracker, error) {
	if opts.Interval <= 0 {
		return nil, fmt.Errorf("track: the poll interval must be positive, not %s", opts.Interval)
	}
	client, err := f.SMC()
	if err != nil {
		return nil, err
	}
	report := &Report{batch: f.Batch, resumeWith: f.Resume, region: f.Region, start: f.Now()}
	w := &waiter{f: f, smc: client, report: report, byID: map[string]*Result{}, start: report.start, readBack: opts.ReadBack}
	w.display = newDisplay(f.IO, w.start)
	ctx, cancel := context.WithCancel(ctx)
	t := &Tracker{f: f, opts: opts, stop: cancel, done: make(chan struct{}), w: w,
		ends: map[string]chan struct{}{}, wake: make(chan struct{}, 1)}
	go t.run(ctx)
	return t, nil
}

// Add follows the target's job from the next poll on, without waiting for it.
// It returns the job's result (as the polls update it) and the channel closed
// once the job is done or the tracker stopped; ErrTrackerStopped after Stop.
func (t *Tracker) Add(target Target) (*Result, <-chan struct{}, error) {
	t.mu.Lock()
	if t.err != nil {
		err := t.err
		t.mu.Unlock()
		return nil, nil, err
	}
	r := t.w.byID[target.JobID]
	if r == nil {
		r = &Result{Target: target, JobView: JobView{JobID: target.JobID, InstanceID: target.InstanceID}, Before: target.Before}
		t.w.byID[target.JobID] = r
		t.w.report.Jobs = append(t.w.report.Jobs, r)
	}
	end := t.ends[target.JobID]
	if end == nil {
		end = make(chan struct{})
		if r.Done() {
			close(end)
		} else {
			t.ends[target.JobID] = end
		}
	}
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default: // a wake is pending already
	}
	return r, end, nil
}

// Await adds the target's job and waits until it is done (Finished and its
// instance read back, or ended badly): the result says how. It returns an
// error when ctx ends first, or when the tracker stopped (a poll error that
// no waiting cures, or Stop) before the job was done.
func (t *Tracker) Await(ctx context.Context, target Target) (*Result, error) {
	r, end, err := t.Add(target)
	if err != nil {
		return nil, err
	}
	select {
	case <-end:
	case <-ctx.Done():
		return r, ctx.Err()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !r.Done() {
		return r, t.err
	}
	return r, nil
}

// Stop ends the polling and returns the report of every job followed, in
// the order they joined, with what the outcome means (as Wait's).
func (t *Tracker) Stop() *Report {
	t.stop()
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	t.w.finish()
	return t.w.report
}

// Err is the error that ended the polling before Stop, if any.
func (t *Tracker) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if errors.Is(t.err, ErrTrackerStopped) {
		return nil
	}
	return t.err
}

func (t *Tracker) run(ctx context.Context) {
	defer close(t.done)
	for {
		for !t.pending() {
			select {
			case <-t.wake:
			case <-ctx.Done():
				t.end(ErrTrackerStopped)
				return
			}
		}
		// A job is polled first one interval after it joined (or on the
		// cadence of the jobs followed already): a job just created has not
		// ended. And a slot freed at a poll is refilled before time moves on.
		if err := t.f.Sleep(ctx, t.opts.Interval); err != nil || ctx.Err() != nil {
			t.end(ErrTrackerStopped)
			return
		}
		t.mu.Lock()
		err := t.w.poll(ctx)
		t.w.display.update(t.f.Now(), t.w.report.Jobs)
		t.w.announceFailures()
		if t.w.warning != "" {
			t.w.display.message("Warning: " + t.w.warning + "; trying again in " + FormatElapsed(t.opts.Interval))
			t.w.warning = ""
		}
		for id, end := range t.ends {
			if t.w.byID[id].Done() {
				close(end)
				delete(t.ends, id)
			}
		}
		t.mu.Unlock()
		if err != nil {
			if ctx.Err() != nil {
				err = ErrTrackerStopped
			}
			t.end(err)
			return
		}
	}
}

// pending reports whether a job not done is being followed.
func (t *Tracker) pending() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ends) > 0
}

// end records why the polling ended and wakes every awaiter.
func (t *Tracker) end(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
	for id, end := range t.ends {
		close(end)
		delete(t.ends, id)
	}
}
