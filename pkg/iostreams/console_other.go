//go:build !windows

package iostreams

import (
	"io"
	"os"
)

// consoleWriter is the file itself: terminals outside Windows read ANSI codes.
func consoleWriter(f *os.File) io.Writer { return f }
