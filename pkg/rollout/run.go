package rollout

import (
	"context"
	"time"
)

// Lifecycle runs item i to its end and says how it ended: for an item that
// Next started, its whole migration (create, follow, return); for one that
// MarkRunning recorded, following it. It must return soon after ctx ends.
type Lifecycle func(ctx context.Context, i int) Outcome

// Run starts the items as the schedule allows, each lifecycle in its own
// goroutine, and asks the schedule again as soon as one ends: a slot freed
// by a returning instance is refilled at once, not at the end of a wave.
// notify, when set, is told of each start (Running) and end, from Run's
// goroutine, one call at a time. Run returns when no item runs and none can
// start: each has ended or is held or deferred, or ctx ended (the items not
// started stay Waiting).
func Run(ctx context.Context, s *Schedule, now func() time.Time, life Lifecycle, notify func(i int, st State)) {
	type ended struct {
		i int
		o Outcome
	}
	events := make(chan ended)
	inflight := 0
	launch := func(i int) {
		inflight++
		if notify != nil {
			notify(i, Running)
		}
		go func() { events <- ended{i, life(ctx, i)} }()
	}
	for i := range s.states {
		if s.states[i] == Running {
			launch(i) // away since an earlier run: followed to its end
		}
	}
	for {
		if ctx.Err() == nil {
			for _, i := range s.Next(now()) {
				launch(i)
			}
		}
		if inflight == 0 {
			return
		}
		e := <-events
		inflight--
		s.End(e.i, e.o)
		if notify != nil {
			notify(e.i, e.o)
		}
	}
}

// WaitUntil waits until t: show is told the time left at once and then every
// tick (the countdown), and sleep waits. It returns ctx's error when ctx ends
// first (Ctrl-C: nothing has started), nil at once when t has passed.
func WaitUntil(ctx context.Context, t time.Time, now func() time.Time, sleep func(context.Context, time.Duration) error,
	tick time.Duration, show func(left time.Duration)) error {
	for {
		left := t.Sub(now())
		if left <= 0 {
			return ctx.Err()
		}
		if show != nil {
			show(left)
		}
		if err := sleep(ctx, min(left, tick)); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
