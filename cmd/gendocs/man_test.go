package main

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
)

// generated runs gendocs into a temporary directory and returns its man
// pages by file name.
func generated(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "man", "*"))
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages[filepath.Base(f)] = string(b)
	}
	return pages
}

// roffEscape matches the roff escapes go-md2man writes: fonts, the minus,
// the zero-width space and the backslash.
var roffEscape = regexp.MustCompile(`\\f[BIPR]|\\-|\\&|\\e|\\\\`)

// roffText is what a reader sees of a page's lines: escapes decoded and
// requests (.TP, .PP, ...) left out.
func roffText(roff string) string {
	var b strings.Builder
	for _, line := range strings.Split(roff, "\n") {
		if strings.HasPrefix(line, ".") && !strings.HasPrefix(line, ".SH") && !strings.HasPrefix(line, ".TH") {
			continue
		}
		line = roffEscape.ReplaceAllStringFunc(line, func(e string) string {
			switch e {
			case `\-`:
				return "-"
			case `\e`, `\\`:
				return `\`
			}
			return ""
		})
		b.WriteString(line + "\n")
	}
	return b.String()
}

func allCommands(root *cobra.Command) []*cobra.Command {
	var cmds []*cobra.Command
	collectCommands(root, &cmds)
	return cmds
}

func TestManPageOfEachCommand(t *testing.T) {
	pages := generated(t)
	for _, c := range allCommands(commandTree()) {
		name := manName(c)
		t.Run(name, func(t *testing.T) {
			roff, ok := pages[name+".1"]
			if !ok {
				t.Fatalf("no page %s.1 among %d pages", name, len(pages))
			}
			th := `.TH "` + strings.ToUpper(name) + `" "1" `
			if !strings.Contains(roff, "\n"+th) {
				t.Errorf("the page's title is not its own: want a line starting %s", th)
			}
			text := roffText(roff)
			if want := ".SH NAME\n" + name + " - " + c.Short + "\n"; !strings.Contains(text, want) {
				t.Errorf("NAME section: want %q in\n%s", want, text)
			}
			if !strings.Contains(roff, name+` \- `) {
				t.Errorf("NAME line: want %q, the form whatis(1) reads", name+` \- `)
			}
			if want := ".SH SYNOPSIS\n" + c.CommandPath(); !strings.Contains(text, want) {
				t.Errorf("SYNOPSIS: want %q in\n%s", want, text)
			}
			// Every usage as --help prints it, brackets and parentheses included.
			c.InitDefaultHelpFlag()
			check := func(f *pflag.Flag) {
				_, usage := pflag.UnquoteUsage(f)
				if !strings.Contains(text, "\n"+usage) {
					t.Errorf("--%s: usage %q is not on the page intact", f.Name, usage)
				}
			}
			c.NonInheritedFlags().VisitAll(check)
			c.InheritedFlags().VisitAll(check)
		})
	}
}

// The --disk syntax is the usage most likely to be mangled: brackets and a
// parenthesis, which cobra/doc handed to Markdown as a link.
func TestManPageKeepsDiskSyntax(t *testing.T) {
	pages := generated(t)
	create, _, err := commandTree().Find([]string{"create"})
	if err != nil {
		t.Fatal(err)
	}
	_, usage := pflag.UnquoteUsage(create.Flags().Lookup("disk"))
	syntax, _, _ := strings.Cut(usage[strings.Index(usage, "id="):], " ")
	if !strings.Contains(syntax, "][") || !strings.Contains(usage, "(") {
		t.Fatalf("the --disk usage %q no longer has the brackets this test is about", usage)
	}
	for page, want := range map[string]string{"zonemove-create.1": usage, "zonemove-manifest.5": syntax} {
		if got := roffText(pages[page]); !strings.Contains(strings.Join(strings.Fields(got), " "), want) {
			t.Errorf("%s lost the --disk syntax %q:\n%s", page, want, got)
		}
	}
}

func TestManPageSectionsOfZonemove(t *testing.T) {
	text := roffText(generated(t)["zonemove.1"])
	sections := regexp.MustCompile(`(?m)^\.SH (.*)$`).FindAllStringSubmatch(text, -1)
	var got []string
	for _, s := range sections {
		got = append(got, strings.Trim(s[1], `"`))
	}
	// In the order of man-pages(7).
	want := []string{"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sections of zonemove(1):\n got %q\nwant %q", got, want)
	}
	section := func(name string) string {
		_, rest, _ := strings.Cut(text, ".SH "+name+"\n")
		body, _, _ := strings.Cut(rest, "\n.SH ")
		return "\n" + body
	}

	exit := section("EXIT STATUS")
	for _, code := range []int{cmdutil.ExitOK, cmdutil.ExitFailure, cmdutil.ExitUsage, cmdutil.ExitCheckFailed, cmdutil.ExitAuth, cmdutil.ExitJobFailed, cmdutil.ExitTimeout, cmdutil.ExitDeferred, cmdutil.ExitInterrupted} {
		if !strings.Contains(exit, "\n"+strconv.Itoa(code)+"\n") {
			t.Errorf("EXIT STATUS does not list %d:\n%s", code, exit)
		}
	}
	env := section("ENVIRONMENT")
	vars := []string{"ALIBABA_CLOUD_REGION_ID", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_ACCESS_KEY_ID", "NO_COLOR"}
	for _, s := range api.Services {
		vars = append(vars, api.EnvVar(s))
	}
	for _, v := range vars {
		if !strings.Contains(env, v) {
			t.Errorf("ENVIRONMENT does not name %s:\n%s", v, env)
		}
	}
	files := section("FILES")
	for _, f := range []string{"~/.aliyun/config.json", "~/.alibabacloud/credentials", "MANIFEST.state.json", "MANIFEST.state.json.lock"} {
		if !strings.Contains(files, "\n"+f+"\n") {
			t.Errorf("FILES does not list %s:\n%s", f, files)
		}
	}
	if !strings.Contains(section("SEE ALSO"), "zonemove-manifest(5)") {
		t.Error("SEE ALSO does not name zonemove-manifest(5)")
	}
}

// The manifest page names every field the manifest parser knows and every
// field of the state file, so that a new field cannot go undocumented.
func TestManPageOfManifest(t *testing.T) {
	roff, ok := generated(t)["zonemove-manifest.5"]
	if !ok {
		t.Fatal("no page zonemove-manifest.5")
	}
	if !strings.HasPrefix(roff, ".nr HY 0\n.nh\n"+`.TH "ZONEMOVE-MANIFEST" "5" `) {
		t.Errorf("title: got %q", strings.SplitN(roff, "\n", 4)[:3])
	}
	text := roffText(roff)
	terms := regexp.MustCompile(`(?m)^\.TP\n(.*)$`).FindAllStringSubmatch(roff, -1)
	defined := map[string]bool{}
	for _, m := range terms {
		for _, term := range strings.Split(roffText(m[1]), ", ") {
			defined[strings.TrimSpace(term)] = true
		}
	}
	fields := append([]string{"region", "defaults", "migrations"}, batch.Fields...)
	for _, typ := range []reflect.Type{reflect.TypeFor[batch.State](), reflect.TypeFor[batch.Entry]()} {
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			fields = append(fields, name)
		}
	}
	for _, f := range fields {
		if !defined[f] {
			t.Errorf("field %s is not described (a .TP term) in zonemove-manifest(5)", f)
		}
	}
	for _, s := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "STATE FILE", "FILES", "SEE ALSO"} {
		if !strings.Contains(text, ".SH "+s+"\n") {
			t.Errorf("no section %s", s)
		}
	}
}

// Help texts are plain text: whatever they hold reaches the page as written.
func TestEscapeText(t *testing.T) {
	for _, s := range []string{
		"id=DISK[,category=CATEGORY][,performance-level=PL] (pl= is short; repeatable)",
		"see [the guide](docs/batch.md) and <https://example.com>",
		"*not bold* _not italic_ `not code` a\\b &amp; <b>",
		"# not a heading",
		"- not a list",
		"1. not a list",
		"> not a quote",
		": not a definition",
		"ALIBABA_CLOUD_OIDC_* variables",
		".starts with a dot",
	} {
		roff := string(md2man.Render([]byte(escapeText(s) + "\n")))
		if got := strings.TrimSpace(roffText(roff)); got != s {
			t.Errorf("escapeText(%q) renders as %q", s, got)
		}
	}
}

func TestPlainTextToMarkdownKeepsIndentedBlocks(t *testing.T) {
	md := plainTextToMarkdown("Run:\n\n    zonemove completion bash > ~/x_y\n\nThen [open] a shell.\n")
	roff := string(md2man.Render([]byte(md)))
	for _, want := range []string{".EX\n  zonemove completion bash > ~/x_y\n.EE", "Then [open] a shell."} {
		if !strings.Contains(roff, want) {
			t.Errorf("want %q in\n%s", want, roff)
		}
	}
}
