package vpc

import "context"

// MaxPageSize is the largest PageSize DescribeVSwitches takes (default 10).
const MaxPageSize = 50

// DescribeVSwitchesRequest selects vSwitches of a region: one by ID, or those
// of a VPC. It pages by PageNumber (from 1) and PageSize (1-50).
type DescribeVSwitchesRequest struct {
	RegionId   string `json:"RegionId"`
	VSwitchId  string `json:"VSwitchId,omitempty"`
	VpcId      string `json:"VpcId,omitempty"`
	ZoneId     string `json:"ZoneId,omitempty"`
	PageNumber int    `json:"PageNumber,omitempty"`
	PageSize   int    `json:"PageSize,omitempty"`
}

// DescribeVSwitchesResponseBody is one page of vSwitches.
type DescribeVSwitchesResponseBody struct {
	RequestId  string `json:"RequestId"`
	TotalCount *int32 `json:"TotalCount"` // nil when the answer does not say
	PageNumber int32  `json:"PageNumber"`
	PageSize   int32  `json:"PageSize"`
	VSwitches  struct {
		VSwitch []VSwitch `json:"VSwitch"`
	} `json:"VSwitches"`
}

// VSwitch is what zonemove reads of one vSwitch.
type VSwitch struct {
	VSwitchId               string `json:"VSwitchId"`
	VSwitchName             string `json:"VSwitchName"`
	VpcId                   string `json:"VpcId"`
	ZoneId                  string `json:"ZoneId"`
	Status                  string `json:"Status"` // Available, or Pending while it is created
	CidrBlock               string `json:"CidrBlock"`
	AvailableIpAddressCount int64  `json:"AvailableIpAddressCount"`
}

// DescribeVSwitches returns one page of vSwitches.
func (c *Client) DescribeVSwitches(ctx context.Context, req *DescribeVSwitchesRequest) (*DescribeVSwitchesResponseBody, error) {
	out := &DescribeVSwitchesResponseBody{}
	return out, c.Call(ctx, "DescribeVSwitches", req, out)
}
