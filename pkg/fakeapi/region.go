package fakeapi

import (
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

// Serve makes srv answer the read-only actions of a plan from the region,
// and those of its load balancers (none). Steps queued with On still come
// first.
func (g *Region) Serve(srv *Server) {
	NewLoadBalancers(srv)
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
	tags := tagFilter(r)
	var match []RegionInstance
	for _, in := range g.Instances {
		if ids != nil && !slices.Contains(ids, in.InstanceID) ||
			r.Params.Get("ZoneId") != "" && in.ZoneID != r.Params.Get("ZoneId") ||
			r.Params.Get("VpcId") != "" && in.VpcID != r.Params.Get("VpcId") ||
			!hasTags(in.Tags, tags) {
			continue
		}
		match = append(match, in)
	}
	return listAnswer(r, "REGION-INSTANCES", match, paging{token: sizes{10, 1, 100}, number: sizes{10, 1, 100}},
		"Instances", "Instance", g.instance)
}

func (g *Region) instance(in RegionInstance) (any, error) {
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
	return map[string]any{
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
	}, nil
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
	return listAnswer(r, "REGION-DISKS", match, paging{token: sizes{10, 10, 500}, number: sizes{10, 1, 100}},
		"Disks", "Disk", func(d regionDisk) (any, error) {
			return map[string]any{"DiskId": d.id, "InstanceId": d.instance, "ZoneId": d.zone, "Type": "system",
				"Category": "cloud_essd", "PerformanceLevel": "PL0", "Size": 40, "Status": "In_use"}, nil
		})
}

func (g *Region) describeSnapshots(r *Request) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	since, bad := createdSince(r)
	if bad != nil {
		return bad.answer()
	}
	taken := g.Now.Add(-2 * time.Hour).UTC()
	var match []regionDisk
	for _, d := range g.disks() {
		if taken.Before(since) ||
			r.Params.Get("InstanceId") != "" && d.instance != r.Params.Get("InstanceId") ||
			r.Params.Get("DiskId") != "" && d.id != r.Params.Get("DiskId") {
			continue
		}
		match = append(match, d)
	}
	return listAnswer(r, "REGION-SNAPSHOTS", match, paging{token: sizes{10, 1, 100}, number: sizes{10, 1, 100}},
		"Snapshots", "Snapshot", func(d regionDisk) (any, error) {
			return map[string]any{"SnapshotId": "s-" + strings.TrimPrefix(d.id, "d-"), "SourceDiskId": d.id,
				"Status": "accomplished", "CreationTime": taken.Format(time.RFC3339)}, nil
		})
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
	status, out := listAnswer(r, "REGION-TYPES", match, paging{token: sizes{100, 1, 100}},
		"InstanceTypes", "InstanceType", func(t RegionType) (any, error) {
			return map[string]any{"InstanceTypeId": t.ID, "InstanceTypeFamily": t.Family, "CpuCoreCount": t.CPU, "MemorySize": t.MemoryGiB}, nil
		})
	if m, ok := out.(map[string]any); ok {
		delete(m, "TotalCount") // DescribeInstanceTypes answers none
	}
	return status, out
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
	return listAnswer(r, "REGION-VSWITCHES", match, paging{number: sizes{10, 1, 50}},
		"VSwitches", "VSwitch", func(v RegionVSwitch) (any, error) {
			return map[string]any{"VSwitchId": v.VSwitchID, "VSwitchName": "", "VpcId": v.VpcID, "ZoneId": v.ZoneID,
				"Status": or(v.Status, "Available"), "CidrBlock": or(v.CidrBlock, "172.16.0.0/24"), "AvailableIpAddressCount": v.FreeIPs}, nil
		})
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
	return listAnswer(r, "REGION-JOBS", match, paging{number: sizes{10, 1, 50}},
		"ReplicationJobs", "ReplicationJob", func(j job) (any, error) {
			return map[string]any{"JobId": "j-" + strings.TrimPrefix(j.instance, "i-"), "JobType": 2, "Status": j.status,
				"BusinessStatus": "Syncing", "Progress": 10, "InstanceId": j.instance, "RegionId": g.ID,
				"CreationTime": g.Now.Add(-time.Hour).UTC().Format(time.RFC3339)}, nil
		})
}
