package api_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
)

// moduleHosts is testdata/module-hosts.json: the host each official SDK
// module resolved for a region (or "error: ..."), recorded from the module
// versions in Source before zonemove stopped importing them.
type moduleHosts struct {
	Source map[string]string
	Hosts  map[string]map[string]string // product -> region -> host
}

// Every region of the copied endpoint maps, and regions outside them, find
// the host the official module found: calling through the SDK core changes
// no endpoint.
func TestProductHostIsTheModules(t *testing.T) {
	raw, err := os.ReadFile("testdata/module-hosts.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec moduleHosts
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	products := map[string]api.Product{"ecs": api.ECSProduct, "vpc": api.VPCProduct}
	for name, p := range products {
		hosts := rec.Hosts[name]
		for region := range p.EndpointMap {
			if _, ok := hosts[region]; !ok {
				t.Errorf("%s: region %q of the map has no recorded host", name, region)
			}
		}
		outside := 0
		for region, want := range hosts {
			if _, ok := p.EndpointMap[region]; !ok {
				outside++
			}
			got, err := p.Host(region)
			if strings.HasPrefix(want, "error: ") {
				if err == nil {
					t.Errorf("%s %q: host %s; the module refused the region (%s)", name, region, got, want)
				}
				continue
			}
			if err != nil || got != want {
				t.Errorf("%s %q: host %q, %v; the module resolved %q", name, region, got, err, want)
			}
		}
		if outside < 5 {
			t.Errorf("%s: %d recorded regions outside the map; want a few", name, outside)
		}
	}
}
