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
