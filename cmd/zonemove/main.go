// Command zonemove moves Alibaba Cloud ECS instances to another zone of the
// same region through Server Migration Center.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zonemove/zonemove/pkg/cli"
)

// Set by the release build (-ldflags -X).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C the command winds down and says how to resume;
		// a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Run(ctx, cli.NewFactory(cli.BuildInfo{Version: version, Commit: commit, Date: date}), os.Args[1:])
	stop()
	os.Exit(code)
}
