package api_test

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
)

// A session's limiter paces every attempt of every call, retries included.
// In a synctest bubble the clock is the bubble's, so the pace is exact.
func TestSessionLimiterPacesAttempts(t *testing.T) {
	synctest.Test(t, sessionLimiterPacesAttempts)
}

func sessionLimiterPacesAttempts(t *testing.T) {
	p := api.Policy{MaxAttempts: 2, Limiter: rate.NewLimiter(rate.Every(20*time.Millisecond), 1)}
	s := api.NewSession("cn-hangzhou", nil, api.Endpoints{}, p, nil, "test")
	call := api.Call{Service: api.SMC, Action: "DescribeReplicationJobs"}
	attempts := 0
	start := time.Now()
	for range 2 {
		first := true
		err := s.Do(context.Background(), call, func(context.Context) error {
			attempts++
			if first {
				first = false
				return &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED} // retried
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if attempts != 4 {
		t.Fatalf("%d attempts; want 4", attempts)
	}
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Errorf("4 attempts at one per 20 ms took %s; want at least 60 ms", d)
	}
}

// Interrupted while it waits for its turn, a call reports Canceled and that
// nothing was sent.
func TestSessionLimiterInterrupted(t *testing.T) {
	synctest.Test(t, sessionLimiterInterrupted)
}

func sessionLimiterInterrupted(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	lim.Allow() // the next turn is an hour away
	s := api.NewSession("cn-hangzhou", nil, api.Endpoints{}, api.Policy{MaxAttempts: 1, Limiter: lim}, nil, "test")
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		synctest.Wait() // the call is waiting for its turn
		cancel()
	}()
	err := s.Do(ctx, api.Call{Service: api.SMC, Action: "CreateCrossZoneMigrationJob"}, func(context.Context) error {
		t.Error("the call ran before its turn")
		return nil
	})
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Code != apierr.CodeCanceled || ae.Sent {
		t.Fatalf("error %#v; want Canceled, not sent", err)
	}
}
