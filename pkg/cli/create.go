package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/smc"
)

// CreateOptions are the values of zonemove create and what it needs.
type CreateOptions struct {
	IO             *iostreams.IOStreams
	Out            *Output
	SMC            func() (*smc.Client, error)
	Check          PreflightFunc
	NewFollower    func(cmdutil.Commands, *rate.Limiter) *follow.Follower
	NewClientToken func() string
	Now            func() time.Time
	Commands       cmdutil.Commands

	Spec       migration.Spec
	DiskFlags  []string
	AutoPay    bool
	autoPaySet bool

	DryRun             bool
	Offline            bool
	SourceInstanceType string
	SourceZone         string
	SkipChecks         []string
	Yes                bool
	// repeat: --client-token was given, so this create may repeat one whose
	// answer was lost; its own job must not block it.
	repeat bool

	Wait     bool
	Interval time.Duration
	Timeout  time.Duration

	// The steps around the job (create_around.go).
	Around    aroundFlags
	StatePath string
	ECS       func() (*ecs.Client, error)
	// LB is the load balancers' service (Factory.LoadBalancers).
	LB       func() (around.LoadBalancers, error)
	Sleep    func(ctx context.Context, d time.Duration) error
	Getenv   func(string) string
	steps    *createSteps
	FailFast bool
}

// NewCmdCreate builds zonemove create. runF replaces the run function in tests
// of flag parsing.
func NewCmdCreate(f *Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	o := &CreateOptions{IO: f.IOStreams, Out: f.Output(), NewFollower: f.Follower, NewClientToken: f.NewClientToken, Now: f.Now,
		Sleep: f.Sleep, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "create --instance-id ID --target-zone ZONE [flags]",
		Short: "Check and submit one cross-zone migration job",
		Long: `Build a CreateCrossZoneMigrationJob request from flags, run every preflight check,
and submit it.

With --dry-run every check runs and the exact request is printed; nothing is
created. With --offline (and --dry-run) no network is used and no credentials
are needed: only the local checks run, the remote ones report skip.

Without --dry-run, create asks for confirmation on a terminal; off a terminal it
needs --yes. A ClientToken is always sent (--client-token, or a fresh UUID) and
always printed, so a failed run can be repeated safely with the same token.`,
		Example: `  zonemove create --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0000 \
    --target-zone cn-hangzhou-i --target-vswitch vsw-bp1mxqnssl8nafltc0000 \
    --target-instance-type ecs.g7.xlarge \
    --disk id=d-bp1eeplkn4j29wf70000,category=cloud_essd,pl=PL1 --dry-run`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Commands = f.Global.commands()
			o.SMC = func() (*smc.Client, error) { return f.SMC(o.Commands.Region, nil) }
			o.Check = f.Checker(o.Commands.Region, nil)
			o.ECS = func() (*ecs.Client, error) { return f.ECS(o.Commands.Region, nil) }
			o.LB = func() (around.LoadBalancers, error) {
				return f.LoadBalancers(o.Commands.Region, nil, min(o.Interval, lbJobPoll))
			}
			o.autoPaySet = cmd.Flags().Changed("auto-pay")
			if err := o.complete(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Spec.InstanceID, "instance-id", "", "ID of the ECS instance to move (required)")
	fl.StringVar(&o.Spec.TargetZone, "target-zone", "", "zone to move the instance to (required)")
	fl.StringVar(&o.Spec.TargetVSwitch, "target-vswitch", "", "vSwitch of the instance's VPC in the target zone")
	fl.StringVar(&o.Spec.TargetInstanceType, "target-instance-type", "", "new instance type, of the same family")
	fl.StringArrayVar(&o.DiskFlags, "disk", nil, "disk to change: id=DISK[,category=CATEGORY][,performance-level=PL] (pl= is short; repeatable)")
	fl.BoolVar(&o.AutoPay, "auto-pay", true, "pay automatically for a type change (sent only when given; the API's default is true)")
	fl.StringVar(&o.Spec.ResourceGroupID, "resource-group-id", "", "resource group of the job")
	fl.StringVar(&o.Spec.ClientToken, "client-token", "", "idempotency token (ASCII, at most 64 characters; default a fresh UUID)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "run every check and print the request; create nothing")
	fl.BoolVar(&o.Offline, "offline", false, "with --dry-run: no network, no credentials; remote checks report skip")
	fl.StringVar(&o.SourceInstanceType, "source-instance-type", "", "with --offline: the instance's current type")
	fl.StringVar(&o.SourceZone, "source-zone", "", "with --offline: the instance's current zone")
	fl.StringArrayVar(&o.SkipChecks, "skip-check", nil, "accept a failing check by its ID (repeatable; not "+strings.Join(preflight.Unskippable(), ", ")+")")
	fl.BoolVarP(&o.Yes, "yes", "y", false, "create without asking for confirmation")
	fl.BoolVar(&o.Wait, "wait", false, "after creating, follow the job to its end (as zonemove wait)")
	fl.DurationVar(&o.Interval, "interval", 30*time.Second, "with --wait: time between polls (at least 100ms)")
	fl.DurationVar(&o.Timeout, "timeout", 0, "with --wait: give up waiting after this long (0: no limit)")
	addAroundFlags(fl, &o.Around)
	fl.StringVar(&o.StatePath, "state", "", "with --snapshot, --backends restore|drain or --verify: the state file that makes a re-run safe (default: one per region and instance under $XDG_STATE_HOME/zonemove/create)")
	_ = cmd.RegisterFlagCompletionFunc("backends", fixedCompletion(around.Modes...))
	_ = cmd.MarkFlagFilename("state", "json")
	fl.BoolVar(&o.FailFast, "fail-fast", false, "with --wait: stop waiting as soon as the job fails (exit 5)")
	_ = cmd.RegisterFlagCompletionFunc("skip-check", fixedCompletion(skippableChecks()...))
	_ = cmd.RegisterFlagCompletionFunc("disk", diskCompletion)
	comp := newCompleter(f)
	_ = cmd.RegisterFlagCompletionFunc("instance-id", comp.instanceIDs)
	_ = cmd.RegisterFlagCompletionFunc("target-zone", comp.zones)
	_ = cmd.RegisterFlagCompletionFunc("target-vswitch", comp.vSwitches)
	return cmd
}

// complete turns flags into a validated spec. It sends nothing.
func (o *CreateOptions) complete(cmd *cobra.Command) error {
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	o.Spec.Region = o.Commands.Region
	if o.autoPaySet {
		v := o.AutoPay
		o.Spec.AutoPay = &v
	}
	var badDisks migration.ValidationErrors
	for _, s := range o.DiskFlags {
		d, err := migration.ParseDisk(s)
		if err != nil {
			badDisks = append(badDisks, migration.AsValidationErrors(err)...)
			continue
		}
		o.Spec.Disks = append(o.Spec.Disks, d)
	}
	if bad := append(migration.AsValidationErrors(o.Spec.Validate()), badDisks...); len(bad) > 0 {
		return flagErrors(bad)
	}
	if o.Offline && !o.DryRun {
		return cmdutil.UsageErrorf("--offline needs --dry-run: nothing can be created without the network")
	}
	if (o.SourceInstanceType != "" || o.SourceZone != "") && !o.Offline {
		return cmdutil.UsageErrorf("--source-instance-type and --source-zone go with --offline (online, they are read from the instance)")
	}
	if o.SourceInstanceType != "" {
		if err := migration.ValidateInstanceType("--source-instance-type", o.SourceInstanceType); err != nil {
			return err
		}
	}
	if o.SourceZone != "" {
		if err := migration.ValidateZone("--source-zone", o.SourceZone); err != nil {
			return err
		}
	}
	for _, id := range o.SkipChecks {
		if !preflight.IsKnown(id) {
			return cmdutil.UsageErrorf("unknown check %q in --skip-check (known: %s)", id, strings.Join(preflight.IDs, ", "))
		}
		if why := preflight.UnskippableError(id); why != "" {
			return cmdutil.UsageErrorf("invalid --skip-check %s: %s", id, why)
		}
	}
	if o.DryRun && o.Wait {
		return cmdutil.UsageErrorf("--wait cannot go with --dry-run: a dry run creates no job")
	}
	if (cmd.Flags().Changed("interval") || cmd.Flags().Changed("timeout") || o.FailFast) && !o.Wait {
		return cmdutil.UsageErrorf("--interval, --timeout and --fail-fast go with --wait")
	}
	if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
		return err
	}
	// A dry run follows no job: what the steps after it need is not asked of it.
	if err := o.Around.complete(cmd, o.Wait || o.DryRun); err != nil {
		return err
	}
	if err := o.completeState(cmd); err != nil {
		return err
	}
	if !o.DryRun && !o.Yes && !o.IO.IsStdinTTY() {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "ConfirmationRequired",
			Err:  errors.New("refusing to create a migration job without confirmation: stdin is not a terminal"),
			Hint: "pass --yes to create it, or --dry-run to only check it"}
	}
	o.repeat = o.Spec.ClientToken != ""
	if !o.repeat {
		if cmd.Flags().Changed("client-token") {
			return cmdutil.UsageErrorf("--client-token is empty: give a token, or leave the flag out for a fresh one")
		}
		o.Spec.ClientToken = o.NewClientToken()
	}
	return nil
}

// createDocument is create's document: the request, its checks and impact,
// and the job it made.
type createDocument struct {
	DryRun      bool               `json:"dry_run"`
	ClientToken string             `json:"client_token"`
	Request     *migration.Request `json:"request"`
	Checks      []preflight.Result `json:"checks"`
	Impact      *migration.Impact  `json:"impact"`
	JobID       string             `json:"job_id,omitempty"`
	RequestID   string             `json:"request_id,omitempty"`
	Job         *follow.Result     `json:"job,omitempty"` // with --wait: the job's end, as zonemove wait shows it
	// The steps around the job: on a dry run the requests they would send,
	// else the state file and what each step did.
	Steps     []plannedRequest `json:"steps,omitempty"`
	StateFile string           `json:"state_file,omitempty"`
	aroundDoc
	errorField

	// resumed: the job is an earlier run's, followed by this one.
	resumed bool

	offline bool
	// quiet: the run's error says it all (a failed call, a job that is not
	// this instance's); the plan was shown before the call.
	quiet bool
	// next is what to run after this run: wait for a job created without
	// --wait, the create of a dry run that passed, or the online dry run of
	// an offline one without --target-vswitch (with nextWhy, why).
	next, nextWhy string
	// waited: the job was followed; its created lines were shown before the
	// wait, and report (when the wait came to an end) says how it ended.
	waited bool
	report *follow.Report
	now    time.Time
	line   func(next.Step) string // writes the report's next steps with the run's flags
}

func (o *CreateOptions) run(ctx context.Context) error {
	doc := &createDocument{DryRun: o.DryRun, ClientToken: o.Spec.ClientToken, Request: o.Spec.Request(), Checks: []preflight.Result{}}
	report, err := o.Check(ctx, preflight.Request{Spec: &o.Spec, Offline: o.Offline,
		SourceInstanceType: o.SourceInstanceType, SourceZone: o.SourceZone, Skip: o.SkipChecks, SkipAs: "--skip-check"})
	if err != nil {
		return o.finish(doc, err)
	}
	doc.Checks, doc.Impact = renderChecks(report.Checks, o.Commands), report.Impact
	if o.repeat && !o.DryRun {
		// The job or the move it finds may be this token's own.
		doc.Checks = preflight.Repeat(doc.Checks, o.Spec.ClientToken, preflight.ActiveJob, preflight.ZoneChange)
	}
	if err := o.stepChecks(ctx, doc, report); err != nil {
		return o.finish(doc, err)
	}
	if o.steps != nil {
		defer o.steps.store.Close() // whatever the end: a failed check, a refusal
	}
	if o.steps != nil && o.steps.jobID != "" {
		// An earlier run of this create made the job: it is followed, and
		// the steps after it run; nothing is checked or created again.
		return o.resumeSteps(ctx, doc, report)
	}

	if failed := preflight.Failed(doc.Checks); len(failed) > 0 {
		err := checksFailedError(failed)
		return o.finish(doc, err)
	}
	if o.DryRun {
		return o.finish(doc, nil)
	}
	if o.Yes && !o.Out.JSON() {
		// Nobody is asked, but the checks are shown before the create is sent.
		printChecks(o.IO.ErrOut, o.IO.StderrColorScheme(), doc.Checks, terminalWidth(o.IO, o.IO.IsStderrTTY()))
		fmt.Fprintln(o.IO.ErrOut)
	}
	if !o.Yes {
		doc.preview(o.IO.ErrOut, o.IO.StderrColorScheme(), terminalWidth(o.IO, o.IO.IsStderrTTY()))
		fmt.Fprintln(o.IO.ErrOut)
		ok, err := confirm(ctx, o.IO, fmt.Sprintf("Create the migration job? %s will be stopped and restarted in %s.", o.Spec.InstanceID, o.Spec.TargetZone))
		if err != nil {
			return err
		}
		if !ok {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "NotConfirmed", Err: errors.New("not confirmed: nothing was created")}
		}
	}
	if o.steps != nil {
		return o.runSteps(ctx, doc, report)
	}
	client, err := o.SMC()
	if err != nil {
		return o.finish(doc, err)
	}
	resp, err := client.CreateCrossZoneMigrationJob(ctx, doc.Request)
	if err != nil {
		return o.finish(doc, o.explainCreateFailure(err))
	}
	doc.JobID, doc.RequestID = resp.JobId, resp.RequestId
	if resp.JobId == "" {
		return o.finish(doc, &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "NoJobId",
			Err: fmt.Errorf("the create was answered without a JobId (request %s); whether a job was made is unknown", resp.RequestId),
			Hint: fmt.Sprintf("Repeat with the same ClientToken %s: the API returns the job it made, if any, instead of creating a second one:\n  %s",
				o.Spec.ClientToken, o.repeatCommand())})
	}
	if o.repeat {
		if err := o.verifyOwner(ctx, client, resp.JobId); err != nil {
			// The job is not (known to be) this instance's: claim no creation.
			doc.JobID, doc.RequestID = "", ""
			doc.quiet = true
			return o.Out.Render(doc, err)
		}
	}
	if o.Wait {
		return o.waitForJob(ctx, doc, report)
	}
	return o.finish(doc, nil)
}

// waitForJob follows the created job to its end as zonemove wait does, and
// checks that the instance ends up in the target zone (and type). report is
// the preflight's: the instance before the move.
func (o *CreateOptions) waitForJob(ctx context.Context, doc *createDocument, report *preflight.Report) error {
	if !o.Out.JSON() {
		// The job is shown at once: the wait may take hours.
		doc.printCreated(o.IO.Out, o.IO.ColorScheme())
	}
	waited, err := o.follow(ctx, doc, report, true)
	o.waitedFor(doc, waited, err)
	return o.Out.Render(doc, err)
}

// follow follows doc's job to its end; the job's end goes into doc.
func (o *CreateOptions) follow(ctx context.Context, doc *createDocument, report *preflight.Report, justCreated bool) (*follow.Report, error) {
	// Without a type change the instance must keep the type it had.
	wantType := o.Spec.TargetInstanceType
	if wantType == "" {
		wantType = report.CurrentInstanceType
	}
	target := follow.Target{JobID: doc.JobID, InstanceID: o.Spec.InstanceID,
		TargetZone: o.Spec.TargetZone, TargetInstanceType: wantType, JustCreated: justCreated}
	if in := report.Instance; in != nil {
		target.InstanceName, target.Before = in.InstanceName, follow.ViewOfInstance(in)
	}
	waited, err := o.NewFollower(o.Commands, nil).Wait(ctx, []follow.Target{target}, follow.Options{Interval: o.Interval, Timeout: o.Timeout, FailFast: o.FailFast})
	switch {
	case err == nil:
		err = waited.Err()
	case !errors.Is(err, context.Canceled) && !errors.As(err, new(next.Hinter)):
		// The job was created and runs on: say how to follow it once the
		// cause is fixed.
		hint := hintFor(err, o.Commands)
		if hint != "" {
			hint += " "
		}
		err = &cmdutil.ExitError{Code: ExitCode(err), Err: err, ErrCode: errorBody(err, o.Commands).Code,
			Hint: hint + fmt.Sprintf("Job %s was created and runs on in SMC; follow it with '%s'.", doc.JobID, o.Commands.Line("wait", []string{doc.JobID}))}
	}
	if jobs := waited.SeenJobs(); len(jobs) > 0 {
		doc.Job = jobs[0]
	}
	return waited, err
}

// waitedFor marks doc as followed, with the report of a wait that came to
// an end with err.
func (o *CreateOptions) waitedFor(doc *createDocument, waited *follow.Report, err error) {
	doc.waited = true
	if waitEnded(err) {
		doc.report, doc.now, doc.line = waited, o.Now(), o.Commands.Step
	}
}

// verifyOwner reads back the job a create with a given ClientToken answered
// with, by jobcontrol.VerifyOwner's rule (the one apply follows).
func (o *CreateOptions) verifyOwner(ctx context.Context, client *smc.Client, jobID string) error {
	read := func(ctx context.Context, ids []string) (map[string]*facts.Job, error) {
		return client.JobsByID(ctx, o.Spec.Region, ids)
	}
	err := jobcontrol.VerifyOwner(ctx, read, o.Spec.ClientToken, jobID, o.Spec.InstanceID)
	if errors.As(err, new(*jobcontrol.TokenReusedError)) {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "ClientTokenReused", Err: err,
			Hint: fmt.Sprintf("a ClientToken belongs to one request: repeat a create only with its own token, or leave out --client-token to create a job for %s with a fresh one", o.Spec.InstanceID)}
	}
	return err
}

// skippableOf are the failed checks that --skip-check or skip_checks may
// accept (never spot, manifest-changed, or the others the API refuses).
func skippableOf(failed []preflight.Result) []string {
	var ids []string
	for _, r := range failed {
		if preflight.Skippable(r.ID) && !slices.Contains(ids, r.ID) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// checksFailedError is the exit-3 error of failed checks.
func checksFailedError(failed []preflight.Result) error {
	ids := make([]string, len(failed))
	for i, r := range failed {
		ids[i] = r.ID
	}
	hint := "fix what the failing checks say"
	switch skippable := skippableOf(failed); len(skippable) {
	case 0: // the API refuses every one of them: nothing to skip
	case 1:
		hint += ", or accept it on purpose with --skip-check " + skippable[0]
	default:
		hint += ", or accept one on purpose with --skip-check ID (" + strings.Join(skippable, ", ") + ")"
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitCheckFailed, ErrCode: "CheckFailed",
		Err:  fmt.Errorf("%s failed: %s; nothing was created", cmdutil.Count(len(failed), "check", "checks"), strings.Join(ids, ", ")),
		Hint: hint}
}

// explainCreateFailure adds to a failed create what is known of its outcome
// and the command that repeats it safely.
func (o *CreateOptions) explainCreateFailure(err error) error {
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return err
	}
	repeat := o.repeatCommand()
	switch {
	case migration.MayHaveCreated(o.repeat, err):
		return &cmdutil.ExitError{Code: ExitCode(err), Err: err, ErrCode: ae.Code,
			Hint: fmt.Sprintf("The job may or may not have been created. Repeat with the same ClientToken %s: the API returns the same job instead of creating a second one:\n  %s", o.Spec.ClientToken, repeat)}
	case ae.IsAuth():
		return err
	case ae.Code == "IdempotentParameterMismatch":
		// Repeating with the same token fails the same way: the hint says what to do instead.
		return &cmdutil.ExitError{Code: ExitCode(err), Err: err, ErrCode: ae.Code, Hint: hintFor(err, o.Commands)}
	default:
		h := hintFor(err, o.Commands)
		if h != "" {
			h += "\n"
		}
		return &cmdutil.ExitError{Code: ExitCode(err), Err: err, ErrCode: ae.Code,
			Hint: h + "No job was created. After fixing the cause, repeat with: " + repeat}
	}
}

// repeatCommand is the create command line that repeats this request with the
// same ClientToken.
func (o *CreateOptions) repeatCommand() string {
	parts := append(o.specArgs(), "--client-token", cmdutil.ShellQuote(o.Spec.ClientToken), "--yes")
	if o.Around.Options.NeedsWait() {
		parts = append(parts, "--wait")
	}
	return strings.Join(parts, " ")
}

// onlineDryRunCommand is the dry run of this spec against the account.
func (o *CreateOptions) onlineDryRunCommand() string {
	return strings.Join(append(o.specArgs(), "--dry-run"), " ")
}

// specArgs is the create command line of the spec and its skipped checks.
func (o *CreateOptions) specArgs() []string {
	s := &o.Spec
	parts := []string{"zonemove", "create", "--region", s.Region}
	if o.Commands.Profile != "" {
		parts = append(parts, "--profile", cmdutil.ShellQuote(o.Commands.Profile))
	}
	parts = append(parts, "--instance-id", s.InstanceID, "--target-zone", s.TargetZone)
	if s.TargetVSwitch != "" {
		parts = append(parts, "--target-vswitch", s.TargetVSwitch)
	}
	if s.TargetInstanceType != "" {
		parts = append(parts, "--target-instance-type", s.TargetInstanceType)
	}
	for _, d := range s.Disks {
		parts = append(parts, "--disk", d.String())
	}
	if s.AutoPay != nil {
		parts = append(parts, fmt.Sprintf("--auto-pay=%t", *s.AutoPay))
	}
	if s.ResourceGroupID != "" {
		parts = append(parts, "--resource-group-id", s.ResourceGroupID)
	}
	for _, id := range o.SkipChecks {
		parts = append(parts, "--skip-check", id)
	}
	return append(parts, o.stepArgs(true)...)
}

// finish ends the run with the document and returns err.
func (o *CreateOptions) finish(doc *createDocument, err error) error {
	var ae *apierr.Error
	doc.quiet = err != nil && errors.As(err, &ae)
	doc.offline = o.Offline
	switch {
	case doc.JobID != "":
		if !o.Wait {
			doc.next = o.Commands.Line("wait", []string{doc.JobID})
		}
	case !doc.DryRun || len(preflight.Failed(doc.Checks)) > 0:
	case o.Offline && o.Spec.TargetVSwitch == "":
		// vswitch-zone would fail online: a create without a vSwitch cannot work.
		doc.next = o.onlineDryRunCommand()
		doc.nextWhy = fmt.Sprintf("An online run needs --target-vswitch, a vSwitch of the instance's VPC in %s. The online dry run lists them:", o.Spec.TargetZone)
	default:
		doc.next = o.repeatCommand()
		doc.nextWhy = "To create it:"
	}
	return o.Out.Render(doc, err)
}

// Text writes the migration for people: its checks, impact and request
// before a create (or in a dry run), the job once created, and with --wait
// how the job ended.
func (d *createDocument) Text(ios *iostreams.IOStreams) {
	w, cs := ios.Out, ios.ColorScheme()
	switch {
	case d.quiet:
	case d.waited:
		if d.report != nil {
			fmt.Fprintln(w)
			follow.PrintReport(w, cs, d.report, d.now, d.line)
		}
		printAround(w, cs, d.aroundDoc)
	case d.JobID != "":
		d.printCreated(w, cs)
	default:
		d.printPlan(w, cs, terminalWidth(ios, ios.IsStdoutTTY()))
	}
}

// printCreated writes the job that was created.
func (d *createDocument) printCreated(w io.Writer, cs *iostreams.ColorScheme) {
	if d.resumed {
		fmt.Fprintf(w, "Migration job %s: %s to %s (created by an earlier run; state file %s)\n", cs.Bold(d.JobID), d.Request.InstanceId, d.Request.TargetZoneId, d.StateFile)
		fmt.Fprintf(w, "  ClientToken  %s\n", d.ClientToken)
		return
	}
	fmt.Fprintf(w, "%s Created migration job %s: %s to %s\n", cs.Green("✓"), cs.Bold(d.JobID), d.Request.InstanceId, d.Request.TargetZoneId)
	fmt.Fprintf(w, "  ClientToken  %s\n  RequestId    %s\n", d.ClientToken, d.RequestID)
	if d.next != "" {
		fmt.Fprintf(w, "\nNext:\n  %s\n", d.next)
	}
}

// printPlan writes what a create sends and what it does, and what to run next.
func (d *createDocument) printPlan(w io.Writer, cs *iostreams.ColorScheme, width int) {
	switch {
	case d.DryRun:
		mode := "dry run"
		if d.offline {
			mode = "offline dry run"
		}
		fmt.Fprintf(w, "%s\n\n", fitProse(fmt.Sprintf("Migration of %s to %s (%s: nothing is created)", d.Request.InstanceId, d.Request.TargetZoneId, mode), width))
	default:
		fmt.Fprintf(w, "Migration of %s to %s\n\n", d.Request.InstanceId, d.Request.TargetZoneId)
	}
	d.preview(w, cs, width)
	if d.next != "" {
		// The command stays on one line, to be copied whole.
		fmt.Fprintf(w, "\n%s\n  %s\n", fitProse(d.nextWhy, width), d.next)
	}
}

// preview is what will be sent: the checks, the impact, the request and its
// ClientToken; shown before the confirmation prompt too.
func (d *createDocument) preview(w io.Writer, cs *iostreams.ColorScheme, width int) {
	printChecks(w, cs, d.Checks, width)
	fmt.Fprintln(w)
	printImpact(w, d.Impact, width)
	fmt.Fprintln(w)
	printRequest(w, d.Request)
	printPlannedRequests(w, d.Steps)
	fmt.Fprintf(w, "\nClientToken: %s\n", d.ClientToken)
	if d.StateFile != "" {
		fmt.Fprintf(w, "State file:  %s\n", d.StateFile)
	}
}

// printChecks shows the checks as a table a person scans in seconds: a mark
// and status, the ID, what was found, and under a warning or a failure what
// to do about it.
func printChecks(w io.Writer, cs interface {
	Green(string) string
	Yellow(string) string
	Red(string) string
	Gray(string) string
}, results []preflight.Result, width int) {
	counts := map[preflight.Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	summary := []string{fmt.Sprintf("%d passed", counts[preflight.Pass])}
	if n := counts[preflight.Warn]; n > 0 {
		summary = append(summary, cs.Yellow(fmt.Sprintf("%d %s", n, countNoun(n, "warning", "warnings"))))
	}
	if n := counts[preflight.Fail]; n > 0 {
		summary = append(summary, cs.Red(fmt.Sprintf("%d failed", n)))
	}
	if n := counts[preflight.Skip]; n > 0 {
		summary = append(summary, fmt.Sprintf("%d skipped", n))
	}
	fmt.Fprintf(w, "Checks: %s\n", strings.Join(summary, ", "))
	t := proseTable(w, "  ", width)
	for _, r := range results {
		var mark string
		switch r.Status {
		case preflight.Pass:
			mark = cs.Green("✓ pass")
		case preflight.Warn:
			mark = cs.Yellow("! warn")
		case preflight.Fail:
			mark = cs.Red("✗ FAIL")
		case preflight.Skip:
			mark = cs.Gray("- skip")
		default:
			mark = fmt.Sprintf("? %-4s", r.Status)
		}
		t.row(mark, r.ID, r.Message)
		if r.Hint != "" && (r.Status == preflight.Fail || r.Status == preflight.Warn) {
			for i, line := range strings.Split(r.Hint, "\n") {
				prefix := "  "
				if i == 0 {
					prefix = "→ "
				}
				t.row("", "", prefix+line)
			}
		}
	}
	t.flush()
}

func countNoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printImpact shows what the migration does to the instance and its users.
func printImpact(w io.Writer, im *migration.Impact, width int) {
	if im == nil {
		return
	}
	fmt.Fprintln(w, "Impact")
	t := proseTable(w, "  ", width)
	row := func(label, text string) { t.row(label, text) }
	row("Downtime", fmt.Sprintf("about %d minutes: the instance is stopped, moved and started in the new zone", im.DowntimeMinutes))
	if im.DataSyncHours != nil && im.DiskTotalGiB != nil {
		row("Data sync", fmt.Sprintf("about %.1f hours after the start for %d GiB of disks (%.0f hours per 100 GiB); disks are slower and take no snapshot or disk operation meanwhile",
			*im.DataSyncHours, *im.DiskTotalGiB, migration.SyncHoursPer100GiB))
	} else {
		row("Data sync", fmt.Sprintf("about %.0f hours per 100 GiB of disks after the start; disks are slower and take no snapshot or disk operation meanwhile", migration.SyncHoursPer100GiB))
	}
	if len(im.PrivateIPs) > 0 {
		row("Private IP", strings.Join(im.PrivateIPs, ", ")+" changes to an address of the new vSwitch")
	} else {
		row("Private IP", "changes to an address of the new vSwitch")
	}
	switch {
	case len(im.PublicIPs) > 0 && im.EIP != "":
		row("Public IP", strings.Join(im.PublicIPs, ", ")+" may change; the EIP "+im.EIP+" stays")
	case len(im.PublicIPs) > 0:
		row("Public IP", strings.Join(im.PublicIPs, ", ")+" may change (an EIP would stay)")
	case im.EIP != "":
		row("Public IP", "the EIP "+im.EIP+" stays")
	case im.PublicIPMayChange:
		row("Public IP", "a public IP may change; EIPs stay")
	default:
		row("Public IP", "none")
	}
	row("SLB", im.SLBVServerGroups)
	row("Billing", im.Billing)
	for i, p := range im.Preparations {
		label := ""
		if i == 0 {
			label = "Prepare"
		}
		row(label, "- "+p)
	}
	t.flush()
}

// printRequest shows the request exactly as it is sent: flattened parameters.
func printRequest(w io.Writer, req *migration.Request) {
	q := smc.Query(req)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "Request: SMC %s CreateCrossZoneMigrationJob\n", smc.Version)
	t := newTable(w, "  ")
	for _, k := range keys {
		t.row(k, q[k])
	}
	t.flush()
}

// confirm asks a yes/no question on the terminal. Ctrl-C while it waits
// cancels ctx and ends the question.
func confirm(ctx context.Context, ios *iostreams.IOStreams, question string) (bool, error) {
	fmt.Fprintf(ios.ErrOut, "%s [y/N]: ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(ios.In).ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut)
		return false, &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New("interrupted: nothing was created")}
	case line := <-answer:
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}

func diskCompletion(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	prefix := toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	} else {
		return []string{"id="}, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
	last := toComplete[len(prefix):]
	switch {
	case strings.HasPrefix(last, "category="):
		for _, c := range migration.Categories {
			out = append(out, prefix+"category="+c)
		}
	case strings.HasPrefix(last, "performance-level="), strings.HasPrefix(last, "pl="):
		key, _, _ := strings.Cut(last, "=")
		for _, pl := range migration.PerformanceLevels {
			out = append(out, prefix+key+"="+pl)
		}
	default:
		out = append(out, prefix+"category=", prefix+"performance-level=")
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// skippableChecks are the check IDs --skip-check accepts.
func skippableChecks() []string {
	var ids []string
	for _, id := range preflight.IDs {
		if preflight.UnskippableError(id) == "" {
			ids = append(ids, id)
		}
	}
	return ids
}
