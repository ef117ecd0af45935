package cli

import (
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestRetry(t *testing.T) {
	retry := func(extra ...string) []string {
		return append([]string{"retry", testJob1, "--region", "cn-hangzhou"}, extra...)
	}
	inError := func(start ...fakeapi.Step) map[string][]fakeapi.Step {
		return map[string][]fakeapi.Step{describeJobsAction: jobSteps("inerror"), startJobAction: start}
	}
	refused := func(variant string) map[string][]fakeapi.Step {
		return map[string][]fakeapi.Step{describeJobsAction: jobSteps(variant), startJobAction: {smcFile("StartReplicationJob.ok")}}
	}
	runGolden(t, []cliCase{
		{name: "in-error", args: retry(), script: inError(smcFile("StartReplicationJob.ok")),
			check: all(withinAPILimits, actionsSent(describeJobsAction, startJobAction))},
		{name: "in-error-json", args: retry("-o", "json"), script: inError(smcFile("StartReplicationJob.ok"))},
		{name: "refused-running", args: retry(), script: refused("running"), check: actionsSent(describeJobsAction)},
		{name: "refused-running-json", args: retry("-o", "json"), script: refused("running"), check: actionsSent(describeJobsAction)},
		{name: "refused-finished", args: retry(), script: refused("finished"), check: actionsSent(describeJobsAction)},
		{name: "refused-stopped", args: retry(), script: refused("stopped"), check: actionsSent(describeJobsAction)},
		{name: "api-says-invalid-status", args: retry(), script: inError(smcFile("StartReplicationJob.ReplicationJob.InvalidStatus"))},
		{name: "not-found", args: retry(), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")}, check: actionsSent(describeJobsAction)},
		{name: "two-jobs", args: []string{"retry", testJob1, testJob2, "--region", "cn-hangzhou"}, check: nothingSent},
		{name: "bad-job-id", args: []string{"retry", "j-", "--region", "cn-hangzhou"}, check: nothingSent},
	})
}
