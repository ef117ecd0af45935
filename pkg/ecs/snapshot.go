package ecs

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
)

// Snapshot-consistent group statuses (DescribeSnapshotGroups' Status).
const (
	SnapshotGroupProgressing  = "progressing"
	SnapshotGroupAccomplished = "accomplished"
	SnapshotGroupFailed       = "failed"
)

// CreateSnapshotGroupRequest snapshots the disks of one instance at one
// moment. Without DiskId.N or ExcludeDiskId.N every disk of the instance is
// in the group. ClientToken (ASCII, at most 64 characters) makes a repeated
// request answer with the group the first one made.
type CreateSnapshotGroupRequest struct {
	RegionId    string `json:"RegionId"`
	InstanceId  string `json:"InstanceId,omitempty"`
	Name        string `json:"Name,omitempty"`        // 2-128 characters, starts with a letter
	Description string `json:"Description,omitempty"` // 2-256 characters
	ClientToken string `json:"ClientToken,omitempty"`
}

// CreateSnapshotGroupResponseBody is the group the request made (or, with a
// token used before, the group that token made).
type CreateSnapshotGroupResponseBody struct {
	RequestId       string `json:"RequestId"`
	SnapshotGroupId string `json:"SnapshotGroupId"`
}

// CreateSnapshotGroup creates a snapshot-consistent group. A retried attempt
// carries the same ClientToken, so it never makes a second group.
func (c *Client) CreateSnapshotGroup(ctx context.Context, req *CreateSnapshotGroupRequest) (*CreateSnapshotGroupResponseBody, error) {
	out := &CreateSnapshotGroupResponseBody{}
	return out, c.Call(ctx, "CreateSnapshotGroup", req, out)
}

// MaxSnapshotGroupIDs is the most SnapshotGroupId.N one DescribeSnapshotGroups takes.
const MaxSnapshotGroupIDs = 10

// DescribeSnapshotGroupsRequest filters snapshot-consistent groups (the
// filters are ANDed). MaxResults is 1-100, 10 by default.
type DescribeSnapshotGroupsRequest struct {
	RegionId        string   `json:"RegionId"`
	InstanceId      string   `json:"InstanceId,omitempty"`
	SnapshotGroupId []string `json:"SnapshotGroupId,omitempty"`
	Status          []string `json:"Status,omitempty"`
	MaxResults      int      `json:"MaxResults,omitempty"`
	NextToken       string   `json:"NextToken,omitempty"`
}

// SnapshotGroup is one snapshot-consistent group.
type SnapshotGroup struct {
	SnapshotGroupId string `json:"SnapshotGroupId"`
	InstanceId      string `json:"InstanceId"`
	Name            string `json:"Name"`
	Status          string `json:"Status"`
	ProgressStatus  string `json:"ProgressStatus"`
	CreationTime    string `json:"CreationTime"`
	Snapshots       struct {
		Snapshot []struct {
			SnapshotId     string `json:"SnapshotId"`
			SourceDiskId   string `json:"SourceDiskId"`
			SourceDiskType string `json:"SourceDiskType"`
			Progress       string `json:"Progress"`
		} `json:"Snapshot"`
	} `json:"Snapshots"`
}

// DescribeSnapshotGroupsResponseBody is one page of groups.
type DescribeSnapshotGroupsResponseBody struct {
	RequestId      string `json:"RequestId"`
	NextToken      string `json:"NextToken"`
	SnapshotGroups struct {
		SnapshotGroup []*SnapshotGroup `json:"SnapshotGroup"`
	} `json:"SnapshotGroups"`
}

// DescribeSnapshotGroups reads one page of snapshot-consistent groups.
func (c *Client) DescribeSnapshotGroups(ctx context.Context, req *DescribeSnapshotGroupsRequest) (*DescribeSnapshotGroupsResponseBody, error) {
	out := &DescribeSnapshotGroupsResponseBody{}
	return out, c.Call(ctx, "DescribeSnapshotGroups", req, out)
}

// AllSnapshotGroups reads every page of the groups req selects, 100 a page.
func (c *Client) AllSnapshotGroups(ctx context.Context, req DescribeSnapshotGroupsRequest) ([]*SnapshotGroup, error) {
	return api.ReadByToken(ctx, "DescribeSnapshotGroups", func(ctx context.Context, token string) ([]*SnapshotGroup, string, error) {
		req.MaxResults, req.NextToken = 100, token
		page, err := c.DescribeSnapshotGroups(ctx, &req)
		if err != nil {
			return nil, "", err
		}
		return page.SnapshotGroups.SnapshotGroup, page.NextToken, nil
	})
}
