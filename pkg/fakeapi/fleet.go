package fakeapi

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Fleet models the instances of a region for batch tests and benchmarks.
// Each instance is the recorded healthy one (ecs/DescribeInstances.healthy.http
// and its disks and snapshots) under its own IDs: i-bp1ff25rzvnul6kr0001 has
// disk d-bp1eeplkn4j29wf70001, i-bp1ff25rzvnul6kr0042 has d-bp1eeplkn4j29wf70042.
// A create makes a job (answered with j-<the instance ID's suffix>); the
// instance's active-job lookup then finds it Running; the first poll of the
// job by ID finds it Finished (or InError, see FailJob), and from then on the
// instance is read back in its target zone and type. The zone's stock, the
// family's types and the target vSwitch are the recorded ones (zone
// cn-hangzhou-i, vsw-bp1mxqnssl8nafltc0001, ecs.g7).
type Fleet struct {
	srv *Server

	mu        sync.Mutex
	instances map[string]bool
	jobs      map[string]*fleetJob // by instance ID
	failing   map[string]bool      // instances whose job ends InError
	endTypes  map[string]string    // instances that end with a type nobody asked for
}

type fleetJob struct {
	id, zone, instanceType string
	ended                  bool
	status                 string // set by SetJobStatus: the job stays so
}

// The IDs of the recorded instance, replaced by each instance's own.
const (
	recordedInstance = "i-bp1ff25rzvnul6kr0001"
	recordedDisk     = "d-bp1eeplkn4j29wf70001"
)

// NewFleet makes the server answer for the instances, for every action of a
// batch: the preflight lookups, the creates and the polls. Steps queued with
// On still come first.
func NewFleet(srv *Server, instanceIDs ...string) *Fleet {
	f := &Fleet{srv: srv, instances: map[string]bool{}, jobs: map[string]*fleetJob{}, failing: map[string]bool{}, endTypes: map[string]string{}}
	for _, id := range instanceIDs {
		f.instances[id] = true
	}
	srv.Always("CreateCrossZoneMigrationJob", Step{Respond: f.create})
	srv.Always("DescribeInstances", Step{Respond: f.describeInstances})
	srv.Always("DescribeDisks", Step{Respond: f.perInstance("ecs/DescribeDisks.healthy.http", "ecs/DescribeDisks.absent.http")})
	srv.Always("DescribeSnapshots", Step{Respond: f.perInstance("ecs/DescribeSnapshots.recent.http", "ecs/DescribeSnapshots.none.http")})
	srv.Always("DescribeReplicationJobs", Step{Respond: f.describeJobs})
	srv.Always("DescribeVSwitches", Step{File: "vpc/DescribeVSwitches.target.http"})
	srv.Always("DescribeAvailableResource", Step{File: "ecs/DescribeAvailableResource.zone-i.http"})
	srv.Always("DescribeInstanceTypes", Step{File: "ecs/DescribeInstanceTypes.g7.http"})
	return f
}

// FleetInstance is the ID of the fleet's instance number n (from 1).
func FleetInstance(n int) string { return fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", n) }

// FleetDisk is the disk of an instance of the fleet.
func FleetDisk(instanceID string) string { return "d-bp1eeplkn4j29wf7" + suffix(instanceID) }

// FleetJob is the job a create of the instance makes.
func FleetJob(instanceID string) string { return "j-" + strings.TrimPrefix(instanceID, "i-") }

// Created is the step that answers a create as the fleet does (to queue it
// before or after other steps); with Drop set, the job is made and the answer
// lost.
func (f *Fleet) Created() Step { return Step{Respond: f.create} }

// FailJob makes the job of the instance end InError.
func (f *Fleet) FailJob(instanceID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[instanceID] = true
}

// EndAs makes the instance come out of its Finished job with instanceType,
// whatever the create asked for.
func (f *Fleet) EndAs(instanceID, instanceType string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.endTypes[instanceID] = instanceType
}

// SetJobStatus gives the instance's job a status it keeps (Ready, Stopped,
// InError, Expired...), making the job if the instance has none, as if an
// earlier create had made it.
func (f *Fleet) SetJobStatus(instanceID, zone, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs[instanceID]
	if j == nil {
		j = &fleetJob{id: FleetJob(instanceID), zone: zone}
		f.jobs[instanceID] = j
	}
	j.status = status
}

// DeleteJob removes the instance's job, as DeleteReplicationJob does.
func (f *Fleet) DeleteJob(instanceID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.jobs, instanceID)
}

// Move puts the instance in a zone as a finished job would have (its job is
// Finished).
func (f *Fleet) Move(instanceID, zone string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[instanceID] = &fleetJob{id: FleetJob(instanceID), zone: zone, ended: true}
}

func suffix(id string) string {
	if len(id) < 4 {
		return id
	}
	return id[len(id)-4:]
}

func (f *Fleet) create(r *Request) (int, any) {
	id := r.Params.Get("InstanceId")
	f.mu.Lock()
	defer f.mu.Unlock()
	if job, ok := f.srv.tokenJob(r.Params.Get("ClientToken")); ok {
		// SMC keys idempotency on the token alone: a token used before answers
		// with its job, whatever instance the request names.
		return 200, map[string]string{"RequestId": "FLEET-CREATE-" + suffix(id), "JobId": job}
	}
	if !f.instances[id] {
		return 400, map[string]string{"RequestId": "FLEET-CREATE", "Code": "InvalidInstanceId.NotFound", "Message": "The specified instance does not exist."}
	}
	if f.jobs[id] == nil {
		f.jobs[id] = &fleetJob{id: FleetJob(id), zone: r.Params.Get("TargetZoneId"), instanceType: r.Params.Get("TargetInstanceType")}
	}
	return 200, map[string]string{"RequestId": "FLEET-CREATE-" + suffix(id), "JobId": FleetJob(id)}
}

// recorded reads a recorded response body with the instance's IDs in it.
func (f *Fleet) recorded(file, instanceID string) (map[string]any, error) {
	_, _, body, err := ReadRecorded(filepath.Join(f.srv.Dir, file))
	if err != nil {
		return nil, err
	}
	s := strings.NewReplacer(recordedInstance, instanceID, recordedDisk, FleetDisk(instanceID)).Replace(string(body))
	var m map[string]any
	return m, json.Unmarshal([]byte(s), &m)
}

// perInstance answers a lookup by InstanceId: the recorded file under the
// instance's IDs, or the empty answer for an instance not in the fleet.
func (f *Fleet) perInstance(file, none string) func(*Request) (int, any) {
	return func(r *Request) (int, any) {
		id, answer := r.Params.Get("InstanceId"), file
		if !f.known(id) {
			answer = none
		}
		m, err := f.recorded(answer, id)
		if err != nil {
			return 500, map[string]string{"Code": "FleetMisconfigured", "Message": err.Error()}
		}
		return 200, m
	}
}

func (f *Fleet) known(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.instances[id]
}

func (f *Fleet) describeInstances(r *Request) (int, any) {
	var ids []string
	_ = json.Unmarshal([]byte(r.Params.Get("InstanceIds")), &ids)
	var list []any
	for _, id := range ids {
		if !f.known(id) {
			continue
		}
		m, err := f.recorded("ecs/DescribeInstances.healthy.http", id)
		if err != nil {
			return 500, map[string]string{"Code": "FleetMisconfigured", "Message": err.Error()}
		}
		inst := m["Instances"].(map[string]any)["Instance"].([]any)[0].(map[string]any)
		f.mu.Lock()
		if j := f.jobs[id]; j != nil && j.ended && !f.failing[id] {
			inst["ZoneId"] = j.zone
			if j.instanceType != "" {
				inst["InstanceType"] = j.instanceType
			}
			if t, ok := f.endTypes[id]; ok {
				inst["InstanceType"] = t
			}
		}
		f.mu.Unlock()
		list = append(list, inst)
	}
	return 200, map[string]any{"RequestId": "FLEET-INSTANCES", "TotalCount": len(list), "PageNumber": 1, "PageSize": 100,
		"Instances": map[string]any{"Instance": list}}
}

// describeJobs filters as DescribeReplicationJobs does (JobId.N, InstanceId.N,
// JobType, Status) and pages (PageSize 1-50, default 10; PageNumber).
func (f *Fleet) describeJobs(r *Request) (int, any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := func(prefix string) []string {
		var out []string
		for i := 1; r.Params.Get(fmt.Sprintf("%s.%d", prefix, i)) != ""; i++ {
			out = append(out, r.Params.Get(fmt.Sprintf("%s.%d", prefix, i)))
		}
		return out
	}
	jobIDs, instanceIDs := list("JobId"), list("InstanceId")
	if len(jobIDs) > 50 || len(instanceIDs) > 50 {
		return 400, map[string]string{"RequestId": "FLEET-JOBS", "Code": "InvalidParameter", "Message": "at most 50 JobId.N or InstanceId.N"}
	}
	size, number := 10, 1
	if v := r.Params.Get("PageSize"); v != "" {
		fmt.Sscan(v, &size)
	}
	if v := r.Params.Get("PageNumber"); v != "" {
		fmt.Sscan(v, &number)
	}
	if size < 1 || size > 50 || number < 1 {
		return 400, map[string]string{"RequestId": "FLEET-JOBS", "Code": "InvalidParameter", "Message": "PageSize is 1-50, PageNumber from 1"}
	}
	var insts []string
	for inst := range f.jobs {
		insts = append(insts, inst)
	}
	sort.Strings(insts)
	var all []any
	for _, inst := range insts {
		j := f.jobs[inst]
		if len(jobIDs) > 0 && !slices.Contains(jobIDs, j.id) || len(instanceIDs) > 0 && !slices.Contains(instanceIDs, inst) {
			continue
		}
		if len(jobIDs) > 0 && j.status == "" {
			j.ended = true // the first poll by ID finds the job at its end
		}
		v := f.jobView(inst, j)
		if st := r.Params.Get("Status"); st != "" && v["Status"] != st {
			continue
		}
		all = append(all, v)
	}
	page := []any{}
	if from := (number - 1) * size; from < len(all) {
		page = all[from:min(from+size, len(all))]
	}
	return 200, map[string]any{"RequestId": "FLEET-JOBS", "TotalCount": len(all), "PageNumber": number, "PageSize": size,
		"ReplicationJobs": map[string]any{"ReplicationJob": page}}
}

func (f *Fleet) jobView(instanceID string, j *fleetJob) map[string]any {
	v := map[string]any{"JobId": j.id, "Name": "", "JobType": 2, "Status": "Running", "BusinessStatus": "Syncing", "Progress": 12,
		"ErrorCode": "", "StatusInfo": "", "InstanceId": instanceID, "RegionId": "cn-hangzhou",
		"CreationTime": "2026-11-27T12:00:00Z", "StartTime": "2026-11-27T12:00:10Z", "EndTime": ""}
	switch {
	case j.status != "":
		v["Status"] = j.status
		if j.status == "InError" {
			v["ErrorCode"], v["StatusInfo"] = "DiskSyncFailed", "data disk sync failed"
		}
	case j.ended && f.failing[instanceID]:
		v["Status"], v["Progress"], v["ErrorCode"], v["StatusInfo"], v["EndTime"] = "InError", 40, "DiskSyncFailed", "data disk sync failed", "2026-11-27T13:10:00Z"
	case j.ended:
		v["Status"], v["BusinessStatus"], v["Progress"], v["EndTime"] = "Finished", "Cleaning", 100, "2026-11-27T15:40:10Z"
	}
	return v
}
