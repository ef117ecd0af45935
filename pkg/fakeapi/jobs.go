package fakeapi

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
)

// Jobs models SMC job control for tests (api-facts.md, "Job control and
// paging"): DescribeReplicationJobs by JobId.N or InstanceId.N (at most 50,
// PageSize 1-50, default 10), StartReplicationJob for Ready, Stopped and
// InError jobs (the job becomes Running), DeleteReplicationJob for any job but
// a Running one (the job is gone from then on). Any other status answers 400
// ReplicationJob.InvalidStatus, as SMC does; both take a required JobId and
// nothing else (no RegionId). Steps queued with On still come first; LoseAnswer
// makes the next call take effect and its answer get lost.
type Jobs struct {
	srv *Server

	mu   sync.Mutex
	jobs map[string]*ModelJob
	ids  []string // in the order added
	end  string   // a read by JobId.N finds a Running or Waiting job in this status

	// Finished, when set, is told (under no lock) of each job a read by ID
	// finished (FinishWhenPolled): a world that models the instances too
	// moves its instance there.
	Finished func(j ModelJob)
}

// ModelJob is one job of the model.
type ModelJob struct {
	ID, InstanceID, Status, BusinessStatus, ErrorCode, StatusInfo string
	VSwitchID                                                     string // where the job goes (its create's TargetVSwitchId)
	Progress                                                      float64
}

// NewJobs makes the server answer the job-control actions from the model.
func NewJobs(srv *Server) *Jobs {
	m := &Jobs{srv: srv, jobs: map[string]*ModelJob{}}
	srv.Always("DescribeReplicationJobs", Step{Respond: m.describe})
	srv.Always("StartReplicationJob", Step{Respond: m.start})
	srv.Always("DeleteReplicationJob", Step{Respond: m.delete})
	return m
}

// Add puts a job of the instance in the status into the model.
func (m *Jobs) Add(id, instanceID, status string) *ModelJob {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := &ModelJob{ID: id, InstanceID: instanceID, Status: status, BusinessStatus: "Syncing", Progress: 40}
	switch status {
	case "InError":
		j.ErrorCode, j.StatusInfo = "DiskSyncFailed", "data disk sync failed"
	case "Finished":
		j.BusinessStatus, j.Progress = "Cleaning", 100
	case "Ready", "Waiting":
		j.BusinessStatus, j.Progress = "Preparing", 0
	}
	if _, ok := m.jobs[id]; !ok {
		m.ids = append(m.ids, id)
	}
	m.jobs[id] = j
	return j
}

// Status is the job's status in the model; false once it is deleted.
func (m *Jobs) Status(id string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if j, ok := m.jobs[id]; ok {
		return j.Status, true
	}
	return "", false
}

// FinishWhenPolled makes a Running or Waiting job Finished when it is read
// by its ID (a wait's poll), so that following a job ends.
func (m *Jobs) FinishWhenPolled() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.end = "Finished"
}

// EndWhenPolled makes a read by JobId.N find a Running or Waiting job ended
// in status (InError with an error code, Stopped, Expired, Finished).
func (m *Jobs) EndWhenPolled(status string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.end = status
}

// Remove deletes a job from the model behind the client's back (in the
// console, say).
func (m *Jobs) Remove(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.jobs, id)
}

// Track wraps a create step (Fleet.Created, say): a job it answers with
// becomes a Running job of the model.
func (m *Jobs) Track(create Step) Step {
	return Step{Drop: create.Drop, Respond: func(r *Request) (int, any) {
		status, body := create.Respond(r)
		if b, ok := body.(map[string]string); ok && status == 200 {
			m.mu.Lock()
			if _, known := m.jobs[b["JobId"]]; !known {
				m.ids = append(m.ids, b["JobId"])
				m.jobs[b["JobId"]] = &ModelJob{ID: b["JobId"], InstanceID: r.Params.Get("InstanceId"), Status: "Running", BusinessStatus: "Preparing",
					VSwitchID: r.Params.Get("TargetVSwitchId")}
			}
			m.mu.Unlock()
		}
		return status, body
	}}
}

// LoseAnswer makes the next request of action (StartReplicationJob or
// DeleteReplicationJob) take effect and then drops its connection: the client
// never learns that it did.
func (m *Jobs) LoseAnswer(action string) {
	handler := map[string]func(*Request) (int, any){"StartReplicationJob": m.start, "DeleteReplicationJob": m.delete}[action]
	if handler == nil {
		panic("fakeapi: LoseAnswer of " + action)
	}
	m.srv.On(action, Step{Respond: handler, Drop: true})
}

// Start is the step that answers StartReplicationJob from the model (to queue
// it before or after other steps).
func (m *Jobs) Start() Step { return Step{Respond: m.start} }

// Delete is the step that answers DeleteReplicationJob from the model.
func (m *Jobs) Delete() Step { return Step{Respond: m.delete} }

// Describe is the step that answers DescribeReplicationJobs from the model
// (to wrap it in a step of a test's own).
func (m *Jobs) Describe() Step { return Step{Respond: m.describe} }

func (m *Jobs) describe(r *Request) (int, any) {
	if msg := badPage(r); msg != "" {
		return 400, apiError("FAKE-JOBS", "InvalidParameter", msg)
	}
	ids, insts := indexed(r, "JobId"), indexed(r, "InstanceId")
	if len(ids) > 50 || len(insts) > 50 {
		return 400, apiError("FAKE-JOBS", "InvalidParameter", "JobId.N and InstanceId.N take at most 50 items")
	}
	var finished []ModelJob
	defer func() {
		for _, j := range finished {
			if m.Finished != nil {
				m.Finished(j)
			}
		}
	}()
	m.mu.Lock()
	defer m.mu.Unlock()
	list := []any{}
	for _, id := range m.ids {
		j := m.jobs[id]
		if j == nil || (len(ids) > 0 && !slices.Contains(ids, id)) || (len(insts) > 0 && !slices.Contains(insts, j.InstanceID)) ||
			(r.Params.Get("Status") != "" && r.Params.Get("Status") != j.Status) {
			continue
		}
		if m.end != "" && len(ids) > 0 && (j.Status == "Running" || j.Status == "Waiting") {
			switch j.Status = m.end; m.end {
			case "Finished":
				j.BusinessStatus, j.Progress = "Cleaning", 100
				finished = append(finished, *j)
			case "InError":
				j.BusinessStatus, j.Progress, j.ErrorCode, j.StatusInfo = "Syncing", 40, "S2.DISK_BUSY", "a disk of the intermediate instance did not attach"
			default:
				j.BusinessStatus, j.Progress = "Syncing", 40
			}
		}
		list = append(list, j.view())
	}
	size := 10
	if s := r.Params.Get("PageSize"); s != "" {
		fmt.Sscan(s, &size)
	}
	page := 1
	if p := r.Params.Get("PageNumber"); p != "" {
		fmt.Sscan(p, &page)
	}
	total := len(list)
	list = list[min((page-1)*size, total):min(page*size, total)]
	return 200, map[string]any{"RequestId": "FAKE-JOBS", "TotalCount": total, "PageNumber": page, "PageSize": size,
		"ReplicationJobs": map[string]any{"ReplicationJob": list}}
}

func (m *Jobs) start(r *Request) (int, any) {
	return m.control(r, "FAKE-START", func(j *ModelJob) bool {
		switch j.Status {
		case "Ready", "Stopped", "InError":
			j.Status, j.BusinessStatus, j.ErrorCode, j.StatusInfo = "Running", "Syncing", "", ""
			return true
		}
		return false
	}, "Ready, Stopped, InError")
}

func (m *Jobs) delete(r *Request) (int, any) {
	return m.control(r, "FAKE-DELETE", func(j *ModelJob) bool {
		if j.Status == "Running" {
			return false
		}
		delete(m.jobs, j.ID)
		return true
	}, "Ready, Stopped, InError, Finished, Waiting, Expired")
}

// control applies a job-control action to the job the request names.
func (m *Jobs) control(r *Request, requestID string, apply func(*ModelJob) bool, allowed string) (int, any) {
	for k := range r.Params {
		if k != "JobId" {
			m.srv.t.Errorf("fakeapi: %s takes the JobId alone; the request carried %s", r.Action, k)
		}
	}
	id := r.Params.Get("JobId")
	if id == "" {
		return 400, apiError(requestID, "MissingJobId", "JobId is mandatory for this action.")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.jobs[id]
	if j == nil {
		// Not documented for these actions; the code SMC's other APIs use for an unknown ID.
		return http.StatusNotFound, apiError(requestID, "InvalidJobId.NotFound", "The specified replication job does not exist.")
	}
	status := j.Status
	if !apply(j) {
		return 400, apiError(requestID, "ReplicationJob.InvalidStatus", fmt.Sprintf(
			"The specified replication job status: %s is invalid. This operation can only be performed in the following status: %s.", status, allowed))
	}
	return 200, map[string]string{"RequestId": requestID}
}

func (j *ModelJob) view() map[string]any {
	v := map[string]any{"JobId": j.ID, "Name": "", "JobType": 2, "Status": j.Status, "BusinessStatus": j.BusinessStatus,
		"Progress": j.Progress, "ErrorCode": j.ErrorCode, "StatusInfo": j.StatusInfo, "InstanceId": j.InstanceID,
		"RegionId": "cn-hangzhou", "CreationTime": "2026-11-27T11:58:00Z", "StartTime": "2026-11-27T11:58:20Z", "EndTime": ""}
	switch j.Status {
	case "Finished", "InError", "Stopped", "Expired":
		v["EndTime"] = "2026-11-27T13:10:00Z"
	}
	if j.VSwitchID != "" {
		v["VSwitchId"] = j.VSwitchID
	}
	return v
}

// indexed reads the 1-based list NAME.1, NAME.2, ... of a request.
func indexed(r *Request, name string) []string {
	var out []string
	for i := 1; r.Params.Has(fmt.Sprintf("%s.%d", name, i)); i++ {
		out = append(out, r.Params.Get(fmt.Sprintf("%s.%d", name, i)))
	}
	return out
}

// badPage checks PageSize (1-50) and PageNumber (from 1) when given.
func badPage(r *Request) string {
	var n int
	if s := r.Params.Get("PageSize"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 || n > 50 {
			return "PageSize must be 1 to 50"
		}
	}
	if s := r.Params.Get("PageNumber"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
			return "PageNumber must be at least 1"
		}
	}
	return ""
}
