// Package preflight holds the checks run before a migration is created. A check
// is a pure function of the migration spec and the facts gathered from the
// read-only APIs; it never calls anything itself.
package preflight

import (
	"strings"

	"github.com/zonemove/zonemove/pkg/migration"
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

// IDs lists every check ID, for --skip-check validation and completion.
var IDs = []string{RegionZone, InstanceFound, InstanceStatus, ZoneChange, Spot, NetworkVPC, NetworkExtras,
	TypeFamily, FamilySupported, TypeInStock, VSwitchZone, VSwitchVPC, VSwitchIPs, DiskOwner, DiskPerformanceLevel, ActiveJob}

// IsKnown reports whether id names a check.
func IsKnown(id string) bool {
	for _, v := range IDs {
		if v == id {
			return true
		}
	}
	return false
}

// Input is what the checks look at.
type Input struct {
	Spec *migration.Spec
	// Offline: no facts; remote checks report skip.
	Offline bool
	// SourceInstanceType and SourceZone stand in for the instance's facts offline.
	SourceInstanceType string
	SourceZone         string
	// Skip names checks whose failure the operator accepts.
	Skip []string
}

// Evaluate runs every check. A failing check named in Skip becomes a warning
// that says it was skipped on request.
func Evaluate(in Input) []Result {
	var out []Result
	for _, id := range IDs {
		r := Result{ID: id, Status: Skip, Message: "needs the API; not run offline"}
		if id == RegionZone {
			r = checkRegionZone(in)
		}
		if r.Status == Fail && contains(in.Skip, id) {
			r.Status = Warn
			r.Message = "skipped on request (--skip-check " + id + "): " + r.Message
		}
		out = append(out, r)
	}
	return out
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

func checkRegionZone(in Input) Result {
	s := in.Spec
	if !strings.HasPrefix(s.TargetZone, s.Region+"-") && !(strings.HasPrefix(s.TargetZone, s.Region) && len(s.TargetZone) == len(s.Region)+1) {
		return Result{ID: RegionZone, Status: Fail, Message: "zone " + s.TargetZone + " is not in region " + s.Region,
			Hint: "pick a zone of " + s.Region + " (its zones start with " + s.Region + "), or change --region"}
	}
	return Result{ID: RegionZone, Status: Pass, Message: "zone " + s.TargetZone + " is in region " + s.Region}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
