package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// dryRunFlags is the dry run of the healthy instance, flag by flag.
var dryRunFlags = [][2]string{
	{"--region", "cn-hangzhou"},
	{"--instance-id", "i-bp1ff25rzvnul6kr0001"},
	{"--target-zone", "cn-hangzhou-i"},
	{"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001"},
	{"--target-instance-type", "ecs.g7.xlarge"},
	{"--disk", "id=d-bp1eeplkn4j29wf70001,category=cloud_essd,pl=PL1"},
}

// dryRun is create --dry-run of the healthy instance with some flags set
// otherwise ("" drops the flag), then extra arguments.
func dryRun(set map[string]string, extra ...string) []string {
	return flagArgs([]string{"create", "--dry-run"}, dryRunFlags, set, extra...)
}

// flagArgs is prefix, then each default flag of flags unless set replaces it
// ("" drops it), then extra.
func flagArgs(prefix []string, flags [][2]string, set map[string]string, extra ...string) []string {
	out := append([]string{}, prefix...)
	for _, fv := range flags {
		v, ok := set[fv[0]]
		if !ok {
			v = fv[1]
		}
		if v != "" {
			out = append(out, fv[0], v)
		}
	}
	return append(out, extra...)
}

// checkCase is one scenario of one check: what differs from the healthy
// instance, and the status the check must report.
type checkCase struct {
	name  string
	id    string
	want  preflight.Status
	set   map[string]string
	extra []string
	facts map[string][]fakeapi.Step
	// serve sets up models on the server (the load balancers).
	serve func(srv *fakeapi.Server)
	// unasked are actions the case must not call: they are not scripted.
	unasked []string
	check   func(t *testing.T, srv *fakeapi.Server, doc *createDocument)
}

// TestChecks runs, for every check, a scenario where it passes and one where
// it fails (warns, for the warnings), against recorded API responses. Each
// asserts the check's status and is compared with its golden file.
func TestChecks(t *testing.T) {
	facts := func(action, file string) map[string][]fakeapi.Step {
		dir := "ecs/"
		switch action {
		case "DescribeVSwitches":
			dir = "vpc/"
		case "DescribeReplicationJobs":
			dir = "smc/"
		}
		return map[string][]fakeapi.Step{action: {{File: dir + action + "." + file + ".http"}}}
	}
	absent := map[string][]fakeapi.Step{
		"DescribeInstances": {ecsFile("DescribeInstances.absent")},
		"DescribeDisks":     {ecsFile("DescribeDisks.absent")},
		"DescribeSnapshots": {ecsFile("DescribeSnapshots.none")},
	}
	cases := []checkCase{
		{name: "region-zone-pass", id: preflight.RegionZone, want: preflight.Pass},
		{name: "region-zone-fail", id: preflight.RegionZone, want: preflight.Fail, set: map[string]string{"--target-zone": "cn-shanghai-b"},
			unasked: []string{"DescribeAvailableResource"},
			check: func(t *testing.T, srv *fakeapi.Server, _ *createDocument) {
				// The zone is not the region's: asking about it would only fail the call.
				noRequest(t, srv, "DescribeAvailableResource")
			}},
		{name: "instance-found-pass", id: preflight.InstanceFound, want: preflight.Pass},
		{name: "instance-found-fail", id: preflight.InstanceFound, want: preflight.Fail, facts: absent,
			check: func(t *testing.T, srv *fakeapi.Server, doc *createDocument) {
				// With the target type given, the family's types and the zone's
				// stock are read in the first wave, with the instance; nothing
				// that depends on the instance is read after it was not found.
				for _, r := range srv.Requests() {
					if r.Action == "DescribeVSwitches" && r.Params.Get("VpcId") != "" {
						t.Errorf("the vSwitches of a VPC were listed for an instance that does not exist: %v", r.Params)
					}
				}
				wantStatus(t, doc, preflight.Spot, preflight.Skip)
			}},
		{name: "instance-status-pass", id: preflight.InstanceStatus, want: preflight.Pass, facts: facts("DescribeInstances", "stopped")},
		{name: "instance-status-fail", id: preflight.InstanceStatus, want: preflight.Fail, facts: facts("DescribeInstances", "starting")},
		{name: "instance-status-fail-locked", id: preflight.InstanceStatus, want: preflight.Fail, facts: facts("DescribeInstances", "locked")},
		{name: "zone-change-pass", id: preflight.ZoneChange, want: preflight.Pass},
		{name: "zone-change-fail", id: preflight.ZoneChange, want: preflight.Fail, facts: facts("DescribeInstances", "in-zone-i")},
		{name: "spot-pass", id: preflight.Spot, want: preflight.Pass},
		{name: "spot-fail", id: preflight.Spot, want: preflight.Fail, facts: facts("DescribeInstances", "spot")},
		{name: "network-vpc-pass", id: preflight.NetworkVPC, want: preflight.Pass},
		{name: "network-vpc-fail", id: preflight.NetworkVPC, want: preflight.Fail, facts: facts("DescribeInstances", "classic"),
			check: func(t *testing.T, _ *fakeapi.Server, doc *createDocument) {
				wantStatus(t, doc, preflight.VSwitchVPC, preflight.Skip)
			}},
		{name: "network-extras-pass", id: preflight.NetworkExtras, want: preflight.Pass},
		{name: "network-extras-fail", id: preflight.NetworkExtras, want: preflight.Fail, facts: facts("DescribeInstances", "ipv6-and-eni")},
		{name: "type-family-pass", id: preflight.TypeFamily, want: preflight.Pass},
		{name: "type-family-pass-no-api-family", id: preflight.TypeFamily, want: preflight.Pass, facts: facts("DescribeInstances", "no-family"),
			check: func(t *testing.T, srv *fakeapi.Server, _ *createDocument) {
				// Without InstanceTypeFamily, the family comes from the type's name.
				wantParam(t, srv, "DescribeInstanceTypes", "InstanceTypeFamily", "ecs.g7")
			}},
		{name: "type-family-fail", id: preflight.TypeFamily, want: preflight.Fail, set: map[string]string{"--target-instance-type": "ecs.c7.large"}},
		{name: "type-family-fail-no-such-type", id: preflight.TypeFamily, want: preflight.Fail, set: map[string]string{"--target-instance-type": "ecs.g7.5xlarge"}},
		{name: "family-supported-pass", id: preflight.FamilySupported, want: preflight.Pass},
		{name: "family-supported-fail", id: preflight.FamilySupported, want: preflight.Fail,
			set:   map[string]string{"--target-instance-type": "ecs.gn7i-c16g1.4xlarge"},
			facts: merge(facts("DescribeInstances", "gn7i"), facts("DescribeInstanceTypes", "gn7i")),
			check: func(t *testing.T, _ *fakeapi.Server, doc *createDocument) {
				wantStatus(t, doc, preflight.TypeFamily, preflight.Pass)
			}},
		{name: "type-in-stock-pass", id: preflight.TypeInStock, want: preflight.Pass},
		{name: "type-in-stock-fail", id: preflight.TypeInStock, want: preflight.Fail, facts: facts("DescribeAvailableResource", "zone-i-g7-xlarge-sold-out"),
			check: func(t *testing.T, _ *fakeapi.Server, doc *createDocument) {
				hintHas(t, doc, preflight.TypeInStock, "ecs.g7.large (2 vCPU, 8 GiB), ecs.g7.4xlarge (16 vCPU, 64 GiB), ecs.g7.8xlarge (32 vCPU, 128 GiB)")
			}},
		{name: "type-in-stock-fail-family-sold-out", id: preflight.TypeInStock, want: preflight.Fail, set: map[string]string{"--target-instance-type": ""},
			facts: facts("DescribeAvailableResource", "zone-i-g7-sold-out")},
		{name: "vswitch-zone-pass", id: preflight.VSwitchZone, want: preflight.Pass,
			check: func(t *testing.T, srv *fakeapi.Server, _ *createDocument) {
				// A usable vSwitch was given: no need to list the others.
				if n := count(srv, "DescribeVSwitches"); n != 1 {
					t.Errorf("%d DescribeVSwitches sent; want 1 (the given vSwitch)", n)
				}
			}},
		{name: "vswitch-zone-fail-missing", id: preflight.VSwitchZone, want: preflight.Fail, set: map[string]string{"--target-vswitch": ""},
			facts: facts("DescribeVSwitches", "vpc-in-zone-i"),
			check: func(t *testing.T, srv *fakeapi.Server, doc *createDocument) {
				// The VPC's vSwitches are listed once, in every zone (a batch
				// shares the list); those of the target zone are offered.
				wantParam(t, srv, "DescribeVSwitches", "VpcId", "vpc-bp1opxu1zkhn00gzv0001")
				hintHas(t, doc, preflight.VSwitchZone, `vsw-bp1mxqnssl8nafltc0001 "app-i" 172.16.2.0/24, 252 free IPs`)
				hintHas(t, doc, preflight.VSwitchZone, `vsw-bp1mxqnssl8nafltc0003 "web-i" 172.16.8.0/22, 1018 free IPs`)
				if h := result(doc, preflight.VSwitchZone).Hint; strings.Contains(h, "vsw-bp1mxqnssl8nafltc0002") {
					t.Errorf("the hint lists a vSwitch without free IPs: %s", h)
				}
			}},
		{name: "vswitch-zone-fail-other-zone", id: preflight.VSwitchZone, want: preflight.Fail, set: map[string]string{"--target-vswitch": "vsw-bp1ddbrxdlrcbim4v0001"},
			facts: map[string][]fakeapi.Step{"DescribeVSwitches": {vpcFile("DescribeVSwitches.current-zone-h"), vpcFile("DescribeVSwitches.vpc-in-zone-i")}}},
		{name: "vswitch-zone-fail-unknown", id: preflight.VSwitchZone, want: preflight.Fail, set: map[string]string{"--target-vswitch": "vsw-bp1mxqnssl8nafltc9999"},
			facts: map[string][]fakeapi.Step{"DescribeVSwitches": {vpcFile("DescribeVSwitches.unknown"), vpcFile("DescribeVSwitches.vpc-in-zone-i-full")}}},
		{name: "vswitch-vpc-pass", id: preflight.VSwitchVPC, want: preflight.Pass},
		{name: "vswitch-vpc-fail", id: preflight.VSwitchVPC, want: preflight.Fail, set: map[string]string{"--target-vswitch": "vsw-bp1mxqnssl8nafltc0009"},
			facts: map[string][]fakeapi.Step{"DescribeVSwitches": {vpcFile("DescribeVSwitches.other-vpc"), vpcFile("DescribeVSwitches.vpc-in-zone-i")}}},
		{name: "vswitch-ips-pass", id: preflight.VSwitchIPs, want: preflight.Pass},
		{name: "vswitch-ips-fail", id: preflight.VSwitchIPs, want: preflight.Fail,
			facts: map[string][]fakeapi.Step{"DescribeVSwitches": {vpcFile("DescribeVSwitches.target-full"), vpcFile("DescribeVSwitches.vpc-in-zone-i")}}},
		{name: "disk-owner-pass", id: preflight.DiskOwner, want: preflight.Pass},
		{name: "disk-owner-fail", id: preflight.DiskOwner, want: preflight.Fail, set: map[string]string{"--disk": "id=d-bp1eeplkn4j29wf79999,category=cloud_essd"}},
		{name: "disk-performance-level-pass", id: preflight.DiskPerformanceLevel, want: preflight.Pass},
		{name: "disk-performance-level-fail-size", id: preflight.DiskPerformanceLevel, want: preflight.Fail, set: map[string]string{"--disk": "id=d-bp1eeplkn4j29wf70001,pl=PL2"}},
		{name: "disk-performance-level-fail-category", id: preflight.DiskPerformanceLevel, want: preflight.Fail, set: map[string]string{"--disk": "id=d-bp1eeplkn4j29wf70001,pl=PL1"},
			facts: facts("DescribeDisks", "efficiency")},
		{name: "active-job-pass", id: preflight.ActiveJob, want: preflight.Pass, facts: facts("DescribeReplicationJobs", "instance-finished")},
		{name: "active-job-fail", id: preflight.ActiveJob, want: preflight.Fail, facts: facts("DescribeReplicationJobs", "instance-inerror")},
		{name: "active-job-fail-running", id: preflight.ActiveJob, want: preflight.Fail, facts: facts("DescribeReplicationJobs", "instance-running")},
		{name: "recent-snapshot-pass", id: preflight.RecentSnapshot, want: preflight.Pass},
		{name: "recent-snapshot-warn", id: preflight.RecentSnapshot, want: preflight.Warn, facts: facts("DescribeSnapshots", "old")},
		{name: "instance-stop-pass", id: preflight.InstanceStop, want: preflight.Pass, facts: facts("DescribeInstances", "stopped")},
		{name: "instance-stop-warn", id: preflight.InstanceStop, want: preflight.Warn},
		{name: "billing-change-pass", id: preflight.BillingChange, want: preflight.Pass, set: map[string]string{"--target-instance-type": ""}},
		// ecs.g7.large to ecs.g7.xlarge, pay-as-you-go: an upgrade at twice the price.
		{name: "billing-change-warn-upgrade", id: preflight.BillingChange, want: preflight.Warn},
		{name: "billing-change-warn", id: preflight.BillingChange, want: preflight.Warn, facts: facts("DescribeInstances", "prepaid"),
			check: func(t *testing.T, srv *fakeapi.Server, doc *createDocument) {
				// The stock asked about is the subscription one.
				wantParam(t, srv, "DescribeAvailableResource", "InstanceChargeType", "PrePaid")
				if doc.Impact == nil || doc.Impact.ChargeType != "PrePaid" || !strings.Contains(doc.Impact.Billing, "subscription") {
					t.Errorf("impact billing = %+v; want the subscription's", doc.Impact)
				}
			}},
		{name: "private-ip-skip", id: preflight.PrivateIPChange, want: preflight.Skip, facts: absent},
		{name: "private-ip-warn", id: preflight.PrivateIPChange, want: preflight.Warn},
		{name: "lb-backends-pass", id: preflight.LBBackends, want: preflight.Pass},
		{name: "lb-backends-pass-by-instance", id: preflight.LBBackends, want: preflight.Pass, serve: func(srv *fakeapi.Server) {
			l := fakeapi.NewLoadBalancers(srv)
			l.AddCLB("lb-bp1clb0000000001")
			l.AddCLBBackend("lb-bp1clb0000000001", "", fakeapi.Backend{ServerID: "i-bp1ff25rzvnul6kr0001", Type: "ecs", Weight: 100})
			l.AddServerGroup("alb", "sgp-alb0000000000001", "Instance", "alb-bp1alb000000001")
			l.AddServer("sgp-alb0000000000001", fakeapi.Backend{ServerID: "i-bp1ff25rzvnul6kr0001", Type: "Ecs", Port: 8080, Weight: 80})
		}},
		{name: "lb-backends-warn", id: preflight.LBBackends, want: preflight.Warn, serve: func(srv *fakeapi.Server) {
			l := fakeapi.NewLoadBalancers(srv)
			l.AddVServerGroup("lb-bp1clb0000000001", "rsp-bp1vsg00000001")
			l.AddCLBBackend("lb-bp1clb0000000001", "rsp-bp1vsg00000001", fakeapi.Backend{ServerID: "i-bp1ff25rzvnul6kr0001", Type: "ecs", Port: 80, Weight: 50})
			l.AddServerGroup("nlb", "sgp-nlb0000000000002", "Ip", "nlb-bp1nlb000000001")
			l.AddServer("sgp-nlb0000000000002", fakeapi.Backend{ServerID: "172.16.1.23", Type: "Ip", ServerIP: "172.16.1.23", Port: 443, Weight: 30})
		}, check: func(t *testing.T, srv *fakeapi.Server, doc *createDocument) {
			if m := result(doc, preflight.LBBackends).Message; !strings.Contains(m, "by IP 172.16.1.23 port 443 weight 30") {
				t.Errorf("lb-backends does not name the registration by IP: %s", m)
			}
		}},
	}
	var cc []cliCase
	covered := map[string]map[preflight.Status]bool{}
	for _, c := range cases {
		c := c
		if covered[c.id] == nil {
			covered[c.id] = map[preflight.Status]bool{}
		}
		covered[c.id][c.want] = true
		script := withFacts(c.facts)
		for _, a := range c.unasked {
			delete(script, a)
		}
		cc = append(cc, cliCase{name: c.name, args: dryRun(c.set, append(c.extra, "-o", "json")...), script: script, serve: c.serve,
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				doc := decodeCreate(t, res.stdout)
				wantStatus(t, doc, c.id, c.want)
				wantExit := cmdutil.ExitOK
				if len(preflight.Failed(doc.Checks)) > 0 {
					wantExit = cmdutil.ExitCheckFailed
				}
				if res.code != wantExit {
					t.Errorf("exit code %d; want %d", res.code, wantExit)
				}
				if n := count(srv, createAction); n != 0 {
					t.Errorf("a dry run sent %d creates", n)
				}
				if c.check != nil {
					c.check(t, srv, doc)
				}
			}})
	}
	for _, id := range preflight.IDs {
		pass, bad := preflight.Pass, preflight.Fail
		switch id {
		case preflight.RecentSnapshot, preflight.InstanceStop, preflight.BillingChange, preflight.LBBackends:
			bad = preflight.Warn
		case preflight.PrivateIPChange:
			pass, bad = preflight.Skip, preflight.Warn // it warns whenever it can run
		}
		if !covered[id][pass] || !covered[id][bad] {
			t.Errorf("check %s lacks a %s or a %s scenario", id, pass, bad)
		}
	}
	runGolden(t, concurrentPreflight(cc))
}

// TestChecksSkipOnRequest: --skip-check turns the named failure into a
// warning that says so, and the dry run passes.
func TestChecksSkipOnRequest(t *testing.T) {
	runGolden(t, concurrentPreflight([]cliCase{
		// What the API cannot do cannot be accepted: a usage error, nothing sent.
		{name: "unskippable", args: dryRun(nil, "--skip-check", "spot"), check: exitNothingSent(cmdutil.ExitUsage)},
		{name: "unskippable-json", args: dryRun(nil, "--skip-check", "zone-change", "-o", "json"), check: exitNothingSent(cmdutil.ExitUsage)},
		// A check that passes or only warns: the skip says it had nothing to skip.
		{name: "skip-passing-check", args: dryRun(nil, "--skip-check", "vswitch-ips", "--skip-check", "private-ip"), script: healthyFacts(),
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				for _, want := range []string{"(--skip-check vswitch-ips had nothing to skip: the check passed)",
					"(--skip-check private-ip had nothing to skip: the check only warns)"} {
					if !strings.Contains(res.stdout, want) {
						t.Errorf("no %q in\n%s", want, res.stdout)
					}
				}
			}},
		{name: "skip-active-job", args: dryRun(nil, "--skip-check", "active-job"),
			script: withFacts(map[string][]fakeapi.Step{"DescribeReplicationJobs": {smcFile("DescribeReplicationJobs.instance-inerror")}}),
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				if res.code != cmdutil.ExitOK || !strings.Contains(res.stdout, "skipped on request (--skip-check active-job)") {
					t.Errorf("exit %d; want 0 and the check shown as skipped on request", res.code)
				}
			}},
		{name: "skip-one-of-two", args: dryRun(map[string]string{"--target-vswitch": ""}, "--skip-check", "active-job", "-o", "json"),
			script: withFacts(map[string][]fakeapi.Step{
				"DescribeReplicationJobs": {smcFile("DescribeReplicationJobs.instance-inerror")},
				"DescribeVSwitches":       {vpcFile("DescribeVSwitches.vpc-in-zone-i")},
			}),
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				doc := decodeCreate(t, res.stdout)
				wantStatus(t, doc, preflight.ActiveJob, preflight.Warn)
				wantStatus(t, doc, preflight.VSwitchZone, preflight.Fail)
				if res.code != cmdutil.ExitCheckFailed {
					t.Errorf("exit %d; want %d", res.code, cmdutil.ExitCheckFailed)
				}
			}},
	}))
}

// TestCreateDryRun is the full dry run of the healthy instance, for people and
// for scripts, and one with failures as a person sees them.
func TestCreateDryRun(t *testing.T) {
	runGolden(t, concurrentPreflight([]cliCase{
		{name: "text", args: dryRun(nil), script: healthyFacts()},
		{name: "json", args: dryRun(nil, "-o", "json"), script: healthyFacts()},
		{name: "failures-text", args: dryRun(map[string]string{"--target-vswitch": "", "--disk": "id=d-bp1eeplkn4j29wf70001,pl=PL2"}),
			script: withFacts(map[string][]fakeapi.Step{
				"DescribeInstances":       {ecsFile("DescribeInstances.prepaid")},
				"DescribeSnapshots":       {ecsFile("DescribeSnapshots.old")},
				"DescribeReplicationJobs": {smcFile("DescribeReplicationJobs.instance-inerror")},
				"DescribeVSwitches":       {vpcFile("DescribeVSwitches.vpc-in-zone-i")},
			})},
		{name: "data-disk", args: dryRun(map[string]string{"--disk": "id=d-bp1eeplkn4j29wf70002,pl=PL2"}),
			script: withFacts(map[string][]fakeapi.Step{"DescribeDisks": {ecsFile("DescribeDisks.with-data")}})},
		{name: "lookup-throttled-then-ok", args: dryRun(nil, "--debug"),
			script: withFacts(map[string][]fakeapi.Step{"DescribeAvailableResource": {
				{File: "ecs/DescribeAvailableResource.throttled.http"}, ecsFile("DescribeAvailableResource.zone-i")}})},
		{name: "lookup-denied", args: dryRun(nil, "-o", "json"),
			// Every read of the wave arrives before any is answered, so that the
			// denial cancels none still under way and the requests are the same each run.
			script: heldTogether(withFacts(map[string][]fakeapi.Step{
				"DescribeAvailableResource": {ecsFile("DescribeAvailableResource.forbidden")}})),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				if res.code != cmdutil.ExitAuth {
					t.Errorf("exit %d; want %d", res.code, cmdutil.ExitAuth)
				}
			}},
		{name: "snapshots-denied", args: dryRun(nil, "-o", "json"),
			script: withFacts(map[string][]fakeapi.Step{"DescribeSnapshots": {ecsFile("DescribeSnapshots.forbidden")}}),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				// The snapshots only feed a warning: the preflight goes on.
				if res.code != cmdutil.ExitOK {
					t.Errorf("exit %d; want %d", res.code, cmdutil.ExitOK)
				}
				wantStatus(t, decodeCreate(t, res.stdout), preflight.RecentSnapshot, preflight.Warn)
			}},
	}))
}

func merge(ms ...map[string][]fakeapi.Step) map[string][]fakeapi.Step {
	out := map[string][]fakeapi.Step{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func decodeCreate(t *testing.T, stdout string) *createDocument {
	t.Helper()
	var doc createDocument
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("stdout is not create's JSON document: %v\n%s", err, stdout)
	}
	return &doc
}

func result(doc *createDocument, id string) preflight.Result {
	for _, r := range doc.Checks {
		if r.ID == id {
			return r
		}
	}
	return preflight.Result{}
}

func wantStatus(t *testing.T, doc *createDocument, id string, want preflight.Status) {
	t.Helper()
	r := result(doc, id)
	if r.Status != want {
		t.Errorf("check %s is %q (%s); want %q", id, r.Status, r.Message, want)
	}
	if (want == preflight.Fail || want == preflight.Warn) && r.Hint == "" {
		t.Errorf("check %s is %s without a hint", id, want)
	}
}

func hintHas(t *testing.T, doc *createDocument, id, want string) {
	t.Helper()
	if h := result(doc, id).Hint; !strings.Contains(h, want) {
		t.Errorf("hint of %s lacks %q:\n%s", id, want, h)
	}
}

func count(srv *fakeapi.Server, action string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == action {
			n++
		}
	}
	return n
}

func noRequest(t *testing.T, srv *fakeapi.Server, action string) {
	t.Helper()
	if n := count(srv, action); n != 0 {
		t.Errorf("%d %s sent; want none", n, action)
	}
}

func wantParam(t *testing.T, srv *fakeapi.Server, action, key, want string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Action == action && r.Params.Get(key) == want {
			return
		}
	}
	t.Errorf("no %s with %s=%s was sent", action, key, want)
}

// TestRunChecksOfflineBuildsNoSession: offline, RunChecks resolves no
// credential and builds no client, whatever the environment holds.
func TestRunChecksOfflineBuildsNoSession(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeapi.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeapi.AccessKeySecret)
	f, _, _ := newTestFactory(false, "")
	f.Global.Region = "cn-hangzhou"
	spec := &migration.Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i", TargetVSwitch: "vsw-bp1mxqnssl8nafltc0001"}
	report, err := f.Checker("cn-hangzhou", nil)(context.Background(), preflight.Request{Spec: spec, Offline: true, SourceZone: "cn-hangzhou-h"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.sessions) != 0 || len(f.gatherers) != 0 {
		t.Errorf("offline preflight built a session or a gatherer")
	}
	if len(preflight.Failed(report.Checks)) > 0 || report.Impact == nil {
		t.Errorf("report: %+v", report)
	}
}

// heldTogether holds the first answer of every action until all of them have
// arrived: one parallel wave, answered only once it is all in flight.
func heldTogether(script map[string][]fakeapi.Step) map[string][]fakeapi.Step {
	b := fakeapi.NewBarrier(len(script))
	for action, steps := range script {
		steps[0].Barrier = b
		script[action] = steps
	}
	return script
}

// exitNothingSent checks the exit code of a run that must send nothing.
func exitNothingSent(code int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, res runResult) {
		t.Helper()
		if res.code != code || len(srv.Requests()) != 0 {
			t.Errorf("exit %d after %d requests; want %d and none", res.code, len(srv.Requests()), code)
		}
	}
}

// A hint offers a skip only for failing checks that may be skipped: never
// spot, manifest-changed, or the others the API refuses.
func TestSkipOfferedOnlyForSkippableChecks(t *testing.T) {
	failed := func(ids ...string) []preflight.Result {
		var out []preflight.Result
		for _, id := range ids {
			out = append(out, preflight.Result{ID: id, Status: preflight.Fail})
		}
		return out
	}
	for _, tc := range []struct {
		failed []string
		want   string
	}{
		{[]string{preflight.Spot}, "fix what the failing checks say"},
		{[]string{preflight.Spot, "manifest-changed", preflight.ZoneChange}, "fix what the failing checks say"},
		{[]string{preflight.Spot, preflight.TypeInStock}, "fix what the failing checks say, or accept it on purpose with --skip-check type-in-stock"},
	} {
		if got := hintFor(checksFailedError(failed(tc.failed...)), cmdutil.Commands{}); got != tc.want {
			t.Errorf("%v: hint %q; want %q", tc.failed, got, tc.want)
		}
	}
}
