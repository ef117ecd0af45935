// Package facts is what the read-only ECS, VPC and SMC calls said about a
// migration, as plain data: pkg/cloud fills it, pkg/preflight's checks read
// it. It links no SDK.
package facts

import (
	"time"

	"github.com/zonemove/zonemove/pkg/migration"
)

// Target is the migration whose facts are wanted.
type Target struct {
	InstanceID string
	// Zone is the target zone; empty when it is known not to be in the
	// region, so that no zone lookup is made.
	Zone      string
	VSwitchID string
	// InstanceType is the target type, when one is asked for: its family is
	// read at once instead of after the instance's.
	InstanceType string
}

// Facts is what the read-only APIs say about one migration. A nil pointer is
// a lookup that was not made (offline, or it depended on one that found
// nothing); the checks report skip for what they cannot see. Facts may share
// values with other migrations of the same run: treat them as read-only.
type Facts struct {
	// Instance is nil when the region has no such instance.
	Instance *Instance
	// Disks are the disks attached to the instance.
	Disks []Disk
	// Snapshots are the snapshots of the instance's disks. SnapshotsErr is why
	// they could not be read: they only feed a warning, so that failure does
	// not stop the preflight.
	Snapshots    []Snapshot
	SnapshotsErr error
	// SnapshotsSince, when set, is where the read of Snapshots started (a
	// batch reads the region's recent snapshots): none older was read.
	SnapshotsSince time.Time
	// Jobs are the instance's cross-zone migration jobs, in every status.
	Jobs []*Job
	// VSwitch is the target vSwitch; nil when none was given or the region has
	// no such vSwitch (VSwitchLooked tells which).
	VSwitch       *VSwitch
	VSwitchLooked bool
	// ZoneVSwitches are the vSwitches of the instance's VPC in the target zone,
	// looked up when the target vSwitch is missing or unusable.
	ZoneVSwitches *ZoneVSwitches
	// Stock is what the target zone sells for the instance's charge type.
	Stock *Stock
	// FamilyTypes are the types of the instance's family.
	FamilyTypes *FamilyTypes
	// Backends are the instance's load balancer memberships, when the
	// gatherer reads them (create and apply online).
	Backends Backends
}

// Instance is what zonemove reads of an ECS instance.
type Instance struct {
	InstanceID         string
	InstanceName       string
	Status             string
	ZoneID             string
	InstanceType       string
	InstanceTypeFamily string
	SpotStrategy       string
	NetworkType        string
	ChargeType         string
	VpcID              string
	VSwitchID          string
	LockReasons        []string
	IPv6Addresses      []string
	SecondaryENIs      []string
	PrivateIPs         []string // of the primary ENI, in the VPC
	PublicIPs          []string // assigned with the instance (not EIPs)
	EIP                string
}

// Family is the instance's family: the API's InstanceTypeFamily, or derived
// from the type's name when the API leaves it empty.
func (i *Instance) Family() string {
	if i.InstanceTypeFamily != "" {
		return i.InstanceTypeFamily
	}
	return migration.FamilyOf(i.InstanceType)
}

// Disk is one disk of an instance as DescribeDisks reports it.
type Disk struct {
	DiskID           string
	InstanceID       string
	Type             string // system or data
	Category         string
	PerformanceLevel string
	SizeGiB          int
}

// Snapshot is one snapshot of a disk of the instance.
type Snapshot struct {
	SnapshotID   string
	SourceDiskID string
	Status       string // progressing, accomplished, failed
	Progress     string // as the API says it: "42%"
	CreationTime time.Time
}

// Stock is which instance types a zone sells to instances of one charge type
// (DescribeAvailableResource).
type Stock struct {
	ZoneID     string
	ChargeType string
	// ZoneStatus is the zone's own status (Available or SoldOut); empty when
	// the zone was not in the answer at all.
	ZoneStatus string
	// Types maps each instance type the zone offers to its status
	// (Available or SoldOut).
	Types map[string]string
}

// InStock reports whether the zone sells the type now.
func (s *Stock) InStock(instanceType string) bool {
	return s != nil && s.ZoneStatus == "Available" && s.Types[instanceType] == "Available"
}

// Filter returns the types of list that the zone sells now, in list's order.
func (s *Stock) Filter(list []InstanceType) []InstanceType {
	var out []InstanceType
	for _, t := range list {
		if s.InStock(t.InstanceTypeID) {
			out = append(out, t)
		}
	}
	return out
}

// InstanceType is one instance type of a family (DescribeInstanceTypes).
type InstanceType struct {
	InstanceTypeID string
	Family         string
	CPU            int
	MemoryGiB      float64
}

// FamilyTypes are the instance types of one family.
type FamilyTypes struct {
	Family string
	Types  []InstanceType
}

// Lookup returns the type of the family with that ID, or nil.
func (f *FamilyTypes) Lookup(id string) *InstanceType {
	if f == nil {
		return nil
	}
	for i := range f.Types {
		if f.Types[i].InstanceTypeID == id {
			return &f.Types[i]
		}
	}
	return nil
}

// VSwitch is one vSwitch (VPC DescribeVSwitches).
type VSwitch struct {
	VSwitchID    string
	Name         string
	VpcID        string
	ZoneID       string
	Status       string
	CidrBlock    string
	AvailableIPs int64
}

// ZoneVSwitches are the vSwitches of one VPC in one zone.
type ZoneVSwitches struct {
	VpcID     string
	ZoneID    string
	VSwitches []VSwitch
}
