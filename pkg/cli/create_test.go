package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/preflight"
)

const createAction = "CreateCrossZoneMigrationJob"

// createArgs is a complete create of the recorded instance.
var createArgs = []string{"create", "--region", "cn-hangzhou",
	"--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i",
	"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--target-instance-type", "ecs.g7.xlarge",
	"--disk", "id=d-bp1eeplkn4j29wf70001,category=cloud_essd,pl=PL1", "--yes"}

func args(extra ...string) []string { return append(append([]string{}, createArgs...), extra...) }

func smcFile(name string) fakeapi.Step { return fakeapi.Step{File: "smc/" + name + ".http"} }

// createScript answers the preflight lookups of a healthy instance, then the
// given create steps.
func createScript(steps ...fakeapi.Step) map[string][]fakeapi.Step {
	s := healthyFacts()
	s[createAction] = steps
	return s
}

func TestCreate(t *testing.T) {
	hungCreate := newInterruption()
	runGolden(t, concurrentPreflight([]cliCase{
		{name: "success", args: args(), script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "success-json", args: args("-o", "json"), script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "auto-pay-false-and-token", args: args("--auto-pay=false", "--client-token", "runbook-2026-11-27-i-0001", "--resource-group-id", "rg-acfmw3ty5y70001"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "throttling-then-success", args: args(),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.Throttling"), smcFile("CreateCrossZoneMigrationJob.Throttling.User"), smcFile("CreateCrossZoneMigrationJob.ok")),
			check:  oneJob},
		{name: "internal-error-then-success", args: args("-o", "json"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.InternalError"), smcFile("CreateCrossZoneMigrationJob.ok")),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				oneJob(t, srv, res)
				sameTokenOnEveryCreate(t, srv, 2)
			}},
		{name: "bad-gateway-then-success", args: args(),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.bad-gateway"), smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "response-lost-after-create", args: args(),
			script: createScript(fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.ok.http", Drop: true}, smcFile("CreateCrossZoneMigrationJob.ok")),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				oneJob(t, srv, res)
				sameTokenOnEveryCreate(t, srv, 2)
			}},
		{name: "throttled-every-time", args: args("--max-attempts", "3"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.Throttling.Api"))},
		{name: "internal-error-every-time", args: args("-o", "json"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.InternalError"))},
		{name: "hung-server", args: args("--request-timeout", "150ms", "--max-attempts", "2"),
			script: createScript(fakeapi.Step{Hang: true})},
		{name: "malformed-body", args: args("-o", "json"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob.malformed"))},
		{name: "debug-trace", args: args("--debug"), script: createScript(smcFile("CreateCrossZoneMigrationJob.Throttling"), smcFile("CreateCrossZoneMigrationJob.ok")),
			check: func(t *testing.T, _ *fakeapi.Server, res runResult) {
				for _, secret := range []string{fakeapi.AccessKeySecret, "Signature=", "Authorization"} {
					if strings.Contains(res.stderr, secret) {
						t.Errorf("--debug printed %q", secret)
					}
				}
				if !strings.Contains(res.stderr, "request-id A9DBD2F8-DE5A-5844-BA6F-957A996CBD78") {
					t.Errorf("--debug did not show the request ID")
				}
			}},
		{name: "interrupted", args: args(), script: createScript(hungCreate.step()), ctx: hungCreate.ctx},
		{name: "confirm-yes-on-terminal", args: createArgs[:len(createArgs)-1], stdinTTY: true, stdin: "y\n",
			script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "confirm-no-on-terminal", args: createArgs[:len(createArgs)-1], stdinTTY: true, stdin: "n\n",
			script: createScript()},
		{name: "interrupted-at-prompt", args: createArgs[:len(createArgs)-1], stdinTTY: true, interruptAtPrompt: true,
			script: createScript(),
			check: func(t *testing.T, srv *fakeapi.Server, _ runResult) {
				for _, r := range srv.Requests() {
					if r.Action == createAction {
						t.Error("a create was sent after Ctrl-C at the prompt")
					}
				}
			}},
		{name: "no-credentials", args: args(), noCreds: true},
		{name: "no-credentials-json", args: args("-o", "json"), noCreds: true},
	}))
}

// TestCreateAPIErrors runs every error code of the reference page and the
// common ones, each answered to the create.
func TestCreateAPIErrors(t *testing.T) {
	codes := []string{
		"ReplicationJobDataDiskIndex.Invalid", "VSwitchIdVpcId.Mismatch", "InvalidSecurityGroupId.IncorrectNetworkType",
		"InvalidSecurityGroupId.VPCMismatch", "QuotaExceeded.ReplicationJob", "ReplicationJobName.Duplicate",
		"SourceServerState.Invalid", "EntityNotExist.Role", "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "Forbidden.RAM",
		"IdempotentParameterMismatch",
	}
	var cases []cliCase
	for _, code := range codes {
		cases = append(cases, cliCase{name: code, args: args("-o", "json"),
			script: createScript(smcFile("CreateCrossZoneMigrationJob." + code))})
	}
	cases = append(cases, cliCase{name: "EntityNotExist.Role-text", args: args(),
		script: createScript(smcFile("CreateCrossZoneMigrationJob.EntityNotExist.Role"))})
	// Answered 200 without a JobId: the outcome is unknown, and the repeat
	// with the same token is the way to learn it.
	cases = append(cases, cliCase{name: "no-job-id", args: args(),
		script: createScript(smcFile("CreateCrossZoneMigrationJob.no-job-id"))})
	runGolden(t, concurrentPreflight(cases))
}

// TestCreateBadInput: bad input gets exit 2, a precise message, and sends nothing.
func TestCreateBadInput(t *testing.T) {
	base := []string{"create", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i", "--yes"}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	cases := []cliCase{
		{name: "unknown-flag", args: with("--target-zone-id", "x")},
		{name: "unknown-flag-json", args: with("-o", "json", "--bogus")},
		{name: "no-region", args: []string{"create", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "no-instance", args: []string{"create", "--region", "cn-hangzhou", "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "bad-instance-id", args: []string{"create", "--region", "cn-hangzhou", "--instance-id", "vm-123", "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "bad-region", args: []string{"create", "--region", "Hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "bad-vswitch", args: with("--target-vswitch", "sw-1")},
		{name: "bad-type", args: with("--target-instance-type", "g7.large")},
		{name: "disk-unknown-key", args: with("--disk", "id=d-bp1eeplkn4j29wf70001,size=40")},
		{name: "disk-no-equals", args: with("--disk", "d-bp1eeplkn4j29wf70001")},
		{name: "disk-bad-category", args: with("--disk", "id=d-bp1eeplkn4j29wf70001,category=ssd")},
		{name: "disk-pl-on-ssd", args: with("--disk", "id=d-bp1eeplkn4j29wf70001,category=cloud_ssd,pl=PL1")},
		{name: "disk-bad-pl", args: with("--disk", "id=d-bp1eeplkn4j29wf70001,pl=PL4")},
		{name: "disk-twice", args: with("--disk", "id=d-bp1eeplkn4j29wf70001,pl=PL1", "--disk", "id=d-bp1eeplkn4j29wf70001,pl=PL2")},
		{name: "token-too-long", args: with("--client-token", strings.Repeat("a", 65))},
		{name: "token-empty", args: with("--client-token", "")},
		// Longer than any ID: the API would answer HTTP 414, or a dry run pass.
		{name: "instance-id-too-long", args: []string{"create", "--region", "cn-hangzhou", "--instance-id", "i-" + strings.Repeat("a", 63), "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "region-too-long", args: []string{"create", "--region", "cn-" + strings.Repeat("a", 62), "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i", "--yes"}},
		{name: "zone-too-long", args: with("--target-zone", "cn-hangzhou-"+strings.Repeat("i", 53))},
		{name: "resource-group-too-long", args: with("--resource-group-id", "rg-"+strings.Repeat("a", 62))},
		{name: "token-not-ascii", args: with("--client-token", "tök")},
		{name: "bad-output", args: with("-o", "yaml")},
		{name: "bad-endpoint", args: with("--endpoint", "sms=http://127.0.0.1:1")},
		{name: "bad-endpoint-url", args: with("--endpoint", "smc=ftp://example")},
		{name: "bad-request-timeout", args: with("--request-timeout", "soon")},
		{name: "zero-max-attempts", args: with("--max-attempts", "0")},
		{name: "offline-without-dry-run", args: with("--offline")},
		{name: "unknown-skip-check", args: with("--skip-check", "everything")},
		{name: "not-a-terminal-without-yes", args: base[:len(base)-1]},
		{name: "not-a-terminal-without-yes-json", args: append(base[:len(base)-1:len(base)-1], "-o", "json")},
		{name: "positional-arg", args: with("i-bp1ff25rzvnul6kr0001")},
	}
	for i := range cases {
		cases[i].check = nothingSent
	}
	runGolden(t, cases)
}

// TestCreateOfflineDryRun: offline, no credentials and no request; the local
// checks are evaluated from the flags and the remote ones report skip.
func TestCreateOfflineDryRun(t *testing.T) {
	base := [][2]string{
		{"--region", "cn-hangzhou"}, {"--instance-id", "i-bp1ff25rzvnul6kr0001"}, {"--target-zone", "cn-hangzhou-i"},
		{"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001"},
		{"--source-zone", "cn-hangzhou-h"}, {"--source-instance-type", "ecs.g7.large"},
		{"--target-instance-type", "ecs.g7.xlarge"}, {"--disk", "id=d-bp1eeplkn4j29wf70001,category=cloud_essd,pl=PL1"},
	}
	offline := func(set map[string]string, extra ...string) []string {
		return flagArgs([]string{"create", "--dry-run", "--offline"}, base, set, extra...)
	}
	// expect checks the statuses of the local checks in the JSON document.
	expect := func(want map[string]preflight.Status) func(*testing.T, *fakeapi.Server, runResult) {
		return func(t *testing.T, srv *fakeapi.Server, res runResult) {
			nothingSent(t, srv, res)
			doc := decodeCreate(t, res.stdout)
			for _, r := range doc.Checks {
				w, ok := want[r.ID]
				if !ok {
					w = preflight.Skip
				}
				if r.Status != w {
					t.Errorf("offline %s is %s (%s); want %s", r.ID, r.Status, r.Message, w)
				}
			}
		}
	}
	local := func(changes map[string]preflight.Status) map[string]preflight.Status {
		m := map[string]preflight.Status{
			preflight.RegionZone: preflight.Pass, preflight.ZoneChange: preflight.Pass, preflight.TypeFamily: preflight.Pass,
			preflight.FamilySupported: preflight.Pass, preflight.PrivateIPChange: preflight.Warn,
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	runGolden(t, []cliCase{
		{name: "text", args: offline(nil), noCreds: true, check: nothingSent},
		{name: "json", args: offline(nil, "-o", "json"), noCreds: true, check: expect(local(nil))},
		{name: "no-vswitch", args: offline(map[string]string{"--target-vswitch": ""}, "-o", "json"), noCreds: true,
			check: expect(local(nil))},
		// No "To create it": without a vSwitch the create cannot work; the
		// online dry run it suggests can, and fails only on vswitch-zone.
		{name: "no-vswitch-text", args: offline(map[string]string{"--target-vswitch": ""}), noCreds: true,
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				nothingSent(t, srv, res)
				if strings.Contains(res.stdout, "--yes") {
					t.Errorf("a create is suggested without a vSwitch:\n%s", res.stdout)
				}
				_, line, _ := strings.Cut(res.stdout, "The online dry run lists them:\n  ")
				for action, steps := range healthyFacts() {
					srv.On(action, steps...)
				}
				got := runSuggested(t, strings.TrimSpace(line))
				if got.code != cmdutil.ExitCheckFailed || !strings.Contains(got.stdout, "✗ FAIL  vswitch-zone") {
					t.Errorf("the suggested %q: exit %d\n%s%s", line, got.code, got.stdout, got.stderr)
				}
			}},
		{name: "same-zone", args: offline(map[string]string{"--source-zone": "cn-hangzhou-i"}, "-o", "json"), noCreds: true,
			check: expect(local(map[string]preflight.Status{preflight.ZoneChange: preflight.Fail}))},
		{name: "zone-of-other-region", args: offline(map[string]string{"--target-zone": "cn-beijing-h"}), noCreds: true, check: nothingSent},
		{name: "other-family", args: offline(map[string]string{"--target-instance-type": "ecs.c7.xlarge"}), noCreds: true, check: nothingSent},
		{name: "family-cannot-change-type", args: offline(map[string]string{"--source-instance-type": "ecs.gn7i-c8g1.2xlarge",
			"--target-instance-type": "ecs.gn7i-c16g1.4xlarge"}, "-o", "json"), noCreds: true,
			check: expect(local(map[string]preflight.Status{preflight.FamilySupported: preflight.Fail}))},
		{name: "economy-exception", args: offline(map[string]string{"--source-instance-type": "ecs.e-c1m2.large",
			"--target-instance-type": "ecs.e-c1m2.xlarge"}, "-o", "json"), noCreds: true,
			check: expect(local(nil))},
		{name: "no-source-facts", args: offline(map[string]string{"--source-instance-type": "", "--source-zone": "", "--disk": ""}, "-o", "json"), noCreds: true,
			check: expect(map[string]preflight.Status{preflight.RegionZone: preflight.Pass, preflight.DiskOwner: preflight.Pass,
				preflight.DiskPerformanceLevel: preflight.Pass, preflight.PrivateIPChange: preflight.Warn})},
		{name: "type-unchanged", args: offline(map[string]string{"--target-instance-type": "", "--disk": ""}, "-o", "json"), noCreds: true,
			check: expect(local(map[string]preflight.Status{preflight.DiskOwner: preflight.Pass,
				preflight.DiskPerformanceLevel: preflight.Pass, preflight.BillingChange: preflight.Pass}))},
	})
}

func nothingSent(t *testing.T, srv *fakeapi.Server, _ runResult) {
	t.Helper()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests were sent; want none", n)
	}
}

func oneJob(t *testing.T, srv *fakeapi.Server, _ runResult) {
	t.Helper()
	if n := srv.JobsCreated(); n != 1 {
		t.Errorf("the server created %d jobs; want exactly 1", n)
	}
}

func sameTokenOnEveryCreate(t *testing.T, srv *fakeapi.Server, want int) {
	t.Helper()
	var tokens []string
	for _, r := range srv.Requests() {
		if r.Action == createAction {
			tokens = append(tokens, r.Params.Get("ClientToken"))
		}
	}
	if len(tokens) != want {
		t.Fatalf("%d creates sent; want %d", len(tokens), want)
	}
	for _, tok := range tokens {
		if tok != tokens[0] || tok == "" {
			t.Errorf("creates carried tokens %v; want one token", tokens)
		}
	}
}

// runSuggested runs a command line that zonemove printed, with credentials,
// against the fake server of the test.
func runSuggested(t *testing.T, line string) runResult {
	t.Helper()
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fakeapi.AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fakeapi.AccessKeySecret)
	args := strings.Fields(line)
	if len(args) == 0 || args[0] != "zonemove" {
		t.Fatalf("not a zonemove command line: %q", line)
	}
	f, out, errOut := newTestFactory(false, "")
	code := Run(context.Background(), f, args[1:])
	return runResult{code: code, stdout: out.String(), stderr: errOut.String()}
}
