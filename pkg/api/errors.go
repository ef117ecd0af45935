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

	"github.com/zonemove/zonemove/pkg/apierr"
)

// classify turns what the SDK returned for one attempt into an *apierr.Error.
// parent is the command's context, attempt the attempt's (with its timeout).
func classify(call Call, err error, parent, attempt context.Context, info *attemptInfo) *apierr.Error {
	e := &apierr.Error{Service: call.Service, Action: call.Action, Err: err}
	if info != nil {
		e.HTTPStatus = info.status
		e.RequestID = info.requestID
		e.Sent = info.sent.Load()
	}
	var sdk *tea.SDKError
	switch {
	case parent.Err() != nil:
		e.Code, e.Message = apierr.CodeCanceled, "interrupted"
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
		e.Code, e.Message = apierr.CodeTimeout, "no answer within the request timeout"
	case info != nil && info.status != 0:
		// The service answered but the SDK could not read what it said.
		e.Code, e.Message = apierr.CodeUnexpectedResponse, fmt.Sprintf("unreadable response (HTTP %d): %s", info.status, rootMessage(err))
	case isConnection(err):
		e.Code, e.Message = apierr.CodeConnection, rootMessage(err)
	default:
		e.Code, e.Message = apierr.CodeUnexpectedResponse, rootMessage(err)
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
