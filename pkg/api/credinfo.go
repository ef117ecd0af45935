package api

import (
	"strings"

	"github.com/aliyun/credentials-go/credentials"
)

// CredentialInfo says which credentials a run uses, without a secret.
type CredentialInfo struct {
	// Source is where the credential chain found them, for people.
	Source string `json:"source"`
	// Provider is credentials-go's name of it, such as default/env.
	Provider string `json:"provider"`
	// AccessKeyID is masked: its first and last four characters.
	AccessKeyID string `json:"access_key_id"`
	// STS is true for temporary credentials (a security token).
	STS bool `json:"sts"`
}

// providerSources name, by the last part of credentials-go's provider name,
// where the credentials came from.
var providerSources = map[string]string{
	"env":             "environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID)",
	"oidc_role_arn":   "OIDC role (ALIBABA_CLOUD_ROLE_ARN)",
	"cli_profile":     "Alibaba Cloud CLI profile (~/.aliyun/config.json)",
	"profile":         "credentials file (~/.alibabacloud/credentials)",
	"ecs_ram_role":    "RAM role of this ECS instance (instance metadata)",
	"credential_uri":  "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)",
	"credentials_uri": "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)",
}

// DescribeCredential reads a credential (for a role, this may fetch it) and
// says where it came from.
func DescribeCredential(cred credentials.Credential) (CredentialInfo, error) {
	m, err := cred.GetCredential()
	if err != nil {
		e := noCredentials("the credential could not be read")
		e.Err = err
		return CredentialInfo{}, e
	}
	info := CredentialInfo{AccessKeyID: MaskKeyID(deref(m.AccessKeyId)), STS: deref(m.SecurityToken) != ""}
	info.Provider = deref(m.ProviderName)
	// The source is the first part of the chain that names one: default/cli_profile/static_ak is a CLI profile.
	for _, part := range strings.Split(info.Provider, "/") {
		if s, ok := providerSources[part]; ok {
			info.Source = s
			break
		}
	}
	if info.Source == "" {
		info.Source = info.Provider
	}
	return info, nil
}

// MaskKeyID keeps the first and last four characters of an AccessKey ID,
// enough to tell keys apart and not enough to use one.
func MaskKeyID(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("*", len(id))
	}
	return id[:4] + strings.Repeat("*", len(id)-8) + id[len(id)-4:]
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
