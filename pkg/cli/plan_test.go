package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/plan"
)

// The region of the plan tests: VPC A holds the instances; B is another's.
const (
	planVPC      = "vpc-bp1opxu1zkhn00gzv0001"
	otherVPC     = "vpc-bp1opxu1zkhn00gzv0002"
	planRegionID = "cn-hangzhou"
)

func planInstance(n int) string { return fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", n) }

func g7Types() []fakeapi.RegionType {
	return []fakeapi.RegionType{
		{ID: "ecs.g7.large", Family: "ecs.g7", CPU: 2, MemoryGiB: 8},
		{ID: "ecs.g7.xlarge", Family: "ecs.g7", CPU: 4, MemoryGiB: 16},
		{ID: "ecs.g7.2xlarge", Family: "ecs.g7", CPU: 8, MemoryGiB: 32},
	}
}

// postPaid is a zone's pay-as-you-go stock: type=status pairs.
func postPaid(zone string, pairs ...string) fakeapi.RegionZone {
	types := map[string]string{}
	for _, p := range pairs {
		t, status, _ := strings.Cut(p, "=")
		types[t] = status
	}
	return fakeapi.RegionZone{ZoneID: zone, Stock: map[string]map[string]string{"PostPaid": types}}
}

// severalZonesRegion: instance 0001 in zone h; zone i sold out of its type
// but with larger g7 types, zone j with only a full vSwitch, zone k with a
// vSwitch of another VPC only. 0002 is a spot instance, 0003 in the classic
// network, 0004 has a job that ended InError.
func severalZonesRegion() *fakeapi.Region {
	return &fakeapi.Region{
		ID:  planRegionID,
		Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Zones: []fakeapi.RegionZone{
			postPaid("cn-hangzhou-h", "ecs.g7.large=Available", "ecs.g7.xlarge=Available"),
			postPaid("cn-hangzhou-i", "ecs.g7.large=SoldOut", "ecs.g7.xlarge=Available", "ecs.g7.2xlarge=Available"),
			postPaid("cn-hangzhou-j", "ecs.g7.large=Available"),
			postPaid("cn-hangzhou-k", "ecs.g7.large=Available"),
		},
		VSwitches: []fakeapi.RegionVSwitch{
			{VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001", VpcID: planVPC, ZoneID: "cn-hangzhou-h", FreeIPs: 100},
			{VSwitchID: "vsw-bp1iiiiiiiiiiiii0001", VpcID: planVPC, ZoneID: "cn-hangzhou-i", FreeIPs: 30},
			{VSwitchID: "vsw-bp1jjjjjjjjjjjjj0001", VpcID: planVPC, ZoneID: "cn-hangzhou-j", FreeIPs: 0},
			{VSwitchID: "vsw-bp1kkkkkkkkkkkkk0002", VpcID: otherVPC, ZoneID: "cn-hangzhou-k", FreeIPs: 200},
		},
		Types: g7Types(),
		Instances: []fakeapi.RegionInstance{
			{InstanceID: planInstance(1), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", VpcID: planVPC, VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001"},
			{InstanceID: planInstance(2), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", VpcID: planVPC, VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001", SpotStrategy: "SpotAsPriceGo"},
			{InstanceID: planInstance(3), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", NetworkType: "classic"},
			{InstanceID: planInstance(4), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", VpcID: planVPC, VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001"},
		},
		Jobs: map[string]string{planInstance(4): "InError"},
	}
}

// taggedFleetRegion: 40 instances of zone h tagged env=prod (and others that
// the selection leaves out); zone i keeps their type but its vSwitch has 8
// free addresses, zone j needs a larger type and has 25, zone k sells no g7.
func taggedFleetRegion() *fakeapi.Region {
	g := &fakeapi.Region{
		ID:  planRegionID,
		Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC),
		Zones: []fakeapi.RegionZone{
			postPaid("cn-hangzhou-h", "ecs.g7.large=Available"),
			postPaid("cn-hangzhou-i", "ecs.g7.large=Available"),
			postPaid("cn-hangzhou-j", "ecs.g7.large=SoldOut", "ecs.g7.xlarge=Available"),
			postPaid("cn-hangzhou-k", "ecs.c7.large=Available"),
		},
		VSwitches: []fakeapi.RegionVSwitch{
			{VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001", VpcID: planVPC, ZoneID: "cn-hangzhou-h", FreeIPs: 100},
			{VSwitchID: "vsw-bp1iiiiiiiiiiiii0001", VpcID: planVPC, ZoneID: "cn-hangzhou-i", FreeIPs: 8},
			{VSwitchID: "vsw-bp1jjjjjjjjjjjjj0001", VpcID: planVPC, ZoneID: "cn-hangzhou-j", FreeIPs: 25},
			{VSwitchID: "vsw-bp1kkkkkkkkkkkkk0001", VpcID: planVPC, ZoneID: "cn-hangzhou-k", FreeIPs: 100},
		},
		Types: g7Types(),
	}
	add := func(n int, zone, env string) {
		g.Instances = append(g.Instances, fakeapi.RegionInstance{InstanceID: planInstance(n), ZoneID: zone, InstanceType: "ecs.g7.large",
			VpcID: planVPC, VSwitchID: "vsw-bp1hhhhhhhhhhhhh0001", Tags: map[string]string{"env": env, "team": "web"}})
	}
	for n := 1; n <= 40; n++ {
		add(n, "cn-hangzhou-h", "prod")
	}
	for n := 41; n <= 45; n++ {
		add(n, "cn-hangzhou-h", "dev")
	}
	for n := 46; n <= 48; n++ {
		add(n, "cn-hangzhou-j", "prod")
	}
	return g
}

// planRun is one run of zonemove within a plan case; the runs of a case share
// the fake region and the folder the manifest is written to.
type planRun struct {
	args      []string
	stdoutTTY bool
	check     func(t *testing.T, dir string, res runResult)
}

type planCase struct {
	name   string
	region func() *fakeapi.Region
	runs   []planRun
}

// runPlanGolden runs each case's runs in a fresh folder and compares, per
// run, the exit code, stdout, stderr, the manifest plan.yaml after the run and
// the requests (sorted: the preflight reads concurrently) with
// testdata/golden/<test>/<case>.golden.
func runPlanGolden(t *testing.T, cases []planCase) {
	t.Helper()
	apiDir, root := testdataDirs(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, apiDir)
			c.region().Serve(srv)
			testEnv(t, srv, false)
			dir := t.TempDir()
			t.Chdir(dir)
			var b strings.Builder
			for i, run := range c.runs {
				f, out, errOut := newTestFactory(false, "")
				f.IOStreams.SetStdoutTTY(run.stdoutTTY)
				sent := len(srv.Requests())
				code := Run(context.Background(), f, run.args)
				res := runResult{code: code, stdout: out.String(), stderr: errOut.String()}
				reqs := requestsSince(t, srv, sent, i+1)
				manifest, err := os.ReadFile(filepath.Join(dir, "plan.yaml"))
				if err != nil {
					manifest = []byte("(none)\n")
				}
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "=== run %d\n$ zonemove %s\n--- exit code\n%d\n--- stdout\n%s--- stderr\n%s--- manifest plan.yaml\n%s--- requests received (%d, sorted)\n%s",
					i+1, strings.Join(run.args, " "), res.code, res.stdout, res.stderr, manifest, len(reqs), formatSorted(reqs))
				if run.check != nil {
					run.check(t, dir, res)
				}
			}
			compareGolden(t, filepath.Join(root, "testdata", "golden", t.Name()+".golden"), normalize(b.String()))
			srv.Verify(t)
		})
	}
}

func planArgs(extra ...string) []string {
	return append([]string{"plan", "--region", planRegionID}, extra...)
}

func wantExit(code int) func(*testing.T, string, runResult) {
	return func(t *testing.T, _ string, res runResult) {
		t.Helper()
		if res.code != code {
			t.Errorf("exit code %d, want %d\nstderr: %s", res.code, code, res.stderr)
		}
	}
}

// readManifest parses the manifest plan.yaml of a case's folder.
func readManifest(t *testing.T, dir string) *batch.Manifest {
	t.Helper()
	m, err := batch.Load(filepath.Join(dir, "plan.yaml"), batch.RegionSource{})
	if err != nil {
		t.Fatalf("the manifest does not load: %v", err)
	}
	return m
}

func TestPlan(t *testing.T) {
	one := planArgs("--instance-id", planInstance(1))
	runPlanGolden(t, []planCase{
		{name: "several-zones", region: severalZonesRegion, runs: []planRun{
			{args: one, stdoutTTY: true, check: wantExit(0)},
			{args: append(one, "-o", "json"), check: func(t *testing.T, _ string, res runResult) {
				var doc struct {
					Plans []struct {
						InstanceID string `json:"instance_id"`
						Candidates []struct {
							ZoneID   string   `json:"zone_id"`
							Feasible bool     `json:"feasible"`
							VSwitch  string   `json:"target_vswitch"`
							Type     string   `json:"target_instance_type"`
							Blocking []string `json:"blocking"`
						} `json:"candidates"`
						Choice *struct {
							ZoneID string `json:"zone_id"`
							Type   string `json:"target_instance_type"`
						} `json:"choice"`
					} `json:"plans"`
				}
				if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"cn-hangzhou-i": "", "cn-hangzhou-j": "vswitch-ips", "cn-hangzhou-k": "vswitch-zone"}
				cands := doc.Plans[0].Candidates
				if len(cands) != len(want) {
					t.Fatalf("candidates %+v; want zones i, j, k", cands)
				}
				for _, c := range cands {
					if got := strings.Join(c.Blocking, ","); got != want[c.ZoneID] || c.Feasible != (got == "") {
						t.Errorf("%s: blocking %q feasible %t; want %q", c.ZoneID, got, c.Feasible, want[c.ZoneID])
					}
				}
				if ch := doc.Plans[0].Choice; ch == nil || ch.ZoneID != "cn-hangzhou-i" || ch.Type != "ecs.g7.xlarge" {
					t.Errorf("choice %+v; want cn-hangzhou-i with ecs.g7.xlarge", ch)
				}
			}},
			{args: append(one, "--to-zone", "cn-hangzhou-j", "--to-zone", "cn-hangzhou-k"), check: wantExit(3)},
			{args: append(one, "--manifest", "plan.yaml"), check: wantExit(0)},
			{args: []string{"apply", "-f", "plan.yaml", "--dry-run"}, check: wantExit(0)},
			// The manifest now exists (it could be a running batch's): a new plan does not replace it.
			{args: append(one, "--manifest", "plan.yaml"), check: wantExit(2)},
		}},
		{name: "spot-and-classic", region: severalZonesRegion, runs: []planRun{
			{args: planArgs("--instance-id", planInstance(2), "--instance-id", planInstance(3), "--instance-id", planInstance(4), "--instance-id", planInstance(9), "--manifest", "plan.yaml"),
				stdoutTTY: true, check: wantExit(3)},
			{args: planArgs("--instance-id", planInstance(2), "-o", "json"), check: wantExit(3)},
		}},
		{name: "tagged-fleet", region: taggedFleetRegion, runs: []planRun{
			{args: planArgs("--from-zone", "cn-hangzhou-h", "--tag", "env=prod", "--manifest", "plan.yaml"), stdoutTTY: true,
				check: func(t *testing.T, dir string, res runResult) {
					wantExit(3)(t, dir, res)
					m := readManifest(t, dir)
					per := map[string]int{}
					for _, mig := range m.Migrations {
						per[mig.Spec.TargetVSwitch]++
					}
					if per["vsw-bp1iiiiiiiiiiiii0001"] != 8 || per["vsw-bp1jjjjjjjjjjjjj0001"] != 25 || len(m.Migrations) != 33 {
						t.Errorf("placed %v in %d migrations; want 8 in the vSwitch of 8 free addresses, 25 in the one of 25", per, len(m.Migrations))
					}
				}},
			{args: []string{"apply", "-f", "plan.yaml", "--dry-run", "--region", planRegionID}, check: wantExit(0)},
			{args: planArgs("--from-zone", "cn-hangzhou-h", "--tag", "env=prod", "--to-zone", "cn-hangzhou-i")},
		}},
	})
}

func TestPlanBadInput(t *testing.T) {
	id := planInstance(1)
	runGolden(t, []cliCase{
		{name: "no-selection", args: planArgs(), check: nothingSent},
		{name: "both-selections", args: planArgs("--instance-id", id, "--from-zone", "cn-hangzhou-h"), check: nothingSent},
		{name: "tag-without-zone", args: planArgs("--instance-id", id, "--tag", "env=prod"), check: nothingSent},
		{name: "bad-tag", args: planArgs("--from-zone", "cn-hangzhou-h", "--tag", "env"), check: nothingSent},
		{name: "zone-of-other-region", args: planArgs("--from-zone", "cn-beijing-h"), check: nothingSent},
		{name: "bad-to-zone", args: planArgs("--instance-id", id, "--to-zone", "cn-beijing-h", "-o", "json"), check: nothingSent},
		{name: "bad-instance-id", args: planArgs("--instance-id", "vm-1"), check: nothingSent},
		{name: "no-region", args: []string{"plan", "--instance-id", id}, check: nothingSent},
	})
}

func TestNewCmdPlanFlags(t *testing.T) {
	f, _, _ := newTestFactory(false, "")
	f.Global.Region = planRegionID
	var got *PlanOptions
	cmd := NewCmdPlan(f, func(_ context.Context, o *PlanOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--from-zone", "cn-hangzhou-h", "--tag", "env=prod", "--tag", "team=web=x", "--to-zone", "cn-hangzhou-i",
		"--to-zone", "cn-hangzhou-i", "--to-zone", "cn-hangzhou-j", "--manifest", "m.yaml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.FromZone != "cn-hangzhou-h" || got.Manifest != "m.yaml" || strings.Join(got.ToZones, ",") != "cn-hangzhou-i,cn-hangzhou-j" {
		t.Errorf("options %+v", got)
	}
	if len(got.tags) != 2 || got.tags[0].Key != "env" || got.tags[0].Value != "prod" || got.tags[1].Key != "team" || got.tags[1].Value != "web=x" {
		t.Errorf("tags %+v", got.tags)
	}
}

// A manifest made by another process while the plan ran is not replaced: the
// plan writes nothing and says so (exit 2).
func TestPlanManifestMadeMeanwhile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.yaml")
	f, _, errOut := newTestFactory(false, "")
	o := &PlanOptions{IO: f.IOStreams, Region: planRegionID, Manifest: path}
	p := &plan.Plan{Plans: []*plan.InstancePlan{{InstanceID: planInstance(1), ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large",
		Candidates: []*plan.Candidate{{ZoneID: "cn-hangzhou-i", Feasible: true, TargetVSwitch: "vsw-bp1iiiiiiiiiiiii0001", TargetInstanceType: "ecs.g7.large"}},
		Choice:     &plan.Choice{ZoneID: "cn-hangzhou-i", TargetVSwitch: "vsw-bp1iiiiiiiiiiiii0001", TargetInstanceType: "ecs.g7.large"}}}}
	// Another batch's manifest appears after the flags were checked.
	const other = "# another batch\nmigrations: []\n"
	if err := os.WriteFile(path, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	err := o.writeManifest(p)
	if code := ExitCode(err); code != 2 || !strings.Contains(fmt.Sprint(err), "nothing was written") {
		t.Errorf("error %v (exit %d); want exit 2 saying nothing was written", err, code)
	}
	if got, _ := os.ReadFile(path); string(got) != other {
		t.Errorf("the manifest was replaced:\n%s", got)
	}
	if errOut.Len() > 0 {
		t.Errorf("stderr %q; want nothing (the error says it)", errOut)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	// Where nothing is, it is written.
	o.Manifest = filepath.Join(dir, "new.yaml")
	if err := o.writeManifest(p); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(o.Manifest); !strings.Contains(string(data), planInstance(1)) {
		t.Errorf("the new manifest:\n%s", data)
	}
}
