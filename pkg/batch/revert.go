package batch

import (
	"fmt"
	"slices"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

// A revert moves the instances of a batch back to where its state file says
// they were (Entry.Before): the same kind of job as the move, checked,
// created and recorded the same way, by the same Runner. Its records are
// each entry's Revert, a create record of its own (ClientToken, request,
// job), so that the move's record stays as it was and a revert is told
// apart at a glance.

// RevertDecision is what a revert does with one instance of the state file.
type RevertDecision string

// The decisions of a revert.
const (
	// RevertMove: the instance moved; it is moved back.
	RevertMove RevertDecision = "revert"
	// RevertRunning: the move's job has not ended: the instance is not
	// reverted (a revert never races its own move).
	RevertRunning RevertDecision = "job-running"
	// RevertNotMoved: the move did not happen (no job, or a job that failed
	// or was never sent): there is nothing to move back.
	RevertNotMoved RevertDecision = "not-moved"
	// RevertUnknown: a create was sent and its job is not known: the apply
	// must learn it (run again) before anything can be decided.
	RevertUnknown RevertDecision = "outcome-unknown"
	// RevertNoRecord: the state file does not know where the instance was
	// (an entry adopted or written by an older zonemove without Before).
	RevertNoRecord RevertDecision = "no-record"
)

// RevertChoice is the decision for one instance, with the migration that
// moves it back when it is RevertMove.
type RevertChoice struct {
	InstanceID string
	Decision   RevertDecision
	// JobID and JobStatus are the move's job as read now.
	JobID, JobStatus string
	Migration        *Migration
	Reason           string
}

// PlanRevert decides, for each instance (every instance of the state file
// when ids is empty), whether it is moved back, from its record and the
// status of its move's job as read now (jobs by ID; a job absent from it is
// not found). An instance that already has a revert record is moved back
// again by the runner's rules (its token re-sent, its job followed): its
// move's job is not asked about.
func PlanRevert(st *State, ids []string, jobs map[string]*facts.Job, region string) []*RevertChoice {
	if len(ids) == 0 {
		for id := range st.Migrations {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	var out []*RevertChoice
	for i, id := range ids {
		e := st.Migrations[id]
		c := &RevertChoice{InstanceID: id, JobID: e.JobID}
		out = append(out, c)
		if e.JobID != "" {
			c.JobStatus = JobNotFound
			if j := jobs[e.JobID]; j != nil {
				c.JobStatus = j.Status
			}
		}
		hasRevert := e.Revert != nil && e.Revert.HasCreate()
		switch {
		case hasRevert:
		case !e.HasCreate():
			c.Decision, c.Reason = RevertNotMoved, "no create was sent for it"
			continue
		case e.JobID == "":
			c.Decision, c.Reason = RevertUnknown, fmt.Sprintf("a create was sent (ClientToken %s) and its job is not known", e.ClientToken)
			continue
		case c.JobStatus == facts.JobFinished, c.JobStatus == JobNotFound && e.Instance != nil:
		case c.JobStatus == JobNotFound:
			c.Decision, c.Reason = RevertNotMoved, fmt.Sprintf("its job %s no longer exists and no run read it back moved", e.JobID)
			continue
		case !facts.IsTerminal(c.JobStatus):
			c.Decision, c.Reason = RevertRunning, fmt.Sprintf("its job %s is %s", e.JobID, c.JobStatus)
			continue
		default:
			c.Decision, c.Reason = RevertNotMoved, fmt.Sprintf("its job %s is %s: it did not move", e.JobID, c.JobStatus)
			continue
		}
		spec, err := RevertSpec(region, id, e)
		if err != nil {
			c.Decision, c.Reason = RevertNoRecord, err.Error()
			continue
		}
		c.Decision = RevertMove
		c.Migration = &Migration{Index: i, Spec: spec}
	}
	return out
}

// RevertSpec is the migration that moves an instance back where its entry
// says it was: its zone and vSwitch, its type when the move changed it, and
// the category and performance level of each disk the move changed.
func RevertSpec(region, id string, e *Entry) (migration.Spec, error) {
	b := e.Before
	if b == nil || b.ZoneID == "" || b.VSwitchID == "" {
		return migration.Spec{}, fmt.Errorf("the state file does not record where %s was (zone and vSwitch) before its move", id)
	}
	spec := migration.Spec{Region: region, InstanceID: id, TargetZone: b.ZoneID, TargetVSwitch: b.VSwitchID}
	req := e.Request
	if req != nil && req.RegionId != "" {
		spec.Region = req.RegionId
	}
	if req == nil {
		return spec, nil
	}
	if req.TargetInstanceType != "" && req.TargetInstanceType != b.InstanceType {
		if b.InstanceType == "" {
			return migration.Spec{}, fmt.Errorf("the state file does not record the type %s had before its move to %s", id, req.TargetInstanceType)
		}
		spec.TargetInstanceType = b.InstanceType
	}
	spec.AutoPay = req.AutoPay
	for _, d := range req.Disk {
		i := slices.IndexFunc(b.Disks, func(p PlaceDisk) bool { return p.DiskID == d.DiskId })
		if i < 0 {
			return migration.Spec{}, fmt.Errorf("the state file does not record what disk %s of %s was before its move changed it", d.DiskId, id)
		}
		was := b.Disks[i]
		spec.Disks = append(spec.Disks, migration.Disk{ID: was.DiskID, Category: was.Category, PerformanceLevel: was.PerformanceLevel})
	}
	return spec, nil
}

// RevertState is the view of a state file that a Runner works on for a
// revert: each entry's revert record in the place of its move's.
func RevertState(st *State) *State {
	v := &State{Version: st.Version, Manifest: st.Manifest, Migrations: map[string]*Entry{}}
	for id, e := range st.Migrations {
		if e.Revert != nil {
			v.Migrations[id] = e.Revert
		}
	}
	return v
}
