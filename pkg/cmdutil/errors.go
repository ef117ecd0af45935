// Package cmdutil holds what every zonemove command shares without being a
// command: the exit codes of the contract, the error that carries one, the
// argument validators that return typed usage errors, and the command lines
// that hints print.
package cmdutil

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
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

// ExactArgs accepts exactly n positional arguments.
func ExactArgs(n int) cobra.PositionalArgs { return wrapArgs(cobra.ExactArgs(n)) }

// MinimumNArgs accepts at least n positional arguments.
func MinimumNArgs(n int) cobra.PositionalArgs { return wrapArgs(cobra.MinimumNArgs(n)) }

// UnknownCommand is the usage error of a command line whose first word names
// no command (cobra reports it before any validator runs).
func UnknownCommand(err error) error {
	return &ExitError{Code: ExitUsage, Err: err, ErrCode: "UsageError", Hint: "see 'zonemove --help'"}
}

// Commands writes the zonemove command lines that hints print, on the region
// and profile of this run.
type Commands struct {
	Region  string
	Profile string
}

// Line is a zonemove command on jobs: zonemove COMMAND JOB_ID... --region R [--profile P].
func (c Commands) Line(command string, jobIDs []string) string {
	parts := append([]string{"zonemove", command}, jobIDs...)
	parts = append(parts, "--region", c.Region)
	if c.Profile != "" {
		parts = append(parts, "--profile", ShellQuote(c.Profile))
	}
	return strings.Join(parts, " ")
}

// ShellQuote quotes s for a POSIX shell when it needs it.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,=/:@+", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
