// Package next says what a person can do next, as data: a zonemove command
// with its arguments, and the sentence it stands in. Domain packages (follow,
// batch, preflight, jobcontrol) return them; pkg/cli alone turns them into
// command lines, with the run's own flags (--region, --profile, the batch's
// -f and --state, --yes), so that every printed command works as printed.
package next

import (
	"fmt"
	"strings"
)

// Step is one zonemove command to run next.
type Step struct {
	// Command is the command's name: "retry", or "state", "forget".
	Command []string
	// Args are its arguments and its own flags, in order: job IDs,
	// instance IDs, "--dry-run".
	Args []string
	// Batch: the step names the run's batch, so it carries -f FILE and, when
	// the run named one, --state PATH.
	Batch bool
	// Confirms: the command asks before it changes anything, so it carries
	// --yes where the run could not have answered (off a terminal) or
	// answered already (--yes).
	Confirms bool
}

// Cmd is a step of a command with its arguments.
func Cmd(command string, args ...string) Step {
	return Step{Command: strings.Fields(command), Args: args}
}

// OfBatch is the step on the run's batch: it carries -f and --state.
func (s Step) OfBatch() Step { s.Batch = true; return s }

// Confirmed is the step of a command that asks before it acts.
func (s Step) Confirmed() Step { s.Confirms = true; return s }

// Name is the command's name, words joined: "state forget".
func (s Step) Name() string { return strings.Join(s.Command, " ") }

// Hint is a sentence for a person that names steps: its format's %s verbs
// take, in order, its arguments, each Step rendered as a command line.
type Hint struct {
	Format string
	Args   []any
}

// Hintf is a hint; an argument that is a Step is rendered as a command line.
func Hintf(format string, args ...any) Hint { return Hint{Format: format, Args: args} }

// Text is a hint without steps.
func Text(s string) Hint { return Hint{Format: "%s", Args: []any{s}} }

// IsZero reports whether there is no hint.
func (h Hint) IsZero() bool { return h.Format == "" }

// Steps are the steps the hint names, in order.
func (h Hint) Steps() []Step {
	var out []Step
	for _, a := range h.Args {
		switch a := a.(type) {
		case Step:
			out = append(out, a)
		case Hint:
			out = append(out, a.Steps()...)
		}
	}
	return out
}

// Render writes the hint with line turning each step into a command line.
func (h Hint) Render(line func(Step) string) string {
	if h.IsZero() {
		return ""
	}
	args := make([]any, len(h.Args))
	for i, a := range h.Args {
		switch a := a.(type) {
		case Step:
			args[i] = line(a)
		case Hint:
			args[i] = a.Render(line)
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(h.Format, args...)
}

// Join is hints joined by sep, as one hint.
func Join(hints []Hint, sep string) Hint {
	var parts []string
	var args []any
	for _, h := range hints {
		if h.IsZero() {
			continue
		}
		parts = append(parts, "%s")
		args = append(args, h)
	}
	if len(parts) == 0 {
		return Hint{}
	}
	return Hint{Format: strings.Join(parts, strings.ReplaceAll(sep, "%", "%%")), Args: args}
}

// Error is an error with what to do about it.
type Error struct {
	Err  error
	Next Hint
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Hinter is an error that says what to do next.
type Hinter interface{ NextHint() Hint }

// NextHint is the hint of the error.
func (e *Error) NextHint() Hint { return e.Next }
