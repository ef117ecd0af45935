// Package cmdutil holds what every zonemove command shares without being a
// command: the exit codes of the contract, the error that carries one, the
// argument validators that return typed usage errors, and the command lines
// that hints print.
package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/next"
)

// Exit codes of the contract.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitCheckFailed = 3
	ExitAuth        = 4
	ExitJobFailed   = 5
	ExitTimeout     = 6
	ExitDeferred    = 7 // apply with --not-after: the window closed before some migrations could start
	ExitInterrupted = 130
)

// ExitError is an error with the exit code it ends the process with, and an
// optional hint and error code for the JSON document.
type ExitError struct {
	Code    int
	Err     error
	ErrCode string // the "code" of the JSON error; defaults by exit code
	Hint    string
	// Next is the hint as steps, rendered with the run's flags; Hint, when
	// set, wins.
	Next next.Hint
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf is bad input: exit 2, nothing sent.
func UsageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...), ErrCode: "UsageError"}
}

// wrapArgs turns the error of a cobra argument validator into a usage error
// that points to the command's help.
func wrapArgs(validate cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := validate(cmd, args); err != nil {
			return &ExitError{Code: ExitUsage, Err: err, ErrCode: "UsageError", Hint: "see '" + cmd.CommandPath() + " --help'"}
		}
		return nil
	}
}

// NoArgs accepts no positional argument.
func NoArgs(cmd *cobra.Command, args []string) error { return wrapArgs(cobra.NoArgs)(cmd, args) }

// MinimumNArgs accepts at least n positional arguments.
func MinimumNArgs(n int) cobra.PositionalArgs { return wrapArgs(cobra.MinimumNArgs(n)) }

// UnknownCommand is the usage error of a command line whose first word names
// no command (cobra reports it before any validator runs).
func UnknownCommand(err error) error {
	return &ExitError{Code: ExitUsage, Err: err, ErrCode: "UsageError", Hint: "see 'zonemove --help'"}
}

// Commands turns next steps (package next) into the zonemove command lines
// that hints print, with this run's own flags, so that a printed command
// works as printed: its region and profile; for a step on the run's batch,
// its manifest and state file; for a step that asks before it acts, --yes
// when the run had --yes or could not answer (stdin not a terminal).
type Commands struct {
	Region  string
	Profile string
	// File and State are the batch's manifest and, when the run named one,
	// its state file.
	File, State string
	// Yes: steps that ask for confirmation carry --yes.
	Yes bool
}

// Line is a zonemove command on jobs: zonemove COMMAND JOB_ID... --region R [--profile P].
func (c Commands) Line(command string, jobIDs []string) string {
	return c.Step(next.Cmd(command, jobIDs...))
}

// Step is the command line of a step.
func (c Commands) Step(s next.Step) string {
	parts := append([]string{"zonemove"}, s.Command...)
	for _, a := range s.Args {
		parts = append(parts, ShellQuote(a))
	}
	if s.Batch && c.File != "" {
		parts = append(parts, "-f", ShellQuote(c.File))
		if c.State != "" {
			parts = append(parts, "--state", ShellQuote(c.State))
		}
	}
	if c.Region != "" {
		parts = append(parts, "--region", ShellQuote(c.Region))
	}
	if c.Profile != "" {
		parts = append(parts, "--profile", ShellQuote(c.Profile))
	}
	if s.Confirms && c.Yes {
		parts = append(parts, "--yes")
	}
	return strings.Join(parts, " ")
}

// Hint renders a hint's steps as command lines.
func (c Commands) Hint(h next.Hint) string { return h.Render(c.Step) }

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,=/:@+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
