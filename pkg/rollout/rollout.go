// Package rollout schedules the migrations of a batch as a rollout: at most
// MaxUnavailable instances away at once, a canary first, a failure budget,
// and a time window. It decides what starts when; it sends nothing. The
// Schedule is a pure state machine (items, outcomes, the time it is told);
// Run drives one with the caller's lifecycle of a migration.
package rollout

import (
	"fmt"
	"time"
)

// StopTime is how long an instance is away for its move: the documented stop
// of a cross-zone migration, about 15 minutes. A migration starts under
// NotAfter only if it can be back by then.
const StopTime = 15 * time.Minute

// Options are the bounds of a rollout. The zero value is "all at once": no
// bound, no window, a failure budget of 0.
type Options struct {
	// MaxUnavailable is how many instances may be away at once, from their
	// create until they are back; 0 is no limit.
	MaxUnavailable int
	// Canary is how many migrations, the first in order, must return before
	// any other starts.
	Canary int
	// MaxFailures is how many migrations may fail before no new one starts.
	MaxFailures int
	// NotBefore: nothing starts before it (the caller waits, see WaitUntil).
	NotBefore time.Time
	// NotAfter: a migration starts only if it can be back (StopTime) by then.
	NotAfter time.Time
}

// Paced reports whether the bounds make migrations wait for others: then
// every migration is followed to its return to free its slot.
func (o Options) Paced() bool { return o.MaxUnavailable > 0 || o.Canary > 0 || !o.NotAfter.IsZero() }

// Together is how many of n migrations are away at once at most.
func (o Options) Together(n int) int {
	if o.MaxUnavailable > 0 && o.MaxUnavailable < n {
		return o.MaxUnavailable
	}
	return n
}

// Validate checks the bounds against the time of the run: what a person gave
// that cannot be (a negative count, a window that has closed or is empty) is
// an error naming the flag.
func (o Options) Validate(now time.Time) error {
	switch {
	case o.MaxUnavailable < 0:
		return fmt.Errorf("max-unavailable must be 1 or more (0 or unset: all at once), not %d", o.MaxUnavailable)
	case o.Canary < 0:
		return fmt.Errorf("canary must be 0 or more, not %d", o.Canary)
	case o.MaxFailures < 0:
		return fmt.Errorf("max-failures must be 0 or more, not %d", o.MaxFailures)
	}
	if !o.NotAfter.IsZero() {
		if !o.NotAfter.After(now) {
			return &WindowError{Field: "not-after", Msg: fmt.Sprintf("%s is in the past (it is %s)", stamp(o.NotAfter), stamp(now))}
		}
		if !o.NotBefore.IsZero() && !o.NotAfter.After(o.NotBefore) {
			return &WindowError{Field: "not-after", Msg: fmt.Sprintf("%s is not after not-before %s", stamp(o.NotAfter), stamp(o.NotBefore))}
		}
	}
	return nil
}

// WindowError is a time window that cannot hold a migration.
type WindowError struct{ Field, Msg string }

func (e *WindowError) Error() string { return e.Field + " " + e.Msg }

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// State is where one item of a schedule stands.
type State int

// The states of an item.
const (
	Waiting  State = iota // not started yet
	Running               // started (created, resumed, or running from an earlier run), not back yet
	Returned              // back as asked
	Failed                // ended badly: counts against MaxFailures
	Aborted               // ended without going away (its create failed, or the run was interrupted)
	Held                  // not started: the failure budget was spent
	Deferred              // not started: the window closed
)

var stateNames = [...]string{"waiting", "running", "returned", "failed", "aborted", "held", "deferred"}

func (s State) String() string { return stateNames[s] }

// Outcome is how a started item ended: Returned, Failed or Aborted.
type Outcome = State

// Schedule decides which items of a rollout start when. Items are numbered
// 0..n-1 in the order they start in; the first Canary of them are the canary.
// It is not safe for concurrent use: Run calls it from one goroutine.
type Schedule struct {
	opts     Options
	states   []State
	running  int
	failures int
	peak     int
}

// NewSchedule is a schedule of n items, all waiting.
func NewSchedule(n int, opts Options) *Schedule {
	return &Schedule{opts: opts, states: make([]State, n)}
}

// MarkRunning records an item that is away already (a job an earlier run
// started): it takes a slot until it ends.
func (s *Schedule) MarkRunning(i int) {
	if s.states[i] == Waiting {
		s.states[i] = Running
		s.running++
		s.peak = max(s.peak, s.running)
	}
}

// MarkFailed records an item that failed before this run (a job that ended
// badly and is not resumed): it counts against the budget.
func (s *Schedule) MarkFailed(i int) {
	if s.states[i] == Waiting {
		s.states[i] = Failed
		s.failures++
	}
}

// Next starts, at now, every waiting item the bounds allow, in order, and
// returns them. When the failure budget is spent the waiting items are held;
// when an item started now could not be back before NotAfter, they are
// deferred. Neither ever starts.
func (s *Schedule) Next(now time.Time) []int {
	if s.failures > s.opts.MaxFailures {
		s.settle(Held)
		return nil
	}
	if !s.opts.NotAfter.IsZero() && now.Add(StopTime).After(s.opts.NotAfter) {
		s.settle(Deferred)
		return nil
	}
	var started []int
	canaryDone := s.canaryDone()
	for i, st := range s.states {
		if s.opts.MaxUnavailable > 0 && s.running >= s.opts.MaxUnavailable {
			break
		}
		if st != Waiting {
			continue
		}
		if i >= s.opts.Canary && !canaryDone {
			break
		}
		s.states[i] = Running
		s.running++
		started = append(started, i)
	}
	s.peak = max(s.peak, s.running)
	return started
}

// canaryDone reports whether every canary item has ended.
func (s *Schedule) canaryDone() bool {
	for i := 0; i < min(s.opts.Canary, len(s.states)); i++ {
		if st := s.states[i]; st == Waiting || st == Running {
			return false
		}
	}
	return true
}

func (s *Schedule) settle(to State) {
	for i, st := range s.states {
		if st == Waiting {
			s.states[i] = to
		}
	}
}

// End records how a running item ended: Returned, Failed or Aborted.
func (s *Schedule) End(i int, o Outcome) {
	if s.states[i] != Running {
		panic(fmt.Sprintf("rollout: item %d ended while %s", i, s.states[i]))
	}
	switch o {
	case Returned, Failed, Aborted:
	default:
		panic(fmt.Sprintf("rollout: item %d cannot end %s", i, o))
	}
	s.states[i] = o
	s.running--
	if o == Failed {
		s.failures++
	}
}

// State is where item i stands.
func (s *Schedule) State(i int) State { return s.states[i] }

// Running is how many items are away now.
func (s *Schedule) Running() int { return s.running }

// Peak is the most items that were away at once.
func (s *Schedule) Peak() int { return s.peak }

// Failures is how many items failed.
func (s *Schedule) Failures() int { return s.failures }

// Len is the number of items.
func (s *Schedule) Len() int { return len(s.states) }
