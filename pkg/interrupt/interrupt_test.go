//go:build unix

package interrupt

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"testing"
)

// A signal that arrived before Context was called (while the program was still
// starting) ends the context Context returns.
func TestSignalBeforeContextIsKept(t *testing.T) {
	// As init did: a run before this one (-count) released the signals.
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	ctx, stop := Context(context.Background())
	defer stop()
	<-ctx.Done() // without the early handler the test process dies instead
	if ctx.Err() != context.Canceled {
		t.Fatalf("ctx.Err() = %v", ctx.Err())
	}
}
