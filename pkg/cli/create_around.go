package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// createSteps is a create with steps around its job that change the cloud
// (--snapshot, --backends restore|drain, --verify): its state file, opened
// and locked before the checks, and what an earlier run of it recorded.
type createSteps struct {
	store *batch.Store
	rec   *around.Record
	jobID string // the job an earlier run created
	// before is the instance before its move, as the first run saw it.
	before *follow.InstanceView
	steps  *around.Steps
	in     around.Instance
}

// completeState decides the state file of a create with steps that change
// the cloud; nothing is opened yet.
func (o *CreateOptions) completeState(cmd *cobra.Command) error {
	if cmd.Flags().Changed("state") && !o.Around.Options.Changes() {
		return cmdutil.UsageErrorf("--state goes with --snapshot, --backends restore|drain or --verify: a plain create keeps no state file (its ClientToken repeats it)")
	}
	if !o.Around.Options.Changes() || o.DryRun {
		return nil
	}
	if o.StatePath == "" {
		p, err := defaultCreateState(o.Getenv, o.Spec.Region, o.Spec.InstanceID)
		if err != nil {
			return cmdutil.UsageErrorf("%v", err)
		}
		o.StatePath = p
		return nil
	}
	if st, err := os.Stat(filepath.Dir(o.StatePath)); err != nil || !st.IsDir() {
		return cmdutil.UsageErrorf("invalid --state %s: folder %s does not exist", o.StatePath, filepath.Dir(o.StatePath))
	}
	return nil
}

// stepArgs are the flags of the steps, and --state when it is not the
// default, for the command lines hints print.
func (o *CreateOptions) stepArgs(withVerify bool) []string {
	parts := o.Around.args(withVerify)
	if o.StatePath != "" && o.Around.Options.Changes() && o.statePathGiven() {
		parts = append(parts, "--state", cmdutil.ShellQuote(o.StatePath))
	}
	return parts
}

func (o *CreateOptions) statePathGiven() bool {
	def, err := defaultCreateState(o.Getenv, o.Spec.Region, o.Spec.InstanceID)
	return err != nil || def != o.StatePath
}

// rerunCommand repeats this create: with its state file, it picks up where
// this run stopped.
func (o *CreateOptions) rerunCommand(withVerify bool) string {
	parts := append(o.specArgs()[:0:0], o.specArgs()...)
	if !withVerify {
		parts = append(o.specArgsWithout(), o.stepArgs(false)...)
	}
	parts = append(parts, "--yes")
	if o.Wait {
		parts = append(parts, "--wait")
	}
	return strings.Join(parts, " ")
}

// specArgsWithout is specArgs without the steps' flags.
func (o *CreateOptions) specArgsWithout() []string {
	all := o.specArgs()
	return all[:len(all)-len(o.stepArgs(true))]
}

// stepChecks adds the checks of the steps: recent-snapshot says the
// snapshot will be taken, cloud-assistant reads the agent. With steps that
// change the cloud, the state file is opened (and locked) here, before
// anything is sent, so that a re-run picks up the token and the records of
// the run before it.
func (o *CreateOptions) stepChecks(ctx context.Context, doc *createDocument, report *preflight.Report) error {
	opts := o.Around.Options
	if opts.Snapshot {
		doc.Checks = preflight.SnapshotPlanned(doc.Checks)
	}
	in := around.Instance{ID: o.Spec.InstanceID}
	if report.Instance != nil && len(report.Instance.PrivateIPs) > 0 {
		in.PrivateIP = report.Instance.PrivateIPs[0]
	}
	if opts.Verify != "" {
		if o.Offline {
			doc.Checks = append(doc.Checks, preflight.Result{ID: preflight.CloudAssistant, Status: preflight.Skip, Message: "offline: the Cloud Assistant agent is not read"})
		} else {
			c, err := o.ECS()
			if err != nil {
				return err
			}
			res, osType := cloudAssistantCheck(ctx, c, o.Spec.InstanceID)
			doc.Checks = append(doc.Checks, res)
			in.OSType = osType
		}
	}
	if o.DryRun {
		doc.Steps = aroundRequests(o.Spec.Region, in, opts)
		if opts.Mode() != around.Report && !o.Offline {
			// The memberships the lb-backends check read: no new call.
			lbs, err := o.LB()
			if err != nil {
				return err
			}
			ms, err := lbs.Read(ctx, in.ID, in.PrivateIP)
			if err != nil {
				return err
			}
			doc.Steps = append(doc.Steps, lbRequests(opts.Mode(), ms)...)
			doc.Backends = plannedBackends(ms)
		}
		return nil
	}
	if !opts.Changes() {
		return nil
	}
	if err := o.openSteps(in, doc); err != nil {
		return err
	}
	// Where the instance is before its move, kept from the first run that saw
	// it (as apply keeps it): a re-run after the move still knows the old address.
	if report.Instance != nil && report.CurrentZone != o.Spec.TargetZone {
		place := map[string]*batch.Place{o.Spec.InstanceID: batch.PlaceOf(report.Instance, report.Disks)}
		if err := o.steps.store.RecordBefore(place); err != nil {
			return stateError(err)
		}
	}
	if b := o.steps.store.Snapshot().Migrations[o.Spec.InstanceID]; b != nil && b.Before != nil {
		o.steps.before = &follow.InstanceView{ZoneID: b.Before.ZoneID, InstanceType: b.Before.InstanceType, PrivateIP: b.Before.PrivateIP}
		if o.steps.in.PrivateIP == "" || report.CurrentZone == o.Spec.TargetZone {
			o.steps.in.PrivateIP = b.Before.PrivateIP
		}
	}
	if o.repeat {
		// The token is an earlier run's: its job may be running, or done.
		doc.Checks = preflight.Repeat(doc.Checks, o.Spec.ClientToken, preflight.ActiveJob, preflight.ZoneChange)
	}
	return nil
}

// openSteps opens the state file and reads what an earlier run recorded.
func (o *CreateOptions) openSteps(in around.Instance, doc *createDocument) error {
	store, err := batch.OpenStore(o.StatePath, "")
	if err != nil {
		return stateError(err)
	}
	doc.StateFile = o.StatePath
	cs := &createSteps{store: store, rec: &around.Record{}, in: in}
	id := o.Spec.InstanceID
	e := store.Snapshot().Migrations[id]
	if e != nil {
		req := o.Spec.Request()
		switch {
		case e.Fingerprint != "" && e.Fingerprint != batch.Fingerprint(req) && e.JobID != "" && (e.Around == nil || !e.Around.Pending(o.Around.Options)):
			// A migration of this instance that ended: this is a new one.
			if err := store.Update(id, func(e *batch.Entry) { *e = batch.Entry{} }); err != nil {
				store.Close()
				return stateError(err)
			}
			e = nil
		case e.Fingerprint != "" && e.Fingerprint != batch.Fingerprint(req):
			store.Close()
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "StateMismatch",
				Err:  fmt.Errorf("state file %s records another migration of %s that has not ended (%s)", o.StatePath, id, strings.Join(e.Changes(req), "; ")),
				Hint: "finish that migration by running its own create again (same values), or give this one another --state PATH"}
		}
	}
	if e != nil {
		if e.Around != nil {
			cs.rec = e.Around.Clone()
		}
		if e.ClientToken != "" {
			if o.repeat && o.Spec.ClientToken != e.ClientToken {
				store.Close()
				return cmdutil.UsageErrorf("--client-token %s is not the token %s recorded in %s for this migration: leave --client-token out to go on with the recorded one", o.Spec.ClientToken, e.ClientToken, o.StatePath)
			}
			o.Spec.ClientToken, o.repeat = e.ClientToken, true
			doc.ClientToken = e.ClientToken
			doc.Request = o.Spec.Request()
		}
		cs.jobID = e.JobID
	}
	o.steps = cs
	return nil
}

// stepsRunner builds the steps' runner once its clients are needed.
func (o *CreateOptions) stepsRunner() (*around.Steps, error) {
	cs := o.steps
	if cs.steps != nil {
		return cs.steps, nil
	}
	c, err := o.ECS()
	if err != nil {
		return nil, err
	}
	s := &around.Steps{ECS: ecsAround{c}, NewToken: o.NewClientToken, Now: o.Now, Sleep: o.Sleep, Poll: min(o.Interval, stepPoll),
		Progress: newStepPrinter(o.IO, false).event,
		Save: func(rec *around.Record) error {
			return cs.store.Update(o.Spec.InstanceID, func(e *batch.Entry) { e.Around = rec })
		}}
	if o.Around.Options.Mode() != around.Report {
		if s.LB, err = o.LB(); err != nil {
			return nil, err
		}
	}
	cs.steps = s
	return s, nil
}

// lbJobPoll is the most time between polls of an ALB or NLB job (--interval,
// when shorter).
const lbJobPoll = 2 * time.Second

// stepPoll is the most time between reads of a snapshot group or a
// verification (--interval, when shorter).
const stepPoll = 5 * time.Second

// runSteps is the create with its steps: snapshot, drain, create, wait,
// verify, restore. Every step records what a re-run needs before it sends.
func (o *CreateOptions) runSteps(ctx context.Context, doc *createDocument, report *preflight.Report) error {
	cs := o.steps
	defer cs.store.Close()
	steps, err := o.stepsRunner()
	if err != nil {
		return o.finish(doc, err)
	}
	opts := o.Around.Options
	// Before anything is sent: where a re-run finds what this run did.
	fmt.Fprintf(o.IO.ErrOut, "State file: %s\n", o.StatePath)
	if err := steps.Before(ctx, cs.in, opts, cs.rec); err != nil {
		o.undrain(ctx, cs.in.PrivateIP)
		doc.aroundDoc = aroundDocOf(cs.rec)
		return o.finish(doc, o.stepFailure(ctx, err))
	}
	client, err := o.SMC()
	if err != nil {
		o.undrain(ctx, cs.in.PrivateIP)
		return o.finish(doc, err)
	}
	id := o.Spec.InstanceID
	if err := cs.store.RecordToken(id, o.Spec.ClientToken, doc.Request, o.Now()); err != nil {
		o.undrain(ctx, cs.in.PrivateIP)
		return o.finish(doc, stateError(fmt.Errorf("recording the ClientToken before the create failed, so it was not sent: %w", err)))
	}
	// RecordToken keeps no record of the steps: they go back in at once.
	if err := cs.store.Update(id, func(e *batch.Entry) { e.Around = cs.rec.Clone() }); err != nil {
		return o.finish(doc, stateError(err))
	}
	resp, err := client.CreateCrossZoneMigrationJob(ctx, doc.Request)
	if err != nil {
		if !migration.MayHaveCreated(o.repeat, err) {
			// No job: the next run makes a new token (and drains again).
			_ = cs.store.Update(id, func(e *batch.Entry) {
				e.ClientToken, e.Fingerprint, e.Request, e.TokenRecordedAt = "", "", nil, time.Time{}
			})
			o.undrain(ctx, cs.in.PrivateIP)
		}
		doc.aroundDoc = aroundDocOf(cs.rec)
		return o.finish(doc, o.explainCreateFailure(err))
	}
	doc.JobID, doc.RequestID = resp.JobId, resp.RequestId
	if resp.JobId == "" {
		doc.aroundDoc = aroundDocOf(cs.rec)
		return o.finish(doc, &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "NoJobId",
			Err:  fmt.Errorf("the create was answered without a JobId (request %s); whether a job was made is unknown", resp.RequestId),
			Hint: "run the same command again: the state file keeps the ClientToken, and the API answers with the job it made, if any:\n  " + o.rerunCommand(true)})
	}
	if o.repeat {
		if err := o.verifyOwner(ctx, client, resp.JobId); err != nil {
			doc.JobID, doc.RequestID, doc.quiet = "", "", true
			return o.Out.Render(doc, err)
		}
	}
	if err := cs.store.RecordJob(id, resp.JobId, o.Now()); err != nil {
		return o.finish(doc, stateError(fmt.Errorf("job %s was created, but recording it failed: %w", resp.JobId, err)))
	}
	return o.followSteps(ctx, doc, report)
}

// resumeSteps goes on with a create an earlier run made: it follows the job
// and runs the steps after it that have not run.
func (o *CreateOptions) resumeSteps(ctx context.Context, doc *createDocument, report *preflight.Report) error {
	defer o.steps.store.Close()
	doc.JobID, doc.resumed = o.steps.jobID, true
	if _, err := o.stepsRunner(); err != nil {
		return o.finish(doc, err)
	}
	return o.followSteps(ctx, doc, report)
}

// followSteps follows the job to its end, then verifies and restores.
func (o *CreateOptions) followSteps(ctx context.Context, doc *createDocument, report *preflight.Report) error {
	cs := o.steps
	if !o.Out.JSON() {
		doc.printCreated(o.IO.Out, o.IO.ColorScheme())
	}
	if cs.before != nil && report.Instance != nil {
		// A re-run after the move reads the instance where it went: the
		// recorded place says where it came from.
		r := *report
		in := *report.Instance
		in.ZoneID, in.InstanceType, in.PrivateIPs = cs.before.ZoneID, cs.before.InstanceType, []string{cs.before.PrivateIP}
		r.Instance = &in
		report = &r
	}
	waited, err := o.follow(ctx, doc, report, cs.jobID == "")
	o.waitedFor(doc, waited, err)
	newIP := cs.in.PrivateIP
	if doc.Job != nil && doc.Job.Instance != nil && doc.Job.Instance.PrivateIP != "" {
		newIP = doc.Job.Instance.PrivateIP
	}
	if err == nil {
		err = cs.steps.After(ctx, cs.in, newIP, o.Around.Options, cs.rec)
		if err != nil {
			if !around.IsVerifyFailure(err) {
				o.undrain(ctx, newIP)
			}
			err = o.stepFailure(ctx, err)
		}
	} else {
		o.undrain(ctx, newIP)
	}
	doc.aroundDoc = aroundDocOf(cs.rec)
	return o.Out.Render(doc, err)
}

// undrain brings back the weights of a drain that the run will not restore
// after a move; even after Ctrl-C, with a context of its own.
func (o *CreateOptions) undrain(ctx context.Context, ip string) {
	cs := o.steps
	if cs == nil || cs.steps == nil || cs.rec.DrainStarted == nil || cs.rec.Restored {
		return
	}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := cs.steps.Undrain(uctx, cs.in, ip, cs.rec); err != nil {
		fmt.Fprintf(o.IO.ErrOut, "! bringing the original weights back failed: %v\n  the state file %s has them; run the same command again to restore them\n", err, o.StatePath)
	}
}

// stepFailure gives a step's failure its exit code and the commands that
// go on from it.
func (o *CreateOptions) stepFailure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: err,
			Hint: "the state file " + o.StatePath + " has every token and original weight so far; run the same command again to go on:\n  " + o.rerunCommand(true)}
	}
	var ve *around.VerifyError
	if errors.As(err, &ve) {
		byHand := ""
		if o.Around.Options.Mode() != around.Report {
			byHand = o.rerunCommand(false)
		}
		return verifyFailedError(ve, o.rerunCommand(true), byHand)
	}
	return stepError(err, o.rerunCommand(true))
}
