package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/smc"
)

// ApplyOptions are the values of zonemove apply and what it needs. The API
// calls go to the manifest's region, so the clients are built for it.
type ApplyOptions struct {
	IO         *iostreams.IOStreams
	Out        *Output
	SMC        func(region string, limiter *rate.Limiter) (*smc.Client, error)
	NewChecker func(region string, limiter *rate.Limiter) CheckFunc
	// NewPrefetcher reads the facts of a batch's migrations in bulk before
	// their checks; nil reads them migration by migration.
	NewPrefetcher  func(region string, limiter *rate.Limiter) batch.PrefetchFunc
	NewFollower    func(cmdutil.Commands, *rate.Limiter) *follow.Follower
	NewClientToken func() string
	Now            func() time.Time
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

	manifest *batch.Manifest
	applied  bool           // the creates were started
	report   *follow.Report // with --wait, how the jobs ended
}

// NewCmdApply builds zonemove apply. runF replaces the run function in tests
// of flag parsing.
func NewCmdApply(f *Factory, runF func(context.Context, *ApplyOptions) error) *cobra.Command {
	o := &ApplyOptions{IO: f.IOStreams, Out: f.Output(), SMC: f.SMC, NewChecker: f.Checker, NewPrefetcher: f.Prefetcher, NewFollower: f.Follower,
		NewClientToken: f.NewClientToken, Now: f.Now, Limiter: f.Policy.Limiter}
	cmd := &cobra.Command{
		Use:   "apply -f FILE [flags]",
		Short: "Check and create a batch of migrations from a manifest, safe to re-run",
		Long: `Run the migrations of a YAML manifest (see docs/batch.md) as one batch.

Every migration is checked first, concurrently; if any check fails, nothing is
created (exit 3). Then the jobs are created, --concurrency at a time.

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
terminal it needs --yes.`,
		Example: `  # Check the whole batch; create nothing
  zonemove apply -f migrations.yaml --dry-run

  # Create the jobs and follow them to the end
  zonemove apply -f migrations.yaml --yes --wait`,
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
	fl := cmd.Flags()
	fl.StringVarP(&o.File, "file", "f", "", "manifest of the migrations (YAML; required)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "check every migration and show the plan; create nothing")
	fl.BoolVar(&o.RetryFailed, "retry-failed", false, "also resume the batch's jobs that are InError or Stopped (StartReplicationJob)")
	fl.BoolVarP(&o.Yes, "yes", "y", false, "create without asking for confirmation")
	fl.IntVar(&o.Concurrency, "concurrency", batch.DefaultConcurrency, fmt.Sprintf("checks and creates in flight at once (1 to %d)", batch.MaxConcurrency))
	fl.StringVar(&o.StatePath, "state", "", "state file (default FILE.state.json, next to the manifest)")
	fl.BoolVar(&o.Wait, "wait", false, "after creating, follow every job of the batch to its end (as zonemove wait)")
	fl.DurationVar(&o.Interval, "interval", 30*time.Second, "with --wait: time between polls")
	fl.DurationVar(&o.Timeout, "timeout", 0, "with --wait: give up waiting after this long (0: no limit)")
	fl.BoolVar(&o.FailFast, "fail-fast", false, "with --wait: stop waiting at the first job that fails (exit 5); the others keep running")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	_ = cmd.MarkFlagFilename("state", "json")
	return cmd
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
	if (cmd.Flags().Changed("interval") || cmd.Flags().Changed("timeout") || o.FailFast) && !o.Wait {
		return cmdutil.UsageErrorf("--interval, --timeout and --fail-fast go with --wait")
	}
	if err := validateWaitFlags(o.Interval, o.Timeout); err != nil {
		return err
	}
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
	// The checks and the API calls use the manifest's region.
	o.Commands.Region = m.Region
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

// applyDocument is apply's JSON document.
type applyDocument struct {
	DryRun    bool          `json:"dry_run"`
	Manifest  string        `json:"manifest"`
	StateFile string        `json:"state_file"`
	Results   []applyResult `json:"results"`
	Summary   applySummary  `json:"summary"`
	errorField
}

type applyResult struct {
	InstanceID         string       `json:"instance_id"`
	TargetZone         string       `json:"target_zone"`
	TargetInstanceType string       `json:"target_instance_type"`
	Status             batch.Status `json:"status"`
	JobID              string       `json:"job_id"`
	ClientToken        string       `json:"client_token"`
	Resumed            bool         `json:"resumed"`
	Adopted            bool         `json:"adopted,omitempty"`
	Restarted          bool         `json:"restarted,omitempty"`
	// JobStatus is the job's status as read in this run (with --wait, where
	// the wait left it).
	JobStatus string             `json:"job_status"`
	Checks    []preflight.Result `json:"checks"`
	Error     *ErrorBody         `json:"error"`
	// Job is, with --wait, the job as the wait left it.
	Job *follow.Result `json:"job,omitempty"`
}

type applySummary struct {
	Total   int `json:"total"`
	Planned int `json:"planned"`
	Created int `json:"created"`
	Exists  int `json:"exists"`
	Done    int `json:"done"`
	Blocked int `json:"blocked"`
	Failed  int `json:"failed"`
	// Jobs counts, with --wait, how the jobs ended.
	Jobs *applyJobsSummary `json:"jobs,omitempty"`
}

type applyJobsSummary struct {
	Finished int  `json:"finished"`
	Failed   int  `json:"failed"`
	NotDone  int  `json:"not_done"`
	TimedOut bool `json:"timed_out"`
}

func (o *ApplyOptions) run(ctx context.Context) error {
	region := o.Commands.Region
	var (
		st    *batch.State
		store *batch.Store
		err   error
	)
	// Safe for concurrent calls: every worker shares it.
	client, err := o.SMC(region, o.Limiter)
	if err != nil {
		return err
	}
	if o.DryRun {
		// A dry run writes nothing, not even the lock.
		st, err = batch.ReadState(o.StatePath)
	} else {
		store, err = batch.OpenStore(o.StatePath, filepath.Base(o.File))
		if err == nil {
			defer store.Close()
			st = store.Snapshot()
		}
	}
	if err != nil {
		return stateError(err)
	}

	check := o.NewChecker(region, o.Limiter)
	runner := &batch.Runner{
		Check: func(ctx context.Context, m *batch.Migration) (*preflight.Report, error) {
			spec := m.Spec
			return check(ctx, preflight.Request{Spec: &spec, Skip: m.SkipChecks})
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
	plan := runner.Preflight(ctx, o.manifest, st)
	for _, r := range plan.Results {
		r.Checks = renderChecks(r.Checks, o.Commands)
	}
	if !plan.Ready() || o.DryRun {
		err := o.preflightError(ctx, plan)
		if ctx.Err() == nil {
			err = worse(err, jobStatusError(plan))
		}
		return o.finish(plan, err)
	}
	resume := 0
	for _, r := range plan.Results {
		if o.RetryFailed && r.Status == batch.Exists && batch.Resumable(r.JobStatus) {
			resume++
		}
	}
	if (plan.Count(batch.Planned) > 0 || resume > 0) && !o.Yes {
		// Everything a person should weigh comes before the question:
		// the plan, each migration's warnings, and what to prepare.
		w, cs := o.IO.ErrOut, o.IO.StderrColorScheme()
		o.printTable(w, cs, plan)
		o.printDetails(w, cs, plan)
		o.printAdvice(w, plan)
		fmt.Fprintln(w)
		question := fmt.Sprintf("Create %d migration job(s)? Each instance is stopped and restarted in its target zone.", plan.Count(batch.Planned))
		if resume > 0 {
			question = fmt.Sprintf("Create %d and resume %d migration job(s)? Each instance is stopped and restarted in its target zone.", plan.Count(batch.Planned), resume)
		}
		ok, err := confirm(ctx, o.IO, question)
		if err != nil {
			return err
		}
		if !ok {
			return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "NotConfirmed", Err: errors.New("not confirmed: nothing was created")}
		}
	}
	if o.IO.IsStderrTTY() && !o.Out.JSON() {
		runner.Progress = func(done, total int) {
			fmt.Fprintf(o.IO.ErrOut, "\rCreating jobs: %d/%d", done, total)
			if done == total {
				fmt.Fprintln(o.IO.ErrOut)
			}
		}
	}
	o.applied = true
	runner.Apply(ctx, plan, store)
	if o.RetryFailed {
		runner.Resume(ctx, plan)
	}
	err = o.applyError(ctx, plan)
	if o.Wait && ctx.Err() == nil {
		// The lock is kept while waiting: a second apply of the batch is
		// refused until this one ends.
		err = worse(err, o.wait(ctx, plan))
	}
	if ctx.Err() == nil {
		err = worse(err, jobStatusError(plan))
	}
	return o.finish(plan, err)
}

// wait follows every job of the batch, created now or before, as zonemove
// wait does, and checks that each instance ends where its entry asked.
func (o *ApplyOptions) wait(ctx context.Context, plan *batch.Plan) error {
	var targets []follow.Target
	for _, r := range plan.Results {
		// A job already known to be gone has nothing to follow (exit 5 says so).
		if r.JobID != "" && (r.Status == batch.Created || r.Status == batch.Exists) && r.JobStatus != batch.JobNotFound {
			s := r.Migration.Spec
			wantType := s.TargetInstanceType
			if wantType == "" {
				wantType = r.CurrentInstanceType // no type change asked: the type must stay
			}
			t := follow.Target{JobID: r.JobID, InstanceID: s.InstanceID, TargetZone: s.TargetZone,
				TargetInstanceType: wantType, JustCreated: r.Status == batch.Created}
			if r.Instance != nil {
				t.InstanceName, t.Before = r.Instance.InstanceName, follow.ViewOfInstance(r.Instance)
			}
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	follower := o.NewFollower(o.Commands, o.Limiter)
	follower.Batch = true // what to do next is the batch's recovery
	report, err := follower.Wait(ctx, targets, follow.Options{Interval: o.Interval, Timeout: o.Timeout, FailFast: o.FailFast})
	o.report = report
	if err != nil {
		return err
	}
	return report.Err()
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

// stateError gives a state or lock failure its exit code and hint.
func stateError(err error) error {
	var le *batch.LockedError
	if errors.As(err, &le) {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: err, ErrCode: "StateLocked",
			Hint: "wait for the other run to end (the lock goes with its process), or use another --state for another batch"}
	}
	var se *batch.StateError
	if errors.As(err, &se) {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: err, ErrCode: "InvalidStateFile",
			Hint: "the state file records which jobs exist: restore it rather than delete it (docs/batch.md)"}
	}
	return err
}

// preflightError is the error of a batch that stops after its preflight.
func (o *ApplyOptions) preflightError(ctx context.Context, plan *batch.Plan) error {
	if ctx.Err() != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted", Err: errors.New("interrupted during the checks: nothing was created")}
	}
	if err := worstError(ctx, plan); err != nil {
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
			Err:  fmt.Errorf("%d of %d migrations blocked by failing checks; nothing was created", n, len(plan.Results)),
			Hint: hint}
	}
	return nil
}

// applyError is the error of a batch after its creates: the worst outcome.
func (o *ApplyOptions) applyError(ctx context.Context, plan *batch.Plan) error {
	if err := worstError(ctx, plan); err != nil {
		return err
	}
	if n := plan.Count(batch.Planned); n > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%d migrations were not created", n)}
	}
	return nil
}

// jobStatusError is exit 5 for a batch with a job that a person must act on
// (InError, Stopped, Expired, or gone), as its status was read in this run.
// Its hint is the batch's one recovery story (docs/batch.md): resume with
// apply --retry-failed, or forget what cannot go on and apply again.
func jobStatusError(plan *batch.Plan) error {
	var bad, resumable, badJobs, gone []string
	for _, r := range plan.Results {
		if r.Status != batch.Exists || !batch.EndedBadly(r.JobStatus) {
			continue
		}
		id := r.Migration.Spec.InstanceID
		bad = append(bad, r.JobID+" ("+id+", "+r.JobStatus+")")
		if batch.Resumable(r.JobStatus) {
			resumable, badJobs = append(resumable, id), append(badJobs, r.JobID)
		} else {
			gone = append(gone, id)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	var hints []next.Hint
	if len(resumable) > 0 {
		hints = append(hints, next.Hintf("read why with '%s'; once the cause is fixed, resume the InError and Stopped jobs with '%s'",
			next.Cmd("status", badJobs...), next.Cmd("apply", "--retry-failed").OfBatch().Confirmed()))
	}
	if len(gone) > 0 {
		hints = append(hints, next.Hintf("a job that expired or was deleted cannot go on: '%s', then run the same apply again (it creates a new one)",
			next.Cmd("state forget", gone...).OfBatch().Confirmed()))
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "JobFailed",
		Err:  fmt.Errorf("%d job(s) of the batch need attention: %s", len(bad), strings.Join(bad, ", ")),
		Next: next.Hintf("%s (docs/batch.md, \"A job of the batch ended badly\")", next.Join(hints, "; "))}
}

// exitRank orders exit codes from the least to the most severe.
var exitRank = map[int]int{cmdutil.ExitOK: 0, cmdutil.ExitTimeout: 1, cmdutil.ExitJobFailed: 2, cmdutil.ExitCheckFailed: 3, cmdutil.ExitFailure: 4, cmdutil.ExitAuth: 5, cmdutil.ExitInterrupted: 6}

// worstError sums up the failed migrations: how many, and the most severe
// error with its instance (its exit code is the run's).
func worstError(ctx context.Context, plan *batch.Plan) error {
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
			Hint: "run the same apply again to finish the batch: it creates no duplicate"}
	}
	if worst == nil {
		return nil
	}
	code := ExitCode(worst.Err)
	what := fmt.Sprintf("%d of %d migrations failed", failed, len(plan.Results))
	if notSent > 0 {
		what += fmt.Sprintf(" and %d were not sent", notSent)
	}
	ee := &cmdutil.ExitError{Code: code, Err: fmt.Errorf("%s; %s: %w", what, worst.Migration.Spec.InstanceID, worst.Err)}
	var ae *apierr.Error
	if errors.As(worst.Err, &ae) {
		ee.ErrCode = ae.Code
	}
	if code != cmdutil.ExitAuth {
		ee.Hint = "run the same apply again once the cause is fixed: migrations with a job are not created again, and a create whose outcome is unknown is re-sent with its ClientToken"
	}
	return ee
}

// finish prints the document (JSON, or the table for people) and returns err.
func (o *ApplyOptions) finish(plan *batch.Plan, err error) error {
	return o.Out.Render(o.document(plan), err, func() {
		w := o.IO.Out
		cs := o.IO.ColorScheme()
		o.printTable(w, cs, plan)
		o.printDetails(w, cs, plan)
		o.printAdvice(w, plan)
		fmt.Fprintln(w)
		if o.report != nil {
			follow.PrintReport(o.IO, o.report, o.Now(), o.Commands.Step)
			fmt.Fprintln(w)
			o.printAddresses(w, plan)
		}
		fmt.Fprintln(w, o.summaryLine(plan))
	})
}

func (o *ApplyOptions) document(plan *batch.Plan) *applyDocument {
	doc := &applyDocument{DryRun: o.DryRun, Manifest: o.File, StateFile: o.StatePath, Results: []applyResult{}}
	for _, r := range plan.Results {
		s := r.Migration.Spec
		checks := r.Checks
		if checks == nil {
			checks = []preflight.Result{}
		}
		doc.Results = append(doc.Results, applyResult{
			InstanceID: s.InstanceID, TargetZone: s.TargetZone, TargetInstanceType: s.TargetInstanceType,
			Status: r.Status, JobID: r.JobID, ClientToken: r.ClientToken, Resumed: r.Resumed, Adopted: r.Adopted, Restarted: r.Restarted, JobStatus: r.JobStatus,
			Checks: checks, Error: o.resultErrorBody(r),
		})
	}
	doc.Summary = summarize(plan)
	if o.report != nil {
		jobs := &applyJobsSummary{TimedOut: o.report.TimedOut}
		for i, r := range plan.Results {
			j := o.waitResult(r)
			if j == nil {
				continue
			}
			doc.Results[i].Job = j
			doc.Results[i].JobStatus = waitStatus(j)
			switch {
			case j.Failed():
				jobs.Failed++
			case j.Done():
				jobs.Finished++
			default:
				jobs.NotDone++
			}
		}
		doc.Summary.Jobs = jobs
	}
	return doc
}

// waitStatus is the status a followed job ended in: a job that failed in a
// status that is not an end was deleted while it was followed.
func waitStatus(j *follow.Result) string {
	if j.Failed() && !facts.IsTerminal(j.Status) {
		return batch.JobNotFound
	}
	return j.Status
}

// waitResult is the job of a migration as the wait left it, if it was followed.
func (o *ApplyOptions) waitResult(r *batch.Result) *follow.Result {
	if o.report == nil || r.JobID == "" {
		return nil
	}
	for _, j := range o.report.Jobs {
		if j.JobID == r.JobID {
			return j
		}
	}
	return nil
}

func summarize(plan *batch.Plan) applySummary {
	return applySummary{Total: len(plan.Results), Planned: plan.Count(batch.Planned), Created: plan.Count(batch.Created),
		Exists: plan.Count(batch.Exists), Done: plan.Count(batch.Done), Blocked: plan.Count(batch.Blocked), Failed: plan.Count(batch.Failed)}
}

// resultErrorBody describes a migration's error, with what a re-run does about it.
func (o *ApplyOptions) resultErrorBody(r *batch.Result) *ErrorBody {
	if r.Err == nil {
		return nil
	}
	b := errorBody(r.Err, o.Commands)
	if h := o.resultHint(r); h != "" {
		b.Hint = h
	}
	return b
}

func (o *ApplyOptions) resultHint(r *batch.Result) string {
	var ae *apierr.Error
	var ns *batch.NotSentError
	switch {
	case errors.As(r.Err, &ns):
		return "run the same apply again to create it: " + o.Commands.Step(next.Cmd("apply").OfBatch().Confirmed())
	case r.Status == batch.Created:
		return hintFor(r.Err, o.Commands)
	case errors.As(r.Err, new(*jobcontrol.TokenReusedError)):
		var tr *jobcontrol.TokenReusedError
		errors.As(r.Err, &tr)
		return fmt.Sprintf("The state file gives %s a ClientToken that another migration used. Check the job with '%s'; then drop the entry with '%s' and run the same apply again to create it with a new token.",
			r.Migration.Spec.InstanceID, o.Commands.Line("status", []string{tr.JobID}),
			o.Commands.Step(next.Cmd("state forget", r.Migration.Spec.InstanceID).OfBatch().Confirmed()))
	case errors.As(r.Err, &ae) && ae.Action == "CreateCrossZoneMigrationJob":
		if migration.MayHaveCreated(r.Resumed, r.Err) {
			return fmt.Sprintf("The job may or may not have been created. ClientToken %s is kept in %s: run the same apply again; it re-sends the create with that token, and the API returns the same job instead of creating a second one.", r.ClientToken, o.StatePath)
		}
		h := hintFor(r.Err, o.Commands)
		if h != "" {
			h += " "
		}
		return h + "No job was created; once the cause is fixed, run the same apply again."
	}
	return hintFor(r.Err, o.Commands)
}

// printTable writes one line per migration.
func (o *ApplyOptions) printTable(w io.Writer, cs *iostreams.ColorScheme, plan *batch.Plan) {
	t := newTable(w, "")
	header := []string{"INSTANCE", "TARGET ZONE", "TARGET TYPE", "STATUS", "JOB ID", "FAILING CHECKS"}
	jobColumn := o.report != nil
	for _, r := range plan.Results {
		jobColumn = jobColumn || r.JobStatus != ""
	}
	if jobColumn {
		header = append(header, "JOB STATUS")
	}
	t.row(header...)
	for _, r := range plan.Results {
		s := r.Migration.Spec
		status := string(r.Status)
		switch r.Status {
		case batch.Created, batch.Exists, batch.Done:
			status = cs.Green(status)
		case batch.Blocked, batch.Failed:
			status = cs.Red(status)
		}
		var failing []string
		for _, c := range preflight.Failed(r.Checks) {
			failing = append(failing, c.ID)
		}
		row := []string{s.InstanceID, s.TargetZone, follow.Dash(s.TargetInstanceType), status, follow.Dash(r.JobID), follow.Dash(strings.Join(failing, ","))}
		if jobColumn {
			js := follow.Dash(r.JobStatus)
			if r.JobStatus != "" {
				js = follow.ColorStatus(cs, js)
			}
			if j := o.waitResult(r); j != nil {
				js = follow.ColorStatus(cs, waitStatus(j))
				if j.Failed() && j.Status == facts.JobFinished {
					js = cs.Red(j.Status + " (not as asked)")
				}
			}
			row = append(row, js)
		}
		t.row(row...)
	}
	t.flush()
}

// printDetails explains each migration that needs a word: failing and
// skipped checks, errors, and creates resumed from an earlier run.
func (o *ApplyOptions) printDetails(w io.Writer, cs *iostreams.ColorScheme, plan *batch.Plan) {
	for _, r := range plan.Results {
		var notable []preflight.Result
		for _, c := range r.Checks {
			if c.Status == preflight.Fail || (c.Status == preflight.Warn && !advisory[c.ID]) {
				notable = append(notable, c)
			}
		}
		if len(notable) == 0 && r.Err == nil && !r.Resumed && !r.Restarted && !batch.EndedBadly(r.JobStatus) {
			continue
		}
		fmt.Fprintf(w, "\n%s (%s line %d): %s\n", cs.Bold(r.Migration.Spec.InstanceID), o.File, r.Migration.Line, r.Status)
		if r.Resumed {
			fmt.Fprintf(w, "  Resumed: the create an earlier run sent without recording its answer is re-sent with the same ClientToken\n"+
				"  %s; the API answers with the job it made, if any. Neither active-job nor zone-change blocks it.\n", r.ClientToken)
		}
		if r.Restarted {
			fmt.Fprintf(w, "  Restarted: job %s was resumed (StartReplicationJob) and is %s now.\n", r.JobID, r.JobStatus)
		}
		if r.Status == batch.Exists && batch.EndedBadly(r.JobStatus) {
			switch r.JobStatus {
			case batch.JobNotFound, facts.JobExpired:
				what := "expired"
				if r.JobStatus == batch.JobNotFound {
					what = "no longer exists (deleted)"
				}
				fmt.Fprintf(w, "  Job %s %s and cannot go on. To migrate %s again: '%s', then run the same apply again.\n",
					r.JobID, what, r.Migration.Spec.InstanceID, o.Commands.Step(next.Cmd("state forget", r.Migration.Spec.InstanceID).OfBatch().Confirmed()))
			default:
				fmt.Fprintf(w, "  Job %s is %s: read why with '%s'; once the cause is fixed, resume it with '%s'.\n",
					r.JobID, r.JobStatus, o.Commands.Line("status", []string{r.JobID}), o.Commands.Step(next.Cmd("apply", "--retry-failed").OfBatch().Confirmed()))
			}
		}
		if len(notable) > 0 {
			var b bytes.Buffer
			printChecks(&b, cs, notable)
			_, rows, _ := strings.Cut(b.String(), "\n") // without the "Checks" title
			for _, line := range strings.SplitAfter(rows, "\n") {
				if line != "" {
					fmt.Fprint(w, "  "+line)
				}
			}
		}
		if r.Err != nil {
			fmt.Fprintf(w, "  Error: %s\n", r.Err)
			if h := o.resultHint(r); h != "" {
				fmt.Fprintf(w, "  Hint: %s\n", h)
			}
		}
	}
}

// advisory are the checks that only warn, about what to prepare. In a batch
// they would repeat for most migrations, so they are summed up by check.
var advisory = map[string]bool{preflight.RecentSnapshot: true, preflight.InstanceStop: true,
	preflight.BillingChange: true, preflight.PrivateIPChange: true}

// printAdvice sums up the advisory warnings: each check, and which migrations
// it warns for.
func (o *ApplyOptions) printAdvice(w io.Writer, plan *batch.Plan) {
	var ids []string
	who := map[string][]string{}
	for _, r := range plan.Results {
		for _, c := range r.Checks {
			if c.Status == preflight.Warn && advisory[c.ID] {
				if who[c.ID] == nil {
					ids = append(ids, c.ID)
				}
				who[c.ID] = append(who[c.ID], r.Migration.Spec.InstanceID)
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	fmt.Fprintln(w, "\nTo prepare (each migration's messages: this apply with -o json)")
	t := newTable(w, "  ")
	for _, id := range ids {
		list := who[id]
		shown := strings.Join(list[:min(len(list), 3)], ", ")
		if len(list) > 3 {
			shown += fmt.Sprintf(" and %d more", len(list)-3)
		}
		t.row(id, fmt.Sprintf("%d of %d", len(list), len(plan.Results)), shown)
	}
	t.flush()
}

func (o *ApplyOptions) summaryLine(plan *batch.Plan) string {
	s := summarize(plan)
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{s.Created, "created"}, {s.Exists, "exists"}, {s.Done, "done"}, {s.Planned, "planned"}, {s.Blocked, "blocked"}, {s.Failed, "failed"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	line := fmt.Sprintf("%d migrations: %s", s.Total, strings.Join(parts, ", "))
	// Say which ones failed, so that the last line alone tells what to look at.
	var failed []string
	for _, r := range plan.Results {
		if r.Status == batch.Failed {
			failed = append(failed, r.Migration.Spec.InstanceID)
		}
	}
	if len(failed) > 0 {
		line += " (" + strings.Join(failed, ", ") + ")"
	}
	line += "."
	if o.report != nil {
		line += " " + o.jobsLine(plan)
	}
	switch {
	case o.DryRun:
		line = "Dry run, " + line + " Nothing was created."
	case !o.applied && s.Planned+s.Blocked+s.Failed > 0:
		line += " Nothing was created."
	}
	if !o.DryRun {
		line += " State: " + o.StatePath
	}
	return line
}

// jobsLine sums up, after --wait, how the jobs ended, naming those that failed.
func (o *ApplyOptions) jobsLine(plan *batch.Plan) string {
	finished, notDone := 0, 0
	var failed []string
	for _, r := range plan.Results {
		j := o.waitResult(r)
		switch {
		case j == nil:
		case j.Failed():
			failed = append(failed, r.Migration.Spec.InstanceID+" "+j.Brief())
		case j.Done():
			finished++
		default:
			notDone++
		}
	}
	parts := []string{fmt.Sprintf("%d finished", finished)}
	if len(failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d failed (%s)", len(failed), strings.Join(failed, ", ")))
	}
	if notDone > 0 {
		parts = append(parts, fmt.Sprintf("%d not done", notDone))
	}
	return "Jobs: " + strings.Join(parts, ", ") + "."
}

// printAddresses maps, after --wait, each moved instance's old private IP to
// its new one: what DNS records and allow-lists must follow.
func (o *ApplyOptions) printAddresses(w io.Writer, plan *batch.Plan) {
	t := newTable(w, "  ")
	for _, r := range plan.Results {
		j := o.waitResult(r)
		if j == nil || j.Instance == nil || j.Instance.PrivateIP == "" {
			continue
		}
		old := "-"
		if j.Before != nil && j.Before.PrivateIP != "" {
			old = j.Before.PrivateIP
		}
		t.row(r.Migration.Spec.InstanceID, old, "→", j.Instance.PrivateIP)
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w, "Private IP addresses, old → new (update DNS records and allow-lists):")
	t.flush()
	fmt.Fprintln(w)
}
