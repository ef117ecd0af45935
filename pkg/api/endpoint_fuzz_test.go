package api_test

import (
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
)

// FuzzParseEndpointURL: --endpoint and ZONEMOVE_ENDPOINT_* come from the
// operator's shell; whatever they hold, the parser answers without panicking,
// and what it accepts is a scheme and a host that parse back to themselves.
func FuzzParseEndpointURL(f *testing.F) {
	for _, seed := range []string{
		"http://127.0.0.1:8080", "https://smc.aliyuncs.com", "smc.aliyuncs.com", "smc.aliyuncs.com:443",
		"http://[::1]:9000", "ftp://x", "http://user@host", "http://host/path", "http://host:99999",
		"http://host?x", "http://:80", "", " ", "://", "http://host:http", "https://host/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ep, err := api.ParseEndpointURL(raw)
		if err != nil {
			if ep != (api.Endpoint{}) {
				t.Errorf("ParseEndpointURL(%q) failed but returned %+v", raw, ep)
			}
			return
		}
		if ep.Protocol != "http" && ep.Protocol != "https" {
			t.Errorf("ParseEndpointURL(%q) accepted protocol %q", raw, ep.Protocol)
		}
		if ep.Host == "" || strings.ContainsAny(ep.Host, "/?#@ ") {
			t.Errorf("ParseEndpointURL(%q) accepted host %q", raw, ep.Host)
		}
		again, err := api.ParseEndpointURL(ep.String())
		if err != nil || again != ep {
			t.Errorf("ParseEndpointURL(%q) = %+v, but its String %q parses to %+v, %v", raw, ep, ep.String(), again, err)
		}
		service, over, err := api.ParseEndpointOverride("smc=" + raw)
		if err != nil || service != api.SMC || over != ep {
			t.Errorf("ParseEndpointOverride(smc=%q) = %q, %+v, %v; want smc, %+v", raw, service, over, err, ep)
		}
	})
}
