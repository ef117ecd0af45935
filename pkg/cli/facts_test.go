package cli

import "github.com/zonemove/zonemove/pkg/fakeapi"

// healthyFacts answers the preflight lookups of the recorded healthy instance
// (i-bp1ff25rzvnul6kr0001 in cn-hangzhou-h, ecs.g7.large). The preflight
// lookups are added here as they are written.
func healthyFacts() map[string][]fakeapi.Step {
	return map[string][]fakeapi.Step{}
}
