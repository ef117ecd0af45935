package cli

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

func vcsBuildInfo(mainVersion, revision, modified string) *debug.BuildInfo {
	return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/zonemove/zonemove", Version: mainVersion},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: revision},
			{Key: "vcs.time", Value: "2026-11-20T10:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}}
}

func TestResolveVersion(t *testing.T) {
	tests := []struct {
		name    string
		build   BuildInfo
		bi      *debug.BuildInfo
		want    versionDocument
		wantDev bool
	}{
		{
			name:  "release build stamped by ldflags wins over the toolchain's stamp",
			build: BuildInfo{Version: "1.4.0", Commit: "0123abc", Date: "2026-11-01T00:00:00Z"},
			bi:    vcsBuildInfo("(devel)", "ffffffffffffffffffffffffffffffffffffffff", "true"),
			want:  versionDocument{Version: "1.4.0", Commit: "0123abc", Date: "2026-11-01T00:00:00Z", GoVersion: "go1.26.8"},
		},
		{
			name:    "go build from a checkout: development build with the VCS stamp",
			build:   BuildInfo{Version: "dev"},
			bi:      vcsBuildInfo("v0.0.0-20261120100000-0123456789ab+dirty", "0123456789abcdef0123456789abcdef01234567", "true"),
			want:    versionDocument{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567-dirty", Date: "2026-11-20T10:00:00Z", GoVersion: "go1.26.8"},
			wantDev: true,
		},
		{
			name:    "pseudo-version is not a release",
			build:   BuildInfo{},
			bi:      vcsBuildInfo("v0.0.0-20261120100000-0123456789ab", "0123456789abcdef0123456789abcdef01234567", "false"),
			want:    versionDocument{Version: "dev", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-11-20T10:00:00Z", GoVersion: "go1.26.8"},
			wantDev: true,
		},
		{
			name:  "go install ...@v1.2.3 is a release",
			build: BuildInfo{Version: "dev"},
			bi:    &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			want:  versionDocument{Version: "1.2.3", GoVersion: "go1.26.8"},
		},
		{
			name:    "no build info at all",
			build:   BuildInfo{},
			bi:      nil,
			want:    versionDocument{Version: "dev", GoVersion: runtime.Version()},
			wantDev: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveVersion(tt.build, tt.bi)
			if got.Version != tt.want.Version || got.Commit != tt.want.Commit || got.Date != tt.want.Date || got.GoVersion != tt.want.GoVersion {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			if got.development != tt.wantDev {
				t.Errorf("development = %v, want %v", got.development, tt.wantDev)
			}
		})
	}
}

func runVersion(t *testing.T, build BuildInfo, args ...string) (int, string, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }, Build: build}
	code := Run(context.Background(), f, append([]string{"version"}, args...))
	return code, stdout.String(), stderr.String()
}

func TestVersionText(t *testing.T) {
	code, out, _ := runVersion(t, BuildInfo{Version: "1.4.0", Commit: "0123abc", Date: "2026-11-01T00:00:00Z"})
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"zonemove 1.4.0\n", "commit  0123abc", "built   2026-11-01T00:00:00Z", runtime.Version()} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "development") {
		t.Errorf("a release build calls itself a development build:\n%s", out)
	}

	_, out, _ = runVersion(t, BuildInfo{Version: "dev"})
	if !strings.HasPrefix(out, "zonemove dev (development build)\n") {
		t.Errorf("development build output:\n%s", out)
	}
}

func TestVersionJSON(t *testing.T) {
	code, out, stderr := runVersion(t, BuildInfo{Version: "1.4.0", Commit: "0123abc", Date: "2026-11-01T00:00:00Z"}, "-o", "json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var doc map[string]string
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	want := map[string]string{"version": "1.4.0", "commit": "0123abc", "date": "2026-11-01T00:00:00Z", "go_version": runtime.Version()}
	if len(doc) != len(want) {
		t.Errorf("keys: got %v, want %v", doc, want)
	}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("%s = %q, want %q", k, doc[k], v)
		}
	}
}

func TestVersionIgnoresBadRegionButNotBadOutput(t *testing.T) {
	ios, _, stdout, _ := iostreams.Test()
	f := &Factory{IOStreams: ios, Build: BuildInfo{Version: "1.4.0"},
		Getenv: func(k string) string {
			if k == "ALIBABA_CLOUD_REGION_ID" {
				return "not a region!"
			}
			return ""
		}}
	if code := Run(context.Background(), f, []string{"version"}); code != 0 || !strings.HasPrefix(stdout.String(), "zonemove 1.4.0") {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if code, _, _ := runVersion(t, BuildInfo{Version: "1.4.0"}, "-o", "yaml"); code != cmdutil.ExitUsage {
		t.Errorf("-o yaml: exit %d, want %d", code, cmdutil.ExitUsage)
	}
}

// zonemove --version prints what zonemove version prints, in text and JSON,
// whatever the environment's region says.
func TestVersionFlag(t *testing.T) {
	build := BuildInfo{Version: "1.4.0", Commit: "0123abc", Date: "2026-11-01T00:00:00Z"}
	run := func(args ...string) (int, string) {
		ios, _, stdout, _ := iostreams.Test()
		env := map[string]string{"ALIBABA_CLOUD_REGION_ID": "not a region"}
		f := &Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }, Build: build}
		return Run(context.Background(), f, args), stdout.String()
	}
	for _, format := range []string{"text", "json"} {
		code, flag := run("--version", "-o", format)
		_, command := run("version", "-o", format)
		if code != 0 || flag != command || !strings.Contains(flag, "1.4.0") {
			t.Errorf("-o %s: zonemove --version exits %d with\n%s\nwant zonemove version's\n%s", format, code, flag, command)
		}
	}
	if code, out := run(); code != 0 || !strings.Contains(out, "Usage:") {
		t.Errorf("zonemove alone: exit %d, %q; want the help", code, out)
	}
}
