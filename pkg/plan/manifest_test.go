package plan

import (
	"errors"
	"testing"

	"github.com/zonemove/zonemove/pkg/batch"
)

func TestManifest(t *testing.T) {
	// i-1 keeps its type in z-e, i-2 needs a larger one in z-b (z-e's only
	// address went to i-1), i-3 is a spot instance.
	in := severalZones()
	in.Instances = append(in.Instances, instance("i-2", "z-a"), instance("i-3", "z-a"))
	in.VSwitches[4].FreeIPs = 1
	p, _ := run(t, in, "i-3")
	got, err := p.Manifest("cn-test", "zonemove apply -f plan.yaml --dry-run")
	if err != nil {
		t.Fatal(err)
	}
	want := `# Written by zonemove plan: 2 of 3 instances placed.
# Review each entry, then: zonemove apply -f plan.yaml --dry-run
# Not listed:
#   i-3: no zone: spot blocks every zone (i-3 is a preemptible instance (SpotStrategy SpotAsPriceGo))
region: cn-test
migrations:
  # i-1, ecs.g7.large in z-a
  #   zone:    z-e of 2 feasible zones: it keeps the type ecs.g7.large (z-b would change it)
  #   vSwitch: vsw-e has 1 free address
  #   type:    keeps ecs.g7.large (in stock in z-e)
  #   warns:   instance-stop (apply --dry-run shows them)
  - instance_id: i-1
    target_zone: z-e
    target_vswitch: vsw-e
  # i-2, ecs.g7.large in z-a
  #   zone:    z-b is the only feasible zone
  #   vSwitch: vsw-b has 100 free addresses
  #   type:    ecs.g7.large is not in stock in z-b; ecs.g7.xlarge (4 vCPU, 16 GiB) is the smallest ecs.g7 type in stock with at least 2 vCPU and 8 GiB
  #   billing: pay-as-you-go: billed at the price of ecs.g7.xlarge from the migration on
  #   warns:   instance-stop, billing-change (apply --dry-run shows them)
  - instance_id: i-2
    target_zone: z-b
    target_vswitch: vsw-b
    target_instance_type: ecs.g7.xlarge
`
	if string(got) != want {
		t.Errorf("manifest\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestManifestParses(t *testing.T) {
	in := fleet(40)
	in.Zones = []string{"cn-test-b", "cn-test-c", "cn-test-d"}
	for i := range in.Stock {
		in.Stock[i].ZoneID = "cn-test-" + in.Stock[i].ZoneID[2:]
	}
	for i := range in.VSwitches {
		in.VSwitches[i].ZoneID = "cn-test-" + in.VSwitches[i].ZoneID[2:]
		in.VSwitches[i].VSwitchID = "vsw-0000" + in.VSwitches[i].VSwitchID[4:]
	}
	for i := range in.Instances {
		in.Instances[i].ZoneID = "cn-test-a"
		in.Instances[i].InstanceID = "i-0000" + in.Instances[i].InstanceID[2:]
	}
	p, _ := run(t, in)
	data, err := p.Manifest("cn-test", "zonemove apply -f plan.yaml --dry-run")
	if err != nil {
		t.Fatal(err)
	}
	m, err := batch.Parse("plan.yaml", data, batch.RegionSource{})
	if err != nil {
		t.Fatalf("the manifest does not parse: %v\n%s", err, data)
	}
	placed := p.Placed()
	if len(m.Migrations) != len(placed) || len(placed) != 21 {
		t.Fatalf("%d migrations for %d placed instances", len(m.Migrations), len(placed))
	}
	for i, mig := range m.Migrations {
		ch := placed[i].Choice
		s := mig.Spec
		typ := ""
		if ch.TypeChange {
			typ = ch.TargetInstanceType
		}
		if s.Region != "cn-test" || s.InstanceID != placed[i].InstanceID || s.TargetZone != ch.ZoneID || s.TargetVSwitch != ch.TargetVSwitch || s.TargetInstanceType != typ {
			t.Errorf("migration %d: %+v, choice %+v", i, s, ch)
		}
	}
}

func TestManifestNothingPlaced(t *testing.T) {
	p, _ := run(t, severalZones(), "i-1")
	if _, err := p.Manifest("cn-test", "zonemove apply -f plan.yaml --dry-run"); !errors.Is(err, ErrNothingPlaced) {
		t.Errorf("err = %v, want ErrNothingPlaced", err)
	}
}
