package ecs

import "context"

// DescribeDisksRequest selects disks of a region: of one instance, or of a
// zone. MaxResults is 10-500 and pages with NextToken.
type DescribeDisksRequest struct {
	RegionId   string `json:"RegionId"`
	InstanceId string `json:"InstanceId,omitempty"`
	ZoneId     string `json:"ZoneId,omitempty"`
	MaxResults int    `json:"MaxResults,omitempty"`
	NextToken  string `json:"NextToken,omitempty"`
}

// DescribeDisksResponseBody is one page of disks.
type DescribeDisksResponseBody struct {
	RequestId string `json:"RequestId"`
	NextToken string `json:"NextToken"`
	Disks     struct {
		Disk []Disk `json:"Disk"`
	} `json:"Disks"`
}

// Disk is what zonemove reads of one disk.
type Disk struct {
	DiskId           string `json:"DiskId"`
	InstanceId       string `json:"InstanceId"`
	Type             string `json:"Type"` // system or data
	Category         string `json:"Category"`
	PerformanceLevel string `json:"PerformanceLevel"`
	Size             int32  `json:"Size"` // GiB
}

// DescribeDisks returns one page of disks.
func (c *Client) DescribeDisks(ctx context.Context, req *DescribeDisksRequest) (*DescribeDisksResponseBody, error) {
	out := &DescribeDisksResponseBody{}
	return out, c.Call(ctx, "DescribeDisks", req, out)
}
