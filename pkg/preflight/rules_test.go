package preflight

import (
	"strings"
	"testing"
)

func TestTypeChangeBlocked(t *testing.T) {
	cases := []struct {
		instanceType, family string // family "" as offline: derived from the name
		blocked              string // a word of the rule's reason; "" when allowed
	}{
		{"ecs.g7.large", "ecs.g7", ""},
		{"ecs.c7.2xlarge", "", ""},
		{"ecs.g6e.xlarge", "", ""},
		{"ecs.t5-lc1m1.small", "ecs.t5", ""},
		{"ecs.u1-c1m2.large", "ecs.u1", ""}, // excluded by older guides only
		{"ecs.gn7i-c8g1.2xlarge", "ecs.gn7i", "heterogeneous"},
		{"ecs.gn7i-c8g1.2xlarge", "", "heterogeneous"},
		{"ecs.vgn6i-m4.xlarge", "", "heterogeneous"},
		{"ecs.sgn7i-vws-m2.xlarge", "", "heterogeneous"},
		{"ecs.f3-c4f1.xlarge", "", "heterogeneous"},
		{"ecs.ebmg7.32xlarge", "", "Bare Metal"},
		{"ecs.scch5.16xlarge", "", "SCC"},
		{"ecs.u2a-c1m2.large", "ecs.u2a", "u2a"},
		{"ecs.u2a-c1m2.large", "", "u2a"},
		{"ecs.e-c1m1.large", "ecs.e", ""},
		{"ecs.e-c1m2.xlarge", "", ""},
		{"ecs.e-c1m4.2xlarge", "ecs.e", ""},
		{"ecs.e-c4m1.large", "ecs.e", "economy"}, // any e type outside the exceptions
		{"ecs.d1ne.2xlarge", "", "big data"},
		{"ecs.i4.xlarge", "", "local SSD"},
		{"ecs.g7t.large", "", "security"},
		{"ecs.c6t.xlarge", "", "security"},
		{"ecs.g8i.large", "ecs.g8i", ""},
		{"ecs.hfc8i.xlarge", "", ""},
		{"ecs.r8y.large", "", ""},
		{"ecs.c8ae.large", "", ""},
		{"ecs.g8ise.large", "", "8th generation"},
		{"ecs.re8.large", "", "8th generation"},
		{"ecs.g9i.large", "", ""},
		{"ecs.c9i.xlarge", "", ""},
		{"ecs.g9a.large", "", "9th generation"},
	}
	for _, c := range cases {
		r := TypeChangeBlocked(c.instanceType, c.family)
		switch {
		case c.blocked == "" && r != nil:
			t.Errorf("%s (family %q): blocked (%s); want allowed", c.instanceType, c.family, r.Reason)
		case c.blocked != "" && r == nil:
			t.Errorf("%s (family %q): allowed; want blocked (%s)", c.instanceType, c.family, c.blocked)
		case c.blocked != "" && !strings.Contains(r.Reason, c.blocked):
			t.Errorf("%s: blocked for %q; want %q", c.instanceType, r.Reason, c.blocked)
		}
	}
}

func TestRulesAreDated(t *testing.T) {
	if RulesAsOf == "" || !strings.HasPrefix(RulesSource, "https://") {
		t.Errorf("rules need their date and source: %q %q", RulesAsOf, RulesSource)
	}
	for pl, want := range map[string]int{"PL0": 1, "PL1": 20, "PL2": 461, "PL3": 1261} {
		if PLMinGiB[pl] != want {
			t.Errorf("PLMinGiB[%s] = %d; want %d", pl, PLMinGiB[pl], want)
		}
	}
}
