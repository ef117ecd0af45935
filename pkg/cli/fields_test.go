package cli

import "testing"

// TestCreateBadValues: create reports every bad value at once, each named by
// its flag, and sends nothing.
func TestCreateBadValues(t *testing.T) {
	args := []string{"create", "--region", "cn-hangzhou", "--instance-id", "vm-123", "--target-zone", "cn_hangzhou_i",
		"--target-instance-type", "g7.large", "--disk", "id=d-bp1eeplkn4j29wf70001,size=40",
		"--disk", "id=disk-2,category=ssd,pl=PL9", "--client-token", "with space", "--yes"}
	cases := []cliCase{
		{name: "text", args: args},
		{name: "json", args: append(append([]string{}, args...), "-o", "json")},
	}
	for i := range cases {
		cases[i].check = nothingSent
	}
	runGolden(t, cases)
}
