package preflight

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func spec() *migration.Spec {
	return &migration.Spec{Region: "cn-hangzhou", InstanceID: "i-1", TargetZone: "cn-hangzhou-i",
		TargetVSwitch: "vsw-1", TargetInstanceType: "ecs.g7.xlarge"}
}

// healthy are the facts of an instance every check passes for.
func healthy() *facts.Facts {
	return &facts.Facts{
		Instance: &facts.Instance{InstanceID: "i-1", Status: "Stopped", ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large",
			InstanceTypeFamily: "ecs.g7", SpotStrategy: "NoSpot", NetworkType: "vpc", ChargeType: "PostPaid", VpcID: "vpc-1"},
		Disks:       []facts.Disk{{DiskID: "d-1", Type: "system", Category: "cloud_essd", PerformanceLevel: "PL0", SizeGiB: 40}},
		Snapshots:   []facts.Snapshot{{SnapshotID: "s-1", SourceDiskID: "d-1", Status: "accomplished", CreationTime: now.Add(-time.Hour)}},
		VSwitch:     &facts.VSwitch{VSwitchID: "vsw-1", VpcID: "vpc-1", ZoneID: "cn-hangzhou-i", Status: "Available", AvailableIPs: 10},
		Stock:       &facts.Stock{ZoneID: "cn-hangzhou-i", ZoneStatus: "Available", Types: map[string]string{"ecs.g7.large": "Available", "ecs.g7.xlarge": "Available"}},
		FamilyTypes: &facts.FamilyTypes{Family: "ecs.g7", Types: []facts.InstanceType{{InstanceTypeID: "ecs.g7.large", CPU: 2, MemoryGiB: 8}, {InstanceTypeID: "ecs.g7.xlarge", CPU: 4, MemoryGiB: 16}}},
		Backends:    facts.Backends{Read: true},
	}
}

func statusOf(results []Result, id string) Result {
	for _, r := range results {
		if r.ID == id {
			return r
		}
	}
	return Result{}
}

func TestEvaluateHealthy(t *testing.T) {
	results := Evaluate(Input{Spec: spec(), Facts: healthy(), Now: now})
	if len(results) != len(IDs) {
		t.Fatalf("%d results; want one per check (%d)", len(results), len(IDs))
	}
	for i, r := range results {
		if r.ID != IDs[i] {
			t.Errorf("result %d is %s; want %s (the order of IDs)", i, r.ID, IDs[i])
		}
		want := Pass
		// The spec moves ecs.g7.large to ecs.g7.xlarge: an upgrade at twice
		// the price warns (issue 18.8).
		if r.ID == PrivateIPChange || r.ID == BillingChange {
			want = Warn
		}
		if r.Status != want {
			t.Errorf("%s: %s (%s); want %s", r.ID, r.Status, r.Message, want)
		}
	}
}

func TestContractIDs(t *testing.T) {
	contract := []string{"region-zone", "instance-found", "instance-status", "zone-change", "spot", "network-vpc", "network-extras",
		"type-family", "family-supported", "type-in-stock", "vswitch-zone", "vswitch-vpc", "vswitch-ips", "disk-owner",
		"disk-performance-level", "active-job"}
	for i, id := range contract {
		if IDs[i] != id || !IsKnown(id) {
			t.Errorf("contract check %s missing or out of order", id)
		}
		if checks[id] == nil {
			t.Errorf("no function for %s", id)
		}
	}
	for _, id := range IDs {
		if checks[id] == nil {
			t.Errorf("no function for %s", id)
		}
	}
}

func TestSkipOnRequest(t *testing.T) {
	f := healthy()
	f.Instance.Status = "Starting"
	results := Evaluate(Input{Spec: spec(), Facts: f, Now: now, Skip: []string{InstanceStatus}, SkipAs: "--skip-check"})
	r := statusOf(results, InstanceStatus)
	if r.Status != Warn || !strings.HasPrefix(r.Message, "skipped on request (--skip-check instance-status): ") {
		t.Errorf("skipped failure: %+v", r)
	}
	// A manifest's skip is said in the manifest's words.
	inBatch := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now, Skip: []string{InstanceStatus}, SkipAs: "skip_checks"}), InstanceStatus)
	if !strings.HasPrefix(inBatch.Message, "skipped on request (skip_checks: instance-status): ") {
		t.Errorf("skipped failure in a batch: %+v", inBatch)
	}
	if len(Failed(results)) != 0 {
		t.Errorf("failed: %+v", Failed(results))
	}
	// Skip only turns a failure into a warning: it never hides a check.
	if r := statusOf(Evaluate(Input{Spec: spec(), Facts: healthy(), Now: now, Skip: []string{Spot}}), Spot); r.Status != Pass {
		t.Errorf("skipping a passing check changed it: %+v", r)
	}
}

func TestActiveJobStatuses(t *testing.T) {
	for status, blocks := range map[string]bool{
		"Ready": true, "Running": true, "Waiting": true, "InError": true, "Stopped": true, "Deleting": true,
		"Finished": false, "Expired": false,
	} {
		f := healthy()
		f.Jobs = []*facts.Job{{JobId: "j-1", Status: status, JobType: 2, InstanceId: "i-1"}}
		r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), ActiveJob)
		if (r.Status == Fail) != blocks {
			t.Errorf("a %s job: %s; want blocking=%t", status, r.Status, blocks)
		}
	}
	// Another instance's job or another job type is not this migration's.
	f := healthy()
	f.Jobs = []*facts.Job{{JobId: "j-1", Status: "Running", JobType: 2, InstanceId: "i-2"}, {JobId: "j-2", Status: "Running", JobType: 0, InstanceId: "i-1"}}
	if r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), ActiveJob); r.Status != Fail || !strings.Contains(r.Message, "j-2") || strings.Contains(r.Message, "j-1") {
		t.Errorf("jobs of other instances: %+v", r)
	}
}

func TestPerformanceLevelLimits(t *testing.T) {
	for _, c := range []struct {
		pl   string
		size int
		ok   bool
	}{
		{"PL0", 1, true}, {"PL1", 19, false}, {"PL1", 20, true}, {"PL2", 460, false}, {"PL2", 461, true},
		{"PL3", 1260, false}, {"PL3", 1261, true},
	} {
		f := healthy()
		f.Disks[0].SizeGiB = c.size
		s := spec()
		s.Disks = []migration.Disk{{ID: "d-1", PerformanceLevel: c.pl}}
		r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), DiskPerformanceLevel)
		if (r.Status == Pass) != c.ok {
			t.Errorf("%s on %d GiB: %s (%s); want ok=%t", c.pl, c.size, r.Status, r.Message, c.ok)
		}
	}
	// Changing the category to cloud_essd makes a PL possible.
	f := healthy()
	f.Disks[0].Category = "cloud_efficiency"
	s := spec()
	s.Disks = []migration.Disk{{ID: "d-1", Category: "cloud_essd", PerformanceLevel: "PL1"}}
	if r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), DiskPerformanceLevel); r.Status != Pass {
		t.Errorf("efficiency to ESSD PL1: %+v", r)
	}
	s.Disks[0].Category = ""
	if r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), DiskPerformanceLevel); r.Status != Fail {
		t.Errorf("PL1 on an efficiency disk: %+v", r)
	}
}

func TestRecentSnapshot(t *testing.T) {
	for _, c := range []struct {
		age    time.Duration
		status string
		want   Status
	}{
		{23 * time.Hour, "accomplished", Pass},
		{24 * time.Hour, "accomplished", Pass},
		{25 * time.Hour, "accomplished", Warn},
		{time.Hour, "progressing", Warn}, // not usable yet
		{time.Hour, "failed", Warn},
	} {
		f := healthy()
		f.Snapshots = []facts.Snapshot{{SnapshotID: "s-1", SourceDiskID: "d-1", Status: c.status, CreationTime: now.Add(-c.age)}}
		if r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot); r.Status != c.want {
			t.Errorf("%s snapshot %s old: %s; want %s", c.status, c.age, r.Status, c.want)
		}
	}
	// Every disk needs its own.
	f := healthy()
	f.Disks = append(f.Disks, facts.Disk{DiskID: "d-2", Type: "data", Category: "cloud_essd", SizeGiB: 100})
	r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot)
	if r.Status != Warn || !strings.Contains(r.Message, "d-2 (no snapshot)") || strings.Contains(r.Message, "d-1") {
		t.Errorf("one disk without snapshot: %+v", r)
	}
	f.SnapshotsErr = errors.New("Forbidden.RAM")
	if r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot); r.Status != Warn || !strings.Contains(r.Message, "Forbidden.RAM") {
		t.Errorf("unreadable snapshots: %+v", r)
	}
}

func TestTypeFamilyUsesTheAPIsFamily(t *testing.T) {
	// ecs.e-c1m1 and ecs.e-c1m2 are both of family ecs.e, though their names differ.
	f := healthy()
	f.Instance.InstanceType, f.Instance.InstanceTypeFamily = "ecs.e-c1m1.large", "ecs.e"
	f.FamilyTypes = &facts.FamilyTypes{Family: "ecs.e", Types: []facts.InstanceType{{InstanceTypeID: "ecs.e-c1m1.large"}, {InstanceTypeID: "ecs.e-c1m2.large"}}}
	f.Stock.Types["ecs.e-c1m2.large"] = "Available"
	s := spec()
	s.TargetInstanceType = "ecs.e-c1m2.large"
	results := Evaluate(Input{Spec: s, Facts: f, Now: now})
	for _, id := range []string{TypeFamily, FamilySupported, TypeInStock} {
		if r := statusOf(results, id); r.Status != Pass {
			t.Errorf("%s: %+v", id, r)
		}
	}
	// A type the family does not have fails even when its name looks right.
	s.TargetInstanceType = "ecs.e-c1m2.huge"
	if r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), TypeFamily); r.Status != Fail {
		t.Errorf("unknown type of the family: %+v", r)
	}
}

func TestOfflineNeedsNoFacts(t *testing.T) {
	s := spec()
	s.Disks = []migration.Disk{{ID: "d-1", Category: "cloud_ssd", PerformanceLevel: "PL1"}} // Validate would refuse it; the check too
	results := Evaluate(Input{Spec: s, Offline: true, SourceZone: "cn-hangzhou-h", SourceInstanceType: "ecs.g7.large", Now: now})
	want := map[string]Status{RegionZone: Pass, ZoneChange: Pass, TypeFamily: Pass, FamilySupported: Pass,
		DiskPerformanceLevel: Fail, PrivateIPChange: Warn}
	for _, r := range results {
		w, ok := want[r.ID]
		if !ok {
			w = Skip
		}
		if r.Status != w {
			t.Errorf("offline %s: %s (%s); want %s", r.ID, r.Status, r.Message, w)
		}
	}
}

func TestVSwitchChoices(t *testing.T) {
	f := healthy()
	f.VSwitch = nil
	f.ZoneVSwitches = &facts.ZoneVSwitches{VpcID: "vpc-1", ZoneID: "cn-hangzhou-i", VSwitches: []facts.VSwitch{
		{VSwitchID: "vsw-a", Name: "app", CidrBlock: "10.0.1.0/24", Status: "Available", AvailableIPs: 250},
		{VSwitchID: "vsw-full", CidrBlock: "10.0.2.0/28", Status: "Available", AvailableIPs: 0},
		{VSwitchID: "vsw-new", CidrBlock: "10.0.3.0/24", Status: "Pending", AvailableIPs: 252},
	}}
	s := spec()
	s.TargetVSwitch = ""
	r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), VSwitchZone)
	if r.Status != Fail || !strings.Contains(r.Hint, `vsw-a "app" 10.0.1.0/24, 250 free IPs`) || strings.Contains(r.Hint, "vsw-full") || strings.Contains(r.Hint, "vsw-new") {
		t.Errorf("missing vSwitch: %+v; want vsw-a offered, not the full or the pending one", r)
	}
}

// A vSwitch that is not Available (Pending while it is created) takes no
// instance: vswitch-zone fails.
func TestVSwitchNotAvailable(t *testing.T) {
	f := healthy()
	f.VSwitch.Status = "Pending"
	r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), VSwitchZone)
	if r.Status != Fail || !strings.Contains(r.Message, "vsw-1 is Pending, not Available") {
		t.Errorf("pending vSwitch: %+v; want a failure that says so", r)
	}
}

// A batch reads only the region's recent snapshots: a disk without one is
// reported as having none since then, not none at all.
func TestRecentSnapshotOfABatchRead(t *testing.T) {
	f := healthy()
	f.Snapshots, f.SnapshotsSince = nil, now.Add(-SnapshotMaxAge)
	r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot)
	if r.Status != Warn || !strings.Contains(r.Message, "d-1 (none since 2026-11-26 12:00 UTC)") {
		t.Errorf("recent-snapshot: %+v", r)
	}
}

// billing-change: an upgrade warns with the price ratio, a downgrade passes,
// and sizes that cannot be compared warn.
func TestBillingChange(t *testing.T) {
	for _, c := range []struct {
		name, from, to string
		drop           bool
		want           Status
		says           string
	}{
		{"upgrade", "ecs.g7.large", "ecs.g7.xlarge", false, Warn, "is an upgrade, about 2x the price"},
		{"downgrade", "ecs.g7.xlarge", "ecs.g7.large", false, Pass, "is a downgrade or the same size"},
		{"unknown-size", "ecs.g7.large", "ecs.g7.xlarge", true, Warn, "could not be compared"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			f.Instance.InstanceType = c.from
			if c.drop {
				f.FamilyTypes = nil
			}
			s := spec()
			s.TargetInstanceType = c.to
			r := statusOf(Evaluate(Input{Spec: s, Facts: f, Now: now}), BillingChange)
			if r.Status != c.want || !strings.Contains(r.Message, c.says) {
				t.Fatalf("billing-change = %s %q; want %s saying %q", r.Status, r.Message, c.want, c.says)
			}
		})
	}
}

// A snapshot being taken is named with its progress, not called none.
func TestRecentSnapshotInProgress(t *testing.T) {
	f := healthy()
	f.Snapshots = []facts.Snapshot{{SnapshotID: "s-9", SourceDiskID: "d-1", Status: "progressing", Progress: "42%", CreationTime: now.Add(-time.Hour)}}
	r := statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot)
	if r.Status != Warn || !strings.Contains(r.Message, "d-1 (s-9 in progress, 42%)") || strings.Contains(r.Message, "no snapshot)") {
		t.Errorf("a snapshot in progress: %+v", r)
	}
	if !strings.Contains(r.Hint, "wait until the snapshots in progress are accomplished") {
		t.Errorf("hint %q; want to wait for it", r.Hint)
	}
	// An old accomplished one and one in progress: both are said.
	f.Snapshots = append(f.Snapshots, facts.Snapshot{SnapshotID: "s-1", SourceDiskID: "d-1", Status: "accomplished", CreationTime: now.Add(-72 * time.Hour)})
	r = statusOf(Evaluate(Input{Spec: spec(), Facts: f, Now: now}), RecentSnapshot)
	if !strings.Contains(r.Message, "d-1 (newest s-1, 3 days ago; s-9 in progress, 42%)") {
		t.Errorf("an old snapshot and one in progress: %+v", r)
	}
}
