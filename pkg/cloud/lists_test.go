package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// since is where the test fleet's bulk snapshot read starts: after the
// recorded old snapshot (2026-11-20), before the recent one (2026-11-27).
var since = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// newTestFleet is a Gatherer over a fake fleet of n instances whose every page
// holds at most pageLimit items, whatever was asked.
func newTestFleet(t *testing.T, n, pageLimit int) (*Gatherer, *fakeapi.Server, *fakeapi.Fleet, []string) {
	t.Helper()
	g, srv := newTestGatherer(t)
	ids := fakeapi.FleetInstances(n)
	fl := fakeapi.NewFleet(srv, ids...)
	fl.PageLimit = pageLimit
	return g, srv, fl, ids
}

// requestsOf returns the parameters of every request of an action.
func requestsOf(srv *fakeapi.Server, action string) []url.Values {
	var out []url.Values
	for _, r := range srv.Requests() {
		if r.Action == action {
			out = append(out, r.Params)
		}
	}
	return out
}

// Every list is read to its last page, whatever size the service answers in.
func TestListsReadEveryPage(t *testing.T) {
	g, srv, fl, ids := newTestFleet(t, 25, 4)
	c := g.cloud
	ctx := context.Background()
	for _, id := range ids[:12] {
		fl.AddJob(id, "Running")
	}
	for _, id := range ids[5:15] {
		fl.Tag(id, "team", "web")
	}

	check := func(what string, got, want, minPages int, action string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %d items; want %d", what, got, want)
		}
		if n := len(requestsOf(srv, action)); n < minPages {
			t.Errorf("%s: %d pages; want at least %d", what, n, minPages)
		}
	}

	m, err := c.Instances(ctx, ids)
	check("instances by ID", len(m), 25, 7, "DescribeInstances", err)
	for _, p := range requestsOf(srv, "DescribeInstances") {
		if p.Get("MaxResults") != "100" || p.Has("PageSize") || p.Has("PageNumber") {
			t.Errorf("DescribeInstances sent %v; want MaxResults=100 and no PageSize (deprecated)", p)
		}
	}
	srv.Reset()
	list, err := c.DescribeInstances(ctx, InstanceFilter{ZoneID: "cn-hangzhou-h", Tags: []Tag{{Key: "team", Value: "web"}}})
	check("instances by zone and tag", len(list), 10, 3, "DescribeInstances", err)
	if p := requestsOf(srv, "DescribeInstances")[0]; p.Get("ZoneId") != "cn-hangzhou-h" || p.Get("Tag.1.Key") != "team" || p.Get("Tag.1.Value") != "web" {
		t.Errorf("DescribeInstances sent %v; want the zone and tag filters", p)
	}

	disks, err := c.DisksInZone(ctx, "cn-hangzhou-h")
	check("disks of a zone", len(disks), 25, 7, "DescribeDisks", err)
	if p := requestsOf(srv, "DescribeDisks")[0]; p.Get("MaxResults") != "500" || p.Get("ZoneId") != "cn-hangzhou-h" {
		t.Errorf("DescribeDisks sent %v; want ZoneId and MaxResults=500", p)
	}

	snaps, err := c.SnapshotsSince(ctx, since)
	check("recent snapshots of the region", len(snaps), 25, 7, "DescribeSnapshots", err)
	if p := requestsOf(srv, "DescribeSnapshots")[0]; p.Get("Filter.1.Key") != "CreationStartTime" || p.Get("Filter.1.Value") != "2026-11-26T12:00Z" {
		t.Errorf("DescribeSnapshots sent %v; want the CreationStartTime filter", p)
	}

	jobs, err := c.CrossZoneJobs(ctx, ids[:20]...)
	check("jobs of 20 instances", len(jobs), 12, 3, "DescribeReplicationJobs", err)

	vsws, err := c.VSwitchesOfVPC(ctx, "vpc-bp1opxu1zkhn00gzv0001")
	fl.PageLimit = 1
	check("vSwitches of a VPC", len(vsws), 4, 1, "DescribeVSwitches", err)
	srv.Reset()
	vsws, err = c.VSwitchesOfVPC(ctx, "vpc-bp1opxu1zkhn00gzv0001")
	check("vSwitches of a VPC, one a page", len(vsws), 4, 4, "DescribeVSwitches", err)

	// DescribeInstanceTypes pages by NextToken too.
	srv.On("DescribeInstanceTypes",
		fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
			return 200, map[string]any{"RequestId": "T1", "NextToken": "t2", "InstanceTypes": map[string]any{"InstanceType": []any{
				map[string]any{"InstanceTypeId": "ecs.g7.large", "InstanceTypeFamily": "ecs.g7", "CpuCoreCount": 2, "MemorySize": 8}}}}
		}},
		fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
			if r.Params.Get("NextToken") != "t2" {
				return 400, map[string]string{"Code": "InvalidParameter.NextToken"}
			}
			return 200, map[string]any{"RequestId": "T2", "InstanceTypes": map[string]any{"InstanceType": []any{
				map[string]any{"InstanceTypeId": "ecs.g7.xlarge", "InstanceTypeFamily": "ecs.g7", "CpuCoreCount": 4, "MemorySize": 16}}}}
		}})
	types, err := c.InstanceTypesOfFamily(ctx, "ecs.g7")
	check("types of a family", len(types), 2, 2, "DescribeInstanceTypes", err)
}

// A batch is read in a few bulk calls, and every migration's facts come from
// them: nothing is read per migration.
func TestPrefetchReadsInBulk(t *testing.T) {
	const n = 250
	g, srv, fl, ids := newTestFleet(t, n, 0)
	fl.AddJob(ids[3], "Running")
	targets := make([]facts.Target, n)
	for i, id := range ids {
		targets[i] = facts.Target{InstanceID: id, Zone: "cn-hangzhou-i", VSwitchID: "vsw-bp1mxqnssl8nafltc0001", InstanceType: "ecs.g7.xlarge"}
	}
	ctx := context.Background()
	if err := g.Prefetch(ctx, targets); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"DescribeInstances":         3, // 100 IDs a call
		"DescribeReplicationJobs":   5, // 50 instances a call
		"DescribeVSwitches":         1, // the target vSwitch
		"DescribeSnapshots":         3, // the region's recent ones, 100 a page
		"DescribeDisks":             1, // the zone's, 500 a page
		"DescribeAvailableResource": 1, // the region's, for the one charge type
		"DescribeInstanceTypes":     1, // the one family
	}
	if got := countActions(srv); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("prefetch sent %v; want %v", got, want)
	}
	srv.Reset()
	for i, tg := range targets {
		f, err := g.Gather(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		if f.Instance == nil || len(f.Disks) != 1 || f.Disks[0].DiskID != fakeapi.FleetDisk(ids[i]) || len(f.Snapshots) != 1 ||
			!f.SnapshotsSince.Equal(since) || f.Stock == nil || f.FamilyTypes == nil || f.VSwitch == nil || (len(f.Jobs) == 1) != (i == 3) {
			t.Fatalf("facts of %s: %+v", ids[i], f)
		}
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Errorf("gathering after the prefetch sent %d requests (%s ...); want none", len(reqs), reqs[0].Action)
	}
}

// A failure of the region's snapshot read only warns, for every migration.
func TestPrefetchSnapshotsFailureWarns(t *testing.T) {
	g, srv, _, ids := newTestFleet(t, 12, 0)
	srv.On("DescribeSnapshots", fakeapi.Step{File: "ecs/DescribeSnapshots.forbidden.http"})
	var targets []facts.Target
	for _, id := range ids {
		targets = append(targets, facts.Target{InstanceID: id, Zone: "cn-hangzhou-i"})
	}
	if err := g.Prefetch(context.Background(), targets); err != nil {
		t.Fatal(err)
	}
	f, err := g.Gather(context.Background(), targets[0])
	var ae *apierr.Error
	if err != nil || !errors.As(f.SnapshotsErr, &ae) || ae.Code != "Forbidden.RAM" {
		t.Errorf("facts %+v, %v; want the snapshots' error kept for the warning", f, err)
	}
}

// Only a vSwitch's own not-found codes mean there is no such vSwitch; a
// missing key or region is an error.
func TestVSwitchNotFoundCodes(t *testing.T) {
	g, srv := newTestGatherer(t)
	for code, missing := range map[string]bool{
		"InvalidVSwitchId.NotFound": true, "InvalidVswitchID.NotFound": true,
		"InvalidAccessKeyId.NotFound": false, "InvalidRegionId.NotFound": false,
	} {
		srv.On("DescribeVSwitches", fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
			return 404, map[string]string{"RequestId": "R", "Code": code, "Message": "not found"}
		}})
		v, err := g.cloud.VSwitch(context.Background(), "vsw-bp1mxqnssl8nafltc0009")
		if missing && (v != nil || err != nil) {
			t.Errorf("%s: %v, %v; want no vSwitch and no error", code, v, err)
		}
		if !missing && err == nil {
			t.Errorf("%s: no error; want it returned, not read as a missing vSwitch", code)
		}
	}
}

// A single create with the target type reads everything in one wave: the
// server holds every read until all have arrived.
func TestGatherOneWaveWithTheTargetType(t *testing.T) {
	g, srv := newTestGatherer(t)
	wave := fakeapi.NewBarrier(7)
	for _, a := range []string{"DescribeInstances", "DescribeDisks", "DescribeSnapshots", "DescribeReplicationJobs", "DescribeVSwitches", "DescribeAvailableResource", "DescribeInstanceTypes"} {
		srv.Hold(a, wave)
	}
	f, err := g.Gather(context.Background(), facts.Target{InstanceID: "i-bp1ff25rzvnul6kr0001", Zone: "cn-hangzhou-i",
		VSwitchID: "vsw-bp1mxqnssl8nafltc0001", InstanceType: "ecs.g7.xlarge"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Stock == nil || f.FamilyTypes == nil || len(srv.Requests()) != 7 {
		t.Errorf("facts %+v after %d requests; want all in one wave of 7", f, len(srv.Requests()))
	}
}
