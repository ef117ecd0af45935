package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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
	"github.com/zonemove/zonemove/pkg/rollout"
)

// applyDocument is apply's one output: built once from the batch's plan (and,
// with --wait, the wait's report), it encodes as the JSON document and
// renders as the text for people. The unexported fields are what only the
// text shows.
type applyDocument struct {
	DryRun    bool          `json:"dry_run"`
	Manifest  string        `json:"manifest"`
	StateFile string        `json:"state_file"`
	Results   []applyResult `json:"results"`
	Summary   applySummary  `json:"summary"`
	// Revert marks the document of zonemove revert; NotReverted are the
	// instances it leaves alone and why.
	Revert      bool         `json:"revert,omitempty"`
	NotReverted []revertSkip `json:"not_reverted,omitempty"`
	errorField

	cmds     cmdutil.Commands // writes the command lines of the next steps, with the run's flags
	together string           // a dry run's rollout: how many would stop together ("at most 2 at once, ...")
	applied  bool             // the creates were started
	verb     string           // the command a re-run repeats: apply, or revert
	wait     *follow.Report   // with --wait, how the jobs ended
	now      time.Time        // when the document was made, for the report's elapsed times
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
	// Steps are, on a dry run, the requests of the steps around the job;
	// the snapshot, backends and verify fields what they did.
	Steps []plannedRequest `json:"steps,omitempty"`
	aroundDoc

	line int // the entry's line in the manifest
	// readState is the job's status as read before any wait: a job that
	// ended badly then is what the details (and exit 5) speak of; one that
	// ends badly during the wait is the wait report's.
	readState string
}

type applySummary struct {
	Total   int `json:"total"`
	Planned int `json:"planned"`
	Created int `json:"created"`
	Exists  int `json:"exists"`
	Done    int `json:"done"`
	Blocked int `json:"blocked"`
	Failed  int `json:"failed"`
	// Held and Deferred are a rollout's migrations that did not start
	// (absent when none).
	Held     int `json:"held,omitempty"`
	Deferred int `json:"deferred,omitempty"`
	// Rollout is, for a paced rollout, its bounds and how it went.
	Rollout *applyRollout `json:"rollout,omitempty"`
	// Jobs counts, with --wait, how the jobs ended.
	Jobs *applyJobsSummary `json:"jobs,omitempty"`
}

// applyRollout is a paced rollout: its bounds and the most instances that
// were away at once.
type applyRollout struct {
	MaxUnavailable int        `json:"max_unavailable"` // 0: all at once
	Canary         int        `json:"canary"`
	MaxFailures    int        `json:"max_failures"`
	NotBefore      *time.Time `json:"not_before"`
	NotAfter       *time.Time `json:"not_after"`
	PeakAway       int        `json:"peak_away"`
	Failures       int        `json:"failures"`
}

type applyJobsSummary struct {
	Finished int  `json:"finished"`
	Failed   int  `json:"failed"`
	NotDone  int  `json:"not_done"`
	TimedOut bool `json:"timed_out"`
}

// document is the batch as it stands: the plan and, with --wait, the report.
func (o *ApplyOptions) document(plan *batch.Preflight) *applyDocument {
	doc := &applyDocument{DryRun: o.DryRun, Manifest: o.File, StateFile: o.StatePath, Results: []applyResult{},
		cmds: o.Commands, applied: o.applied, wait: o.report, verb: o.verb()}
	if n := plan.Count(batch.Planned); o.DryRun && n > 0 && plan.Ready() && o.Rollout != (rollout.Options{}) {
		doc.together = together(o.Rollout, n)
	}
	if o.Now != nil {
		doc.now = o.Now()
	}
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
			line: r.Migration.Line, readState: r.JobStatus, aroundDoc: aroundDocOf(r.Around),
		})
		if o.DryRun && r.Status == batch.Planned {
			res := &doc.Results[len(doc.Results)-1]
			res.Steps = aroundRequests(o.Commands.Region, o.stepsInstance(r), r.Migration.Around)
			if ms, ok := o.plannedMemberships(r); ok {
				res.Steps = append(res.Steps, lbRequests(r.Migration.Around.Mode(), ms)...)
				res.Backends = plannedBackends(ms)
			}
		}
	}
	doc.Summary = summarize(plan)
	doc.Revert, doc.NotReverted = o.revert != nil, o.revertSkips()
	if rep := o.rolled; rep != nil {
		ro := &applyRollout{MaxUnavailable: rep.Options.MaxUnavailable, Canary: rep.Options.Canary, MaxFailures: rep.Options.MaxFailures,
			PeakAway: rep.Peak, Failures: rep.Failures}
		if t := rep.Options.NotBefore; !t.IsZero() {
			ro.NotBefore = &t
		}
		if t := rep.Options.NotAfter; !t.IsZero() {
			ro.NotAfter = &t
		}
		doc.Summary.Rollout = ro
	}
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

func summarize(plan *batch.Preflight) applySummary {
	return applySummary{Total: len(plan.Results), Planned: plan.Count(batch.Planned), Created: plan.Count(batch.Created),
		Exists: plan.Count(batch.Exists), Done: plan.Count(batch.Done), Blocked: plan.Count(batch.Blocked), Failed: plan.Count(batch.Failed),
		Held: plan.Count(batch.Held), Deferred: plan.Count(batch.Deferred)}
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
	var tr *jobcontrol.TokenReusedError
	switch {
	case errors.As(r.Err, &ns):
		return "run the same " + o.verb() + " again to create it: " + o.Commands.Step(rerun(o.revert != nil, strings.Fields(o.rolloutArgs)...).OfBatch().Confirmed())
	case r.Status == batch.Created:
		return hintFor(r.Err, o.Commands)
	case errors.As(r.Err, &tr):
		return fmt.Sprintf("The state file gives %s a ClientToken that another migration used. Check the job with '%s'; then drop the entry with '%s' and run the same apply again to create it with a new token.",
			r.Migration.Spec.InstanceID, o.Commands.Line("status", []string{tr.JobID}),
			o.Commands.Step(next.Cmd("state forget", r.Migration.Spec.InstanceID).OfBatch().Confirmed()))
	case errors.As(r.Err, &ae) && ae.Action == "CreateCrossZoneMigrationJob":
		if migration.MayHaveCreated(r.Resumed, r.Err) {
			return fmt.Sprintf("The job may or may not have been created. ClientToken %s is kept in %s: run the same %s again; it re-sends the create with that token, and the API returns the same job instead of creating a second one.", r.ClientToken, o.StatePath, o.verb())
		}
		h := hintFor(r.Err, o.Commands)
		if h != "" {
			h += " "
		}
		return h + "No job was created; once the cause is fixed, run the same " + o.verb() + " again."
	}
	return hintFor(r.Err, o.Commands)
}

// Text writes the batch for people: the table, the details, what to prepare,
// with --wait how the jobs ended, and the summary line.
func (d *applyDocument) Text(ios *iostreams.IOStreams) {
	w, cs := ios.Out, ios.ColorScheme()
	d.preview(w, cs, newListTable(ios))
	fmt.Fprintln(w)
	for _, n := range d.NotReverted {
		fmt.Fprintf(w, "Not reverted: %s: %s.\n", n.InstanceID, n.Reason)
	}
	if len(d.NotReverted) > 0 {
		fmt.Fprintln(w)
	}
	if d.wait != nil {
		follow.PrintReport(w, cs, d.wait, d.now, d.cmds.Step)
		fmt.Fprintln(w)
		d.printAddresses(w)
	}
	d.printSteps(w, cs)
	listWidth := 0 // off a terminal the lists are whole
	if ios.IsStdoutTTY() {
		listWidth = max(ios.TerminalWidth()/2, 30)
	}
	fmt.Fprintln(w, d.summaryLine(listWidth))
}

// preview is what a person weighs before the creates, and the body of the
// text: the table (t, on w), each migration's details, and what to prepare.
func (d *applyDocument) preview(w io.Writer, cs *iostreams.ColorScheme, t *table) {
	d.printTable(t, cs)
	d.printDetails(w, cs)
	d.printAdvice(w, t.width)
}

// printTable writes one line per migration. Off a terminal every line has
// every column: instance, target zone, target type, status, job ID, failing
// checks, job status. On one, the job status joins the status ("exists,
// Running"), the columns that would say nothing (no target type, no failing
// check) are left out, and the target type gives way first on a narrow
// terminal, so that the table fits 80 columns.
func (d *applyDocument) printTable(t *table, cs *iostreams.ColorScheme) {
	anyType, anyFailing := t.tsv, t.tsv
	for _, r := range d.Results {
		anyType = anyType || r.TargetInstanceType != ""
		anyFailing = anyFailing || len(preflight.Failed(r.Checks)) > 0
	}
	header := []string{"INSTANCE", "TARGET ZONE"}
	if anyType {
		header = append(header, "TARGET TYPE")
		t.dropFirst(len(header) - 1)
	}
	header = append(header, "STATUS", "JOB ID")
	t.keepWhole(0, len(header)-1)
	if anyFailing {
		header = append(header, "FAILING CHECKS")
		t.freeText(len(header) - 1)
	}
	if t.tsv {
		header = append(header, "JOB STATUS")
	}
	t.headers(header...)
	for _, r := range d.Results {
		status := string(r.Status)
		switch r.Status {
		case batch.Created, batch.Exists, batch.Done:
			status = cs.Green(status)
		case batch.Blocked, batch.Failed:
			status = cs.Red(status)
		case batch.Held, batch.Deferred:
			status = cs.Yellow(status)
		}
		js := follow.Dash(r.JobStatus)
		if r.JobStatus != "" {
			js = follow.ColorStatus(cs, js)
		}
		if j := r.Job; j != nil && j.Failed() && j.Status == facts.JobFinished {
			js = cs.Red(j.Status + " (not as asked)")
		}
		if !t.tsv && js != "-" {
			status += ", " + js
		}
		row := []string{r.InstanceID, r.TargetZone}
		if anyType {
			row = append(row, follow.Dash(r.TargetInstanceType))
		}
		row = append(row, status, follow.Dash(r.JobID))
		if anyFailing {
			var failing []string
			for _, c := range preflight.Failed(r.Checks) {
				failing = append(failing, c.ID)
			}
			row = append(row, follow.Dash(strings.Join(failing, ",")))
		}
		if t.tsv {
			row = append(row, js)
		}
		t.row(row...)
	}
	t.flush()
}

// printDetails explains each migration that needs a word: failing and
// skipped checks, errors, and creates resumed from an earlier run.
func (d *applyDocument) printDetails(w io.Writer, cs *iostreams.ColorScheme) {
	for _, r := range d.Results {
		var notable []preflight.Result
		for _, c := range r.Checks {
			if c.Status == preflight.Fail || (c.Status == preflight.Warn && !advisory[c.ID]) {
				notable = append(notable, c)
			}
		}
		if len(notable) == 0 && r.Error == nil && !r.Resumed && !r.Restarted && !(r.Status == batch.Exists && batch.EndedBadly(r.readState)) {
			continue
		}
		where := fmt.Sprintf("%s line %d", d.Manifest, r.line)
		if r.line == 0 {
			where = "revert" // a revert's migration comes from the state file
		}
		fmt.Fprintf(w, "\n%s (%s): %s\n", cs.Bold(r.InstanceID), where, r.Status)
		if r.Resumed {
			fmt.Fprintf(w, "  Resumed: the create an earlier run sent without recording its answer is re-sent with the same ClientToken\n"+
				"  %s; the API answers with the job it made, if any. Neither active-job nor zone-change blocks it.\n", r.ClientToken)
		}
		if r.Restarted {
			fmt.Fprintf(w, "  Restarted: job %s was resumed (StartReplicationJob) and is %s now.\n", r.JobID, r.JobStatus)
		}
		if r.Status == batch.Exists && batch.EndedBadly(r.readState) {
			switch r.readState {
			case batch.JobNotFound, facts.JobExpired:
				what := "expired"
				if r.readState == batch.JobNotFound {
					what = "no longer exists (deleted)"
				}
				forget := next.Cmd("state forget", r.InstanceID)
				if d.verb == "revert" {
					forget = next.Cmd("state forget", "--revert", r.InstanceID)
				}
				act := "migrate"
				if d.verb == "revert" {
					act = "revert"
				}
				fmt.Fprintf(w, "  Job %s %s and cannot go on. To %s %s again: '%s', then run the same %s again.\n",
					r.JobID, what, act, r.InstanceID, d.cmds.Step(forget.OfBatch().Confirmed()), d.verb)
			default:
				fmt.Fprintf(w, "  Job %s is %s: read why with '%s'; once the cause is fixed, resume it with '%s'.\n",
					r.JobID, r.readState, d.cmds.Line("status", []string{r.JobID}), d.cmds.Step(rerun(d.verb == "revert", "--retry-failed").OfBatch().Confirmed()))
			}
		}
		if len(notable) > 0 {
			var b bytes.Buffer
			printChecks(&b, cs, notable, 0)
			_, rows, _ := strings.Cut(b.String(), "\n") // without the "Checks" title
			for _, line := range strings.SplitAfter(rows, "\n") {
				if line != "" {
					fmt.Fprint(w, "  "+line)
				}
			}
		}
		if r.Error != nil {
			fmt.Fprintf(w, "  Error: %s\n", r.Error.Message)
			if r.Error.Hint != "" {
				fmt.Fprintf(w, "  Hint: %s\n", r.Error.Hint)
			}
		}
	}
}

// advisory are the checks that only warn, about what to prepare. In a batch
// they would repeat for most migrations, so they are summed up by check.
var advisory = map[string]bool{preflight.RecentSnapshot: true, preflight.InstanceStop: true,
	preflight.BillingChange: true, preflight.PrivateIPChange: true}

// printAdvice sums up the advisory warnings: each check, and which migrations
// it warns for; on a terminal (width > 0) the lists fit its width.
func (d *applyDocument) printAdvice(w io.Writer, width int) {
	var ids []string
	who := map[string][]string{}
	for _, r := range d.Results {
		for _, c := range r.Checks {
			if c.Status == preflight.Warn && advisory[c.ID] {
				if who[c.ID] == nil {
					ids = append(ids, c.ID)
				}
				who[c.ID] = append(who[c.ID], r.InstanceID)
			}
		}
	}
	if len(ids) == 0 {
		return
	}
	fmt.Fprintln(w, "\nTo prepare (each migration's messages: this "+d.verb+" with -o json)")
	t := newTable(w, "  ")
	idWidth, countWidth := 0, 0
	for _, id := range ids {
		idWidth = max(idWidth, visibleWidth(id))
		countWidth = max(countWidth, len(fmt.Sprintf("%d of %d", len(who[id]), len(d.Results))))
	}
	listWidth := 0 // no limit off a terminal
	if width > 0 {
		listWidth = max(width-len(t.indent)-idWidth-countWidth-4, 30)
	}
	for _, id := range ids {
		list := who[id]
		t.row(id, fmt.Sprintf("%d of %d", len(list), len(d.Results)), fitList(list, listWidth))
	}
	t.flush()
}

// summaryLine is the last line: how many migrations ended how, the jobs
// after --wait, the state file. Its lists of instances take at most
// listWidth columns each ("a, b and 3 more"), 0: no limit.
func (d *applyDocument) summaryLine(listWidth int) string {
	s := d.Summary
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{s.Created, "created"}, {s.Exists, "exists"}, {s.Done, "done"}, {s.Planned, "planned"}, {s.Blocked, "blocked"}, {s.Failed, "failed"},
		{s.Held, "held"}, {s.Deferred, "deferred"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	line := fmt.Sprintf("%s: %s", cmdutil.Count(s.Total, "migration", "migrations"), strings.Join(parts, ", "))
	// Say which ones failed, so that the last line alone tells what to look at.
	var failed []string
	for _, r := range d.Results {
		if r.Status == batch.Failed {
			failed = append(failed, r.InstanceID)
		}
	}
	if len(failed) > 0 {
		line += " (" + wholeOrFitted(failed, listWidth) + ")"
	}
	line += "."
	if d.wait != nil {
		line += " " + d.jobsLine(listWidth)
	}
	if ro := s.Rollout; ro != nil {
		line += fmt.Sprintf(" At most %d away at once", ro.PeakAway)
		if ro.MaxUnavailable > 0 {
			line += fmt.Sprintf(" (--max-unavailable %d)", ro.MaxUnavailable)
		}
		line += "."
	}
	switch {
	case d.DryRun:
		line = "Dry run, " + line + " Nothing was created."
		if d.together != "" {
			line += " Applied, the planned ones would stop " + d.together + "."
		}
	case !d.applied && s.Planned+s.Blocked+s.Failed > 0:
		line += " Nothing was created."
	}
	if !d.DryRun {
		line += " State: " + d.StateFile
	}
	return line
}

// jobsLine sums up, after --wait, how the jobs ended, naming those that failed.
func (d *applyDocument) jobsLine(listWidth int) string {
	var failed []string
	for _, r := range d.Results {
		if j := r.Job; j != nil && j.Failed() {
			failed = append(failed, r.InstanceID+" "+j.Brief())
		}
	}
	jobs := d.Summary.Jobs
	parts := []string{fmt.Sprintf("%d finished", jobs.Finished)}
	if len(failed) > 0 {
		parts = append(parts, fmt.Sprintf("%d failed (%s)", len(failed), wholeOrFitted(failed, listWidth)))
	}
	if jobs.NotDone > 0 {
		parts = append(parts, fmt.Sprintf("%d not done", jobs.NotDone))
	}
	return "Jobs: " + strings.Join(parts, ", ") + "."
}

// printAddresses maps, after --wait, each moved instance's old private IP to
// its new one: what DNS records and allow-lists must follow.
func (d *applyDocument) printAddresses(w io.Writer) {
	t := newTable(w, "  ")
	for _, r := range d.Results {
		j := r.Job
		if j == nil || j.Instance == nil || j.Instance.PrivateIP == "" {
			continue
		}
		old := "-"
		if j.Before != nil && j.Before.PrivateIP != "" {
			old = j.Before.PrivateIP
		}
		t.row(r.InstanceID, old, "→", j.Instance.PrivateIP)
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w, "Private IP addresses, old → new (update DNS records and allow-lists):")
	t.flush()
	fmt.Fprintln(w)
}

// printSteps writes, for each migration with steps around its job, what they
// did (or, on a dry run, would send).
func (d *applyDocument) printSteps(w io.Writer, cs *iostreams.ColorScheme) {
	for _, r := range d.Results {
		if len(r.Steps) == 0 && r.Snapshot == nil && len(r.Backends) == 0 && r.Verify == nil {
			continue
		}
		fmt.Fprintf(w, "Steps of %s:", r.InstanceID)
		printPlannedRequests(w, r.Steps)
		printAround(w, cs, r.aroundDoc)
		fmt.Fprintln(w)
	}
}
