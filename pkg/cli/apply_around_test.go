package cli

import (
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestApplyAround: a batch whose manifest asks for a snapshot, a drain and a
// verification (in defaults, one entry overriding them) runs each step per
// migration and ends with the memberships restored; bad input is refused
// before any call, each problem at its line.
func TestApplyAround(t *testing.T) {
	nothing := func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) { nothingSent(t, srv, res) }
	var lbs *fakeapi.LoadBalancers
	serve := func(fl *fakeapi.Fleet) {
		lbs = fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(3))
	}
	restored := func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), 0)
		fl := srv.Fleet()
		for _, id := range []string{fakeapi.FleetInstance(1), fakeapi.FleetInstance(2)} {
			if g := fl.SnapshotGroups(id); len(g) != 1 {
				t.Errorf("%s: snapshot groups %v; want 1", id, g)
			}
		}
		if c := fl.Commands(fakeapi.FleetInstance(1)); len(c) != 1 {
			t.Errorf("verifications of instance 1: %q; want 1", c)
		}
		if c := fl.Commands(fakeapi.FleetInstance(2)); len(c) != 0 {
			t.Errorf("verifications of instance 2 (verify: null): %q; want none", c)
		}
	}
	runApplyGolden(t, []applyCase{
		{name: "wait", manifest: "around.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s"), check: exits(0, jobsCreated(2), restored)},
			// Again: every step is done; nothing is sent that changes anything.
			{args: applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s"), check: exits(0, jobsCreated(2), restored)},
		}},
		{name: "wait-json", manifest: "around.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s", "-o", "json"), check: exits(0, jobsCreated(2), restored)},
		}},
		{name: "dry-run", manifest: "around.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: applyArgs("--dry-run"), check: exits(0, jobsCreated(0))},
		}},
		// The flag overrides the manifest: drain, not report.
		{name: "flag-overrides", manifest: "around-one.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s", "--backends", "drain", "--drain-time", "1s"),
				check: exits(0, jobsCreated(1), func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
					checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), 0)
				})},
		}},
		{name: "needs-wait", manifest: "around.yaml", runs: []applyRun{{args: applyArgs("--yes"), check: nothing}}},
		{name: "needs-wait-flag", manifest: "batch.yaml", runs: []applyRun{{args: applyArgs("--yes", "--backends", "drain"), check: nothing}}},
		{name: "bad-fields", manifest: "around-bad.yaml", runs: []applyRun{{args: applyArgs("--dry-run"), check: nothing}}},
		{name: "bad-flags", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--verify", ""), check: nothing},
			{args: applyArgs("--yes", "--wait", "--backends", "drain", "--drain-time", "0s"), check: nothing},
		}},
	})
}

// TestRevertAround: revert takes the steps' flags as apply does: a snapshot
// before the move back, the memberships drained around it and restored on
// the address the instance has once back.
func TestRevertAround(t *testing.T) {
	var lbs *fakeapi.LoadBalancers
	serve := func(fl *fakeapi.Fleet) {
		lbs = fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(3))
	}
	wait := []string{"--yes", "--wait", "--max-unavailable", "1", "--interval", "1s"}
	runApplyGolden(t, []applyCase{
		{name: "drain-snapshot-verify", manifest: "around-one.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: applyArgs(append(wait, "--backends", "drain", "--drain-time", "1s")...), check: exits(0, jobsCreated(1))},
			{args: append(append([]string{"revert", "-f", "migrations.yaml"}, wait...), "--snapshot", "--backends", "drain", "--drain-time", "1s", "--verify", "/opt/app/healthcheck"),
				check: exits(0, jobsCreated(2), func(t *testing.T, srv *fakeapi.Server, dir string, _ runResult) {
					checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), 0)
					if g := srv.Fleet().SnapshotGroups(fakeapi.FleetInstance(1)); len(g) != 1 {
						t.Errorf("snapshot groups %v; want the revert's one", g)
					}
					e := readState(t, dir).Migrations[fakeapi.FleetInstance(1)]
					if e == nil || e.Revert == nil || e.Revert.Around == nil || !e.Revert.Around.Restored || !e.Revert.Around.Verify.Succeeded() {
						t.Errorf("the revert's record of its steps: %+v", e)
					}
				})},
		}},
	})
}

// TestApplyAroundVerifyFailed: a batch whose verification fails ends with
// exit 5, the output's tail and the memberships still drained; the same
// apply after the fix verifies again and restores them.
func TestApplyAroundVerifyFailed(t *testing.T) {
	var lbs *fakeapi.LoadBalancers
	wait := applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s", "--backends", "drain", "--drain-time", "1s", "--verify", "/opt/app/healthcheck")
	runApplyGolden(t, []applyCase{
		{name: "then-fixed", manifest: "around-one.yaml", requests: lbTokens, fleet: func(fl *fakeapi.Fleet) {
			lbs = fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(3))
			fl.SetCommandResult(fakeapi.FleetInstance(1), fakeapi.CommandResult{Script: "/opt/app/healthcheck", Status: "Failed", ExitCode: 2, Output: "HTTP/1.1 503 Service Unavailable\n"})
		}, runs: []applyRun{
			{args: wait, check: exits(5, jobsCreated(1), func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
				checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), -1)
			})},
			// The hint's second command: a verification that passes at once.
			{args: applyArgs("--yes", "--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1s", "--verify", "exit"),
				check: exits(0, jobsCreated(1), func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
					checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), 0)
				})},
			{args: wait, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.SetCommandResult(fakeapi.FleetInstance(1), fakeapi.CommandResult{Status: "Success"})
				return nil
			}, check: exits(0, jobsCreated(1), func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
				checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(3), 0)
			})},
		}},
	})
}
