package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/alibabacloud-go/tea/tea"
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
	Err  error
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
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

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

// classify turns what the SDK returned for one attempt into an *Error.
// parent is the command's context, attempt the attempt's (with its timeout).
func classify(call Call, err error, parent, attempt context.Context, info *attemptInfo) *Error {
	e := &Error{Service: call.Service, Action: call.Action, Err: err}
	if info != nil {
		e.HTTPStatus = info.status
		e.RequestID = info.requestID
		e.Sent = info.sent
	}
	var sdk *tea.SDKError
	switch {
	case parent.Err() != nil:
		e.Code, e.Message = CodeCanceled, "interrupted"
	case errors.As(err, &sdk) && tea.StringValue(sdk.Code) != "" && tea.IntValue(sdk.StatusCode) != 0:
		e.Code = tea.StringValue(sdk.Code)
		e.HTTPStatus = tea.IntValue(sdk.StatusCode)
		e.Message = tea.StringValue(sdk.Message)
		var body struct {
			RequestID string `json:"RequestId"`
			Message   string `json:"Message"`
			Recommend string `json:"Recommend"`
		}
		if sdk.Data != nil && json.Unmarshal([]byte(*sdk.Data), &body) == nil {
			if body.Message != "" {
				e.Message = body.Message
			}
			if body.RequestID != "" {
				e.RequestID = body.RequestID
			}
			e.Recommend = body.Recommend
		}
	case attempt.Err() != nil || isTimeout(err):
		e.Code, e.Message = CodeTimeout, "no answer within the request timeout"
	case info != nil && info.status != 0:
		// The service answered but the SDK could not read what it said.
		e.Code, e.Message = CodeUnexpectedResponse, fmt.Sprintf("unreadable response (HTTP %d): %s", info.status, rootMessage(err))
	case isConnection(err):
		e.Code, e.Message = CodeConnection, rootMessage(err)
	default:
		e.Code, e.Message = CodeUnexpectedResponse, rootMessage(err)
	}
	return e
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isConnection(err error) bool {
	var op *net.OpError
	var ue *url.Error
	return errors.As(err, &op) || errors.As(err, &ue) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

func rootMessage(err error) string {
	msg := err.Error()
	// The SDK folds its errors into a multi-line "SDKError:" dump; keep the first useful line.
	if i := strings.Index(msg, "Message: "); i >= 0 {
		msg = msg[i+len("Message: "):]
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}
