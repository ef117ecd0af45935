package cli

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// TestApplyOnATerminal: apply --wait on terminals of 60 and 80 columns, with
// an instance named in Chinese (two columns a character) and one named by
// its ID (the ECS default). The table fits the terminal (at 80 with every
// column of the run), the lists of instances fit it, the live view's lines
// fit it and its bars stand in one column, and no instance is named twice.
func TestApplyOnATerminal(t *testing.T) {
	names := func(fl *fakeapi.Fleet) {
		fl.AnswerFrom("i-bp1ff25rzvnul6kr0002", "ecs/DescribeInstances.cjk-name.http")
		fl.AnswerFrom("i-bp1ff25rzvnul6kr0003", "ecs/DescribeInstances.named-by-id.http")
	}
	var cases []applyCase
	for _, width := range []int{60, 80, 120} {
		check := func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
			checkTerminalOutput(t, width, res)
			if width == 80 && !strings.Contains(res.stdout, "INSTANCE                TARGET ZONE    STATUS             JOB ID\n") {
				t.Errorf("at 80 columns the table lost a column it has room for:\n%s", res.stdout)
			}
			if width == 120 && !strings.Contains(res.stderr, "订单服务-生产环境-01  ███") {
				t.Errorf("on a wide terminal the live view does not name the instance in full:\n%s", res.stderr)
			}
		}
		cases = append(cases, applyCase{name: fmt.Sprintf("cjk-names-%d", width), manifest: "batch.yaml", fleet: names,
			runs: []applyRun{{args: applyArgs("--yes", "--wait", "--interval", "1s"), stdoutTTY: true, stderrTTY: true, width: width, check: check}}})
	}
	runApplyGolden(t, cases)
}

// barStart finds a job line's progress bar.
var barStart = regexp.MustCompile(`[█░]`)

// checkTerminalOutput checks what a run wrote on terminals of width columns.
func checkTerminalOutput(t *testing.T, width int, res runResult) {
	t.Helper()
	for _, line := range strings.Split(iostreams.StripANSI(res.stdout), "\n") {
		row := strings.HasPrefix(line, "i-") || strings.HasPrefix(line, "INSTANCE") || strings.HasPrefix(line, "  instance-stop") ||
			strings.HasPrefix(line, "  private-ip") || strings.HasPrefix(line, "  billing-change")
		if w := iostreams.DisplayWidth(line); row && w > width {
			t.Errorf("a row of %d columns on a %d-column terminal: %q", w, width, line)
		}
	}
	for _, s := range []string{res.stdout, res.stderr} {
		for _, id := range []string{"i-bp1ff25rzvnul6kr0003"} {
			if strings.Contains(s, id+" "+id) {
				t.Errorf("%s is named twice:\n%s", id, s)
			}
		}
	}
	// The live view: frames start by moving the cursor up.
	frames := regexp.MustCompile(`\x1b\[\d+A`).Split(res.stderr, -1)
	for _, frame := range frames {
		col := -1
		for _, line := range strings.Split(frame, "\n") {
			i := strings.LastIndex(line, "\r\x1b[2K")
			if i < 0 {
				continue
			}
			line = iostreams.StripANSI(line[i+len("\r\x1b[2K"):])
			if w := iostreams.DisplayWidth(line); w >= width {
				t.Errorf("a live line of %d columns on a %d-column terminal: %q", w, width, line)
			}
			loc := barStart.FindStringIndex(line)
			if loc == nil {
				continue
			}
			at := iostreams.DisplayWidth(line[:loc[0]])
			if col >= 0 && at != col {
				t.Errorf("the bars do not align: one at column %d, this one at %d: %q", col, at, line)
			}
			col = at
		}
	}
}
