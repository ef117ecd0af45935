package cli

import (
	"context"
	"errors"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
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
