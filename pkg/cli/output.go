package cli

import (
	"encoding/json"
	"sync"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// Output is the one way a command ends: with -o json its JSON document on
// stdout (the error in the document's "error"), else its text for people.
type Output struct {
	IO     *iostreams.IOStreams
	global *GlobalOptions // -o is read when the command runs

	mu    sync.Mutex
	wrote bool
}

// document is a command's one output, built once from what the run found
// (hcloud's one schema, doctl's Displayable): with -o json it is encoded on
// stdout, the run's error in its "error"; else Text writes it for people,
// data on stdout and what is not data on stderr. Both come from the same
// fields, so they cannot disagree. Text-only data are unexported fields.
type document interface {
	setError(*ErrorBody)
	Text(ios *iostreams.IOStreams)
}

// errorField is the "error" of a JSON document; documents embed it last.
type errorField struct {
	Error *ErrorBody `json:"error,omitempty"`
}

func (e *errorField) setError(b *ErrorBody) { e.Error = b }

// JSON reports whether the run asked for JSON.
func (o *Output) JSON() bool { return o.global.JSON() }

// Render ends a command with err: the document with -o json, else its text.
// It returns err (or the failure to write the document).
func (o *Output) Render(doc document, err error) error {
	if o.JSON() {
		doc.setError(errorBody(err, o.global.commands()))
		if werr := o.WriteJSON(doc); werr != nil {
			return werr
		}
		return err
	}
	doc.Text(o.IO)
	return err
}

// WriteJSON writes the one JSON document of the run to stdout.
func (o *Output) WriteJSON(v any) error {
	o.mu.Lock()
	o.wrote = true
	o.mu.Unlock()
	iw := newIndentWriter(o.IO.Out)
	enc := json.NewEncoder(iw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return iw.Flush()
}

// wroteJSON reports whether a document was written.
func (o *Output) wroteJSON() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.wrote
}

// commands renders the hints of this run (its region, profile, batch, --yes).
func (o *Output) commands() cmdutil.Commands {
	if o == nil || o.global == nil {
		return cmdutil.Commands{}
	}
	return o.global.commands()
}
