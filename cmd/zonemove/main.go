// Command zonemove moves Alibaba Cloud ECS instances to another zone of the
// same region through Server Migration Center.
package main

import (
	"context"
	"os"

	"github.com/zonemove/zonemove/pkg/cli"
	"github.com/zonemove/zonemove/pkg/interrupt"
)

// Set by the release build (-ldflags -X).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	// The signal handler was installed by interrupt's init, before the
	// packages that take time to start.
	ctx, stop := interrupt.Context(context.Background())
	code := cli.Run(ctx, cli.NewFactory(cli.BuildInfo{Version: version, Commit: commit, Date: date}), os.Args[1:])
	stop()
	os.Exit(code)
}
