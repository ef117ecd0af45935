package rollout

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

var t0 = time.Date(2026, 12, 7, 2, 5, 0, 0, time.UTC)

func TestParseMoment(t *testing.T) {
	for _, tc := range []struct {
		in   string
		now  time.Time
		want time.Time
	}{
		{"2026-12-07T04:00:00+08:00", t0, time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)},
		// Inside the window: 02:00 is 5 minutes ago, 04:00 is to come.
		{"02:00", t0, time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)},
		{"04:00", t0, time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)},
		// Before midnight, a window of the small hours is tomorrow's.
		{"02:00", time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)},
		// After midnight, 23:30 is yesterday's (35 minutes ago), not tonight's.
		{"23:30", t0, time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)},
		// Exactly 12 hours either way: the one to come.
		{"14:05", t0, time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)},
		{"7:30", t0, time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)},
	} {
		m, err := ParseMoment(tc.in)
		if err != nil {
			t.Errorf("ParseMoment(%q): %v", tc.in, err)
			continue
		}
		if got := m.At(tc.now); !got.Equal(tc.want) {
			t.Errorf("ParseMoment(%q).At(%s) = %s; want %s", tc.in, tc.now, got, tc.want)
		}
		if m.String() != tc.in {
			t.Errorf("String() = %q; want %q", m.String(), tc.in)
		}
	}
	for _, bad := range []string{"", "24:00", "2:5", "02:60", "tomorrow", "02:00:00", "-1:00", "2026-12-07 04:00", "+1:00"} {
		if _, err := ParseMoment(bad); err == nil {
			t.Errorf("ParseMoment(%q) = nil error; want one", bad)
		}
	}
	// A clock time is in the location of the run.
	shanghai := time.FixedZone("CST", 8*3600)
	m, _ := ParseMoment("02:00")
	if got := m.At(t0.In(shanghai)); !got.Equal(time.Date(2026, 12, 7, 2, 0, 0, 0, shanghai)) {
		t.Errorf("02:00 at %s = %s", t0.In(shanghai), got)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{}, ""},
		{Options{MaxUnavailable: 2, Canary: 1, MaxFailures: 1, NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(time.Hour)}, ""},
		{Options{MaxUnavailable: -1}, "max-unavailable"},
		{Options{Canary: -1}, "canary"},
		{Options{MaxFailures: -1}, "max-failures"},
		{Options{NotAfter: t0.Add(-time.Minute)}, "in the past"},
		{Options{NotAfter: t0}, "in the past"},
		{Options{NotBefore: t0.Add(2 * time.Hour), NotAfter: t0.Add(time.Hour)}, "not after not-before"},
		{Options{NotBefore: t0.Add(time.Hour), NotAfter: t0.Add(time.Hour)}, "not after not-before"},
	} {
		err := tc.opts.Validate(t0)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: %v", tc.opts, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v; want an error with %q", tc.opts, err, tc.want)
		}
	}
}

func TestScheduleMaxUnavailableRefillsAtOnce(t *testing.T) {
	s := NewSchedule(5, Options{MaxUnavailable: 2})
	if got := s.Next(t0); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("first starts %v; want [0 1]", got)
	}
	if got := s.Next(t0); got != nil {
		t.Fatalf("with both slots taken, Next started %v", got)
	}
	s.End(1, Returned)
	if got := s.Next(t0); !slices.Equal(got, []int{2}) {
		t.Fatalf("after 1 returned, Next started %v; want [2] (no wait for 0)", got)
	}
	s.End(0, Aborted) // a create that failed frees its slot and spends no budget
	s.End(2, Returned)
	if got := s.Next(t0); !slices.Equal(got, []int{3, 4}) {
		t.Fatalf("Next started %v; want [3 4]", got)
	}
	if s.Peak() != 2 || s.Failures() != 0 {
		t.Errorf("peak %d, failures %d; want 2, 0", s.Peak(), s.Failures())
	}
}

func TestScheduleAllAtOnce(t *testing.T) {
	s := NewSchedule(4, Options{})
	if got := s.Next(t0); len(got) != 4 {
		t.Fatalf("the default started %v; want all 4", got)
	}
}

func TestScheduleCanaryFirst(t *testing.T) {
	s := NewSchedule(6, Options{MaxUnavailable: 3, Canary: 2, MaxFailures: 1})
	if got := s.Next(t0); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("first starts %v; want the canary [0 1] alone", got)
	}
	s.End(0, Returned)
	if got := s.Next(t0); got != nil {
		t.Fatalf("with canary 1 still away, Next started %v", got)
	}
	s.End(1, Failed) // within the budget of 1: the rollout goes on
	if got := s.Next(t0); !slices.Equal(got, []int{2, 3, 4}) {
		t.Fatalf("after the canary, Next started %v; want [2 3 4]", got)
	}
}

func TestScheduleFailedCanaryHoldsTheRest(t *testing.T) {
	s := NewSchedule(4, Options{MaxUnavailable: 2, Canary: 1})
	if got := s.Next(t0); !slices.Equal(got, []int{0}) {
		t.Fatalf("first starts %v; want [0]", got)
	}
	s.End(0, Failed)
	if got := s.Next(t0); got != nil {
		t.Fatalf("after a failed canary, Next started %v", got)
	}
	for i := 1; i < 4; i++ {
		if s.State(i) != Held {
			t.Errorf("item %d is %s; want held", i, s.State(i))
		}
	}
}

func TestScheduleBudgetHoldsButRunningGoOn(t *testing.T) {
	s := NewSchedule(5, Options{MaxUnavailable: 3, MaxFailures: 1})
	s.Next(t0) // 0 1 2
	s.End(0, Failed)
	if got := s.Next(t0); !slices.Equal(got, []int{3}) {
		t.Fatalf("one failure within a budget of 1: Next started %v; want [3]", got)
	}
	s.End(1, Failed)
	if got := s.Next(t0); got != nil {
		t.Fatalf("budget spent: Next started %v", got)
	}
	if s.State(4) != Held || s.State(2) != Running || s.State(3) != Running {
		t.Errorf("states %s %s %s; want running running held", s.State(2), s.State(3), s.State(4))
	}
	s.End(2, Returned)
	s.End(3, Returned)
	if s.Running() != 0 {
		t.Errorf("running %d", s.Running())
	}
}

func TestSchedulePriorFailureCounts(t *testing.T) {
	s := NewSchedule(3, Options{MaxUnavailable: 1})
	s.MarkFailed(0)
	if got := s.Next(t0); got != nil {
		t.Fatalf("a failure of an earlier run spent the budget of 0; Next started %v", got)
	}
	if s.State(1) != Held || s.State(2) != Held {
		t.Errorf("states %s %s; want held", s.State(1), s.State(2))
	}
}

func TestScheduleRunningFromEarlierRunTakesASlot(t *testing.T) {
	s := NewSchedule(4, Options{MaxUnavailable: 2})
	s.MarkRunning(2)
	if got := s.Next(t0); !slices.Equal(got, []int{0}) {
		t.Fatalf("Next started %v; want [0] beside the running 2", got)
	}
}

func TestScheduleWindowDefers(t *testing.T) {
	notAfter := t0.Add(time.Hour)
	s := NewSchedule(4, Options{MaxUnavailable: 2, NotAfter: notAfter})
	if got := s.Next(t0); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("first starts %v", got)
	}
	s.End(0, Returned)
	// Back by 02:50 + 15 minutes = 03:05, the window's end: still allowed.
	if got := s.Next(notAfter.Add(-StopTime)); !slices.Equal(got, []int{2}) {
		t.Fatalf("at not-after - 15m, Next started %v; want [2]", got)
	}
	s.End(1, Returned)
	if got := s.Next(notAfter.Add(-StopTime + time.Second)); got != nil {
		t.Fatalf("too late to be back: Next started %v", got)
	}
	if s.State(3) != Deferred || s.State(2) != Running {
		t.Errorf("states %s %s; want running deferred", s.State(2), s.State(3))
	}
}

func TestScheduleEndOfAnItemNotRunningPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	NewSchedule(1, Options{}).End(0, Returned)
}

// TestRunNeverMoreThanMaxUnavailable runs 20 items through Run with at most 3
// away: each lifecycle waits for the test to let it end; the test lets the
// items end in an order of its own and checks, at each start, how many are away.
func TestRunNeverMoreThanMaxUnavailable(t *testing.T) {
	const n, limit = 20, 3
	release := make([]chan Outcome, n)
	for i := range release {
		release[i] = make(chan Outcome)
	}
	started := make(chan int)
	s := NewSchedule(n, Options{MaxUnavailable: limit, MaxFailures: n})
	away := 0
	maxAway := 0
	notify := func(i int, st State) {
		if st == Running {
			away++
			maxAway = max(maxAway, away)
			started <- i
		} else {
			away--
		}
	}
	done := make(chan struct{})
	go func() {
		Run(context.Background(), s, func() time.Time { return t0 }, func(ctx context.Context, i int) Outcome { return <-release[i] }, notify)
		close(done)
	}()
	var order []int
	running := []int{}
	for len(order) < n {
		// Take the starts until the slots are full (or no item is left).
		for len(running) < limit && len(order)+len(running) < n {
			i := <-started
			running = append(running, i)
		}
		// End the newest first, so the refill is not in waves.
		last := running[len(running)-1]
		running = running[:len(running)-1]
		outcome := Returned
		if last%5 == 0 {
			outcome = Failed
		}
		release[last] <- outcome
		order = append(order, last)
	}
	<-done
	if maxAway > limit || s.Peak() > limit {
		t.Errorf("at most %d away at once (schedule peak %d); want <= %d", maxAway, s.Peak(), limit)
	}
	for i := range n {
		if st := s.State(i); st != Returned && st != Failed {
			t.Errorf("item %d ended %s", i, st)
		}
	}
}

// TestRunStopsStartingWhenInterrupted: once ctx ends no item starts; the
// running ones are waited for.
func TestRunStopsStartingWhenInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s := NewSchedule(5, Options{MaxUnavailable: 2})
		life := func(ctx context.Context, i int) Outcome {
			<-ctx.Done()
			return Aborted
		}
		done := make(chan struct{})
		go func() { Run(ctx, s, func() time.Time { return t0 }, life, nil); close(done) }()
		synctest.Wait()
		cancel()
		<-done
		for i := 2; i < 5; i++ {
			if s.State(i) != Waiting {
				t.Errorf("item %d is %s; want waiting (not started)", i, s.State(i))
			}
		}
	})
}

func TestRunFollowsItemsOfAnEarlierRun(t *testing.T) {
	s := NewSchedule(3, Options{MaxUnavailable: 1})
	s.MarkRunning(1)
	var seen []int
	Run(context.Background(), s, func() time.Time { return t0 }, func(ctx context.Context, i int) Outcome {
		return Returned
	}, func(i int, st State) {
		if st == Running {
			seen = append(seen, i)
		}
	})
	if !slices.Equal(seen, []int{1, 0, 2}) {
		t.Errorf("started %v; want the running 1 followed first, then 0 and 2 one at a time", seen)
	}
}

// fakeClock stands still except when sleep moves it.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.now = c.now.Add(d)
	return nil
}

func TestWaitUntilCountsDown(t *testing.T) {
	c := &fakeClock{now: t0}
	var shown []time.Duration
	err := WaitUntil(context.Background(), t0.Add(150*time.Second), c.Now, c.Sleep, time.Minute, func(left time.Duration) { shown = append(shown, left) })
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{150 * time.Second, 90 * time.Second, 30 * time.Second}; !slices.Equal(shown, want) {
		t.Errorf("countdown %v; want %v", shown, want)
	}
	if !c.now.Equal(t0.Add(150 * time.Second)) {
		t.Errorf("woke at %s", c.now)
	}
	// A time past: no wait at all.
	shown = nil
	if err := WaitUntil(context.Background(), t0, c.Now, c.Sleep, time.Minute, func(left time.Duration) { shown = append(shown, left) }); err != nil || shown != nil {
		t.Errorf("past time: %v, shown %v", err, shown)
	}
}

func TestWaitUntilInterrupted(t *testing.T) {
	c := &fakeClock{now: t0}
	ctx, cancel := context.WithCancel(context.Background())
	ticks := 0
	err := WaitUntil(ctx, t0.Add(time.Hour), c.Now, c.Sleep, time.Minute, func(time.Duration) {
		if ticks++; ticks == 3 {
			cancel() // Ctrl-C during the countdown
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v; want context.Canceled", err)
	}
}
