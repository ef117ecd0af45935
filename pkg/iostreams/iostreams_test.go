package iostreams

import "testing"

func TestColorWanted(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, true},
		{map[string]string{}, true},
		{map[string]string{"TERM": "xterm", "NO_COLOR": ""}, false},
		{map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
		{map[string]string{"TERM": "dumb"}, false},
	}
	for _, c := range cases {
		lookup := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
		if got := colorWanted(lookup); got != c.want {
			t.Errorf("env %v: colorWanted = %v; want %v", c.env, got, c.want)
		}
	}
}

// Color needs both the wish and a terminal on that stream.
func TestColorNeedsATerminal(t *testing.T) {
	s, _, _, _ := Test()
	s.SetColorEnabled(true)
	if s.ColorEnabled() || s.ColorScheme().Green("x") != "x" {
		t.Error("color on stdout that is not a terminal")
	}
	s.SetStdoutTTY(true)
	if !s.ColorEnabled() || s.ColorScheme().Green("x") == "x" {
		t.Error("no color on a terminal that wants it")
	}
	s.SetColorEnabled(false)
	if s.ColorEnabled() {
		t.Error("color although NO_COLOR")
	}
}

// TERM=dumb keeps the terminal but takes away the redraw.
func TestDumbTerminalCannotRedraw(t *testing.T) {
	for term, want := range map[string]bool{"dumb": true, "xterm": false, "": false} {
		lookup := func(k string) (string, bool) { return term, k == "TERM" && term != "" }
		if got := isDumb(lookup); got != want {
			t.Errorf("TERM=%q: isDumb = %v; want %v", term, got, want)
		}
	}
	s, _, _, _ := Test()
	s.SetStderrTTY(true)
	if !s.CanRedrawStderr() {
		t.Error("a terminal cannot redraw")
	}
	s.SetDumbTerminal(true)
	if s.CanRedrawStderr() {
		t.Error("TERM=dumb can redraw")
	}
}
