package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/zonemove/zonemove/pkg/atomicfile"
	"github.com/zonemove/zonemove/pkg/migration"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func request(instance, zone string) *migration.Request {
	return &migration.Request{RegionId: "cn-hangzhou", InstanceId: instance, TargetZoneId: zone}
}

// openStore opens the state file s.json in a fresh folder; it is closed when
// the test ends.
func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.json")
	store, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store, path
}

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.yaml.state.json")
	s, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	req := request("i-bp1ff25rzvnul6kr0001", "cn-hangzhou-i")
	req.ClientToken = "tok-1"
	if err := s.RecordToken("i-bp1ff25rzvnul6kr0001", "tok-1", req, t0); err != nil {
		t.Fatal(err)
	}
	// Durable before RecordToken returns: another reader sees it now.
	st, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	e := st.Migrations["i-bp1ff25rzvnul6kr0001"]
	if e == nil || e.ClientToken != "tok-1" || e.JobID != "" || e.Fingerprint != Fingerprint(req) || e.Request.ClientToken != "" {
		t.Fatalf("after RecordToken the file holds %+v", e)
	}
	if err := s.RecordJob("i-bp1ff25rzvnul6kr0001", "j-bp17bclvg344jlyt0001", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	e = st.Migrations["i-bp1ff25rzvnul6kr0001"]
	if e.JobID != "j-bp17bclvg344jlyt0001" || e.JobRecordedAt == nil || !e.TokenRecordedAt.Equal(t0) || st.Manifest != "m.yaml" {
		t.Errorf("after RecordJob the file holds %+v", e)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, de := range entries {
		if strings.Contains(de.Name(), ".tmp-") {
			t.Errorf("left %s behind", de.Name())
		}
	}
	// Reopened, the store carries on from the file.
	s2, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.Snapshot().Migrations["i-bp1ff25rzvnul6kr0001"].JobID; got != "j-bp17bclvg344jlyt0001" {
		t.Errorf("reopened job %q", got)
	}
}

func TestFingerprintIgnoresToken(t *testing.T) {
	a, b := request("i-bp1ff25rzvnul6kr0001", "cn-hangzhou-i"), request("i-bp1ff25rzvnul6kr0001", "cn-hangzhou-i")
	a.ClientToken, b.ClientToken = "x", "y"
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("the fingerprint depends on the token")
	}
	b.TargetZoneId = "cn-hangzhou-j"
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("the fingerprint ignores the zone")
	}
	e := &Entry{Request: a}
	if got := e.Changes(b); len(got) != 1 || got[0] != `TargetZoneId: "cn-hangzhou-i" -> "cn-hangzhou-j"` {
		t.Errorf("changes %q", got)
	}
}

// A crash in the middle of a write leaves a temporary file and the previous
// state intact; a failed write leaves the previous state and takes the token
// back, so the create is not sent with a token the file does not hold.
func TestStateAtomicity(t *testing.T) {
	s, path := openStore(t)
	dir := filepath.Dir(path)
	if err := s.RecordToken("i-bp1ff25rzvnul6kr0001", "tok-1", request("i-bp1ff25rzvnul6kr0001", "cn-hangzhou-i"), t0); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordToken("i-bp1ff25rzvnul6kr0003", "tok-3", request("i-bp1ff25rzvnul6kr0003", "cn-hangzhou-i"), t0); err != nil {
		t.Fatal(err)
	}
	before, _ := ReadState(path)

	// A torn temporary file from a crashed writer changes nothing.
	if err := os.WriteFile(filepath.Join(dir, ".s.json.tmp-123"), []byte(`{"version": 1, "migr`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(path); err != nil {
		t.Fatalf("state unreadable next to a torn temporary file: %v", err)
	}

	// A failed append, a part of it written: cut off, and the token taken back.
	boom := errors.New("disk full")
	s.appendJournal = func(f *os.File, data []byte) error {
		f.Write(data[:len(data)/2])
		return boom
	}
	err := s.RecordToken("i-bp1ff25rzvnul6kr0002", "tok-2", request("i-bp1ff25rzvnul6kr0002", "cn-hangzhou-i"), t0)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v; want the write's", err)
	}
	if after, err := ReadState(path); err != nil || !reflect.DeepEqual(before, after) {
		t.Errorf("a failed write changed the state: %v\n%+v\n%+v", err, before, after)
	}
	if _, ok := s.Snapshot().Migrations["i-bp1ff25rzvnul6kr0002"]; ok {
		t.Error("the token of a failed write stayed in memory")
	}

	// A failed fold leaves the state file and the journal as they were.
	s.appendJournal = appendSync
	s.writeFile = func(string, []byte) error { return boom }
	if err := s.Close(); !errors.Is(err, boom) {
		t.Fatalf("close: %v; want the fold's error", err)
	}
	if after, err := ReadState(path); err != nil || !reflect.DeepEqual(before, after) {
		t.Errorf("a failed fold changed the state: %v", err)
	}

	// The real writer: the file is replaced whole, never written in place.
	fi, _ := os.Stat(path)
	s2, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	fi2, _ := os.Stat(path)
	if os.SameFile(fi, fi2) {
		t.Error("the state file was written in place; want a new file renamed over it")
	}
	if _, err := os.Stat(JournalPath(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the journal is left after a fold: %v", err)
	}
	if after, _ := ReadState(path); !reflect.DeepEqual(before, after) {
		t.Errorf("the fold changed the state:\n%+v\n%+v", before, after)
	}
}

// Concurrent changes all reach the file, sharing writes.
func TestStateConcurrentChanges(t *testing.T) {
	s, path := openStore(t)
	var writes atomic.Int64
	s.writeFile = func(path string, data []byte) error {
		writes.Add(1)
		return atomicfile.WriteFile(path, data, 0o644)
	}
	s.appendJournal = func(f *os.File, data []byte) error {
		writes.Add(1)
		return appendSync(f, data)
	}
	var wg sync.WaitGroup
	const n = 40
	for i := range n {
		wg.Go(func() {
			id := "i-bp1ff25rzvnul6kr" + strings.Repeat("0", 2) + string(rune('a'+i%26)) + string(rune('a'+i/26))
			if err := s.RecordToken(id, "tok", request(id, "cn-hangzhou-i"), t0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	st, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Migrations) != n {
		t.Errorf("file holds %d entries; want %d", len(st.Migrations), n)
	}
	if w := writes.Load(); w > n {
		t.Errorf("%d writes for %d changes", w, n)
	}
}

func TestStateLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	held := flock.New(LockPath(path))
	if ok, err := held.TryLock(); !ok || err != nil {
		t.Fatalf("taking the lock: %v %v", ok, err)
	}
	_, err := OpenStore(path, "m.yaml")
	var le *LockedError
	if !errors.As(err, &le) || le.LockPath != path+".lock" {
		t.Fatalf("error %v; want a *LockedError naming %s.lock", err, path)
	}
	if !strings.Contains(err.Error(), path+".lock") {
		t.Errorf("message %q does not name the lock", err)
	}
	held.Unlock()
	s, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatalf("after the other run ended: %v", err)
	}
	s.Close()
}

func TestReadStateRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage":    "not json",
		"version":    `{"version": 9, "migrations": {}}`,
		"no token":   `{"version": 1, "migrations": {"i-bp1ff25rzvnul6kr0001": {"fingerprint": "sha256:x"}}}`,
		"null entry": `{"version": 1, "migrations": {"i-bp1ff25rzvnul6kr0001": null}}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		os.WriteFile(path, []byte(content), 0o644)
		var se *StateError
		if _, err := ReadState(path); !errors.As(err, &se) {
			t.Errorf("%s: error %v; want a *StateError", name, err)
		}
	}
	st, err := ReadState(filepath.Join(dir, "missing"))
	if err != nil || len(st.Migrations) != 0 {
		t.Errorf("a missing file: %v, %v; want an empty state", st, err)
	}
}

// FuzzDecodeState: the state-file loader never panics; what it accepts has,
// for every instance ID, an entry with a fingerprint and a token or a job
// (adopted), and survives being
// written and read again.
func FuzzDecodeState(f *testing.F) {
	for _, s := range []string{
		`{"version": 1, "manifest": "m.yaml", "migrations": {}}`,
		`{"version": 1, "migrations": {"i-bp1ff25rzvnul6kr0001": {"client_token": "t", "fingerprint": "sha256:x", "job_id": "j-bp17bclvg344jlyt0001", "token_recorded_at": "2026-01-02T03:04:05Z", "job_recorded_at": "2026-01-02T03:04:06Z", "request": {"RegionId": "cn-hangzhou", "InstanceId": "i-bp1ff25rzvnul6kr0001"}}}}`,
		`{"version": 1, "migrations": {"i-bp1ff25rzvnul6kr0001": null}}`,
		`{"version": 2}`,
		`not json`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := decodeState(data)
		if err != nil {
			return
		}
		if st.Version != StateVersion || st.Migrations == nil {
			t.Fatalf("accepted version %d, migrations %v", st.Version, st.Migrations)
		}
		for id, e := range st.Migrations {
			if e == nil || (e.ClientToken == "" && e.JobID == "") || e.Fingerprint == "" {
				t.Fatalf("accepted the entry of %q without a token (or job) or a fingerprint: %+v", id, e)
			}
			if migration.ValidateInstanceID("instance", id) != nil {
				t.Fatalf("accepted an entry keyed %q, not an instance ID", id)
			}
		}
		out, err := json.Marshal(st)
		if err != nil {
			t.Fatalf("an accepted state cannot be written: %v", err)
		}
		back, err := decodeState(out)
		if err != nil {
			t.Fatalf("a written state cannot be read: %v\n%s", err, out)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, out) {
			t.Fatalf("round trip changed the state:\n%s\n%s", out, again)
		}
	})
}

// A reader without the lock (state show, a dry run) that read the journal
// just before a run folded it reads again: the old journal's records replayed
// over the new state file would take a change back.
func TestReadStateDuringFold(t *testing.T) {
	s, path := openStore(t)
	const id = "i-bp1ff25rzvnul6kr0001"
	if err := s.RecordToken(id, "tok", request(id, "cn-hangzhou-i"), t0); err != nil { // the first write: the state file
		t.Fatal(err)
	}
	if err := s.RecordJob(id, "j-1", t0); err != nil { // in the journal
		t.Fatal(err)
	}
	if err := s.Forget(id); err != nil { // in the journal
		t.Fatal(err)
	}
	if err := s.RecordToken(id, "tok-2", request(id, "cn-hangzhou-i"), t0); err != nil { // in the journal
		t.Fatal(err)
	}
	fold := func() {
		if err := s.RecordJob(id, "j-2", t0); err != nil {
			t.Fatal(err)
		}
		s.wmu.Lock()
		defer s.wmu.Unlock()
		if err := s.flush(true); err != nil {
			t.Fatal(err)
		}
	}
	st, stable, err := readState(path, fold)
	if err != nil {
		t.Fatal(err)
	}
	if stable {
		t.Errorf("a read across a fold counts as stable (it got %+v)", st.Migrations[id])
	}
	st, err = ReadState(path)
	if e := st.Migrations[id]; err != nil || e.JobID != "j-2" || e.ClientToken != "tok-2" {
		t.Errorf("after the fold: %+v, %v", e, err)
	}
}

// A journal that a fold could not remove is appended to: replayed over the
// new state file it changes nothing, and nothing is lost.
func TestStateJournalNotRemoved(t *testing.T) {
	s, path := openStore(t)
	s.minFold = 1
	s.removeJournal = func(string) error { return errors.New("busy") }
	for i := range 6 {
		id := "i-bp1ff25rzvnul6kr000" + string(rune('1'+i))
		if err := s.RecordToken(id, "tok", request(id, "cn-hangzhou-i"), t0); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordJob(id, "j", t0); err != nil {
			t.Fatal(err)
		}
	}
	want := stateJSON(t, s.Snapshot())
	if st, err := ReadState(path); err != nil || stateJSON(t, st) != want {
		t.Fatalf("read %v:\n%s\nwant\n%s", err, stateJSON(t, st), want)
	}
	if _, err := os.Stat(JournalPath(path)); err != nil {
		t.Fatalf("the journal: %v", err)
	}
}

// stateJSON is the entries of a state, to compare.
func stateJSON(t *testing.T, st *State) string {
	t.Helper()
	b, err := json.Marshal(st.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
