package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
)

// Trace writes the --debug lines: one per HTTP attempt and one per retry
// decision. A nil *Trace writes nothing. It never writes headers, so neither
// the signature nor an STS token can leak; query parameters that could carry
// a secret are masked all the same.
type Trace struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// NewTrace returns a trace writing to w.
func NewTrace(w io.Writer) *Trace { return &Trace{w: w, now: time.Now} }

func (t *Trace) printf(format string, args ...any) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "debug: "+format+"\n", args...)
}

func (t *Trace) retry(call Call, n, max int, e *apierr.Error, wait time.Duration) {
	t.printf("%s %s attempt %d/%d failed (%s); retrying in %s", call.Service, call.Action, n, max, e.Code, wait.Round(time.Millisecond))
}

var secretParams = map[string]bool{"accesskeyid": true, "accesskeysecret": true, "securitytoken": true, "signature": true, "bearertoken": true}

func formatParams(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(q[k], ",")
		if secretParams[strings.ToLower(k)] {
			v = "***"
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}

// transport is the SDK's HTTP client: one shared connection pool for every
// call, and the place where each attempt is observed for errors and --debug.
type transport struct {
	client *http.Client
	trace  *Trace
}

// Call implements the SDK core's dara.HttpClient. The SDK builds a fresh
// *http.Transport per request; it is ignored so that connections are reused.
func (t *transport) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	info, _ := req.Context().Value(attemptKey{}).(*attemptInfo)
	start := time.Now()
	if info != nil {
		// Sent means the whole request was written to a connection: a
		// refused or failed dial, or a write cut short, leaves the service
		// nothing it could act on. (A flush that fails after WroteRequest
		// still counts as sent: the safe side.)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			WroteRequest: func(w httptrace.WroteRequestInfo) {
				if w.Err == nil {
					info.sent.Store(true)
				}
			},
		}))
	}
	resp, err := t.client.Do(req)
	elapsed := time.Since(start).Round(time.Millisecond)
	// The SDK sets its headers in lower case, outside Header's canonical keys.
	action := req.Header.Get("x-acs-action")
	//lint:ignore SA1008 the SDK sets its headers in lower case, outside Header's canonical keys
	if vs := req.Header["x-acs-action"]; len(vs) > 0 {
		action = vs[0]
	}
	service := ""
	attempt := ""
	if info != nil {
		service = info.call.Service + " "
		action = info.call.Action
		attempt = fmt.Sprintf(" attempt %d/%d", info.number, info.max)
	}
	if err != nil {
		t.trace.printf("%s%s%s %s params: %s -> error after %s: %v", service, action, attempt, req.Method, formatParams(req.URL.Query()), elapsed, err)
		return nil, err
	}
	// Read the (small) body once so that the request ID is known even when the
	// SDK fails to parse it; the SDK gets an identical copy.
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{rerr}))
	}
	requestID := resp.Header.Get("x-acs-request-id")
	var ids struct {
		RequestID string `json:"RequestId"`
	}
	if json.Unmarshal(body, &ids) == nil && ids.RequestID != "" {
		requestID = ids.RequestID
	}
	if info != nil {
		info.status = resp.StatusCode
		info.requestID = requestID
	}
	if requestID == "" {
		requestID = "-"
	}
	t.trace.printf("%s%s%s %s params: %s -> HTTP %d request-id %s in %s", service, action, attempt, req.Method, formatParams(req.URL.Query()), resp.StatusCode, requestID, elapsed)
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
