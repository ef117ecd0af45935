package fakeapi

import (
	"fmt"
	"net/url"
	"testing"
	"time"
)

func testRegion(n int) *Region {
	g := &Region{ID: "cn-test", Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Zones: []RegionZone{{ZoneID: "cn-test-a", Stock: map[string]map[string]string{"PostPaid": {"ecs.g7.large": "Available", "ecs.g7.xlarge": "SoldOut"}}}},
		Types: []RegionType{{"ecs.g7.large", "ecs.g7", 2, 8}},
	}
	for i := range n {
		id := fmt.Sprintf("i-test%04d", i)
		tags := map[string]string{"env": "prod"}
		if i%2 == 1 {
			tags["env"] = "dev"
		}
		g.Instances = append(g.Instances, RegionInstance{InstanceID: id, ZoneID: "cn-test-a", InstanceType: "ecs.g7.large", VpcID: "vpc-1", Tags: tags})
		g.VSwitches = append(g.VSwitches, RegionVSwitch{VSwitchID: fmt.Sprintf("vsw-test%04d", i), VpcID: "vpc-1", ZoneID: "cn-test-a", FreeIPs: int64(i)})
	}
	return g
}

func req(kv ...string) *Request {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return &Request{Params: v}
}

func field(t *testing.T, body any, path ...string) any {
	t.Helper()
	var v any = body
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	return v
}

func TestRegionPagesAtDefaultSizes(t *testing.T) {
	g := testRegion(25)
	tests := []struct {
		name  string
		fn    func(*Request) (int, any)
		r     *Request
		path  []string
		count int
		next  any
	}{
		{"instances: 10 by default", g.describeInstances, req(), []string{"Instances", "Instance"}, 10, "tok-10"},
		{"instances: MaxResults", g.describeInstances, req("MaxResults", "100"), []string{"Instances", "Instance"}, 25, ""},
		{"instances: next page", g.describeInstances, req("MaxResults", "20", "NextToken", "tok-20"), []string{"Instances", "Instance"}, 5, ""},
		{"instances: a tag", g.describeInstances, req("MaxResults", "100", "Tag.1.Key", "env", "Tag.1.Value", "prod"), []string{"Instances", "Instance"}, 13, ""},
		{"instances: by ID", g.describeInstances, req("InstanceIds", `["i-test0003","i-nope"]`), []string{"Instances", "Instance"}, 1, ""},
		{"vswitches: 10 by default", g.describeVSwitches, req("VpcId", "vpc-1"), []string{"VSwitches", "VSwitch"}, 10, nil},
		{"vswitches: last page", g.describeVSwitches, req("PageSize", "20", "PageNumber", "2"), []string{"VSwitches", "VSwitch"}, 5, nil},
		{"disks: by zone", g.describeDisks, req("ZoneId", "cn-test-a", "MaxResults", "500"), []string{"Disks", "Disk"}, 25, ""},
		{"snapshots: 10 by default", g.describeSnapshots, req("Filter.1.Key", "CreationStartTime", "Filter.1.Value", "2026-11-27T00:00Z"), []string{"Snapshots", "Snapshot"}, 10, nil},
		{"snapshots: none that recent", g.describeSnapshots, req("Filter.1.Key", "CreationStartTime", "Filter.1.Value", "2026-11-27T11:00Z", "MaxResults", "100"), []string{"Snapshots", "Snapshot"}, 0, ""},
		{"stock: region-wide", g.describeAvailableResource, req("DestinationResource", "InstanceType"), []string{"AvailableZones", "AvailableZone"}, 1, nil},
		{"stock: no prepaid", g.describeAvailableResource, req("DestinationResource", "InstanceType", "InstanceChargeType", "PrePaid"), []string{"AvailableZones", "AvailableZone"}, 0, nil},
		{"types of families", g.describeInstanceTypes, req("InstanceTypeFamilies.1", "ecs.g7"), []string{"InstanceTypes", "InstanceType"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tt.fn(tt.r)
			if status != 200 {
				t.Fatalf("status %d: %v", status, body)
			}
			if got := len(field(t, body, tt.path...).([]any)); got != tt.count {
				t.Errorf("%d items, want %d", got, tt.count)
			}
			if tt.next != nil && body.(map[string]any)["NextToken"] != tt.next {
				t.Errorf("NextToken %v, want %v", body.(map[string]any)["NextToken"], tt.next)
			}
		})
	}
}

func TestRegionRefusesWhatTheAPIRefuses(t *testing.T) {
	g := testRegion(3)
	ids := `["i-1"` + fmt.Sprintf("%0101d", 0)
	tests := []struct {
		name string
		fn   func(*Request) (int, any)
		r    *Request
	}{
		{"MaxResults over 100", g.describeInstances, req("MaxResults", "101")},
		{"PageSize over 50", g.describeVSwitches, req("PageSize", "51")},
		{"a bad token", g.describeInstances, req("NextToken", "x")},
		{"a token before the list", g.describeInstances, req("NextToken", "tok--1")},
		{"PageNumber 0", g.describeDisks, req("PageNumber", "0")},
		{"InstanceIds not JSON", g.describeInstances, req("InstanceIds", ids)},
		{"disks MaxResults under 10", g.describeDisks, req("MaxResults", "5")},
		{"51 instance IDs for jobs", g.describeJobs, func() *Request {
			r := req()
			for i := 1; i <= 51; i++ {
				r.Params.Set(fmt.Sprintf("InstanceId.%d", i), fmt.Sprintf("i-%d", i))
			}
			return r
		}()},
		{"another destination", g.describeAvailableResource, req("DestinationResource", "Zone")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, body := tt.fn(tt.r); status != 400 {
				t.Errorf("status %d, want 400: %v", status, body)
			}
		})
	}
}
