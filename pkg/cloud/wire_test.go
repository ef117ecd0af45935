package cloud

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestWire")

// wireCase is one call of the client and what it returned.
type wireCase struct {
	name string
	call func(ctx context.Context, c *Client) (any, error)
}

// TestWire proves every ECS and VPC request zonemove sends, byte for byte
// where it is deterministic (method, path, parameters, the headers the SDK
// core sets and signs, body), and what zonemove reads of each answer. Its
// goldens were written while pkg/cloud called the official ECS and VPC SDK
// modules; calling through pkg/ecs and pkg/vpc must leave them unchanged.
func TestWire(t *testing.T) {
	ids := fakeapi.FleetInstances(12)
	for _, tc := range []wireCase{
		{"instances-by-id", func(ctx context.Context, c *Client) (any, error) { return c.Instances(ctx, ids[:3]) }},
		{"instances-by-zone-and-tags", func(ctx context.Context, c *Client) (any, error) {
			return c.DescribeInstances(ctx, InstanceFilter{ZoneID: "cn-hangzhou-h", Tags: []Tag{{Key: "team", Value: "web"}, {Key: "env"}}})
		}},
		{"instances-all-pages", func(ctx context.Context, c *Client) (any, error) { return c.DescribeInstances(ctx, InstanceFilter{}) }},
		{"disks-of-instance", func(ctx context.Context, c *Client) (any, error) { return c.Disks(ctx, ids[1]) }},
		{"disks-of-zone", func(ctx context.Context, c *Client) (any, error) { return c.DisksInZone(ctx, "cn-hangzhou-h") }},
		{"snapshots-of-instance", func(ctx context.Context, c *Client) (any, error) { return c.Snapshots(ctx, ids[2]) }},
		{"snapshots-since", func(ctx context.Context, c *Client) (any, error) { return c.SnapshotsSince(ctx, since) }},
		{"stock-of-zone", func(ctx context.Context, c *Client) (any, error) {
			return c.AvailableInstanceTypes(ctx, "cn-hangzhou-i", "PostPaid")
		}},
		{"stock-of-region", func(ctx context.Context, c *Client) (any, error) { return c.RegionStock(ctx, "PrePaid") }},
		{"stock-of-region-any-charge", func(ctx context.Context, c *Client) (any, error) { return c.RegionStock(ctx, "") }},
		{"types-of-family", func(ctx context.Context, c *Client) (any, error) { return c.InstanceTypesOfFamily(ctx, "ecs.g7") }},
		{"vswitch", func(ctx context.Context, c *Client) (any, error) { return c.VSwitch(ctx, "vsw-bp1mxqnssl8nafltc0001") }},
		{"vswitches-of-vpc", func(ctx context.Context, c *Client) (any, error) {
			return c.VSwitchesOfVPC(ctx, "vpc-bp1opxu1zkhn00gzv0001")
		}},
		{"probes", func(ctx context.Context, c *Client) (any, error) {
			for _, p := range Probes {
				if p.Service != api.SMC && p.Service != api.ECS && p.Service != api.VPC {
					continue // the load balancers' probes: pkg/lb's tests hold their wire
				}
				if err := c.Probe(ctx, p.Service, p.Action); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, srv, fl, _ := newTestFleet(t, 12, 3)
			fl.Tag(ids[4], "team", "web")
			fl.Tag(ids[4], "env", "prod")
			fl.Tag(ids[7], "team", "web")
			fl.Tag(ids[7], "env", "test")
			// DescribeInstanceTypes answers in two pages, by NextToken.
			srv.On("DescribeInstanceTypes",
				fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
					return 200, map[string]any{"RequestId": "T1", "NextToken": "t2", "InstanceTypes": map[string]any{"InstanceType": []any{
						map[string]any{"InstanceTypeId": "ecs.g7.large", "InstanceTypeFamily": "ecs.g7", "CpuCoreCount": 2, "MemorySize": 8}}}}
				}},
				fakeapi.Step{File: "ecs/DescribeInstanceTypes.g7.http"})
			got, err := tc.call(context.Background(), g.cloud)
			if err != nil {
				t.Fatal(err)
			}
			compareWire(t, tc.name, srv.Requests(), got)
		})
	}
}

// TestWireDecoding reads every recorded answer of the ECS and VPC reads and
// proves what zonemove takes from each.
func TestWireDecoding(t *testing.T) {
	reads := map[string]func(ctx context.Context, c *Client) (any, error){
		"DescribeInstances": func(ctx context.Context, c *Client) (any, error) {
			return c.DescribeInstances(ctx, InstanceFilter{IDs: []string{"i-bp1ff25rzvnul6kr0001"}})
		},
		"DescribeDisks":     func(ctx context.Context, c *Client) (any, error) { return c.Disks(ctx, "i-bp1ff25rzvnul6kr0001") },
		"DescribeSnapshots": func(ctx context.Context, c *Client) (any, error) { return c.Snapshots(ctx, "i-bp1ff25rzvnul6kr0001") },
		"DescribeAvailableResource": func(ctx context.Context, c *Client) (any, error) {
			return c.RegionStock(ctx, "PostPaid")
		},
		"DescribeInstanceTypes": func(ctx context.Context, c *Client) (any, error) { return c.InstanceTypesOfFamily(ctx, "ecs.g7") },
		"DescribeVSwitches": func(ctx context.Context, c *Client) (any, error) {
			return c.VSwitchesOfVPC(ctx, "vpc-bp1opxu1zkhn00gzv0001")
		},
		// The steps around the job (pkg/around) call these through pkg/ecs.
		"CreateSnapshotGroup": func(ctx context.Context, c *Client) (any, error) {
			return c.ecs.CreateSnapshotGroup(ctx, &ecs.CreateSnapshotGroupRequest{RegionId: "cn-hangzhou", InstanceId: "i-bp1ff25rzvnul6kr0001", ClientToken: "t"})
		},
		"DescribeSnapshotGroups": func(ctx context.Context, c *Client) (any, error) {
			return c.ecs.AllSnapshotGroups(ctx, ecs.DescribeSnapshotGroupsRequest{RegionId: "cn-hangzhou", SnapshotGroupId: []string{"ssg-bp1e8lqq1ax6zb1f0001"}})
		},
		"RunCommand": func(ctx context.Context, c *Client) (any, error) {
			return c.ecs.RunCommand(ctx, &ecs.RunCommandRequest{RegionId: "cn-hangzhou", Type: ecs.RunShellScript, CommandContent: ecs.EncodeScript("true"),
				ContentEncoding: "Base64", InstanceId: []string{"i-bp1ff25rzvnul6kr0001"}, ClientToken: "t"})
		},
		"DescribeInvocationResults": func(ctx context.Context, c *Client) (any, error) {
			return c.ecs.InvocationResultOf(ctx, "t-hz01ff25rzvnul6k0001", "i-bp1ff25rzvnul6kr0001")
		},
		"DescribeCloudAssistantStatus": func(ctx context.Context, c *Client) (any, error) {
			return c.ecs.CloudAssistantOf(ctx, []string{"i-bp1ff25rzvnul6kr0001"})
		},
	}
	var files []string
	for _, dir := range []string{"ecs", "vpc"} {
		m, err := filepath.Glob(filepath.Join("..", "..", "testdata", "api", dir, "*.http"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	var b strings.Builder
	for _, path := range files {
		status, _, _, err := fakeapi.ReadRecorded(path)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
		action, _, _ := strings.Cut(filepath.Base(path), ".")
		read := reads[action]
		if read == nil {
			t.Fatalf("%s: no read of %s", file, action)
		}
		g, srv := newTestGatherer(t)
		srv.Always(action, fakeapi.Step{File: file})
		got, err := read(context.Background(), g.cloud)
		fmt.Fprintf(&b, "=== %s (HTTP %d)\n", file, status)
		if err != nil {
			fmt.Fprintf(&b, "error: %v\n", err)
			continue
		}
		j, _ := json.MarshalIndent(got, "", "  ")
		fmt.Fprintf(&b, "%s\n", j)
	}
	compareGolden(t, "decoding", b.String())
}

// wireHeaders are the request headers whose values do not change from one
// run to the next; the others (date, nonce, signature, host, user agent) are
// checked by the fake's signature verification.
var wireHeaders = []string{"Accept", "Content-Type", "X-Acs-Action", "X-Acs-Content-Sha256", "X-Acs-Version"}

func compareWire(t *testing.T, name string, reqs []fakeapi.Request, got any) {
	t.Helper()
	var b strings.Builder
	for i, r := range reqs {
		head, params, _ := strings.Cut(fakeapi.Format([]fakeapi.Request{r}), "\n")
		_, head, _ = strings.Cut(head, " ")
		fmt.Fprintf(&b, "#%d %s path=%s body=%q\n", i+1, head, r.Path, r.Body)
		var hs []string
		for _, h := range wireHeaders {
			if v := r.Header.Values(h); len(v) > 0 {
				hs = append(hs, h+": "+strings.Join(v, ","))
			}
		}
		for part := range strings.SplitSeq(r.Header.Get("Authorization"), ",") {
			if strings.HasPrefix(part, "SignedHeaders=") {
				hs = append(hs, "Authorization: ... "+part+" ...")
			}
		}
		slices.Sort(hs)
		for _, h := range hs {
			fmt.Fprintf(&b, "  > %s\n", h)
		}
		b.WriteString(params)
	}
	j, _ := json.MarshalIndent(got, "", "  ")
	fmt.Fprintf(&b, "--- result\n%s\n", j)
	compareGolden(t, name, b.String())
}

func compareGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", "TestWire", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file %s:\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// Numbers sent as strings are read as the official modules' models read
// them, not refused.
func TestLenientNumbers(t *testing.T) {
	g, srv := newTestGatherer(t)
	srv.Always("DescribeDisks", fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "R", "Disks": map[string]any{"Disk": []any{
			map[string]any{"DiskId": "d-1", "Size": "40", "Type": "system"}}}}
	}})
	srv.Always("DescribeVSwitches", fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "R", "TotalCount": "1", "VSwitches": map[string]any{"VSwitch": []any{
			map[string]any{"VSwitchId": "vsw-1", "AvailableIpAddressCount": "252"}}}}
	}})
	srv.Always("DescribeInstanceTypes", fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		return 200, map[string]any{"RequestId": "R", "InstanceTypes": map[string]any{"InstanceType": []any{
			map[string]any{"InstanceTypeId": "ecs.g7.large", "CpuCoreCount": "2", "MemorySize": "8.0"}}}}
	}})
	ctx := context.Background()
	disks, err := g.cloud.Disks(ctx, "i-1")
	if err != nil || len(disks) != 1 || disks[0].SizeGiB != 40 {
		t.Errorf("disks %+v, %v; want one of 40 GiB", disks, err)
	}
	vsws, err := g.cloud.VSwitchesOfVPC(ctx, "vpc-1")
	if err != nil || len(vsws) != 1 || vsws[0].AvailableIPs != 252 {
		t.Errorf("vSwitches %+v, %v; want one with 252 free addresses", vsws, err)
	}
	types, err := g.cloud.InstanceTypesOfFamily(ctx, "ecs.g7")
	if err != nil || len(types) != 1 || types[0].CPU != 2 || types[0].MemoryGiB != 8 {
		t.Errorf("types %+v, %v; want 2 CPUs and 8 GiB", types, err)
	}
}
