// Command gendocs writes zonemove's command reference: Markdown pages under
// OUT/reference, and man pages under OUT/man: one per command, and the ones
// written by hand in manpages/ (man.go). It runs through go generate
// (cmd/zonemove/generate.go), and its output is committed, so that CI can
// tell when a command changed without its docs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/zonemove/zonemove/pkg/cli"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// manDate is the date in the man pages' header. It is fixed, not today's,
// so that regenerating unchanged commands changes no file.
var manDate = time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)

func main() {
	out := flag.String("out", "docs", "directory that receives reference/ and man/")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}

func generate(out string) error {
	root := commandTree()
	refDir := filepath.Join(out, "reference")
	manDir := filepath.Join(out, "man")
	// Pages of removed commands must go too.
	if err := removeGenerated(refDir, "zonemove*.md"); err != nil {
		return err
	}
	if err := removeGenerated(manDir, "zonemove*.[0-9]"); err != nil {
		return err
	}
	if err := doc.GenMarkdownTree(root, refDir); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	if err := writeManPages(root, manDir); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

// commandTree is zonemove's command tree, as the docs show it.
func commandTree() *cobra.Command {
	ios, _, _, _ := iostreams.Test()
	// Only the command tree is used: no flag is parsed, nothing is run, and
	// the environment is not read, so defaults are the same on every machine.
	f := &cli.Factory{IOStreams: ios, Getenv: func(string) string { return "" }, Build: cli.BuildInfo{Version: "dev"}}
	root := cli.NewCmdRoot(f)
	root.DisableAutoGenTag = true
	disableAutoGenTag(root)
	return root
}

func disableAutoGenTag(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		c.DisableAutoGenTag = true
		disableAutoGenTag(c)
	}
}

func removeGenerated(dir, pattern string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}
