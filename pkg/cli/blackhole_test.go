package cli

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestBlackHoleEndpoint: an endpoint (or proxy) that accepts connections and
// never answers costs --max-attempts × --request-timeout, each attempt a
// connection of its own, and the error says how long it went without an
// answer and what to check.
func TestBlackHoleEndpoint(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c // held open, never read, never answered
		}
	}()
	t.Cleanup(func() { l.Close() })
	fakeapi.TestEnv(t)
	for _, s := range api.Services {
		t.Setenv(api.EnvVar(s), "http://"+l.Addr().String())
	}
	f, _, errOut := newTestFactory(false, "")
	code := Run(context.Background(), f, []string{"list", "--region", "cn-hangzhou", "--request-timeout", "100ms", "--max-attempts", "3"})
	if code != cmdutil.ExitFailure {
		t.Fatalf("exit %d; want 1:\n%s", code, errOut)
	}
	for _, want := range []string{"no answer within 100ms (--request-timeout) (after 3 attempts, 300ms without an answer)",
		"HTTPS_PROXY", "--max-attempts × --request-timeout"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// Every attempt connected (the client waited for an answer), so the
	// listener has each connection to hand over.
	for range 3 {
		c := <-accepted
		defer c.Close()
	}
	select {
	case c := <-accepted:
		c.Close()
		t.Error("a fourth connection; want one per attempt, 3")
	default:
	}
}
