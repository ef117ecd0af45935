package fakeapi

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Region models a whole region for plan tests and benchmarks: zones that
// sell instance types per charge type, VPCs with vSwitches, instance families,
// and instances with tags, disks and snapshots. Unlike the recorded answers,
// every list honours the API's filters and pages at its default size (10 for
// most ECS and VPC lists), so a client that reads only the first page, or
// sends a page size the API refuses, fails its test.
type Region struct {
	ID string
	// Now is when the snapshots were taken from: each disk has one, two hours
	// before Now.
	Now       time.Time
	Zones     []RegionZone
	VSwitches []RegionVSwitch
	Types     []RegionType
	Instances []RegionInstance
	// Jobs are cross-zone migration jobs: instance ID -> status.
	Jobs map[string]string

	mu sync.Mutex
}

// RegionZone is a zone and what it sells: charge type -> instance type ->
// Available or SoldOut.
type RegionZone struct {
	ZoneID string
	Stock  map[string]map[string]string
}

// RegionVSwitch is a vSwitch; Status defaults to Available.
type RegionVSwitch struct {
	VSwitchID, VpcID, ZoneID, Status, CidrBlock string
	FreeIPs                                     int64
}

// RegionType is an instance type.
type RegionType struct {
	ID, Family string
	CPU        int
	MemoryGiB  float64
}

// RegionInstance is an instance; empty fields take healthy defaults
// (Running, vpc, NoSpot, PostPaid).
type RegionInstance struct {
	InstanceID, ZoneID, InstanceType, VpcID, VSwitchID string
	Status, NetworkType, SpotStrategy, ChargeType      string
	Tags                                               map[string]string
}

// Serve makes srv answer the read-only actions of a plan from the region.
// Steps queued with On still come first.
func (g *Region) Serve(srv *Server) {
	for action, fn := range map[string]func(*Request) (int, any){
		"DescribeInstances":         g.describeInstances,
		"DescribeDisks":             g.describeDisks,
		"DescribeSnapshots":         g.describeSnapshots,
		"DescribeAvailableResource": g.describeAvailableResource,
		"DescribeInstanceTypes":     g.describeInstanceTypes,
		"DescribeVSwitches":         g.describeVSwitches,
		"DescribeReplicationJobs":   g.describeJobs,
	} {
		srv.Always(action, Step{Respond: fn})
	}
}

// RegionDisk is the system disk of an instance: d- and the instance ID's
// suffix after i-.
func RegionDisk(instanceID string) string { return "d-" + strings.TrimPrefix(instanceID, "i-") }

func invalidParam(name, format string, args ...any) (int, any) {
	return 400, map[string]string{"RequestId": "REGION-INVALID", "Code": "InvalidParameter." + name,
		"Message": fmt.Sprintf(format, args...)}
}

// tokenPage cuts a page by MaxResults (def when absent, at most max) and
// NextToken, as the newer ECS lists do; "" when the list ends.
func tokenPage[T any](r *Request, items []T, def, lo, hi int) ([]T, string, *errorAnswer) {
	size := def
	if v := r.Params.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return nil, "", &errorAnswer{"MaxResults", fmt.Sprintf("MaxResults %q must be %d to %d", v, lo, hi)}
		}
		size = n
	}
	from := 0
	if t := r.Params.Get("NextToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "tok-"))
		if err != nil || !strings.HasPrefix(t, "tok-") || n > len(items) {
			return nil, "", &errorAnswer{"NextToken", "NextToken " + t + " is not valid"}
		}
		from = n
	}
	to := min(from+size, len(items))
	next := ""
	if to < len(items) {
		next = "tok-" + strconv.Itoa(to)
	}
	return items[from:to], next, nil
}

// numberPage cuts a page by PageNumber (from 1) and PageSize (def when
// absent, at most max).
func numberPage[T any](r *Request, items []T, def, hi int) ([]T, int, int, *errorAnswer) {
	size, page := def, 1
	if v := r.Params.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hi {
			return nil, 0, 0, &errorAnswer{"PageSize", fmt.Sprintf("PageSize %q must be 1 to %d", v, hi)}
		}
		size = n
	}
	if v := r.Params.Get("PageNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, 0, 0, &errorAnswer{"PageNumber", fmt.Sprintf("PageNumber %q must be at least 1", v)}
		}
		page = n
	}
	from := min((page-1)*size, len(items))
	return items[from:min(from+size, len(items))], page, size, nil
}

type errorAnswer struct{ param, msg string }

func (e *errorAnswer) answer() (int, any) { return invalidParam(e.param, "%s", e.msg) }

// repeatList reads a RepeatList parameter: Name.1, Name.2, ... (at most max).
func repeatList(r *Request, name string, max int) ([]string, *errorAnswer) {
	var out []string
	for i := 1; ; i++ {
		v := r.Params.Get(name + "." + strconv.Itoa(i))
		if v == "" {
			break
		}
		out = append(out, v)
	}
	if len(out) > max {
		return nil, &errorAnswer{name, fmt.Sprintf("%s takes at most %d items, not %d", name, max, len(out))}
	}
	return out, nil
}

// jsonIDs reads a parameter holding a JSON array of IDs (at most max).
func jsonIDs(r *Request, name string, max int) ([]string, *errorAnswer) {
	v := r.Params.Get(name)
	if v == "" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(v), &ids); err != nil {
		return nil, &errorAnswer{name, name + " is not a JSON array of strings"}
	}
	if len(ids) > max {
		return nil, &errorAnswer{name, fmt.Sprintf("%s takes at most %d IDs, not %d", name, max, len(ids))}
	}
	return ids, nil
}

func (g *Region) instanceType(id string) RegionType {
	for _, t := range g.Types {
		if t.ID == id {
			return t
		}
	}
	return RegionType{ID: id}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (g *Region) describeInstances(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids, bad := jsonIDs(r, "InstanceIds", 100)
	if bad != nil {
		return bad.answer()
	}
	tags := map[string]string{}
	for i := 1; i <= 20; i++ {
		if k := r.Params.Get(fmt.Sprintf("Tag.%d.Key", i)); k != "" {
			tags[k] = r.Params.Get(fmt.Sprintf("Tag.%d.Value", i))
		}
	}
	var match []RegionInstance
	for _, in := range g.Instances {
		if ids != nil && !slices.Contains(ids, in.InstanceID) ||
			r.Params.Get("ZoneId") != "" && in.ZoneID != r.Params.Get("ZoneId") ||
			r.Params.Get("VpcId") != "" && in.VpcID != r.Params.Get("VpcId") {
			continue
		}
		ok := true
		for k, v := range tags {
			if got, has := in.Tags[k]; !has || v != "" && got != v {
				ok = false
			}
		}
		if ok {
			match = append(match, in)
		}
	}
	out := map[string]any{"RequestId": "REGION-INSTANCES", "TotalCount": len(match)}
	var page []RegionInstance
	if r.Params.Get("PageSize") != "" || r.Params.Get("PageNumber") != "" {
		var n, size int
		var bad *errorAnswer
		if page, n, size, bad = numberPage(r, match, 10, 100); bad != nil {
			return bad.answer()
		}
		out["PageNumber"], out["PageSize"] = n, size
	} else {
		var next string
		var bad *errorAnswer
		if page, next, bad = tokenPage(r, match, 10, 1, 100); bad != nil {
			return bad.answer()
		}
		out["NextToken"] = next
	}
	list := []any{}
	for _, in := range page {
		t := g.instanceType(in.InstanceType)
		var tagList []any
		for _, k := range slices.Sorted(maps.Keys(in.Tags)) {
			tagList = append(tagList, map[string]string{"TagKey": k, "TagValue": in.Tags[k]})
		}
		network := or(in.NetworkType, "vpc")
		vpc := map[string]any{"VpcId": in.VpcID, "VSwitchId": in.VSwitchID, "PrivateIpAddress": map[string]any{"IpAddress": []string{}}}
		if network == "vpc" {
			vpc["PrivateIpAddress"] = map[string]any{"IpAddress": []string{"172.16.0." + strconv.Itoa(len(in.InstanceID)%250+2)}}
		}
		list = append(list, map[string]any{
			"InstanceId": in.InstanceID, "RegionId": g.ID, "ZoneId": in.ZoneID, "Status": or(in.Status, "Running"),
			"InstanceType": in.InstanceType, "InstanceTypeFamily": t.Family, "Cpu": t.CPU, "Memory": int(t.MemoryGiB * 1024),
			"InstanceChargeType": or(in.ChargeType, "PostPaid"), "SpotStrategy": or(in.SpotStrategy, "NoSpot"),
			"InstanceNetworkType": network, "VpcAttributes": vpc,
			"PublicIpAddress": map[string]any{"IpAddress": []string{}},
			"EipAddress":      map[string]any{"AllocationId": "", "IpAddress": ""},
			"OperationLocks":  map[string]any{"LockReason": []any{}},
			"NetworkInterfaces": map[string]any{"NetworkInterface": []any{map[string]any{
				"NetworkInterfaceId": "eni-" + strings.TrimPrefix(in.InstanceID, "i-"), "Type": "Primary",
				"Ipv6Sets": map[string]any{"Ipv6Set": []any{}}}}},
			"Tags": map[string]any{"Tag": tagList},
		})
	}
	out["Instances"] = map[string]any{"Instance": list}
	return 200, out
}

type regionDisk struct{ id, instance, zone string }

func (g *Region) disks() []regionDisk {
	out := make([]regionDisk, len(g.Instances))
	for i, in := range g.Instances {
		out[i] = regionDisk{RegionDisk(in.InstanceID), in.InstanceID, in.ZoneID}
	}
	return out
}

func (g *Region) describeDisks(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids, bad := jsonIDs(r, "DiskIds", 100)
	if bad != nil {
		return bad.answer()
	}
	var match []regionDisk
	for _, d := range g.disks() {
		if ids != nil && !slices.Contains(ids, d.id) ||
			r.Params.Get("InstanceId") != "" && d.instance != r.Params.Get("InstanceId") ||
			r.Params.Get("ZoneId") != "" && d.zone != r.Params.Get("ZoneId") {
			continue
		}
		match = append(match, d)
	}
	out := map[string]any{"RequestId": "REGION-DISKS", "TotalCount": len(match)}
	var page []regionDisk
	if r.Params.Get("MaxResults") != "" || r.Params.Get("NextToken") != "" {
		var next string
		if page, next, bad = tokenPage(r, match, 10, 10, 500); bad != nil {
			return bad.answer()
		}
		out["NextToken"] = next
	} else {
		var n, size int
		if page, n, size, bad = numberPage(r, match, 10, 100); bad != nil {
			return bad.answer()
		}
		out["PageNumber"], out["PageSize"] = n, size
	}
	list := []any{}
	for _, d := range page {
		list = append(list, map[string]any{"DiskId": d.id, "InstanceId": d.instance, "ZoneId": d.zone, "Type": "system",
			"Category": "cloud_essd", "PerformanceLevel": "PL0", "Size": 40, "Status": "In_use"})
	}
	out["Disks"] = map[string]any{"Disk": list}
	return 200, out
}

func (g *Region) describeSnapshots(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	taken := g.Now.Add(-2 * time.Hour).UTC()
	for i := 1; i <= 10; i++ {
		key, value := r.Params.Get(fmt.Sprintf("Filter.%d.Key", i)), r.Params.Get(fmt.Sprintf("Filter.%d.Value", i))
		if key == "CreationStartTime" {
			from, err := time.Parse("2006-01-02T15:04Z", value)
			if err != nil {
				return invalidParam("Filter", "CreationStartTime %q is not yyyy-MM-ddTHH:mmZ", value)
			}
			if taken.Before(from) {
				taken = time.Time{} // older than asked: none match
			}
		}
	}
	var match []regionDisk
	for _, d := range g.disks() {
		if taken.IsZero() ||
			r.Params.Get("InstanceId") != "" && d.instance != r.Params.Get("InstanceId") ||
			r.Params.Get("DiskId") != "" && d.id != r.Params.Get("DiskId") {
			continue
		}
		match = append(match, d)
	}
	out := map[string]any{"RequestId": "REGION-SNAPSHOTS", "TotalCount": len(match)}
	var page []regionDisk
	var bad *errorAnswer
	if r.Params.Get("MaxResults") != "" || r.Params.Get("NextToken") != "" {
		var next string
		if page, next, bad = tokenPage(r, match, 10, 1, 100); bad != nil {
			return bad.answer()
		}
		out["NextToken"] = next
	} else {
		var n, size int
		if page, n, size, bad = numberPage(r, match, 10, 100); bad != nil {
			return bad.answer()
		}
		out["PageNumber"], out["PageSize"] = n, size
	}
	list := []any{}
	for _, d := range page {
		list = append(list, map[string]any{"SnapshotId": "s-" + strings.TrimPrefix(d.id, "d-"), "SourceDiskId": d.id,
			"Status": "accomplished", "CreationTime": taken.Format(time.RFC3339)})
	}
	out["Snapshots"] = map[string]any{"Snapshot": list}
	return 200, out
}

func (g *Region) describeAvailableResource(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if d := r.Params.Get("DestinationResource"); d != "InstanceType" {
		return invalidParam("DestinationResource", "the region model answers DestinationResource=InstanceType only, not %q", d)
	}
	charge := or(r.Params.Get("InstanceChargeType"), "PostPaid")
	zones := []any{}
	for _, z := range g.Zones {
		if id := r.Params.Get("ZoneId"); id != "" && z.ZoneID != id {
			continue
		}
		stock := z.Stock[charge]
		if len(stock) == 0 {
			continue
		}
		var supported []any
		for _, t := range slices.Sorted(maps.Keys(stock)) {
			if want := r.Params.Get("InstanceType"); want != "" && t != want {
				continue
			}
			category := "WithStock"
			if stock[t] != "Available" {
				category = "WithoutStock"
			}
			supported = append(supported, map[string]any{"Value": t, "Status": stock[t], "StatusCategory": category})
		}
		zones = append(zones, map[string]any{"RegionId": g.ID, "ZoneId": z.ZoneID, "Status": "Available", "StatusCategory": "WithStock",
			"AvailableResources": map[string]any{"AvailableResource": []any{map[string]any{"Type": "InstanceType",
				"SupportedResources": map[string]any{"SupportedResource": supported}}}}})
	}
	return 200, map[string]any{"RequestId": "REGION-STOCK", "AvailableZones": map[string]any{"AvailableZone": zones}}
}

func (g *Region) describeInstanceTypes(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	families, bad := repeatList(r, "InstanceTypeFamilies", 10)
	if bad != nil {
		return bad.answer()
	}
	if f := r.Params.Get("InstanceTypeFamily"); f != "" {
		families = append(families, f)
	}
	types, bad := repeatList(r, "InstanceTypes", 10)
	if bad != nil {
		return bad.answer()
	}
	var match []RegionType
	for _, t := range g.Types {
		if len(families) > 0 && !slices.Contains(families, t.Family) || len(types) > 0 && !slices.Contains(types, t.ID) {
			continue
		}
		match = append(match, t)
	}
	page, next, bad := tokenPage(r, match, 100, 1, 100)
	if bad != nil {
		return bad.answer()
	}
	list := []any{}
	for _, t := range page {
		list = append(list, map[string]any{"InstanceTypeId": t.ID, "InstanceTypeFamily": t.Family, "CpuCoreCount": t.CPU, "MemorySize": t.MemoryGiB})
	}
	return 200, map[string]any{"RequestId": "REGION-TYPES", "NextToken": next, "InstanceTypes": map[string]any{"InstanceType": list}}
}

func (g *Region) describeVSwitches(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var match []RegionVSwitch
	for _, v := range g.VSwitches {
		if id := r.Params.Get("VSwitchId"); id != "" && v.VSwitchID != id ||
			r.Params.Get("VpcId") != "" && v.VpcID != r.Params.Get("VpcId") ||
			r.Params.Get("ZoneId") != "" && v.ZoneID != r.Params.Get("ZoneId") {
			continue
		}
		match = append(match, v)
	}
	page, n, size, bad := numberPage(r, match, 10, 50)
	if bad != nil {
		return bad.answer()
	}
	list := []any{}
	for _, v := range page {
		list = append(list, map[string]any{"VSwitchId": v.VSwitchID, "VSwitchName": "", "VpcId": v.VpcID, "ZoneId": v.ZoneID,
			"Status": or(v.Status, "Available"), "CidrBlock": or(v.CidrBlock, "172.16.0.0/24"), "AvailableIpAddressCount": v.FreeIPs})
	}
	return 200, map[string]any{"RequestId": "REGION-VSWITCHES", "TotalCount": len(match), "PageNumber": n, "PageSize": size,
		"VSwitches": map[string]any{"VSwitch": list}}
}

func (g *Region) describeJobs(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	instances, bad := repeatList(r, "InstanceId", 50)
	if bad != nil {
		return bad.answer()
	}
	if _, bad := repeatList(r, "JobId", 50); bad != nil {
		return bad.answer()
	}
	type job struct{ instance, status string }
	var match []job
	for _, id := range slices.Sorted(maps.Keys(g.Jobs)) {
		if len(instances) > 0 && !slices.Contains(instances, id) {
			continue
		}
		match = append(match, job{id, g.Jobs[id]})
	}
	page, n, size, bad := numberPage(r, match, 10, 50)
	if bad != nil {
		return bad.answer()
	}
	list := []any{}
	for _, j := range page {
		list = append(list, map[string]any{"JobId": "j-" + strings.TrimPrefix(j.instance, "i-"), "JobType": 2, "Status": j.status,
			"BusinessStatus": "Syncing", "Progress": 10, "InstanceId": j.instance, "RegionId": g.ID,
			"CreationTime": g.Now.Add(-time.Hour).UTC().Format(time.RFC3339)})
	}
	return 200, map[string]any{"RequestId": "REGION-JOBS", "TotalCount": len(match), "PageNumber": n, "PageSize": size,
		"ReplicationJobs": map[string]any{"ReplicationJob": list}}
}
