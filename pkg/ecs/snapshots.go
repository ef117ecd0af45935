package ecs

import "context"

// DescribeSnapshotsRequest selects snapshots of a region: of one instance's
// disks, or by Filter.N (CreationStartTime, CreationEndTime in
// yyyy-MM-ddTHH:mmZ). MaxResults is 1-100 and pages with NextToken.
type DescribeSnapshotsRequest struct {
	RegionId   string                           `json:"RegionId"`
	InstanceId string                           `json:"InstanceId,omitempty"`
	Filter     []DescribeSnapshotsRequestFilter `json:"Filter,omitempty"`
	MaxResults int                              `json:"MaxResults,omitempty"`
	NextToken  string                           `json:"NextToken,omitempty"`
}

// DescribeSnapshotsRequestFilter is one Filter.N.
type DescribeSnapshotsRequestFilter struct {
	Key   string `json:"Key,omitempty"`
	Value string `json:"Value,omitempty"`
}

// DescribeSnapshotsResponseBody is one page of snapshots.
type DescribeSnapshotsResponseBody struct {
	RequestId string `json:"RequestId"`
	NextToken string `json:"NextToken"`
	Snapshots struct {
		Snapshot []Snapshot `json:"Snapshot"`
	} `json:"Snapshots"`
}

// Snapshot is what zonemove reads of one snapshot.
type Snapshot struct {
	SnapshotId   string `json:"SnapshotId"`
	SourceDiskId string `json:"SourceDiskId"`
	Status       string `json:"Status"`
	Progress     string `json:"Progress"`
	CreationTime string `json:"CreationTime"`
}

// DescribeSnapshots returns one page of snapshots.
func (c *Client) DescribeSnapshots(ctx context.Context, req *DescribeSnapshotsRequest) (*DescribeSnapshotsResponseBody, error) {
	out := &DescribeSnapshotsResponseBody{}
	return out, c.Call(ctx, "DescribeSnapshots", req, out)
}
