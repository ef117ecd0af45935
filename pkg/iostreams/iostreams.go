// Package iostreams carries the standard streams with the facts that change how
// zonemove talks: whether each is a terminal, and whether color is wanted.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the command's streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	colorEnabled                   bool
	dumbTerminal                   bool // TERM=dumb: no cursor movement
	termWidth                      int
}

// System returns the process's streams, with terminals detected. On a
// Windows console the output streams understand ANSI color and cursor
// codes (see console_windows.go).
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: consoleWriter(os.Stdout), ErrOut: consoleWriter(os.Stderr),
		stdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		stderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		termWidth: defaultWidth,
	}
	// One window holds both streams when both are terminals; stdout's
	// tables and stderr's live view fit its width.
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			s.termWidth = w
			break
		}
	}
	s.colorEnabled = colorWanted(os.LookupEnv)
	s.dumbTerminal = isDumb(os.LookupEnv)
	return s
}

// isDumb tells a terminal that cannot move its cursor (TERM=dumb: Emacs
// shells, some CI consoles).
func isDumb(lookup func(string) (string, bool)) bool {
	term, _ := lookup("TERM")
	return term == "dumb"
}

// colorWanted applies the conventions: NO_COLOR set (to anything, even
// empty; no-color.org) or TERM=dumb turns color off.
func colorWanted(lookup func(string) (string, bool)) bool {
	if _, set := lookup("NO_COLOR"); set {
		return false
	}
	term, _ := lookup("TERM")
	return term != "dumb"
}

// Test returns streams backed by buffers; none is a terminal.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, termWidth: defaultWidth}, in, out, errOut
}

func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY and its siblings let a test ask for the terminal rendering.
func (s *IOStreams) SetStdinTTY(v bool)  { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// SetDumbTerminal says the terminal cannot move its cursor (TERM=dumb).
func (s *IOStreams) SetDumbTerminal(v bool) { s.dumbTerminal = v }

// CanRedrawStderr reports whether stderr is a terminal that can move its
// cursor, for a live view redrawn in place.
func (s *IOStreams) CanRedrawStderr() bool { return s.stderrTTY && !s.dumbTerminal }

// SetColorEnabled overrides color detection (tests, NO_COLOR handling).
func (s *IOStreams) SetColorEnabled(v bool) { s.colorEnabled = v }

// ColorEnabled reports whether stdout wants ANSI colors: a terminal, and
// neither NO_COLOR nor TERM=dumb.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled && s.stdoutTTY }

// StderrColorEnabled is ColorEnabled for stderr.
func (s *IOStreams) StderrColorEnabled() bool { return s.colorEnabled && s.stderrTTY }

// defaultWidth is the width assumed when no terminal tells its own.
const defaultWidth = 80

// TerminalWidth is the width of the terminal, in columns (80 when unknown).
func (s *IOStreams) TerminalWidth() int { return s.termWidth }

// SetTerminalWidth lets a test ask for a terminal of that many columns.
func (s *IOStreams) SetTerminalWidth(columns int) { s.termWidth = columns }

// ColorScheme returns the color helpers for stdout.
func (s *IOStreams) ColorScheme() *ColorScheme { return &ColorScheme{enabled: s.ColorEnabled()} }

// StderrColorScheme returns the color helpers for stderr (progress, messages).
func (s *IOStreams) StderrColorScheme() *ColorScheme {
	return &ColorScheme{enabled: s.StderrColorEnabled()}
}

// ColorScheme wraps text in ANSI colors when enabled.
type ColorScheme struct{ enabled bool }

func (c *ColorScheme) wrap(code, s string) string {
	if !c.enabled {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (c *ColorScheme) Green(s string) string  { return c.wrap("32", s) }
func (c *ColorScheme) Yellow(s string) string { return c.wrap("33", s) }
func (c *ColorScheme) Red(s string) string    { return c.wrap("31", s) }
func (c *ColorScheme) Gray(s string) string   { return c.wrap("90", s) }
func (c *ColorScheme) Bold(s string) string   { return c.wrap("1", s) }
