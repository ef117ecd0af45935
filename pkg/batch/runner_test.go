package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

func manifestOf(n int) *Manifest {
	m := &Manifest{Path: "m.yaml", Region: "cn-hangzhou"}
	for i := range n {
		m.Migrations = append(m.Migrations, &Migration{Index: i, Line: 3 + i, Spec: migration.Spec{
			Region: "cn-hangzhou", InstanceID: fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i+1), TargetZone: "cn-hangzhou-i"}})
	}
	return m
}

func passing(context.Context, *Migration) (*preflight.Report, error) {
	return &preflight.Report{Checks: []preflight.Result{{ID: preflight.RegionZone, Status: preflight.Pass}, {ID: preflight.ActiveJob, Status: preflight.Fail, Message: "job j-1 is Running"}}}, nil
}

func newRunner(check CheckFunc, create CreateFunc) *Runner {
	n := 0
	var mu sync.Mutex
	return &Runner{Check: check, Create: create, Concurrency: 3, Now: func() time.Time { return t0 },
		NewClientToken: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("tok-%d", n) }}
}

// planned is a plan of the manifest's migrations, none sent yet.
func planned(m *Manifest) *Preflight {
	plan := &Preflight{}
	for _, mig := range m.Migrations {
		plan.Results = append(plan.Results, &Result{Migration: mig, Status: Planned})
	}
	return plan
}

// resumed records a token for a migration, as an earlier run that sent its
// create would have, and is the plan of a re-run that resends it.
func resumed(t *testing.T, store *Store, token string) *Preflight {
	t.Helper()
	mig := manifestOf(1).Migrations[0]
	if err := store.RecordToken(mig.Spec.InstanceID, token, mig.Spec.Request(), t0); err != nil {
		t.Fatal(err)
	}
	return &Preflight{Results: []*Result{{Migration: mig, Status: Planned, ClientToken: token, Resumed: true}}}
}

// gate holds its first n callers until all n are inside, so that a test sees
// n calls at once without sleeping, and records the most callers inside at once.
type gate struct {
	n                     int32
	inside, peak, arrived atomic.Int32
	open                  chan struct{}
}

func newGate(n int) *gate { return &gate{n: int32(n), open: make(chan struct{})} }

// enter waits at the gate; the caller defers the returned leave.
func (g *gate) enter(t *testing.T) (leave func()) {
	in := g.inside.Add(1)
	for p := g.peak.Load(); in > p && !g.peak.CompareAndSwap(p, in); p = g.peak.Load() {
	}
	if g.arrived.Add(1) == g.n {
		close(g.open)
	}
	select {
	case <-g.open:
	case <-time.After(time.Minute): // a guard against a hang, not a wait
		t.Errorf("only %d of %d calls ever ran at once", g.peak.Load(), g.n)
	}
	return func() { g.inside.Add(-1) }
}

func TestPreflightFromState(t *testing.T) {
	m := manifestOf(4)
	st := &State{Migrations: map[string]*Entry{}}
	reqOf := func(i int) *migration.Request { return m.Migrations[i].Spec.Request() }
	st.Migrations["i-bp1ff25rzvnul6kr0001"] = &Entry{ClientToken: "old-1", Fingerprint: Fingerprint(reqOf(0)), JobID: "j-1"}
	st.Migrations["i-bp1ff25rzvnul6kr0002"] = &Entry{ClientToken: "old-2", Fingerprint: Fingerprint(reqOf(1))}
	changed := reqOf(2)
	changed.TargetZoneId = "cn-hangzhou-j"
	st.Migrations["i-bp1ff25rzvnul6kr0003"] = &Entry{ClientToken: "old-3", Fingerprint: Fingerprint(changed), Request: changed}

	var checked sync.Map
	r := newRunner(func(ctx context.Context, mig *Migration) (*preflight.Report, error) {
		checked.Store(mig.Spec.InstanceID, true)
		return &preflight.Report{Checks: []preflight.Result{{ID: preflight.ActiveJob, Status: preflight.Pass}}}, nil
	}, nil)
	plan := r.Preflight(context.Background(), m, st)
	want := []struct {
		status  Status
		token   string
		resumed bool
		checked bool
	}{{Exists, "old-1", false, false}, {Planned, "old-2", true, true}, {Blocked, "old-3", false, false}, {Planned, "", false, true}}
	for i, w := range want {
		res := plan.Results[i]
		_, wasChecked := checked.Load(res.Migration.Spec.InstanceID)
		if res.Status != w.status || res.ClientToken != w.token || res.Resumed != w.resumed || wasChecked != w.checked {
			t.Errorf("migration %d: %s token %q resumed %v checked %v; want %+v", i, res.Status, res.ClientToken, res.Resumed, wasChecked, w)
		}
	}
	if c := plan.Results[2].Checks; len(c) != 1 || c[0].ID != ManifestChanged || c[0].Status != preflight.Fail {
		t.Errorf("changed entry checks %+v", c)
	}
	if c := plan.Results[1].Checks[0]; c.Status != preflight.Pass || c.ID != preflight.ActiveJob {
		t.Errorf("resumed active-job %+v; want its pass kept (only a failure becomes a note)", c)
	}
	if plan.Ready() {
		t.Error("a plan with a blocked migration is ready")
	}
}

// A resumed migration is not blocked by the job its own earlier create made.
func TestPreflightResumedIgnoresOwnJob(t *testing.T) {
	m := manifestOf(2)
	st := &State{Migrations: map[string]*Entry{
		"i-bp1ff25rzvnul6kr0001": {ClientToken: "old-1", Fingerprint: Fingerprint(m.Migrations[0].Spec.Request())},
	}}
	plan := newRunner(passing, nil).Preflight(context.Background(), m, st)
	if s := plan.Results[0].Status; s != Planned {
		t.Errorf("resumed: %s; want planned", s)
	}
	if c := plan.Results[0].Checks[1]; c.Status != preflight.Warn {
		t.Errorf("resumed active-job %+v; want warn", c)
	}
	if s := plan.Results[1].Status; s != Blocked {
		t.Errorf("new migration with an active job: %s; want blocked", s)
	}
}

func TestApplyRecordsTokenBeforeCreate(t *testing.T) {
	store, path := openStore(t)
	g := newGate(3)
	r := newRunner(nil, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		defer g.enter(t)()
		st, err := ReadState(path)
		if err != nil {
			return nil, err
		}
		if e := st.Migrations[req.InstanceId]; e == nil || e.ClientToken != req.ClientToken {
			t.Errorf("create of %s sent before its token %s was in the state file", req.InstanceId, req.ClientToken)
		}
		if req.InstanceId == "i-bp1ff25rzvnul6kr0004" {
			return nil, &apierr.Error{Service: "smc", Action: "CreateCrossZoneMigrationJob", Code: "QuotaExceeded.ReplicationJob", HTTPStatus: 400, Attempts: 1, Sent: true}
		}
		if req.InstanceId == "i-bp1ff25rzvnul6kr0005" {
			return nil, &apierr.Error{Service: "smc", Action: "CreateCrossZoneMigrationJob", Code: "InternalError", HTTPStatus: 500, Attempts: 4, Sent: true}
		}
		return &migration.Response{JobId: "j-" + req.InstanceId[2:], RequestId: "r"}, nil
	})
	plan := planned(manifestOf(8))
	r.Apply(context.Background(), plan, store)
	if p := g.peak.Load(); p != 3 {
		t.Errorf("peak of %d creates in flight; want 3 (the concurrency)", p)
	}
	st, _ := ReadState(path)
	for i, res := range plan.Results {
		id := res.Migration.Spec.InstanceID
		if want := fmt.Sprintf("tok-%d", i+1); res.ClientToken != want {
			t.Errorf("%s token %s; want %s (assigned in manifest order)", id, res.ClientToken, want)
		}
		e := st.Migrations[id]
		switch id {
		case "i-bp1ff25rzvnul6kr0004": // refused: certainly no job, so forgotten
			if res.Status != Failed || e != nil {
				t.Errorf("%s: %s, entry %+v; want failed and no entry", id, res.Status, e)
			}
		case "i-bp1ff25rzvnul6kr0005": // outcome unknown: the token stays for a re-run
			if res.Status != Failed || e == nil || e.JobID != "" || e.ClientToken != res.ClientToken {
				t.Errorf("%s: %s, entry %+v; want failed with its token kept", id, res.Status, e)
			}
		default:
			if res.Status != Created || e == nil || e.JobID != "j-"+id[2:] {
				t.Errorf("%s: %s, entry %+v; want created and recorded", id, res.Status, e)
			}
		}
	}
}

func TestApplyStopsAfterAuthError(t *testing.T) {
	store, _ := openStore(t)
	var sent atomic.Int32
	r := newRunner(nil, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		sent.Add(1)
		return nil, &apierr.Error{Service: "smc", Action: "CreateCrossZoneMigrationJob", Code: "Forbidden.RAM", HTTPStatus: 403, Attempts: 1, Sent: true}
	})
	r.Concurrency = 1
	plan := planned(manifestOf(5))
	r.Apply(context.Background(), plan, store)
	if n := sent.Load(); n != 1 {
		t.Errorf("%d creates sent after an authorization error; want 1", n)
	}
	if len(store.Snapshot().Migrations) != 0 {
		t.Error("tokens of creates not sent are in the state")
	}
	for _, res := range plan.Results[1:] {
		if _, ok := res.Err.(*NotSentError); !ok || res.Status != Planned {
			t.Errorf("%s: %s %v; want planned, not sent", res.Migration.Spec.InstanceID, res.Status, res.Err)
		}
	}
}

// The preflight checks migrations concurrently, Concurrency at a time.
func TestPreflightConcurrent(t *testing.T) {
	g := newGate(4)
	r := newRunner(func(ctx context.Context, m *Migration) (*preflight.Report, error) {
		defer g.enter(t)()
		return &preflight.Report{}, nil
	}, nil)
	r.Concurrency = 4
	plan := r.Preflight(context.Background(), manifestOf(12), &State{Migrations: map[string]*Entry{}})
	if p := g.peak.Load(); p != 4 {
		t.Errorf("peak of %d checks at once; want 4 (the concurrency)", p)
	}
	if !plan.Ready() || plan.Count(Planned) != 12 {
		t.Errorf("plan: %d planned, ready %v", plan.Count(Planned), plan.Ready())
	}
}

// An answer without a JobId is not taken for a job: the token stays for a re-run.
func TestApplyAnswerWithoutJob(t *testing.T) {
	store, _ := openStore(t)
	r := newRunner(nil, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		return &migration.Response{RequestId: "r-1"}, nil
	})
	plan := planned(manifestOf(1))
	r.Apply(context.Background(), plan, store)
	res := plan.Results[0]
	if res.Status != Failed || res.Err == nil {
		t.Errorf("status %s, error %v; want failed", res.Status, res.Err)
	}
	if e := store.Snapshot().Migrations["i-bp1ff25rzvnul6kr0001"]; e == nil || e.ClientToken != res.ClientToken || e.JobID != "" {
		t.Errorf("state %+v; want the token and no job", e)
	}
}

// Prefetch runs once, before any check, with exactly the migrations to check;
// its failure fails each of them, unchecked.
func TestPreflightPrefetches(t *testing.T) {
	m := manifestOf(3)
	st := &State{Migrations: map[string]*Entry{
		"i-bp1ff25rzvnul6kr0001": {ClientToken: "old-1", Fingerprint: Fingerprint(m.Migrations[0].Spec.Request()), JobID: "j-1"},
	}}
	var prefetched []string
	checked := atomic.Int32{}
	r := newRunner(func(context.Context, *Migration) (*preflight.Report, error) {
		if prefetched == nil {
			t.Error("a check ran before the prefetch")
		}
		checked.Add(1)
		return &preflight.Report{}, nil
	}, nil)
	r.Prefetch = func(_ context.Context, ms []*Migration) error {
		for _, mig := range ms {
			prefetched = append(prefetched, mig.Spec.InstanceID)
		}
		return nil
	}
	r.Preflight(context.Background(), m, st)
	if fmt.Sprint(prefetched) != "[i-bp1ff25rzvnul6kr0002 i-bp1ff25rzvnul6kr0003]" || checked.Load() != 2 {
		t.Errorf("prefetched %v, checked %d; want the two without a job, then both checked", prefetched, checked.Load())
	}

	boom := fmt.Errorf("boom")
	r.Prefetch = func(context.Context, []*Migration) error { return boom }
	checked.Store(0)
	plan := r.Preflight(context.Background(), m, st)
	if checked.Load() != 0 || plan.Results[1].Status != Failed || plan.Results[1].Err != boom || plan.Results[0].Status != Exists {
		t.Errorf("after a failed prefetch: checked %d, results %+v %+v", checked.Load(), plan.Results[0], plan.Results[1])
	}
}

// A resent create that answers with another instance's job is a
// jobcontrol.TokenReusedError, never a created migration; its token stays recorded.
func TestApplyResentTokenOfAnotherInstance(t *testing.T) {
	store, _ := openStore(t)
	plan := resumed(t, store, "reused")
	mig := plan.Results[0].Migration
	r := newRunner(nil, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		return &migration.Response{JobId: "j-other", RequestId: "r"}, nil
	})
	r.Jobs = func(ctx context.Context, ids []string) (map[string]*facts.Job, error) {
		return map[string]*facts.Job{"j-other": {JobId: "j-other", InstanceId: "i-someoneelse0"}}, nil
	}
	r.Apply(context.Background(), plan, store)
	res := plan.Results[0]
	var tr *jobcontrol.TokenReusedError
	if res.Status != Failed || !errors.As(res.Err, &tr) || res.JobID != "" {
		t.Errorf("status %s, job %q, error %v; want failed with a jobcontrol.TokenReusedError", res.Status, res.JobID, res.Err)
	}
	if e := store.Snapshot().Migrations[mig.Spec.InstanceID]; e == nil || e.ClientToken != "reused" || e.JobID != "" {
		t.Errorf("state %+v; want the token kept and no job", e)
	}
}

// A refused resend keeps its token: the earlier request may have made a job.
func TestApplyRefusedResendKeepsToken(t *testing.T) {
	store, _ := openStore(t)
	plan := resumed(t, store, "sent-before")
	mig := plan.Results[0].Migration
	r := newRunner(nil, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		return nil, &apierr.Error{Service: "smc", Action: "CreateCrossZoneMigrationJob", Code: "QuotaExceeded.ReplicationJob", HTTPStatus: 400, Attempts: 1, Sent: true}
	})
	r.Apply(context.Background(), plan, store)
	if e := store.Snapshot().Migrations[mig.Spec.InstanceID]; e == nil || e.ClientToken != "sent-before" {
		t.Errorf("state %+v; want the token kept", e)
	}
}

// Symlinked state paths resolve to one file: one lock, and writes keep the links.
func TestOpenStoreFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, l := range []string{a, b} {
		if err := os.Symlink("real.json", l); err != nil {
			t.Fatal(err)
		}
	}
	s, err := OpenStore(a, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := OpenStore(b, "m.yaml"); !errors.As(err, &le) {
		t.Fatalf("second store through another link: %v; want a *LockedError", err)
	}
	mig := manifestOf(1).Migrations[0]
	if err := s.RecordToken(mig.Spec.InstanceID, "t", mig.Spec.Request(), t0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, l := range []string{a, b} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink (%v)", l, err)
		}
	}
	if st, err := ReadState(real); err != nil || st.Migrations[mig.Spec.InstanceID] == nil {
		t.Errorf("the real file does not hold the token: %v", err)
	}
}

// The preflight's facts become each checked instance's Before, in the state
// file before any create is sent; an instance already moved has none.
func TestApplyRecordsBefore(t *testing.T) {
	store, path := openStore(t)
	m := manifestOf(3)
	check := func(_ context.Context, mig *Migration) (*preflight.Report, error) {
		id := mig.Spec.InstanceID
		zone := "cn-hangzhou-h"
		if id == "i-bp1ff25rzvnul6kr0003" {
			zone = "cn-hangzhou-i" // already where the manifest puts it
		}
		in := &facts.Instance{InstanceID: id, ZoneID: zone, VSwitchID: "vsw-" + id[2:], InstanceType: "ecs.g6.large", PrivateIPs: []string{"172.16.0." + id[len(id)-1:]}}
		return &preflight.Report{Checks: []preflight.Result{{ID: preflight.RegionZone, Status: preflight.Pass}}, Instance: in, CurrentZone: zone,
			CurrentInstanceType: in.InstanceType, Disks: []facts.Disk{{DiskID: "d-" + id[2:], Category: "cloud_essd", PerformanceLevel: "PL1"}}}, nil
	}
	r := newRunner(check, func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
		st, err := ReadState(path)
		if err != nil {
			return nil, err
		}
		if e := st.Migrations[req.InstanceId]; e == nil || e.Before == nil {
			t.Errorf("create of %s sent before its Before was in the state file", req.InstanceId)
		}
		return &migration.Response{JobId: "j-" + req.InstanceId[2:], RequestId: "r"}, nil
	})
	plan := r.Preflight(context.Background(), m, store.Snapshot())
	r.Apply(context.Background(), plan, store)
	st, _ := ReadState(path)
	for _, id := range []string{"i-bp1ff25rzvnul6kr0001", "i-bp1ff25rzvnul6kr0002"} {
		want := &Place{ZoneID: "cn-hangzhou-h", VSwitchID: "vsw-" + id[2:], InstanceType: "ecs.g6.large", PrivateIP: "172.16.0." + id[len(id)-1:],
			Disks: []PlaceDisk{{DiskID: "d-" + id[2:], Category: "cloud_essd", PerformanceLevel: "PL1"}}}
		if e := st.Migrations[id]; e == nil || !reflect.DeepEqual(e.Before, want) || e.JobID == "" {
			t.Errorf("%s: %+v; want Before %+v and its job", id, e, want)
		}
	}
	if e := st.Migrations["i-bp1ff25rzvnul6kr0003"]; e != nil {
		t.Errorf("an instance already moved got an entry: %+v", e)
	}
}
