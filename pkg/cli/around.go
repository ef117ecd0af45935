package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/ecs"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/lb"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// aroundFlags are the flags of the steps around the job (create, apply,
// revert): --snapshot, --backends, --drain-time, --verify, --verify-timeout.
type aroundFlags struct {
	Options  around.Options
	backends string
	// set says which flags were given, so that a manifest's value is
	// overridden only by a flag that was.
	set map[string]bool
}

func addAroundFlags(fl *pflag.FlagSet, a *aroundFlags) {
	fl.BoolVar(&a.Options.Snapshot, "snapshot", false, "before the job, snapshot every disk of the instance (one snapshot group) and wait for it")
	fl.StringVar(&a.backends, "backends", string(around.Report), "load-balancer memberships: report (list them), restore (put them back after the move; needs --wait) or drain (weight 0 before, original weights after; needs --wait)")
	fl.DurationVar(&a.Options.DrainTime, "drain-time", around.DefaultDrainTime, "with --backends drain: how long to wait after the weights are 0, before the create")
	fl.StringVar(&a.Options.Verify, "verify", "", "after the job Finished, run this command on the instance through Cloud Assistant; a non-zero exit fails the migration (needs --wait)")
	fl.DurationVar(&a.Options.VerifyTimeout, "verify-timeout", around.DefaultVerifyTimeout, "bound on the --verify command")
}

var aroundFlagField = map[string]string{
	around.FieldSnapshot: "--snapshot", around.FieldBackends: "--backends", around.FieldDrainTime: "--drain-time",
	around.FieldVerify: "--verify", around.FieldVerifyTimeout: "--verify-timeout",
}

// complete reads the flags; with wait false, the steps after the job are refused.
func (a *aroundFlags) complete(cmd *cobra.Command, wait bool) error {
	a.set = map[string]bool{}
	for _, name := range []string{"snapshot", "backends", "drain-time", "verify", "verify-timeout"} {
		a.set[name] = cmd.Flags().Changed(name)
	}
	a.Options.Backends = around.BackendsMode(a.backends)
	if !a.set["drain-time"] {
		a.Options.DrainTime = 0
	}
	if !a.set["verify-timeout"] {
		a.Options.VerifyTimeout = 0
	}
	if a.set["verify-timeout"] && !a.set["verify"] {
		return cmdutil.UsageErrorf("--verify-timeout goes with --verify")
	}
	err := a.Options.Validate(wait, a.set["drain-time"], a.set["verify"])
	if es := migration.AsValidationErrors(err); es != nil {
		named := make(migration.ValidationErrors, len(es))
		for i, e := range es {
			named[i] = &migration.ValidationError{Field: aroundFlagField[e.Field], Message: e.Message}
		}
		return named
	}
	return err
}

// args is the command line of the flags given, for hints that repeat the run.
func (a *aroundFlags) args(withVerify bool) []string {
	o := a.Options
	var parts []string
	if o.Snapshot {
		parts = append(parts, "--snapshot")
	}
	if o.Mode() != around.Report {
		parts = append(parts, "--backends", string(o.Mode()))
	}
	if o.DrainTime != 0 {
		parts = append(parts, "--drain-time", o.DrainTime.String())
	}
	if withVerify && o.Verify != "" {
		parts = append(parts, "--verify", cmdutil.ShellQuote(o.Verify))
		if o.VerifyTimeout != 0 {
			parts = append(parts, "--verify-timeout", o.VerifyTimeout.String())
		}
	}
	return parts
}

// ecsAround is ECS as the steps around the job call it.
type ecsAround struct{ c *ecs.Client }

func (e ecsAround) CreateSnapshotGroup(ctx context.Context, instanceID, token, name, description string) (string, error) {
	resp, err := e.c.CreateSnapshotGroup(ctx, &ecs.CreateSnapshotGroupRequest{RegionId: e.c.Region(), InstanceId: instanceID,
		Name: name, Description: description, ClientToken: token})
	if err != nil {
		return "", err
	}
	if resp.SnapshotGroupId == "" {
		return "", fmt.Errorf("CreateSnapshotGroup answered without a SnapshotGroupId (request %s)", resp.RequestId)
	}
	return resp.SnapshotGroupId, nil
}

func (e ecsAround) SnapshotGroupStatus(ctx context.Context, groupID string) (string, error) {
	groups, err := e.c.AllSnapshotGroups(ctx, ecs.DescribeSnapshotGroupsRequest{RegionId: e.c.Region(), SnapshotGroupId: []string{groupID}})
	if err != nil {
		return "", err
	}
	for _, g := range groups {
		if g.SnapshotGroupId == groupID {
			return g.Status, nil
		}
	}
	return "", nil
}

func (e ecsAround) RunCommand(ctx context.Context, in around.Instance, script string, timeout time.Duration, token string) (string, error) {
	resp, err := e.c.RunCommand(ctx, &ecs.RunCommandRequest{RegionId: e.c.Region(), Type: in.CommandType(),
		CommandContent: around.EncodeScript(script), ContentEncoding: "Base64", InstanceId: []string{in.ID},
		Timeout: int64(timeout / time.Second), Name: "zonemove-verify", ClientToken: token})
	if err != nil {
		return "", err
	}
	if resp.InvokeId == "" {
		return "", fmt.Errorf("RunCommand answered without an InvokeId (request %s)", resp.RequestId)
	}
	return resp.InvokeId, nil
}

func (e ecsAround) Invocation(ctx context.Context, invokeID, instanceID string) (*around.Invocation, error) {
	r, err := e.c.InvocationResultOf(ctx, invokeID, instanceID)
	if err != nil || r == nil {
		return nil, err
	}
	inv := &around.Invocation{Status: r.InvocationStatus, Ended: r.Ended(), ExitCode: r.ExitCode, Output: r.Output}
	if r.ErrorCode != "" {
		inv.Error = r.ErrorCode + ": " + r.ErrorInfo
	}
	return inv, nil
}

// ECS returns the ECS client of the region's session.
func (f *Factory) ECS(region string, limiter *rate.Limiter) (*ecs.Client, error) {
	s, err := f.Session(region, limiter)
	if err != nil {
		return nil, err
	}
	return ecs.NewClient(s)
}

// cloudAssistantCheck is the cloud-assistant check of a migration with a
// verification: the agent must run on the instance. It returns the
// instance's OSType too (Linux or Windows), which picks the script type.
func cloudAssistantCheck(ctx context.Context, c *ecs.Client, instanceID string) (preflight.Result, string) {
	st, err := c.CloudAssistantOf(ctx, []string{instanceID})
	if err != nil {
		return preflight.Result{ID: preflight.CloudAssistant, Status: preflight.Fail,
			Message: fmt.Sprintf("the Cloud Assistant status of %s could not be read (%v)", instanceID, err),
			Hint:    "allow ecs:DescribeCloudAssistantStatus to the RAM identity (docs/getting-started.md)"}, ""
	}
	return preflight.CheckCloudAssistant(instanceID, st[instanceID] != nil, st[instanceID] != nil && st[instanceID].CloudAssistantStatus == ecs.CloudAssistantRunning), osTypeOf(st[instanceID])
}

func osTypeOf(s *ecs.CloudAssistantStatus) string {
	if s == nil {
		return ""
	}
	return strings.ToLower(s.OSType)
}

// defaultCreateState is where create keeps the record of a migration with
// steps around its job: the user's state folder, one file per region and
// instance, so that a re-run of the same create finds it.
func defaultCreateState(getenv func(string) string, region, instanceID string) (string, error) {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no folder for the state file (no $HOME): pass --state PATH")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "zonemove", "create")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("making the state folder: %w; pass --state PATH", err)
	}
	return filepath.Join(dir, region+"-"+instanceID+".state.json"), nil
}

// plannedRequest is a request a step would send, for a dry run.
type plannedRequest struct {
	Step    string            `json:"step"`
	Service string            `json:"service"`
	Action  string            `json:"action"`
	Params  map[string]string `json:"params"`
}

// aroundRequests are the requests of the steps around the job, as a dry run
// shows them; tokens are made when the step runs.
func aroundRequests(region string, in around.Instance, o around.Options) []plannedRequest {
	var out []plannedRequest
	if o.Snapshot {
		out = append(out, plannedRequest{Step: "snapshot", Service: "ECS", Action: "CreateSnapshotGroup", Params: map[string]string{
			"RegionId": region, "InstanceId": in.ID, "Name": around.SnapshotName(in.ID),
			"Description": "Taken by zonemove before the cross-zone migration of " + in.ID, "ClientToken": "(a fresh UUID, in the state file before it is sent)"}})
	}
	if o.Verify != "" {
		out = append(out, plannedRequest{Step: "verify", Service: "ECS", Action: "RunCommand", Params: map[string]string{
			"RegionId": region, "InstanceId.1": in.ID, "Type": in.CommandType(), "CommandContent": around.EncodeScript(o.Verify),
			"ContentEncoding": "Base64", "Timeout": fmt.Sprint(int64(o.VerifyFor() / time.Second)), "Name": "zonemove-verify",
			"ClientToken": "(a fresh UUID, in the state file before it is sent)"}})
	}
	return out
}

func printPlannedRequests(w io.Writer, reqs []plannedRequest) {
	for _, r := range reqs {
		fmt.Fprintf(w, "\nRequest (%s): %s %s\n", r.Step, r.Service, r.Action)
		keys := make([]string, 0, len(r.Params))
		for k := range r.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t := newTable(w, "  ")
		for _, k := range keys {
			t.row(k, r.Params[k])
		}
		t.flush()
	}
}

// The JSON of the steps (CONTRACT.md, "Around the job").
type snapshotDoc struct {
	SnapshotGroupID string `json:"snapshot_group_id"`
	Status          string `json:"status"`
}

type verifyDoc struct {
	InvokeID string `json:"invoke_id"`
	Status   string `json:"status"`
	ExitCode *int64 `json:"exit_code"`
	Output   string `json:"output"`
}

type backendDoc struct {
	Type           string `json:"type"`
	LoadBalancerID string `json:"load_balancer_id"`
	ServerGroupID  string `json:"server_group_id"`
	Port           int    `json:"port"`
	Weight         int    `json:"weight"`
	RegisteredBy   string `json:"registered_by"`
	IP             string `json:"ip"`
	// PreviousIP is the old address of a registration by IP that was
	// replaced by the new one (ip).
	PreviousIP string `json:"previous_ip,omitempty"`
	Outcome    string `json:"outcome"`
}

// aroundDoc is the steps' part of a create or apply result.
type aroundDoc struct {
	Snapshot *snapshotDoc `json:"snapshot,omitempty"`
	Backends []backendDoc `json:"backends,omitempty"`
	Verify   *verifyDoc   `json:"verify,omitempty"`
}

func aroundDocOf(rec *around.Record) aroundDoc {
	var d aroundDoc
	if rec == nil {
		return d
	}
	if s := rec.Snapshot; s != nil {
		d.Snapshot = &snapshotDoc{SnapshotGroupID: s.SnapshotGroupID, Status: s.Status}
	}
	for _, b := range rec.Backends {
		bd := backendDoc{Type: string(b.Type), LoadBalancerID: b.LoadBalancerID, ServerGroupID: b.ServerGroupID,
			Port: b.Port, Weight: b.Weight, RegisteredBy: string(b.RegisteredBy), IP: b.IP, Outcome: b.Outcome}
		if b.Outcome == around.Replaced && rec.RestoredIP != "" {
			bd.IP, bd.PreviousIP = rec.RestoredIP, b.IP
		}
		d.Backends = append(d.Backends, bd)
	}
	if v := rec.Verify; v != nil {
		d.Verify = &verifyDoc{InvokeID: v.InvokeID, Status: v.Status, ExitCode: v.ExitCode, Output: v.Output}
	}
	return d
}

// stepPrinter shows the steps as they go: on a terminal one line that is
// rewritten until the step ends, elsewhere one line per step at its end.
type stepPrinter struct {
	mu   sync.Mutex
	w    io.Writer
	live bool
	cs   *iostreams.ColorScheme
	open bool
	// prefix names the instance (apply); "" for create.
	prefix bool
}

func newStepPrinter(ios *iostreams.IOStreams, prefix bool) *stepPrinter {
	return &stepPrinter{w: ios.ErrOut, live: ios.CanRedrawStderr(), cs: ios.StderrColorScheme(), prefix: prefix}
}

func (p *stepPrinter) event(e around.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	who := ""
	if p.prefix {
		who = e.InstanceID + " "
	}
	if !e.Done {
		if p.live {
			fmt.Fprintf(p.w, "\r\x1b[K%s %s%-8s %s", p.cs.Yellow("…"), who, e.Step, e.Message)
			p.open = true
		}
		return
	}
	mark := p.cs.Green("✓")
	if e.Failed {
		mark = p.cs.Red("✗")
	}
	if p.open {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.open = false
	}
	fmt.Fprintf(p.w, "%s %s%-8s %s\n", mark, who, e.Step, e.Message)
}

// verifyFailedError is exit 5 for a verification that failed: its output's
// tail, and how to go on.
func verifyFailedError(err *around.VerifyError, rerun, restoreByHand string) error {
	var b strings.Builder
	if out := strings.TrimRight(err.Verify.Output, "\n"); out != "" {
		lines := strings.Split(out, "\n")
		if len(lines) > verifyLines {
			fmt.Fprintf(&b, "Output (its last %d lines; the JSON output and the state file keep its last %d KiB):\n", verifyLines, around.OutputTail/1024)
			lines = lines[len(lines)-verifyLines:]
		} else {
			b.WriteString("Output:\n")
		}
		for _, line := range lines {
			b.WriteString("  | " + line + "\n")
		}
	}
	if err.Drained {
		fmt.Fprintf(&b, "The load balancers were drained and stay so: no traffic goes to an instance that failed its check.\n")
	}
	then := "it verifies again"
	if restoreByHand != "" {
		then += " and, when that passes, restores the memberships"
	}
	fmt.Fprintf(&b, "Fix the application, then run the same command again: %s:\n  %s", then, rerun)
	if restoreByHand != "" {
		fmt.Fprintf(&b, "\nTo restore the memberships without a verification:\n  %s", restoreByHand)
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitJobFailed, ErrCode: "VerificationFailed", Err: err, Hint: b.String()}
}

// verifyLines is how much of a failed verification's output the text shows.
const verifyLines = 20

// stepError gives a failed step its exit code and hint.
func stepError(err error, rerun string) error {
	var se *around.SnapshotError
	var ve *around.VerifyError
	switch {
	case errors.As(err, &ve):
		return verifyFailedError(ve, rerun, "")
	case errors.As(err, &se):
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "SnapshotFailed", Err: err,
			Hint: fmt.Sprintf("look at snapshot group %s in the ECS console (Snapshots, Snapshot-consistent groups); once the cause is fixed, the same command takes a new one:\n  %s", se.GroupID, rerun)}
	}
	code := ExitCode(err)
	if code == cmdutil.ExitOK {
		code = cmdutil.ExitFailure
	}
	return &cmdutil.ExitError{Code: code, Err: err,
		Hint: "the state file has what a re-run needs (tokens, original weights); run the same command again once the cause is fixed:\n  " + rerun}
}

// printAround shows what the steps did: the snapshot group, each
// membership's outcome, the verification.
func printAround(w io.Writer, cs *iostreams.ColorScheme, d aroundDoc) {
	if d.Snapshot == nil && len(d.Backends) == 0 && d.Verify == nil {
		return
	}
	fmt.Fprintln(w)
	if s := d.Snapshot; s != nil {
		fmt.Fprintf(w, "Snapshot group  %s (%s)\n", dashIfEmpty(s.SnapshotGroupID), dashIfEmpty(s.Status))
	}
	if len(d.Backends) > 0 {
		fmt.Fprintln(w, "Load balancers")
		t := newTable(w, "  ")
		t.row("TYPE", "LOAD BALANCER", "SERVER GROUP", "PORT", "WEIGHT", "BY", "IP", "OUTCOME")
		for _, b := range d.Backends {
			group := b.ServerGroupID
			if group == "" {
				group = "(default)"
			}
			ip := dashIfEmpty(b.IP)
			if b.PreviousIP != "" {
				ip = b.PreviousIP + " → " + b.IP
			}
			t.row(b.Type, b.LoadBalancerID, group, fmt.Sprint(b.Port), fmt.Sprint(b.Weight), b.RegisteredBy, ip, b.Outcome)
		}
		t.flush()
	}
	if v := d.Verify; v != nil {
		exit := "-"
		if v.ExitCode != nil {
			exit = fmt.Sprint(*v.ExitCode)
		}
		status := v.Status
		if v.Status == "Success" && exit == "0" {
			status = cs.Green(status)
		} else if v.Status != "" {
			status = cs.Red(status)
		}
		fmt.Fprintf(w, "Verification    %s, exit %s (Cloud Assistant run %s)\n", status, exit, dashIfEmpty(v.InvokeID))
	}
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// LoadBalancers returns the load balancers' service of the region (pkg/lb
// over CLB, ALB and NLB), as the steps around the job call it; poll is the
// time between polls of an ALB or NLB job (0: pkg/lb's default).
func (f *Factory) LoadBalancers(region string, limiter *rate.Limiter, poll time.Duration) (around.LoadBalancers, error) {
	s, err := f.lbService(region, limiter)
	if err != nil {
		return nil, err
	}
	m, err := f.memberships(region, limiter)
	if err != nil {
		return nil, err
	}
	return lbAround{s.WithJobPoll(poll), m}, nil
}

// lbAround is pkg/lb as the steps call it: each membership's outcome. Its
// Read is the preflight's (the lb-backends check read them before anything
// was sent), read now only when no check did.
type lbAround struct {
	s *lb.Service
	m *cloud.Memberships
}

func (l lbAround) Read(ctx context.Context, instanceID, privateIP string) ([]facts.Membership, error) {
	b := l.m.Of(ctx, instanceID, privateIP)
	return b.Memberships, b.Err
}

func (l lbAround) Drain(ctx context.Context, before []facts.Membership) ([]string, error) {
	res, err := l.s.Drain(ctx, before)
	return outcomesOf(res), err
}

func (l lbAround) Restore(ctx context.Context, before []facts.Membership, newIP string) ([]string, error) {
	res, err := l.s.Restore(ctx, before, newIP)
	return outcomesOf(res), err
}

func outcomesOf(res []lb.Result) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = string(r.Outcome)
	}
	return out
}

// lbRequests are the load-balancer requests of a drain and of the restore
// after the move, as a dry run shows them: one per membership, the weight
// it would be set to, the new IP where a registration by IP is replaced.
func lbRequests(mode around.BackendsMode, ms []facts.Membership) []plannedRequest {
	var out []plannedRequest
	req := func(step string, m facts.Membership, weight int, ip string) plannedRequest {
		r := plannedRequest{Step: step, Service: strings.ToUpper(string(m.Type)), Params: map[string]string{
			"ServerId": m.ServerID, "Weight": fmt.Sprint(weight)}}
		if ip != "" {
			r.Params["ServerId"], r.Params["ServerIp"] = ip, ip
		}
		switch {
		case m.Type == facts.CLB && m.ServerGroupID == "":
			r.Action, r.Params["LoadBalancerId"] = "SetBackendServers", m.LoadBalancerID
		case m.Type == facts.CLB:
			r.Action, r.Params["VServerGroupId"] = "SetVServerGroupAttribute", m.ServerGroupID
		default:
			r.Action, r.Params["ServerGroupId"] = "UpdateServerGroupServersAttribute", m.ServerGroupID
		}
		if m.Port > 0 {
			r.Params["Port"] = fmt.Sprint(m.Port)
		}
		return r
	}
	if mode == around.Drain {
		for _, m := range ms {
			out = append(out, req("drain", m, 0, ""))
		}
	}
	for _, m := range ms {
		if m.RegisteredBy != facts.ByIP {
			out = append(out, req("restore", m, m.Weight, ""))
			continue
		}
		// The old address goes, the new one comes: the group's Add and Remove.
		add := req("restore", m, m.Weight, "(the new private IP)")
		add.Action = "AddServersToServerGroup"
		if m.Type == facts.CLB {
			add.Action = "AddVServerGroupBackendServers"
		}
		rm := req("restore", m, m.Weight, "")
		rm.Action = "RemoveServersFromServerGroup"
		if m.Type == facts.CLB {
			rm.Action = "RemoveVServerGroupBackendServers"
		}
		delete(rm.Params, "Weight")
		out = append(out, add, rm)
	}
	return out
}

// plannedBackends are the memberships a dry run would drain or restore.
func plannedBackends(ms []facts.Membership) []backendDoc {
	var out []backendDoc
	for _, m := range ms {
		out = append(out, backendDoc{Type: string(m.Type), LoadBalancerID: m.LoadBalancerID, ServerGroupID: m.ServerGroupID,
			Port: m.Port, Weight: m.Weight, RegisteredBy: string(m.RegisteredBy), IP: m.IP, Outcome: around.Planned})
	}
	return out
}
