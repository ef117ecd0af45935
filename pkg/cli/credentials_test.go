package cli

import (
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestCredentials(t *testing.T) {
	cliConfig := `{"current": "default", "profiles": [
  {"name": "default", "mode": "AK", "access_key_id": "LTAI5tWRONGDEFAULT0000", "access_key_secret": "wrong"},
  {"name": "ops", "mode": "AK", "access_key_id": "` + fakeapi.AccessKeyID + `", "access_key_secret": "` + fakeapi.AccessKeySecret + `"}]}`
	const stsToken = "CAIS-fake-sts-token-that-must-never-be-printed"
	runGolden(t, concurrentPreflight([]cliCase{
		{name: "profile-flag", args: args("--profile", "ops"), noCreds: true,
			env:    map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"},
			home:   map[string]string{".aliyun/config.json": cliConfig},
			script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "profile-env", args: args(), noCreds: true,
			env:    map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false", "ALIBABA_CLOUD_PROFILE": "ops"},
			home:   map[string]string{".aliyun/config.json": cliConfig},
			script: createScript(smcFile("CreateCrossZoneMigrationJob.ok"))},
		{name: "profile-unknown", args: args("--profile", "nobody"), noCreds: true,
			env:  map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"},
			home: map[string]string{".aliyun/config.json": cliConfig}, check: nothingSent},
		{name: "sts-token-never-printed", args: args("--debug"),
			env:    map[string]string{"ALIBABA_CLOUD_SECURITY_TOKEN": stsToken},
			script: createScript(smcFile("CreateCrossZoneMigrationJob.ok")),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				if strings.Contains(res.stdout+res.stderr, stsToken) || strings.Contains(res.stdout+res.stderr, fakeapi.AccessKeySecret) {
					t.Error("a secret was printed")
				}
				for _, r := range srv.Requests() {
					if !r.SecurityTok {
						t.Errorf("%s was sent without the STS token", r.Action)
					}
				}
			}},
	}))
}

// A named profile brings its region_id, after --region and
// ALIBABA_CLOUD_REGION_ID; the request's RegionId shows which one won.
func TestProfileRegion(t *testing.T) {
	cliConfig := `{"current": "default", "profiles": [
  {"name": "default", "mode": "AK", "access_key_id": "LTAI5tWRONGDEFAULT0000", "access_key_secret": "wrong", "region_id": "cn-beijing"},
  {"name": "ops", "mode": "AK", "access_key_id": "` + fakeapi.AccessKeyID + `", "access_key_secret": "` + fakeapi.AccessKeySecret + `", "region_id": "cn-shanghai"},
  {"name": "noregion", "mode": "AK", "access_key_id": "` + fakeapi.AccessKeyID + `", "access_key_secret": "` + fakeapi.AccessKeySecret + `"}]}`
	profiles := map[string]string{".aliyun/config.json": cliConfig}
	empty := map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")}
	cliProfiles := map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "false"}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	regionSent := func(want string) func(*testing.T, *fakeapi.Server, runResult) {
		return func(t *testing.T, srv *fakeapi.Server, _ runResult) {
			t.Helper()
			for _, r := range srv.Requests() {
				if got := r.Params.Get("RegionId"); got != want {
					t.Errorf("%s was sent to region %q; want %q", r.Action, got, want)
				}
			}
			if len(srv.Requests()) == 0 {
				t.Error("nothing was sent")
			}
		}
	}
	runGolden(t, []cliCase{
		{name: "profile-flag", args: []string{"list", "--profile", "ops"}, noCreds: true,
			env: cliProfiles, home: profiles, script: empty, check: regionSent("cn-shanghai")},
		{name: "profile-env", args: []string{"list"}, noCreds: true,
			env: with("ALIBABA_CLOUD_PROFILE", "ops"), home: profiles, script: empty, check: regionSent("cn-shanghai")},
		{name: "region-env-wins", args: []string{"list", "--profile", "ops"}, noCreds: true,
			env: with("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou"), home: profiles, script: empty, check: regionSent("cn-hangzhou")},
		{name: "region-flag-wins", args: []string{"list", "--profile", "ops", "--region", "cn-beijing"}, noCreds: true,
			env: with("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou"), home: profiles, script: empty, check: regionSent("cn-beijing")},
		{name: "profile-without-region", args: []string{"list", "--profile", "noregion"}, noCreds: true,
			env: cliProfiles, home: profiles, check: nothingSent},
		// Without a profile named, the config's current profile may give
		// credentials, but not the region: the contract ties it to --profile.
		{name: "current-profile-no-region", args: []string{"list"}, noCreds: true,
			env: cliProfiles, home: profiles, check: nothingSent},
	})
}
