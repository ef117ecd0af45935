// Package migration is the spec of one cross-zone migration: what the operator
// asked for, validated locally, and the API request it becomes.
package migration

import (
	"fmt"
	"regexp"
	"strings"
)

// Spec is one migration as the operator asked for it (flags or manifest).
type Spec struct {
	Region             string
	InstanceID         string
	TargetZone         string
	TargetVSwitch      string
	TargetInstanceType string
	Disks              []Disk
	AutoPay            *bool // nil: not sent (the API's default is true)
	ResourceGroupID    string
	ClientToken        string
}

// Disk is one --disk value: a disk of the instance and what it becomes.
type Disk struct {
	ID               string `json:"id" yaml:"id"`
	Category         string `json:"category,omitempty" yaml:"category"`
	PerformanceLevel string `json:"performance_level,omitempty" yaml:"performance_level"`
}

// Categories are the disk categories CreateCrossZoneMigrationJob accepts.
var Categories = []string{"cloud_essd", "cloud_essd_entry", "cloud_auto", "cloud_ssd", "cloud_efficiency", "cloud"}

// PerformanceLevels are the ESSD performance levels.
var PerformanceLevels = []string{"PL0", "PL1", "PL2", "PL3"}

// CategoryESSD is the only category that takes a performance level.
const CategoryESSD = "cloud_essd"

var (
	reRegion      = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)+$`)
	reZone        = reRegion
	reInstance    = regexp.MustCompile(`^i-[a-z0-9]{4,}$`)
	reVSwitch     = regexp.MustCompile(`^vsw-[a-z0-9]{4,}$`)
	reDisk        = regexp.MustCompile(`^d-[a-z0-9]{4,}$`)
	reType        = regexp.MustCompile(`^ecs\.[a-z0-9-]+(\.[a-z0-9-]+)+$`)
	reResourceGrp = regexp.MustCompile(`^rg-[a-z0-9]{4,}$`)
	reJob         = regexp.MustCompile(`^j-[a-z0-9]{4,}$`)
)

// MaxClientToken is the API's limit on the length of a ClientToken.
const MaxClientToken = 64

// ValidationError is bad input found before anything was sent (exit 2).
type ValidationError struct {
	Field   string // flag or manifest field
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

func checkShape(field, value string, re *regexp.Regexp, example string) error {
	if !re.MatchString(value) {
		return invalid(field, "%q is not a valid ID (expected something like %s)", value, example)
	}
	return nil
}

// ValidateRegion checks the shape of a region ID.
func ValidateRegion(field, v string) error {
	if v == "" {
		return invalid(field, "a region is required (--region or ALIBABA_CLOUD_REGION_ID)")
	}
	return checkShape(field, v, reRegion, "cn-hangzhou")
}

// ValidateZone checks the shape of a zone ID.
func ValidateZone(field, v string) error { return checkShape(field, v, reZone, "cn-hangzhou-i") }

// ValidateInstanceID checks the shape of an instance ID.
func ValidateInstanceID(field, v string) error {
	return checkShape(field, v, reInstance, "i-bp1ff25rzvnul6kr0000")
}

// ValidateInstanceType checks the shape of an instance type.
func ValidateInstanceType(field, v string) error {
	return checkShape(field, v, reType, "ecs.g7.large")
}

// ValidateJobID checks the shape of a migration job ID.
func ValidateJobID(field, v string) error {
	return checkShape(field, v, reJob, "j-bp17bclvg344jlyt0000")
}

// ValidateClientToken checks a ClientToken: printable ASCII, at most 64 characters.
func ValidateClientToken(field, v string) error {
	if v == "" {
		return invalid(field, "the client token is empty")
	}
	if len(v) > MaxClientToken {
		return invalid(field, "the client token has %d characters; at most %d are allowed", len(v), MaxClientToken)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c > 0x7e {
			return invalid(field, "the client token may contain only printable ASCII characters without spaces (byte %d is %q)", i+1, rune(c))
		}
	}
	return nil
}

// Validate checks every value of the spec; it needs no network. The field names
// in its errors are flag names; the manifest maps them to its own.
func (s *Spec) Validate() error {
	if err := ValidateRegion("--region", s.Region); err != nil {
		return err
	}
	if s.InstanceID == "" {
		return invalid("--instance-id", "an instance ID is required")
	}
	if err := ValidateInstanceID("--instance-id", s.InstanceID); err != nil {
		return err
	}
	if s.TargetZone == "" {
		return invalid("--target-zone", "a target zone is required")
	}
	if err := ValidateZone("--target-zone", s.TargetZone); err != nil {
		return err
	}
	if s.TargetVSwitch != "" {
		if err := checkShape("--target-vswitch", s.TargetVSwitch, reVSwitch, "vsw-bp1mxqnssl8nafltc0000"); err != nil {
			return err
		}
	}
	if s.TargetInstanceType != "" {
		if err := ValidateInstanceType("--target-instance-type", s.TargetInstanceType); err != nil {
			return err
		}
	}
	if s.ResourceGroupID != "" {
		if err := checkShape("--resource-group-id", s.ResourceGroupID, reResourceGrp, "rg-acfmw3ty5y70000"); err != nil {
			return err
		}
	}
	if s.ClientToken != "" {
		if err := ValidateClientToken("--client-token", s.ClientToken); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for _, d := range s.Disks {
		if err := d.Validate(); err != nil {
			return err
		}
		if seen[d.ID] {
			return invalid("--disk", "disk %s is given more than once", d.ID)
		}
		seen[d.ID] = true
	}
	return nil
}

// Validate checks one disk's values.
func (d Disk) Validate() error {
	if d.ID == "" {
		return invalid("--disk", "id= is required")
	}
	if err := checkShape("--disk", d.ID, reDisk, "d-bp1eeplkn4j29wf70000"); err != nil {
		return err
	}
	if d.Category != "" && !contains(Categories, d.Category) {
		return invalid("--disk", "unknown category %q for %s (want one of %s)", d.Category, d.ID, strings.Join(Categories, ", "))
	}
	if d.PerformanceLevel != "" {
		if !contains(PerformanceLevels, d.PerformanceLevel) {
			return invalid("--disk", "unknown performance level %q for %s (want one of %s)", d.PerformanceLevel, d.ID, strings.Join(PerformanceLevels, ", "))
		}
		if d.Category != "" && d.Category != CategoryESSD {
			return invalid("--disk", "performance level %s for %s needs category cloud_essd, not %s", d.PerformanceLevel, d.ID, d.Category)
		}
	}
	return nil
}

// ParseDisk parses one --disk value: id=DISK[,category=CATEGORY][,performance-level=PL]
// (pl= is short for performance-level=).
func ParseDisk(s string) (Disk, error) {
	var d Disk
	seen := map[string]bool{}
	if strings.TrimSpace(s) == "" {
		return d, invalid("--disk", "empty value; want id=DISK[,category=CATEGORY][,performance-level=PL]")
	}
	for _, part := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(part, "=")
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if !ok || key == "" {
			return d, invalid("--disk", "%q is not key=value in %q", part, s)
		}
		if key == "pl" {
			key = "performance-level"
		}
		if seen[key] {
			return d, invalid("--disk", "%s= is given twice in %q", key, s)
		}
		seen[key] = true
		if value == "" {
			return d, invalid("--disk", "%s= has no value in %q", key, s)
		}
		switch key {
		case "id":
			d.ID = value
		case "category":
			d.Category = value
		case "performance-level":
			d.PerformanceLevel = value
		default:
			return d, invalid("--disk", "unknown key %q in %q (want id, category, performance-level or pl)", key, s)
		}
	}
	d = d.Normalized()
	return d, d.Validate()
}

// Normalized spells the disk's values as the API does: the category in lower
// case, the performance level in upper case.
func (d Disk) Normalized() Disk {
	d.Category, d.PerformanceLevel = strings.ToLower(d.Category), strings.ToUpper(d.PerformanceLevel)
	return d
}

// String renders the disk as a --disk value.
func (d Disk) String() string {
	s := "id=" + d.ID
	if d.Category != "" {
		s += ",category=" + d.Category
	}
	if d.PerformanceLevel != "" {
		s += ",performance-level=" + d.PerformanceLevel
	}
	return s
}

// Request is the CreateCrossZoneMigrationJob request of the spec. The token
// must be set (Spec.ClientToken) before it is sent.
func (s *Spec) Request() *Request {
	req := &Request{
		RegionId:           s.Region,
		ClientToken:        s.ClientToken,
		InstanceId:         s.InstanceID,
		TargetZoneId:       s.TargetZone,
		TargetVSwitchId:    s.TargetVSwitch,
		TargetInstanceType: s.TargetInstanceType,
		AutoPay:            s.AutoPay,
		ResourceGroupId:    s.ResourceGroupID,
	}
	for _, d := range s.Disks {
		req.Disk = append(req.Disk, &RequestDisk{DiskId: d.ID, Category: d.Category, PerformanceLevel: d.PerformanceLevel})
	}
	return req
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
