package api_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/smc"
)

func TestParseEndpointURL(t *testing.T) {
	good := map[string]api.Endpoint{
		"http://127.0.0.1:8080":          {Protocol: "http", Host: "127.0.0.1:8080"},
		"https://smc.aliyuncs.com":       {Protocol: "https", Host: "smc.aliyuncs.com"},
		"smc-vpc.aliyuncs.com":           {Protocol: "https", Host: "smc-vpc.aliyuncs.com"},
		"https://[::1]:8443/":            {Protocol: "https", Host: "[::1]:8443"},
		" ecs.cn-hangzhou.aliyuncs.com ": {Protocol: "https", Host: "ecs.cn-hangzhou.aliyuncs.com"},
	}
	for in, want := range good {
		got, err := api.ParseEndpointURL(in)
		if err != nil || got != want {
			t.Errorf("ParseEndpointURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "http://", "http://h/path", "http://u:p@h", "h?x=1", "http://h:99999", "http://h:port"} {
		if _, err := api.ParseEndpointURL(bad); err == nil {
			t.Errorf("ParseEndpointURL(%q) accepted", bad)
		}
	}
}

func TestResolveEndpoints(t *testing.T) {
	env := map[string]string{"ZONEMOVE_ENDPOINT_SMC": "http://127.0.0.1:1", "ZONEMOVE_ENDPOINT_ECS": "ecs.example.com"}
	eps, err := api.ResolveEndpoints([]string{"SMC=http://127.0.0.1:2"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if eps[api.SMC].Host != "127.0.0.1:2" || eps[api.ECS].Host != "ecs.example.com" || len(eps) != 2 {
		t.Errorf("flag must win over env: %+v", eps)
	}
	if _, err := api.ResolveEndpoints([]string{"rds=http://h"}, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "unknown service") {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := api.ResolveEndpoints(nil, func(k string) string { return map[string]string{"ZONEMOVE_ENDPOINT_VPC": "gopher://x"}[k] }); err == nil || !strings.Contains(err.Error(), "ZONEMOVE_ENDPOINT_VPC") {
		t.Errorf("bad env value must name the variable: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	p := api.Policy{BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}
	for n, ceil := range map[int]time.Duration{1: 200 * time.Millisecond, 2: 400 * time.Millisecond, 3: 800 * time.Millisecond, 6: 5 * time.Second, 30: 5 * time.Second} {
		for i := 0; i < 200; i++ {
			d := p.Backoff(n)
			if d < ceil/2 || d > ceil {
				t.Fatalf("Backoff(%d) = %s; want within [%s, %s]", n, d, ceil/2, ceil)
			}
		}
	}
}

func TestErrorClassification(t *testing.T) {
	retry := []apierr.Error{{Code: "Throttling"}, {Code: "Throttling.User"}, {Code: "Throttling.Api"}, {Code: "ServiceUnavailable", HTTPStatus: 503},
		{Code: "InternalError", HTTPStatus: 500}, {Code: "SomethingElse", HTTPStatus: 502}, {Code: apierr.CodeTimeout}, {Code: apierr.CodeConnection}}
	for _, e := range retry {
		if !e.Retryable() {
			t.Errorf("%s (HTTP %d) must be retried", e.Code, e.HTTPStatus)
		}
	}
	noRetry := []apierr.Error{{Code: "QuotaExceeded.ReplicationJob", HTTPStatus: 400}, {Code: "EntityNotExist.Role", HTTPStatus: 403},
		{Code: apierr.CodeUnexpectedResponse, HTTPStatus: 200}, {Code: apierr.CodeCanceled}, {Code: apierr.CodeNoCredentials}}
	for _, e := range noRetry {
		if e.Retryable() {
			t.Errorf("%s (HTTP %d) must not be retried", e.Code, e.HTTPStatus)
		}
	}
	for _, code := range []string{"InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "Forbidden.RAM", "EntityNotExist.Role", apierr.CodeNoCredentials} {
		if e := (apierr.Error{Code: code, HTTPStatus: 400}); !e.IsAuth() {
			t.Errorf("%s must be an auth error", code)
		}
	}
	if e := (apierr.Error{Code: "QuotaExceeded.ReplicationJob", HTTPStatus: 400}); e.IsAuth() {
		t.Error("a quota error is not an auth error")
	}
}

// session returns a session signed with the test credentials against srv.
func session(t *testing.T, srv *fakeapi.Server, p api.Policy) *api.Session {
	t.Helper()
	cred, err := credentials.NewCredential(&credentials.Config{Type: strPtr("access_key"),
		AccessKeyId: strPtr(fakeapi.AccessKeyID), AccessKeySecret: strPtr(fakeapi.AccessKeySecret)})
	if err != nil {
		t.Fatal(err)
	}
	eps := api.Endpoints{api.SMC: {Protocol: "http", Host: srv.Host()}}
	s := api.NewSession("cn-hangzhou", cred, eps, p, nil, "test")
	s.DialGuard = fakeapi.LoopbackOnly
	return s
}

func strPtr(s string) *string { return &s }

func describe(t *testing.T, s *api.Session) error {
	t.Helper()
	c, err := smc.NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeReplicationJobs(context.Background(), &smc.DescribeReplicationJobsRequest{RegionId: "cn-hangzhou", JobType: smc.JobTypeCrossZone})
	return err
}

func TestDoRetriesOnlyWhatTheContractSays(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "api")
	fast := api.Policy{MaxAttempts: 3, Timeout: 200 * time.Millisecond, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	cases := []struct {
		name     string
		step     fakeapi.Step
		attempts int
		code     string
	}{
		{"quota is final", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob.http"}, 1, "QuotaExceeded.ReplicationJob"},
		{"auth is final", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.Forbidden.RAM.http"}, 1, "Forbidden.RAM"},
		{"5xx is retried", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.ServiceUnavailable.http"}, 3, "ServiceUnavailable"},
		{"html 502 is retried", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.bad-gateway.http"}, 3, apierr.CodeUnexpectedResponse},
		{"timeout is retried", fakeapi.Step{Hang: true}, 3, apierr.CodeTimeout},
		{"dropped connection is retried", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.ok.http", Drop: true}, 3, apierr.CodeConnection},
		{"malformed 200 is not retried", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.malformed.http"}, 1, apierr.CodeUnexpectedResponse},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, dir)
			srv.Always("DescribeReplicationJobs", c.step)
			policy := fast
			if !c.step.Hang {
				// Only the hanging case needs the short attempt timeout: on
				// a loaded machine 200 ms can end an attempt before its
				// request is written, which is a retry the case does not mean.
				policy.Timeout = 30 * time.Second
			}
			err := describe(t, session(t, srv, policy))
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *apierr.Error", err)
			}
			if got := len(srv.Requests()); got != c.attempts || ae.Attempts != c.attempts {
				t.Errorf("server saw %d requests, error says %d attempts; want %d", got, ae.Attempts, c.attempts)
			}
			if ae.Code != c.code || !ae.Sent {
				t.Errorf("code %q sent=%v; want %q sent=true", ae.Code, ae.Sent, c.code)
			}
		})
	}
}

func TestDoStopsOnCancel(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.Always("DescribeReplicationJobs", fakeapi.Step{Hang: true})
	s := session(t, srv, api.Policy{MaxAttempts: 4, Timeout: time.Minute, BaseDelay: time.Millisecond})
	c, _ := smc.NewClient(s)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.DescribeReplicationJobs(ctx, &smc.DescribeReplicationJobsRequest{RegionId: "cn-hangzhou"})
	var ae *apierr.Error
	if !errors.As(err, &ae) || !ae.IsCanceled() || ae.Attempts != 1 {
		t.Fatalf("want one canceled attempt, got %v", err)
	}
}

func TestLoadCredentialProfileAndNone(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "")
	for _, k := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	if _, err := api.LoadCredential(""); err == nil {
		t.Fatal("credentials found in an empty HOME")
	} else if ae := (*apierr.Error)(nil); !errors.As(err, &ae) || ae.Code != apierr.CodeNoCredentials || !ae.IsAuth() {
		t.Fatalf("want NoCredentials, got %v", err)
	}
	cfg := `{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAIdefault","access_key_secret":"s1"},` +
		`{"name":"ops","mode":"AK","access_key_id":"LTAIops","access_key_secret":"s2","region_id":"cn-hangzhou"}]}`
	if err := os.MkdirAll(filepath.Join(home, ".aliyun"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aliyun", "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cred, err := api.LoadCredential("ops")
	if err != nil {
		t.Fatal(err)
	}
	m, err := cred.GetCredential()
	if err != nil || *m.AccessKeyId != "LTAIops" {
		t.Fatalf("--profile ops gave %v, %v", m, err)
	}
	if _, err := api.LoadCredential("missing"); err == nil {
		t.Error("an unknown profile was accepted")
	}
}

// TestDoUncertain: an error is uncertain when any attempt reached the service
// and was not refused, even if the last attempt was.
func TestDoUncertain(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "api")
	fast := api.Policy{MaxAttempts: 3, Timeout: 200 * time.Millisecond, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	quota := fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob.http"}
	for _, c := range []struct {
		name  string
		steps []fakeapi.Step
		want  bool
	}{
		{"refused", []fakeapi.Step{quota}, false},
		{"lost answer, then refused", []fakeapi.Step{{File: "smc/CreateCrossZoneMigrationJob.ok.http", Drop: true}, quota}, true},
		{"5xx, then refused", []fakeapi.Step{{File: "smc/CreateCrossZoneMigrationJob.ServiceUnavailable.http"}, quota}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, dir)
			srv.On("DescribeReplicationJobs", c.steps...)
			err := describe(t, session(t, srv, fast))
			var ae *apierr.Error
			if !errors.As(err, &ae) || ae.Code != "QuotaExceeded.ReplicationJob" {
				t.Fatalf("error %v; want the refusal", err)
			}
			if ae.Uncertain != c.want {
				t.Errorf("uncertain = %v; want %v", ae.Uncertain, c.want)
			}
		})
	}
}
