package cli

import (
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// aroundArgs is a create of fleet instance 1 with its steps, its state file
// where the golden runner shows it.
func aroundArgs(extra ...string) []string {
	return append([]string{"create", "--region", "cn-hangzhou", "--instance-id", fakeapi.FleetInstance(1),
		"--target-zone", "cn-hangzhou-i", "--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--target-instance-type", "ecs.g7.xlarge",
		"--yes", "--state", "migrations.yaml.state.json"}, extra...)
}

// snapshots checks how many snapshot groups the instance got.
func snapshots(n int) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		if got := srv.Fleet().SnapshotGroups(fakeapi.FleetInstance(1)); len(got) != n {
			t.Errorf("snapshot groups %v; want %d", got, n)
		}
	}
}

// verifications checks how many times the verification ran.
func verifications(n int) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		if got := srv.Fleet().Commands(fakeapi.FleetInstance(1)); len(got) != n {
			t.Errorf("verification runs %q; want %d", got, n)
		}
	}
}

// snapshotBeforeJob checks the order of the cloud's changes: the group was
// accomplished before the create was sent, and the verification ran after
// the job was seen Finished.
func snapshotBeforeJob(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
	t.Helper()
	var order []string
	for _, r := range srv.Requests() {
		switch r.Action {
		case "CreateSnapshotGroup", createAction, "RunCommand":
			order = append(order, r.Action)
		}
	}
	if got := strings.Join(order, ","); !strings.HasPrefix(got, "CreateSnapshotGroup") || strings.Index(got, createAction) > strings.Index(got, "RunCommand") {
		t.Errorf("order of the changes %s; want the snapshot group first, the verification last", got)
	}
}

func TestCreateAround(t *testing.T) {
	wait := []string{"--wait", "--interval", "1ms"}
	withWait := func(extra ...string) []string { return aroundArgs(append(append([]string{}, wait...), extra...)...) }
	failing := strings.Repeat("connection refused\n", 400) + "curl: (7) Failed to connect to localhost port 80\n"
	runApplyGolden(t, []applyCase{
		{name: "snapshot-and-verify", runs: []applyRun{
			{args: withWait("--snapshot", "--verify", "curl -fsS http://localhost/health"),
				check: exits(0, jobsCreated(1), snapshots(1), verifications(1), snapshotBeforeJob)},
			// Run again: everything is done; nothing new is made.
			{args: withWait("--snapshot", "--verify", "curl -fsS http://localhost/health"),
				check: exits(0, jobsCreated(1), snapshots(1), verifications(1))},
		}},
		{name: "snapshot-and-verify-json", runs: []applyRun{
			{args: withWait("--snapshot", "--verify", "curl -fsS http://localhost/health", "-o", "json"),
				check: exits(0, jobsCreated(1), snapshots(1), verifications(1))},
		}},
		{name: "snapshot-failed", fleet: func(fl *fakeapi.Fleet) { fl.FailSnapshot(fakeapi.FleetInstance(1)) }, runs: []applyRun{
			{args: aroundArgs("--snapshot"), check: exits(1, jobsCreated(0), snapshots(1))},
		}},
		{name: "verify-failed", fleet: func(fl *fakeapi.Fleet) {
			fl.SetCommandResult(fakeapi.FleetInstance(1), fakeapi.CommandResult{Status: "Failed", ExitCode: 7, Output: failing})
		}, runs: []applyRun{
			{args: withWait("--verify", "curl -fsS http://localhost/health"), check: exits(5, jobsCreated(1), verifications(1))},
			{args: withWait("--verify", "curl -fsS http://localhost/health", "-o", "json"), check: exits(5, jobsCreated(1), verifications(2))},
		}},
		{name: "verify-timed-out", fleet: func(fl *fakeapi.Fleet) {
			fl.SetCommandResult(fakeapi.FleetInstance(1), fakeapi.CommandResult{Status: "Running"})
		}, runs: []applyRun{
			{args: aroundArgs("--wait", "--interval", "10s", "--verify", "sleep 3600", "--verify-timeout", "1m"), check: exits(5, jobsCreated(1), verifications(1))},
		}},
		{name: "no-agent", fleet: func(fl *fakeapi.Fleet) { fl.RemoveAgent(fakeapi.FleetInstance(1)) }, runs: []applyRun{
			{args: withWait("--verify", "true"), check: exits(3, jobsCreated(0), verifications(0))},
		}},
		{name: "dry-run", runs: []applyRun{
			{args: aroundArgs("--dry-run", "--snapshot", "--verify", "curl -fsS http://localhost/health"), check: exits(0, jobsCreated(0), snapshots(0))},
		}},
		{name: "bad-input", runs: []applyRun{
			{args: aroundArgs("--verify", ""), check: exits(2)},
			{args: aroundArgs("--verify", "true"), check: exits(2)},
			{args: aroundArgs("--backends", "drain"), check: exits(2)},
			{args: aroundArgs("--backends", "restore"), check: exits(2)},
			{args: withWait("--backends", "drain", "--drain-time", "0s"), check: exits(2)},
			{args: withWait("--backends", "drain", "--drain-time", "-5s"), check: exits(2)},
			{args: withWait("--backends", "everything"), check: exits(2)},
			{args: withWait("--drain-time", "1m"), check: exits(2)},
		}},
	})
}
