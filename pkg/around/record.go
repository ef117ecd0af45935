package around

import (
	"slices"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
)

// Record is what the state file keeps of one migration's steps around its
// job: enough for a re-run after a kill at any point to end as an
// uninterrupted run would. Each field is written before the request it
// protects is sent.
type Record struct {
	Snapshot *SnapshotRecord `json:"snapshot,omitempty"`
	// Backends are the memberships as read before anything was changed
	// (their weights are the originals), with each one's outcome; nil until
	// read.
	Backends []Backend `json:"backends,omitempty"`
	// BackendsRead: the memberships were read and recorded (none is an
	// answer too).
	BackendsRead bool `json:"backends_read,omitempty"`
	// DrainStarted is when the first weight was about to be set to 0; the
	// drain time runs from it, across re-runs.
	DrainStarted *time.Time `json:"drain_started,omitempty"`
	// Drained: every membership's weight is 0.
	Drained bool          `json:"drained,omitempty"`
	Verify  *VerifyRecord `json:"verify,omitempty"`
	// Restored: the memberships were restored and read back; RestoredIP is
	// the instance's address they were restored to.
	Restored   bool   `json:"restored,omitempty"`
	RestoredIP string `json:"restored_ip,omitempty"`
}

// SnapshotRecord is the snapshot group taken before the job.
type SnapshotRecord struct {
	// ClientToken is written before CreateSnapshotGroup is sent: a re-run
	// re-sends it and gets the group it made, never a second one.
	ClientToken     string     `json:"client_token"`
	SnapshotGroupID string     `json:"snapshot_group_id,omitempty"`
	Status          string     `json:"status,omitempty"` // progressing, accomplished, failed; "" before the first answer
	RequestedAt     time.Time  `json:"requested_at"`
	EndedAt         *time.Time `json:"ended_at,omitempty"`
}

// VerifyRecord is the verification's run through Cloud Assistant.
type VerifyRecord struct {
	// ClientToken is written before RunCommand is sent: a re-run re-sends it
	// and gets the run it started, so the command runs once.
	ClientToken string     `json:"client_token"`
	InvokeID    string     `json:"invoke_id,omitempty"`
	Status      string     `json:"status,omitempty"` // InvocationStatus; "Timeout" also when zonemove's bound passed
	ExitCode    *int64     `json:"exit_code,omitempty"`
	Output      string     `json:"output,omitempty"` // its last OutputTail bytes
	StartedAt   time.Time  `json:"started_at"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
}

// Succeeded reports whether the verification passed.
func (v *VerifyRecord) Succeeded() bool {
	return v != nil && v.Status == "Success" && v.ExitCode != nil && *v.ExitCode == 0
}

// Ended reports whether the verification is over.
func (v *VerifyRecord) Ended() bool { return v != nil && v.EndedAt != nil }

// Backend is one load-balancer membership of the instance as it was before
// anything changed (its weight is the original), and what became of it.
type Backend struct {
	facts.Membership
	Outcome string `json:"outcome"`
}

// Outcomes of a membership.
const (
	Planned  = "planned"
	Kept     = "kept"
	Restored = "restored"
	Replaced = "replaced"
	Drained  = "drained"
	Failed   = "failed"
)

// Clone copies the record deeply: the state file's copies must not share it.
func (r *Record) Clone() *Record {
	if r == nil {
		return nil
	}
	c := *r
	if r.Snapshot != nil {
		s := *r.Snapshot
		c.Snapshot = &s
	}
	if r.Verify != nil {
		v := *r.Verify
		c.Verify = &v
	}
	c.Backends = slices.Clone(r.Backends)
	return &c
}

// Pending reports whether a step after the job is still to run: a re-run
// follows such a migration even when its job Finished already.
func (r *Record) Pending(o Options) bool {
	if o.Verify != "" && !r.verified() {
		return true
	}
	return o.Mode() != Report && !r.restoredOrNone()
}

func (r *Record) verified() bool { return r != nil && r.Verify.Succeeded() }

func (r *Record) restoredOrNone() bool { return r != nil && r.Restored }
