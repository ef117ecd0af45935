package batch

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

func movedEntry(job string) *Entry {
	return &Entry{ClientToken: "tok", Fingerprint: "sha256:x", JobID: job,
		Request: &migration.Request{RegionId: "cn-hangzhou", TargetZoneId: "cn-hangzhou-i", TargetVSwitchId: "vsw-i001",
			TargetInstanceType: "ecs.g7.xlarge", Disk: []*migration.RequestDisk{{DiskId: "d-aaaa01", Category: "cloud_essd", PerformanceLevel: "PL1"}}},
		Before: &Place{ZoneID: "cn-hangzhou-h", VSwitchID: "vsw-h001", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.1",
			Disks: []PlaceDisk{{DiskID: "d-aaaa01", Category: "cloud_essd", PerformanceLevel: "PL0"}, {DiskID: "d-aaaa02", Category: "cloud_auto"}}}}
}

func TestRevertSpec(t *testing.T) {
	spec, err := RevertSpec("cn-hangzhou", "i-aaaa01", movedEntry("j-aaaa01"))
	if err != nil {
		t.Fatal(err)
	}
	// Back to zone, vSwitch and type; only the disk the move changed, to what it was.
	want := migration.Spec{Region: "cn-hangzhou", InstanceID: "i-aaaa01", TargetZone: "cn-hangzhou-h", TargetVSwitch: "vsw-h001",
		TargetInstanceType: "ecs.g7.large", Disks: []migration.Disk{{ID: "d-aaaa01", Category: "cloud_essd", PerformanceLevel: "PL0"}}}
	if d := cmp.Diff(want, spec); d != "" {
		t.Errorf("revert spec (-want +got):\n%s", d)
	}
	// A move that kept the type asks for none back.
	e := movedEntry("j-aaaa01")
	e.Request.TargetInstanceType, e.Request.Disk = "", nil
	if spec, _ := RevertSpec("cn-hangzhou", "i-aaaa01", e); spec.TargetInstanceType != "" || spec.Disks != nil {
		t.Errorf("a move without type or disk change reverts as %+v", spec)
	}
	// Without the record of where it was, or of a changed disk: no revert.
	for name, change := range map[string]func(*Entry){
		"no before":      func(e *Entry) { e.Before = nil },
		"no vswitch":     func(e *Entry) { e.Before.VSwitchID = "" },
		"no disk record": func(e *Entry) { e.Before.Disks = nil },
		"no type record": func(e *Entry) { e.Before.InstanceType = "" },
	} {
		e := movedEntry("j-aaaa01")
		change(e)
		if _, err := RevertSpec("cn-hangzhou", "i-aaaa01", e); err == nil {
			t.Errorf("%s: a revert spec without the record", name)
		}
	}
}

func TestPlanRevert(t *testing.T) {
	st := &State{Migrations: map[string]*Entry{
		"i-aaaa01": movedEntry("j-aaaa01"), // Finished
		"i-aaaa02": movedEntry("j-aaaa02"), // Running
		"i-aaaa03": movedEntry("j-aaaa03"), // InError
		"i-aaaa04": movedEntry(""),         // token, no job
		"i-aaaa05": {Before: &Place{ZoneID: "cn-hangzhou-h"}},
		"i-aaaa06": movedEntry("j-aaaa06"), // deleted after a run read it back moved
		"i-aaaa07": movedEntry("j-aaaa07"), // deleted, never read back
		"i-aaaa08": movedEntry("j-aaaa08"), // has a revert already: not asked about
	}}
	st.Migrations["i-aaaa06"].Instance = &Place{ZoneID: "cn-hangzhou-i"}
	st.Migrations["i-aaaa08"].Revert = &Entry{ClientToken: "rtok", Fingerprint: "sha256:y"}
	jobs := map[string]*facts.Job{
		"j-aaaa01": {Status: facts.JobFinished}, "j-aaaa02": {Status: facts.JobRunning}, "j-aaaa03": {Status: facts.JobInError},
	}
	got := map[string]RevertDecision{}
	for _, c := range PlanRevert(st, nil, jobs, "cn-hangzhou") {
		got[c.InstanceID] = c.Decision
		if (c.Decision == RevertMove) != (c.Migration != nil) {
			t.Errorf("%s: decision %s with migration %v", c.InstanceID, c.Decision, c.Migration)
		}
	}
	want := map[string]RevertDecision{"i-aaaa01": RevertMove, "i-aaaa02": RevertRunning, "i-aaaa03": RevertNotMoved,
		"i-aaaa04": RevertUnknown, "i-aaaa05": RevertNotMoved, "i-aaaa06": RevertMove, "i-aaaa07": RevertNotMoved, "i-aaaa08": RevertMove}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
	if cs := PlanRevert(st, []string{"i-aaaa02"}, jobs, "cn-hangzhou"); len(cs) != 1 || cs[0].Decision != RevertRunning {
		t.Errorf("the named instance alone: %+v", cs)
	}
}

// TestRevertRecords: the revert view of a store records a revert's token
// and job in the entry's revert record, durably before returning, and
// leaves the move's record as it was; a failed write leaves no token.
func TestRevertRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	store, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	req := &migration.Request{RegionId: "cn-hangzhou", InstanceId: "i-aaaa01", TargetZoneId: "cn-hangzhou-i"}
	if err := store.RecordToken("i-aaaa01", "move-tok", req, now); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordJob("i-aaaa01", "j-move01", now); err != nil {
		t.Fatal(err)
	}
	back := &migration.Request{RegionId: "cn-hangzhou", InstanceId: "i-aaaa01", TargetZoneId: "cn-hangzhou-h"}
	reverts := store.Reverts()
	if err := reverts.RecordToken("i-aaaa01", "back-tok", back, now); err != nil {
		t.Fatal(err)
	}
	onDisk, err := ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	e := onDisk.Migrations["i-aaaa01"]
	if e.ClientToken != "move-tok" || e.JobID != "j-move01" || e.Revert == nil || e.Revert.ClientToken != "back-tok" || e.Revert.JobID != "" {
		t.Fatalf("after the revert's token: %+v (revert %+v)", e, e.Revert)
	}
	if got := RevertState(onDisk).Migrations["i-aaaa01"]; got == nil || got.Fingerprint != Fingerprint(back) {
		t.Errorf("the revert view: %+v", got)
	}
	if err := reverts.RecordJob("i-aaaa01", "j-back01", now); err != nil {
		t.Fatal(err)
	}
	if err := reverts.RecordInstance(map[string]*Place{"i-aaaa01": {ZoneID: "cn-hangzhou-h"}}); err != nil {
		t.Fatal(err)
	}
	onDisk, _ = ReadState(path)
	if e := onDisk.Migrations["i-aaaa01"]; e.Revert.JobID != "j-back01" || e.JobID != "j-move01" || e.Instance == nil || e.Instance.ZoneID != "cn-hangzhou-h" {
		t.Errorf("after the revert's job: %+v (revert %+v)", e, e.Revert)
	}
	// Forget drops the revert record alone.
	if err := reverts.Forget("i-aaaa01"); err != nil {
		t.Fatal(err)
	}
	onDisk, _ = ReadState(path)
	if e := onDisk.Migrations["i-aaaa01"]; e.Revert != nil || e.JobID != "j-move01" {
		t.Errorf("after forgetting the revert: %+v", e)
	}
	// A token whose write fails is not kept: the create is not sent.
	full := errors.New("disk full")
	store.writeFile = func(string, []byte) error { return full }
	store.appendJournal = func(*os.File, []byte) error { return full }
	if err := reverts.RecordToken("i-aaaa01", "lost-tok", back, now); err == nil {
		t.Fatal("a failed write was reported durable")
	}
	if e := store.Snapshot().Migrations["i-aaaa01"]; e.Revert != nil {
		t.Errorf("a token not written is kept in memory: %+v", e.Revert)
	}
}
