package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/zonemove/zonemove/pkg/iostreams"
)

// table writes rows with their columns aligned by display width: the escape
// codes of color take no room on a terminal, a CJK character takes two
// columns (a tabwriter counts bytes and throws the columns off). The last
// cell of a row is not padded; columns are two spaces apart.
//
// Two kinds of table go through it:
//   - a command's listing (status, list, plan, apply, state show, types:
//     newListTable): on a terminal aligned with a header and fitted to the
//     terminal's width; off it one tab-separated line per row, without the
//     header, color or any cut, for grep, cut and awk (scripts that need a
//     stable format read -o json);
//   - a layout inside the text (checks, impact, what to prepare: newTable):
//     aligned in both cases.
type table struct {
	w      io.Writer
	indent string
	header []string
	rows   [][]string

	// width is the number of columns to fit in; 0: as wide as the cells.
	width int
	// tsv writes tab-separated lines, without header or color, nothing cut.
	tsv bool
	// keep are the columns never cut to fit: IDs, which people copy.
	keep map[int]bool
	// free are the columns of free text (reasons, lists): cut first.
	free map[int]bool
	// optional are the columns left out, in this order, when cutting the
	// free text is not enough: times and details that cut would say nothing.
	optional []int
	// wrap makes the last column wrap instead of being cut: prose.
	wrap bool
	// note makes the last column, when the table does not fit, go under
	// its row, wrapped: a reason too long for a column.
	note, noteBelow bool
}

// newTable is a layout table: aligned, as wide as its cells.
func newTable(w io.Writer, indent string) *table {
	return &table{w: w, indent: indent, keep: map[int]bool{}, free: map[int]bool{}}
}

// proseTable is a layout table whose last column is prose: on a terminal
// (width > 0) that column wraps at spaces to fit the width, its lines under
// its start; elsewhere (width 0) it is as wide as its cells.
func proseTable(w io.Writer, indent string, width int) *table {
	t := newTable(w, indent)
	t.width, t.wrap = width, width > 0
	return t
}

// terminalWidth is the width to fit a stream's text to: the terminal's when
// the stream is one, else 0 (no fitting: a pipe or a file keeps whole lines).
func terminalWidth(ios *iostreams.IOStreams, terminal bool) int {
	if !terminal {
		return 0
	}
	return ios.TerminalWidth()
}

// fitProse wraps a sentence at spaces to a terminal's width (width 0: as it is).
func fitProse(text string, width int) string {
	if width <= 0 || visibleWidth(text) <= width {
		return text
	}
	return strings.Join(wrapWords(text, width), "\n")
}

// newListTable is the table of a listing on stdout: aligned with its header
// and fitted to the width on a terminal, tab-separated off it.
func newListTable(ios *iostreams.IOStreams) *table {
	return listTableOn(ios.Out, ios.IsStdoutTTY(), ios.TerminalWidth())
}

// listTableOn is a listing's table on another stream (a preview on stderr).
func listTableOn(w io.Writer, terminal bool, width int) *table {
	t := newTable(w, "")
	if terminal {
		t.width = width
	} else {
		t.tsv = true
	}
	return t
}

// headers sets the header row, shown on a terminal only.
func (t *table) headers(cells ...string) { t.header = cells }

// keepWhole marks columns that are never cut (IDs): the others give way first.
func (t *table) keepWhole(columns ...int) {
	for _, c := range columns {
		t.keep[c] = true
	}
}

// freeText marks columns of free text, the first to be cut on a terminal.
func (t *table) freeText(columns ...int) {
	for _, c := range columns {
		t.free[c] = true
	}
}

// dropFirst marks columns that are left out, in the order given, on a
// terminal too narrow for them once the other columns are cut.
func (t *table) dropFirst(columns ...int) { t.optional = append(t.optional, columns...) }

// lastIsNote makes the last column a note: under its row, wrapped, when
// the table does not fit the terminal.
func (t *table) lastIsNote() { t.note = true }

// row adds a row of cells.
func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// visibleWidth is the number of columns s takes on a terminal.
func visibleWidth(s string) int { return iostreams.DisplayWidth(s) }

// minColumn is the narrowest a column is cut to: enough to recognise it.
const minColumn = 8

// flush writes the rows.
func (t *table) flush() {
	defer func() { t.rows = nil }()
	var b strings.Builder
	if t.tsv {
		clean := strings.NewReplacer("\t", " ", "\n", " ")
		for _, r := range t.rows {
			cells := make([]string, len(r))
			for i, c := range r {
				cells[i] = clean.Replace(iostreams.StripANSI(c))
			}
			b.WriteString(strings.Join(cells, "\t") + "\n")
		}
		io.WriteString(t.w, b.String())
		return
	}
	rows := t.rows
	if t.header != nil && len(t.rows) > 0 {
		rows = append([][]string{t.header}, t.rows...)
	}
	widths := t.widths(rows)
	for n, r := range rows {
		var note string
		if t.noteBelow && len(r) == len(widths)+1 {
			note, r = r[len(r)-1], r[:len(r)-1]
		}
		var shown []string
		var w []int
		for i, c := range r {
			if i < len(widths) && widths[i] >= 0 {
				shown, w = append(shown, c), append(w, widths[i])
			}
		}
		for _, line := range t.lines(shown, w) {
			b.WriteString(t.indent + line + "\n")
		}
		if note != "" && (n > 0 || t.header == nil) {
			pad := t.indent + "    "
			for _, line := range wrapWords(iostreams.StripANSI(note), max(t.width-visibleWidth(pad), 20)) {
				b.WriteString(pad + line + "\n")
			}
		}
	}
	io.WriteString(t.w, b.String())
}

// widths are the columns' widths: each column's widest cell, cut down when
// the table must fit a width; -1 for a column left out.
func (t *table) widths(rows [][]string) []int {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], visibleWidth(c))
		}
	}
	if t.width <= 0 || len(widths) == 0 {
		return widths
	}
	if t.note {
		total := visibleWidth(t.indent) + 2*(len(widths)-1)
		for _, w := range widths {
			total += w
		}
		if total > t.width {
			t.noteBelow = true
			widths = widths[:len(widths)-1]
		}
	}
	over := func() int {
		total, n := visibleWidth(t.indent), 0
		for _, w := range widths {
			if w >= 0 {
				total += w
				n++
			}
		}
		return total + 2*(n-1) - t.width
	}
	last := len(widths) - 1
	// cut cuts the widest column that may give way, one column at a time,
	// so that narrow columns stay whole (as gh's tableprinter does).
	cut := func(floor int, mayCut func(i int) bool) {
		for over() > 0 {
			widest := -1
			for i, w := range widths {
				f := floor
				if t.wrap && i == last {
					f = max(floor, 20) // prose wraps, but not one word a line
				}
				if mayCut(i) && w > f && (widest < 0 || w > widths[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			widths[widest]--
		}
	}
	// Cut the free text; if that is not enough, leave out the optional
	// columns one by one, and cut again from the whole widths.
	natural := slices.Clone(widths)
	for dropped := 0; dropped <= len(t.optional); dropped++ {
		copy(widths, natural)
		for _, i := range t.optional[:dropped] {
			if i < len(widths) {
				widths[i] = -1
			}
		}
		cut(minColumn, func(i int) bool { return t.free[i] || (t.wrap && i == last) })
		if over() <= 0 {
			return widths
		}
	}
	// Still too wide: every column but the kept ones gives way, to a stub
	// (a wrapped line would be worse).
	cut(4, func(i int) bool { return !t.keep[i] && widths[i] >= 0 })
	return widths
}

// lines renders a row: a line, or more when its last cell wraps.
func (t *table) lines(r []string, widths []int) []string {
	if len(r) == 0 {
		return []string{""}
	}
	var b strings.Builder
	for i, c := range r[:len(r)-1] {
		c = iostreams.Truncate(c, widths[i])
		b.WriteString(c + strings.Repeat(" ", widths[i]-visibleWidth(c)+2))
	}
	last, w := r[len(r)-1], widths[len(r)-1]
	if !t.wrap || visibleWidth(last) <= w {
		return []string{b.String() + iostreams.Truncate(last, w)}
	}
	pad := strings.Repeat(" ", visibleWidth(b.String()))
	var out []string
	for i, part := range wrapWords(iostreams.StripANSI(last), w) {
		if i == 0 {
			out = append(out, b.String()+part)
		} else {
			out = append(out, pad+part)
		}
	}
	return out
}

// wrapWords breaks text into lines of at most width columns at spaces; a
// word longer than a line is cut into pieces.
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for visibleWidth(word) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			head := iostreams.CutColumns(word, width)
			lines, word = append(lines, head), word[len(head):]
		}
		switch {
		case line == "":
			line = word
		case visibleWidth(line)+1+visibleWidth(word) <= width:
			line += " " + word
		default:
			lines, line = append(lines, line), word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// fitList writes items as "a, b, c and N more": in at most width columns,
// naming as many as fit (at least one); with no width (off a terminal), the
// first three.
func fitList(items []string, width int) string {
	if width <= 0 {
		if len(items) <= 3 {
			return strings.Join(items, ", ")
		}
		return fmt.Sprintf("%s and %d more", strings.Join(items[:3], ", "), len(items)-3)
	}
	for n := len(items); n > 1; n-- {
		s := strings.Join(items[:n], ", ")
		if n < len(items) {
			s += fmt.Sprintf(" and %d more", len(items)-n)
		}
		if visibleWidth(s) <= width {
			return s
		}
	}
	if len(items) == 1 {
		return items[0]
	}
	return fmt.Sprintf("%s and %d more", items[0], len(items)-1)
}

// wholeOrFitted is the list whole with no width (off a terminal: logs keep
// every name), else fitted to width columns.
func wholeOrFitted(items []string, width int) string {
	if width <= 0 {
		return strings.Join(items, ", ")
	}
	return fitList(items, width)
}
