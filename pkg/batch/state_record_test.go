package batch

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/zonemove/zonemove/pkg/facts"
)

// A state file written by a zonemove of format version 1 (before the record)
// is read without loss, and written back as version 2 with every field kept.
func TestStateV1Upgrade(t *testing.T) {
	v1, err := os.ReadFile(filepath.Join("testdata", "state-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Manifest   string                     `json:"manifest"`
		Migrations map[string]json.RawMessage `json:"migrations"`
	}
	if err := json.Unmarshal(v1, &raw); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "migrations.yaml.state.json")
	if err := os.WriteFile(path, v1, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := ReadState(path)
	if err != nil {
		t.Fatalf("a version 1 file: %v", err)
	}
	if st.Version != StateVersion || st.Manifest != raw.Manifest || len(st.Migrations) != len(raw.Migrations) {
		t.Fatalf("read version %d, manifest %q, %d entries", st.Version, st.Manifest, len(st.Migrations))
	}
	// Every field of every entry survives a change and a reopen.
	s, err := OpenStore(path, "other.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBefore(map[string]*Place{"i-bp1ff25rzvnul6kr0003": {ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g6.large"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var back struct {
		Version    int                        `json:"version"`
		Manifest   string                     `json:"manifest"`
		Migrations map[string]json.RawMessage `json:"migrations"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Version != 2 || back.Manifest != raw.Manifest {
		t.Errorf("written as version %d, manifest %q", back.Version, back.Manifest)
	}
	for id, old := range raw.Migrations {
		var was, now map[string]any
		json.Unmarshal(old, &was)
		json.Unmarshal(back.Migrations[id], &now)
		delete(now, "before")
		if !reflect.DeepEqual(was, now) {
			t.Errorf("%s changed:\n%s\n%s", id, old, back.Migrations[id])
		}
	}
}

func TestReadStateRefusesNewerVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte(`{"version": 3, "migrations": {}}`), 0o644)
	var se *StateError
	if _, err := ReadState(path); !errors.As(err, &se) {
		t.Fatalf("error %v; want a *StateError", err)
	}
}

// Before is kept from the first sight: a later sight, a new token, Forget and
// an adoption keep it; an entry left with nothing goes.
func TestStateBeforeKept(t *testing.T) {
	s, path := openStore(t)
	const id = "i-bp1ff25rzvnul6kr0001"
	first := PlaceOf(&facts.Instance{ZoneID: "cn-hangzhou-h", VSwitchID: "vsw-old", InstanceType: "ecs.g6.large", PrivateIPs: []string{"172.16.0.1"}},
		[]facts.Disk{{DiskID: "d-1", Category: "cloud_essd", PerformanceLevel: "PL0", SizeGiB: 40}})
	want := &Place{ZoneID: "cn-hangzhou-h", VSwitchID: "vsw-old", InstanceType: "ecs.g6.large", PrivateIP: "172.16.0.1",
		Disks: []PlaceDisk{{DiskID: "d-1", Category: "cloud_essd", PerformanceLevel: "PL0"}}}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("PlaceOf %+v", first)
	}
	if err := s.RecordBefore(map[string]*Place{id: first}); err != nil {
		t.Fatal(err)
	}
	later := &Place{ZoneID: "cn-hangzhou-i", InstanceType: "ecs.g7.large"}
	if err := s.RecordBefore(map[string]*Place{id: later}); err != nil {
		t.Fatal(err)
	}
	before := func(what string) {
		t.Helper()
		st, err := ReadState(path)
		if err != nil {
			t.Fatal(err)
		}
		if e := st.Migrations[id]; e == nil || !reflect.DeepEqual(e.Before, want) {
			t.Errorf("after %s: entry %+v; want Before %+v", what, e, want)
		}
	}
	before("a second sight")
	req := request(id, "cn-hangzhou-i")
	if err := s.RecordToken(id, "tok-1", req, t0); err != nil {
		t.Fatal(err)
	}
	before("the token")
	if err := s.Forget(id); err != nil {
		t.Fatal(err)
	}
	before("forget")
	if e := s.Snapshot().Migrations[id]; e.HasCreate() || e.Fingerprint != "" {
		t.Errorf("forget left the create: %+v", e)
	}
	if err := s.Adopt(id, "j-1", req, t0); err != nil {
		t.Fatal(err)
	}
	before("an adoption")
	back := &Place{ZoneID: "cn-hangzhou-i", VSwitchID: "vsw-new", InstanceType: "ecs.g6.large", PrivateIP: "172.16.1.9"}
	if err := s.RecordInstance(map[string]*Place{id: back}); err != nil {
		t.Fatal(err)
	}
	st, _ := ReadState(path)
	if e := st.Migrations[id]; !reflect.DeepEqual(e.Instance, back) || e.JobID != "j-1" {
		t.Errorf("after the read-back: %+v", e)
	}

	// An entry with nothing left goes.
	const other = "i-bp1ff25rzvnul6kr0002"
	if err := s.RecordToken(other, "tok-2", request(other, "cn-hangzhou-i"), t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Forget(other); err != nil {
		t.Fatal(err)
	}
	if st, _ := ReadState(path); st.Migrations[other] != nil {
		t.Errorf("an empty entry stayed: %+v", st.Migrations[other])
	}
}

// Update is durable when it returns, keeps what it does not change, and
// takes its change back when the write fails.
func TestStateUpdate(t *testing.T) {
	s, path := openStore(t)
	const id = "i-bp1ff25rzvnul6kr0001"
	if err := s.Update(id, func(e *Entry) { e.Before = &Place{ZoneID: "cn-hangzhou-h"} }); err != nil {
		t.Fatal(err)
	}
	st, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if e := st.Migrations[id]; e == nil || e.Before.ZoneID != "cn-hangzhou-h" || e.HasCreate() {
		t.Fatalf("after Update the file holds %+v", e)
	}
	boom := errors.New("disk full")
	s.writeFile = func(string, []byte) error { return boom }
	s.appendJournal = func(*os.File, []byte) error { return boom }
	err = s.Update(id, func(e *Entry) { e.Instance = &Place{ZoneID: "cn-hangzhou-i"} })
	if !errors.Is(err, boom) {
		t.Fatalf("error %v; want the write's", err)
	}
	if e := s.Snapshot().Migrations[id]; e.Instance != nil || e.Before == nil {
		t.Errorf("a failed Update left %+v in memory", e)
	}
	if err := s.Update("not-an-instance", func(*Entry) {}); err == nil {
		t.Error("an Update keyed by something else than an instance ID was accepted")
	}
}
