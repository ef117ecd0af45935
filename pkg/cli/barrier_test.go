package cli

import (
	"context"
	"sync"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// interruption is Ctrl-C at a known point of a run, without timing: the run's
// context is canceled the moment the server receives the request it is set
// on, and that request gets no answer while the run lasts.
type interruption struct {
	arrived     chan struct{}
	release     chan struct{}
	arrive, end sync.Once
}

func newInterruption() *interruption {
	return &interruption{arrived: make(chan struct{}), release: make(chan struct{})}
}

// step is the request that interrupts the run: it never answers before the
// run ends, and then only with an error, so no job exists for it.
func (in *interruption) step() fakeapi.Step {
	return fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		in.arrive.Do(func() { close(in.arrived) })
		<-in.release
		return 503, map[string]string{"RequestId": "FAKE-AFTER-THE-RUN", "Code": "ServiceUnavailable", "Message": "fakeapi: the run ended"}
	}}
}

// ctx is the run's context; its cancel func also lets the pending request go.
func (in *interruption) ctx(*fakeapi.Server) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-in.arrived:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		cancel()
		in.end.Do(func() { close(in.release) })
	}
}
