// Package apierr is the failed API call as the rest of zonemove sees it: what
// was called, what the service said, and whether a request left this machine.
// It links no SDK, so the batch runner and the checks can inspect failures;
// pkg/api turns the SDK's errors into it.
package apierr

import (
	"fmt"
	"strings"
	"time"
)

// Codes zonemove gives to failures that carry no API error code.
const (
	CodeTimeout            = "RequestTimeout"
	CodeConnection         = "ConnectionError"
	CodeUnexpectedResponse = "UnexpectedResponse"
	CodeCanceled           = "Canceled"
	CodeNoCredentials      = "NoCredentials"
)

// Error is a failed API call: what was called, what the service (or the
// network) said, and whether a request ever left this machine.
type Error struct {
	Service    string
	Action     string
	Code       string
	Message    string
	RequestID  string
	HTTPStatus int
	Recommend  string
	Attempts   int
	// Sent is true when at least one attempt may have reached the service, so a
	// non-idempotent call may have taken effect.
	Sent bool
	// Uncertain is true when some attempt reached the service and was not
	// refused: no answer, a 5xx or an unreadable one. Only then (or when the
	// last attempt was not refused) may a non-idempotent call have taken effect.
	Uncertain bool
	// NoAnswerFor is how long the attempts that got no answer waited in all
	// (each up to the request timeout), when some did.
	NoAnswerFor time.Duration
	Err         error
}

func (e *Error) Error() string {
	if e.Code == CodeNoCredentials {
		return e.Message
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s failed", e.Service, e.Action)
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	switch {
	case e.Attempts > 1 && e.NoAnswerFor > 0:
		fmt.Fprintf(&b, " (after %d attempts, %s without an answer)", e.Attempts, e.NoAnswerFor)
	case e.Attempts > 1:
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Refused reports whether the service answered this attempt with a refusal
// (a 4xx it could read): the call was not carried out.
func (e *Error) Refused() bool {
	return e.HTTPStatus >= 400 && e.HTTPStatus < 500 && e.Code != CodeUnexpectedResponse
}

// Retryable reports whether the contract allows this failure to be retried:
// throttling, ServiceUnavailable, InternalError, any 5xx, timeouts and broken
// connections.
func (e *Error) Retryable() bool {
	switch e.Code {
	case "Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable", "InternalError",
		CodeTimeout, CodeConnection:
		return true
	case CodeCanceled, CodeNoCredentials:
		return false
	}
	return e.HTTPStatus >= 500
}

// authCodes are API error codes that mean the caller is not who they say or may
// not do this; they map to exit code 4.
var authCodes = map[string]bool{
	"InvalidAccessKeyId.NotFound":                true,
	"InvalidAccessKeyId.Inactive":                true,
	"InvalidAccessKeyId":                         true,
	"SignatureDoesNotMatch":                      true,
	"IncompleteSignature":                        true,
	"InvalidSecurityToken.Expired":               true,
	"InvalidSecurityToken.Malformed":             true,
	"InvalidSecurityToken.MismatchWithAccessKey": true,
	"Forbidden":                   true,
	"Forbidden.RAM":               true,
	"Forbidden.AccessKeyDisabled": true,
	"Forbidden.NoPermission":      true,
	"NoPermission":                true,
	"EntityNotExist.Role":         true,
	"InvalidCredentials":          true,
	CodeNoCredentials:             true,
}

// IsAuth reports whether the failure is about credentials or permissions.
func (e *Error) IsAuth() bool {
	return authCodes[e.Code] || e.HTTPStatus == 401 || e.HTTPStatus == 403 ||
		strings.HasPrefix(e.Code, "Forbidden.") || strings.HasPrefix(e.Code, "InvalidAccessKeyId.")
}

// IsCanceled reports whether the call was stopped by the user (Ctrl-C).
func (e *Error) IsCanceled() bool { return e.Code == CodeCanceled }
