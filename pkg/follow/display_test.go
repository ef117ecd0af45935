package follow

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// TestLiveDisplayFitsTheScreen: with many jobs the block keeps to 20 job
// lines (jobs not done first) and a summary, and no line is wider than the
// terminal, so the redraw never scrolls or wraps out of place.
func TestLiveDisplayFitsTheScreen(t *testing.T) {
	var jobs []*Result
	for n := 1; n <= 25; n++ {
		j := &Result{JobView: JobView{JobID: jobID(n), InstanceID: "i-bp1batch0000" + leftPad(n),
			Status: facts.JobRunning, BusinessStatus: "Syncing", Progress: float64(n * 4), startTime: "2026-11-27T11:00:00Z"}, seen: true}
		if n <= 10 { // the first ten are done
			j.Status, j.Progress, j.EndTime = facts.JobInError, 12, ""
			j.ErrorCode = "SMC.SomeVeryLongErrorCodeThatWouldNotFitOnANarrowTerminalAtAll"
		}
		jobs = append(jobs, j)
	}
	var out bytes.Buffer
	start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	d := &liveDisplay{w: &out, width: 60, cs: (&iostreams.IOStreams{}).StderrColorScheme(), start: start}
	d.update(start, jobs)
	d.update(start.Add(time.Minute), jobs)

	frames := strings.Split(out.String(), "\x1b[21A")
	if len(frames) != 2 {
		t.Fatalf("%d frames; want 2, the second drawn over the 21 lines of the first", len(frames))
	}
	lines := strings.Split(strings.TrimSuffix(frames[1], "\n\x1b[J"), "\n")
	if len(lines) != 21 {
		t.Fatalf("%d lines; want 20 jobs and a summary:\n%s", len(lines), frames[1])
	}
	for i, l := range lines {
		l = strings.TrimPrefix(l, "\r\x1b[2K")
		if w := iostreams.DisplayWidth(l); w >= 60 {
			t.Errorf("line %d is %d wide on a 60-column terminal: %q", i+1, w, l)
		}
	}
	if !strings.Contains(lines[0], "i-bp1batch0000"+leftPad(11)) {
		t.Errorf("first line %q; want the instance of the first job not done, i-bp1batch0000%s", lines[0], leftPad(11))
	}
	if want := "10 of 25 jobs done, 10 failed (5 not shown)"; !strings.Contains(lines[20], want) {
		t.Errorf("summary %q; want %q", lines[20], want)
	}
}

func jobID(n int) string { return "j-bp1batch0000" + leftPad(n) }

func leftPad(n int) string { s := strconv.Itoa(n); return strings.Repeat("0", 4-len(s)) + s }
