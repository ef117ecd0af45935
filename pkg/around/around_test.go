package around

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name                      string
		o                         Options
		wait, drainSet, verifySet bool
		want                      []string // fields in error, in order
	}{
		{name: "none", o: Options{}},
		{name: "report without wait", o: Options{Backends: Report}},
		{name: "snapshot without wait", o: Options{Snapshot: true}},
		{name: "drain without wait", o: Options{Backends: Drain}, want: []string{FieldBackends}},
		{name: "restore without wait", o: Options{Backends: Restore}, want: []string{FieldBackends}},
		{name: "verify without wait", o: Options{Verify: "true"}, verifySet: true, want: []string{FieldVerify}},
		{name: "drain with wait", o: Options{Backends: Drain, DrainTime: time.Minute}, wait: true, drainSet: true},
		{name: "zero drain", o: Options{Backends: Drain}, wait: true, drainSet: true, want: []string{FieldDrainTime}},
		{name: "negative drain", o: Options{Backends: Drain, DrainTime: -time.Second}, wait: true, drainSet: true, want: []string{FieldDrainTime}},
		{name: "drain time without drain", o: Options{DrainTime: time.Minute}, wait: true, drainSet: true, want: []string{FieldDrainTime}},
		{name: "empty verify", o: Options{Verify: " "}, wait: true, verifySet: true, want: []string{FieldVerify}},
		{name: "verify too long", o: Options{Verify: strings.Repeat("x", MaxScriptBase64)}, wait: true, verifySet: true, want: []string{FieldVerify}},
		{name: "verify timeout too short", o: Options{Verify: "true", VerifyTimeout: time.Millisecond}, wait: true, verifySet: true, want: []string{FieldVerifyTimeout}},
		{name: "unknown mode", o: Options{Backends: "all"}, wait: true, want: []string{FieldBackends}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range migration.AsValidationErrors(c.o.Validate(c.wait, c.drainSet, c.verifySet)) {
				got = append(got, e.Field)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("errors in %v; want %v", got, c.want)
			}
		})
	}
}

// Tail keeps the last OutputTail bytes, never cutting a character.
func TestTail(t *testing.T) {
	if got := Tail("short"); got != "short" {
		t.Errorf("Tail(short) = %q", got)
	}
	long := strings.Repeat("é", OutputTail) // 2 bytes each
	got := Tail(long)
	if len(got) > OutputTail || !utf8.ValidString(got) || !strings.HasSuffix(long, got) {
		t.Errorf("Tail cut %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
}

// fakeLB keeps weights by membership and counts the writes.
type fakeLB struct {
	weight  map[string]int
	failAt  string // "drain" or "restore": that call fails
	restore int
}

func key(m facts.Membership) string { return m.LoadBalancerID + "/" + m.ServerGroupID }

func (l *fakeLB) Read(context.Context, string, string) ([]facts.Membership, error) {
	var out []facts.Membership
	for k, w := range l.weight {
		lb, g, _ := strings.Cut(k, "/")
		out = append(out, facts.Membership{Type: facts.CLB, LoadBalancerID: lb, ServerGroupID: g, Weight: w, RegisteredBy: facts.ByInstance})
	}
	return out, nil
}

func (l *fakeLB) Drain(_ context.Context, ms []facts.Membership) ([]string, error) {
	if l.failAt == "drain" {
		return nil, errors.New("drain refused")
	}
	for _, m := range ms {
		l.weight[key(m)] = 0
	}
	return nil, nil
}

func (l *fakeLB) Restore(_ context.Context, ms []facts.Membership, _ string) ([]string, error) {
	l.restore++
	for _, m := range ms {
		l.weight[key(m)] = m.Weight
	}
	return nil, nil
}

// fakeECS answers a verification with exit.
type fakeECS struct{ exit int64 }

func (e *fakeECS) CreateSnapshotGroup(context.Context, string, string, string, string) (string, error) {
	return "ssg-1", nil
}
func (e *fakeECS) SnapshotGroupStatus(context.Context, string) (string, error) {
	return "accomplished", nil
}
func (e *fakeECS) RunCommand(context.Context, Instance, string, time.Duration, string) (string, error) {
	return "t-1", nil
}
func (e *fakeECS) Invocation(context.Context, string, string) (*Invocation, error) {
	status := "Success"
	if e.exit != 0 {
		status = "Failed"
	}
	return &Invocation{Status: status, Ended: true, ExitCode: &e.exit, Output: "out"}, nil
}

func newSteps(ecs ECS, lb LoadBalancers, saved *[]*Record) *Steps {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	n := 0
	return &Steps{ECS: ecs, LB: lb, Poll: time.Second,
		Save:     func(r *Record) error { *saved = append(*saved, r); return nil },
		NewToken: func() string { n++; return "token-" + string(rune('0'+n)) },
		Now:      func() time.Time { return now },
		Sleep:    func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil }}
}

// The original weights are in the state file before any weight changes;
// a failed verification leaves them at 0; Undrain brings them back.
func TestDrainRecordsBeforeAndVerifyFailureKeepsZero(t *testing.T) {
	lb := &fakeLB{weight: map[string]int{"lb-1/": 100, "lb-1/rsp-1": 60}}
	var saved []*Record
	s := newSteps(&fakeECS{exit: 7}, lb, &saved)
	o := Options{Backends: Drain, Verify: "check"}
	rec := &Record{}
	in := Instance{ID: "i-1", PrivateIP: "10.0.0.1"}
	if err := s.Before(context.Background(), in, o, rec); err != nil {
		t.Fatal(err)
	}
	if len(saved) == 0 || !saved[0].BackendsRead || len(saved[0].Backends) != 2 || saved[0].DrainStarted != nil {
		t.Fatalf("the first record written is %+v; want the memberships read, nothing drained yet", saved[0])
	}
	for _, b := range saved[0].Backends {
		if b.Weight == 0 {
			t.Errorf("a recorded weight is 0: %+v", b)
		}
	}
	err := s.After(context.Background(), in, "10.0.1.1", o, rec)
	if !IsVerifyFailure(err) {
		t.Fatalf("After: %v; want a verification failure", err)
	}
	for k, w := range lb.weight {
		if w != 0 {
			t.Errorf("%s at %d after a failed verification; want 0", k, w)
		}
	}
	if err := s.Undrain(context.Background(), in, "10.0.1.1", rec); err != nil {
		t.Fatal(err)
	}
	if lb.weight["lb-1/"] != 100 || lb.weight["lb-1/rsp-1"] != 60 || rec.Drained || rec.Restored {
		t.Errorf("after Undrain: weights %v, record %+v", lb.weight, rec)
	}
}

// A re-run reads nothing again: the record's weights are the originals even
// when the load balancers show 0 now.
func TestRerunKeepsRecordedWeights(t *testing.T) {
	lb := &fakeLB{weight: map[string]int{"lb-1/": 100}}
	var saved []*Record
	s := newSteps(&fakeECS{}, lb, &saved)
	o := Options{Backends: Drain}
	rec := &Record{}
	in := Instance{ID: "i-1"}
	if err := s.Before(context.Background(), in, o, rec); err != nil {
		t.Fatal(err)
	}
	again := saved[len(saved)-1].Clone() // as a re-run reads it from the state file
	if err := s.Before(context.Background(), in, o, again); err != nil {
		t.Fatal(err)
	}
	if err := s.After(context.Background(), in, "10.0.1.1", o, again); err != nil {
		t.Fatal(err)
	}
	if lb.weight["lb-1/"] != 100 || lb.restore != 1 {
		t.Errorf("weights %v after %d restores; want 100 after 1", lb.weight, lb.restore)
	}
}
