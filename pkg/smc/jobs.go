package smc

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

// CreateCrossZoneMigrationJob creates a cross-zone migration job. A retried
// attempt sends the same ClientToken, so it never creates a second job.
func (c *Client) CreateCrossZoneMigrationJob(ctx context.Context, req *migration.Request) (*migration.Response, error) {
	out := &migration.Response{}
	return out, c.call(ctx, "CreateCrossZoneMigrationJob", req, out)
}

// JobTypeCrossZone is DescribeReplicationJobs' JobType of cross-zone migrations.
const JobTypeCrossZone = facts.JobTypeCrossZone

// MaxJobIDs is the most JobId.N values one DescribeReplicationJobs accepts; it is
// also the largest PageSize.
const MaxJobIDs = 50

// DescribeReplicationJobsRequest filters replication jobs. As in the official
// SDK, every parameter travels in the query: lists flatten 1-based to JobId.N
// and InstanceId.N, numbers as decimals. PageSize defaults to 10 on the API's
// side, even when JobId.N names more jobs, so a caller asking for up to 50 IDs
// must send PageSize too.
type DescribeReplicationJobsRequest struct {
	RegionId       string   `json:"RegionId"`
	JobId          []string `json:"JobId,omitempty"`
	InstanceId     []string `json:"InstanceId,omitempty"`
	JobType        int      `json:"JobType,omitempty"`
	Status         string   `json:"Status,omitempty"`
	BusinessStatus string   `json:"BusinessStatus,omitempty"`
	Name           string   `json:"Name,omitempty"`
	PageNumber     int      `json:"PageNumber,omitempty"`
	PageSize       int      `json:"PageSize,omitempty"`
}

// DescribeReplicationJobsResponseBody is one page of jobs.
type DescribeReplicationJobsResponseBody struct {
	RequestId       string `json:"RequestId"`
	TotalCount      int    `json:"TotalCount"`
	PageNumber      int    `json:"PageNumber"`
	PageSize        int    `json:"PageSize"`
	ReplicationJobs struct {
		ReplicationJob []*facts.Job `json:"ReplicationJob"`
	} `json:"ReplicationJobs"`
}

// AllReplicationJobs returns every page of the jobs that req selects, MaxJobIDs
// a page (req's PageNumber and PageSize are ignored).
func (c *Client) AllReplicationJobs(ctx context.Context, req DescribeReplicationJobsRequest) ([]*facts.Job, error) {
	return api.ReadByNumber(ctx, "DescribeReplicationJobs", func(ctx context.Context, n int) ([]*facts.Job, int, error) {
		req.PageNumber, req.PageSize = n, MaxJobIDs
		page, err := c.DescribeReplicationJobs(ctx, &req)
		if err != nil {
			return nil, 0, err
		}
		return page.ReplicationJobs.ReplicationJob, page.TotalCount, nil
	})
}

// DescribeReplicationJobs returns one page of jobs.
func (c *Client) DescribeReplicationJobs(ctx context.Context, req *DescribeReplicationJobsRequest) (*DescribeReplicationJobsResponseBody, error) {
	out := &DescribeReplicationJobsResponseBody{}
	return out, c.call(ctx, "DescribeReplicationJobs", req, out)
}

// StartReplicationJobRequest resumes a job. The API takes the JobId alone (no
// RegionId: a job ID is unique in the account).
type StartReplicationJobRequest struct {
	JobId string `json:"JobId"`
}

// StartReplicationJobResponseBody is the answer of StartReplicationJob.
type StartReplicationJobResponseBody struct {
	RequestId string `json:"RequestId"`
}

// StartReplicationJob resumes a job that is Ready, Stopped or InError.
func (c *Client) StartReplicationJob(ctx context.Context, req *StartReplicationJobRequest) (*StartReplicationJobResponseBody, error) {
	out := &StartReplicationJobResponseBody{}
	return out, c.call(ctx, "StartReplicationJob", req, out)
}

// DeleteReplicationJobRequest deletes a job. Like StartReplicationJob, the API
// takes the JobId alone.
type DeleteReplicationJobRequest struct {
	JobId string `json:"JobId"`
}

// DeleteReplicationJobResponseBody is the answer of DeleteReplicationJob.
type DeleteReplicationJobResponseBody struct {
	RequestId string `json:"RequestId"`
}

// DeleteReplicationJob deletes a job that is not Running; it cannot be undone
// (SMC releases the job's intermediate resources).
func (c *Client) DeleteReplicationJob(ctx context.Context, req *DeleteReplicationJobRequest) (*DeleteReplicationJobResponseBody, error) {
	out := &DeleteReplicationJobResponseBody{}
	return out, c.call(ctx, "DeleteReplicationJob", req, out)
}
