// Package around holds the steps of a migration around its job: a snapshot
// of the instance's disks before it, the load balancers' memberships drained
// before and restored after, and a verification of the application after the
// job Finished. Each step that changes the cloud records what a re-run needs
// (a ClientToken, the original weights) before its request is sent, so that a
// run killed at any point and run again ends as one uninterrupted run would.
//
// The order per instance is fixed (CONTRACT.md, "Around the job"):
//
//	checks, snapshot, drain, create, wait, verify, restore
//
// Before runs the snapshot and the drain; After the verification and the
// restore. The API calls go through narrow interfaces (ECS, the load
// balancers), so the package holds no SDK.
package around

import (
	"fmt"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/migration"
)

// BackendsMode is what is done with the instance's load-balancer memberships.
type BackendsMode string

// The modes of --backends.
const (
	Report  BackendsMode = "report"  // read and shown (check lb-backends); nothing changes
	Restore BackendsMode = "restore" // after the move, what is missing is added back and old-IP registrations replaced
	Drain   BackendsMode = "drain"   // as restore, and weight 0 before the create, original weights after
)

// Modes are the values of --backends.
var Modes = []string{string(Report), string(Restore), string(Drain)}

// Defaults of the flags.
const (
	DefaultDrainTime     = 30 * time.Second
	DefaultVerifyTimeout = 10 * time.Minute
	// SnapshotTimeout bounds the wait for a snapshot group: a group still
	// progressing after it creates no job.
	SnapshotTimeout = 2 * time.Hour
	// MaxVerifyTimeout is the longest verification: Cloud Assistant's
	// Timeout is in seconds; a day is far beyond any health check.
	MaxVerifyTimeout = 24 * time.Hour
	// OutputTail is how much of the verification's output is kept and shown.
	OutputTail = 4 * 1024
)

// Options are the steps asked for one migration (flags, or manifest fields
// per entry or in defaults).
type Options struct {
	Snapshot      bool          `json:"snapshot,omitempty"`
	Backends      BackendsMode  `json:"backends,omitempty"` // "" is Report
	DrainTime     time.Duration `json:"drain_time,omitempty"`
	Verify        string        `json:"verify,omitempty"`
	VerifyTimeout time.Duration `json:"verify_timeout,omitempty"`
}

// Mode is the backends mode, Report when none was given.
func (o Options) Mode() BackendsMode {
	if o.Backends == "" {
		return Report
	}
	return o.Backends
}

// Changes reports whether a step changes the cloud (anything but the
// report), so that the run needs a state file.
func (o Options) Changes() bool {
	return o.Snapshot || o.Mode() != Report || o.Verify != ""
}

// NeedsWait reports whether a step runs after the job Finished.
func (o Options) NeedsWait() bool { return o.Mode() != Report || o.Verify != "" }

// DrainFor is the drain time, the default when none was given.
func (o Options) DrainFor() time.Duration {
	if o.DrainTime == 0 {
		return DefaultDrainTime
	}
	return o.DrainTime
}

// VerifyFor is the verification's bound, the default when none was given.
func (o Options) VerifyFor() time.Duration {
	if o.VerifyTimeout == 0 {
		return DefaultVerifyTimeout
	}
	return o.VerifyTimeout
}

// Field keys of the options, as migration.ValidationError names them; each
// caller maps them to its own names (--backends, migrations[2].backends).
const (
	FieldSnapshot      = "snapshot"
	FieldBackends      = "backends"
	FieldDrainTime     = "drain_time"
	FieldVerify        = "verify"
	FieldVerifyTimeout = "verify_timeout"
)

// ParseMode reads a --backends value.
func ParseMode(s string) (BackendsMode, error) {
	for _, m := range Modes {
		if s == m {
			return BackendsMode(s), nil
		}
	}
	return "", &migration.ValidationError{Field: FieldBackends, Message: fmt.Sprintf("invalid value %q: want one of %s", s, strings.Join(Modes, ", "))}
}

// Validate checks the options against each other and the wait: restore,
// drain and verify run after the job Finished, so they need it followed.
// drainSet and verifySet say whether those were given at all (an empty
// --verify is an error, not "no verification").
func (o Options) Validate(wait, drainSet, verifySet bool) error {
	var errs migration.ValidationErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, &migration.ValidationError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if o.Backends != "" {
		if _, err := ParseMode(string(o.Backends)); err != nil {
			errs = append(errs, migration.AsValidationErrors(err)...)
		}
	}
	if drainSet && o.DrainTime <= 0 {
		add(FieldDrainTime, "invalid drain time %s: want a positive duration such as 30s", o.DrainTime)
	}
	if drainSet && o.Mode() != Drain {
		add(FieldDrainTime, "a drain time goes with backends drain")
	}
	if verifySet && strings.TrimSpace(o.Verify) == "" {
		add(FieldVerify, "the verification command is empty: give a command, or leave it out")
	}
	if len(o.Verify) > 0 && len(EncodeScript(o.Verify)) > MaxScriptBase64 {
		add(FieldVerify, "the verification command is %d bytes; Cloud Assistant takes at most %d bytes once Base64-encoded", len(o.Verify), MaxScriptBase64)
	}
	if o.VerifyTimeout < 0 || o.VerifyTimeout > MaxVerifyTimeout || (o.VerifyTimeout != 0 && o.VerifyTimeout < time.Second) {
		add(FieldVerifyTimeout, "invalid verification timeout %s: want 1s to %s", o.VerifyTimeout, MaxVerifyTimeout)
	}
	if !wait {
		switch {
		case o.Mode() != Report:
			add(FieldBackends, "backends %s restores the memberships after the job Finished: it needs --wait", o.Mode())
		case o.Verify != "":
			add(FieldVerify, "the verification runs after the job Finished: it needs --wait")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
