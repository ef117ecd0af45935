package migration

import (
	"context"
	"errors"
	"testing"

	"github.com/zonemove/zonemove/pkg/apierr"
)

func TestMayHaveCreated(t *testing.T) {
	for _, c := range []struct {
		name       string
		sentBefore bool
		err        error
		want       bool
	}{
		{"never sent", false, &apierr.Error{Code: apierr.CodeConnection, Attempts: 4}, false},
		{"refused once", false, &apierr.Error{Code: "QuotaExceeded", HTTPStatus: 400, Attempts: 1, Sent: true}, false},
		{"throttled on every attempt", false, &apierr.Error{Code: "Throttling", HTTPStatus: 400, Attempts: 4, Sent: true}, false},
		{"timed out", false, &apierr.Error{Code: apierr.CodeTimeout, Attempts: 4, Sent: true, Uncertain: true}, true},
		{"5xx", false, &apierr.Error{Code: "InternalError", HTTPStatus: 500, Attempts: 4, Sent: true}, true},
		{"4xx after a lost answer", false, &apierr.Error{Code: "InvalidParameter", HTTPStatus: 400, Attempts: 2, Sent: true, Uncertain: true}, true},
		{"unreadable answer", false, &apierr.Error{Code: apierr.CodeUnexpectedResponse, HTTPStatus: 200, Attempts: 1, Sent: true}, true},
		{"refused resend", true, &apierr.Error{Code: "InvalidParameter", HTTPStatus: 400, Attempts: 1, Sent: true}, true},
		{"resend cancelled before sending", true, &apierr.Error{Code: apierr.CodeCanceled, Err: context.Canceled}, true},
		{"not an API error", false, errors.New("boom"), true},
	} {
		if got := MayHaveCreated(c.sentBefore, c.err); got != c.want {
			t.Errorf("%s: MayHaveCreated = %v; want %v", c.name, got, c.want)
		}
	}
}
