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

// document is a command's JSON document: it carries the run's error.
type document interface{ setError(*ErrorBody) }

// errorField is the "error" of a JSON document; documents embed it last.
type errorField struct {
	Error *ErrorBody `json:"error,omitempty"`
}

func (e *errorField) setError(b *ErrorBody) { e.Error = b }

// JSON reports whether the run asked for JSON.
func (o *Output) JSON() bool { return o.global.JSON() }

// Render ends a command with err: the document with -o json, else what text
// writes. It returns err (or the failure to write the document).
func (o *Output) Render(doc document, err error, text func()) error {
	if o.JSON() {
		doc.setError(errorBody(err, o.global.commands()))
		if werr := o.WriteJSON(doc); werr != nil {
			return werr
		}
		return err
	}
	if text != nil {
		text()
	}
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

// RenderData ends a command that succeeded with a document that has no error
// to carry (a failure ends before it, and Run reports it).
func (o *Output) RenderData(doc any, text func()) error {
	if o.JSON() {
		return o.WriteJSON(doc)
	}
	text()
	return nil
}

// commands renders the hints of this run (its region, profile, batch, --yes).
func (o *Output) commands() cmdutil.Commands { return o.global.commands() }
