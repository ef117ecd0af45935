package around

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
)

// MaxScriptBase64 is the most a verification command may be once
// Base64-encoded (RunCommand without keeping the command: 24 KB).
const MaxScriptBase64 = 24 * 1024

// EncodeScript is a script as RunCommand's CommandContent with
// ContentEncoding Base64, which carries it byte for byte.
func EncodeScript(script string) string { return base64.StdEncoding.EncodeToString([]byte(script)) }

// Instance is the instance whose migration the steps surround.
type Instance struct {
	ID        string
	OSType    string // linux or windows (DescribeInstances)
	PrivateIP string // before the move
}

// CommandType is the Cloud Assistant type that runs a script on the instance.
func (in Instance) CommandType() string {
	if strings.EqualFold(in.OSType, "windows") {
		return "RunPowerShellScript"
	}
	return "RunShellScript"
}

// ECS is what the steps call of ECS.
type ECS interface {
	// CreateSnapshotGroup snapshots every disk of the instance; a token used
	// before answers with the group it made.
	CreateSnapshotGroup(ctx context.Context, instanceID, clientToken, name, description string) (groupID string, err error)
	// SnapshotGroupStatus reads a group's status ("" when the API does not know it).
	SnapshotGroupStatus(ctx context.Context, groupID string) (string, error)
	// RunCommand runs script on the instance once (a token used before answers
	// with the run it started).
	RunCommand(ctx context.Context, in Instance, script string, timeout time.Duration, clientToken string) (invokeID string, err error)
	// Invocation reads the run on the instance; nil when it has no result yet.
	Invocation(ctx context.Context, invokeID, instanceID string) (*Invocation, error)
}

// Invocation is a verification's run as Cloud Assistant reports it.
type Invocation struct {
	Status   string // InvocationStatus
	Ended    bool
	ExitCode *int64
	Output   string // decoded
	Error    string // ErrorCode: ErrorInfo, when the run could not happen
}

// LoadBalancers is what the steps call of the load balancers (pkg/lb). Drain
// and Restore take the record made before anything changed, never a fresh
// read, and converge when repeated; each returns the outcome of every
// membership, in order.
type LoadBalancers interface {
	// Read lists the instance's memberships: by instance ID, and by its
	// private IP in IP server groups.
	Read(ctx context.Context, instanceID, privateIP string) ([]facts.Membership, error)
	// Drain sets every membership's weight to 0.
	Drain(ctx context.Context, before []facts.Membership) ([]string, error)
	// Restore brings every membership back as recorded (its original
	// weight; missing ones added, old-IP registrations replaced by newIP)
	// and reads them back; it adds none twice.
	Restore(ctx context.Context, before []facts.Membership, newIP string) ([]string, error)
}

// memberships are the records' memberships.
func memberships(bs []Backend) []facts.Membership {
	out := make([]facts.Membership, len(bs))
	for i, b := range bs {
		out[i] = b.Membership
	}
	return out
}

func setOutcomes(bs []Backend, outcomes []string) {
	for i := range bs {
		if i < len(outcomes) && outcomes[i] != "" {
			bs[i].Outcome = outcomes[i]
		}
	}
}

// Event is a step starting or ending, for the live view.
type Event struct {
	InstanceID string
	Step       string // snapshot, drain, verify, restore
	Done       bool
	Failed     bool
	Message    string
}

// Steps runs the steps around one migration's job.
type Steps struct {
	ECS ECS
	LB  LoadBalancers
	// Save writes the record durably to the state file; a step whose record
	// could not be written sends nothing.
	Save     func(*Record) error
	NewToken func() string
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	// Poll is the time between reads of a snapshot group or a verification.
	Poll time.Duration
	// Progress, when set, is told of each step's start and end.
	Progress func(Event)
}

// SnapshotError is a snapshot group that failed or did not end in time: no
// job is created.
type SnapshotError struct {
	InstanceID, GroupID, Status string
	TimedOut                    bool
}

func (e *SnapshotError) Error() string {
	if e.TimedOut {
		return fmt.Sprintf("snapshot group %s of %s is still %s after %s; no migration job was created", e.GroupID, e.InstanceID, orUnknown(e.Status), SnapshotTimeout)
	}
	return fmt.Sprintf("snapshot group %s of %s failed (status %s); no migration job was created", e.GroupID, e.InstanceID, e.Status)
}

// VerifyError is a verification that exited non-zero, failed to run, or
// did not end within its bound: the migration failed, and the memberships
// are not restored.
type VerifyError struct {
	InstanceID string
	Verify     VerifyRecord
	Drained    bool // the weights stay at 0
}

func (e *VerifyError) Error() string {
	v := e.Verify
	what := "status " + v.Status
	switch {
	case v.Status == "Timeout":
		what = "timed out"
	case v.ExitCode != nil && *v.ExitCode != 0:
		what = fmt.Sprintf("exited %d", *v.ExitCode)
	}
	msg := fmt.Sprintf("the verification of %s (Cloud Assistant run %s) %s", e.InstanceID, v.InvokeID, what)
	if e.Drained {
		msg += "; its load-balancer weights stay at 0"
	}
	return msg
}

// StepError is a step that failed on an API call or on the state file.
type StepError struct {
	Step, InstanceID string
	Err              error
}

func (e *StepError) Error() string { return fmt.Sprintf("%s of %s: %v", e.Step, e.InstanceID, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func (s *Steps) event(e Event) {
	if s.Progress != nil {
		s.Progress(e)
	}
}

// save writes rec; before a request, a failure means the request is not sent.
func (s *Steps) save(step, id string, rec *Record) error {
	if err := s.Save(rec.Clone()); err != nil {
		return &StepError{Step: step, InstanceID: id, Err: fmt.Errorf("recording it in the state file failed, so nothing was sent: %w", err)}
	}
	return nil
}

// Before runs the steps before the create: the snapshot, then the
// memberships' record and, with drain, their weights at 0 and the drain
// time. rec is the migration's record so far (an earlier run's, or empty);
// it is changed and saved as the steps go. An error creates no job.
func (s *Steps) Before(ctx context.Context, in Instance, o Options, rec *Record) error {
	if o.Snapshot {
		if err := s.snapshot(ctx, in, rec); err != nil {
			return err
		}
	}
	if o.Mode() == Report {
		return nil
	}
	if err := s.readBackends(ctx, in, rec); err != nil {
		return err
	}
	if o.Mode() == Drain {
		return s.drain(ctx, in, o, rec)
	}
	return nil
}

func (s *Steps) snapshot(ctx context.Context, in Instance, rec *Record) error {
	if sr := rec.Snapshot; sr != nil && sr.Status == "accomplished" {
		s.event(Event{InstanceID: in.ID, Step: "snapshot", Done: true, Message: "snapshot group " + sr.SnapshotGroupID + " accomplished (an earlier run took it)"})
		return nil
	}
	if rec.Snapshot == nil || rec.Snapshot.Status == "failed" {
		rec.Snapshot = &SnapshotRecord{ClientToken: s.NewToken(), RequestedAt: s.Now().UTC()}
		if err := s.save("snapshot", in.ID, rec); err != nil {
			return err
		}
	}
	sr := rec.Snapshot
	s.event(Event{InstanceID: in.ID, Step: "snapshot", Message: "creating a snapshot group of every disk (ClientToken " + sr.ClientToken + ")"})
	if sr.SnapshotGroupID == "" {
		id, err := s.ECS.CreateSnapshotGroup(ctx, in.ID, sr.ClientToken, SnapshotName(in.ID), "Taken by zonemove before the cross-zone migration of "+in.ID)
		if err != nil {
			return &StepError{Step: "snapshot", InstanceID: in.ID, Err: fmt.Errorf("CreateSnapshotGroup (ClientToken %s): %w", sr.ClientToken, err)}
		}
		sr.SnapshotGroupID = id
		if err := s.save("snapshot", in.ID, rec); err != nil {
			return err
		}
	}
	deadline := sr.RequestedAt.Add(SnapshotTimeout)
	for {
		status, err := s.ECS.SnapshotGroupStatus(ctx, sr.SnapshotGroupID)
		if err != nil {
			return &StepError{Step: "snapshot", InstanceID: in.ID, Err: fmt.Errorf("reading snapshot group %s: %w", sr.SnapshotGroupID, err)}
		}
		if status != sr.Status && status != "" {
			sr.Status = status
		}
		switch status {
		case "accomplished", "failed":
			t := s.Now().UTC()
			sr.EndedAt = &t
			if err := s.save("snapshot", in.ID, rec); err != nil {
				return err
			}
			if status == "failed" {
				e := &SnapshotError{InstanceID: in.ID, GroupID: sr.SnapshotGroupID, Status: status}
				s.event(Event{InstanceID: in.ID, Step: "snapshot", Done: true, Failed: true, Message: e.Error()})
				return e
			}
			s.event(Event{InstanceID: in.ID, Step: "snapshot", Done: true, Message: "snapshot group " + sr.SnapshotGroupID + " accomplished"})
			return nil
		}
		if !s.Now().Before(deadline) {
			e := &SnapshotError{InstanceID: in.ID, GroupID: sr.SnapshotGroupID, Status: status, TimedOut: true}
			s.event(Event{InstanceID: in.ID, Step: "snapshot", Done: true, Failed: true, Message: e.Error()})
			return e
		}
		if err := s.Sleep(ctx, s.Poll); err != nil {
			return err
		}
	}
}

// SnapshotName is the name of the snapshot group of an instance's move
// (2-128 characters, starting with a letter).
func SnapshotName(instanceID string) string { return "zonemove-" + instanceID }

// readBackends records the memberships as they are before anything changes:
// their weights are the ones to bring back. An earlier run's record is kept,
// never read again (the weights may be 0 now, by that run's drain).
func (s *Steps) readBackends(ctx context.Context, in Instance, rec *Record) error {
	if rec.BackendsRead {
		return nil
	}
	ms, err := s.LB.Read(ctx, in.ID, in.PrivateIP)
	if err != nil {
		return &StepError{Step: "backends", InstanceID: in.ID, Err: fmt.Errorf("reading the load-balancer memberships: %w", err)}
	}
	bs := make([]Backend, len(ms))
	for i, m := range ms {
		bs[i] = Backend{Membership: m, Outcome: Planned}
	}
	rec.Backends, rec.BackendsRead = bs, true
	return s.save("backends", in.ID, rec)
}

func (s *Steps) drain(ctx context.Context, in Instance, o Options, rec *Record) error {
	if len(rec.Backends) == 0 {
		return nil
	}
	if !rec.Drained {
		if rec.DrainStarted == nil {
			t := s.Now().UTC()
			rec.DrainStarted = &t
			if err := s.save("drain", in.ID, rec); err != nil {
				return err
			}
		}
		s.event(Event{InstanceID: in.ID, Step: "drain", Message: fmt.Sprintf("setting the weight of %d membership(s) to 0", len(rec.Backends))})
		outcomes, err := s.LB.Drain(ctx, memberships(rec.Backends))
		setOutcomes(rec.Backends, outcomes)
		if err != nil {
			_ = s.save("drain", in.ID, rec)
			s.event(Event{InstanceID: in.ID, Step: "drain", Done: true, Failed: true, Message: err.Error()})
			return &StepError{Step: "drain", InstanceID: in.ID, Err: err}
		}
		rec.Drained = true
		if err := s.save("drain", in.ID, rec); err != nil {
			return err
		}
	}
	if left := o.DrainFor() - s.Now().Sub(*rec.DrainStarted); left > 0 {
		s.event(Event{InstanceID: in.ID, Step: "drain", Message: fmt.Sprintf("weights at 0; waiting %s for connections to drain", left.Round(time.Second))})
		if err := s.Sleep(ctx, left); err != nil {
			return err
		}
	}
	s.event(Event{InstanceID: in.ID, Step: "drain", Done: true, Message: fmt.Sprintf("%d membership(s) drained for %s", len(rec.Backends), o.DrainFor())})
	return nil
}

// After runs the steps after the job Finished and the instance was read back
// at newIP: the verification, then (when it passed, or none was asked) the
// memberships' restore. A failed verification returns a *VerifyError and
// restores nothing.
func (s *Steps) After(ctx context.Context, in Instance, newIP string, o Options, rec *Record) error {
	if o.Verify != "" {
		if err := s.verify(ctx, in, o, rec); err != nil {
			return err
		}
	}
	if o.Mode() == Report {
		return nil
	}
	return s.RestoreBackends(ctx, in, newIP, rec)
}

// RestoreBackends brings the recorded memberships back after the move (at
// newIP for those registered by IP, at their original weights).
func (s *Steps) RestoreBackends(ctx context.Context, in Instance, newIP string, rec *Record) error {
	if rec.Restored || !rec.BackendsRead {
		return nil
	}
	if len(rec.Backends) == 0 {
		rec.Restored = true
		return s.save("restore", in.ID, rec)
	}
	return s.restore(ctx, in, newIP, rec, true)
}

// Undrain brings the original weights back when the migration stops short of
// its restore (the create failed, the wait timed out, the job failed, the run
// was interrupted): no run leaves a weight at 0 that it did not find so,
// unless a verification failed. ip is where the instance is now. The restore
// after the move still runs later, and a drain runs again before a new create.
func (s *Steps) Undrain(ctx context.Context, in Instance, ip string, rec *Record) error {
	if rec.Restored || rec.DrainStarted == nil || len(rec.Backends) == 0 {
		return nil
	}
	if err := s.restore(ctx, in, ip, rec, false); err != nil {
		return err
	}
	rec.Drained, rec.DrainStarted = false, nil
	return s.save("restore", in.ID, rec)
}

func (s *Steps) restore(ctx context.Context, in Instance, newIP string, rec *Record, final bool) error {
	s.event(Event{InstanceID: in.ID, Step: "restore", Message: fmt.Sprintf("restoring %d membership(s)", len(rec.Backends))})
	outcomes, err := s.LB.Restore(ctx, memberships(rec.Backends), newIP)
	setOutcomes(rec.Backends, outcomes)
	if err != nil {
		_ = s.save("restore", in.ID, rec)
		s.event(Event{InstanceID: in.ID, Step: "restore", Done: true, Failed: true, Message: err.Error()})
		return &StepError{Step: "restore", InstanceID: in.ID, Err: err}
	}
	rec.Restored = final
	if final {
		rec.RestoredIP = newIP
	}
	if err := s.save("restore", in.ID, rec); err != nil {
		return err
	}
	s.event(Event{InstanceID: in.ID, Step: "restore", Done: true, Message: fmt.Sprintf("%d membership(s) restored and read back", len(rec.Backends))})
	return nil
}

func (s *Steps) verify(ctx context.Context, in Instance, o Options, rec *Record) error {
	if rec.Verify.Succeeded() {
		s.event(Event{InstanceID: in.ID, Step: "verify", Done: true, Message: "verification passed (run " + rec.Verify.InvokeID + ", an earlier run's)"})
		return nil
	}
	if rec.Verify == nil || rec.Verify.Ended() {
		// A verification that failed before runs again: the application may
		// have been fixed since.
		rec.Verify = &VerifyRecord{ClientToken: s.NewToken(), StartedAt: s.Now().UTC()}
		if err := s.save("verify", in.ID, rec); err != nil {
			return err
		}
	}
	v := rec.Verify
	s.event(Event{InstanceID: in.ID, Step: "verify", Message: "running the verification through Cloud Assistant (ClientToken " + v.ClientToken + ")"})
	if v.InvokeID == "" {
		id, err := s.ECS.RunCommand(ctx, in, o.Verify, o.VerifyFor(), v.ClientToken)
		if err != nil {
			return &StepError{Step: "verify", InstanceID: in.ID, Err: fmt.Errorf("RunCommand (ClientToken %s): %w", v.ClientToken, err)}
		}
		v.InvokeID = id
		if err := s.save("verify", in.ID, rec); err != nil {
			return err
		}
	}
	// Cloud Assistant stops the command at its Timeout; one more poll lets
	// its own Timeout status arrive before zonemove's bound says so.
	deadline := v.StartedAt.Add(o.VerifyFor() + s.Poll)
	for {
		inv, err := s.ECS.Invocation(ctx, v.InvokeID, in.ID)
		if err != nil {
			return &StepError{Step: "verify", InstanceID: in.ID, Err: fmt.Errorf("reading run %s: %w", v.InvokeID, err)}
		}
		timedOut := inv == nil || !inv.Ended
		timedOut = timedOut && !s.Now().Before(deadline)
		if inv != nil && (inv.Ended || timedOut) {
			v.Status, v.ExitCode, v.Output = inv.Status, inv.ExitCode, Tail(inv.Output)
			if inv.Error != "" && v.Output == "" {
				v.Output = inv.Error
			}
		}
		if timedOut {
			v.Status = "Timeout"
		}
		if (inv != nil && inv.Ended) || timedOut {
			t := s.Now().UTC()
			v.EndedAt = &t
			if err := s.save("verify", in.ID, rec); err != nil {
				return err
			}
			if !v.Succeeded() {
				e := &VerifyError{InstanceID: in.ID, Verify: *v, Drained: rec.Drained}
				s.event(Event{InstanceID: in.ID, Step: "verify", Done: true, Failed: true, Message: e.Error()})
				return e
			}
			s.event(Event{InstanceID: in.ID, Step: "verify", Done: true, Message: "verification passed (exit 0)"})
			return nil
		}
		if err := s.Sleep(ctx, s.Poll); err != nil {
			return err
		}
	}
}

// Tail is the last OutputTail bytes of an output, cut at a rune boundary.
func Tail(out string) string {
	if len(out) <= OutputTail {
		return out
	}
	t := out[len(out)-OutputTail:]
	for i := 0; i < 4 && i < len(t); i++ {
		if b := t[i]; b&0xC0 != 0x80 {
			return t[i:]
		}
	}
	return strings.ToValidUTF8(t, "")
}

// IsVerifyFailure reports whether err is a failed verification.
func IsVerifyFailure(err error) bool {
	var ve *VerifyError
	return errors.As(err, &ve)
}
