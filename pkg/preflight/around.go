package preflight

import "fmt"

// CloudAssistant is the check of a migration with a verification: the Cloud
// Assistant agent must run on the instance, or the command cannot run after
// the move. It cannot be skipped: a verification that cannot run fails the
// migration after the instance was stopped.
const CloudAssistant = "cloud-assistant"

// CheckCloudAssistant judges the agent's status (DescribeCloudAssistantStatus):
// listed tells whether the API knows the instance, running whether its
// CloudAssistantStatus is true.
func CheckCloudAssistant(instanceID string, listed, running bool) Result {
	const hint = "install or start the Cloud Assistant agent on the instance (ECS console: Cloud Assistant), or leave out --verify"
	var r Result
	switch {
	case !listed:
		r = fail(hint, "Cloud Assistant knows nothing of %s: the verification could not run after the move", instanceID)
	case !running:
		r = fail(hint, "the Cloud Assistant agent is not running on %s: the verification could not run after the move", instanceID)
	default:
		r = pass("the Cloud Assistant agent runs on %s", instanceID)
	}
	r.ID = CloudAssistant
	return r
}

// SnapshotPlanned rewrites the recent-snapshot check of a migration that
// takes its own snapshot group (--snapshot): whatever the disks' snapshots,
// one of every disk is taken before the job.
func SnapshotPlanned(results []Result) []Result {
	out := make([]Result, len(results))
	for i, r := range results {
		if r.ID == RecentSnapshot && r.Status != Skip {
			r = Result{ID: RecentSnapshot, Status: Pass,
				Message: fmt.Sprintf("a snapshot group of every disk will be taken before the job (--snapshot); before that: %s", r.Message)}
		}
		out[i] = r
	}
	return out
}
