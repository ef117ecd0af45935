// Package preflight holds the checks run before a migration is created. A check
// is a pure function of the migration spec and the facts gathered from the
// read-only APIs; it never calls anything itself. Rules that change over time
// (families, performance-level limits) are data in rules.go.
package preflight

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"

	"github.com/zonemove/zonemove/pkg/next"
)

// Status of one check.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is the outcome of one check.
type Result struct {
	ID      string `json:"id"`
	Status  Status `json:"status"`
	Message string `json:"message"`
	Hint    string `json:"hint"`
	// Next is the hint as steps (package next): the command layer renders
	// it into Hint with the run's flags.
	Next next.Hint `json:"-"`
}

// The contract's check IDs, in the order they are run and shown.
const (
	RegionZone           = "region-zone"
	InstanceFound        = "instance-found"
	InstanceStatus       = "instance-status"
	ZoneChange           = "zone-change"
	Spot                 = "spot"
	NetworkVPC           = "network-vpc"
	NetworkExtras        = "network-extras"
	TypeFamily           = "type-family"
	FamilySupported      = "family-supported"
	TypeInStock          = "type-in-stock"
	VSwitchZone          = "vswitch-zone"
	VSwitchVPC           = "vswitch-vpc"
	VSwitchIPs           = "vswitch-ips"
	DiskOwner            = "disk-owner"
	DiskPerformanceLevel = "disk-performance-level"
	ActiveJob            = "active-job"
)

// Warnings: checks that never fail, about what the operator should prepare.
const (
	RecentSnapshot  = "recent-snapshot"
	InstanceStop    = "instance-stop"
	BillingChange   = "billing-change"
	PrivateIPChange = "private-ip"
)

// IDs lists every check ID in the order they are run and shown: the
// contract's, then the warnings.
var IDs = []string{RegionZone, InstanceFound, InstanceStatus, ZoneChange, Spot, NetworkVPC, NetworkExtras,
	TypeFamily, FamilySupported, TypeInStock, VSwitchZone, VSwitchVPC, VSwitchIPs, DiskOwner, DiskPerformanceLevel, ActiveJob,
	RecentSnapshot, InstanceStop, BillingChange, PrivateIPChange, LBBackends}

// IsKnown reports whether id names a check.
func IsKnown(id string) bool { return slices.Contains(IDs, id) }

// Unskippable are the checks of what the API documents as impossible: no
// --skip-check or skip_checks accepts their failure.
func Unskippable() []string {
	return []string{RegionZone, InstanceFound, ZoneChange, Spot, NetworkVPC, NetworkExtras}
}

// Skippable reports whether --skip-check or skip_checks may accept a
// failure of the check id: a known check the API does not refuse.
func Skippable(id string) bool { return IsKnown(id) && !slices.Contains(Unskippable(), id) }

// UnskippableError is the reason a check cannot be skipped ("" when it can).
func UnskippableError(id string) string {
	if !slices.Contains(Unskippable(), id) {
		return ""
	}
	return fmt.Sprintf("check %s cannot be skipped: the API refuses such a migration whatever zonemove sends (checks that cannot be skipped: %s)",
		id, strings.Join(Unskippable(), ", "))
}

// Input is what the checks look at.
type Input struct {
	Spec *migration.Spec
	// Facts are what the read-only APIs said; nil offline.
	Facts *facts.Facts
	// Offline: no facts; remote checks report skip.
	Offline bool
	// SourceInstanceType and SourceZone stand in for the instance's facts offline.
	SourceInstanceType string
	SourceZone         string
	// Skip names checks whose failure the operator accepts; SkipAs is how
	// the operator said so, for the messages ("--skip-check", "skip_checks").
	Skip   []string
	SkipAs string
	// Now is the time snapshots' ages are measured from.
	Now time.Time
}

// skipAs is how the operator asked to skip id, in the caller's words.
func (in *Input) skipAs(id string) string {
	if in.SkipAs == "" {
		return "skip " + id
	}
	if strings.HasPrefix(in.SkipAs, "-") {
		return in.SkipAs + " " + id // --skip-check ID
	}
	return in.SkipAs + ": " + id // skip_checks: ID
}

// checks maps each ID to its function.
var checks = map[string]func(*Input) Result{
	RegionZone:           checkRegionZone,
	InstanceFound:        checkInstanceFound,
	InstanceStatus:       checkInstanceStatus,
	ZoneChange:           checkZoneChange,
	Spot:                 checkSpot,
	NetworkVPC:           checkNetworkVPC,
	NetworkExtras:        checkNetworkExtras,
	TypeFamily:           checkTypeFamily,
	FamilySupported:      checkFamilySupported,
	TypeInStock:          checkTypeInStock,
	VSwitchZone:          checkVSwitchZone,
	VSwitchVPC:           checkVSwitchVPC,
	VSwitchIPs:           checkVSwitchIPs,
	DiskOwner:            checkDiskOwner,
	DiskPerformanceLevel: checkDiskPerformanceLevel,
	ActiveJob:            checkActiveJob,
	RecentSnapshot:       checkRecentSnapshot,
	InstanceStop:         checkInstanceStop,
	BillingChange:        checkBillingChange,
	PrivateIPChange:      checkPrivateIP,
	LBBackends:           checkLBBackendsInput,
}

// Evaluate runs every check. A failing check named in Skip becomes a warning
// that says it was skipped on request; one that passed or warned says the skip
// changed nothing.
func Evaluate(in Input) []Result {
	if in.Facts == nil && !in.Offline {
		in.Facts = &facts.Facts{}
	}
	out := make([]Result, 0, len(IDs))
	for _, id := range IDs {
		r := checks[id](&in)
		r.ID = id
		if slices.Contains(in.Skip, id) {
			switch r.Status {
			case Fail:
				r.Status = Warn
				r.Message = "skipped on request (" + in.skipAs(id) + "): " + r.Message
			case Pass:
				r.Message += " (" + in.skipAs(id) + " had nothing to skip: the check passed)"
			case Warn:
				r.Message += " (" + in.skipAs(id) + " had nothing to skip: the check only warns)"
			}
		}
		out = append(out, r)
	}
	return out
}

// Check runs one check (a command that needs only some, such as types).
func Check(id string, in Input) Result {
	if in.Facts == nil && !in.Offline {
		in.Facts = &facts.Facts{}
	}
	r := checks[id](&in)
	r.ID = id
	return r
}

// Failed returns the failing results.
func Failed(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Status == Fail {
			out = append(out, r)
		}
	}
	return out
}
