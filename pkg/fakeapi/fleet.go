package fakeapi

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fleet models the instances of a region for batch tests and benchmarks, with
// the API's paging, filters and limits. Each instance is the recorded healthy
// one (ecs/DescribeInstances.healthy.http and its disk and snapshots, zone
// cn-hangzhou-h) under its own IDs: i-bp1ff25rzvnul6kr0001 has disk
// d-bp1eeplkn4j29wf70001, i-bp1ff25rzvnul6kr0042 has d-bp1eeplkn4j29wf70042.
// A create makes a job (answered with j-<the instance ID's suffix>); the
// instance's active-job lookup then finds it Running; the first poll of the
// job by ID finds it Finished (or InError, see FailJob), and from then on the
// instance is read back in its target zone and type. The zone's stock, the
// family's types and the vSwitches are the recorded ones (zone cn-hangzhou-i,
// vsw-bp1mxqnssl8nafltc0001, ecs.g7); every zone has zone i's stock. A create
// for an instance whose job Finished (a revert) makes a second job,
// j-<suffix>2, and the first stays listed.
//
// Lists page as the API does and as Region's do (paging.go): by MaxResults
// and NextToken (DescribeInstances 1-100, DescribeDisks 10-500,
// DescribeSnapshots 1-100) or by PageNumber and PageSize (DescribeReplicationJobs
// and DescribeVSwitches 1-50), 10 a page unless asked otherwise; IDs lists
// are bounded (InstanceIds 100, DiskIds 100, InstanceId.N and JobId.N 50);
// RegionId is required.
type Fleet struct {
	srv *Server
	// PageLimit, when set, caps every page below what was asked, as a service
	// may: tests use it to read every list across several pages.
	PageLimit int
	// PollsToEnd, when above 1, is how many polls by ID a job takes to end:
	// it is Running until its PollsToEnd-th poll (a job of K polls).
	PollsToEnd int

	mu        sync.Mutex
	order     []string // instance IDs in the order given
	instances map[string]bool
	tags      map[string]map[string]string
	jobs      map[string]*fleetJob // by instance ID
	// earlier are the Finished jobs of an instance that a later create
	// (a revert) followed, oldest first: SMC goes on listing them.
	earlier  map[string][]*fleetJob
	failing  map[string]bool   // instances whose job ends InError
	failNext map[string]bool   // instances whose next job ends InError (FailNextJob)
	endTypes map[string]string // instances that end with a type nobody asked for
	recorded map[string]string // recorded bodies by file
	answers  map[string]string // instances answered from another DescribeInstances file
	// peakRunning is the most jobs Running at once: from a create (or a
	// start) to the poll that ends the job.
	peakRunning int
	lbs         *LoadBalancers
	pollsOf     map[string]int // PollsToEnd of one instance's job (SetPollsToEnd)

	around *aroundFleet // snapshot groups and Cloud Assistant (around.go)
}

type fleetJob struct {
	id, zone, instanceType string
	vswitch                string // the create's TargetVSwitchId, the job's VSwitchId
	ended                  bool
	deleted                bool   // deleted after it Finished: not listed, its instance stays moved
	status                 string // set by SetJobStatus: the job stays so
	polls                  int    // polls by ID so far
}

// SetPollsToEnd gives the instance's job a length of its own: it ends at its
// kth poll by ID.
func (f *Fleet) SetPollsToEnd(instanceID string, k int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pollsOf == nil {
		f.pollsOf = map[string]int{}
	}
	f.pollsOf[instanceID] = k
}

// MaxRunning is the most jobs that were Running at once: how many instances
// were away together.
func (f *Fleet) MaxRunning() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peakRunning
}

// Running is how many jobs are Running now.
func (f *Fleet) Running() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running()
}

func (f *Fleet) running() int {
	n := 0
	for _, j := range f.jobs {
		if !j.ended && j.status == "" {
			n++
		}
	}
	return n
}

// countRunning updates the peak of Running jobs; f.mu is held.
func (f *Fleet) countRunning() { f.peakRunning = max(f.peakRunning, f.running()) }

// The IDs of the recorded instance, replaced by each instance's own.
const (
	recordedInstance = "i-bp1ff25rzvnul6kr0001"
	recordedDisk     = "d-bp1eeplkn4j29wf70001"
)

// NewFleet makes the server answer for the instances, for every action of a
// batch: the preflight lookups, the creates and the polls. Steps queued with
// On still come first.
func NewFleet(srv *Server, instanceIDs ...string) *Fleet {
	f := &Fleet{srv: srv, instances: map[string]bool{}, tags: map[string]map[string]string{}, jobs: map[string]*fleetJob{}, earlier: map[string][]*fleetJob{}, failNext: map[string]bool{},
		failing: map[string]bool{}, endTypes: map[string]string{}, recorded: map[string]string{}, answers: map[string]string{}}
	for _, id := range instanceIDs {
		if !f.instances[id] {
			f.instances[id] = true
			f.order = append(f.order, id)
		}
	}
	srv.Always("CreateCrossZoneMigrationJob", Step{Respond: f.create})
	srv.Always("DescribeInstances", Step{Respond: f.describeInstances})
	srv.Always("DescribeDisks", Step{Respond: f.describeDisks})
	srv.Always("DescribeSnapshots", Step{Respond: f.describeSnapshots})
	srv.Always("DescribeReplicationJobs", Step{Respond: f.describeJobs})
	srv.Always("StartReplicationJob", Step{Respond: f.startJob})
	srv.Always("DescribeVSwitches", Step{Respond: f.describeVSwitches})
	srv.Always("DescribeAvailableResource", Step{Respond: f.describeAvailableResource})
	srv.Always("DescribeInstanceTypes", Step{File: "ecs/DescribeInstanceTypes.g7.http"})
	f.registerAround()
	srv.mu.Lock()
	srv.fleet = f
	srv.mu.Unlock()
	f.lbs = NewLoadBalancers(srv)
	f.lbs.Follow(f)
	return f
}

// LoadBalancers is the account's load balancers beside the fleet (none until
// a test adds some); they see the fleet's moves (LoadBalancers.Follow).
func (f *Fleet) LoadBalancers() *LoadBalancers { return f.lbs }

// FleetInstance is the ID of the fleet's instance number n (from 1).
func FleetInstance(n int) string { return fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", n) }

// FleetInstances are the IDs of the fleet's instances 1 to n.
func FleetInstances(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = FleetInstance(i + 1)
	}
	return ids
}

// FleetDisk is the disk of an instance of the fleet.
func FleetDisk(instanceID string) string { return "d-bp1eeplkn4j29wf7" + suffix(instanceID) }

// FleetJob is the job a create of the instance makes.
func FleetJob(instanceID string) string { return "j-" + strings.TrimPrefix(instanceID, "i-") }

// Created is the step that answers a create as the fleet does (to queue it
// before or after other steps); with Drop set, the job is made and the answer
// lost.
func (f *Fleet) Created() Step { return Step{Respond: f.create} }

// startJob resumes a job as StartReplicationJob does: Ready, Stopped and
// InError jobs run again (and end Finished at the next poll by ID); any other
// status is ReplicationJob.InvalidStatus.
func (f *Fleet) startJob(r *Request) (int, any) {
	id := r.Params.Get("JobId")
	f.mu.Lock()
	defer f.mu.Unlock()
	for inst, j := range f.jobs {
		if j.id != id {
			continue
		}
		status, _ := f.jobView(inst, j)["Status"].(string)
		switch status {
		case "Ready", "Stopped", "InError":
			j.status, j.ended, j.polls = "", false, 0
			delete(f.failing, inst)
			f.countRunning()
			return 200, map[string]string{"RequestId": "FLEET-START-" + suffix(inst)}
		}
		return 400, apiError("FLEET-START", "ReplicationJob.InvalidStatus", "The replication job status is invalid: "+status)
	}
	return 400, apiError("FLEET-START", "InvalidJobId.NotFound", "The specified job does not exist.")
}

// StartStep is the step that answers StartReplicationJob as the fleet does.
func (f *Fleet) StartStep() Step { return Step{Respond: f.startJob} }

// Server is the fake endpoint the fleet answers on.
func (f *Fleet) Server() *Server { return f.srv }

// Jobs is the step that answers DescribeReplicationJobs as the fleet does (to
// wrap it in a test's own step).
func (f *Fleet) Jobs() Step { return Step{Respond: f.describeJobs} }

// FailJob makes the job of the instance end InError (its current job: a
// revert's, once the instance moved).
func (f *Fleet) FailJob(instanceID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing[instanceID] = true
}

// FailNextJob makes the next job created for the instance (a revert's, say)
// end InError; its current job is left as it is.
func (f *Fleet) FailNextJob(instanceID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext[instanceID] = true
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
	if j := f.jobs[instanceID]; j != nil && j.ended && j.status == "" && !f.failing[instanceID] {
		j.deleted = true // SMC forgets the job; the instance stays where it moved
		return
	}
	delete(f.jobs, instanceID)
}

// Move puts the instance in a zone, with a type ("" keeps its own), as a
// finished job would have (its job is Finished).
func (f *Fleet) Move(instanceID, zone, instanceType string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[instanceID] = &fleetJob{id: FleetJob(instanceID), zone: zone, instanceType: instanceType, ended: true}
}

// Moved says whether the instance's job has moved it (Finished and read so).
func (f *Fleet) Moved(instanceID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs[instanceID]
	return j != nil && j.ended && !f.failing[instanceID] && (j.status == "" || j.status == "Finished")
}

// PrivateIP is the instance's primary private IP now: the recorded one
// before the move, one of the target vSwitch after it.
func (f *Fleet) PrivateIP(instanceID string) string {
	inst, err := f.instance(instanceID)
	if err != nil {
		return ""
	}
	va, _ := inst.(map[string]any)["VpcAttributes"].(map[string]any)
	ips, _ := va["PrivateIpAddress"].(map[string]any)["IpAddress"].([]any)
	if len(ips) == 0 {
		return ""
	}
	ip, _ := ips[0].(string)
	return ip
}

// Tag gives the instance a tag, for DescribeInstances' Tag.N filters.
func (f *Fleet) Tag(instanceID, key, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tags[instanceID] == nil {
		f.tags[instanceID] = map[string]string{}
	}
	f.tags[instanceID][key] = value
}

// AddJob gives the instance a cross-zone job in a status, as an earlier run
// would have left it.
func (f *Fleet) AddJob(instanceID, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[instanceID] = &fleetJob{id: FleetJob(instanceID), zone: "cn-hangzhou-i", ended: status != "Running"}
	if status == "InError" {
		f.failing[instanceID] = true
	}
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
		return 400, apiError("FLEET-CREATE", "InvalidInstanceId.NotFound", "The specified instance does not exist.")
	}
	if j := f.jobs[id]; j != nil && j.ended && j.status == "" && !f.failing[id] {
		// The instance moved (its job Finished, or was deleted after); a new
		// create (a revert) makes a second job, and the first stays listed
		// unless it was deleted.
		f.earlier[id] = append(f.earlier[id], j)
		if f.failNext[id] {
			f.failing[id] = true
			delete(f.failNext, id)
		}
		f.jobs[id] = &fleetJob{id: fmt.Sprintf("%s%d", FleetJob(id), len(f.earlier[id])+1), zone: r.Params.Get("TargetZoneId"),
			instanceType: r.Params.Get("TargetInstanceType"), vswitch: r.Params.Get("TargetVSwitchId")}
		f.countRunning()
		return 200, map[string]string{"RequestId": "FLEET-CREATE-" + suffix(id), "JobId": f.jobs[id].id}
	}
	if f.jobs[id] == nil || f.jobs[id].deleted {
		f.jobs[id] = &fleetJob{id: FleetJob(id), zone: r.Params.Get("TargetZoneId"), instanceType: r.Params.Get("TargetInstanceType"),
			vswitch: r.Params.Get("TargetVSwitchId")}
		f.countRunning()
	}
	return 200, map[string]string{"RequestId": "FLEET-CREATE-" + suffix(id), "JobId": f.jobs[id].id}
}

// body reads a recorded response body with the instance's IDs in it; the
// files are read once.
func (f *Fleet) body(file, instanceID string) (map[string]any, error) {
	f.mu.Lock()
	raw, ok := f.recorded[file]
	f.mu.Unlock()
	if !ok {
		_, _, b, err := ReadRecorded(filepath.Join(f.srv.Dir, file))
		if err != nil {
			return nil, err
		}
		raw = string(b)
		f.mu.Lock()
		f.recorded[file] = raw
		f.mu.Unlock()
	}
	s := strings.NewReplacer(recordedInstance, instanceID, recordedDisk, FleetDisk(instanceID)).Replace(raw)
	var m map[string]any
	return m, json.Unmarshal([]byte(s), &m)
}

// items are the elements of a recorded list (Instances.Instance ...).
func (f *Fleet) items(file, instanceID, outer, inner string) ([]any, error) {
	m, err := f.body(file, instanceID)
	if err != nil {
		return nil, err
	}
	list, _ := m[outer].(map[string]any)[inner].([]any)
	return list, nil
}

func (f *Fleet) instanceIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.order)
}

func (f *Fleet) known(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.instances[id]
}

// paged is the paging of a list action as the fleet answers it: capped at PageLimit.
func (f *Fleet) paged(p paging) paging {
	p.limit = f.PageLimit
	return p
}

func missingRegion(r *Request) map[string]string {
	if r.Params.Get("RegionId") == "" {
		return apiError("FLEET-REGION", "MissingRegionId", "RegionId is mandatory for this action.")
	}
	return nil
}

func (f *Fleet) describeInstances(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	ids, bad := jsonIDs(r, "InstanceIds", 100)
	if bad != nil {
		return bad.answer()
	}
	if ids == nil {
		ids = f.instanceIDs()
	}
	zone, tags := r.Params.Get("ZoneId"), tagFilter(r)
	var match []string
	for _, id := range ids {
		if f.known(id) && (zone == "" || f.zoneOf(id) == zone) && f.hasTags(id, tags) {
			match = append(match, id)
		}
	}
	return listAnswer(r, "FLEET-INSTANCES", match, f.paged(paging{token: sizes{10, 1, 100}, number: sizes{10, 1, 100}}),
		"Instances", "Instance", f.instance)
}

func (f *Fleet) hasTags(id string, want map[string]string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return hasTags(f.tags[id], want)
}

// zoneOf is where the instance is now: its job's target zone once the job ended well.
func (f *Fleet) zoneOf(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if j := f.arrived(id); j != nil {
		return j.zone
	}
	return "cn-hangzhou-h"
}

// arrived is the last job that ended well and put the instance where it is
// (nil: it is where it always was); f.mu is held.
func (f *Fleet) arrived(id string) *fleetJob {
	if j := f.jobs[id]; j != nil && j.ended && !f.failing[id] {
		return j
	}
	if e := f.earlier[id]; len(e) > 0 {
		return e[len(e)-1]
	}
	return nil
}

// AnswerFrom makes DescribeInstances describe the instance as the recorded
// file does (another variant of the healthy instance, such as
// ecs/DescribeInstances.cjk-name.http), under the instance's own IDs.
func (f *Fleet) AnswerFrom(instanceID, file string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[instanceID] = file
}

func (f *Fleet) instance(id string) (any, error) {
	f.mu.Lock()
	file := cmp.Or(f.answers[id], "ecs/DescribeInstances.healthy.http")
	f.mu.Unlock()
	list, err := f.items(file, id, "Instances", "Instance")
	if err != nil || len(list) == 0 {
		return nil, fmt.Errorf("no instance in the recorded answer: %v", err)
	}
	inst := list[0].(map[string]any)
	f.mu.Lock()
	defer f.mu.Unlock()
	if j := f.arrived(id); j != nil {
		inst["ZoneId"] = j.zone
		if j.instanceType != "" {
			inst["InstanceType"] = j.instanceType
		}
		if t, ok := f.endTypes[id]; ok {
			inst["InstanceType"] = t
		}
		if va, ok := inst["VpcAttributes"].(map[string]any); ok {
			// The move gives the instance an address of the target vSwitch.
			n, _ := strconv.Atoi(suffix(id))
			ip := fmt.Sprintf("172.16.2.%d", 100+n%100)
			if j.zone == "cn-hangzhou-h" {
				ip = fmt.Sprintf("172.16.1.%d", 150+n%100) // moved back: a new address of its first vSwitch
			}
			va["PrivateIpAddress"] = map[string]any{"IpAddress": []any{ip}}
			if j.vswitch != "" {
				va["VSwitchId"] = j.vswitch
			}
		}
	}
	return inst, nil
}

func (f *Fleet) describeDisks(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	var owners []string // the instances whose disks are listed, one disk each
	switch {
	case r.Params.Get("InstanceId") != "":
		if id := r.Params.Get("InstanceId"); f.known(id) {
			owners = []string{id}
		}
	case r.Params.Get("DiskIds") != "":
		ids, bad := jsonIDs(r, "DiskIds", 100)
		if bad != nil {
			return bad.answer()
		}
		for _, inst := range f.instanceIDs() {
			if slices.Contains(ids, FleetDisk(inst)) {
				owners = append(owners, inst)
			}
		}
	default:
		zone := r.Params.Get("ZoneId")
		for _, inst := range f.instanceIDs() {
			if zone == "" || f.zoneOf(inst) == zone {
				owners = append(owners, inst)
			}
		}
	}
	return listAnswer(r, "FLEET-DISKS", owners, f.paged(paging{token: sizes{10, 10, 500}, number: sizes{10, 1, 100}}),
		"Disks", "Disk", func(owner string) (any, error) {
			list, err := f.items("ecs/DescribeDisks.healthy.http", owner, "Disks", "Disk")
			if err != nil || len(list) != 1 {
				return nil, fmt.Errorf("want one disk in the recorded answer: %v", err)
			}
			return list[0], nil
		})
}

func (f *Fleet) describeSnapshots(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	owners := f.instanceIDs()
	if id := r.Params.Get("InstanceId"); id != "" {
		owners = nil
		if f.known(id) {
			owners = []string{id}
		}
	}
	since, bad := createdSince(r)
	if bad != nil {
		return bad.answer()
	}
	// Every instance has the recorded snapshots under its own disk: which of
	// them pass the filter is read off the recording once, and only the
	// page's are built.
	template, err := f.items("ecs/DescribeSnapshots.recent.http", recordedInstance, "Snapshots", "Snapshot")
	if err != nil {
		return misconfigured(err)
	}
	var kept []int
	for k, s := range template {
		created, _ := time.Parse(time.RFC3339, s.(map[string]any)["CreationTime"].(string))
		if !created.Before(since) {
			kept = append(kept, k)
		}
	}
	type ref struct {
		owner string
		k     int
	}
	var all []ref
	for _, id := range owners {
		for _, k := range kept {
			all = append(all, ref{id, k})
		}
	}
	return listAnswer(r, "FLEET-SNAPSHOTS", all, f.paged(paging{token: sizes{10, 1, 100}, number: sizes{10, 1, 100}}),
		"Snapshots", "Snapshot", func(s ref) (any, error) {
			list, err := f.items("ecs/DescribeSnapshots.recent.http", s.owner, "Snapshots", "Snapshot")
			if err != nil {
				return nil, err
			}
			return list[s.k], nil
		})
}

// describeJobs filters as DescribeReplicationJobs does (JobId.N, InstanceId.N,
// JobType, Status) and pages (PageSize 1-50, default 10; PageNumber).
func (f *Fleet) describeJobs(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	jobIDs, bad := repeatList(r, "JobId", 50)
	if bad != nil {
		return bad.answer()
	}
	instIDs, bad := repeatList(r, "InstanceId", 50)
	if bad != nil {
		return bad.answer()
	}
	f.mu.Lock()
	owners := f.order
	if len(instIDs) > 0 {
		owners = instIDs // the fleet's order is kept by the callers' batches
	}
	var list []any
	for _, inst := range owners {
		for _, j := range f.earlier[inst] {
			if !j.deleted && (len(jobIDs) == 0 || slices.Contains(jobIDs, j.id)) {
				list = append(list, f.jobView(inst, j))
			}
		}
		j := f.jobs[inst]
		if j == nil || j.deleted || (len(jobIDs) > 0 && !slices.Contains(jobIDs, j.id)) {
			continue
		}
		if len(jobIDs) > 0 && j.status == "" && !j.ended {
			// The PollsToEnd-th poll by ID (the first, by default) finds the job at its end.
			need := f.PollsToEnd
			if k, ok := f.pollsOf[inst]; ok {
				need = k
			}
			if j.polls++; j.polls >= need {
				j.ended = true
			}
		}
		v := f.jobView(inst, j)
		if st := r.Params.Get("Status"); st != "" && v["Status"] != st {
			continue
		}
		list = append(list, v)
	}
	f.mu.Unlock()
	return listAnswer(r, "FLEET-JOBS", list, f.paged(paging{number: sizes{10, 1, 50}}), "ReplicationJobs", "ReplicationJob", asIs)
}

func (f *Fleet) jobView(instanceID string, j *fleetJob) map[string]any {
	v := map[string]any{"JobId": j.id, "Name": "", "JobType": 2, "Status": "Running", "BusinessStatus": "Syncing", "Progress": 12,
		"ErrorCode": "", "StatusInfo": "", "InstanceId": instanceID, "RegionId": "cn-hangzhou",
		"CreationTime": "2026-11-27T12:00:00Z", "StartTime": "2026-11-27T12:00:10Z", "EndTime": ""}
	if j.vswitch != "" {
		v["VSwitchId"] = j.vswitch
	}
	switch {
	case j.status != "":
		v["Status"] = j.status
		if j.status == "InError" {
			v["ErrorCode"], v["StatusInfo"] = "DiskSyncFailed", "data disk sync failed"
		}
	case j.ended && f.failing[instanceID] && j == f.jobs[instanceID]: // the current job: the earlier ones Finished
		v["Status"], v["Progress"], v["ErrorCode"], v["StatusInfo"], v["EndTime"] = "InError", 40, "DiskSyncFailed", "data disk sync failed", "2026-11-27T13:10:00Z"
	case j.ended:
		v["Status"], v["BusinessStatus"], v["Progress"], v["EndTime"] = "Finished", "Cleaning", 100, "2026-11-27T15:40:10Z"
	}
	return v
}

// describeAvailableResource answers for the zone asked with the recorded
// stock of zone i: every zone of the fleet offers the same types, so that
// an instance moved to zone i can be moved back (a revert).
func (f *Fleet) describeAvailableResource(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	body, err := f.body("ecs/DescribeAvailableResource.zone-i.http", recordedInstance)
	if err != nil {
		return misconfigured(err)
	}
	zone := r.Params.Get("ZoneId")
	if zone == "" {
		return 200, body
	}
	zones, _ := body["AvailableZones"].(map[string]any)
	list, _ := zones["AvailableZone"].([]any)
	for _, z := range list {
		if m, ok := z.(map[string]any); ok {
			m["ZoneId"] = zone
		}
	}
	return 200, body
}

// fleetVSwitchFiles hold the recorded vSwitches of the fleet's VPC.
var fleetVSwitchFiles = []string{"vpc/DescribeVSwitches.target.http", "vpc/DescribeVSwitches.vpc-in-zone-i.http", "vpc/DescribeVSwitches.current-zone-h.http"}

func (f *Fleet) describeVSwitches(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	var all []any
	seen := map[string]bool{}
	for _, file := range fleetVSwitchFiles {
		list, err := f.items(file, recordedInstance, "VSwitches", "VSwitch")
		if err != nil {
			return misconfigured(err)
		}
		for _, v := range list {
			m := v.(map[string]any)
			id, _ := m["VSwitchId"].(string)
			if seen[id] {
				continue
			}
			seen[id] = true
			if (r.Params.Get("VSwitchId") == "" || r.Params.Get("VSwitchId") == id) &&
				(r.Params.Get("VpcId") == "" || r.Params.Get("VpcId") == m["VpcId"]) &&
				(r.Params.Get("ZoneId") == "" || r.Params.Get("ZoneId") == m["ZoneId"]) {
				all = append(all, m)
			}
		}
	}
	return listAnswer(r, "FLEET-VSWITCHES", all, f.paged(paging{number: sizes{10, 1, 50}}), "VSwitches", "VSwitch", asIs)
}
