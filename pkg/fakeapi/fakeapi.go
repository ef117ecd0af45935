// Package fakeapi is a fake Alibaba Cloud RPC endpoint for tests and
// benchmarks. It answers with recorded responses (raw HTTP files under
// testdata/api), follows a script per action (answer, delay, hang, drop the
// connection), verifies every request's ACS3-HMAC-SHA256 signature with the
// test secret, records what it received, and keeps SMC's ClientToken
// idempotency so that a repeated create returns the job it created first.
package fakeapi

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test credentials: every test signs with these.
const (
	AccessKeyID     = "LTAI5tFAKEACCESSKEY0000"
	AccessKeySecret = "fake-secret-never-real"
)

// Services by API version (the x-acs-version header).
var services = map[string]string{"2019-06-01": "smc", "2014-05-26": "ecs", "2016-04-28": "vpc",
	"2014-05-15": "slb", "2020-06-16": "alb", "2022-04-30": "nlb"}

// Step is what the server does with one request of an action.
type Step struct {
	// File is a recorded response: a raw HTTP response (status line, headers,
	// blank line, body), relative to the server's Dir.
	File string
	// Delay is waited before answering (injected latency).
	Delay time.Duration
	// Hang never answers; the client must give up.
	Hang bool
	// Drop closes the connection without an answer. After the answer would have
	// been computed: for a create, the job exists (a response lost in transit).
	Drop bool
	// Respond computes the answer instead of File (status, body).
	Respond func(r *Request) (int, any)
	// Barrier holds the request until the barrier's count of requests has
	// arrived, before any Delay.
	Barrier *Barrier
	// Arrive, when set, is called the moment the request arrives, before
	// any Barrier, Delay or Hang (a test interrupts its run there).
	Arrive func(r *Request)
}

// Barrier holds requests until n of them have arrived, so that a test shows
// that calls were in flight together without timing them. A request that
// waits longer than BarrierLimit fails the test and is answered.
type Barrier struct {
	n       int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

// BarrierLimit is how long a request waits at a barrier before the test fails:
// far longer than any honest wait, even under -race on a busy machine.
const BarrierLimit = 10 * time.Second

// NewBarrier returns a barrier that opens when n requests have arrived.
func NewBarrier(n int) *Barrier { return &Barrier{n: n, all: make(chan struct{})} }

// Wait holds the caller until n callers have arrived (or ctx ends).
func (b *Barrier) Wait(ctx context.Context, t testing.TB, what string) {
	b.mu.Lock()
	if b.arrived++; b.arrived == b.n {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
	case <-ctx.Done():
	case <-time.After(BarrierLimit):
		t.Errorf("fakeapi: %s waited alone at a barrier of %d: the calls were not in flight together", what, b.n)
	}
}

// Request is one request as the server received it.
type Request struct {
	Service string
	Action  string
	Version string
	Method  string
	// Params are the query's and the form body's parameters together (an
	// action's model reads them alike); Form holds the body's alone, so that
	// a test sees which went where.
	Params      url.Values
	Form        url.Values
	SignatureOK bool
	SecurityTok bool
	// Path, Header and Body are the rest of the request as it arrived, for
	// tests that prove the whole wire unchanged.
	Path   string
	Header http.Header
	Body   string
}

// Server is the fake endpoint.
type Server struct {
	*httptest.Server
	Dir   string // folder of recorded responses
	Delay time.Duration

	mu       sync.Mutex
	holds    map[string]*Barrier
	script   map[string][]Step
	fallback map[string]Step
	received []Request
	tokens   map[string]string // ClientToken -> JobId
	jobs     int
	inflight int
	maxInfl  int
	hangs    chan struct{}
	t        testing.TB
	fleet    *Fleet // the fleet answering on it, if any
}

// Fleet is the fleet that answers on the server (NewFleet), or nil.
func (s *Server) Fleet() *Fleet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fleet
}

// New starts a server answering from recorded responses under dir.
func New(t testing.TB, dir string) *Server {
	s := &Server{Dir: dir, script: map[string][]Step{}, fallback: map[string]Step{}, tokens: map[string]string{}, hangs: make(chan struct{}), t: t}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		close(s.hangs)
		s.Server.Close()
	})
	return s
}

// Host is host:port of the server, for endpoint overrides.
func (s *Server) Host() string { return strings.TrimPrefix(s.Server.URL, "http://") }

// On queues steps for an action: each request takes the next step; the last
// step is repeated once the queue is empty.
func (s *Server) On(action string, steps ...Step) *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[action] = append(s.script[action], steps...)
	return s
}

// Verify fails the test for every step queued with On that no request took:
// a script longer than the run means the run did not do what the test
// meant (as gh's httpmock Registry.Verify does for its stubs).
func (s *Server) Verify(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	actions := make([]string, 0, len(s.script))
	for a := range s.script {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	for _, a := range actions {
		if n := len(s.script[a]); n > 0 {
			t.Errorf("fakeapi: %d queued step(s) of %s were never used", n, a)
		}
	}
}

// Hold holds every request of action at the barrier, whatever step answers it.
func (s *Server) Hold(action string, b *Barrier) *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holds == nil {
		s.holds = map[string]*Barrier{}
	}
	s.holds[action] = b
	return s
}

// Always answers every request of action with step, after any queued steps.
func (s *Server) Always(action string, step Step) *Server {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallback[action] = step
	return s
}

// Standing is the step that answers action once its queue is empty (set by
// Always, or by NewFleet), to wrap it in a test's own step.
func (s *Server) Standing(action string) Step {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback[action]
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.received...)
}

// Reset forgets the requests received so far (not the script or the jobs).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = nil
}

// JobsCreated is how many distinct jobs CreateCrossZoneMigrationJob created.
func (s *Server) JobsCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs
}

// MaxInFlight is the most requests the server handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInfl
}

func (s *Server) next(action string) (Step, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.script[action]
	if len(q) > 0 {
		st := q[0]
		if len(q) > 1 {
			s.script[action] = q[1:]
		} else {
			delete(s.script, action)
			if _, ok := s.fallback[action]; !ok {
				s.fallback[action] = st
			}
		}
		return st, true
	}
	st, ok := s.fallback[action]
	return st, ok
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inflight++
	if s.inflight > s.maxInfl {
		s.maxInfl = s.inflight
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()

	body, _ := io.ReadAll(r.Body)
	form := url.Values{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ = url.ParseQuery(string(body))
	}
	params := r.URL.Query()
	for k, vs := range form {
		params[k] = append(params[k], vs...)
	}
	sigErr := verifySignature(r, body)
	req := Request{
		Path:        r.URL.Path,
		Header:      r.Header.Clone(),
		Body:        string(body),
		Action:      r.Header.Get("x-acs-action"),
		Version:     r.Header.Get("x-acs-version"),
		Method:      r.Method,
		Params:      params,
		Form:        form,
		SignatureOK: sigErr == nil,
		SecurityTok: r.Header.Get("x-acs-security-token") != "",
	}
	req.Service = services[req.Version]
	s.mu.Lock()
	s.received = append(s.received, req)
	s.mu.Unlock()
	if sigErr != nil {
		writeJSON(w, 400, map[string]string{"RequestId": "FAKE-SIGNATURE", "Code": "SignatureDoesNotMatch", "Message": sigErr.Error()})
		return
	}
	step, ok := s.next(req.Action)
	if !ok {
		writeJSON(w, 400, map[string]string{"RequestId": "FAKE-UNSCRIPTED", "Code": "InvalidAction.NotFound", "Message": "fakeapi: no response scripted for " + req.Action})
		return
	}
	if step.Arrive != nil {
		step.Arrive(&req)
	}
	s.mu.Lock()
	held := s.holds[req.Action]
	s.mu.Unlock()
	for _, b := range []*Barrier{step.Barrier, held} {
		if b != nil {
			b.Wait(r.Context(), s.t, req.Action)
		}
	}
	if d := step.Delay + s.Delay; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if step.Hang {
		select {
		case <-r.Context().Done():
		case <-s.hangs:
		}
		return
	}
	status, header, body := s.answer(step, &req)
	if req.Action == "CreateCrossZoneMigrationJob" && status == 200 {
		body = s.idempotentCreate(req.Params.Get("ClientToken"), body)
	}
	if step.Drop {
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("fakeapi: cannot hijack")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, vs := range header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

// idempotentCreate makes a create with a known ClientToken return the job that
// token created, as SMC does.
func (s *Server) idempotentCreate(token string, body []byte) []byte {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.tokens[token]; ok && token != "" {
		m["JobId"] = id
		out, _ := json.Marshal(m)
		return out
	}
	jobID, _ := m["JobId"].(string)
	if token != "" {
		s.tokens[token] = jobID
	}
	s.jobs++
	return body
}

// tokenJob is the job a ClientToken created, if it did.
func (s *Server) tokenJob(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.tokens[token]
	return id, ok && token != ""
}

func (s *Server) answer(step Step, req *Request) (int, http.Header, []byte) {
	if step.Respond != nil {
		status, v := step.Respond(req)
		b, _ := json.Marshal(v)
		return status, http.Header{"Content-Type": {"application/json;charset=utf-8"}}, b
	}
	status, header, body, err := ReadRecorded(filepath.Join(s.Dir, step.File))
	if err != nil {
		s.t.Errorf("fakeapi: %v", err)
		return 500, nil, []byte(`{"Code":"FakeMisconfigured"}`)
	}
	return status, header, body
}

// ReadRecorded reads a raw HTTP response file.
func ReadRecorded(path string) (int, http.Header, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && err != io.ErrUnexpectedEOF {
		return 0, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	resp.Header.Del("Content-Length")
	return resp.StatusCode, resp.Header, body, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// verifySignature recomputes the ACS3-HMAC-SHA256 signature with the test
// secret, and the hash of the body it signed, so every test proves the SDK
// core signed what was sent.
func verifySignature(r *http.Request, body []byte) error {
	if sum := sha256.Sum256(body); r.Header.Get("x-acs-content-sha256") != hex.EncodeToString(sum[:]) {
		return fmt.Errorf("fakeapi: x-acs-content-sha256 is not the hash of the body sent")
	}
	auth := r.Header.Get("Authorization")
	const prefix = "ACS3-HMAC-SHA256 "
	if !strings.HasPrefix(auth, prefix) {
		return fmt.Errorf("fakeapi: Authorization is not ACS3-HMAC-SHA256: %q", auth)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, prefix), ",") {
		k, v, _ := strings.Cut(part, "=")
		fields[k] = v
	}
	if fields["Credential"] != AccessKeyID {
		return fmt.Errorf("fakeapi: signed with access key %q", fields["Credential"])
	}
	signed := strings.Split(fields["SignedHeaders"], ";")
	var canonHeaders strings.Builder
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		canonHeaders.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + url.QueryEscape(q.Get(k))
	}
	cq := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(strings.Join(parts, "&"))
	canon := r.Method + "\n" + r.URL.Path + "\n" + cq + "\n" + canonHeaders.String() + "\n" +
		fields["SignedHeaders"] + "\n" + r.Header.Get("x-acs-content-sha256")
	sum := sha256.Sum256([]byte(canon))
	mac := hmac.New(sha256.New, []byte(AccessKeySecret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])))
	if want := hex.EncodeToString(mac.Sum(nil)); want != fields["Signature"] {
		return fmt.Errorf("fakeapi: signature mismatch")
	}
	return nil
}

// Format renders requests for a golden file: service, action, version and
// the sorted parameters, one per line.
func Format(reqs []Request) string {
	var b strings.Builder
	for i, r := range reqs {
		fmt.Fprintf(&b, "#%d %s %s %s %s signature=%s\n", i+1, r.Method, r.Service, r.Version, r.Action, map[bool]string{true: "valid", false: "INVALID"}[r.SignatureOK])
		keys := make([]string, 0, len(r.Params))
		for k := range r.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			where := ""
			if r.Form.Has(k) {
				where = "[body] "
			}
			fmt.Fprintf(&b, "  %s%s=%s\n", where, k, strings.Join(r.Params[k], ","))
		}
	}
	return b.String()
}

// LoopbackOnly is a dial guard (api.Session.DialGuard) for tests: it refuses
// anything but a loopback IP, so a test that forgot an endpoint override fails
// at once instead of reaching the internet (a host name is refused before any
// DNS lookup).
func LoopbackOnly(network, address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("test tried to dial %s %s: only loopback is allowed in tests", network, address)
	}
	return nil
}
