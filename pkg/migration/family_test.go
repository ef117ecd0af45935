package migration

import "testing"

func TestFamilyOf(t *testing.T) {
	for typ, want := range map[string]string{
		"ecs.g7.large":           "ecs.g7",
		"ecs.g7.16xlarge":        "ecs.g7",
		"ecs.gn7i-c8g1.2xlarge":  "ecs.gn7i",
		"ecs.e-c1m1.large":       "ecs.e",
		"ecs.t5-lc1m1.small":     "ecs.t5",
		"ecs.ebmg7.32xlarge":     "ecs.ebmg7",
		"ecs.sgn7i-vws-m2.large": "ecs.sgn7i",
		"weird":                  "weird",
	} {
		if got := FamilyOf(typ); got != want {
			t.Errorf("FamilyOf(%q) = %q; want %q", typ, got, want)
		}
	}
	for typ, want := range map[string]string{"ecs.g7.large": "g7", "ecs.e-c1m1.large": "e-c1m1", "ecs.g7": "g7"} {
		if got := TypeStem(typ); got != want {
			t.Errorf("TypeStem(%q) = %q; want %q", typ, got, want)
		}
	}
}
