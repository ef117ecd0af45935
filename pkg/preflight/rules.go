package preflight

import (
	"path"
	"regexp"
	"strconv"

	"github.com/zonemove/zonemove/pkg/migration"
)

// The limits of cross-zone migration change as Alibaba Cloud extends the
// feature, so they are kept here as data with where and when they were read.
// To update them: read the newest guide, edit the tables, change RulesAsOf
// and RulesSource, and run the tests of this package.
const (
	// RulesAsOf is when the rules below were read from RulesSource. The copy
	// of the guide read carried no date of its own; it is newer than the
	// 2025-04-23 version at alibabacloud.com, which still excluded u1, all of
	// e and the 8th generation.
	RulesAsOf = "2025-11"
	// RulesSource is the user guide the rules come from (ECS, "Change an
	// instance type across availability zones", limits section).
	RulesSource = "https://help.aliyun.com/en/ecs/user-guide/change-instance-types-across-zones"
)

// FamilyRule is one group of families whose type cannot change across zones.
type FamilyRule struct {
	// Reason names the group as the guide does.
	Reason string
	// Stems match a type's stem (the name between "ecs." and the size, "g7"
	// in ecs.g7.large) or its family's stem, with path.Match patterns.
	Stems []string
	// Generation matches stems of that generation (the first number in the
	// stem: 8 for g8i and hfc8i); 0 for none.
	Generation int
	// Except are stems the rule does not hold for.
	Except []string
}

// FamilyRules are the families that cannot change type across zones.
var FamilyRules = []FamilyRule{
	{Reason: "heterogeneous computing (GPU, FPGA)", Stems: []string{"gn*", "vgn*", "sgn*", "gi*", "f*"}},
	{Reason: "ECS Bare Metal", Stems: []string{"ebm*"}},
	{Reason: "Super Computing Cluster (SCC)", Stems: []string{"scc*"}},
	{Reason: "universal family u2a", Stems: []string{"u2a"}},
	{Reason: "economy family e (only e-c1m1, e-c1m2 and e-c1m4 may change type)", Stems: []string{"e", "e-*"},
		Except: []string{"e-c1m1", "e-c1m2", "e-c1m4"}},
	{Reason: "x86 big data", Stems: []string{"d*"}},
	{Reason: "local SSD", Stems: []string{"i*"}},
	{Reason: "security-enhanced", Stems: []string{"c6t", "g6t", "c7t", "g7t", "r7t"}},
	{Reason: "8th generation (except hfr8i, hfc8i, hfg8i, r8ae, g8ae, c8ae, r8y, c8y, g8y, r8a, g8a, c8a, g8i, r8i, c8i)", Generation: 8,
		Except: []string{"hfr8i", "hfc8i", "hfg8i", "r8ae", "g8ae", "c8ae", "r8y", "c8y", "g8y", "r8a", "g8a", "c8a", "g8i", "r8i", "c8i"}},
	{Reason: "9th generation (except r9i, g9i, c9i)", Generation: 9, Except: []string{"r9i", "g9i", "c9i"}},
}

// PLMinGiB is the smallest ESSD, in GiB, that each performance level allows
// (disk user guide: PL0 1-65536, PL1 20-65536, PL2 461-65536, PL3 1261-65536).
var PLMinGiB = map[string]int{"PL0": 1, "PL1": 20, "PL2": 461, "PL3": 1261}

var reGeneration = regexp.MustCompile(`^[a-z]+([0-9]+)`)

// TypeChangeBlocked returns the rule that forbids changing the type of
// instanceType across zones; family is the API's family when known ("" to
// derive it from the name).
func TypeChangeBlocked(instanceType, family string) *FamilyRule {
	stems := []string{migration.TypeStem(instanceType)}
	if family == "" {
		family = migration.FamilyOf(instanceType)
	}
	if fs := migration.TypeStem(family + ".x"); fs != stems[0] {
		stems = append(stems, fs)
	}
	for i := range FamilyRules {
		r := &FamilyRules[i]
		if matchesAny(r.Except, stems[0]) {
			continue
		}
		for _, stem := range stems {
			if r.matches(stem) {
				return r
			}
		}
	}
	return nil
}

func (r *FamilyRule) matches(stem string) bool {
	if matchesAny(r.Stems, stem) {
		return true
	}
	if r.Generation > 0 {
		if m := reGeneration.FindStringSubmatch(stem); m != nil {
			g, _ := strconv.Atoi(m[1])
			return g == r.Generation
		}
	}
	return false
}

func matchesAny(patterns []string, stem string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, stem); ok {
			return true
		}
	}
	return false
}
