package cli

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzIndentWriter: the streaming indenter writes what json.Encoder with
// SetIndent("", "  ") writes, for any value.
func FuzzIndentWriter(f *testing.F) {
	for _, seed := range []string{`{}`, `[]`, `{"a":[],"b":{},"c":[1,{"d":"x,y:{z}\"]"}],"e":null}`, `"s"`, `[[[]]]`, `{"k":"\\\""}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var v any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return
		}
		var got bytes.Buffer
		iw := newIndentWriter(&got)
		enc = json.NewEncoder(iw)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		iw.Flush()
		if got.String() != want.String() {
			t.Errorf("indented %q as\n%s\nwant\n%s", raw, got.String(), want.String())
		}
	})
}
