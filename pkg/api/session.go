package api

import (
	"context"
	"net"
	"net/http"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// DefaultSMCEndpoint is SMC's one central endpoint, whatever the region.
const DefaultSMCEndpoint = "smc.aliyuncs.com"

// Session is what every client of one command run shares: region, credential,
// endpoints, retry policy, connection pool and trace.
type Session struct {
	Region     string
	Credential credentials.Credential
	Endpoints  Endpoints
	Policy     Policy
	Trace      *Trace // nil unless --debug
	UserAgent  string
	// DialGuard, when set, vets every address before it is dialed; tests use it
	// to refuse anything but loopback.
	DialGuard func(network, address string) error

	http *transport
}

// NewSession builds a session; cred must already be resolved (LoadCredential).
func NewSession(region string, cred credentials.Credential, eps Endpoints, policy Policy, trace *Trace, userAgent string) *Session {
	s := &Session{Region: region, Credential: cred, Endpoints: eps, Policy: policy, Trace: trace, UserAgent: userAgent}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	base := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
			if s.DialGuard != nil {
				if err := s.DialGuard(network, address); err != nil {
					return nil, err
				}
			}
			return dialer.DialContext(ctx, network, address)
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	s.http = &transport{client: &http.Client{Transport: base}, trace: trace}
	return s
}

// baseConfig is the SDK configuration every product shares: the credential,
// the HTTP client and the timeouts. SDK-side retries stay off: Session.Do
// retries. The endpoint is the product's (NewClient).
func (s *Session) baseConfig() *openapi.Config {
	cfg := &openapi.Config{
		Credential: s.Credential,
		RegionId:   dara.String(s.Region),
		UserAgent:  dara.String(s.UserAgent),
		HttpClient: s.http,
	}
	if ms := int(s.Policy.Timeout / time.Millisecond); ms > 0 {
		cfg.ReadTimeout, cfg.ConnectTimeout = dara.Int(ms), dara.Int(ms)
	}
	return cfg
}

// Runtime is the per-call runtime options handed to every SDK call.
func Runtime() *dara.RuntimeOptions { return &dara.RuntimeOptions{} }
