// Package record is the change record of a batch: for each instance of a
// state file, where it was, where it is, and how its jobs (the move and, if
// any, its revert) went, as status -f, wait -f and report show it. Build
// makes it from the state file and what the API says now; Markdown and HTML
// write it for a change ticket.
package record

import (
	"time"
)

// Batch is the record of one state file. It is the JSON document of
// status -f, wait -f and report -o json.
type Batch struct {
	Manifest  string `json:"manifest"`
	StateFile string `json:"state_file"`
	Region    string `json:"region"`
	// ReadAt is when the API was read for this record.
	ReadAt time.Time `json:"read_at"`
	// Window is the time window the batch was run in, when one was given.
	Window  *Window  `json:"window,omitempty"`
	Entries []*Entry `json:"entries"`
}

// Window is the bounds a run was given (--not-before, --not-after).
type Window struct {
	NotBefore *time.Time `json:"not_before,omitempty"`
	NotAfter  *time.Time `json:"not_after,omitempty"`
}

// Status is where an instance of the batch stands, its move and its revert
// together.
type Status string

// The statuses of an entry.
const (
	// NotStarted: the state file knows the instance (where it was) but no
	// create was sent for it (held, deferred, or stopped before).
	NotStarted Status = "not-started"
	// Sent: a create was sent (its ClientToken is recorded) and its job is
	// not known yet; a re-run of apply re-sends it and learns the job.
	Sent Status = "sent"
	// Running: the job has not ended.
	Running Status = "running"
	// Moved: the job Finished.
	Moved Status = "moved"
	// Failed: the job ended InError, Stopped or Expired, or was deleted
	// before it Finished.
	Failed Status = "failed"
	// Reverting, Reverted, RevertFailed: as Sent/Running, Moved and Failed,
	// for the job of a revert.
	Reverting    Status = "reverting"
	Reverted     Status = "reverted"
	RevertFailed Status = "revert-failed"
)

// Entry is one instance of the batch.
type Entry struct {
	InstanceID string `json:"instance_id"`
	Status     Status `json:"status"`
	// Job is the job that moves the instance; Revert, the job that moves it
	// back, once a revert recorded one.
	Job    *Job `json:"job"`
	Revert *Job `json:"revert,omitempty"`
	// Before is where the instance was at its first sight; Instance, where
	// it is, as last read back (the state file's, or a read of this run).
	Before   *Place `json:"before"`
	Instance *Place `json:"instance"`
	// Around the move's job, where the run recorded them.
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	Backends []Backend `json:"backends,omitempty"`
	Verify   *Verify   `json:"verify,omitempty"`
	// RevertSteps are what was done around the revert's job.
	RevertSteps *Steps `json:"revert_steps,omitempty"`
}

// Steps are what was done around one job: the snapshot group before it,
// the load-balancer memberships, the verification after it.
type Steps struct {
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	Backends []Backend `json:"backends,omitempty"`
	Verify   *Verify   `json:"verify,omitempty"`
}

// StepsOf is what was done around one job of an entry, for a table.
type StepsOf struct {
	Label string // the instance, and "(revert)" for its revert's
	Steps
}

// AroundJobs are the steps of every job that had any, in entry order, the
// move's before the revert's.
func (b *Batch) AroundJobs() []StepsOf {
	var out []StepsOf
	for _, e := range b.Entries {
		move := Steps{Snapshot: e.Snapshot, Backends: e.Backends, Verify: e.Verify}
		if move.Snapshot != nil || len(move.Backends) > 0 || move.Verify != nil {
			out = append(out, StepsOf{Label: e.InstanceID, Steps: move})
		}
		if r := e.RevertSteps; r != nil && (r.Snapshot != nil || len(r.Backends) > 0 || r.Verify != nil) {
			out = append(out, StepsOf{Label: e.InstanceID + " (revert)", Steps: *r})
		}
	}
	return out
}

// Place is an instance as ECS describes it: its zone, type and private IP
// address (of the primary ENI; a move changes it).
type Place struct {
	ZoneID       string `json:"zone_id"`
	VSwitchID    string `json:"vswitch_id,omitempty"`
	InstanceType string `json:"instance_type"`
	PrivateIP    string `json:"private_ip"`
}

// Job is one job of an entry: what the state file records of it, and what
// DescribeReplicationJobs says now.
type Job struct {
	JobID       string `json:"job_id"`
	ClientToken string `json:"client_token"`
	// Status is the job's status as read now; NotFound for a job the API no
	// longer knows, "" when it was not read (no job yet).
	Status         string  `json:"status"`
	BusinessStatus string  `json:"business_status"`
	Progress       float64 `json:"progress"`
	ErrorCode      string  `json:"error_code"`
	StatusInfo     string  `json:"status_info"`
	// CreatedAt is the job's CreationTime, else when the state file recorded
	// its ClientToken; EndedAt its EndTime once it ended.
	CreatedAt *time.Time `json:"created_at"`
	EndedAt   *time.Time `json:"ended_at"`
}

// JobNotFound is the Status of a job the API no longer knows.
const JobNotFound = "NotFound"

// Duration is how long the job ran, from creation to end; 0 when it has not ended.
func (j *Job) Duration() time.Duration {
	if j == nil || j.CreatedAt == nil || j.EndedAt == nil || j.EndedAt.Before(*j.CreatedAt) {
		return 0
	}
	return j.EndedAt.Sub(*j.CreatedAt)
}

// Snapshot is the snapshot group taken before the job.
type Snapshot struct {
	SnapshotGroupID string `json:"snapshot_group_id"`
	Status          string `json:"status"`
}

// Backend is one load-balancer membership of the instance and what became of it.
type Backend struct {
	Type           string `json:"type"`
	LoadBalancerID string `json:"load_balancer_id"`
	ServerGroupID  string `json:"server_group_id"`
	Port           int    `json:"port"`
	Weight         int    `json:"weight"`
	RegisteredBy   string `json:"registered_by"`
	IP             string `json:"ip"`
	Outcome        string `json:"outcome"`
}

// Verify is the verification command's run on the instance after the move.
type Verify struct {
	InvokeID string `json:"invoke_id"`
	Status   string `json:"status"`
	ExitCode *int   `json:"exit_code"`
	Output   string `json:"output"`
}

// Outcome is how a job stands, in the words of the record: finished, failed,
// stopped, running, or unknown (a create whose answer is not known).
type Outcome string

// The outcomes of a job.
const (
	OutcomeFinished Outcome = "finished"
	OutcomeFailed   Outcome = "failed"
	OutcomeStopped  Outcome = "stopped"
	OutcomeRunning  Outcome = "running"
	OutcomeUnknown  Outcome = "unknown"
)

// Outcome is how the job stands.
func (j *Job) Outcome() Outcome {
	switch {
	case j == nil || j.JobID == "":
		return OutcomeUnknown
	case j.Status == "Finished":
		return OutcomeFinished
	case j.Status == "Stopped":
		return OutcomeStopped
	case j.Status == "InError" || j.Status == "Expired" || j.Status == JobNotFound:
		return OutcomeFailed
	}
	return OutcomeRunning
}

// Failure is a job's failure in a few words with its error code: "" when the
// job did not fail.
func (j *Job) Failure() string {
	switch j.Outcome() {
	case OutcomeFailed, OutcomeStopped:
	default:
		return ""
	}
	switch j.Status {
	case JobNotFound:
		return "the job no longer exists (deleted)"
	case "Expired":
		return "the job expired before it completed"
	case "Stopped":
		return "the job was stopped"
	}
	msg := j.ErrorCode
	if j.StatusInfo != "" {
		if msg != "" {
			msg += ": "
		}
		msg += j.StatusInfo
	}
	if msg == "" {
		msg = "the job failed without an error code"
	}
	return msg
}

// FailureMessage is what went wrong, without the error code (a table shows
// it in a column of its own).
func (j *Job) FailureMessage() string {
	if j.Outcome() == OutcomeFailed && j.Status == "InError" && j.StatusInfo != "" {
		return j.StatusInfo
	}
	return j.Failure()
}

// Jobs are the entry's jobs, the move first.
func (e *Entry) Jobs() []*Job {
	var jobs []*Job
	for _, j := range []*Job{e.Job, e.Revert} {
		if j != nil {
			jobs = append(jobs, j)
		}
	}
	return jobs
}

// Count is how many entries have the status.
func (b *Batch) Count(s Status) int {
	n := 0
	for _, e := range b.Entries {
		if e.Status == s {
			n++
		}
	}
	return n
}
