package record

import (
	"slices"
	"sort"
	"time"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/facts"
)

// Reading is what the API said about a batch at one moment.
type Reading struct {
	At time.Time
	// Jobs are the batch's jobs by ID; a job read for and absent is not
	// found (deleted). JobsRead is false when no job was read.
	Jobs     map[string]*facts.Job
	JobsRead bool
	// Instances are the batch's instances as read now, by ID (those read).
	Instances map[string]*facts.Instance
}

// JobIDs are the jobs of a state file, moves and reverts, in entry order.
func JobIDs(st *batch.State) []string {
	var ids []string
	for _, id := range SortedIDs(st) {
		e := st.Migrations[id]
		for _, c := range []*batch.Entry{e, e.Revert} {
			if c != nil && c.JobID != "" {
				ids = append(ids, c.JobID)
			}
		}
	}
	return ids
}

// SortedIDs are the instances of a state file in order.
func SortedIDs(st *batch.State) []string {
	ids := make([]string, 0, len(st.Migrations))
	for id := range st.Migrations {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// WindowOf is the time window the batch was last run in: of the entries
// that recorded one (a rollout run with --not-before or --not-after), the
// window that ends (else starts) last; nil when none did.
func WindowOf(st *batch.State) *Window {
	var best *batch.Window
	last := func(w *batch.Window) time.Time {
		if w.NotAfter != nil {
			return *w.NotAfter
		}
		if w.NotBefore != nil {
			return *w.NotBefore
		}
		return time.Time{}
	}
	for _, id := range SortedIDs(st) {
		e := st.Migrations[id]
		for _, c := range []*batch.Entry{e, e.Revert} {
			if c != nil && c.Window != nil && (best == nil || last(c.Window).After(last(best))) {
				best = c.Window
			}
		}
	}
	if best == nil {
		return nil
	}
	return &Window{NotBefore: best.NotBefore, NotAfter: best.NotAfter}
}

// Build makes the record of a state file as the reading found it; only
// (nil: every instance of the state file) limits it to some instances.
func Build(st *batch.State, r Reading, only []string) []*Entry {
	var out []*Entry
	for _, id := range SortedIDs(st) {
		if only != nil && !slices.Contains(only, id) {
			continue
		}
		out = append(out, buildEntry(id, st.Migrations[id], r))
	}
	return out
}

func buildEntry(id string, e *batch.Entry, r Reading) *Entry {
	out := &Entry{InstanceID: id, Before: placeOf(e.Before), Instance: placeOf(e.Instance)}
	now := r.Instances[id]
	if e.HasCreate() {
		out.Job = jobOf(e, r)
	}
	if e.Revert != nil && e.Revert.HasCreate() {
		out.Revert = jobOf(e.Revert, r)
	}
	if e.Revert != nil && e.Revert.Around != nil {
		snap, backends, verify := aroundOf(e.Revert.Around)
		out.RevertSteps = &Steps{Snapshot: snap, Backends: backends, Verify: verify}
	}
	out.Snapshot, out.Backends, out.Verify = aroundOf(e.Around)
	out.Status = statusOf(e, out, now)
	// Where it is now, once a job put it somewhere else.
	if now != nil && (out.Status == Moved || out.Status == Reverted) {
		out.Instance = viewOf(now)
	}
	return out
}

// statusOf decides where an entry stands from its jobs and, for a job the
// API no longer knows, where its instance is.
func statusOf(e *batch.Entry, out *Entry, now *facts.Instance) Status {
	if out.Revert != nil {
		switch out.Revert.Outcome() {
		case OutcomeFinished:
			return Reverted
		case OutcomeFailed, OutcomeStopped:
			if out.Revert.Status == JobNotFound && arrived(e.Revert, now) {
				return Reverted // deleted after it Finished
			}
			return RevertFailed
		}
		return Reverting
	}
	if out.Job == nil {
		return NotStarted
	}
	switch out.Job.Outcome() {
	case OutcomeFinished:
		return Moved
	case OutcomeFailed, OutcomeStopped:
		if out.Job.Status == JobNotFound && (arrived(e, now) || (now == nil && e.Instance != nil)) {
			return Moved // deleted after it Finished
		}
		return Failed
	case OutcomeUnknown:
		return Sent
	}
	return Running
}

// arrived reports whether the instance is where the entry's request sent it.
func arrived(e *batch.Entry, now *facts.Instance) bool {
	if now == nil || e.Request == nil || e.Request.TargetZoneId == "" {
		return false
	}
	return now.ZoneID == e.Request.TargetZoneId &&
		(e.Request.TargetInstanceType == "" || now.InstanceType == e.Request.TargetInstanceType)
}

// jobOf is the job of a create record as the reading found it.
func jobOf(e *batch.Entry, r Reading) *Job {
	j := &Job{JobID: e.JobID, ClientToken: e.ClientToken}
	if !e.TokenRecordedAt.IsZero() {
		t := e.TokenRecordedAt
		j.CreatedAt = &t
	}
	if e.JobID == "" || !r.JobsRead {
		return j
	}
	fj := r.Jobs[e.JobID]
	if fj == nil {
		j.Status = JobNotFound
		return j
	}
	j.Status, j.BusinessStatus, j.Progress = fj.Status, fj.BusinessStatus, fj.Progress
	j.ErrorCode, j.StatusInfo = fj.ErrorCode, fj.StatusInfo
	if t, ok := apiTime(fj.CreationTime); ok {
		j.CreatedAt = &t
	}
	if t, ok := apiTime(fj.EndTime); ok && facts.IsTerminal(fj.Status) {
		j.EndedAt = &t
	}
	return j
}

// aroundOf is what was done around the move's job, as the state file
// records it: the snapshot group, the load-balancer memberships with their
// outcome, the verification.
func aroundOf(r *around.Record) (*Snapshot, []Backend, *Verify) {
	if r == nil {
		return nil, nil, nil
	}
	var snap *Snapshot
	if s := r.Snapshot; s != nil {
		snap = &Snapshot{SnapshotGroupID: s.SnapshotGroupID, Status: s.Status}
	}
	var backends []Backend
	for _, b := range r.Backends {
		backends = append(backends, Backend{Type: string(b.Type), LoadBalancerID: b.LoadBalancerID, ServerGroupID: b.ServerGroupID,
			Port: b.Port, Weight: b.Weight, RegisteredBy: string(b.RegisteredBy), IP: b.IP, Outcome: b.Outcome})
	}
	var verify *Verify
	if v := r.Verify; v != nil {
		verify = &Verify{InvokeID: v.InvokeID, Status: v.Status, Output: v.Output}
		if v.ExitCode != nil {
			code := int(*v.ExitCode)
			verify.ExitCode = &code
		}
	}
	return snap, backends, verify
}

func placeOf(p *batch.Place) *Place {
	if p == nil {
		return nil
	}
	return &Place{ZoneID: p.ZoneID, VSwitchID: p.VSwitchID, InstanceType: p.InstanceType, PrivateIP: p.PrivateIP}
}

func viewOf(in *facts.Instance) *Place {
	p := &Place{ZoneID: in.ZoneID, VSwitchID: in.VSwitchID, InstanceType: in.InstanceType}
	if len(in.PrivateIPs) > 0 {
		p.PrivateIP = in.PrivateIPs[0]
	}
	return p
}

// apiTime reads a time as SMC writes it (ISO 8601, UTC, with or without seconds).
func apiTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
