package cli

import (
	"encoding/json"
	"testing"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestTypes(t *testing.T) {
	base := []string{"types", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-hangzhou-i"}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	lookups := func(instance, stock, family string) map[string][]fakeapi.Step {
		return map[string][]fakeapi.Step{
			"DescribeInstances":         {ecsFile("DescribeInstances." + instance)},
			"DescribeAvailableResource": {ecsFile("DescribeAvailableResource." + stock)},
			"DescribeInstanceTypes":     {ecsFile("DescribeInstanceTypes." + family)},
		}
	}
	runGolden(t, concurrentPreflight([]cliCase{
		{name: "text", args: with(), script: lookups("healthy", "zone-i", "g7")},
		{name: "json", args: with("-o", "json"), script: lookups("healthy", "zone-i", "g7"),
			check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
				var doc typesDocument
				if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range doc.Types {
					got = append(got, e.InstanceType)
					if e.Current != (e.InstanceType == "ecs.g7.large") {
						t.Errorf("%s current=%t", e.InstanceType, e.Current)
					}
				}
				// In stock in zone i of family g7: not 2xlarge (sold out), not 3/6/16xlarge (not offered).
				want := []string{"ecs.g7.large", "ecs.g7.xlarge", "ecs.g7.4xlarge", "ecs.g7.8xlarge"}
				if len(got) != len(want) {
					t.Fatalf("types %v; want %v", got, want)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("types %v; want %v", got, want)
					}
				}
				wantParam(t, srv, "DescribeAvailableResource", "InstanceChargeType", "PostPaid")
				wantParam(t, srv, "DescribeInstanceTypes", "InstanceTypeFamily", "ecs.g7")
			}},
		{name: "current-sold-out", args: with(), script: lookups("healthy", "zone-i-g7-xlarge-sold-out", "g7")},
		{name: "none-in-stock", args: with(), script: lookups("prepaid", "zone-i-g7-sold-out", "g7")},
		{name: "none-in-stock-json", args: with("-o", "json"), script: lookups("prepaid", "zone-i-g7-sold-out", "g7")},
		// The checks of create, with its exit code 3: instance-found, region-zone, type-in-stock.
		{name: "not-found", args: with(), script: map[string][]fakeapi.Step{"DescribeInstances": {ecsFile("DescribeInstances.absent")}},
			check: exitCode(cmdutil.ExitCheckFailed)},
		{name: "not-found-json", args: with("-o", "json"), script: map[string][]fakeapi.Step{"DescribeInstances": {ecsFile("DescribeInstances.absent")}},
			check: exitCode(cmdutil.ExitCheckFailed)},
		{name: "zone-of-other-region", args: []string{"types", "--region", "cn-hangzhou", "--instance-id", "i-bp1ff25rzvnul6kr0001", "--target-zone", "cn-beijing-h"},
			check: exitNothingSent(cmdutil.ExitCheckFailed)},
		{name: "zone-offers-nothing", args: with(), script: lookups("healthy", "none", "g7"), check: exitCode(cmdutil.ExitCheckFailed)},
		{name: "no-zone", args: base[:5], check: nothingSent},
		{name: "no-credentials", args: with(), noCreds: true},
	}))
}

// exitCode checks the exit code of a run.
func exitCode(code int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, _ *fakeapi.Server, res runResult) {
		t.Helper()
		if res.code != code {
			t.Errorf("exit %d; want %d", res.code, code)
		}
	}
}
