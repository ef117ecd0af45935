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
	return out, c.Call(ctx, "CreateCrossZoneMigrationJob", req, out)
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

// JobQuery selects cross-zone jobs (JobType 2) of a region: by job ID, by
// instance, by status. It is the one place a DescribeReplicationJobs request
// is built.
type JobQuery struct {
	Region      string
	JobIDs      []string // at most MaxJobIDs
	InstanceIDs []string // at most MaxJobIDs
	Status      string
}

// Page is the request of one page of the query. The API's PageSize defaults
// to 10, whatever JobId.N names, so it is always sent.
func (q JobQuery) Page(number, size int) *DescribeReplicationJobsRequest {
	return &DescribeReplicationJobsRequest{RegionId: q.Region, JobId: q.JobIDs, InstanceId: q.InstanceIDs,
		JobType: JobTypeCrossZone, Status: q.Status, PageNumber: number, PageSize: size}
}

// AllJobs returns every page of the jobs that q selects, MaxJobIDs a page.
func (c *Client) AllJobs(ctx context.Context, q JobQuery) ([]*facts.Job, error) {
	return api.ReadByNumber(ctx, "DescribeReplicationJobs", func(ctx context.Context, n int) ([]*facts.Job, int, error) {
		page, err := c.DescribeReplicationJobs(ctx, q.Page(n, MaxJobIDs))
		if err != nil {
			return nil, 0, err
		}
		return page.ReplicationJobs.ReplicationJob, page.TotalCount, nil
	})
}

// JobsByID reads cross-zone jobs by ID: one DescribeReplicationJobs per
// MaxJobIDs IDs, sent one after the other. Jobs that do not exist (in this
// region, as cross-zone jobs) are absent from the result.
func (c *Client) JobsByID(ctx context.Context, region string, ids []string) (map[string]*facts.Job, error) {
	out := make(map[string]*facts.Job, len(ids))
	for start := 0; start < len(ids); start += MaxJobIDs {
		q := JobQuery{Region: region, JobIDs: ids[start:min(start+MaxJobIDs, len(ids))]}
		page, err := c.DescribeReplicationJobs(ctx, q.Page(1, MaxJobIDs))
		if err != nil {
			return nil, err
		}
		for _, j := range page.ReplicationJobs.ReplicationJob {
			if j != nil {
				out[j.JobId] = j
			}
		}
	}
	return out, nil
}

// DescribeReplicationJobs returns one page of jobs.
func (c *Client) DescribeReplicationJobs(ctx context.Context, req *DescribeReplicationJobsRequest) (*DescribeReplicationJobsResponseBody, error) {
	out := &DescribeReplicationJobsResponseBody{}
	return out, c.Call(ctx, "DescribeReplicationJobs", req, out)
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
	return out, c.Call(ctx, "StartReplicationJob", req, out)
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
	return out, c.Call(ctx, "DeleteReplicationJob", req, out)
}
