package cloud

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// A DescribeVSwitches that answers without TotalCount is read on to an empty
// page: five vSwitches, two a page, are all found.
func TestVSwitchesWithoutTotalCount(t *testing.T) {
	g, srv := newTestGatherer(t)
	srv.Always("DescribeVSwitches", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		n, _ := strconv.Atoi(r.Params.Get("PageNumber"))
		var page []any
		for i := (n-1)*2 + 1; i <= min(n*2, 5); i++ {
			page = append(page, map[string]any{"VSwitchId": fmt.Sprintf("vsw-%d", i), "VpcId": "vpc-1", "Status": "Available"})
		}
		return 200, map[string]any{"RequestId": "R", "PageNumber": n, "PageSize": 2, "VSwitches": map[string]any{"VSwitch": page}}
	}})
	got, err := g.cloud.VSwitchesOfVPC(context.Background(), "vpc-1")
	if err != nil || len(got) != 5 {
		t.Fatalf("%d vSwitches, %v; want all 5", len(got), err)
	}
	if n := len(requestsOf(srv, "DescribeVSwitches")); n != 4 {
		t.Errorf("%d pages read; want 3 and the empty 4th", n)
	}
}
