package batch

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/migration"
)

func TestParseMergesDefaults(t *testing.T) {
	src := `region: cn-hangzhou
defaults:
  target_zone: cn-hangzhou-i
  target_vswitch: vsw-bp1mxqnssl8nafltc0001
  auto_pay: false
  disks:
    - {id: d-bp1eeplkn4j29wf70009, category: cloud_essd}
  skip_checks: [vswitch-ips]
migrations:
  - instance_id: i-bp1ff25rzvnul6kr0001
    target_instance_type: ecs.g7.xlarge
    disks:
      - {id: d-bp1eeplkn4j29wf70001, category: CLOUD_ESSD, performance_level: pl1}
  - instance_id: i-bp1ff25rzvnul6kr0002
    target_zone: cn-hangzhou-j
    target_vswitch: null
    auto_pay: true
    skip_checks: []
    resource_group_id: rg-acfmw3ty5y70001
`
	m, err := Parse("m.yaml", []byte(src), RegionSource{})
	if err != nil {
		t.Fatal(err)
	}
	f := false
	tr := true
	want := []migration.Spec{
		{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i", TargetVSwitch: "vsw-bp1mxqnssl8nafltc0001",
			TargetInstanceType: "ecs.g7.xlarge", AutoPay: &f,
			Disks: []migration.Disk{{ID: "d-bp1eeplkn4j29wf70001", Category: "cloud_essd", PerformanceLevel: "PL1"}}},
		{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0002", TargetZone: "cn-hangzhou-j", AutoPay: &tr,
			ResourceGroupID: "rg-acfmw3ty5y70001",
			Disks:           []migration.Disk{{ID: "d-bp1eeplkn4j29wf70009", Category: "cloud_essd"}}},
	}
	if len(m.Migrations) != 2 {
		t.Fatalf("%d migrations; want 2", len(m.Migrations))
	}
	for i, w := range want {
		if got := m.Migrations[i].Spec; !reflect.DeepEqual(got, w) {
			t.Errorf("migration %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
	if got := m.Migrations[0].SkipChecks; !reflect.DeepEqual(got, []string{"vswitch-ips"}) {
		t.Errorf("skip_checks of 0 = %v; want the default [vswitch-ips]", got)
	}
	if got := m.Migrations[1].SkipChecks; len(got) != 0 {
		t.Errorf("skip_checks of 1 = %v; want none (an empty list replaces the default)", got)
	}
	if m.Migrations[0].Line != 10 || m.Migrations[1].Line != 14 {
		t.Errorf("lines %d, %d; want 10, 14", m.Migrations[0].Line, m.Migrations[1].Line)
	}
}

func TestParseRegion(t *testing.T) {
	withRegion := "region: cn-hangzhou\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n"
	without := "migrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n"
	for _, c := range []struct {
		name, src string
		rs        RegionSource
		want      string
		problem   string
	}{
		{"file", withRegion, RegionSource{}, "cn-hangzhou", ""},
		{"file over env", withRegion, RegionSource{Region: "cn-shanghai"}, "cn-hangzhou", ""},
		{"file and same flag", withRegion, RegionSource{Region: "cn-hangzhou", Flag: true}, "cn-hangzhou", ""},
		{"file and other flag", withRegion, RegionSource{Region: "cn-shanghai", Flag: true}, "", "m.yaml:1: region: the manifest says cn-hangzhou but --region says cn-shanghai"},
		{"flag", without, RegionSource{Region: "cn-hangzhou", Flag: true}, "cn-hangzhou", ""},
		{"none", without, RegionSource{}, "", "m.yaml: no region"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(c.src), c.rs)
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("error %v; want %q", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Region != c.want || m.Migrations[0].Spec.Region != c.want {
				t.Errorf("region %q (spec %q); want %q", m.Region, m.Migrations[0].Spec.Region, c.want)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string // one per problem, in line order
	}{
		{"empty", "", []string{"m.yaml: the manifest is empty"}},
		{"only a document start", "---", []string{"m.yaml: the manifest is empty"}},
		{"not a mapping", "- a\n- b\n", []string{"m.yaml:1: the manifest must be a mapping"}},
		{"broken yaml", "region: cn-hangzhou\nmigrations: [\n", []string{"m.yaml:2: not valid YAML"}},
		{"bad indentation", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: cn-hangzhou-i\n   target_instance_type: ecs.g7.xlarge\n", []string{
			"m.yaml:5: not valid YAML: did not find expected '-' indicator"}},
		{"broken quote after a flow list", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: cn-hangzhou-i\n  - instance_id: i-bp1ff25rzvnul6kr0002\n    disks: [{id: d-bp1eeplkn4j29wf70001},\n      {id: d-bp1eeplkn4j29wf70002},\n      {id: d-bp1eeplkn4j29wf70003}]\n    target_zone: \"cn-hangzhou-i\n  - instance_id: i-bp1ff25rzvnul6kr0003\n", []string{
			"m.yaml:9: not valid YAML"}},
		{"unclosed flow list", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    disks: [{id: d-bp1eeplkn4j29wf70001},\n     {id: d-bp1eeplkn4j29wf70002}\n    target_zone: cn-hangzhou-i\n", []string{
			"m.yaml:6: not valid YAML"}},
		{"several bad values", "region: cn-hangzhou\ndefaults:\n  target_vswitch: sw-1\nmigrations:\n  - instance_id: vm-1\n    target_zone: cn_hangzhou_i\n    target_instance_type: g7\n    resource_group_id: group\n    disks:\n      - {id: disk-1, category: ssd}\n", []string{
			"m.yaml:3: defaults.target_vswitch:", "m.yaml:5: migrations[0].instance_id:", "m.yaml:6: migrations[0].target_zone:",
			"m.yaml:7: migrations[0].target_instance_type:", "m.yaml:8: migrations[0].resource_group_id:",
			`m.yaml:10: migrations[0].disks[0]: "disk-1" is not a valid ID`, `m.yaml:10: migrations[0].disks[0]: unknown category "ssd"`}},
		{"tab", "region: cn-hangzhou\nmigrations:\n\t- instance_id: i-bp1ff25rzvnul6kr0001\n", []string{"m.yaml:3: not valid YAML"}},
		{"two documents", "region: cn-hangzhou\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n---\nregion: x\n", []string{"m.yaml:4: a second YAML document"}},
		{"unknown top field", "region: cn-hangzhou\nmigration:\n  - {instance_id: i-bp1ff25rzvnul6kr0001}\n", []string{
			`m.yaml:1: no migrations`, `m.yaml:2: migration: unknown field (did you mean "migrations"?)`}},
		{"empty list", "region: cn-hangzhou\nmigrations: []\n", []string{"m.yaml:2: migrations: the list is empty"}},
		{"missing zone", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n", []string{
			"m.yaml:3: migrations[0].target_zone: a target zone is required"}},
		{"instance in defaults", "region: cn-hangzhou\ndefaults:\n  instance_id: i-bp1ff25rzvnul6kr0001\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0002, target_zone: cn-hangzhou-i}\n", []string{
			"m.yaml:3: defaults.instance_id: an instance ID cannot be a default"}},
		{"bad default reported once", "region: cn-hangzhou\ndefaults:\n  target_zone: cn_hangzhou_i\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n  - instance_id: i-bp1ff25rzvnul6kr0002\n", []string{
			`m.yaml:3: defaults.target_zone: "cn_hangzhou_i" is not a valid ID`}},
		{"empty instance", "region: cn-hangzhou\nmigrations:\n  - {instance_id: '', target_zone: cn-hangzhou-i}\n", []string{
			"m.yaml:3: migrations[0].instance_id: the instance ID is empty"}},
		{"list for a string", "region: cn-hangzhou\nmigrations:\n  - instance_id: [i-bp1ff25rzvnul6kr0001]\n    target_zone: cn-hangzhou-i\n", []string{
			"m.yaml:3: migrations[0].instance_id: want a single value, not a list"}},
		{"disks not a list", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: cn-hangzhou-i\n    disks: d-bp1eeplkn4j29wf70001\n", []string{
			"m.yaml:5: migrations[0].disks: want a list of disks"}},
		{"disk without id", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: cn-hangzhou-i\n    disks:\n      - category: cloud_essd\n", []string{
			"m.yaml:6: migrations[0].disks[0]: id is missing"}},
		{"bad disk id", "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: cn-hangzhou-i\n    disks:\n      - {id: disk-1}\n", []string{
			`m.yaml:6: migrations[0].disks[0]: "disk-1" is not a valid ID`}},
		{"merge key", "region: cn-hangzhou\nbase: &b {target_zone: cn-hangzhou-i}\nmigrations:\n  - <<: *b\n    instance_id: i-bp1ff25rzvnul6kr0001\n", []string{
			"m.yaml:2: base: unknown field", "m.yaml:4: migrations[0]: merge keys (<<) are not supported",
			"m.yaml:4: migrations[0].target_zone: a target zone is required"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(c.src), RegionSource{})
			var me *ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("error %v; want a *ManifestError", err)
			}
			msg := err.Error()
			lines := strings.Split(msg, "\n")
			if len(lines) > 1 {
				lines = lines[1:]
			}
			if len(lines) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(lines), len(c.want), msg)
			}
			for i, w := range c.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d = %q; want it to contain %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestParseAliases(t *testing.T) {
	src := "region: cn-hangzhou\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    target_zone: &z cn-hangzhou-i\n  - instance_id: i-bp1ff25rzvnul6kr0002\n    target_zone: *z\n"
	m, err := Parse("m.yaml", []byte(src), RegionSource{})
	if err != nil {
		t.Fatal(err)
	}
	if z := m.Migrations[1].Spec.TargetZone; z != "cn-hangzhou-i" {
		t.Errorf("aliased zone %q", z)
	}
}

// FuzzParse: the manifest parser never panics; a refusal is a *ManifestError
// whose lines are in the file; what it accepts is valid, one entry per
// instance, each at a line of the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"region: cn-hangzhou\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n",
		"region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  disks: [{id: d-bp1eeplkn4j29wf70001, category: cloud_essd, performance_level: PL1}]\n  skip_checks: [vswitch-ips]\nmigrations:\n  - instance_id: i-bp1ff25rzvnul6kr0001\n    auto_pay: false\n  - instance_id: i-bp1ff25rzvnul6kr0002\n    target_vswitch: null\n",
		"region: cn-hangzhou\nmigrations:\n  - instance_id: &a i-bp1ff25rzvnul6kr0001\n    target_zone: \"cn-hangzhou-i\n  - instance_id: *a\n",
		"region: cn-hangzhou\nmigrations: [\n",
		"- a\n- b\n",
		"region: cn-hangzhou\nbase: &b {target_zone: cn-hangzhou-i}\nmigrations:\n  - <<: *b\n    instance_id: i-bp1ff25rzvnul6kr0001\n---\nx: 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("m.yaml", data, RegionSource{Region: "cn-hangzhou"})
		lines := yamlLines(data)
		if err != nil {
			var me *ManifestError
			if !errors.As(err, &me) || len(me.Problems) == 0 {
				t.Fatalf("error %v (%T); want a *ManifestError with problems", err, err)
			}
			for _, p := range me.Problems {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("problem at line %d of a %d-line file: %+v", p.Line, lines, p)
				}
			}
			return
		}
		if len(m.Migrations) == 0 {
			t.Fatal("accepted a manifest without migrations")
		}
		seen := map[string]bool{}
		for _, mig := range m.Migrations {
			if err := mig.Spec.Validate(); err != nil {
				t.Fatalf("accepted an invalid migration %+v: %v", mig.Spec, err)
			}
			if seen[mig.Spec.InstanceID] {
				t.Fatalf("accepted %s twice", mig.Spec.InstanceID)
			}
			seen[mig.Spec.InstanceID] = true
			if mig.Line < 1 || mig.Line > lines {
				t.Fatalf("migration at line %d of a %d-line file", mig.Line, lines)
			}
		}
	})
}

// yamlLines counts lines as YAML does: CR LF, CR, LF, NEL, LS and PS each
// end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

func TestParseRollout(t *testing.T) {
	src := `region: cn-hangzhou
rollout:
  max_unavailable: 2
  canary: 1
  max_failures: 0
  not_before: "02:00"
  not_after: 2026-12-07T04:00:00+08:00
migrations:
  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}
`
	m, err := Parse("m.yaml", []byte(src), RegionSource{})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Rollout
	if r.MaxUnavailable == nil || *r.MaxUnavailable != 2 || r.Canary == nil || *r.Canary != 1 || r.MaxFailures == nil || *r.MaxFailures != 0 {
		t.Errorf("counts %v %v %v", r.MaxUnavailable, r.Canary, r.MaxFailures)
	}
	if r.NotBefore.String() != "02:00" || r.NotAfter.String() != "2026-12-07T04:00:00+08:00" {
		t.Errorf("times %q %q", r.NotBefore, r.NotAfter)
	}
	if r.Lines["not_after"] != 7 {
		t.Errorf("not_after at line %d; want 7", r.Lines["not_after"])
	}

	// HH:MM unquoted is the same (YAML reads it as a string, not as base 60).
	m, err = Parse("m.yaml", []byte(strings.Replace(src, `not_before: "02:00"`, "not_before: 02:00", 1)), RegionSource{})
	if err != nil || m.Rollout.NotBefore.String() != "02:00" {
		t.Errorf("unquoted 02:00: %v, %q", err, m.Rollout.NotBefore)
	}

	// Without the section: nothing set.
	m, err = Parse("m.yaml", []byte("region: cn-hangzhou\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}\n"), RegionSource{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Rollout.MaxUnavailable != nil || !m.Rollout.NotAfter.IsZero() {
		t.Errorf("rollout %+v; want none", m.Rollout)
	}
}

func TestParseRolloutProblems(t *testing.T) {
	src := `region: cn-hangzhou
rollout:
  max_unavailable: 0
  canary: two
  max_failures: -1
  not_before: tomorrow
  not_after: [04:00]
  max_unavailble: 3
migrations:
  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i}
`
	_, err := Parse("m.yaml", []byte(src), RegionSource{})
	var me *ManifestError
	if !errors.As(err, &me) {
		t.Fatalf("err %v; want a *ManifestError", err)
	}
	want := []string{
		`m.yaml:3: rollout.max_unavailable: want a whole number from 1, not the value "0"`,
		`m.yaml:4: rollout.canary: want a whole number from 0, not the value "two"`,
		`m.yaml:5: rollout.max_failures: want a whole number from 0, not the value "-1"`,
		`m.yaml:6: rollout.not_before: "tomorrow" is neither RFC 3339`,
		`m.yaml:7: rollout.not_after: want a single value, not a list`,
		`m.yaml:8: rollout.max_unavailble: unknown field (did you mean "max_unavailable"?)`,
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("missing %q in:\n%s", w, msg)
		}
	}
	if len(me.Problems) != len(want) {
		t.Errorf("%d problems; want %d:\n%s", len(me.Problems), len(want), msg)
	}
}
