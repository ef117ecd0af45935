package record

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Markdown writes the record as a Markdown document for a change ticket:
// the instances with their old and new zone, type and address, the jobs with
// their times, what was done around them, and the failures.
func Markdown(w io.Writer, b *Batch) error {
	var s strings.Builder
	fmt.Fprintf(&s, "# Change record: %s\n\n", mdText(b.title()))
	for _, line := range b.facts() {
		fmt.Fprintf(&s, "- %s\n", mdText(line))
	}
	fmt.Fprintf(&s, "\n%s\n", mdText(b.Summary()))

	s.WriteString("\n## Instances\n\n")
	mdTable(&s, []string{"Instance", "Status", "Old zone", "New zone", "Old type", "New type", "Old private IP", "New private IP"}, func(row func(...string)) {
		for _, e := range b.Entries {
			before, after := e.Before, e.Instance
			row(e.InstanceID, string(e.Status), before.zone(), after.zone(), before.instanceType(), after.instanceType(), before.ip(), after.ip())
		}
	})

	s.WriteString("\n## Jobs\n\n")
	mdTable(&s, []string{"Instance", "Job", "Kind", "Status", "Created", "Ended", "Duration"}, func(row func(...string)) {
		for _, e := range b.Entries {
			for _, j := range e.Jobs() {
				row(e.InstanceID, dash(j.JobID), e.kind(j), j.statusText(), formatTime(j.CreatedAt), formatTime(j.EndedAt), j.durationText())
			}
		}
	})

	steps := b.AroundJobs()
	if hasSteps(steps, func(s Steps) bool { return s.Snapshot != nil }) {
		s.WriteString("\n## Snapshot groups\n\n")
		mdTable(&s, []string{"Instance", "Snapshot group", "Status"}, func(row func(...string)) {
			for _, st := range steps {
				if st.Snapshot != nil {
					row(st.Label, dash(st.Snapshot.SnapshotGroupID), dash(st.Snapshot.Status))
				}
			}
		})
	}
	if hasSteps(steps, func(s Steps) bool { return len(s.Backends) > 0 }) {
		s.WriteString("\n## Load balancers\n\n")
		mdTable(&s, []string{"Instance", "Type", "Load balancer", "Server group", "Port", "Weight", "Registered by", "IP", "Outcome"}, func(row func(...string)) {
			for _, st := range steps {
				for _, be := range st.Backends {
					row(st.Label, be.Type, dash(be.LoadBalancerID), dash(be.ServerGroupID), portText(be.Port), strconv.Itoa(be.Weight),
						dash(be.RegisteredBy), dash(be.IP), dash(be.Outcome))
				}
			}
		})
	}
	if hasSteps(steps, func(s Steps) bool { return s.Verify != nil }) {
		s.WriteString("\n## Verification\n\n")
		mdTable(&s, []string{"Instance", "Invocation", "Status", "Exit code"}, func(row func(...string)) {
			for _, st := range steps {
				if v := st.Verify; v != nil {
					row(st.Label, dash(v.InvokeID), dash(v.Status), v.exitCode())
				}
			}
		})
	}

	failures := b.Failures()
	s.WriteString("\n## Failures\n\n")
	if len(failures) == 0 {
		s.WriteString("None.\n")
	} else {
		mdTable(&s, []string{"Instance", "Job", "Kind", "Status", "Error code", "Message"}, func(row func(...string)) {
			for _, f := range failures {
				row(f.InstanceID, dash(f.Job.JobID), f.Kind, f.Job.statusText(), dash(f.Job.ErrorCode), f.Job.FailureMessage())
			}
		})
	}
	_, err := io.WriteString(w, s.String())
	return err
}

// title names the batch: its manifest, else its state file.
func (b *Batch) title() string {
	if b.Manifest != "" {
		return b.Manifest
	}
	return b.StateFile
}

// facts are the lines that say what the record is of.
func (b *Batch) facts() []string {
	lines := []string{"State file: " + b.StateFile}
	if b.Region != "" {
		lines = append(lines, "Region: "+b.Region)
	}
	lines = append(lines, "Read from the API at: "+b.ReadAt.UTC().Format(time.RFC3339))
	if w := b.Window; w != nil {
		var parts []string
		if w.NotBefore != nil {
			parts = append(parts, "not before "+formatTime(w.NotBefore))
		}
		if w.NotAfter != nil {
			parts = append(parts, "not after "+formatTime(w.NotAfter))
		}
		if len(parts) > 0 {
			lines = append(lines, "Window: "+strings.Join(parts, ", "))
		}
	}
	return lines
}

// Summary counts the entries by status, in one sentence.
func (b *Batch) Summary() string {
	var parts []string
	for _, s := range []Status{Moved, Reverted, Running, Reverting, Sent, NotStarted, Failed, RevertFailed} {
		if n := b.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		return "No instance is recorded."
	}
	return fmt.Sprintf("%s: %s.", instances(len(b.Entries)), strings.Join(parts, ", "))
}

// Failure is a job of the batch that failed.
type Failure struct {
	InstanceID string
	Kind       string // move or revert
	Job        *Job
}

// Failures are the jobs that failed, in entry order: not a move whose
// instance arrived (its job deleted after it Finished) or was reverted since.
func (b *Batch) Failures() []Failure {
	var out []Failure
	for _, e := range b.Entries {
		for _, j := range e.Jobs() {
			arrived := (j == e.Job && e.Status != Failed) || (j == e.Revert && e.Status == Reverted)
			if j.Failure() != "" && !arrived {
				out = append(out, Failure{InstanceID: e.InstanceID, Kind: e.kind(j), Job: j})
			}
		}
	}
	return out
}

// hasSteps reports whether any job's steps hold what f looks for.
func hasSteps(steps []StepsOf, f func(Steps) bool) bool {
	for _, s := range steps {
		if f(s.Steps) {
			return true
		}
	}
	return false
}

// kind says whether j is the entry's move or its revert.
func (e *Entry) kind(j *Job) string {
	if j == e.Revert {
		return "revert"
	}
	return "move"
}

func (j *Job) statusText() string {
	if j.JobID == "" {
		return "sent, job not known"
	}
	return dash(j.Status)
}

func (j *Job) durationText() string {
	if d := j.Duration(); d > 0 {
		return FormatDuration(d)
	}
	return "-"
}

// portText is a backend's port; 0 (a CLB default server group, whose
// listeners name the port) is "-".
func portText(p int) string {
	if p == 0 {
		return "-"
	}
	return strconv.Itoa(p)
}

func (v *Verify) exitCode() string {
	if v.ExitCode == nil {
		return "-"
	}
	return strconv.Itoa(*v.ExitCode)
}

func (p *Place) zone() string {
	if p == nil {
		return "-"
	}
	return dash(p.ZoneID)
}

func (p *Place) instanceType() string {
	if p == nil {
		return "-"
	}
	return dash(p.InstanceType)
}

func (p *Place) ip() string {
	if p == nil {
		return "-"
	}
	return dash(p.PrivateIP)
}

// FormatDuration is a duration for a record: 45s, 12m05s, 3h07m.
func FormatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

func formatTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdTable writes a Markdown table; rows adds each row.
func mdTable(s *strings.Builder, header []string, rows func(row func(...string))) {
	line := func(cells []string) {
		s.WriteString("|")
		for _, c := range cells {
			s.WriteString(" " + mdCell(c) + " |")
		}
		s.WriteString("\n")
	}
	line(header)
	s.WriteString("|" + strings.Repeat("---|", len(header)) + "\n")
	rows(func(cells ...string) { line(cells) })
}

// mdCell makes text safe in a table cell: one line, pipes escaped.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(strings.Join(strings.Fields(s), " ")), "|", `\|`)
}

// mdText escapes what Markdown would read as markup or HTML in plain text.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`)

func mdText(s string) string { return mdEscaper.Replace(s) }

// instances is "1 instance", "2 instances".
func instances(n int) string {
	if n == 1 {
		return "1 instance"
	}
	return fmt.Sprintf("%d instances", n)
}
