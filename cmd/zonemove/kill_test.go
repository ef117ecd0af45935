package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// killPoint is a moment of a run at which the process is killed (SIGKILL):
// when the fake API receives the first request of action that match
// selects, after carrying it out (the change was made, its answer is lost)
// or before (nothing was made).
type killPoint struct {
	name    string
	action  string
	match   func(*fakeapi.Request) bool
	carried bool
	// lbWrite, instead of an action: after the load balancers' lbWrite-th
	// write that changed something (a CLB call, an ALB or NLB job).
	lbWrite int
}

func always(*fakeapi.Request) bool { return true }

// TestKillAtEveryStep kills `create --backends drain --snapshot --verify
// CMD --wait`, on an instance in a CLB default server group, a CLB vServer
// group, an ALB server group (by instance) and an NLB server group (by IP),
// at every step that changes the cloud or waits on it, then runs the same
// command again: it must end as one uninterrupted run, with one job, one
// snapshot group made before the job, one verification run after the job
// Finished, and every membership back once at its original weight (the NLB
// one on the new IP).
func TestKillAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	byJobID := func(r *fakeapi.Request) bool { return r.Params.Get("JobId.1") != "" }
	points := []killPoint{
		{"snapshot-sent", "CreateSnapshotGroup", always, true, 0},
		{"snapshot-not-sent", "CreateSnapshotGroup", always, false, 0},
		{"snapshot-progressing", "DescribeSnapshotGroups", always, true, 0},
		{"create-sent", "CreateCrossZoneMigrationJob", always, true, 0},
		{"create-not-sent", "CreateCrossZoneMigrationJob", always, false, 0},
		{"job-running", "DescribeReplicationJobs", byJobID, false, 0},
		{"verify-sent", "RunCommand", always, true, 0},
		{"verify-not-sent", "RunCommand", always, false, 0},
		{"verify-running", "DescribeInvocationResults", always, true, 0},
		{"alb-job-polled", "ListAsynJobs", always, true, 0},
		{"nlb-job-polled", "GetJobStatus", always, true, 0},
	}
	// A clean run counts the load balancers' writes; the run is then killed
	// after each of them in turn (drain and restore alike).
	for _, command := range []string{"create", "apply"} {
		t.Run(command, func(t *testing.T) {
			writes := 0
			t.Run("clean", func(t *testing.T) { writes = killAndRerun(t, bin, command, killPoint{name: "clean"}) })
			all := slices.Clone(points)
			for k := 1; k <= writes; k++ {
				all = append(all, killPoint{name: fmt.Sprintf("load-balancer-write-%d-of-%d", k, writes), lbWrite: k})
			}
			for _, p := range all {
				t.Run(p.name, func(t *testing.T) { killAndRerun(t, bin, command, p) })
			}
		})
	}
}

// killArgs is the run of command (create, or apply of a manifest of the
// same migration written in dir) with every step, and its state file.
func killArgs(t *testing.T, command, dir, id string) ([]string, string) {
	if command == "create" {
		state := filepath.Join(dir, "create.state.json")
		return []string{"create", "--region", "cn-hangzhou", "--instance-id", id, "--target-zone", "cn-hangzhou-i",
			"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--yes", "--wait", "--interval", "100ms",
			"--backends", "drain", "--drain-time", "1ms", "--snapshot", "--verify", "curl -fsS http://localhost/health", "--state", state}, state
	}
	manifest := filepath.Join(dir, "migrations.yaml")
	body := "region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\n" +
		"  snapshot: true\n  backends: drain\n  drain_time: 1ms\n  verify: curl -fsS http://localhost/health\nmigrations:\n  - instance_id: " + id + "\n"
	if err := os.WriteFile(manifest, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"apply", "-f", manifest, "--yes", "--wait", "--max-unavailable", "1", "--interval", "100ms"}, batch.DefaultStatePath(manifest)
}

// killAndRerun runs the create on a fresh fake, kills it at p (none for a
// point without an action or write), runs it again, and checks the end; it
// returns how many load-balancer writes changed something.
func killAndRerun(t *testing.T, bin, command string, p killPoint) int {
	id, other := fakeapi.FleetInstance(1), fakeapi.FleetInstance(2)
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	fl := fakeapi.NewFleet(srv, id, other)
	lbs := fakeapi.ServeBehindLoadBalancers(fl, id, other)
	env := processEnv(t.TempDir(), srv)
	args, state := killArgs(t, command, t.TempDir(), id)

	log := watchChanges(srv)
	reached, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	var once sync.Once
	hit := func() {
		once.Do(func() {
			close(reached)
			<-release // the process is killed meanwhile: this answer goes nowhere
		})
	}
	if p.action != "" {
		standing := srv.Standing(p.action)
		srv.Always(p.action, fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
			if !p.match(r) {
				return standing.Respond(r)
			}
			first := false
			once.Do(func() { first = true })
			if !first {
				return standing.Respond(r)
			}
			if p.carried {
				standing.Respond(r)
			}
			close(reached)
			<-release
			return 500, map[string]string{"Code": "InternalError"}
		}})
		defer srv.Always(p.action, standing)
	}
	if p.lbWrite > 0 {
		n := 0
		lbs.SetAfterWrite(func(string) {
			if n++; n == p.lbWrite {
				hit()
			}
		})
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if p.action != "" || p.lbWrite > 0 {
		select {
		case <-reached:
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-done
		case err := <-done:
			t.Fatalf("the run ended (%v) before the kill point:\n%s", err, out.String())
		case <-time.After(time.Minute):
			t.Fatalf("the kill point was never reached:\n%s", out.String())
		}
		if p.action != "" {
			srv.Always(p.action, srv.Standing(p.action))
		}
		lbs.SetAfterWrite(nil)
		rerun := exec.Command(bin, args...)
		rerun.Env = env
		got, err := rerun.CombinedOutput()
		if err != nil {
			t.Fatalf("the re-run failed (%v):\n%s\nfirst run:\n%s", err, got, out.String())
		}
	} else if err := <-done; err != nil {
		t.Fatalf("the run failed (%v):\n%s", err, out.String())
	}
	checkEnd(t, srv, fl, lbs, log, state, id, other)
	return lbs.Writes()
}

// checkEnd checks what every run must end with, killed or not: one job, one
// snapshot group accomplished before it, one verification after it
// Finished, every membership back once at its original weight, the NLB
// registration on the new IP, the other instance's untouched.
func checkEnd(t *testing.T, srv *fakeapi.Server, fl *fakeapi.Fleet, lbs *fakeapi.LoadBalancers, log *changeLog, state, id, other string) {
	t.Helper()
	if n := srv.JobsCreated(); n != 1 {
		t.Errorf("%d jobs; want 1", n)
	}
	if g := fl.SnapshotGroups(id); len(g) != 1 {
		t.Errorf("snapshot groups %v; want 1", g)
	}
	if c := fl.Commands(id); len(c) != 1 {
		t.Errorf("verification runs %q; want 1", c)
	}
	order := log.list()
	if i, j := slices.Index(order, "snapshot accomplished"), slices.Index(order, "create"); i < 0 || j < 0 || i > j {
		t.Errorf("the job was created before its snapshot group was accomplished: %v", order)
	}
	if i, j := slices.Index(order, "job finished"), slices.Index(order, "verify"); i < 0 || j < 0 || i > j {
		t.Errorf("the verification ran before the job Finished: %v", order)
	}
	newIP := fl.PrivateIP(id)
	for group, w := range fakeapi.ServiceWeights {
		mine := 0
		for _, b := range lbs.Backends(group) {
			switch {
			case b.ServerID == id || (group == fakeapi.ServiceNLBGroup && b.ServerIP == newIP):
				mine++
				if b.Weight != w {
					t.Errorf("%s: weight %d; want the original %d", group, b.Weight, w)
				}
			case b.ServerID == other || b.ServerIP == "172.16.1.99":
				if b.Weight == 0 {
					t.Errorf("%s: the other server was drained", group)
				}
			default:
				t.Errorf("%s: a registration of nobody (the old IP?): %+v", group, b)
			}
		}
		if mine != 1 {
			t.Errorf("%s: %d registrations of the instance at %s; want 1: %+v", group, mine, newIP, lbs.Backends(group))
		}
	}
	st, err := batch.ReadState(state)
	if err != nil {
		t.Fatal(err)
	}
	if e := st.Migrations[id]; e == nil || e.Around == nil || !e.Around.Verify.Succeeded() || e.Around.Snapshot.Status != "accomplished" || !e.Around.Restored {
		t.Errorf("state entry %+v; want the snapshot accomplished, the verification passed and the memberships restored", e)
	}
}

// processEnv is the environment of a zonemove process that talks to srv alone.
func processEnv(home string, srv *fakeapi.Server) []string {
	env := []string{"HOME=" + home, "PATH=/usr/bin:/bin", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + fakeapi.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + fakeapi.AccessKeySecret}
	for _, s := range []string{"SMC", "ECS", "VPC", "SLB", "ALB", "NLB"} {
		env = append(env, fmt.Sprintf("ZONEMOVE_ENDPOINT_%s=http://%s", s, srv.Host()))
	}
	return env
}

// changeLog is the order in which the server saw the moments that matter:
// the snapshot group answered accomplished, the create, the job answered
// Finished, the verification sent.
type changeLog struct {
	mu  sync.Mutex
	log []string
}

func (c *changeLog) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, s)
}

func (c *changeLog) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.log)
}

// watchChanges wraps the fleet's answers to log the moments.
func watchChanges(srv *fakeapi.Server) *changeLog {
	c := &changeLog{}
	watch := map[string]func(body string) string{
		"CreateCrossZoneMigrationJob": func(string) string { return "create" },
		"RunCommand":                  func(string) string { return "verify" },
		"DescribeSnapshotGroups": func(body string) string {
			return map[bool]string{true: "snapshot accomplished"}[strings.Contains(body, `"Status":"accomplished"`)]
		},
		"DescribeReplicationJobs": func(body string) string {
			return map[bool]string{true: "job finished"}[strings.Contains(body, `"Status":"Finished"`)]
		},
	}
	for action, moment := range watch {
		standing := srv.Standing(action)
		srv.Always(action, fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
			status, v := standing.Respond(r)
			b, _ := json.Marshal(v)
			if m := moment(string(b)); m != "" && status == 200 {
				c.add(m)
			}
			return status, v
		}})
	}
	return c
}
