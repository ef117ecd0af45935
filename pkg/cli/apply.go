package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/rollout"
	"github.com/zonemove/zonemove/pkg/smc"
)

// ApplyOptions are the values of zonemove apply and what it needs. The API
// calls go to the manifest's region, so the clients are built for it.
type ApplyOptions struct {
	IO         *iostreams.IOStreams
	Out        *Output
	SMC        func(region string, limiter *rate.Limiter) (*smc.Client, error)
	NewChecker func(region string, limiter *rate.Limiter) PreflightFunc
	// NewPrefetcher reads the facts of a batch's migrations in bulk before
	// their checks; nil reads them migration by migration.
	NewPrefetcher  func(region string, limiter *rate.Limiter) batch.PrefetchFunc
	NewFollower    func(cmdutil.Commands, *rate.Limiter) *follow.Follower
	NewClientToken func() string
	Now            func() time.Time
	// UserStateDir is where the batch's lock goes (batch.UserStateDir).
	UserStateDir func() (string, error)
	// Limiter paces every API call of the batch, lookups and creates alike;
	// nil until complete sets the default pace.
	Limiter *rate.Limiter
	// Region and Profile are those of the flags and environment; the run's
	// region is the manifest's (Commands).
	Region, Profile string
	Commands        cmdutil.Commands

	File        string
	DryRun      bool
	RetryFailed bool
	Yes         bool
	Concurrency int
	StatePath   string

	Wait     bool
	Interval time.Duration
	Timeout  time.Duration
	FailFast bool

	// revert, when set, makes the run zonemove revert's: its migrations
	// move the state file's instances back (revert.go).
	revert *revertRun

	// RolloutFlags are the flags of the rollout; Rollout is what they and
	// the manifest's rollout: section resolve to.
	RolloutFlags RolloutFlags
	Rollout      rollout.Options
	// Sleep waits (the not-before countdown); tests move a fake clock.
	Sleep func(context.Context, time.Duration) error

	// The steps around each job (apply_around.go).
	Around aroundFlags
	ECS    ecsFactory
	LB     lbFactory
	steps  *applySteps

	manifest    *batch.Manifest
	rolloutArgs string               // the rollout's count flags as given, for a re-run's command line
	applied     bool                 // the creates were started
	report      *follow.Report       // with --wait or a paced rollout, how the jobs ended
	rolled      *batch.RolloutReport // a paced rollout's account
}

// NewCmdApply builds zonemove apply. runF replaces the run function in tests
// of flag parsing.
func NewCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	o := &ApplyOptions{IO: f.IOStreams, Out: f.Output(), SMC: f.SMC, NewChecker: f.Checker, NewPrefetcher: f.Prefetcher, NewFollower: f.Follower,
		NewClientToken: f.NewClientToken, Now: f.Now, Sleep: f.Sleep, Limiter: f.Policy.Limiter, ECS: f.ECS, LB: f.LoadBalancers,
		UserStateDir: func() (string, error) { return batch.UserStateDir(f.Getenv) }}
	cmd := &cobra.Command{
		Use:   "apply -f FILE [flags]",
		Short: "Check and create a batch of migrations from a manifest, safe to re-run",
		Long: `Run the migrations of a YAML manifest (see docs/batch.md) as one batch.

Every migration is checked first, concurrently; if any check fails, nothing is
created (exit 3). Then the jobs are created: by default all at once, every
instance of the batch stopped together (--concurrency bounds the API calls in
flight, not how many instances are down).

A rollout bounds that: --max-unavailable N keeps at most N instances away at
once, from their create until they are back in their target zone (their jobs
are followed, as --wait does, and a slot freed by a return is refilled at the
next poll); --canary N moves the first N before any other starts;
--max-failures N (default 0) starts no new migration once more than N failed:
the rest are held, exit 5. --not-before TIME waits with a countdown (Ctrl-C
creates nothing); --not-after TIME starts a migration only if it can be back
(about 15 minutes) before TIME: the rest are deferred, exit 7, and the same
command run in the next window goes on. TIME is RFC 3339, or HH:MM in local
time: the occurrence nearest to now, so a run started inside its window starts
at once. The manifest's rollout: section gives the same values; a flag
overrides it.

The state file (default FILE.state.json) records each migration's ClientToken
before its create is sent, and its job as soon as it is known. Running apply
again after any interruption creates no duplicate: migrations with a job are
reported as exists; a create whose answer was lost is re-sent with the same
ClientToken, and the API answers with the job it made; the rest are checked
and created. A token that was sent stays in the state file until its job is
known. Without a state file (lost, or another machine), instances already in
their target zone are done and existing jobs are adopted. Each existing job's
status is shown; a job InError, Stopped or Expired exits 5, and --retry-failed
resumes the InError and Stopped ones. Two runs on the same state file (or on
symlinks to it) at once are refused, --wait included.

Without --dry-run, apply asks for confirmation once on a terminal; off a
terminal it needs --yes.

Off a terminal, the table is one tab-separated line per migration: instance,
target zone, target type, status, job_id, failing checks, job status.`,
		Example: `  # Check the whole batch; create nothing
  zonemove apply -f migrations.yaml --dry-run

  # Create the jobs and follow them to the end
  zonemove apply -f migrations.yaml --yes --wait

  # A rollout in tonight's window: one canary, then at most 2 instances away at once
  zonemove apply -f migrations.yaml --yes --canary 1 --max-unavailable 2 --not-before 02:00 --not-after 04:00`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Region, o.Profile = f.Global.Region, f.Global.Profile
			o.Commands = f.Global.commands()
			if err := o.complete(cmd); err != nil {
				return err
			}
			f.Global.ManifestRegion = o.Commands.Region
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	o.flags(cmd, "manifest of the migrations (YAML; required)")
	return cmd
}

// flags are the flags of apply, which revert shares.
func (o *ApplyOptions) flags(cmd *cobra.Command, fileHelp string) {
	fl := cmd.Flags()
	fl.StringVarP(&o.File, "file", "f", "", fileHelp)
	fl.BoolVar(&o.DryRun, "dry-run", false, "check every migration and show the plan; create nothing")
	fl.BoolVar(&o.RetryFailed, "retry-failed", false, "also resume the batch's jobs that are InError or Stopped (StartReplicationJob)")
	fl.BoolVarP(&o.Yes, "yes", "y", false, "create without asking for confirmation")
	fl.IntVar(&o.Concurrency, "concurrency", batch.DefaultConcurrency, fmt.Sprintf("API calls (checks, creates) in flight at once (1 to %d); how many instances are down at once is --max-unavailable", batch.MaxConcurrency))
	fl.StringVar(&o.StatePath, "state", "", "state file (default FILE.state.json, next to the manifest)")
	fl.BoolVar(&o.Wait, "wait", false, "after creating, follow every job of the batch to its end (as zonemove wait)")
	fl.DurationVar(&o.Interval, "interval", 30*time.Second, "with --wait or a rollout: time between polls (at least 100ms)")
	fl.DurationVar(&o.Timeout, "timeout", 0, "with --wait: give up waiting after this long (0: no limit)")
	fl.BoolVar(&o.FailFast, "fail-fast", false, "with --wait: stop waiting at the first job that fails (exit 5); the others keep running")
	o.RolloutFlags.Register(fl)
	addAroundFlags(fl, &o.Around)
	_ = cmd.RegisterFlagCompletionFunc("backends", fixedCompletion(around.Modes...))
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	_ = cmd.MarkFlagFilename("state", "json")
}

// complete validates the flags and the manifest. It sends nothing.
func (o *ApplyOptions) complete(cmd *cobra.Command) error {
	if o.File == "" {
		return cmdutil.UsageErrorf("a manifest is required: pass -f FILE (see docs/batch.md for its format)")
	}
	if o.Concurrency < 1 || o.Concurrency > batch.MaxConcurrency {
		return cmdutil.UsageErrorf("invalid --concurrency %d: want 1 to %d", o.Concurrency, batch.MaxConcurrency)
	}
	if o.DryRun && o.RetryFailed {
		return cmdutil.UsageErrorf("--retry-failed cannot go with --dry-run: a dry run resumes no job")
	}
	if o.DryRun && o.Wait {
		return cmdutil.UsageErrorf("--wait cannot go with --dry-run: a dry run creates no job")
	}
	if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
		return err
	}
	if o.revert != nil {
		// A revert's migrations come from the state file, and its region.
		if err := o.completeRevert(); err != nil {
			return err
		}
	} else if err := o.loadManifest(cmd); err != nil {
		return err
	}
	var section batch.Rollout
	if o.manifest != nil {
		section = o.manifest.Rollout
	}
	var err error
	if o.Rollout, err = o.RolloutFlags.Resolve(cmd, section, o.File, o.Now()); err != nil {
		return err
	}
	o.rolloutArgs = o.RolloutFlags.Args(cmd)
	switch {
	case o.Rollout.Paced() && cmd.Flags().Changed("timeout"):
		return cmdutil.UsageErrorf("--timeout cannot go with --max-unavailable, --canary or --not-after: a rollout follows every job to its return; its bound in time is --not-after")
	case cmd.Flags().Changed("interval") && !o.Wait && !o.Rollout.Paced():
		return cmdutil.UsageErrorf("--interval goes with --wait, or with a rollout (--max-unavailable, --canary, --not-after), which follows its jobs")
	case cmd.Flags().Changed("timeout") && !o.Wait:
		return cmdutil.UsageErrorf("--interval and --timeout go with --wait")
	case o.Rollout.Paced() && o.FailFast:
		return cmdutil.UsageErrorf("--fail-fast cannot go with --max-unavailable, --canary or --not-after: in a rollout, a failure stops new migrations as --max-failures says, and the running ones are followed to their end")
	case o.FailFast && !o.Wait:
		return cmdutil.UsageErrorf("--fail-fast goes with --wait")
	}
	// A dry run follows no job: what the steps after it need is not asked of it.
	if err := o.completeAround(cmd, o.Wait || o.Rollout.Paced() || o.DryRun); err != nil {
		return err
	}
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	if o.StatePath == "" {
		o.StatePath = batch.DefaultStatePath(o.File)
	}
	if dir := filepath.Dir(o.StatePath); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return cmdutil.UsageErrorf("invalid --state %s: folder %s does not exist", o.StatePath, dir)
		}
	}
	if !o.DryRun && !o.Yes && !o.IO.IsStdinTTY() {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "ConfirmationRequired",
			Err:  errors.New("refusing to create migration jobs without confirmation: stdin is not a terminal"),
			Hint: "pass --yes to create them, or --dry-run to only check them"}
	}
	if o.Limiter == nil {
		// Every API call of the batch, lookups and creates, shares one pace.
		o.Limiter = rate.NewLimiter(batch.DefaultRate, batch.DefaultBurst)
	}
	return nil
}

// loadManifest reads and validates the manifest; the checks and the API
// calls use its region.
func (o *ApplyOptions) loadManifest(cmd *cobra.Command) error {
	regionFlag := cmd.Flag("region") != nil && cmd.Flag("region").Changed
	m, err := batch.Load(o.File, batch.RegionSource{Region: o.Region, Flag: regionFlag})
	if err != nil {
		var me *batch.ManifestError
		if errors.As(err, &me) {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err, ErrCode: "InvalidManifest",
				Hint: "fix the manifest (docs/batch.md describes it); nothing was sent"}
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: fmt.Errorf("reading the manifest: %w", err), ErrCode: "InvalidManifest"}
	}
	o.manifest = m
	o.Commands.Region = m.Region // the checks and the API calls use the manifest's region
	return nil
}

func (o *ApplyOptions) run(ctx context.Context) error {
	region := o.Commands.Region
	// Safe for concurrent calls: every worker shares it.
	client, err := o.SMC(region, o.Limiter)
	if err != nil {
		return err
	}
	if !o.DryRun {
		// Another state file of this batch (another --state, a hard link, a
		// copy of the manifest) has its own state lock: the batch has one too.
		unlock, err := o.lockBatch()
		if err != nil {
			return stateError(err)
		}
		defer unlock()
	}
	st, store, err := batch.Open(o.StatePath, o.File, o.DryRun)
	if err != nil {
		return stateError(err)
	}
	if store != nil {
		defer store.Close()
	}
	// A revert runs the same way on the migrations that move the instances
	// back, recorded in each entry's revert record.
	manifest, records := o.manifest, store
	if o.revert != nil {
		if manifest, err = o.revertManifest(ctx, client, st); err != nil {
			return o.finish(&batch.Preflight{}, err)
		}
		st = batch.RevertState(st)
		if store != nil {
			records = store.Reverts()
		}
	}

	check := o.NewChecker(region, o.Limiter)
	o.mergeAround(manifest)
	steps := o.newApplySteps(records, region)
	o.steps = steps
	hasSteps, stepsAfter := anySteps(manifest)
	runner := &batch.Runner{
		Check: func(ctx context.Context, m *batch.Migration) (*preflight.Report, error) {
			spec := m.Spec
			rep, err := check(ctx, preflight.Request{Spec: &spec, Skip: m.SkipChecks, SkipAs: "skip_checks"})
			if err == nil && hasSteps {
				err = steps.check(ctx, m, rep)
			}
			return rep, err
		},
		Create: func(ctx context.Context, req *migration.Request) (*migration.Response, error) {
			return client.CreateCrossZoneMigrationJob(ctx, req)
		},
		Jobs: func(ctx context.Context, ids []string) (map[string]*facts.Job, error) {
			return client.JobsByID(ctx, region, ids)
		},
		Start: func(ctx context.Context, jobID string) (string, error) {
			resp, err := client.StartReplicationJob(ctx, &smc.StartReplicationJobRequest{JobId: jobID})
			if err != nil {
				return "", err
			}
			return resp.RequestId, nil
		},
		NewClientToken: o.NewClientToken,
		Now:            o.Now,
		Concurrency:    o.Concurrency,
		Region:         region,
	}
	if o.NewPrefetcher != nil {
		runner.Prefetch = o.NewPrefetcher(region, o.Limiter)
	}
	plan := runner.Preflight(ctx, manifest, st)
	for _, r := range plan.Results {
		r.Checks = renderChecks(r.Checks, o.Commands)
	}
	if !plan.Ready() || o.DryRun {
		err := o.preflightError(ctx, plan)
		if ctx.Err() == nil {
			err = worse(err, jobStatusError(plan, o.revert != nil))
		}
		return o.finish(plan, err)
	}
	if err := o.confirm(ctx, plan); err != nil {
		return err
	}
	if err := countdown(ctx, o.IO, o.Rollout, o.Now, o.Sleep); err != nil {
		return o.finish(plan, err)
	}
	if o.IO.IsStderrTTY() && !o.Out.JSON() && !o.Rollout.Paced() {
		runner.Progress = func(done, total int) {
			fmt.Fprintf(o.IO.ErrOut, "\rCreating jobs: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(o.IO.ErrOut)
			}
		}
	}
	if hasSteps {
		runner.Around = steps.aroundOf()
	}
	var tracker *follow.Tracker
	if o.Rollout.Paced() || (o.Wait && stepsAfter) {
		// Every job is followed to its return, which frees its slot.
		if tracker, err = o.follower().Track(ctx, follow.Options{Interval: o.Interval, ReadBack: recordInstances(store)}); err != nil {
			return o.finish(plan, err)
		}
		runner.Await = func(ctx context.Context, r *batch.Result) (string, error) { return awaitReturn(ctx, tracker, r, st) }
	}
	o.applied = true
	o.rolled = runner.Execute(ctx, plan, records, batch.ExecOptions{RetryFailed: o.RetryFailed, Rollout: o.Rollout})
	err = o.applyError(ctx, plan)
	switch {
	case tracker != nil:
		o.report = tracker.Stop()
		if ctx.Err() == nil {
			// The held or deferred migrations first: their hint goes on with the rollout.
			err = worse(err, o.rolloutError(plan))
			err = worse(err, o.report.Err())
		}
	case o.Wait && ctx.Err() == nil:
		// The lock is kept while waiting: a second apply of the batch is
		// refused until this one ends.
		err = worse(err, o.wait(ctx, plan, records))
	}
	if ctx.Err() == nil {
		err = worse(err, jobStatusError(plan, o.revert != nil))
	}
	return o.finish(plan, err)
}

// confirm asks, on a terminal without --yes, whether to create the batch's
// jobs: everything a person should weigh comes before the question (the
// plan, each migration's warnings, what to prepare), and the question says
// how many instances stop together.
func (o *ApplyOptions) confirm(ctx context.Context, plan *batch.Preflight) error {
	resume := 0
	for _, r := range plan.Results {
		if o.RetryFailed && r.Status == batch.Exists && batch.RetryFailedResumes(r.JobStatus) {
			resume++
		}
	}
	planned := plan.Count(batch.Planned)
	if (planned == 0 && resume == 0) || o.Yes {
		return nil
	}
	w := o.IO.ErrOut
	o.document(plan).preview(w, o.IO.StderrColorScheme(), listTableOn(w, o.IO.IsStderrTTY(), o.IO.TerminalWidth()))
	fmt.Fprintln(w)
	question := fmt.Sprintf("Create %s?", cmdutil.Count(planned, "migration job", "migration jobs"))
	if resume > 0 {
		question = fmt.Sprintf("Create %d and resume %s?", planned, cmdutil.Count(resume, "migration job", "migration jobs"))
	}
	question += fmt.Sprintf(" Each instance is stopped and restarted in its target zone: %s.", together(o.Rollout, planned+resume))
	if o.revert != nil {
		question = strings.Replace(question, "migration job(s)?", "revert job(s)? (Each moves an instance back where it was before its move.)", 1)
	}
	ok, err := confirm(ctx, o.IO, question)
	if err != nil {
		return err
	}
	if !ok {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "NotConfirmed", Err: errors.New("not confirmed: nothing was created")}
	}
	return nil
}

// target is what following a migration's job checks: where its instance must
// end, and where it was (before, the state file's first sight, else this run's).
func target(r *batch.Result, before *batch.Place) follow.Target {
	s := r.Migration.Spec
	wantType := s.TargetInstanceType
	if wantType == "" {
		// No type change asked: the type must stay.
		wantType = r.CurrentInstanceType
		if wantType == "" && before != nil {
			wantType = before.InstanceType
		}
	}
	t := follow.Target{JobID: r.JobID, InstanceID: s.InstanceID, TargetZone: s.TargetZone,
		TargetInstanceType: wantType, JustCreated: r.Status == batch.Created}
	if r.Instance != nil {
		t.InstanceName, t.Before = r.Instance.InstanceName, follow.ViewOfInstance(r.Instance)
	}
	if before != nil {
		// The first sight, not this run's: a resumed create's instance may
		// have moved already.
		t.Before = &follow.InstanceView{ZoneID: before.ZoneID, InstanceType: before.InstanceType, PrivateIP: before.PrivateIP}
	}
	return t
}

// beforeOf is where the instance was at its first sight: the state file's
// record (an earlier run's), else this run's preflight.
func beforeOf(r *batch.Result, recorded *batch.State) *batch.Place {
	if recorded != nil {
		if e := recorded.Migrations[r.Migration.Spec.InstanceID]; e != nil && e.Before != nil {
			return e.Before
		}
	}
	return r.Before
}

// awaitReturn follows a migration's job until its instance is back, for a
// rollout's slot: Finished and read back where asked, or a *batch.JobEndedError.
func awaitReturn(ctx context.Context, tracker *follow.Tracker, r *batch.Result, recorded *batch.State) (string, error) {
	j, err := tracker.Await(ctx, target(r, beforeOf(r, recorded)))
	if err != nil {
		return "", err
	}
	if j.Instance != nil {
		r.ReturnedIP = j.Instance.PrivateIP
	}
	status := waitStatus(j)
	if j.Failed() {
		return status, &batch.JobEndedError{JobID: j.JobID, Status: status, Problem: j.Brief()}
	}
	return status, nil
}

// rolloutError is what a rollout's migrations that did not start mean: held
// (the failure budget was spent, exit 5) or deferred (the window closed,
// exit 7).
func (o *ApplyOptions) rolloutError(plan *batch.Preflight) error {
	rep := o.rolled
	if rep == nil {
		return nil
	}
	switch {
	case rep.Held > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "FailureBudgetSpent",
			Err: fmt.Errorf("%d migration(s) failed, more than --max-failures %d allows: %d held (not started)", rep.Failures, rep.Options.MaxFailures, rep.Held),
			Next: next.Hintf("find why with '%s'; once the cause is fixed, run '%s': it resumes the failed jobs and starts the held migrations (docs/batch.md, \"Held and deferred\")",
				next.Cmd("status", failedJobs(plan)...), rerun(o.revert != nil, append([]string{"--retry-failed"}, strings.Fields(o.rolloutArgs)...)...).OfBatch().Confirmed())}
	case rep.Deferred > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitDeferred, ErrCode: "Deferred",
			Err:  fmt.Errorf("the window closed: %d migration(s) deferred (none could be back before %s)", rep.Deferred, rep.Options.NotAfter.Format(time.RFC3339)),
			Hint: "run the same command in the next window: the deferred migrations start, nothing done is repeated (docs/batch.md, \"Held and deferred\")"}
	}
	return nil
}

// failedJobs are the jobs of the migrations that failed (JOB_ID when none
// is known).
func failedJobs(plan *batch.Preflight) []string {
	var ids []string
	for _, r := range plan.Results {
		if r.JobID != "" && (r.Err != nil || batch.EndedBadly(r.JobStatus)) {
			ids = append(ids, r.JobID)
		}
	}
	if len(ids) == 0 {
		return []string{"JOB_ID"}
	}
	return ids
}

// wait follows every job of the batch, created now or before, as zonemove
// wait does, and checks that each instance ends where its entry asked.
func (o *ApplyOptions) wait(ctx context.Context, plan *batch.Preflight, store *batch.Store) error {
	var targets []follow.Target
	// Where each instance was: the state file's record, kept from the run
	// that first saw it, so that a re-run maps the old addresses too.
	recorded := store.Snapshot()
	if o.revert != nil {
		// A revert's first sight is its own record's: where the move left the instance.
		recorded = batch.RevertState(recorded)
	}
	for _, r := range plan.Results {
		// A job already known to be gone has nothing to follow (exit 5 says so).
		if r.JobID != "" && (r.Status == batch.Created || r.Status == batch.Exists) && r.JobStatus != batch.JobNotFound {
			targets = append(targets, target(r, beforeOf(r, recorded)))
		}
	}
	if len(targets) == 0 {
		return nil
	}
	report, err := o.follower().Wait(ctx, targets, follow.Options{Interval: o.Interval, Timeout: o.Timeout, FailFast: o.FailFast,
		ReadBack: recordInstances(store)})
	o.report = report
	if err != nil {
		return err
	}
	return report.Err()
}

// recordInstances records in the state file where the instances of Finished
// jobs were read back (their record's instance: where each ended, after a
// move or a revert), whether the jobs are waited for or paced by a rollout.
func recordInstances(store *batch.Store) func(map[string]*facts.Instance) error {
	return func(found map[string]*facts.Instance) error {
		places := make(map[string]*batch.Place, len(found))
		for id, in := range found {
			places[id] = batch.PlaceOf(in, nil)
		}
		return store.RecordInstance(places)
	}
}

// rerun is the step that runs the batch again: apply, or revert for a
// revert's batch, with args.
func rerun(revert bool, args ...string) next.Step {
	if revert {
		return next.Cmd("revert", args...)
	}
	return next.Cmd("apply", args...)
}

// verb is the command a re-run repeats: apply, or revert.
func (o *ApplyOptions) verb() string {
	if o.revert != nil {
		return "revert"
	}
	return "apply"
}

// worse returns the more severe of two errors.
func worse(a, b error) error {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case exitRank[ExitCode(b)] > exitRank[ExitCode(a)]:
		return b
	}
	return a
}

// lockBatch takes the lock of the manifest's batch in the user's state
// folder, for the whole run.
func (o *ApplyOptions) lockBatch() (unlock func(), err error) {
	if o.UserStateDir == nil {
		return func() {}, nil
	}
	dir, err := o.UserStateDir()
	if err != nil {
		return nil, err
	}
	l, err := batch.LockBatch(dir, o.manifest, o.StatePath)
	if err != nil {
		return nil, err
	}
	return func() { l.Unlock() }, nil
}

// stateError gives a state or lock failure its exit code and hint: "restore
// it" only where the content is bad.
func stateError(err error) error {
	var le *batch.LockedError
	if errors.As(err, &le) {
		hint := "wait for the other run to end (the lock goes with its process), or use another --state for another batch"
		if le.Batch {
			hint = "wait for the other run to end (the lock goes with its process); a batch has one state file: go on with that run's, never a second one"
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: err, ErrCode: "StateLocked", Hint: hint}
	}
	var se *batch.StateError
	if errors.As(err, &se) {
		hint := "the state file records which jobs exist: restore it rather than delete it (docs/batch.md)"
		switch {
		case errors.Is(err, fs.ErrPermission):
			hint = "permission denied: run zonemove as the user who owns the state file, or give that user read and write access to it, its journal and its folder; nothing was sent"
		case !se.Content:
			hint = "--state (default MANIFEST.state.json) must name a JSON file, or one not made yet, in a folder that exists; nothing was sent"
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: err, ErrCode: "InvalidStateFile", Hint: hint}
	}
	return err
}

// preflightError is the error of a batch that stops after its preflight.
func (o *ApplyOptions) preflightError(ctx context.Context, plan *batch.Preflight) error {
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New("interrupted during the checks: nothing was created")}
	}
	if err := worstError(ctx, plan, o.verb()); err != nil {
		return err
	}
	if n := plan.Count(batch.Blocked); n > 0 {
		where := "each has a hint above"
		if o.Out.JSON() {
			where = "each failing check of results[].checks has a hint"
		}
		var failed []preflight.Result
		for _, r := range plan.Results {
			failed = append(failed, preflight.Failed(r.Checks)...)
		}
		hint := "fix what the failing checks say (" + where + ")"
		if skippable := skippableOf(failed); len(skippable) > 0 {
			hint += ", or accept one on purpose with skip_checks in the manifest (" + strings.Join(skippable, ", ") + " may be skipped)"
		}
		return &cmdutil.ExitError{Code: cmdutil.ExitCheckFailed, ErrCode: "CheckFailed",
			Err:  fmt.Errorf("%d of %s blocked by failing checks; nothing was created", n, cmdutil.Count(len(plan.Results), "migration", "migrations")),
			Hint: hint}
	}
	return nil
}

// applyError is the error of a batch after its creates: the worst outcome.
func (o *ApplyOptions) applyError(ctx context.Context, plan *batch.Preflight) error {
	if err := worstError(ctx, plan, o.verb()); err != nil {
		return err
	}
	if n := plan.Count(batch.Planned); n > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%s not created", cmdutil.Count(n, "migration was", "migrations were"))}
	}
	return nil
}

// jobStatusError is exit 5 for a batch with a job that a person must act on
// (InError, Stopped, Expired, or gone), as its status was read in this run.
// Its hint is the batch's one recovery story (docs/batch.md): resume with
// apply --retry-failed, or forget what cannot go on and apply again; a revert
// the same with revert and state forget --revert.
func jobStatusError(plan *batch.Preflight, revert bool) error {
	var bad, resumable, badJobs, gone []string
	for _, r := range plan.Results {
		if r.Status != batch.Exists || !batch.EndedBadly(r.JobStatus) {
			continue
		}
		id := r.Migration.Spec.InstanceID
		bad = append(bad, r.JobID+" ("+id+", "+r.JobStatus+")")
		if batch.RetryFailedResumes(r.JobStatus) {
			resumable, badJobs = append(resumable, id), append(badJobs, r.JobID)
		} else {
			gone = append(gone, id)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var hints []next.Hint
	resume, forget, again := rerun(revert, "--retry-failed"), next.Cmd("state forget", gone...), "apply"
	if revert {
		forget, again = next.Cmd("state forget", append([]string{"--revert"}, gone...)...), "revert"
	}
	if len(resumable) > 0 {
		hints = append(hints, next.Hintf("read why with '%s'; once the cause is fixed, resume the InError and Stopped jobs with '%s'",
			next.Cmd("status", badJobs...), resume.OfBatch().Confirmed()))
	}
	if len(gone) > 0 {
		hints = append(hints, next.Hintf("a job that expired or was deleted cannot go on: '%s', then run the same %s again (it creates a new one)",
			forget.OfBatch().Confirmed(), again))
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "JobFailed",
		Err:  fmt.Errorf("%s of the batch %s attention: %s", cmdutil.Count(len(bad), "job", "jobs"), countNoun(len(bad), "needs", "need"), strings.Join(bad, ", ")),
		Next: next.Hintf("%s (docs/batch.md, \"A job of the batch ended badly\")", next.Join(hints, "; "))}
}

// exitRank orders exit codes from the least to the most severe.
// A deferred migration (7) is the least: it waits for the next window.
var exitRank = map[int]int{cmdutil.ExitOK: 0, cmdutil.ExitDeferred: 1, cmdutil.ExitTimeout: 2, cmdutil.ExitJobFailed: 3, cmdutil.ExitCheckFailed: 4, cmdutil.ExitFailure: 5, cmdutil.ExitAuth: 6, cmdutil.ExitInterrupted: 7}

// worstError sums up the failed migrations: how many, and the most severe
// error with its instance (its exit code is the run's).
func worstError(ctx context.Context, plan *batch.Preflight, verb string) error {
	var worst *batch.Result
	failed, notSent := 0, 0
	for _, r := range plan.Results {
		var ns *batch.NotSentError
		switch {
		case r.Err == nil:
			continue
		case errors.As(r.Err, &ns):
			notSent++
		default:
			failed++
		}
		if worst == nil || exitRank[ExitCode(r.Err)] > exitRank[ExitCode(worst.Err)] {
			worst = r
		}
	}
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted",
			Err:  errors.New("interrupted; the state file has every ClientToken sent and every job known so far"),
			Hint: "run the same " + verb + " again to finish the batch: it creates no duplicate"}
	}
	if worst == nil {
		return nil
	}
	code := ExitCode(worst.Err)
	what := fmt.Sprintf("%d of %s failed", failed, cmdutil.Count(len(plan.Results), "migration", "migrations"))
	if notSent > 0 {
		what += fmt.Sprintf(" and %d were not sent", notSent)
	}
	ee := &cmdutil.ExitError{Code: code, Err: fmt.Errorf("%s; %s: %w", what, worst.Migration.Spec.InstanceID, worst.Err)}
	var ae *apierr.Error
	if errors.As(worst.Err, &ae) {
		ee.ErrCode = ae.Code
	}
	if code != cmdutil.ExitAuth {
		ee.Hint = "run the same " + verb + " again once the cause is fixed: migrations with a job are not created again, and a create whose outcome is unknown is re-sent with its ClientToken"
	}
	// A failure that says itself what to do next (a failed verification) keeps it.
	var own *cmdutil.ExitError
	if errors.As(worst.Err, &own) && (own.Hint != "" || !own.Next.IsZero()) {
		ee.ErrCode, ee.Hint, ee.Next = own.ErrCode, own.Hint, own.Next
	}
	return ee
}

// follower follows the batch's jobs: what to do next about them is the
// batch's recovery, and the same apply with --wait goes on following them.
func (o *ApplyOptions) follower() *follow.Follower {
	f := o.NewFollower(o.Commands, o.Limiter)
	f.Batch, f.Resume = true, rerun(o.revert != nil, "--wait").OfBatch().Confirmed()
	return f
}

// finish ends the run with the batch's document and returns err.
func (o *ApplyOptions) finish(plan *batch.Preflight, err error) error {
	if err == nil && o.revert != nil {
		err = o.revertError()
	}
	return o.Out.Render(o.document(plan), err)
}
