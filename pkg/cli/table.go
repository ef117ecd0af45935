package cli

import (
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// table writes rows with their columns aligned by visible width: the escape
// codes of color take no room on a terminal, so they count for nothing (a
// tabwriter counts them and throws the columns off). The last cell of a row is
// not padded; columns are two spaces apart.
type table struct {
	w      io.Writer
	indent string
	rows   [][]string
}

func newTable(w io.Writer, indent string) *table { return &table{w: w, indent: indent} }

// row adds a row of cells.
func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// ansi matches the color escape codes of iostreams.ColorScheme.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// visibleWidth is the number of columns s takes on a terminal.
func visibleWidth(s string) int { return utf8.RuneCountInString(ansi.ReplaceAllString(s, "")) }

// flush writes the rows.
func (t *table) flush() {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r[:max(len(r)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], visibleWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(t.indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-visibleWidth(c)+2))
			}
		}
		b.WriteString("\n")
	}
	io.WriteString(t.w, b.String())
	t.rows = nil
}
