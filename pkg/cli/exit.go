package cli

import (
	"context"
	"errors"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/jobcontrol"
	"github.com/zonemove/zonemove/pkg/migration"
)

// ExitCode maps an error to the contract's exit code (cmdutil lists them).
func ExitCode(err error) int {
	if err == nil {
		return cmdutil.ExitOK
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ve *migration.ValidationError
	if errors.As(err, &ve) {
		return cmdutil.ExitUsage
	}
	if code, _, ok := domainError(err); ok {
		return code
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		switch {
		case ae.IsCanceled():
			return cmdutil.ExitInterrupted
		case ae.IsAuth():
			return cmdutil.ExitAuth
		}
		return cmdutil.ExitFailure
	}
	if errors.Is(err, context.Canceled) {
		return cmdutil.ExitInterrupted
	}
	return cmdutil.ExitFailure
}

// domainError is the exit code and JSON error code of the typed errors that
// the domain packages return (they know nothing of exit codes).
func domainError(err error) (exit int, code string, ok bool) {
	var (
		se *jobcontrol.StatusError
		nf *jobcontrol.NotFoundError
		tr *jobcontrol.TokenReusedError
	)
	switch {
	case errors.As(err, &se):
		return cmdutil.ExitFailure, jobcontrol.CodeInvalidStatus, true
	case errors.As(err, &nf):
		return cmdutil.ExitFailure, "JobNotFound", true
	case errors.As(err, &tr):
		return cmdutil.ExitFailure, "ClientTokenReused", true
	case errors.As(err, new(*follow.FailedError)):
		return cmdutil.ExitJobFailed, "JobFailed", true
	case errors.As(err, new(*follow.TimeoutError)):
		return cmdutil.ExitTimeout, "WaitTimeout", true
	}
	return 0, "", false
}
