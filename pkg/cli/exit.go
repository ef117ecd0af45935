package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/migration"
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

// usageError is bad input: exit 2, nothing sent.
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...), ErrCode: "UsageError"}
}

// ExitCode maps an error to the contract's exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ve *migration.ValidationError
	if errors.As(err, &ve) {
		return ExitUsage
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.IsCanceled():
			return ExitInterrupted
		case ae.IsAuth():
			return ExitAuth
		}
		return ExitFailure
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitFailure
}
