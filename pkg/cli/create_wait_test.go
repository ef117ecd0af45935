package cli

import (
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// createAndFollow is a create that succeeds, then the job's polls and the
// read-back of the migrated instance (after any preflight lookups of it).
func createAndFollow(jobs []fakeapi.Step, readBack ...fakeapi.Step) map[string][]fakeapi.Step {
	s := createScript(smcFile("CreateCrossZoneMigrationJob.ok"))
	s[describeJobsAction] = append(s[describeJobsAction], jobs...)
	s[describeInstancesAction] = append(s[describeInstancesAction], readBack...)
	return s
}

// preflightThenInOrder sorts the concurrent preflight reads that come before
// the create, and keeps every request after it (the polls, in sequence) in the
// order it came.
func preflightThenInOrder(reqs []fakeapi.Request) []fakeapi.Request {
	for i, r := range reqs {
		if r.Action == createAction {
			return append(preflightOrder(reqs[:i+1]), reqs[i+1:]...)
		}
	}
	return preflightOrder(reqs)
}

func TestCreateWait(t *testing.T) {
	interruptCtx, interruptSetup := interruptAtSleep(1)
	runGolden(t, inOrderAfterCreate([]cliCase{
		{name: "success", args: args("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("ready", "running", "finished"), migratedInstance("migrated")),
			check:  all(oneJob, withinAPILimits)},
		{name: "success-json", args: args("--wait", "--interval", "2h", "-o", "json"),
			script: createAndFollow(jobSteps("ready", "running", "finished"), migratedInstance("migrated"))},
		{name: "wrong-zone", args: args("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "finished"), migratedInstance("migrated-wrong-zone"))},
		{name: "wrong-zone-json", args: args("--wait", "--interval", "2h", "-o", "json"),
			script: createAndFollow(jobSteps("running", "finished"), migratedInstance("migrated-wrong-zone"))},
		// A new job may not be listed at once: missing from the first polls is
		// not "not found"; missing from newJobGracePolls polls is.
		{name: "new-job-listed-late", args: args("--wait", "--interval", "10s"),
			script: createAndFollow(jobSteps("empty", "running", "finished"), migratedInstance("migrated"))},
		{name: "new-job-never-listed", args: args("--wait", "--interval", "10s"),
			script: createAndFollow(jobSteps("empty"))},
		// Without --target-instance-type the instance must keep its type.
		{name: "same-type", args: withoutTypeChange("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "finished"), migratedInstance("migrated-same-type"))},
		{name: "type-changed-unasked", args: withoutTypeChange("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "finished"), migratedInstance("migrated"))},
		// An answer to a poll that cannot be read is like a 5xx: a warning,
		// and the next poll goes on.
		{name: "unreadable-poll", args: args("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "malformed", "finished"), migratedInstance("migrated"))},
		// A poll the identity may not make ends the wait: the job runs on, and
		// the hint says how to follow it once that is fixed.
		{name: "poll-denied", args: args("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "Forbidden.RAM"))},
		{name: "in-error", args: args("--wait", "--interval", "2h"),
			script: createAndFollow(jobSteps("running", "inerror"))},
		{name: "timeout", args: args("--wait", "--interval", "30m", "--timeout", "1h"),
			script: createAndFollow(jobSteps("running"))},
		{name: "interrupted", args: args("--wait"), ctx: interruptCtx, setup: interruptSetup,
			script: createAndFollow(jobSteps("ready"))},
		{name: "wait-with-dry-run", args: args("--wait", "--dry-run"), check: nothingSent},
		{name: "interval-without-wait", args: args("--interval", "1m"), check: nothingSent},
		{name: "zero-interval", args: args("--wait", "--interval", "0s"), check: nothingSent},
	}))
}

func inOrderAfterCreate(cases []cliCase) []cliCase {
	for i := range cases {
		cases[i].order = preflightThenInOrder
	}
	return cases
}

// withoutTypeChange is createArgs without --target-instance-type, then extra.
func withoutTypeChange(extra ...string) []string {
	var out []string
	for i := 0; i < len(createArgs); i++ {
		if createArgs[i] == "--target-instance-type" {
			i++
			continue
		}
		out = append(out, createArgs[i])
	}
	return append(out, extra...)
}
