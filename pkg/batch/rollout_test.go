package batch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// rolloutRunner is a runner whose creates answer at once and whose jobs end
// as end says; it logs every step of every lifecycle.
func rolloutRunner(end func(id string) error) (*Runner, func() []string) {
	var mu sync.Mutex
	var log []string
	add := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
	r := newRunner(passing, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		add("create " + req.InstanceId)
		return &migration.Response{JobId: "j-" + req.InstanceId[len(req.InstanceId)-4:], RequestId: "R"}, nil
	})
	r.Await = func(ctx context.Context, res *Result) (string, error) {
		id := res.Migration.Spec.InstanceID
		add("await " + id)
		if err := end(id); err != nil {
			return facts.JobInError, err
		}
		return facts.JobFinished, nil
	}
	r.Around = Around{
		Before: func(ctx context.Context, res *Result) error {
			add("before " + res.Migration.Spec.InstanceID)
			return nil
		},
		After: func(ctx context.Context, res *Result) error {
			add("after " + res.Migration.Spec.InstanceID)
			return nil
		},
	}
	return r, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(log) }
}

func TestRolloutLifecycleInOrder(t *testing.T) {
	store, _ := openStore(t)
	r, log := rolloutRunner(func(string) error { return nil })
	plan := planned(manifestOf(2))
	rep := r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1}, false)
	want := []string{
		"before i-bp1ff25rzvnul6kr0001", "create i-bp1ff25rzvnul6kr0001", "await i-bp1ff25rzvnul6kr0001", "after i-bp1ff25rzvnul6kr0001",
		"before i-bp1ff25rzvnul6kr0002", "create i-bp1ff25rzvnul6kr0002", "await i-bp1ff25rzvnul6kr0002", "after i-bp1ff25rzvnul6kr0002",
	}
	if got := log(); !slices.Equal(got, want) {
		t.Errorf("steps:\n%v\nwant\n%v", got, want)
	}
	for _, res := range plan.Results {
		if res.Status != Created || res.JobStatus != facts.JobFinished || res.Err != nil {
			t.Errorf("%s: %s %s %v", res.Migration.Spec.InstanceID, res.Status, res.JobStatus, res.Err)
		}
	}
	if rep.Peak != 1 {
		t.Errorf("peak %d; want 1", rep.Peak)
	}
	if e := store.Snapshot().Migrations["i-bp1ff25rzvnul6kr0002"]; e == nil || e.JobID != "j-0002" {
		t.Errorf("state entry %+v; want the job recorded", e)
	}
}

func TestRolloutFailedCanaryHoldsTheRest(t *testing.T) {
	store, _ := openStore(t)
	r, log := rolloutRunner(func(id string) error {
		return &JobEndedError{JobID: "j-" + id[len(id)-4:], Status: facts.JobInError, Problem: "DiskSyncFailed"}
	})
	plan := planned(manifestOf(4))
	rep := r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 2, Canary: 1}, false)
	if got := plan.Results[0]; got.Status != Created || got.JobStatus != facts.JobInError {
		t.Errorf("canary %s %s", got.Status, got.JobStatus)
	}
	for _, res := range plan.Results[1:] {
		if res.Status != Held || res.JobID != "" {
			t.Errorf("%s is %s (job %q); want held, nothing created", res.Migration.Spec.InstanceID, res.Status, res.JobID)
		}
	}
	if rep.Held != 3 || rep.Failures != 1 {
		t.Errorf("report %+v", rep)
	}
	if n := len(log()); n != 3 {
		t.Errorf("steps %v; want the canary's alone", log())
	}
}

func TestRolloutAfterStepFailureSpendsTheBudget(t *testing.T) {
	store, _ := openStore(t)
	r, _ := rolloutRunner(func(string) error { return nil })
	r.Around.After = func(ctx context.Context, res *Result) error { return fmt.Errorf("verification failed") }
	plan := planned(manifestOf(3))
	r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1}, false)
	if plan.Results[0].Err == nil || plan.Results[1].Status != Held || plan.Results[2].Status != Held {
		t.Errorf("statuses %s %s %s", plan.Results[0].Status, plan.Results[1].Status, plan.Results[2].Status)
	}
}

func TestRolloutFollowsEarlierJobsAndCountsTheirFailures(t *testing.T) {
	store, _ := openStore(t)
	r, log := rolloutRunner(func(string) error { return nil })
	plan := planned(manifestOf(3))
	plan.Results[1].Status, plan.Results[1].JobID, plan.Results[1].JobStatus = Exists, "j-0002", facts.JobRunning
	r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1}, false)
	// The running job of the earlier run takes the only slot: it is followed
	// first, then 0 and 2 go one at a time.
	if got := log(); len(got) < 2 || got[0] != "await i-bp1ff25rzvnul6kr0002" {
		t.Errorf("steps %v; want the earlier job followed first", got)
	}

	plan = planned(manifestOf(2))
	plan.Results[0].Status, plan.Results[0].JobID, plan.Results[0].JobStatus = Exists, "j-0001", facts.JobInError
	r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1}, false)
	if plan.Results[1].Status != Held {
		t.Errorf("after an earlier failure with no budget left: %s; want held", plan.Results[1].Status)
	}
}

func TestRolloutDefersOutsideTheWindow(t *testing.T) {
	store, _ := openStore(t)
	r, log := rolloutRunner(func(string) error { return nil })
	var mu sync.Mutex
	now := t0
	r.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r.Await = func(ctx context.Context, res *Result) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(10 * time.Minute) // each job takes 10 minutes
		return facts.JobFinished, nil
	}
	plan := planned(manifestOf(4))
	rep := r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1, NotAfter: t0.Add(40 * time.Minute)}, false)
	// Starts at 0, 10 and 20 minutes can be back by 40; the one at 30 cannot.
	want := []Status{Created, Created, Created, Deferred}
	for i, w := range want {
		if plan.Results[i].Status != w {
			t.Errorf("migration %d is %s; want %s", i, plan.Results[i].Status, w)
		}
	}
	if rep.Deferred != 1 || len(log()) != 9 {
		t.Errorf("deferred %d, steps %v", rep.Deferred, log())
	}
}

func TestRolloutInterruptedSendsNoMore(t *testing.T) {
	store, _ := openStore(t)
	r, _ := rolloutRunner(func(string) error { return nil })
	ctx, cancel := context.WithCancel(context.Background())
	r.Await = func(ctx context.Context, res *Result) (string, error) {
		cancel() // Ctrl-C while the first job runs
		return "", ctx.Err()
	}
	plan := planned(manifestOf(3))
	r.Rollout(ctx, plan, store, rollout.Options{MaxUnavailable: 1}, false)
	if plan.Results[0].Status != Created || plan.Results[0].Err != nil {
		t.Errorf("first: %s %v; want created, no error (the job runs on)", plan.Results[0].Status, plan.Results[0].Err)
	}
	for _, res := range plan.Results[1:] {
		if _, ok := res.Err.(*NotSentError); res.Status != Planned || !ok {
			t.Errorf("%s: %s %v; want planned, not sent", res.Migration.Spec.InstanceID, res.Status, res.Err)
		}
	}
}

// TestExecuteFollowsWhenAwaitIsSet: without bounds but with Await (the
// steps after a job need it), every lifecycle runs to its return, all at
// once, and an earlier failure holds nothing.
func TestExecuteFollowsWhenAwaitIsSet(t *testing.T) {
	store, _ := openStore(t)
	r, log := rolloutRunner(func(string) error { return nil })
	plan := planned(manifestOf(3))
	plan.Results[0].Status, plan.Results[0].JobID, plan.Results[0].JobStatus = Exists, "j-0001", facts.JobInError
	rep := r.Execute(context.Background(), plan, store, ExecOptions{})
	if rep == nil || rep.Held != 0 || rep.Peak != 2 {
		t.Fatalf("report %+v; want the 2 planned followed at once, none held", rep)
	}
	afters := 0
	for _, step := range log() {
		if strings.HasPrefix(step, "after ") {
			afters++
		}
	}
	if afters != 2 {
		t.Errorf("steps %v; want After for both", log())
	}
}

func TestRolloutRecordsItsWindow(t *testing.T) {
	store, _ := openStore(t)
	r, _ := rolloutRunner(func(string) error { return nil })
	plan := planned(manifestOf(2))
	places := map[string]*Place{}
	for _, res := range plan.Results {
		places[res.Migration.Spec.InstanceID] = &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large"}
	}
	if err := store.RecordBefore(places); err != nil {
		t.Fatal(err)
	}
	notAfter := t0.Add(2 * time.Hour)
	r.Rollout(context.Background(), plan, store, rollout.Options{MaxUnavailable: 1, NotAfter: notAfter}, false)
	for id, e := range store.Snapshot().Migrations {
		if e.Window == nil || e.Window.NotBefore != nil || e.Window.NotAfter == nil || !e.Window.NotAfter.Equal(notAfter) {
			t.Errorf("%s: window %+v; want not_after %s alone", id, e.Window, notAfter)
		}
	}
}
