package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/next"
	"github.com/zonemove/zonemove/pkg/record"
	"github.com/zonemove/zonemove/pkg/smc"
)

// batchDocument is the one output of status -f (and report -o json): the
// record of the batch. Its text is a table aligned on a terminal, one
// tab-separated line per instance off it, and on stderr what to do next.
type batchDocument struct {
	*record.Batch
	errorField

	read bool     // the API was read: there is a record to show
	next []string // what to do next, for people
}

// Text writes the record for people.
func (d *batchDocument) Text(ios *iostreams.IOStreams) {
	if !d.read {
		return
	}
	printBatch(ios, d.Batch)
	if ios.IsStdoutTTY() {
		fmt.Fprintf(ios.Out, "\n%s State: %s\n", d.Summary(), d.StateFile)
	}
	for _, line := range d.next {
		fmt.Fprintln(ios.ErrOut, line)
	}
}

// batchReads are what a command that reads a batch needs: clients of the
// batch's region (which its state file names) and the clock.
type batchReads struct {
	SMC   func(region string) (*smc.Client, error)
	Cloud func(region string) (*cloud.Client, error)
	Now   func() time.Time
}

func newBatchReads(f *Factory) batchReads {
	return batchReads{
		SMC:   func(region string) (*smc.Client, error) { return f.SMC(region, nil) },
		Cloud: func(region string) (*cloud.Client, error) { return f.Cloud(region, nil) },
		Now:   f.Now,
	}
}

// record reads the state file and the API and makes the record of the
// batch; only (nil: all) limits it to some instances. The document is made
// even when an error ends the reading, with what was known.
func (r batchReads) record(ctx context.Context, b *batchFile, runRegion string, only []string) (*batchDocument, error) {
	doc := &batchDocument{Batch: &record.Batch{Manifest: b.File, StateFile: b.StatePath, Entries: []*record.Entry{}}}
	st, err := b.readState()
	if err != nil {
		return doc, err
	}
	region := stateRegion(st, runRegion)
	doc.Region = region
	if err := requireRegion(region); err != nil {
		return doc, err
	}
	reading, err := readBatch(ctx, r.SMC, r.Cloud, region, st, only)
	if err != nil {
		return doc, err
	}
	reading.At = r.Now().UTC()
	doc.ReadAt = reading.At
	doc.Entries = record.Build(st, reading, only)
	doc.Window = record.WindowOf(st)
	doc.read = true
	return doc, nil
}

// printBatch writes the record for people: a table aligned on a terminal,
// and off it one tab-separated line per instance with every field: instance,
// status, job, job status, progress, old zone, new zone, old type, new type,
// old IP, new IP.
func printBatch(ios *iostreams.IOStreams, b *record.Batch) {
	t := newListTable(ios)
	if t.tsv {
		for _, e := range b.Entries {
			j := shownJob(e)
			t.row(e.InstanceID, string(e.Status), j.JobID, j.Status, strconv.FormatFloat(j.Progress, 'f', -1, 64),
				placeField(e.Before, zoneOf), placeField(e.Instance, zoneOf), placeField(e.Before, typeOf),
				placeField(e.Instance, typeOf), placeField(e.Before, ipOf), placeField(e.Instance, ipOf))
		}
		t.flush()
		return
	}
	cs := ios.ColorScheme()
	t.headers("INSTANCE", "STATUS", "JOB ID", "JOB STATUS", "PROGRESS", "ZONE", "TYPE", "PRIVATE IP")
	t.keepWhole(0, 2)
	t.dropFirst(6, 7, 4, 5) // type, IP, progress, zone give way on a narrow terminal
	for _, e := range b.Entries {
		j := shownJob(e)
		progress := "-"
		if j.Status != "" && j.Status != record.JobNotFound {
			progress = follow.FormatProgress(j.Progress)
		}
		t.row(e.InstanceID, colorEntry(cs, e.Status), follow.Dash(j.JobID), follow.ColorStatus(cs, follow.Dash(j.Status)), progress,
			change(e, zoneOf), change(e, typeOf), change(e, ipOf))
	}
	t.flush()
}

// shownJob is the job a row shows: the revert once there is one.
func shownJob(e *record.Entry) *record.Job {
	switch {
	case e.Revert != nil:
		return e.Revert
	case e.Job != nil:
		return e.Job
	}
	return &record.Job{}
}

func zoneOf(p *record.Place) string { return p.ZoneID }
func typeOf(p *record.Place) string { return p.InstanceType }
func ipOf(p *record.Place) string   { return p.PrivateIP }

func placeField(p *record.Place, field func(*record.Place) string) string {
	if p == nil {
		return ""
	}
	return field(p)
}

// change is "old → new" of a field, the old alone when the instance has not
// arrived anywhere new, "-" when nothing is known.
func change(e *record.Entry, field func(*record.Place) string) string {
	old, cur := placeField(e.Before, field), placeField(e.Instance, field)
	switch {
	case cur == "":
		return follow.Dash(old)
	case old == cur:
		return old
	}
	return follow.Dash(old) + " → " + cur
}

func colorEntry(cs *iostreams.ColorScheme, s record.Status) string {
	switch s {
	case record.Moved, record.Reverted:
		return cs.Green(string(s))
	case record.Failed, record.RevertFailed:
		return cs.Red(string(s))
	case record.Running, record.Reverting, record.Sent:
		return cs.Yellow(string(s))
	}
	return string(s)
}

// batchNext is what to do next about a batch: follow the jobs not ended,
// read why the failed ones failed.
func batchNext(b *record.Batch, cmds cmdutil.Commands) []string {
	cmds.Region = b.Region
	var lines []string
	running := 0
	for _, e := range b.Entries {
		if j := shownJob(e); j.JobID != "" && j.Outcome() == record.OutcomeRunning {
			running++
		}
	}
	if running > 0 {
		lines = append(lines, fmt.Sprintf("%s not ended; follow them with: %s", cmdutil.Count(running, "job", "jobs"), cmds.Step(next.Cmd("wait").OfBatch())))
	}
	resumable, gone := false, []string{}
	for _, f := range b.Failures() {
		if f.Job.JobID != "" && f.Job.Status != record.JobNotFound {
			lines = append(lines, fmt.Sprintf("%s of %s: %s; read it with: %s", f.Kind, f.InstanceID, f.Job.Failure(), cmds.Line("status", []string{f.Job.JobID})))
		}
		if f.Kind != "revert" {
			switch f.Job.Status {
			case facts.JobInError, facts.JobStopped:
				resumable = true
			case facts.JobExpired, record.JobNotFound:
				gone = append(gone, f.InstanceID)
			}
		}
	}
	// The batch's one recovery story (docs/batch.md, "A job of the batch ended badly").
	if resumable {
		lines = append(lines, "once the cause is fixed, resume the failed jobs with: "+cmds.Step(next.Cmd("apply", "--retry-failed").OfBatch().Confirmed()))
	}
	if len(gone) > 0 {
		lines = append(lines, fmt.Sprintf("a job that expired or was deleted cannot go on: '%s', then run the same apply again",
			cmds.Step(next.Cmd("state forget", gone...).OfBatch().Confirmed())))
	}
	return lines
}

func (o *StatusOptions) runBatch(ctx context.Context) error {
	doc, err := o.Reads.record(ctx, &o.Batch, o.Commands.Region, nil)
	if err == nil {
		doc.next = batchNext(doc.Batch, o.Commands)
	}
	return o.Out.Render(doc, err)
}
