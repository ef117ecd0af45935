package cli

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// VersionOptions are the values of zonemove version.
type VersionOptions struct {
	IO    *iostreams.IOStreams
	Out   *Output
	Build BuildInfo
	// ReadBuildInfo reads what the Go toolchain stamped into the binary.
	ReadBuildInfo func() (*debug.BuildInfo, bool)
}

// versionDocument is version's document.
type versionDocument struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"go_version"`
	errorField

	development bool
	platform    string
}

// NewCmdVersion builds zonemove version.
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	o := &VersionOptions{IO: f.IOStreams, Out: f.Output(), Build: f.Build, ReadBuildInfo: debug.ReadBuildInfo}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the version of zonemove",
		Long: `Show the version of zonemove, the commit it was built from, the build date and the
Go version.

A binary built without the release stamp (go build, go run) says it is a
development build, unless the Go toolchain recorded a release version for it
(go install ...@v1.2.3, or a build of a clean checkout of a tag). Its commit and
date then come from the toolchain's version control stamp, when there is one.`,
		Example: `  zonemove version
  zonemove version -o json | jq -r .version`,
		Args: cmdutil.NoArgs,
		// version needs neither a region nor endpoints: only -o is checked, so
		// that a bad ALIBABA_CLOUD_REGION_ID cannot hide the version.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g := &f.Global; g.Output != "text" && g.Output != "json" {
				bad := g.Output
				g.Output = "text"
				return cmdutil.UsageErrorf("invalid --output %q: want text or json", bad)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return o.run()
		},
	}
	return cmd
}

func (o *VersionOptions) run() error {
	bi, ok := o.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	doc := resolveVersion(o.Build, bi)
	return o.Out.Render(&doc, nil)
}

// Text writes the version, and how the binary was built.
func (doc *versionDocument) Text(ios *iostreams.IOStreams) {
	w := ios.Out
	if doc.development {
		fmt.Fprintf(w, "zonemove %s (development build)\n", doc.Version)
	} else {
		fmt.Fprintf(w, "zonemove %s\n", doc.Version)
	}
	if doc.Commit != "" {
		fmt.Fprintf(w, "  commit  %s\n", doc.Commit)
	}
	if doc.Date != "" {
		fmt.Fprintf(w, "  built   %s\n", doc.Date)
	}
	fmt.Fprintf(w, "  go      %s %s\n", doc.GoVersion, doc.platform)
}

// pseudoVersion matches Go module pseudo-versions (v0.0.0-20260102150405-abcdef123456),
// which name a commit, not a release.
var pseudoVersion = regexp.MustCompile(`\d{14}-[0-9a-f]{12}(\+.*)?$`)

// resolveVersion combines the release stamp (ldflags) with what the Go
// toolchain recorded: the module version of a `go install ...@vX.Y.Z`, and the
// VCS revision and time of a build from a checkout.
func resolveVersion(b BuildInfo, bi *debug.BuildInfo) versionDocument {
	doc := versionDocument{Version: b.Version, Commit: b.Commit, Date: b.Date,
		GoVersion: runtime.Version(), platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil && bi.GoVersion != "" {
		doc.GoVersion = bi.GoVersion
	}
	if doc.Version == "" || doc.Version == "dev" {
		doc.Version = "dev"
		doc.development = true
		if bi != nil {
			if v := bi.Main.Version; v != "" && v != "(devel)" && !pseudoVersion.MatchString(v) && !strings.Contains(v, "+") {
				doc.Version = strings.TrimPrefix(v, "v")
				doc.development = false
			}
		}
	}
	if bi != nil {
		var revision, vcsTime string
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				vcsTime = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if doc.Commit == "" && revision != "" {
			doc.Commit = revision
			if modified {
				doc.Commit += "-dirty"
			}
		}
		if doc.Date == "" {
			doc.Date = vcsTime
		}
	}
	return doc
}
