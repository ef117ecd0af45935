package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/apierr"
)

// Call names one API operation, for errors and the debug trace.
type Call struct {
	Service string
	Action  string
}

// Policy is how one API call is attempted: how often, how long each attempt may
// take, and how long to wait between attempts.
type Policy struct {
	MaxAttempts int           // attempts including the first; at least 1
	Timeout     time.Duration // bound on one attempt; 0 means none
	BaseDelay   time.Duration // first backoff; doubles each retry
	MaxDelay    time.Duration // cap on one backoff
	// Limiter, when set, paces every attempt of every call of the session
	// (apply sets one so that a large batch stays under API throttling).
	Limiter *rate.Limiter
}

// DefaultPolicy is the contract's: 4 attempts, 30 s each, backoff from 200 ms up to 5 s.
func DefaultPolicy() Policy {
	return Policy{MaxAttempts: 4, Timeout: 30 * time.Second, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}
}

// Backoff is the wait before retry number n (1-based): exponential, capped, with
// "equal jitter" so that many clients throttled together do not retry together.
func (p Policy) Backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

type attemptKey struct{}

// attemptInfo is filled by the HTTP layer during one attempt.
type attemptInfo struct {
	call   Call
	number int
	max    int
	// sent is set once the whole request was written to a connection, from
	// the HTTP transport's goroutine (httptrace WroteRequest): before that,
	// the service cannot have acted on it.
	sent      atomic.Bool
	status    int
	requestID string
}

// Do runs fn until it succeeds, fails with an error the contract does not retry,
// or runs out of attempts. fn gets a context bounded by the attempt timeout and
// must pass it to the SDK. The error returned is always an *apierr.Error.
func (s *Session) Do(ctx context.Context, call Call, fn func(ctx context.Context) error) error {
	p := s.Policy
	if p.MaxAttempts < 1 {
		p.MaxAttempts = 1
	}
	sent, uncertain := false, false
	var noAnswer time.Duration // the attempts that timed out waited this long
	for n := 1; ; n++ {
		if p.Limiter != nil {
			if err := p.Limiter.Wait(ctx); err != nil {
				e := &apierr.Error{Service: call.Service, Action: call.Action, Code: apierr.CodeCanceled, Message: "interrupted", Attempts: n - 1, Sent: sent, Uncertain: uncertain, Err: err}
				if ctx.Err() == nil { // the wait would outlast the context's deadline
					e.Code, e.Message = apierr.CodeTimeout, "the rate limit would wait past the deadline"
				}
				return e
			}
		}
		info := &attemptInfo{call: call, number: n, max: p.MaxAttempts}
		actx := context.WithValue(ctx, attemptKey{}, info)
		cancel := func() {}
		if p.Timeout > 0 {
			actx, cancel = context.WithTimeout(actx, p.Timeout)
		}
		err := fn(actx)
		e := (*apierr.Error)(nil)
		timedOut := false
		if err != nil {
			e = classify(call, err, ctx, actx, info)
			timedOut = p.Timeout > 0 && ctx.Err() == nil && actx.Err() == context.DeadlineExceeded
		}
		cancel()
		sent = sent || info.sent.Load()
		if e == nil {
			return nil
		}
		uncertain = uncertain || (info.sent.Load() && !e.Refused())
		if timedOut && e.Code == apierr.CodeTimeout {
			// Said with the bound, so that a black hole (a proxy that
			// accepts and never answers) costs a known time: attempts x
			// --request-timeout, plus the backoff between them.
			e.Message = fmt.Sprintf("no answer within %s (--request-timeout)", p.Timeout)
			noAnswer += p.Timeout
		}
		e.Attempts, e.Sent, e.Uncertain, e.NoAnswerFor = n, sent, uncertain, noAnswer
		if !e.Retryable() || n >= p.MaxAttempts {
			return e
		}
		wait := p.Backoff(n)
		s.Trace.retry(call, n, p.MaxAttempts, e, wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			e.Code, e.Message = apierr.CodeCanceled, "interrupted"
			return e
		case <-t.C:
		}
	}
}
