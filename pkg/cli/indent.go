package cli

import (
	"bufio"
	"io"
)

// indentWriter indents the compact JSON written to it as json.Indent with
// prefix "" and indent "  " does, writing as it goes: a batch's document is
// tens of megabytes, and json.Encoder's SetIndent would hold an indented copy
// of it beside the compact one. Input must be valid compact JSON (what
// json.Encoder writes).
type indentWriter struct {
	w          *bufio.Writer
	depth      int
	needIndent bool // after { or [: indent before the next value, unless it closes them
	inString   bool
	escaped    bool
}

func newIndentWriter(w io.Writer) *indentWriter {
	return &indentWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (iw *indentWriter) Write(p []byte) (int, error) {
	for _, c := range p {
		if iw.inString {
			iw.w.WriteByte(c)
			switch {
			case iw.escaped:
				iw.escaped = false
			case c == '\\':
				iw.escaped = true
			case c == '"':
				iw.inString = false
			}
			continue
		}
		if iw.needIndent && c != '}' && c != ']' {
			iw.needIndent = false
			iw.depth++
			iw.newline()
		}
		switch c {
		case '"':
			iw.inString = true
			iw.w.WriteByte(c)
		case '{', '[':
			iw.needIndent = true // delayed, so that empty ones stay {} and []
			iw.w.WriteByte(c)
		case ',':
			iw.w.WriteByte(c)
			iw.newline()
		case ':':
			iw.w.WriteString(": ")
		case '}', ']':
			if iw.needIndent {
				iw.needIndent = false
			} else {
				iw.depth--
				iw.newline()
			}
			iw.w.WriteByte(c)
		default:
			iw.w.WriteByte(c)
		}
	}
	return len(p), nil
}

func (iw *indentWriter) newline() {
	iw.w.WriteByte('\n')
	for range iw.depth {
		iw.w.WriteString("  ")
	}
}

// Flush writes what is buffered.
func (iw *indentWriter) Flush() error { return iw.w.Flush() }
