package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// TestChecksTableColor: on a terminal with color wanted, the marks are
// colored; off a terminal, or with color off (NO_COLOR), they are plain.
func TestChecksTableColor(t *testing.T) {
	results := []preflight.Result{
		{ID: "spot", Status: preflight.Pass, Message: "not preemptible"},
		{ID: "recent-snapshot", Status: preflight.Warn, Message: "old", Hint: "take one"},
		{ID: "active-job", Status: preflight.Fail, Message: "busy", Hint: "wait\nor retry"},
		{ID: "disk-owner", Status: preflight.Skip, Message: "offline"},
	}
	render := func(tty, color bool) string {
		ios, _, _, _ := iostreams.Test()
		ios.SetStdoutTTY(tty)
		ios.SetColorEnabled(color)
		var b bytes.Buffer
		printChecks(&b, ios.ColorScheme(), results, 0)
		return b.String()
	}
	colored := render(true, true)
	for _, want := range []string{"\x1b[32m✓ pass\x1b[0m", "\x1b[33m! warn\x1b[0m", "\x1b[31m✗ FAIL\x1b[0m", "\x1b[90m- skip\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, colored)
		}
	}
	for _, plain := range []string{render(false, true), render(true, false)} {
		if strings.Contains(plain, "\x1b[") {
			t.Errorf("escape codes off a terminal or without color:\n%q", plain)
		}
	}
	want := `Checks: 1 passed, 1 warning, 1 failed, 1 skipped
  ✓ pass  spot             not preemptible
  ! warn  recent-snapshot  old
                           → take one
  ✗ FAIL  active-job       busy
                           → wait
                             or retry
  - skip  disk-owner       offline
`
	if got := render(false, false); got != want {
		t.Errorf("plain table:\n%s\nwant:\n%s", got, want)
	}
	// Colors change nothing of the layout.
	if got := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(colored, ""); got != want {
		t.Errorf("colored table without its colors:\n%s\nwant:\n%s", got, want)
	}
}
