package api

import (
	"fmt"
	"strings"
)

// Product is one Alibaba Cloud API as zonemove calls it through the SDK core:
// its endpoint override name, version, and how its host is found from the
// region when nothing overrides it (as its official SDK module would).
type Product struct {
	Service string // the --endpoint / ZONEMOVE_ENDPOINT_* name: smc, ecs, vpc, slb, alb, nlb
	Code    string // the product code in host names ("ecs", "slb")
	Version string // the API version, e.g. "2014-05-26"
	// Central is the one host of a product that has a single endpoint (SMC).
	Central string
	// EndpointMap is the official module's region -> host map; other regions
	// take PRODUCT.REGION.aliyuncs.com (the SDK core's "regional" rule).
	EndpointMap map[string]string
}

// The products zonemove calls.
var (
	SMCProduct = Product{Service: SMC, Code: "smc", Version: "2019-06-01", Central: DefaultSMCEndpoint}
	ECSProduct = Product{Service: ECS, Code: "ecs", Version: "2014-05-26", EndpointMap: ECSEndpointMap}
	VPCProduct = Product{Service: VPC, Code: "vpc", Version: "2016-04-28", EndpointMap: VPCEndpointMap}
	// The load balancers' maps come from the official API metadata
	// (aliyun-openapi-meta products.json); see endpointmaps.go.
	SLBProduct = Product{Service: SLB, Code: "slb", Version: "2014-05-15", EndpointMap: SLBEndpointMap}
	ALBProduct = Product{Service: ALB, Code: "alb", Version: "2020-06-16"}
	NLBProduct = Product{Service: NLB, Code: "nlb", Version: "2022-04-30"}
)

// Host is where the product answers for a region when no override is given.
func (p Product) Host(region string) (string, error) {
	if p.Central != "" {
		return p.Central, nil
	}
	if h, ok := p.EndpointMap[region]; ok {
		return h, nil
	}
	if region == "" {
		return "", fmt.Errorf("%s: a region is needed to find the endpoint", strings.ToUpper(p.Code))
	}
	return p.Code + "." + region + ".aliyuncs.com", nil
}

// Endpoint is where the session's calls of the product go: the override, or
// the product's host for the session's region.
func (s *Session) Endpoint(p Product) (Endpoint, error) {
	if ep, ok := s.Endpoints[p.Service]; ok {
		return ep, nil
	}
	h, err := p.Host(s.Region)
	if err != nil {
		return Endpoint{}, err
	}
	return Endpoint{Protocol: "https", Host: h}, nil
}
