package main

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The man pages are Markdown rendered to roff by go-md2man, as cobra/doc
// does; unlike cobra/doc, the help texts are escaped first. cobra/doc pastes
// them into its Markdown as they are, so a flag usage such as
// "id=DISK[,category=C][,performance-level=PL] (pl= is short)" is read as a
// link and loses its brackets (spf13/cobra#2330 is the same bug for <>).
//
// Pages written by hand live in manpages/: NAME.SECTION.md is a whole page,
// and NAME.sections.md holds sections added to a command's generated page,
// before its EXAMPLES.
//
//go:embed manpages/*.md
var manSources embed.FS

// manSeeAlso adds pages to a command's SEE ALSO beyond its parent and
// children.
var manSeeAlso = map[string][]string{
	"zonemove":       {"zonemove-manifest(5)"},
	"zonemove-apply": {"zonemove-manifest(5)"},
	"zonemove-plan":  {"zonemove-manifest(5)"},
}

// writeManPages writes one page per command, and the pages written by hand,
// into dir.
func writeManPages(root *cobra.Command, dir string) error {
	var cmds []*cobra.Command
	collectCommands(root, &cmds)
	for _, c := range cmds {
		name := manName(c)
		extra, err := fs.ReadFile(manSources, "manpages/"+name+".sections.md")
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := writeRoff(filepath.Join(dir, name+".1"), commandPage(c, extra)); err != nil {
			return err
		}
	}
	pages, err := fs.Glob(manSources, "manpages/*.[0-9].md")
	if err != nil {
		return err
	}
	for _, p := range pages {
		src, err := fs.ReadFile(manSources, p)
		if err != nil {
			return err
		}
		page := strings.TrimSuffix(path.Base(p), ".md")
		if err := writeRoff(filepath.Join(dir, page), pageHeader(page)+string(src)); err != nil {
			return err
		}
	}
	return nil
}

func writeRoff(file, markdown string) error {
	if err := os.WriteFile(file, renderRoff(markdown), 0o644); err != nil {
		return fmt.Errorf("man page %s: %w", filepath.Base(file), err)
	}
	return nil
}

// renderRoff renders a page. go-md2man turns hyphenation off with .nh, but
// groff's man macros turn it on again at .TH and after every example, from
// their register HY; with HY 0 too, names such as manifest-changed or
// CreateCrossZoneMigrationJob are never split at a line end.
func renderRoff(markdown string) []byte {
	roff := md2man.Render([]byte(markdown))
	return bytes.Replace(roff, []byte(".nh\n"), []byte(".nr HY 0\n.nh\n"), 1)
}

// collectCommands lists cmd and the commands under it that have a page: the
// ones a user can run.
func collectCommands(cmd *cobra.Command, out *[]*cobra.Command) {
	*out = append(*out, cmd)
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand() {
			collectCommands(c, out)
		}
	}
}

// manName is a command's page name: "zonemove state show" is zonemove-state-show.
func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

// pageHeader is the title line of a page named NAME.SECTION: the .TH line.
func pageHeader(page string) string {
	name, section, _ := strings.Cut(page, ".")
	return fmt.Sprintf("%% %q %q %q %q %q\n\n", strings.ToUpper(name), section,
		manDate.Format("Jan 2006"), "zonemove", "zonemove manual")
}

// commandPage is the Markdown of a command's page, in the order of
// man-pages(7): NAME, SYNOPSIS, DESCRIPTION, COMMANDS, OPTIONS, the sections
// written by hand (EXIT STATUS, ENVIRONMENT, FILES), EXAMPLES, SEE ALSO.
func commandPage(c *cobra.Command, extra []byte) string {
	c.InitDefaultHelpFlag()
	name := manName(c)
	var b strings.Builder
	b.WriteString(pageHeader(name + ".1"))
	// The NAME line is "name - text" in one piece, which go-md2man turns
	// into the "name \- text" that whatis(1) and lexgrog(1) read.
	fmt.Fprintf(&b, "# NAME\n%s - %s\n\n", name, escapeText(c.Short))
	fmt.Fprintf(&b, "# SYNOPSIS\n%s\n\n", synopsis(c))

	b.WriteString("# DESCRIPTION\n")
	long := c.Long
	if long == "" {
		long = c.Short
	}
	b.WriteString(plainTextToMarkdown(long))

	var subs []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() && !s.IsAdditionalHelpTopicCommand() {
			subs = append(subs, s)
		}
	}
	if len(subs) > 0 {
		b.WriteString("# COMMANDS\n")
		for _, s := range subs {
			fmt.Fprintf(&b, "**%s**\n: %s See **%s**(1).\n\n", escapeText(s.CommandPath()), escapeText(sentence(s.Short)), manName(s))
		}
	}
	writeFlags(&b, "OPTIONS", c.NonInheritedFlags())
	writeFlags(&b, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
	if len(extra) > 0 {
		b.Write(extra)
		b.WriteString("\n")
	}
	if c.Example != "" {
		fmt.Fprintf(&b, "# EXAMPLES\n```\n%s\n```\n\n", strings.Trim(c.Example, "\n"))
	}

	var seeAlso []string
	if c.HasParent() {
		seeAlso = append(seeAlso, manName(c.Parent())+"(1)")
	}
	for _, s := range subs {
		seeAlso = append(seeAlso, manName(s)+"(1)")
	}
	seeAlso = append(seeAlso, manSeeAlso[name]...)
	if len(seeAlso) > 0 {
		refs := make([]string, len(seeAlso))
		for i, r := range seeAlso {
			page, section, _ := strings.Cut(r, "(")
			refs[i] = "**" + escapeText(page) + "**(" + section
		}
		fmt.Fprintf(&b, "# SEE ALSO\n%s\n", strings.Join(refs, ", "))
	}
	return b.String()
}

// synopsisWord matches the parts of a usage line: options, placeholders in
// capitals, and the rest.
var synopsisWord = regexp.MustCompile(`--?[a-z][a-z-]*|[A-Z][A-Z_]*|[a-z][a-z-]*|.`)

// synopsis sets the usage line as man pages do: the command and its options
// in bold, what the user replaces in italics, brackets and bars in roman.
func synopsis(c *cobra.Command) string {
	path := c.CommandPath()
	line := strings.TrimSpace(strings.TrimPrefix(c.UseLine(), path))
	if !c.Runnable() && c.HasAvailableSubCommands() {
		line = "COMMAND " + line // cobra's usage line leaves it out
	}
	var b strings.Builder
	b.WriteString("**" + escapeText(path) + "**")
	if line != "" {
		b.WriteString(" ")
	}
	for _, w := range synopsisWord.FindAllString(line, -1) {
		switch {
		case w == "flags" || (w[0] >= 'A' && w[0] <= 'Z'):
			b.WriteString("*" + escapeText(w) + "*")
		case w[0] == '-' || (w[0] >= 'a' && w[0] <= 'z'):
			b.WriteString("**" + escapeText(w) + "**")
		default:
			b.WriteString(escapeText(w))
		}
	}
	return b.String()
}

// writeFlags writes a definition list of flags: the flag and its value's
// kind as --help shows them, then the usage and the default.
func writeFlags(b *strings.Builder, title string, flags *pflag.FlagSet) {
	if !flags.HasAvailableFlags() {
		return
	}
	fmt.Fprintf(b, "# %s\n", title)
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Deprecated != "" {
			return
		}
		term := "**--" + f.Name + "**"
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			term = "**-" + f.Shorthand + "**, " + term
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" {
			term += " *" + varname + "*"
		}
		if f.NoOptDefVal != "" && f.Value.Type() != "bool" {
			term += "[=" + f.NoOptDefVal + "]"
		}
		if def := flagDefault(f); def != "" {
			usage += " (default " + def + ")"
		}
		fmt.Fprintf(b, "%s\n: %s\n\n", escapeText(term, '*'), escapeText(usage))
	})
}

// flagDefault is a flag's default as --help shows it, "" when it is the
// zero value that --help leaves out.
func flagDefault(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "bool":
		if f.DefValue == "false" {
			return ""
		}
	case "duration":
		if f.DefValue == "0" || f.DefValue == "0s" {
			return ""
		}
	case "string":
		if f.DefValue == "" {
			return ""
		}
		return fmt.Sprintf("%q", f.DefValue)
	default:
		switch f.DefValue {
		case "", "0", "[]", "<nil>", "false":
			return ""
		}
	}
	return f.DefValue
}

// markdownInline are the characters that Markdown (blackfriday, which
// go-md2man uses) reads as markup anywhere in a line; a backslash makes them
// literal. Others are markup only at the start of a line (blockStart).
const markdownInline = "\\`*_[]<>&"

// blockStart matches the start of a line that Markdown would read as a
// heading, quote, list item or definition.
var blockStart = regexp.MustCompile(`^(#|>|[-+*:] |[0-9]+[.)] )`)

// escapeText makes a line of plain text literal in Markdown; the characters
// in keep are left as they are, for markup the caller put in on purpose.
func escapeText(s string, keep ...rune) string {
	var b strings.Builder
	if m := blockStart.FindStringIndex(s); m != nil && !slices.Contains(keep, rune(s[0])) {
		// Escape the mark's last character: "1\. ", "\- ", "\#".
		mark := s[:m[1]]
		mark = strings.TrimSuffix(mark, " ")
		b.WriteString(mark[:len(mark)-1] + "\\" + mark[len(mark)-1:])
		s = s[len(mark):]
	}
	for _, r := range s {
		if strings.ContainsRune(markdownInline, r) && !slices.Contains(keep, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plainTextToMarkdown turns a help text into Markdown: paragraphs are
// escaped, and blocks indented by four spaces (the help texts' commands to
// copy) become code blocks, as --help shows them.
func plainTextToMarkdown(text string) string {
	var b bytes.Buffer
	for _, block := range strings.Split(strings.Trim(text, "\n"), "\n\n") {
		block = strings.Trim(block, "\n")
		if block == "" {
			continue
		}
		lines := strings.Split(block, "\n")
		if allIndented(lines) {
			b.WriteString("```\n")
			for _, l := range lines {
				b.WriteString(strings.TrimPrefix(l, "  ") + "\n")
			}
			b.WriteString("```\n\n")
			continue
		}
		for _, l := range lines {
			b.WriteString(escapeText(strings.TrimSpace(l)) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func allIndented(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "    ") {
			return false
		}
	}
	return true
}

// sentence ends s with a full stop.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
