package record

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

func created(token, job, zone string) *batch.Entry {
	return &batch.Entry{ClientToken: token, Fingerprint: "sha256:x", JobID: job, TokenRecordedAt: time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC),
		Request: &migration.Request{RegionId: "cn-hangzhou", TargetZoneId: zone}}
}

// TestBuild decides each entry's status from its record and the reading,
// and carries what the state file recorded around the job.
func TestBuild(t *testing.T) {
	before := &batch.Place{ZoneID: "cn-hangzhou-h", VSwitchID: "vsw-h1", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.1"}
	exit0 := int64(0)
	moved := created("t1", "j-0001", "cn-hangzhou-i")
	moved.Before = before
	moved.Around = &around.Record{Snapshot: &around.SnapshotRecord{SnapshotGroupID: "ssg-1", Status: "accomplished"},
		Backends: []around.Backend{{Membership: facts.Membership{Type: "clb", LoadBalancerID: "lb-1", Port: 80, Weight: 100, RegisteredBy: "instance"}, Outcome: "restored"}},
		Verify:   &around.VerifyRecord{InvokeID: "t-1", Status: "Success", ExitCode: &exit0}}
	deletedMoved := created("t2", "j-0002", "cn-hangzhou-i")
	deletedNotMoved := created("t3", "j-0003", "cn-hangzhou-i")
	reverted := created("t4", "j-0004", "cn-hangzhou-i")
	reverted.Revert = created("r4", "j-1004", "cn-hangzhou-h")
	revertSent := created("t5", "j-0005", "cn-hangzhou-i")
	revertSent.Revert = created("r5", "", "cn-hangzhou-h")
	st := &batch.State{Migrations: map[string]*batch.Entry{
		"i-0001": moved, "i-0002": deletedMoved, "i-0003": deletedNotMoved, "i-0004": reverted, "i-0005": revertSent,
		"i-0006": created("t6", "", "cn-hangzhou-i"),       // sent
		"i-0007": {Before: before},                         // checked, not sent
		"i-0008": created("t8", "j-0008", "cn-hangzhou-i"), // InError
		"i-0009": created("t9", "j-0009", "cn-hangzhou-i"), // Running
	}}
	in := func(zone, ip string) *facts.Instance {
		return &facts.Instance{ZoneID: zone, InstanceType: "ecs.g7.large", PrivateIPs: []string{ip}}
	}
	r := Reading{JobsRead: true, Jobs: map[string]*facts.Job{
		"j-0001": {Status: "Finished", CreationTime: "2026-12-06T02:01:00Z", EndTime: "2026-12-06T02:15:00Z"},
		"j-0004": {Status: "Finished"}, "j-1004": {Status: "Finished"}, "j-0005": {Status: "Finished"},
		"j-0008": {Status: "InError", ErrorCode: "DiskSyncFailed"}, "j-0009": {Status: "Running", EndTime: "2026-12-06T02:30:00Z"},
	}, Instances: map[string]*facts.Instance{
		"i-0001": in("cn-hangzhou-i", "172.16.2.1"), "i-0002": in("cn-hangzhou-i", "172.16.2.2"), "i-0003": in("cn-hangzhou-h", "172.16.1.3"),
		"i-0004": in("cn-hangzhou-h", "172.16.1.44"),
	}}
	got := map[string]Status{}
	entries := Build(st, r, nil)
	for _, e := range entries {
		got[e.InstanceID] = e.Status
	}
	want := map[string]Status{"i-0001": Moved, "i-0002": Moved, "i-0003": Failed, "i-0004": Reverted, "i-0005": Reverting,
		"i-0006": Sent, "i-0007": NotStarted, "i-0008": Failed, "i-0009": Running}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("statuses (-want +got):\n%s", d)
	}
	e := entries[0]
	if e.Instance == nil || e.Instance.PrivateIP != "172.16.2.1" || e.Before.PrivateIP != "172.16.1.1" {
		t.Errorf("addresses of a moved instance: before %+v, instance %+v", e.Before, e.Instance)
	}
	if e.Job.Duration() != 14*time.Minute || e.Snapshot == nil || e.Snapshot.SnapshotGroupID != "ssg-1" || len(e.Backends) != 1 ||
		e.Backends[0].Outcome != "restored" || e.Verify == nil || *e.Verify.ExitCode != 0 {
		t.Errorf("moved entry: %+v, job %+v", e, e.Job)
	}
	if j := entries[8].Job; j.EndedAt != nil {
		t.Errorf("a running job has an end: %v", j.EndedAt)
	}
	// The record says it: the snapshot group, the load balancer, the verification; a deleted job of a moved instance is no failure.
	var md bytes.Buffer
	if err := Markdown(&md, &Batch{Entries: entries}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| i-0001 | ssg-1 | accomplished |", "| i-0001 | clb | lb-1 | - | 80 | 100 | instance | - | restored |",
		"| i-0001 | t-1 | Success | 0 |", "| i-0008 | j-0008 | move | InError | DiskSyncFailed |", "| i-0003 | j-0003 | move | NotFound |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the record has no %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "| i-0002 | j-0002 | move | NotFound | - |") {
		t.Errorf("the deleted job of a moved instance is listed as a failure:\n%s", md.String())
	}
	// only limits the record to some instances.
	if some := Build(st, r, []string{"i-0004"}); len(some) != 1 || some[0].Revert == nil || some[0].Revert.JobID != "j-1004" {
		t.Errorf("Build of one instance: %+v", some)
	}
}
