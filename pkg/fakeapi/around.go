package fakeapi

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// The steps around a job, as ECS answers them for a Fleet: snapshot groups
// (CreateSnapshotGroup, DescribeSnapshotGroups) that progress over polls or
// fail, and Cloud Assistant (DescribeCloudAssistantStatus, RunCommand,
// DescribeInvocationResults) with commands that succeed, exit non-zero,
// time out or never end, and agents that are missing. ClientToken
// idempotency is kept as ECS keeps it: a token used before answers with what
// it made, and makes nothing new.
type aroundFleet struct {
	mu       sync.Mutex
	groups   []*fakeSnapshotGroup          // in creation order
	byToken  map[string]*fakeSnapshotGroup // CreateSnapshotGroup's ClientToken
	runs     []*fakeRun
	runToken map[string]*fakeRun
	failSnap map[string]bool
	polls    int // polls a group stays progressing, and a run Running
	results  map[string]CommandResult
	noAgent  map[string]bool
}

type fakeSnapshotGroup struct {
	id, instanceID, name, description string
	polls                             int
	failed                            bool
}

type fakeRun struct {
	invokeID, commandID, instanceID, cmdType, script string
	timeout                                          int
	polls                                            int
	result                                           CommandResult
}

// CommandResult is how a verification command ends on an instance.
type CommandResult struct {
	// Status is the InvocationStatus at the end: Success, Failed, Timeout...;
	// "Running" never ends.
	Status   string
	ExitCode int
	Output   string
	// Script, when set, is the one script this result is for; any other
	// succeeds (as "exit" does on any instance).
	Script string
}

func newAroundFleet() *aroundFleet {
	return &aroundFleet{byToken: map[string]*fakeSnapshotGroup{}, runToken: map[string]*fakeRun{}, failSnap: map[string]bool{},
		polls: 2, results: map[string]CommandResult{}, noAgent: map[string]bool{}}
}

func (f *Fleet) registerAround() {
	f.around = newAroundFleet()
	f.srv.Always("CreateSnapshotGroup", Step{Respond: f.createSnapshotGroup})
	f.srv.Always("DescribeSnapshotGroups", Step{Respond: f.describeSnapshotGroups})
	f.srv.Always("DescribeCloudAssistantStatus", Step{Respond: f.describeCloudAssistant})
	f.srv.Always("RunCommand", Step{Respond: f.runCommand})
	f.srv.Always("DescribeInvocationResults", Step{Respond: f.describeInvocationResults})
}

// FailSnapshot makes the instance's snapshot groups end failed.
func (f *Fleet) FailSnapshot(instanceID string) {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failSnap[instanceID] = true
}

// ProgressPolls is how many reads a snapshot group stays progressing and a
// command Running (default 2).
func (f *Fleet) ProgressPolls(n int) {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	a.polls = n
}

// SetCommandResult is how the instance's verification commands end
// (default: Success, exit 0).
func (f *Fleet) SetCommandResult(instanceID string, r CommandResult) {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	a.results[instanceID] = r
}

// RemoveAgent takes the Cloud Assistant agent off the instance.
func (f *Fleet) RemoveAgent(instanceID string) {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	a.noAgent[instanceID] = true
}

// SnapshotGroups are the IDs of the snapshot groups made of the instance.
func (f *Fleet) SnapshotGroups(instanceID string) []string {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []string
	for _, g := range a.groups {
		if g.instanceID == instanceID {
			ids = append(ids, g.id)
		}
	}
	return ids
}

// Commands are the scripts run on the instance, in order.
func (f *Fleet) Commands(instanceID string) []string {
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, r := range a.runs {
		if r.instanceID == instanceID {
			out = append(out, r.script)
		}
	}
	return out
}

// snapshotGroupName: 2-128 characters, a letter first, then letters, digits,
// periods, underscores, hyphens and colons.
var snapshotGroupName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._:-]{1,127}$`)

func (f *Fleet) createSnapshotGroup(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	id := r.Params.Get("InstanceId")
	if name := r.Params.Get("Name"); name != "" && !snapshotGroupName.MatchString(name) {
		return 400, apiError("FLEET-SSG", "InvalidName.Malformed", "The specified name is wrongly formed.")
	}
	if d := r.Params.Get("Description"); d != "" && (len(d) < 2 || len(d) > 256) {
		return 400, apiError("FLEET-SSG", "InvalidDescription.Malformed", "The specified description is wrongly formed.")
	}
	if t := r.Params.Get("ClientToken"); len(t) > 64 {
		return 400, apiError("FLEET-SSG", "InvalidClientToken.Malformed", "The specified parameter ClientToken is not valid.")
	}
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	token := r.Params.Get("ClientToken")
	if g := a.byToken[token]; g != nil && token != "" {
		return 200, map[string]any{"RequestId": "FLEET-SSG-" + suffix(g.instanceID), "SnapshotGroupId": g.id}
	}
	if !f.known(id) {
		return 404, apiError("FLEET-SSG", "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")
	}
	g := &fakeSnapshotGroup{id: fmt.Sprintf("ssg-bp1e8lqq1ax6zb1f%04d", len(a.groups)+1), instanceID: id, name: r.Params.Get("Name"),
		description: r.Params.Get("Description"), polls: a.polls, failed: a.failSnap[id]}
	a.groups = append(a.groups, g)
	if token != "" {
		a.byToken[token] = g
	}
	return 200, map[string]any{"RequestId": "FLEET-SSG-" + suffix(id), "SnapshotGroupId": g.id}
}

func (f *Fleet) describeSnapshotGroups(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	ids, bad := repeatList(r, "SnapshotGroupId", 10)
	if bad != nil {
		return bad.answer()
	}
	statuses, bad := repeatList(r, "Status", 3)
	if bad != nil {
		return bad.answer()
	}
	tmpl, err := f.items("ecs/DescribeSnapshotGroups.accomplished.http", recordedInstance, "SnapshotGroups", "SnapshotGroup")
	if err != nil || len(tmpl) != 1 {
		return misconfigured(fmt.Errorf("want one group in the recorded answer: %v", err))
	}
	a := f.around
	a.mu.Lock()
	var list []any
	for _, g := range a.groups {
		if (len(ids) > 0 && !slices.Contains(ids, g.id)) || (r.Params.Get("InstanceId") != "" && r.Params.Get("InstanceId") != g.instanceID) {
			continue
		}
		status := "accomplished"
		switch {
		case g.polls > 0:
			status = "progressing"
			g.polls--
		case g.failed:
			status = "failed"
		}
		if len(statuses) > 0 && !slices.Contains(statuses, status) {
			continue
		}
		list = append(list, f.groupView(tmpl[0], g, status))
	}
	a.mu.Unlock()
	return listAnswer(r, "FLEET-SSGS", list, f.paged(paging{token: sizes{10, 1, 100}}), "SnapshotGroups", "SnapshotGroup", asIs)
}

// groupView is the recorded group under the group's own IDs and status.
func (f *Fleet) groupView(tmpl any, g *fakeSnapshotGroup, status string) map[string]any {
	m := copyAny(tmpl).(map[string]any)
	m["SnapshotGroupId"], m["InstanceId"], m["Name"], m["Description"] = g.id, g.instanceID, g.name, g.description
	m["Status"], m["ProgressStatus"] = status, status
	snaps := m["Snapshots"].(map[string]any)["Snapshot"].([]any)
	for _, s := range snaps {
		sm := s.(map[string]any)
		sm["SourceDiskId"] = FleetDisk(g.instanceID)
		sm["SnapshotId"] = "s-" + g.id[4:]
		if status != "accomplished" {
			sm["Progress"], sm["Available"] = "40%", false
		}
	}
	return m
}

func copyAny(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, x := range t {
			c[k] = copyAny(x)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = copyAny(x)
		}
		return c
	}
	return v
}

func (f *Fleet) describeCloudAssistant(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	ids, bad := repeatList(r, "InstanceId", 50)
	if bad != nil {
		return bad.answer()
	}
	if len(ids) == 0 {
		ids = f.instanceIDs()
	}
	tmpl, err := f.items("ecs/DescribeCloudAssistantStatus.running.http", recordedInstance, "InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus")
	if err != nil || len(tmpl) != 1 {
		return misconfigured(fmt.Errorf("want one status in the recorded answer: %v", err))
	}
	a := f.around
	var list []any
	for _, id := range ids {
		if !f.known(id) {
			continue
		}
		m := copyAny(tmpl[0]).(map[string]any)
		m["InstanceId"] = id
		a.mu.Lock()
		if a.noAgent[id] {
			m["CloudAssistantStatus"], m["CloudAssistantVersion"], m["LastHeartbeatTime"] = "false", "", ""
		}
		a.mu.Unlock()
		list = append(list, m)
	}
	return listAnswer(r, "FLEET-CA", list, f.paged(paging{token: sizes{10, 1, 50}}), "InstanceCloudAssistantStatusSet", "InstanceCloudAssistantStatus", asIs)
}

func (f *Fleet) runCommand(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	for _, p := range []string{"Type", "CommandContent", "InstanceId.1"} {
		if r.Params.Get(p) == "" {
			return 400, apiError("FLEET-RUN", "MissingParameter", "The input parameter \""+p+"\" that is mandatory for processing this request is not supplied.")
		}
	}
	typ := r.Params.Get("Type")
	if typ != "RunShellScript" && typ != "RunPowerShellScript" && typ != "RunBatScript" {
		return 400, apiError("FLEET-RUN", "InvalidCommandType.Unsupported", "The specified command type is not supported.")
	}
	content := r.Params.Get("CommandContent")
	if r.Params.Get("ContentEncoding") == "Base64" {
		if len(content) > 24*1024 {
			return 400, apiError("FLEET-RUN", "InvalidCmdContent.ExceedLimit", "The content of the command exceeds the limit.")
		}
		b, err := base64.StdEncoding.DecodeString(content)
		if err != nil {
			return 400, apiError("FLEET-RUN", "InvalidCmdContent.Base64Decode", "The command content is not Base64-encoded.")
		}
		content = string(b)
	}
	timeout := 60
	if t := r.Params.Get("Timeout"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 10 || n > 86400 {
			return 400, apiError("FLEET-RUN", "InvalidTimeout.ExceedLimit", "The specified timeout is out of range.")
		}
		timeout = n
	}
	id := r.Params.Get("InstanceId.1")
	a := f.around
	a.mu.Lock()
	defer a.mu.Unlock()
	token := r.Params.Get("ClientToken")
	if run := a.runToken[token]; run != nil && token != "" {
		return 200, map[string]any{"RequestId": "FLEET-RUN-" + suffix(id), "CommandId": run.commandID, "InvokeId": run.invokeID}
	}
	if !f.known(id) {
		return 404, apiError("FLEET-RUN", "InvalidInstance.NotFound", "The specified instance does not exist.")
	}
	if a.noAgent[id] {
		return 400, apiError("FLEET-RUN", "InvalidInstance.CloudAssistantNotRunning", "The Cloud Assistant agent is not running on the specified instance.")
	}
	n := len(a.runs) + 1
	res, ok := a.results[id]
	if !ok || (res.Script != "" && res.Script != content) {
		res = CommandResult{Status: "Success", Output: "HTTP/1.1 200 OK\n"}
	}
	run := &fakeRun{invokeID: fmt.Sprintf("t-hz01ff25rzvnul6k%04d", n), commandID: fmt.Sprintf("c-hz01ff25rzvnul6k%04d", n),
		instanceID: id, cmdType: typ, script: content, timeout: timeout, polls: a.polls, result: res}
	a.runs = append(a.runs, run)
	if token != "" {
		a.runToken[token] = run
	}
	return 200, map[string]any{"RequestId": "FLEET-RUN-" + suffix(id), "CommandId": run.commandID, "InvokeId": run.invokeID}
}

func (f *Fleet) describeInvocationResults(r *Request) (int, any) {
	if e := missingRegion(r); e != nil {
		return 400, e
	}
	body, err := f.body("ecs/DescribeInvocationResults.success.http", recordedInstance)
	if err != nil {
		return misconfigured(err)
	}
	results := body["Invocation"].(map[string]any)["InvocationResults"].(map[string]any)["InvocationResult"].([]any)
	a := f.around
	a.mu.Lock()
	var list []any
	for _, run := range a.runs {
		if (r.Params.Get("InvokeId") != "" && r.Params.Get("InvokeId") != run.invokeID) ||
			(r.Params.Get("InstanceId") != "" && r.Params.Get("InstanceId") != run.instanceID) {
			continue
		}
		m := copyAny(results[0]).(map[string]any)
		m["CommandId"], m["InvokeId"], m["InstanceId"] = run.commandID, run.invokeID, run.instanceID
		status, output := run.result.Status, run.result.Output
		var exit any = run.result.ExitCode
		if run.polls > 0 || status == "Running" {
			run.polls--
			status, output, exit = "Running", "", nil
			m["FinishedTime"], m["InvokeRecordStatus"] = "", "Running"
		}
		if status == "Timeout" {
			m["ErrorCode"], m["ErrorInfo"] = "InvocationTimeout", "the command did not end within its timeout"
		}
		m["InvocationStatus"], m["ExitCode"] = status, exit
		if r.Params.Get("ContentEncoding") != "PlainText" {
			output = base64.StdEncoding.EncodeToString([]byte(output))
		}
		m["Output"] = output
		list = append(list, m)
	}
	a.mu.Unlock()
	// The list is one level deeper than the other lists', with its paging inside.
	page, where, bad := pageOf(r, list, f.paged(paging{token: sizes{10, 1, 50}}))
	if bad != nil {
		return bad.answer()
	}
	inv := map[string]any{"InvocationResults": map[string]any{"InvocationResult": append([]any{}, page...)}, "TotalCount": len(list),
		"PageNumber": 1, "PageSize": len(page)}
	for k, v := range where {
		inv[k] = v
	}
	return 200, map[string]any{"RequestId": "FLEET-INV", "Invocation": inv}
}

// The groups ServeBehindLoadBalancers registers an instance in.
const (
	ServiceCLB          = "lb-bp1clb0000000001"  // its default server group, by instance
	ServiceVServerGroup = "rsp-bp1vsg00000001"   // a vServer group of it, by instance
	ServiceALBGroup     = "sgp-alb0000000000001" // an ALB server group, by instance
	ServiceNLBGroup     = "sgp-nlb0000000000001" // an NLB Ip server group, by the private IP
)

// ServiceWeights are the weights ServeBehindLoadBalancers gives, by group.
var ServiceWeights = map[string]int{ServiceCLB: 100, ServiceVServerGroup: 60, ServiceALBGroup: 50, ServiceNLBGroup: 80}

// ServeBehindLoadBalancers puts the fleet's instance behind the four kinds of
// membership (each beside another instance of the fleet, which no step may
// touch), and makes the load balancers follow the fleet's moves: a move
// leaves the NLB registration on the old IP.
func ServeBehindLoadBalancers(fl *Fleet, instanceID, other string) *LoadBalancers {
	l := NewLoadBalancers(fl.srv)
	l.Follow(fl)
	ip, otherIP := fl.PrivateIP(instanceID), "172.16.1.99"
	l.AddCLB(ServiceCLB)
	l.AddCLBBackend(ServiceCLB, "", Backend{ServerID: other, Type: "ecs", Weight: 100})
	l.AddCLBBackend(ServiceCLB, "", Backend{ServerID: instanceID, Type: "ecs", Weight: ServiceWeights[ServiceCLB], Description: "web"})
	l.AddVServerGroup(ServiceCLB, ServiceVServerGroup)
	l.AddCLBBackend(ServiceCLB, ServiceVServerGroup, Backend{ServerID: instanceID, Type: "ecs", Port: 8080, Weight: ServiceWeights[ServiceVServerGroup], Description: "api"})
	l.AddCLBBackend(ServiceCLB, ServiceVServerGroup, Backend{ServerID: other, Type: "ecs", Port: 8080, Weight: 60})
	l.AddServerGroup("alb", ServiceALBGroup, "Instance", "alb-bp1alb000000001")
	l.AddServer(ServiceALBGroup, Backend{ServerID: instanceID, Type: "Ecs", Port: 80, Weight: ServiceWeights[ServiceALBGroup], Description: "alb"})
	l.AddServer(ServiceALBGroup, Backend{ServerID: other, Type: "Ecs", Port: 80, Weight: 50})
	l.AddServerGroup("nlb", ServiceNLBGroup, "Ip", "nlb-bp1nlb000000001")
	l.AddServer(ServiceNLBGroup, Backend{ServerID: ip, Type: "Ip", ServerIP: ip, Port: 443, Weight: ServiceWeights[ServiceNLBGroup], Description: "nlb"})
	l.AddServer(ServiceNLBGroup, Backend{ServerID: otherIP, Type: "Ip", ServerIP: otherIP, Port: 443, Weight: 80})
	return l
}
