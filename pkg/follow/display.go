package follow

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// jobDisplay shows the progress of a wait on stderr.
type jobDisplay interface {
	// update shows the jobs as the last poll left them.
	update(now time.Time, jobs []*Result)
	// message shows a line of text (a warning) without disturbing the view.
	message(text string)
}

func newDisplay(ios *iostreams.IOStreams, start time.Time) jobDisplay {
	if ios.CanRedrawStderr() {
		return &liveDisplay{w: ios.ErrOut, width: ios.TerminalWidth(), cs: ios.StderrColorScheme(), start: start}
	}
	return &lineDisplay{w: ios.ErrOut, start: start, last: map[string]string{}}
}

// jobState is one job's state for the progress display: status, stage and
// progress, then what the job's end revealed (an error code, where the
// instance is), without the time.
func jobState(j *Result) (state, outcome string) {
	state = fmt.Sprintf("%-8s  %-10s  %4s", j.Status, Dash(j.BusinessStatus), FormatProgress(j.Progress))
	switch {
	case j.gone:
		outcome = "deleted"
	case j.Status == facts.JobInError:
		outcome = Dash(j.ErrorCode)
	case j.Instance != nil:
		outcome = fmt.Sprintf("now in %s as %s", j.Instance.ZoneID, j.Instance.InstanceType)
		if j.Verified != nil && !*j.Verified {
			outcome += " (not as asked)"
		}
	case j.checked:
		outcome = "instance not found"
	}
	return state, outcome
}

// lineDisplay writes a line each time a job changes: for logs and pipes.
type lineDisplay struct {
	w     io.Writer
	start time.Time
	last  map[string]string // job ID -> state last written
}

func (d *lineDisplay) update(now time.Time, jobs []*Result) {
	for _, j := range jobs {
		if !j.seen {
			continue
		}
		state, outcome := jobState(j)
		if outcome != "" {
			state += "  " + outcome
		}
		if d.last[j.JobID] == state {
			continue
		}
		d.last[j.JobID] = state
		fmt.Fprintf(d.w, "%s  %s  %s  %s  elapsed %s\n", now.Format(time.RFC3339), j.JobID, j.instanceLabel(), state,
			FormatElapsed(j.elapsed(now, d.start)))
	}
}

func (d *lineDisplay) message(text string) { fmt.Fprintln(d.w, text) }

// maxLiveJobs is the most job lines the live view draws; beyond, the jobs not
// done come first and the summary counts the rest, so the block stays on screen.
const maxLiveJobs = 20

// liveBarWidth is the width of a job's progress bar.
const liveBarWidth = 12

// liveDisplay is a block of lines on a terminal, one per job and a summary,
// redrawn in place at each poll with ANSI cursor movement.
type liveDisplay struct {
	w     io.Writer
	width int
	cs    *iostreams.ColorScheme
	start time.Time
	lines []string // the block as last drawn
	drawn int      // lines of it on the screen
}

func (d *liveDisplay) update(now time.Time, jobs []*Result) {
	shown := jobs
	if len(jobs) > maxLiveJobs {
		shown = nil
		for _, j := range jobs {
			if !j.Done() && len(shown) < maxLiveJobs {
				shown = append(shown, j)
			}
		}
		for _, j := range jobs {
			if j.Done() && len(shown) < maxLiveJobs {
				shown = append(shown, j)
			}
		}
	}
	// The instances' labels take the room of the widest, in display
	// columns (a CJK name takes two a character), so that the bars align.
	// A name is shown where the line has room for it after the ID, the bar,
	// the status and the time; cut to that room, or left out.
	idWidth := 0
	for _, j := range shown {
		idWidth = max(idWidth, iostreams.DisplayWidth(j.instanceID()))
	}
	nameRoom := d.width - 3 - idWidth - 1 - liveFixedWidth
	labels := make([]string, len(shown))
	labelWidth := 0
	for i, j := range shown {
		labels[i] = j.instanceID()
		if name := j.name(); name != "" && nameRoom >= minLiveName {
			labels[i] += " " + iostreams.Truncate(name, nameRoom)
		}
		labelWidth = max(labelWidth, iostreams.DisplayWidth(labels[i]))
	}
	lines := make([]string, 0, len(shown)+1)
	for i, j := range shown {
		lines = append(lines, d.jobLine(j, now, labels[i], labelWidth))
	}
	done := 0
	var failed []string
	for _, j := range jobs {
		if j.Done() {
			done++
		}
		if j.Failed() {
			failed = append(failed, j.instanceID())
		}
	}
	summary := fmt.Sprintf("%d of %d %s done", done, len(jobs), plural(len(jobs), "job", "jobs"))
	if n := len(failed); n > 0 {
		summary += fmt.Sprintf(", %d failed", n)
	}
	if hidden := len(jobs) - len(shown); hidden > 0 {
		summary += fmt.Sprintf(" (%d not shown)", hidden)
	}
	summary += " · " + FormatElapsed(now.Sub(d.start)) + " elapsed"
	if n := len(failed); n > 0 {
		// The instances that failed, last: the first to be cut when narrow.
		summary += " · failed: " + strings.Join(failed[:min(n, 3)], ", ")
		if n > 3 {
			summary += ", …"
		}
	}
	lines = append(lines, d.fit(summary))
	d.lines = lines
	d.draw()
}

// liveFixedWidth is what a job line takes after its label and before its
// outcome: the bar, status, stage, percent and elapsed time, with their gaps.
const liveFixedWidth = 2 + liveBarWidth + 2 + 26 + 2 + 5

// minLiveName is the fewest columns worth giving an instance's name.
const minLiveName = 8

// jobLine is a job's line: mark, instance (label, padded to labelWidth
// columns), bar, status, stage, percent, elapsed, outcome, job ID.
func (d *liveDisplay) jobLine(j *Result, now time.Time, label string, labelWidth int) string {
	mark := d.cs.Gray("·")
	switch {
	case j.Failed():
		mark = d.cs.Red("✗")
	case j.Done():
		mark = d.cs.Green("✓")
	}
	filled := int(min(max(j.Progress, 0), 100) / 100 * liveBarWidth)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", liveBarWidth-filled)
	state, outcome := jobState(j)
	// The instance first: it is what people know; the job ID last, the first
	// to be cut on a narrow terminal.
	label += strings.Repeat(" ", max(labelWidth-iostreams.DisplayWidth(label), 0))
	text := fmt.Sprintf("%s  %s  %s  %5s", label, bar, state, FormatElapsed(j.elapsed(now, d.start)))
	if outcome != "" {
		text += "  " + outcome
	}
	text += "  " + j.JobID
	if !j.seen {
		text = strings.TrimSpace(label) + "  " + j.JobID + "  waiting for the first answer"
	}
	return mark + " " + d.fitWidth(text, d.width-3)
}

func (d *liveDisplay) fit(s string) string { return d.fitWidth(s, d.width-1) }

// fitWidth cuts s to n display columns (a CJK character takes two) so that
// no line wraps: a wrapped line would break the cursor movement of the redraw.
func (d *liveDisplay) fitWidth(s string, n int) string {
	return iostreams.Truncate(s, max(n, 1))
}

// plural is one or many by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// draw moves the cursor back to the top of the block and writes it again.
func (d *liveDisplay) draw() {
	var b strings.Builder
	if d.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", d.drawn)
	}
	for _, l := range d.lines {
		b.WriteString("\r\x1b[2K" + l + "\n")
	}
	b.WriteString("\x1b[J") // clear what is left of a longer block
	d.drawn = len(d.lines)
	io.WriteString(d.w, b.String())
}

// message clears the block, writes text where it was, and draws the block
// again below it.
func (d *liveDisplay) message(text string) {
	if d.drawn > 0 {
		fmt.Fprintf(d.w, "\x1b[%dA\r\x1b[J", d.drawn)
		d.drawn = 0
	}
	fmt.Fprintln(d.w, text)
	if len(d.lines) > 0 {
		d.draw()
	}
}

// count is n with its noun: "1 job", "2 jobs".
func count(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }
