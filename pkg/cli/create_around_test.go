package cli

import (
	"maps"
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
	wait := []string{"--wait", "--interval", "1s"}
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

// serviceRestored checks the end of every run with drain or restore: each
// membership of the instance at its original weight, once, the NLB one on
// the instance's address now, and the other instance's untouched.
func serviceRestored(lbs **fakeapi.LoadBalancers) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		checkService(t, *lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(2), 0)
	}
}

// serviceDrained checks that the instance's memberships are at weight 0.
func serviceDrained(lbs **fakeapi.LoadBalancers) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ string, _ runResult) {
		t.Helper()
		checkService(t, *lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(2), -1)
	}
}

// checkService: weight -1 wants every weight at 0 (and the NLB registration
// still on the old IP: nothing was restored), else the originals.
func checkService(t *testing.T, l *fakeapi.LoadBalancers, fl *fakeapi.Fleet, id, other string, weight int) {
	t.Helper()
	ip := fl.PrivateIP(id)
	if weight < 0 {
		ip = "172.16.1.23"
	}
	for group, w := range fakeapi.ServiceWeights {
		if weight < 0 {
			w = 0
		}
		mine := 0
		for _, b := range l.Backends(group) {
			switch {
			case b.ServerID == id || (group == fakeapi.ServiceNLBGroup && b.ServerIP == ip):
				mine++
				if b.Weight != w {
					t.Errorf("%s: %s at weight %d; want %d", group, b.ServerID, b.Weight, w)
				}
			case b.ServerID == other || b.ServerIP == "172.16.1.99":
				if b.Weight == 0 {
					t.Errorf("%s: the other server %s was drained", group, b.ServerID)
				}
			default:
				t.Errorf("%s: a registration of nobody: %+v (the old IP left behind?)", group, b)
			}
		}
		if mine != 1 {
			t.Errorf("%s: %d registrations of %s (at %s); want 1: %+v", group, mine, id, ip, l.Backends(group))
		}
	}
}

// lbTokens stands for the ClientToken pkg/lb makes afresh for each ALB and
// NLB write (its value is no test's business; that each write has one is).
func lbTokens(reqs []fakeapi.Request) []fakeapi.Request {
	for i, r := range reqs {
		if r.Service != "alb" && r.Service != "nlb" || r.Params.Get("ClientToken") == "" {
			continue
		}
		p, f := maps.Clone(r.Params), maps.Clone(r.Form)
		p.Set("ClientToken", "(a fresh UUID)")
		if f.Get("ClientToken") != "" {
			f.Set("ClientToken", "(a fresh UUID)")
		}
		reqs[i].Params, reqs[i].Form = p, f
	}
	return reqs
}

func TestCreateAroundLoadBalancers(t *testing.T) {
	var lbs *fakeapi.LoadBalancers
	serve := func(fl *fakeapi.Fleet) {
		lbs = fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(2))
	}
	all := []string{"--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1ms", "--snapshot", "--verify", "/opt/app/healthcheck"}
	runApplyGolden(t, []applyCase{
		{name: "drain-snapshot-verify", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs(all...), check: exits(0, jobsCreated(1), snapshots(1), verifications(1), serviceRestored(&lbs))},
		}},
		// On a terminal each step is shown while it runs, then its line.
		{name: "drain-snapshot-verify-terminal", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs(all...), stderrTTY: true, check: exits(0, jobsCreated(1), serviceRestored(&lbs))},
		}},
		{name: "drain-snapshot-verify-json", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs(append(all, "-o", "json")...), check: exits(0, jobsCreated(1), serviceRestored(&lbs))},
		}},
		{name: "restore", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs("--wait", "--interval", "1s", "--backends", "restore"), check: exits(0, jobsCreated(1), serviceRestored(&lbs))},
		}},
		// The verification fails: the weights stay at 0; the hint's command
		// without --verify brings them back.
		{name: "verify-failed-stays-drained", fleet: func(fl *fakeapi.Fleet) {
			serve(fl)
			fl.SetCommandResult(fakeapi.FleetInstance(1), fakeapi.CommandResult{Status: "Failed", ExitCode: 22, Output: "curl: (22) The requested URL returned error: 503\n"})
		}, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs(all...), check: exits(5, jobsCreated(1), serviceDrained(&lbs))},
			{args: aroundArgs("--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1ms", "--snapshot"),
				check: exits(0, jobsCreated(1), snapshots(1), verifications(1), serviceRestored(&lbs))},
		}},
		// The create is refused: no job, and the weights come back at once.
		{name: "create-refused-undrains", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs("--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1ms"),
				script: func(*fakeapi.Fleet) map[string][]fakeapi.Step {
					return map[string][]fakeapi.Step{createAction: {smcFile("CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob")}}
				}, check: exits(1, jobsCreated(0), func(t *testing.T, srv *fakeapi.Server, dir string, res runResult) {
					checkService(t, lbs, srv.Fleet(), fakeapi.FleetInstance(1), fakeapi.FleetInstance(2), 0)
				})},
		}},
		// The job ends InError: the weights come back (the instance did not move).
		{name: "job-failed-undrains", fleet: func(fl *fakeapi.Fleet) {
			serve(fl)
			fl.FailJob(fakeapi.FleetInstance(1))
		}, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs("--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1ms"),
				check: exits(5, jobsCreated(1), serviceRestored(&lbs))},
		}},
		{name: "dry-run", fleet: serve, requests: lbTokens, runs: []applyRun{
			{args: aroundArgs("--dry-run", "--backends", "drain", "--snapshot", "--verify", "/opt/app/healthcheck"), check: exits(0, jobsCreated(0))},
		}},
	})
}
