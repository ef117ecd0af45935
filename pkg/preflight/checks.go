package preflight

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"

	"github.com/zonemove/zonemove/pkg/next"
)

func pass(format string, args ...any) Result {
	return Result{Status: Pass, Message: fmt.Sprintf(format, args...)}
}

func skip(format string, args ...any) Result {
	return Result{Status: Skip, Message: fmt.Sprintf(format, args...)}
}

func fail(hint, format string, args ...any) Result {
	return Result{Status: Fail, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// failNext is a failure whose hint names steps.
func failNext(hint next.Hint, format string, args ...any) Result {
	return Result{Status: Fail, Message: fmt.Sprintf(format, args...), Next: hint}
}

func warn(hint, format string, args ...any) Result {
	return Result{Status: Warn, Message: fmt.Sprintf(format, args...), Hint: hint}
}

// instance returns the instance, or the skip result saying why it is unknown.
func (in *Input) instance(action string) (*facts.Instance, *Result) {
	if in.Offline {
		r := skip("offline: needs ECS %s", action)
		return nil, &r
	}
	if in.Facts.Instance == nil {
		r := skip("no instance to look at (see instance-found)")
		return nil, &r
	}
	return in.Facts.Instance, nil
}

// currentType is the instance's type: read online, given offline ("" when
// unknown).
func (in *Input) currentType() string {
	if in.Offline {
		return in.SourceInstanceType
	}
	if in.Facts.Instance != nil {
		return in.Facts.Instance.InstanceType
	}
	return ""
}

// currentFamily is the instance's family: the API's, or derived offline.
func (in *Input) currentFamily() string {
	if !in.Offline && in.Facts.Instance != nil {
		return in.Facts.Instance.Family()
	}
	if t := in.currentType(); t != "" {
		return migration.FamilyOf(t)
	}
	return ""
}

// typeChanges tells whether the migration asks for another type.
func (in *Input) typeChanges() bool {
	t := in.Spec.TargetInstanceType
	return t != "" && t != in.currentType()
}

// targetType is the type the instance will have in the target zone.
func (in *Input) targetType() string {
	if t := in.Spec.TargetInstanceType; t != "" {
		return t
	}
	return in.currentType()
}

// ZoneInRegion tells whether the target zone belongs to the region: zones
// are the region and a suffix, cn-hangzhou-i or ap-southeast-1a.
func ZoneInRegion(s *migration.Spec) bool {
	return strings.HasPrefix(s.TargetZone, s.Region+"-") || (strings.HasPrefix(s.TargetZone, s.Region) && len(s.TargetZone) == len(s.Region)+1)
}

func checkRegionZone(in *Input) Result {
	s := in.Spec
	if !ZoneInRegion(s) {
		return fail("pick a zone of "+s.Region+" (its zones start with "+s.Region+"), or change --region",
			"zone %s is not in region %s", s.TargetZone, s.Region)
	}
	return pass("zone %s is in region %s", s.TargetZone, s.Region)
}

func checkInstanceFound(in *Input) Result {
	if in.Offline {
		return skip("offline: needs ECS DescribeInstances")
	}
	s := in.Spec
	i := in.Facts.Instance
	if i == nil {
		return fail(fmt.Sprintf("check --instance-id and --region (the job's region must be the instance's); to look for it: "+
			"aliyun ecs DescribeInstances --RegionId %s --InstanceIds '[\"%s\"]'", s.Region, s.InstanceID),
			"instance %s was not found in region %s", s.InstanceID, s.Region)
	}
	return pass("%s is %s in %s (%s)", i.InstanceID, i.InstanceType, i.ZoneID, i.Status)
}

// lockHints say what to do about each OperationLocks reason.
var lockHints = map[string]string{
	"financial":              "financial: the account has overdue payments; settle them and the lock is lifted",
	"security":               "security: locked for a security reason; see the notice in the ECS console or open a ticket",
	"recycling":              "recycling: the instance is being released; it cannot be migrated",
	"dedicatedhostfinancial": "dedicatedhostfinancial: the dedicated host has overdue payments; settle them",
	"refunded":               "refunded: the subscription was refunded; the instance cannot be migrated",
}

func checkInstanceStatus(in *Input) Result {
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	var problems, hints []string
	if i.Status != "Running" && i.Status != "Stopped" {
		problems = append(problems, "it is "+i.Status+", not Running or Stopped")
		hints = append(hints, "wait until it is Running or Stopped (or start or stop it), then repeat the dry run")
	}
	if len(i.LockReasons) > 0 {
		problems = append(problems, "it has operation locks ("+strings.Join(i.LockReasons, ", ")+")")
		for _, l := range i.LockReasons {
			h, ok := lockHints[l]
			if !ok {
				h = l + ": see the instance's details in the ECS console"
			}
			hints = append(hints, h)
		}
	}
	if len(problems) > 0 {
		return fail(strings.Join(hints, "\n"), "%s cannot be migrated now: %s", i.InstanceID, strings.Join(problems, "; "))
	}
	return pass("%s, no operation lock", i.Status)
}

func checkZoneChange(in *Input) Result {
	s := in.Spec
	zone := in.SourceZone
	if !in.Offline {
		i, r := in.instance("DescribeInstances")
		if r != nil {
			return *r
		}
		zone = i.ZoneID
	} else if zone == "" {
		return skip("offline: give --source-zone to check it")
	}
	if zone == s.TargetZone {
		return fail("choose another zone of "+s.Region+" as --target-zone",
			"%s is already in %s", s.InstanceID, s.TargetZone)
	}
	return pass("%s to %s", zone, s.TargetZone)
}

func checkSpot(in *Input) Result {
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	if i.SpotStrategy == "" || i.SpotStrategy == "NoSpot" {
		return pass("not preemptible (NoSpot)")
	}
	return fail(fmt.Sprintf("preemptible instances cannot move across zones: create a custom image of %s and start a new instance from it in %s", i.InstanceID, in.Spec.TargetZone),
		"%s is a preemptible instance (SpotStrategy %s)", i.InstanceID, i.SpotStrategy)
}

func checkNetworkVPC(in *Input) Result {
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	if i.NetworkType == "vpc" {
		return pass("in VPC %s", i.VpcID)
	}
	return fail("migrate it from the classic network to a VPC first (ECS console: Network and Security, Migrate to VPC), then repeat the dry run",
		"%s is in the %s network; only VPC instances can move across zones", i.InstanceID, i.NetworkType)
}

func checkNetworkExtras(in *Input) Result {
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	var found, hints []string
	if len(i.IPv6Addresses) > 0 {
		found = append(found, "IPv6 "+strings.Join(i.IPv6Addresses, ", "))
		hints = append(hints, "unassign the IPv6 addresses: aliyun ecs UnassignIpv6Addresses --RegionId "+in.Spec.Region+" --NetworkInterfaceId ENI --Ipv6Address.1 ADDRESS")
	}
	if len(i.SecondaryENIs) > 0 {
		found = append(found, "secondary ENI "+strings.Join(i.SecondaryENIs, ", "))
		hints = append(hints, fmt.Sprintf("detach the secondary ENIs: aliyun ecs DetachNetworkInterface --InstanceId %s --NetworkInterfaceId ENI", i.InstanceID))
	}
	if len(found) > 0 {
		hints = append(hints, "attach them again after the migration")
		return fail(strings.Join(hints, "\n"), "%s has %s", i.InstanceID, strings.Join(found, "; "))
	}
	r2 := pass("no IPv6 address, no secondary ENI")
	r2.Hint = "not visible to these checks, and also in the way: HAVIPs, route entries whose next hop is the instance, reverse proxies, Global Accelerator; remove them before the migration"
	return r2
}

func checkTypeFamily(in *Input) Result {
	target := in.Spec.TargetInstanceType
	current := in.currentType()
	if target == "" {
		if current == "" {
			return pass("no --target-instance-type: the type stays")
		}
		return pass("no --target-instance-type: the type stays %s", current)
	}
	if current == "" {
		if in.Offline {
			return skip("offline: give --source-instance-type to check it")
		}
		_, r := in.instance("DescribeInstances")
		return *r
	}
	if target == current {
		return pass("the type stays %s", current)
	}
	family := in.currentFamily()
	ft := (*facts.FamilyTypes)(nil)
	if !in.Offline {
		ft = in.Facts.FamilyTypes
	}
	sameFamily := migration.FamilyOf(target) == family
	if ft != nil {
		sameFamily = ft.Lookup(target) != nil
	}
	if sameFamily {
		return pass("%s and %s are both of family %s", current, target, family)
	}
	text := "the type can only change within its family"
	if ft != nil && len(ft.Types) > 0 {
		text += ": " + family + " has " + typeList(ft.Types)
	}
	hint := next.Hintf("%s\n'%s' lists those in stock there; to change family, migrate first and change the type in the new zone",
		text, next.Cmd("types", "--instance-id", in.Spec.InstanceID, "--target-zone", in.Spec.TargetZone))
	if migration.FamilyOf(target) == family {
		return failNext(hint, "family %s has no type %s", family, target)
	}
	return failNext(hint, "%s is of family %s, %s of %s", target, migration.FamilyOf(target), current, family)
}

func checkFamilySupported(in *Input) Result {
	current := in.currentType()
	if in.Spec.TargetInstanceType == "" || in.Spec.TargetInstanceType == current {
		return pass("the type does not change")
	}
	if current == "" {
		if in.Offline {
			return skip("offline: give --source-instance-type to check it")
		}
		_, r := in.instance("DescribeInstances")
		return *r
	}
	family := in.currentFamily()
	apiFamily := ""
	if !in.Offline {
		apiFamily = family
	}
	if rule := TypeChangeBlocked(current, apiFamily); rule != nil {
		return fail(fmt.Sprintf("drop --target-instance-type: migrate with the type %s, then change the type in the new zone "+
			"(the limits are those of the user guide as of %s: %s)", current, RulesAsOf, RulesSource),
			"family %s cannot change type across zones: %s", family, rule.Reason)
	}
	return pass("family %s may change type across zones (rules as of %s)", family, RulesAsOf)
}

func checkTypeInStock(in *Input) Result {
	i, r := in.instance("DescribeAvailableResource")
	if r != nil {
		return *r
	}
	s := in.Spec
	if !ZoneInRegion(s) {
		return skip("zone %s is not in region %s (see region-zone)", s.TargetZone, s.Region)
	}
	stock := in.Facts.Stock
	if stock == nil {
		return skip("the stock of %s was not looked up", s.TargetZone)
	}
	want := in.targetType()
	if stock.InStock(want) {
		return pass("%s is available in %s (%s)", want, s.TargetZone, i.ChargeType)
	}
	var msg string
	switch {
	case stock.ZoneStatus == "":
		msg = fmt.Sprintf("zone %s offers no instance type to %s instances (does the zone exist?)", s.TargetZone, i.ChargeType)
	case stock.ZoneStatus != "Available":
		msg = fmt.Sprintf("zone %s is %s", s.TargetZone, stock.ZoneStatus)
	case stock.Types[want] == "":
		msg = fmt.Sprintf("zone %s does not offer %s to %s instances", s.TargetZone, want, i.ChargeType)
	case stock.Types[want] == "SoldOut":
		msg = fmt.Sprintf("%s is sold out in %s", want, s.TargetZone)
	default:
		msg = fmt.Sprintf("%s is %s in %s", want, stock.Types[want], s.TargetZone)
	}
	family := i.Family()
	var others []facts.InstanceType
	if ft := in.Facts.FamilyTypes; ft != nil {
		others = stock.Filter(ft.Types)
	}
	var hint string
	switch {
	case len(others) == 0:
		hint = fmt.Sprintf("no type of family %s is in stock in %s: choose another zone, or try again later", family, s.TargetZone)
	case TypeChangeBlocked(i.InstanceType, family) != nil:
		hint = fmt.Sprintf("in stock in %s: %s; but family %s cannot change type across zones: choose another zone", s.TargetZone, typeList(others), family)
	default:
		hint = fmt.Sprintf("in stock in %s of family %s: %s\npass one with --target-instance-type, or choose another zone", s.TargetZone, family, typeList(others))
	}
	return Result{Status: Fail, Message: msg, Hint: hint}
}

// typeList renders types for a hint: "ecs.g7.large (2 vCPU, 8 GiB), ...".
func typeList(types []facts.InstanceType) string {
	parts := make([]string, len(types))
	for i, t := range SortTypes(types) {
		parts[i] = fmt.Sprintf("%s (%d vCPU, %g GiB)", t.InstanceTypeID, t.CPU, t.MemoryGiB)
	}
	return strings.Join(parts, ", ")
}

// SortTypes returns the types by vCPUs, then memory, then name.
func SortTypes(types []facts.InstanceType) []facts.InstanceType {
	out := append([]facts.InstanceType(nil), types...)
	sort.SliceStable(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.CPU != y.CPU {
			return x.CPU < y.CPU
		}
		if x.MemoryGiB != y.MemoryGiB {
			return x.MemoryGiB < y.MemoryGiB
		}
		return x.InstanceTypeID < y.InstanceTypeID
	})
	return out
}

// vswitchChoices is the hint that lists the vSwitches the operator may pass.
func (in *Input) vswitchChoices() string {
	s := in.Spec
	zv := in.Facts.ZoneVSwitches
	if zv == nil {
		return fmt.Sprintf("pass --target-vswitch: a vSwitch of the instance's VPC in %s", s.TargetZone)
	}
	var usable []string
	for _, v := range zv.VSwitches {
		if v.VSwitchID == s.TargetVSwitch || v.AvailableIPs <= 0 || v.Status != VSwitchAvailable {
			continue
		}
		name := ""
		if v.Name != "" {
			name = fmt.Sprintf(" %q", v.Name)
		}
		usable = append(usable, fmt.Sprintf("  %s%s %s, %d free IPs", v.VSwitchID, name, v.CidrBlock, v.AvailableIPs))
	}
	if len(usable) == 0 {
		return fmt.Sprintf("%s has no vSwitch with free IPs in %s: create one (VPC console, or aliyun vpc CreateVSwitch --RegionId %s --VpcId %s --ZoneId %s --CidrBlock CIDR) and pass it with --target-vswitch",
			zv.VpcID, s.TargetZone, s.Region, zv.VpcID, s.TargetZone)
	}
	return fmt.Sprintf("pass one of the vSwitches of %s in %s with --target-vswitch:\n%s", zv.VpcID, s.TargetZone, strings.Join(usable, "\n"))
}

// targetVSwitch returns the target vSwitch, or the skip result saying why it
// cannot be looked at (vswitch-zone reports a missing or unknown one).
func (in *Input) targetVSwitch() (*facts.VSwitch, *Result) {
	var r Result
	switch {
	case in.Spec.TargetVSwitch == "":
		r = skip("no --target-vswitch (see vswitch-zone)")
	case in.Offline:
		r = skip("offline: needs VPC DescribeVSwitches")
	case in.Facts.VSwitch == nil:
		r = skip("vSwitch %s was not found (see vswitch-zone)", in.Spec.TargetVSwitch)
	default:
		return in.Facts.VSwitch, nil
	}
	return nil, &r
}

// VSwitchAvailable is the Status of a vSwitch that instances can be placed in
// (Pending while it is being created).
const VSwitchAvailable = "Available"

func orUnknown(s string) string {
	if s == "" {
		return "of unknown status"
	}
	return s
}

func checkVSwitchZone(in *Input) Result {
	s := in.Spec
	if in.Offline {
		// A remote check: offline it only says what an online run will want.
		if s.TargetVSwitch == "" {
			return skip("offline: needs VPC DescribeVSwitches; without --target-vswitch an online run fails here and lists the vSwitches of the instance's VPC in %s", s.TargetZone)
		}
		return skip("offline: needs VPC DescribeVSwitches")
	}
	if s.TargetVSwitch == "" {
		return fail(in.vswitchChoices(), "no --target-vswitch: the instance needs a vSwitch in %s", s.TargetZone)
	}
	if !ZoneInRegion(s) {
		return skip("zone %s is not in region %s (see region-zone)", s.TargetZone, s.Region)
	}
	v := in.Facts.VSwitch
	if v == nil {
		return fail(in.vswitchChoices(), "vSwitch %s was not found in region %s", s.TargetVSwitch, s.Region)
	}
	if v.ZoneID != s.TargetZone {
		return fail(in.vswitchChoices(), "vSwitch %s is in %s, not in %s", v.VSwitchID, v.ZoneID, s.TargetZone)
	}
	if v.Status != VSwitchAvailable {
		return fail("wait until it is Available (aliyun vpc DescribeVSwitches --VSwitchId "+v.VSwitchID+"), or "+in.vswitchChoices(),
			"vSwitch %s is %s, not %s: no instance can be placed in it", v.VSwitchID, orUnknown(v.Status), VSwitchAvailable)
	}
	return pass("%s is in %s", v.VSwitchID, v.ZoneID)
}

func checkVSwitchVPC(in *Input) Result {
	v, r := in.targetVSwitch()
	if r != nil {
		return *r
	}
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	if i.VpcID == "" {
		return skip("the instance is in no VPC (see network-vpc)")
	}
	if v.VpcID != i.VpcID {
		return fail("the instance keeps its VPC; "+in.vswitchChoices(), "vSwitch %s is in %s, the instance in %s", v.VSwitchID, v.VpcID, i.VpcID)
	}
	return pass("%s is in the instance's VPC %s", v.VSwitchID, v.VpcID)
}

func checkVSwitchIPs(in *Input) Result {
	v, r := in.targetVSwitch()
	if r != nil {
		return *r
	}
	if v.AvailableIPs <= 0 {
		return fail("release unused addresses in it, or "+in.vswitchChoices(), "vSwitch %s (%s) has no free IP address", v.VSwitchID, v.CidrBlock)
	}
	return pass("%s has %d free IP addresses", v.VSwitchID, v.AvailableIPs)
}

// disk returns the instance's disk with that ID, or nil.
func (in *Input) disk(id string) *facts.Disk {
	for i := range in.Facts.Disks {
		if in.Facts.Disks[i].DiskID == id {
			return &in.Facts.Disks[i]
		}
	}
	return nil
}

func diskList(disks []facts.Disk) string {
	parts := make([]string, len(disks))
	for i, d := range disks {
		pl := ""
		if d.PerformanceLevel != "" {
			pl = " " + d.PerformanceLevel
		}
		parts[i] = fmt.Sprintf("%s (%s, %s%s, %d GiB)", d.DiskID, d.Type, d.Category, pl, d.SizeGiB)
	}
	return strings.Join(parts, ", ")
}

func checkDiskOwner(in *Input) Result {
	s := in.Spec
	if len(s.Disks) == 0 {
		return pass("no --disk: every disk keeps its category and performance level")
	}
	i, r := in.instance("DescribeDisks")
	if r != nil {
		return *r
	}
	var missing, found []string
	for _, d := range s.Disks {
		if fd := in.disk(d.ID); fd == nil {
			missing = append(missing, d.ID)
		} else {
			found = append(found, d.ID+" ("+fd.Type+")")
		}
	}
	if len(missing) > 0 {
		hint := i.InstanceID + " has no disk"
		if len(in.Facts.Disks) > 0 {
			hint = "the disks of " + i.InstanceID + " are " + diskList(in.Facts.Disks)
		}
		return fail(hint+"; fix or drop the --disk", "%s not attached to %s", plural(missing, "is", "are"), i.InstanceID)
	}
	return pass("%s attached to %s", plural(found, "is", "are"), i.InstanceID)
}

func plural(items []string, one, many string) string {
	if len(items) == 1 {
		return items[0] + " " + one
	}
	return strings.Join(items, ", ") + " " + many
}

func checkDiskPerformanceLevel(in *Input) Result {
	var problems, hints, ok, unknown []string
	for _, d := range in.Spec.Disks {
		if d.PerformanceLevel == "" {
			continue
		}
		pl, min := d.PerformanceLevel, PLMinGiB[d.PerformanceLevel]
		if d.Category != "" && d.Category != migration.CategoryESSD {
			problems = append(problems, fmt.Sprintf("%s on %s: %s needs category cloud_essd, not %s", pl, d.ID, pl, d.Category))
			hints = append(hints, fmt.Sprintf("for %s: set category=cloud_essd, or drop performance-level", d.ID))
			continue
		}
		if in.Offline {
			what := "its category and size need ECS DescribeDisks"
			if d.Category == migration.CategoryESSD {
				what = "category cloud_essd allows it; the size needs ECS DescribeDisks"
			}
			unknown = append(unknown, fmt.Sprintf("%s on %s: %s (%s needs at least %d GiB)", pl, d.ID, what, pl, min))
			continue
		}
		fd := in.disk(d.ID)
		if fd == nil {
			continue // disk-owner reports it
		}
		category := d.Category
		if category == "" {
			category = fd.Category
		}
		switch {
		case category != migration.CategoryESSD:
			problems = append(problems, fmt.Sprintf("%s on %s: %s is %s; a performance level needs cloud_essd", pl, d.ID, d.ID, category))
			hints = append(hints, fmt.Sprintf("for %s: add category=cloud_essd to its --disk, or drop performance-level", d.ID))
		case fd.SizeGiB < min:
			problems = append(problems, fmt.Sprintf("%s on %s: it has %d GiB; %s needs at least %d GiB", pl, d.ID, fd.SizeGiB, pl, min))
			hints = append(hints, fmt.Sprintf("for %s: choose %s, or resize it to at least %d GiB before the migration", d.ID, levelsFor(fd.SizeGiB), min))
		default:
			ok = append(ok, fmt.Sprintf("%s on %s (cloud_essd, %d GiB; %s needs %d GiB)", pl, d.ID, fd.SizeGiB, pl, min))
		}
	}
	switch {
	case len(problems) > 0:
		return fail(strings.Join(hints, "\n"), "%s", strings.Join(problems, "; "))
	case len(unknown) > 0:
		return skip("%s", strings.Join(unknown, "; "))
	case len(ok) > 0:
		return pass("%s", strings.Join(ok, "; "))
	}
	return pass("no performance level asked")
}

// levelsFor names the performance levels a disk of that size allows.
func levelsFor(sizeGiB int) string {
	var out []string
	for _, pl := range migration.PerformanceLevels {
		if sizeGiB >= PLMinGiB[pl] {
			out = append(out, pl)
		}
	}
	return strings.Join(out, " or ")
}

// Unfinished reports whether a job still holds its instance: anything but
// Finished and Expired. An InError or Stopped job can be resumed, so it
// blocks a new one; a Deleting job holds the instance until it is gone.
func Unfinished(status string) bool {
	return status != facts.JobFinished && status != facts.JobExpired
}

func checkActiveJob(in *Input) Result {
	if in.Offline {
		return skip("offline: needs SMC DescribeReplicationJobs")
	}
	s := in.Spec
	var open []*facts.Job
	done := 0
	for _, j := range in.Facts.Jobs {
		if (j.InstanceId != "" && j.InstanceId != s.InstanceID) || (j.JobType != 0 && j.JobType != facts.JobTypeCrossZone) {
			continue
		}
		if Unfinished(j.Status) {
			open = append(open, j)
		} else {
			done++
		}
	}
	if len(open) == 0 {
		if done > 0 {
			return pass("no unfinished cross-zone job (%d finished or expired)", done)
		}
		return pass("no cross-zone job")
	}
	var ids []string
	var hints []next.Hint
	for _, j := range open {
		ids = append(ids, j.JobId+" ("+j.Status+")")
		switch j.Status {
		case facts.JobInError, facts.JobStopped, facts.JobReady:
			hints = append(hints, next.Hintf("%s: resume it with '%s', or delete it with '%s' to start over",
				j.JobId, next.Cmd("retry", j.JobId), next.Cmd("delete", j.JobId).Confirmed()))
		case facts.JobDeleting:
			hints = append(hints, next.Hintf("%s: it is being deleted; repeat the dry run when it is gone", j.JobId))
		default:
			hints = append(hints, next.Hintf("%s: follow it with '%s'", j.JobId, next.Cmd("wait", j.JobId)))
		}
	}
	return failNext(next.Join(hints, "\n"), "%s already has %s: %s", s.InstanceID,
		map[bool]string{true: "an unfinished cross-zone job", false: "unfinished cross-zone jobs"}[len(open) == 1], strings.Join(ids, ", "))
}

// SnapshotMaxAge is how old the newest snapshot of a disk may be before
// recent-snapshot warns.
const SnapshotMaxAge = 24 * time.Hour

func checkRecentSnapshot(in *Input) Result {
	i, r := in.instance("DescribeSnapshots")
	if r != nil {
		return *r
	}
	if err := in.Facts.SnapshotsErr; err != nil {
		return warn("allow ecs:DescribeSnapshots to the RAM identity, or make sure yourself that every disk has a recent snapshot",
			"the snapshots could not be listed (%s)", err)
	}
	if len(in.Facts.Disks) == 0 {
		return skip("no disk of %s was found", i.InstanceID)
	}
	// The newest accomplished snapshot of each disk, and the newest one
	// still being taken: a snapshot in progress is not usable yet, but it
	// is not "no snapshot" either.
	newest, taking := map[string]facts.Snapshot{}, map[string]facts.Snapshot{}
	for _, sn := range in.Facts.Snapshots {
		var m map[string]facts.Snapshot
		switch {
		case sn.CreationTime.IsZero():
			continue
		case sn.Status == "accomplished":
			m = newest
		case sn.Status == "progressing":
			m = taking
		default:
			continue
		}
		if cur, ok := m[sn.SourceDiskID]; !ok || sn.CreationTime.After(cur.CreationTime) {
			m[sn.SourceDiskID] = sn
		}
	}
	var stale, fresh []string
	inProgress := 0
	for _, d := range in.Facts.Disks {
		sn, ok := newest[d.DiskID]
		var why string
		switch {
		case !ok && !in.Facts.SnapshotsSince.IsZero():
			why = "none since " + in.Facts.SnapshotsSince.UTC().Format("2006-01-02 15:04") + " UTC"
		case !ok:
			why = "no snapshot"
		case in.Now.Sub(sn.CreationTime) > SnapshotMaxAge:
			why = fmt.Sprintf("newest %s, %s ago", sn.SnapshotID, age(in.Now.Sub(sn.CreationTime)))
		default:
			fresh = append(fresh, fmt.Sprintf("%s (%s, %s ago)", d.DiskID, sn.SnapshotID, age(in.Now.Sub(sn.CreationTime))))
			continue
		}
		if t, ok := taking[d.DiskID]; ok {
			progress := ""
			if t.Progress != "" {
				progress = ", " + t.Progress
			}
			if why == "no snapshot" || strings.HasPrefix(why, "none since") {
				why = ""
			} else {
				why += "; "
			}
			why += fmt.Sprintf("%s in progress%s", t.SnapshotID, progress)
			inProgress++
		}
		stale = append(stale, d.DiskID+" ("+why+")")
	}
	if len(stale) > 0 {
		hint := fmt.Sprintf("take snapshots before the window, all disks at once: aliyun ecs CreateSnapshotGroup --RegionId %s --InstanceId %s", in.Spec.Region, i.InstanceID)
		if inProgress == len(stale) {
			hint = fmt.Sprintf("wait until the snapshots in progress are accomplished (aliyun ecs DescribeSnapshots --RegionId %s --InstanceId %s), then check again", in.Spec.Region, i.InstanceID)
		}
		return warn(hint, "no snapshot from the last 24 hours: %s", strings.Join(stale, ", "))
	}
	return pass("a snapshot from the last 24 hours of every disk: %s", strings.Join(fresh, ", "))
}

// count is n with its noun: "1 hour", "9 hours".
func count(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// age renders a duration for people: "9 hours", "3 days".
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0 minutes"
	case d < time.Hour:
		return count(int(d.Minutes()), "minute", "minutes")
	case d < 48*time.Hour:
		return count(int(d.Hours()), "hour", "hours")
	}
	return count(int(d.Hours()/24), "day", "days")
}

func checkInstanceStop(in *Input) Result {
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	switch i.Status {
	case "Running":
		return warn("stop the applications cleanly and tell their users before the window; the migration stops the instance itself",
			"%s is Running: it will be stopped for about %d minutes and started in %s", i.InstanceID, migration.DowntimeMinutes, in.Spec.TargetZone)
	case "Stopped":
		return pass("%s is Stopped: nothing running is interrupted", i.InstanceID)
	}
	return skip("%s is %s (see instance-status)", i.InstanceID, i.Status)
}

func checkBillingChange(in *Input) Result {
	if !in.typeChanges() {
		if in.Spec.TargetInstanceType != "" && in.currentType() == "" {
			if in.Offline {
				return skip("offline: give --source-instance-type to check it")
			}
			_, r := in.instance("DescribeInstances")
			return *r
		}
		return pass("the type does not change: billing does not change")
	}
	i, r := in.instance("DescribeInstances (the charge type)")
	if r != nil {
		return *r
	}
	if i.ChargeType == "PrePaid" {
		return warn("an upgrade charges the price difference for the rest of the term (with --auto-pay=false the order waits for payment in the console); "+
			"a downgrade refunds it and counts against the monthly downgrade quota",
			"subscription instance: %s to %s changes its price", i.InstanceType, in.Spec.TargetInstanceType)
	}
	to := in.Spec.TargetInstanceType
	from, target := in.Facts.FamilyTypes.Lookup(i.InstanceType), in.Facts.FamilyTypes.Lookup(to)
	switch {
	case from == nil || target == nil:
		return warn("compare the two types' prices before the window (the ECS pricing page or the console's change-type dialog)",
			"%s: billed at the price of %s from the migration on; its size could not be compared with %s", i.ChargeType, to, i.InstanceType)
	case target.CPU > from.CPU || target.MemoryGiB > from.MemoryGiB:
		// Within a family the price follows the size, so the ratio of sizes is
		// the ratio of prices, near enough to warn about.
		return warn("an upgrade: the hourly price grows with the size; make sure the budget and any savings plan cover it",
			"%s: %s (%s) to %s (%s) is an upgrade, about %s the price", i.ChargeType,
			i.InstanceType, size(from), to, size(target), ratio(from, target))
	}
	return pass("%s: %s (%s) to %s (%s) is a downgrade or the same size: billed at the price of %s from the migration on",
		i.ChargeType, i.InstanceType, size(from), to, size(target), to)
}

func size(t *facts.InstanceType) string {
	return fmt.Sprintf("%d vCPU, %s GiB", t.CPU, strconv.FormatFloat(t.MemoryGiB, 'f', -1, 64))
}

// ratio is how many times larger target is than from, by the larger of the
// vCPU and memory ratios.
func ratio(from, target *facts.InstanceType) string {
	r := 0.0
	if from.CPU > 0 {
		r = float64(target.CPU) / float64(from.CPU)
	}
	if from.MemoryGiB > 0 {
		r = math.Max(r, target.MemoryGiB/from.MemoryGiB)
	}
	if r <= 0 {
		return "a higher"
	}
	return strconv.FormatFloat(r, 'g', 2, 64) + "x"
}

func checkPrivateIP(in *Input) Result {
	hint := "update what refers to the old address: DNS records, allow-lists and security group rules by IP, configuration files, SLB backends"
	if in.Offline {
		return warn(hint, "the private IP changes: the instance gets an address of the new vSwitch")
	}
	i, r := in.instance("DescribeInstances")
	if r != nil {
		return *r
	}
	old := "the private IP"
	if len(i.PrivateIPs) > 0 {
		old = "the private IP " + strings.Join(i.PrivateIPs, ", ")
	}
	where := "the new vSwitch"
	if v := in.Facts.VSwitch; v != nil && v.CidrBlock != "" {
		where = v.VSwitchID + " (" + v.CidrBlock + ")"
	}
	return warn(hint, "%s changes: %s gets an address of %s", old, i.InstanceID, where)
}
