package api

import (
	"fmt"
	"os"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/zonemove/zonemove/pkg/apierr"
)

// CredentialHelp says how to provide credentials; it ends every "no
// credentials" error.
const CredentialHelp = `Provide credentials in one of these ways:
  - export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS)
  - configure the Alibaba Cloud CLI ('aliyun configure') and pick a profile with --profile or ALIBABA_CLOUD_PROFILE
  - write ~/.alibabacloud/credentials, use OIDC (ALIBABA_CLOUD_OIDC_*), or run on ECS with a RAM role
To try zonemove without an account, add --dry-run --offline to a create: it needs no credentials.`

// LoadCredential resolves credentials once, through the official default chain
// or, when profile is set, through that profile of the CLI config file. It
// fails with an *apierr.Error of code NoCredentials before anything is sent.
func LoadCredential(profile string) (credentials.Credential, error) {
	var provider providers.CredentialsProvider
	if profile != "" {
		p, err := providers.NewCLIProfileCredentialsProviderBuilder().WithProfileName(profile).Build()
		if err != nil {
			return nil, noCredentials(fmt.Sprintf("profile %q: %v", profile, err))
		}
		provider = p
	} else {
		provider = providers.NewDefaultCredentialsProvider()
	}
	cred := credentials.FromCredentialsProvider("default", provider)
	if _, err := cred.GetCredential(); err != nil {
		if profile != "" {
			detail := fmt.Sprintf("profile %q could not be used from the Alibaba Cloud CLI config (~/.aliyun/config.json, or ALIBABA_CLOUD_CONFIG_FILE)", profile)
			if _, perr := ProfileRegion(profile, os.Getenv); perr != nil {
				detail = perr.Error() // which it is: missing, unreadable, malformed, unknown
			}
			e := noCredentials(detail)
			e.Err = err
			return nil, e
		}
		e := noCredentials("looked in the environment, OIDC, the CLI config, ~/.alibabacloud/credentials and the ECS RAM role")
		e.Err = err
		return nil, e
	}
	return cred, nil
}

func noCredentials(detail string) *apierr.Error {
	return &apierr.Error{Service: "credentials", Action: "load", Code: apierr.CodeNoCredentials,
		Message: "no usable Alibaba Cloud credentials (" + detail + ")"}
}
