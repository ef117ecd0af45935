package facts

// Job is one SMC replication job as DescribeReplicationJobs returns it (the
// fields zonemove reads). JSON names are the API's.
type Job struct {
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

// JobTypeCrossZone is DescribeReplicationJobs' JobType of cross-zone migrations.
const JobTypeCrossZone = 2

// Job statuses.
const (
	JobReady    = "Ready"
	JobRunning  = "Running"
	JobStopped  = "Stopped"
	JobInError  = "InError"
	JobFinished = "Finished"
	JobWaiting  = "Waiting"
	JobExpired  = "Expired"
	JobDeleting = "Deleting"
)

// JobStatuses lists every job status.
func JobStatuses() []string {
	return []string{JobReady, JobRunning, JobStopped, JobInError, JobFinished, JobWaiting, JobExpired, JobDeleting}
}

// IsTerminal reports whether a job in this status will not move on its own.
func IsTerminal(status string) bool {
	switch status {
	case JobFinished, JobInError, JobStopped, JobExpired:
		return true
	}
	return false
}

// Resumable reports whether StartReplicationJob accepts a job in this status.
func Resumable(status string) bool {
	switch status {
	case JobReady, JobStopped, JobInError:
		return true
	}
	return false
}

// Deletable reports whether DeleteReplicationJob accepts a job in this status:
// any but Running (and Deleting, which is on its way out already).
func Deletable(status string) bool {
	return status != JobRunning && status != JobDeleting
}
