package smc

import "context"

// CreateCrossZoneMigrationJobRequest holds every parameter of
// CreateCrossZoneMigrationJob. JSON names are the API's; empty fields are not sent.
type CreateCrossZoneMigrationJobRequest struct {
	RegionId           string                                    `json:"RegionId"`
	ClientToken        string                                    `json:"ClientToken,omitempty"`
	InstanceId         string                                    `json:"InstanceId,omitempty"`
	TargetZoneId       string                                    `json:"TargetZoneId,omitempty"`
	TargetVSwitchId    string                                    `json:"TargetVSwitchId,omitempty"`
	TargetInstanceType string                                    `json:"TargetInstanceType,omitempty"`
	AutoPay            *bool                                     `json:"AutoPay,omitempty"`
	Disk               []*CreateCrossZoneMigrationJobRequestDisk `json:"Disk,omitempty"`
	ResourceGroupId    string                                    `json:"ResourceGroupId,omitempty"`
}

// CreateCrossZoneMigrationJobRequestDisk is one element of Disk (sent as Disk.N.*).
type CreateCrossZoneMigrationJobRequestDisk struct {
	DiskId           string `json:"DiskId,omitempty"`
	Category         string `json:"Category,omitempty"`
	PerformanceLevel string `json:"PerformanceLevel,omitempty"`
}

// CreateCrossZoneMigrationJobResponseBody is the answer of a create.
type CreateCrossZoneMigrationJobResponseBody struct {
	RequestId string `json:"RequestId"`
	JobId     string `json:"JobId"`
}

// CreateCrossZoneMigrationJob creates a cross-zone migration job. A retried
// attempt sends the same ClientToken, so it never creates a second job.
func (c *Client) CreateCrossZoneMigrationJob(ctx context.Context, req *CreateCrossZoneMigrationJobRequest) (*CreateCrossZoneMigrationJobResponseBody, error) {
	out := &CreateCrossZoneMigrationJobResponseBody{}
	return out, c.call(ctx, "CreateCrossZoneMigrationJob", req, out)
}

// JobTypeCrossZone is DescribeReplicationJobs' JobType of cross-zone migrations.
const JobTypeCrossZone = 2

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
		ReplicationJob []*ReplicationJob `json:"ReplicationJob"`
	} `json:"ReplicationJobs"`
}

// ReplicationJob is one job as DescribeReplicationJobs returns it (the fields
// zonemove reads).
type ReplicationJob struct {
	JobId                string  `json:"JobId"`
	Name                 string  `json:"Name"`
	JobType              int     `json:"JobType"`
	Status               string  `json:"Status"`
	BusinessStatus       string  `json:"BusinessStatus"`
	Progress             float64 `json:"Progress"`
	ErrorCode            string  `json:"ErrorCode"`
	StatusInfo           string  `json:"StatusInfo"`
	InstanceId           string  `json:"InstanceId"`
	RegionId             string  `json:"RegionId"`
	VSwitchId            string  `json:"VSwitchId"`
	VpcId                string  `json:"VpcId"`
	CreationTime         string  `json:"CreationTime"`
	StartTime            string  `json:"StartTime"`
	EndTime              string  `json:"EndTime"`
	TransitionInstanceId string  `json:"TransitionInstanceId"`
}

// Job statuses.
const (
	StatusReady    = "Ready"
	StatusRunning  = "Running"
	StatusStopped  = "Stopped"
	StatusInError  = "InError"
	StatusFinished = "Finished"
	StatusWaiting  = "Waiting"
	StatusExpired  = "Expired"
	StatusDeleting = "Deleting"
)

// Statuses lists every job status, for validating --status.
var Statuses = []string{StatusReady, StatusRunning, StatusStopped, StatusInError, StatusFinished, StatusWaiting, StatusExpired, StatusDeleting}

// IsTerminal reports whether a job in this status will not move on its own.
func IsTerminal(status string) bool {
	switch status {
	case StatusFinished, StatusInError, StatusStopped, StatusExpired:
		return true
	}
	return false
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
