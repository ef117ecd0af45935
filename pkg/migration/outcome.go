package migration

import (
	"errors"

	"github.com/zonemove/zonemove/pkg/apierr"
)

// MayHaveCreated is the one rule for "may this create have taken effect?",
// used wherever a create failed and wherever a message says whether a job
// exists. err is this run's failure of the create; sentBefore is true when the
// same ClientToken may have been sent before (by an earlier run, or by the
// operator repeating a create). No job was made only when nothing was sent
// before and every attempt of this run either never reached the API or was
// refused with an answer (a 4xx): a refused resend proves nothing about the
// request that came before it.
func MayHaveCreated(sentBefore bool, err error) bool {
	if sentBefore {
		return true
	}
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return err != nil
	}
	return ae.Sent && (ae.Uncertain || !ae.Refused())
}
