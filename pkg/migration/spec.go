// Package migration is the spec of one cross-zone migration: what the operator
// asked for, validated locally, and the API request it becomes.
package migration

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
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

// Fields of a Spec, as Spec.Validate keys its errors. Each caller spells them
// its own way: create as flags, the manifest as its fields and lines.
const (
	FieldRegion             = "region"
	FieldInstanceID         = "instance_id"
	FieldTargetZone         = "target_zone"
	FieldTargetVSwitch      = "target_vswitch"
	FieldTargetInstanceType = "target_instance_type"
	FieldResourceGroupID    = "resource_group_id"
	FieldClientToken        = "client_token"
	FieldDisks              = "disks"
)

// ValidationError is one bad value found before anything was sent (exit 2).
// Field is a Field* constant for the errors of Spec.Validate, Disk.Validate
// and ParseDisk; the single-value validators key it as their caller asks.
type ValidationError struct {
	Field   string
	Disk    int // with FieldDisks from Spec.Validate: the disk's position in Spec.Disks
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

// ValidationErrors is every bad value of a spec, in the order of its fields.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Unwrap lets errors.As find a *ValidationError in the list.
func (es ValidationErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// AsValidationErrors returns the bad values err carries: all of a
// ValidationErrors, or the one *ValidationError; nil for any other error.
func AsValidationErrors(err error) ValidationErrors {
	var es ValidationErrors
	if errors.As(err, &es) {
		return es
	}
	var e *ValidationError
	if errors.As(err, &e) {
		return ValidationErrors{e}
	}
	return nil
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// orNil keeps a nil list a nil error.
func (es ValidationErrors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// MaxIDLength is the most characters an ID, a region or a zone name has; a
// longer one would be refused by the API (HTTP 414 for a long query) or pass
// a dry run that the create then fails.
const MaxIDLength = 64

func checkShape(field, value string, re *regexp.Regexp, example string) *ValidationError {
	if len(value) > MaxIDLength {
		return invalid(field, "%.20q... has %d characters; at most %d are allowed", value, len(value), MaxIDLength)
	}
	if !re.MatchString(value) {
		return invalid(field, "%q is not a valid ID (expected something like %s)", value, example)
	}
	return nil
}

// errOrNil keeps a nil *ValidationError a nil error.
func errOrNil(e *ValidationError) error {
	if e == nil {
		return nil
	}
	return e
}

func region(field, v string) *ValidationError {
	if v == "" {
		return invalid(field, "a region is required")
	}
	return checkShape(field, v, reRegion, "cn-hangzhou")
}

// ValidateRegion checks the shape of a region ID.
func ValidateRegion(field, v string) error { return errOrNil(region(field, v)) }

// ValidateZone checks the shape of a zone ID.
func ValidateZone(field, v string) error {
	return errOrNil(checkShape(field, v, reZone, "cn-hangzhou-i"))
}

// ValidateInstanceID checks the shape of an instance ID.
func ValidateInstanceID(field, v string) error {
	return errOrNil(checkShape(field, v, reInstance, "i-bp1ff25rzvnul6kr0000"))
}

// ValidateInstanceType checks the shape of an instance type.
func ValidateInstanceType(field, v string) error {
	return errOrNil(checkShape(field, v, reType, "ecs.g7.large"))
}

// ValidateJobID checks the shape of a migration job ID.
func ValidateJobID(field, v string) error {
	return errOrNil(checkShape(field, v, reJob, "j-bp17bclvg344jlyt0000"))
}

// clientToken checks a ClientToken: printable ASCII, at most 64 characters.
func clientToken(field, v string) *ValidationError {
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

// Validate checks every value of the spec; it needs no network. It returns
// nil or ValidationErrors with every bad value, keyed by the Field* constants.
func (s *Spec) Validate() error {
	var errs ValidationErrors
	add := func(e *ValidationError) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	add(region(FieldRegion, s.Region))
	if s.InstanceID == "" {
		add(invalid(FieldInstanceID, "an instance ID is required"))
	} else {
		add(checkShape(FieldInstanceID, s.InstanceID, reInstance, "i-bp1ff25rzvnul6kr0000"))
	}
	if s.TargetZone == "" {
		add(invalid(FieldTargetZone, "a target zone is required"))
	} else {
		add(checkShape(FieldTargetZone, s.TargetZone, reZone, "cn-hangzhou-i"))
	}
	if s.TargetVSwitch != "" {
		add(checkShape(FieldTargetVSwitch, s.TargetVSwitch, reVSwitch, "vsw-bp1mxqnssl8nafltc0000"))
	}
	if s.TargetInstanceType != "" {
		add(checkShape(FieldTargetInstanceType, s.TargetInstanceType, reType, "ecs.g7.large"))
	}
	if s.ResourceGroupID != "" {
		add(checkShape(FieldResourceGroupID, s.ResourceGroupID, reResourceGrp, "rg-acfmw3ty5y70000"))
	}
	if s.ClientToken != "" {
		add(clientToken(FieldClientToken, s.ClientToken))
	}
	seen := map[string]bool{}
	for i, d := range s.Disks {
		derrs := d.validate()
		for _, e := range derrs {
			e.Disk = i
		}
		errs = append(errs, derrs...)
		if len(derrs) == 0 && seen[d.ID] {
			e := invalid(FieldDisks, "disk %s is given more than once", d.ID)
			e.Disk = i
			errs = append(errs, e)
		}
		seen[d.ID] = true
	}
	return errs.orNil()
}

// Validate checks one disk's values; it returns nil or ValidationErrors keyed
// FieldDisks.
func (d Disk) Validate() error { return d.validate().orNil() }

func (d Disk) validate() ValidationErrors {
	if d.ID == "" {
		return ValidationErrors{invalid(FieldDisks, "the disk ID is missing")}
	}
	var errs ValidationErrors
	if e := checkShape(FieldDisks, d.ID, reDisk, "d-bp1eeplkn4j29wf70000"); e != nil {
		errs = append(errs, e)
	}
	categoryOK := d.Category == "" || slices.Contains(Categories, d.Category)
	if !categoryOK {
		errs = append(errs, invalid(FieldDisks, "unknown category %q for %s (want one of %s)", d.Category, d.ID, strings.Join(Categories, ", ")))
	}
	if d.PerformanceLevel != "" {
		switch {
		case !slices.Contains(PerformanceLevels, d.PerformanceLevel):
			errs = append(errs, invalid(FieldDisks, "unknown performance level %q for %s (want one of %s)", d.PerformanceLevel, d.ID, strings.Join(PerformanceLevels, ", ")))
		case categoryOK && d.Category != "" && d.Category != CategoryESSD:
			errs = append(errs, invalid(FieldDisks, "performance level %s for %s needs category cloud_essd, not %s", d.PerformanceLevel, d.ID, d.Category))
		}
	}
	return errs
}

// ParseDisk parses one --disk value: id=DISK[,category=CATEGORY][,performance-level=PL]
// (pl= is short for performance-level=). Its errors are keyed FieldDisks.
func ParseDisk(s string) (Disk, error) {
	var d Disk
	seen := map[string]bool{}
	if strings.TrimSpace(s) == "" {
		return d, invalid(FieldDisks, "empty value; want id=DISK[,category=CATEGORY][,performance-level=PL]")
	}
	for _, part := range strings.Split(s, ",") {
		key, value, ok := strings.Cut(part, "=")
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		if !ok || key == "" {
			return d, invalid(FieldDisks, "%q is not key=value in %q", part, s)
		}
		if key == "pl" {
			key = "performance-level"
		}
		if seen[key] {
			return d, invalid(FieldDisks, "%s= is given twice in %q", key, s)
		}
		seen[key] = true
		if value == "" {
			return d, invalid(FieldDisks, "%s= has no value in %q", key, s)
		}
		switch key {
		case "id":
			d.ID = value
		case "category":
			d.Category = value
		case "performance-level":
			d.PerformanceLevel = value
		default:
			return d, invalid(FieldDisks, "unknown key %q in %q (want id, category, performance-level or pl)", key, s)
		}
	}
	if d.ID == "" {
		return d, invalid(FieldDisks, "id= is required in %q", s)
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
