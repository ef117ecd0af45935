package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// completeAround checks the steps' flags and, with a manifest, every
// migration with them merged in (a flag overrides the manifest's field)
// against the run: restore, drain and verify need their jobs followed
// (--wait, or a rollout). A problem of a manifest field names its line; one
// of a flag, the flag.
func (o *ApplyOptions) completeAround(cmd *cobra.Command, followed bool) error {
	if err := o.Around.complete(cmd, followed); err != nil {
		return err
	}
	if o.manifest == nil {
		return nil // a revert: its migrations take the flags alone
	}
	o.mergeAround(o.manifest)
	f := o.Around
	var problems []batch.Problem
	for _, m := range o.manifest.Migrations {
		drain, drainSet := m.AroundAt[around.FieldDrainTime]
		drainSet = drainSet && !strings.HasPrefix(drain.Field, "defaults.")
		_, verifySet := m.AroundAt[around.FieldVerify]
		err := m.Around.Validate(followed, drainSet || f.set["drain-time"], verifySet || f.set["verify"])
		for _, e := range migration.AsValidationErrors(err) {
			at, ok := m.AroundAt[e.Field]
			if !ok || f.set[strings.TrimPrefix(aroundFlagField[e.Field], "--")] {
				return cmdutil.UsageErrorf("%s: %s", aroundFlagField[e.Field], withFollow(e.Message))
			}
			problems = append(problems, batch.Problem{Line: at.Line, Field: at.Field, Message: withFollow(e.Message)})
		}
	}
	if len(problems) > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "InvalidManifest",
			Err:  &batch.ManifestError{Path: o.File, Problems: problems},
			Hint: "add --wait (or a rollout, which follows every job), or change the manifest; nothing was sent"}
	}
	return nil
}

// mergeAround sets the steps' flags that were given on every migration of m.
func (o *ApplyOptions) mergeAround(m *batch.Manifest) {
	f := o.Around
	if m == nil || f.set == nil {
		return
	}
	for _, mig := range m.Migrations {
		if f.set["snapshot"] {
			mig.Around.Snapshot = f.Options.Snapshot
		}
		if f.set["backends"] {
			mig.Around.Backends = f.Options.Backends
		}
		if f.set["drain-time"] {
			mig.Around.DrainTime = f.Options.DrainTime
		}
		if f.set["verify"] {
			mig.Around.Verify = f.Options.Verify
		}
		if f.set["verify-timeout"] {
			mig.Around.VerifyTimeout = f.Options.VerifyTimeout
		}
	}
}

// withFollow says what an apply offers for "it needs --wait".
func withFollow(msg string) string {
	if strings.HasSuffix(msg, "it needs --wait") {
		return msg + " (or a rollout, which follows every job)"
	}
	return msg
}

// applySteps runs the steps around each migration's job of a batch: the
// runner's Around, with the ECS and load-balancer clients built once.
type applySteps struct {
	o      *ApplyOptions
	store  *batch.Store
	region string
	poll   time.Duration

	once sync.Once
	ecs  *ecs.Client
	lb   around.LoadBalancers
	err  error

	mu     sync.Mutex
	osType map[string]string // by instance, from the cloud-assistant check
	// planned are, on a dry run, the memberships each drain or restore would change.
	planned map[string][]facts.Membership
}

func (o *ApplyOptions) newApplySteps(store *batch.Store, region string) *applySteps {
	return &applySteps{o: o, store: store, region: region, poll: min(o.Interval, stepPoll), osType: map[string]string{},
		planned: map[string][]facts.Membership{}}
}

func (a *applySteps) clients() error {
	a.once.Do(func() {
		if a.ecs, a.err = a.o.ECS(a.region, a.o.Limiter); a.err != nil {
			return
		}
		a.lb, a.err = a.o.LB(a.region, a.o.Limiter, min(a.o.Interval, lbJobPoll))
	})
	return a.err
}

// check adds the steps' checks to a migration's: recent-snapshot says the
// group will be taken; cloud-assistant reads the agent.
func (a *applySteps) check(ctx context.Context, m *batch.Migration, rep *preflight.Report) error {
	if m.Around.Snapshot {
		rep.Checks = preflight.SnapshotPlanned(rep.Checks)
	}
	if a.o.DryRun && m.Around.Mode() != around.Report {
		if err := a.clients(); err != nil {
			return err
		}
		ip := ""
		if rep.Instance != nil && len(rep.Instance.PrivateIPs) > 0 {
			ip = rep.Instance.PrivateIPs[0]
		}
		// The memberships the lb-backends check read: no new call.
		ms, err := a.lb.Read(ctx, m.Spec.InstanceID, ip)
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.planned[m.Spec.InstanceID] = ms
		a.mu.Unlock()
	}
	if m.Around.Verify == "" {
		return nil
	}
	if err := a.clients(); err != nil {
		return err
	}
	res, osType := cloudAssistantCheck(ctx, a.ecs, m.Spec.InstanceID)
	rep.Checks = append(rep.Checks, res)
	a.mu.Lock()
	a.osType[m.Spec.InstanceID] = osType
	a.mu.Unlock()
	return nil
}

// steps is the runner of one migration's steps, saving its record in the
// entry of its instance.
func (a *applySteps) steps(res *batch.Result) (*around.Steps, around.Instance, *around.Record) {
	id := res.Migration.Spec.InstanceID
	in := around.Instance{ID: id}
	if res.Instance != nil && len(res.Instance.PrivateIPs) > 0 {
		in.PrivateIP = res.Instance.PrivateIPs[0]
	}
	a.mu.Lock()
	in.OSType = a.osType[id]
	a.mu.Unlock()
	if res.Around == nil {
		res.Around = &around.Record{}
	}
	s := &around.Steps{ECS: ecsAround{a.ecs}, LB: a.lb, NewToken: a.o.NewClientToken, Now: a.o.Now, Sleep: a.o.Sleep, Poll: a.poll,
		Progress: newStepPrinter(a.o.IO, true).event,
		Save: func(rec *around.Record) error {
			return a.store.Update(id, func(e *batch.Entry) { e.Around = rec })
		}}
	return s, in, res.Around
}

func (a *applySteps) before(ctx context.Context, res *batch.Result) error {
	if !res.Migration.Around.Changes() {
		return nil
	}
	if err := a.clients(); err != nil {
		return err
	}
	s, in, rec := a.steps(res)
	return s.Before(ctx, in, res.Migration.Around, rec)
}

func (a *applySteps) after(ctx context.Context, res *batch.Result) error {
	if !res.Migration.Around.Changes() {
		return nil
	}
	if err := a.clients(); err != nil {
		return err
	}
	s, in, rec := a.steps(res)
	ip := res.ReturnedIP
	if ip == "" {
		ip = in.PrivateIP
	}
	err := s.After(ctx, in, ip, res.Migration.Around, rec)
	var ve *around.VerifyError
	if errors.As(err, &ve) {
		return a.o.verifyFailed(ve, res.Migration.Around)
	}
	return err
}

// verifyFailed is exit 5 for a migration of the batch whose verification
// failed: the output's tail, the same run again (after the fix), and, with
// drained or restored memberships, the run that restores them with a
// verification that passes at once ("exit" is one in a shell and in
// PowerShell alike), for an application checked by other means.
func (o *ApplyOptions) verifyFailed(ve *around.VerifyError, opts around.Options) error {
	tail := verifyFailedError(ve, "", "").(*cmdutil.ExitError).Hint
	tail = tail[:strings.Index(tail, "Fix the application")]
	flags := append([]string{"--wait"}, o.Around.args(true)...)
	again := rerun(o.revert != nil, flags...).OfBatch().Confirmed()
	if opts.Mode() == around.Report {
		return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "VerificationFailed", Err: ve,
			Next: next.Hintf("%sFix the application, then run the same %s again: it verifies again:\n  %s", tail, o.verb(), again)}
	}
	byHand := rerun(o.revert != nil, append(append([]string{"--wait"}, o.Around.args(false)...), "--verify", "exit")...).OfBatch().Confirmed()
	return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "VerificationFailed", Err: ve,
		Next: next.Hintf("%sFix the application, then run the same %s again: it verifies again and, when that passes, restores the memberships:\n  %s\n"+
			"To restore the memberships without checking the application again (\"exit\" passes at once):\n  %s", tail, o.verb(), again, byHand)}
}

// pending: a Finished job whose verification or restore did not run.
func (a *applySteps) pending(res *batch.Result) bool {
	return res.Migration.Around.NeedsWait() && res.Around != nil && res.Around.Pending(res.Migration.Around)
}

// stopped brings back the weights of a migration that ends short of its
// restore, but for a failed verification (they stay at 0).
func (a *applySteps) stopped(ctx context.Context, res *batch.Result) {
	rec := res.Around
	if rec == nil || rec.DrainStarted == nil || rec.Restored || (rec.Verify.Ended() && !rec.Verify.Succeeded()) {
		return
	}
	if a.clients() != nil {
		return
	}
	s, in, _ := a.steps(res)
	ip := res.ReturnedIP
	if ip == "" {
		ip = in.PrivateIP
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := s.Undrain(uctx, in, ip, rec); err != nil {
		fmt.Fprintf(a.o.IO.ErrOut, "! %s: bringing the original weights back failed: %v; the state file has them: run the same apply again\n", in.ID, err)
	}
}

// aroundOf is the runner's Around of a batch whose migrations have steps.
func (a *applySteps) aroundOf() batch.Around {
	return batch.Around{Before: a.before, After: a.after, Pending: a.pending, Stopped: a.stopped}
}

// anySteps reports whether a migration of the manifest has steps, and
// whether one has steps after its job.
func anySteps(m *batch.Manifest) (changes, after bool) {
	for _, mig := range m.Migrations {
		changes = changes || mig.Around.Changes()
		after = after || mig.Around.NeedsWait()
	}
	return changes, after
}

// stepsInstance is a migration's instance as its steps see it.
func (o *ApplyOptions) stepsInstance(r *batch.Result) around.Instance {
	in := around.Instance{ID: r.Migration.Spec.InstanceID}
	if r.Instance != nil && len(r.Instance.PrivateIPs) > 0 {
		in.PrivateIP = r.Instance.PrivateIPs[0]
	}
	if o.steps != nil {
		o.steps.mu.Lock()
		in.OSType = o.steps.osType[in.ID]
		o.steps.mu.Unlock()
	}
	return in
}

// plannedMemberships are, on a dry run, the memberships of a migration that
// drains or restores.
func (o *ApplyOptions) plannedMemberships(r *batch.Result) ([]facts.Membership, bool) {
	if o.steps == nil {
		return nil, false
	}
	o.steps.mu.Lock()
	defer o.steps.mu.Unlock()
	ms, ok := o.steps.planned[r.Migration.Spec.InstanceID]
	return ms, ok
}

// ECS and LB factories of apply.
type ecsFactory = func(region string, limiter *rate.Limiter) (*ecs.Client, error)
type lbFactory = func(region string, limiter *rate.Limiter, poll time.Duration) (around.LoadBalancers, error)
