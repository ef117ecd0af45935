package migration

import "strings"

// FamilyOf derives the instance family from a type's name when the API does
// not say it: ecs.g7.large is of ecs.g7. Burstable and economy types name
// their vCPU:memory ratio after a hyphen (ecs.t5-lc1m1.small,
// ecs.e-c1m1.large); their family is the part before it (ecs.t5, ecs.e).
func FamilyOf(instanceType string) string {
	i := strings.LastIndexByte(instanceType, '.')
	if i <= 0 {
		return instanceType
	}
	family := instanceType[:i]
	prefix, name, ok := strings.Cut(family, ".")
	if !ok {
		return family
	}
	if j := strings.IndexByte(name, '-'); j > 0 {
		name = name[:j]
	}
	return prefix + "." + name
}

// TypeStem is a type's name between "ecs." and its size: "g7" for
// ecs.g7.large, "e-c1m1" for ecs.e-c1m1.large. Family rules match on it.
func TypeStem(instanceType string) string {
	s := strings.TrimPrefix(instanceType, "ecs.")
	if i := strings.LastIndexByte(s, '.'); i > 0 {
		s = s[:i]
	}
	return s
}
