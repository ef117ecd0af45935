package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// doctorScript answers every probe of zonemove doctor as an allowed call.
func doctorScript(replace ...any) map[string][]fakeapi.Step {
	s := map[string][]fakeapi.Step{
		"DescribeReplicationJobs":      {smcFile("DescribeReplicationJobs.empty")},
		"DescribeInstances":            {ecsFile("DescribeInstances.healthy")},
		"DescribeDisks":                {ecsFile("DescribeDisks.healthy")},
		"DescribeSnapshots":            {ecsFile("DescribeSnapshots.none")},
		"DescribeAvailableResource":    {ecsFile("DescribeAvailableResource.zones")},
		"DescribeInstanceTypes":        {ecsFile("DescribeInstanceTypes.g7")},
		"DescribeVSwitches":            {vpcFile("DescribeVSwitches.target")},
		"DescribeSnapshotGroups":       {ecsFile("DescribeSnapshotGroups.accomplished")},
		"DescribeCloudAssistantStatus": {ecsFile("DescribeCloudAssistantStatus.running")},
		"DescribeInvocationResults":    {ecsFile("DescribeInvocationResults.success")},
		"DescribeLoadBalancers":        {{File: "slb/DescribeLoadBalancers.example.http"}},
		"ListAsynJobs":                 {{File: "alb/ListAsynJobs.example.http"}},
		// ALB and NLB share these names: each answers its own example.
		"ListServerGroups":       {byService("ListServerGroups")},
		"ListServerGroupServers": {byService("ListServerGroupServers")},
	}
	for i := 0; i+1 < len(replace); i += 2 {
		s[replace[i].(string)] = []fakeapi.Step{replace[i+1].(fakeapi.Step)}
	}
	return s
}

// byService answers an action that ALB and NLB share with the recorded
// example of the product asked.
func byService(action string) fakeapi.Step {
	return fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		_, _, body, err := fakeapi.ReadRecorded(filepath.Join(repoRoot, "testdata", "api", r.Service, action+".example.http"))
		if err != nil {
			return 500, map[string]string{"Code": "FakeMisconfigured", "Message": err.Error()}
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			return 500, map[string]string{"Code": "FakeMisconfigured", "Message": err.Error()}
		}
		return 200, v
	}}
}

// firstProbeOnly answers doctor's first probe with step; a run that stops
// there asks nothing else.
func firstProbeOnly(step fakeapi.Step) map[string][]fakeapi.Step {
	return map[string][]fakeapi.Step{cloud.Probes[0].Action: {step}}
}

// onlyProbes checks that doctor sent one read of each probed action and
// nothing else: no create, resume or delete, ever.
func onlyProbes(t *testing.T, srv *fakeapi.Server, _ runResult) {
	t.Helper()
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Action)
	}
	var want []string
	for _, p := range cloud.Probes {
		want = append(want, p.Action)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("doctor sent %v; want one probe each: %v", got, want)
	}
}

// oneProbe checks that doctor stopped after the first probe: the key was
// rejected, and every other call would be refused the same way.
func oneProbe(t *testing.T, srv *fakeapi.Server, _ runResult) {
	t.Helper()
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("doctor sent %d requests after the key was rejected; want 1", n)
	}
}

func TestDoctor(t *testing.T) {
	cliConfig := `{"current": "default", "profiles": [
  {"name": "ops", "mode": "AK", "access_key_id": "` + fakeapi.AccessKeyID + `", "access_key_secret": "` + fakeapi.AccessKeySecret + `", "region_id": "cn-hangzhou"}]}`
	runGolden(t, []cliCase{
		{name: "allowed", args: []string{"doctor", "--region", "cn-hangzhou"}, script: doctorScript(), check: onlyProbes},
		{name: "allowed-json", args: []string{"doctor", "--region", "cn-hangzhou", "-o", "json"}, script: doctorScript(), check: onlyProbes},
		{name: "denied-one-action", args: []string{"doctor", "--region", "cn-hangzhou"},
			script: doctorScript("DescribeSnapshots", ecsFile("DescribeSnapshots.forbidden")), check: onlyProbes},
		{name: "denied-one-action-json", args: []string{"doctor", "--region", "cn-hangzhou", "-o", "json"},
			script: doctorScript("DescribeSnapshots", ecsFile("DescribeSnapshots.forbidden")), check: onlyProbes},
		{name: "server-error", args: []string{"doctor", "--region", "cn-hangzhou", "--max-attempts", "1"},
			script: doctorScript("DescribeReplicationJobs", smcFile("DescribeReplicationJobs.ServiceUnavailable")), check: onlyProbes},
		{name: "no-credentials", args: []string{"doctor", "--region", "cn-hangzhou"}, noCreds: true, check: nothingSent},
		{name: "no-credentials-json", args: []string{"doctor", "--region", "cn-hangzhou", "-o", "json"}, noCreds: true, check: nothingSent},
		{name: "profile", args: []string{"doctor", "--profile", "ops"}, noCreds: true,
			env:  map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"},
			home: map[string]string{".aliyun/config.json": cliConfig}, script: doctorScript(), check: onlyProbes},
		{name: "sts", args: []string{"doctor", "--region", "cn-hangzhou"},
			env: map[string]string{"ALIBABA_CLOUD_SECURITY_TOKEN": "CAIS-fake-sts-token"}, script: doctorScript(),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				onlyProbes(t, srv, res)
				if strings.Contains(res.stdout+res.stderr, fakeapi.AccessKeyID) || strings.Contains(res.stdout+res.stderr, "CAIS-fake") {
					t.Error("doctor printed a key ID unmasked or a token")
				}
			}},
		// Without a region doctor still reports the credentials (issue 18.5).
		{name: "no-region", args: []string{"doctor"}, check: nothingSent},
		// A rejected key is a key problem, not a missing policy: one probe,
		// exit 4, the key's source named (issue 18.5).
		{name: "key-not-found", args: []string{"doctor", "--region", "cn-hangzhou"},
			script: firstProbeOnly(smcFile("DescribeReplicationJobs.InvalidAccessKeyId.NotFound")), check: oneProbe},
		{name: "key-not-found-json", args: []string{"doctor", "--region", "cn-hangzhou", "-o", "json"},
			script: firstProbeOnly(smcFile("DescribeReplicationJobs.InvalidAccessKeyId.NotFound")), check: oneProbe},
		{name: "wrong-secret", args: []string{"doctor", "--region", "cn-hangzhou"},
			script: firstProbeOnly(smcFile("DescribeReplicationJobs.SignatureDoesNotMatch")), check: oneProbe},
		{name: "clock-off", args: []string{"doctor", "--region", "cn-hangzhou"},
			script: firstProbeOnly(smcFile("DescribeReplicationJobs.InvalidTimeStamp.Expired")), check: oneProbe},
		// A profile that cannot give the region says why (issue 18.5).
		{name: "profile-config-missing", env: map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}, args: []string{"doctor", "--profile", "ops"}, check: nothingSent},
		{name: "profile-config-malformed", env: map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}, args: []string{"doctor", "--profile", "ops"}, check: nothingSent,
			home: map[string]string{".aliyun/config.json": `{"profiles": [`}},
		{name: "profile-unknown", env: map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}, args: []string{"doctor", "--profile", "opz"}, check: nothingSent,
			home: map[string]string{".aliyun/config.json": cliConfig}},
		{name: "profile-without-region", env: map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}, args: []string{"types", "--profile", "ops", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i"}, check: nothingSent,
			home: map[string]string{".aliyun/config.json": strings.Replace(cliConfig, `"region_id": "cn-hangzhou"`, `"region_id": ""`, 1)}},
	})
}

// Every API action the code calls is either probed by doctor or named as not
// probed, so that a new action cannot slip past it (and the RAM policy).
func TestDoctorKnowsEveryAction(t *testing.T) {
	actionName := regexp.MustCompile(`"((?:Describe|Create|Start|Delete|Stop|Modify|List|Get|Add|Set|Remove|Update)[A-Z][A-Za-z]+)"`)
	called := map[string]bool{}
	for _, dir := range []string{"../smc", "../cloud", "../slb", "../alb", "../nlb"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range actionName.FindAllStringSubmatch(string(src), -1) {
				called[m[1]] = true
			}
		}
	}
	known := map[string]bool{}
	for _, p := range cloud.Probes {
		known[p.Action] = true
	}
	for _, u := range unprobed {
		_, action, _ := strings.Cut(u.action, ":")
		known[action] = true
	}
	for action := range called {
		if !known[action] {
			t.Errorf("%s is called but zonemove doctor neither probes it nor names it", action)
		}
	}
	if len(called) < len(cloud.Probes) {
		t.Errorf("found %d actions in the code, fewer than the %d probes: the pattern is stale", len(called), len(cloud.Probes))
	}
}
