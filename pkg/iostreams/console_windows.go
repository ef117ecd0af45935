package iostreams

import (
	"io"
	"os"

	"github.com/mattn/go-colorable"
)

// consoleWriter makes a Windows console understand the ANSI codes zonemove
// writes (color, and the cursor movement of the live view): a console with
// virtual terminal processing gets them as they are, an older one has them
// translated into console calls. A file or a pipe is written as it is.
func consoleWriter(f *os.File) io.Writer { return colorable.NewColorable(f) }
