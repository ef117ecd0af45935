package cli_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cli"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// offlineFactory is a Factory that cannot reach the network or read the
// environment: every variable is empty and no credentials are ever loaded.
func offlineFactory(t *testing.T) (*cli.Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	return &cli.Factory{
		IOStreams:      ios,
		Getenv:         func(string) string { return "" },
		Build:          cli.BuildInfo{Version: "1.2.3", Commit: "abc1234", Date: "2026-01-02T03:04:05Z"},
		NewClientToken: func() string { return "00000000-0000-4000-8000-000000000000" },
		Policy:         api.DefaultPolicy(),
		Sleep:          func(context.Context, time.Duration) error { return nil },
		Now:            func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}, stdout, stderr
}

// complete runs cobra's hidden __complete command, as the shell scripts do,
// and returns the offered values (descriptions cut off) and the directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	f, stdout, stderr := offlineFactory(t)
	code := cli.Run(context.Background(), f, append([]string{"__complete"}, args...))
	if code != 0 {
		t.Fatalf("__complete %q: exit %d, stderr:\n%s", args, code, stderr)
	}
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], ":") {
		t.Fatalf("__complete %q: no directive line in:\n%s", args, stdout)
	}
	var values []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values, lines[len(lines)-1]
}

func TestCompleteSkipCheckOffersCheckIDs(t *testing.T) {
	got, _ := complete(t, "create", "--skip-check", "")
	for _, id := range []string{"instance-status", "type-in-stock", "vswitch-ips", "disk-performance-level", "active-job"} {
		if !slices.Contains(got, id) {
			t.Errorf("--skip-check completion lacks %q; got %q", id, got)
		}
	}
	// The checks that cannot be skipped are not offered.
	for _, id := range []string{"region-zone", "instance-found", "zone-change", "spot", "network-vpc", "network-extras"} {
		if slices.Contains(got, id) {
			t.Errorf("--skip-check completion offers %q, which cannot be skipped", id)
		}
	}
}

func TestCompleteDiskCategory(t *testing.T) {
	got, _ := complete(t, "create", "--disk", "id=d-x,category=")
	want := []string{"id=d-x,category=cloud_essd", "id=d-x,category=cloud_essd_entry", "id=d-x,category=cloud_auto",
		"id=d-x,category=cloud_ssd", "id=d-x,category=cloud_efficiency", "id=d-x,category=cloud"}
	if !slices.Equal(got, want) {
		t.Errorf("--disk category completion:\n got %q\nwant %q", got, want)
	}
}

func TestCompleteDiskPerformanceLevel(t *testing.T) {
	got, _ := complete(t, "create", "--disk", "id=d-x,category=cloud_essd,pl=")
	want := []string{"id=d-x,category=cloud_essd,pl=PL0", "id=d-x,category=cloud_essd,pl=PL1",
		"id=d-x,category=cloud_essd,pl=PL2", "id=d-x,category=cloud_essd,pl=PL3"}
	if !slices.Equal(got, want) {
		t.Errorf("--disk pl completion:\n got %q\nwant %q", got, want)
	}
}

func TestCompleteOutputFormats(t *testing.T) {
	for _, args := range [][]string{{"-o", ""}, {"create", "--output", ""}} {
		got, _ := complete(t, args...)
		if !slices.Equal(got, []string{"text", "json"}) {
			t.Errorf("%q: got %q, want text and json", args, got)
		}
	}
}

func TestCompleteCommandsIncludeVersionAndCompletion(t *testing.T) {
	got, _ := complete(t, "")
	for _, name := range []string{"create", "version", "completion"} {
		if !slices.Contains(got, name) {
			t.Errorf("command completion lacks %q; got %q", name, got)
		}
	}
	shells, _ := complete(t, "completion", "")
	if !slices.Equal(shells, []string{"bash", "zsh", "fish", "powershell"}) {
		t.Errorf("completion's argument: got %q", shells)
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "__start_zonemove",
		"zsh":        "#compdef zonemove",
		"fish":       "complete -c zonemove",
		"powershell": "Register-ArgumentCompleter",
	} {
		f, stdout, stderr := offlineFactory(t)
		if code := cli.Run(context.Background(), f, []string{"completion", shell}); code != 0 {
			t.Fatalf("completion %s: exit %d, stderr:\n%s", shell, code, stderr)
		}
		if !strings.Contains(stdout.String(), marker) {
			t.Errorf("completion %s: output lacks %q", shell, marker)
		}
	}
}

func TestCompletionNeedsAKnownShell(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		f, stdout, _ := offlineFactory(t)
		if code := cli.Run(context.Background(), f, args); code != cmdutil.ExitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, cmdutil.ExitUsage)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: wrote to stdout: %q", args, stdout)
		}
	}
}

// A whole value is followed by a space; a prefix such as "smc=" is not.
func TestCompleteDirectives(t *testing.T) {
	if _, d := complete(t, "-o", ""); d != ":4" {
		t.Errorf("-o completion directive = %s; want :4 (no files, space after the value)", d)
	}
	if _, d := complete(t, "--endpoint", ""); d != ":6" {
		t.Errorf("--endpoint completion directive = %s; want :6 (no files, no space after smc=)", d)
	}
}

// A malformed environment must not break tab completion.
func TestCompleteIgnoresBrokenEnvironment(t *testing.T) {
	f, stdout, stderr := offlineFactory(t)
	f.Getenv = func(k string) string {
		return map[string]string{"ALIBABA_CLOUD_REGION_ID": "Not A Region", "ZONEMOVE_ENDPOINT_SMC": "gopher://x"}[k]
	}
	if code := cli.Run(context.Background(), f, []string{"__complete", "-o", ""}); code != 0 || !strings.Contains(stdout.String(), "json") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
