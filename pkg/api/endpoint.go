// Package api holds what every Alibaba Cloud call of zonemove shares: endpoint
// overrides, credentials, the retry policy, error classification and the
// --debug trace. The SMC, ECS and VPC clients are built on top of it.
package api

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Service names accepted by --endpoint and ZONEMOVE_ENDPOINT_*.
const (
	SMC = "smc"
	ECS = "ecs"
	VPC = "vpc"
	SLB = "slb" // Classic Load Balancer (CLB)
	ALB = "alb"
	NLB = "nlb"
)

// Services lists the services whose endpoint can be overridden.
var Services = []string{SMC, ECS, VPC, SLB, ALB, NLB}

// Endpoint is where one service's API is reached.
type Endpoint struct {
	Protocol string // "https" or "http"
	Host     string // host[:port]
}

func (e Endpoint) String() string { return e.Protocol + "://" + e.Host }

// Endpoints maps a service name to its override. A missing entry means the SDK's
// own endpoint resolution.
type Endpoints map[string]Endpoint

// ParseEndpointOverride parses one SERVICE=URL value of --endpoint.
func ParseEndpointOverride(s string) (string, Endpoint, error) {
	service, raw, ok := strings.Cut(s, "=")
	if !ok {
		return "", Endpoint{}, fmt.Errorf("invalid --endpoint %q: want SERVICE=URL, for example smc=http://127.0.0.1:8080", s)
	}
	service = strings.ToLower(strings.TrimSpace(service))
	if !slices.Contains(Services, service) {
		return "", Endpoint{}, fmt.Errorf("invalid --endpoint %q: unknown service %q (want one of %s)", s, service, strings.Join(Services, ", "))
	}
	ep, err := ParseEndpointURL(raw)
	if err != nil {
		return "", Endpoint{}, fmt.Errorf("invalid --endpoint %q: %w", s, err)
	}
	return service, ep, nil
}

// ParseEndpointURL accepts http://host:port, https://host[:port] or a bare host
// (https).
func ParseEndpointURL(raw string) (Endpoint, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Endpoint{}, fmt.Errorf("empty URL")
	}
	if !strings.Contains(raw, "://") {
		if strings.ContainsAny(raw, "/?#@ ") {
			return Endpoint{}, fmt.Errorf("%q is not a host name", raw)
		}
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Endpoint{}, fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Endpoint{}, fmt.Errorf("scheme %q is not supported (want http or https)", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return Endpoint{}, fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("%q must be only a scheme, a host and a port", raw)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return Endpoint{}, fmt.Errorf("%q has an invalid port", raw)
		}
	}
	return Endpoint{Protocol: u.Scheme, Host: u.Host}, nil
}

// EnvVar is the environment variable that overrides a service's endpoint.
func EnvVar(service string) string { return "ZONEMOVE_ENDPOINT_" + strings.ToUpper(service) }

// ResolveEndpoints merges the ZONEMOVE_ENDPOINT_* variables with the --endpoint
// flags; a flag wins over a variable of the same service.
func ResolveEndpoints(flags []string, getenv func(string) string) (Endpoints, error) {
	eps := Endpoints{}
	for _, s := range Services {
		v := getenv(EnvVar(s))
		if v == "" {
			continue
		}
		ep, err := ParseEndpointURL(v)
		if err != nil {
			return nil, fmt.Errorf("invalid %s: %w", EnvVar(s), err)
		}
		eps[s] = ep
	}
	for _, f := range flags {
		service, ep, err := ParseEndpointOverride(f)
		if err != nil {
			return nil, err
		}
		eps[service] = ep
	}
	return eps, nil
}
