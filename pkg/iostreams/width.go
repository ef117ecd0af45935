package iostreams

import (
	"regexp"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// columns measures text as a terminal draws it: a CJK character or an emoji
// takes two columns, a combining mark none. Characters of ambiguous width
// (… → █ ✓) count as one, as the terminals people use draw them, whatever
// the locale says, so that the output does not depend on LANG.
var columns = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// ansiCode matches the color codes of ColorScheme.
var ansiCode = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// StripANSI removes color codes from s.
func StripANSI(s string) string { return ansiCode.ReplaceAllString(s, "") }

// DisplayWidth is the number of terminal columns s takes; color codes take none.
func DisplayWidth(s string) int { return columns.StringWidth(StripANSI(s)) }

// Truncate cuts s to at most width columns, ending with "…" when it was cut.
// A cut text loses its color (a cut color code would color the rest of the
// line).
func Truncate(s string, width int) string {
	if DisplayWidth(s) <= width {
		return s
	}
	if width < 1 {
		return ""
	}
	return columns.Truncate(StripANSI(s), width, "…")
}

// CutColumns is the longest start of s (without color codes) that takes at
// most width columns, at least one character.
func CutColumns(s string, width int) string {
	s = StripANSI(s)
	head := columns.Truncate(s, width, "")
	if head == "" && s != "" {
		_, size := utf8.DecodeRuneInString(s)
		head = s[:size]
	}
	return head
}
