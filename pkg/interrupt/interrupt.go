// Package interrupt catches Ctrl-C and SIGTERM from the moment the program
// starts: its init runs before nearly every other package's (it imports only
// os/signal), so a signal that arrives while the rest of the program is still
// starting is kept, not fatal, and the command still ends with its one JSON
// document and exit 130.
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signals holds the signals that arrive before Context is called: a buffer of
// one is enough, since only the first one matters until then.
var signals = make(chan os.Signal, 1)

func init() { signal.Notify(signals, os.Interrupt, syscall.SIGTERM) }

// Context returns a context that ends at the first Ctrl-C or SIGTERM, even one
// that arrived before it was called. After the first signal the command winds
// down and says how to resume; a second one ends the process at once (the
// default action is back). stop releases the signals.
func Context(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		select {
		case <-done:
		default:
			close(done)
		}
		signal.Stop(signals)
		cancel()
	}
}
