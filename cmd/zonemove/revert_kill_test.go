package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestRevertKilled kills zonemove revert (SIGKILL, no chance to clean up)
// the moment its first create reaches the API, after the create's
// ClientToken was written to the state file; the create is carried out and
// its answer lost with the process. Running the same revert again re-sends
// that token, and SMC answers with the job it made: one revert job per
// instance, never two.
func TestRevertKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	ids := fakeapi.FleetInstances(2)
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	fleet := fakeapi.NewFleet(srv, ids...)
	env := []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + fakeapi.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + fakeapi.AccessKeySecret}
	for _, s := range api.Services {
		env = append(env, api.EnvVar(s)+"=http://"+srv.Host())
	}
	dir := t.TempDir()
	manifest := batchManifest(t, dir, len(ids))
	statePath := batch.DefaultStatePath(manifest)
	run := func(args ...string) (*exec.Cmd, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if err != nil {
			t.Logf("zonemove %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return cmd, err
	}

	if _, err := run("apply", "-f", manifest, "--yes", "--wait", "--interval", "100ms"); err != nil {
		t.Fatalf("the batch did not move: %v", err)
	}

	// The first revert create: the process is killed as it reaches the
	// API, and the API carries it out.
	var victim *exec.Cmd
	started, dead := make(chan struct{}), make(chan struct{})
	create := fleet.Created()
	srv.On("CreateCrossZoneMigrationJob", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		<-started
		st, err := batch.ReadState(statePath)
		if err != nil {
			t.Errorf("reading the state file as the create arrives: %v", err)
		} else if e := st.Migrations[r.Params.Get("InstanceId")]; e == nil || e.Revert == nil || e.Revert.ClientToken != r.Params.Get("ClientToken") {
			t.Errorf("the revert create of %s was sent before its ClientToken %s was in the state file (%+v)",
				r.Params.Get("InstanceId"), r.Params.Get("ClientToken"), e)
		}
		victim.Process.Signal(syscall.SIGKILL)
		<-dead // the answer goes to no one
		return create.Respond(r)
	}})
	victim = exec.Command(bin, "revert", "-f", manifest, "--yes", "--concurrency", "1")
	victim.Env, victim.Dir = env, dir
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	close(started)
	victim.Wait()
	close(dead)
	if ws, ok := victim.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("revert was not killed: %v", victim.ProcessState)
	}
	killed, err := batch.ReadState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, id := range ids {
		if e := killed.Migrations[id]; e.Revert != nil && e.Revert.ClientToken != "" {
			tokens[id] = e.Revert.ClientToken
			if e.Revert.JobID != "" {
				t.Errorf("%s: the killed run recorded revert job %s it never heard of", id, e.Revert.JobID)
			}
		}
	}
	if len(tokens) != 1 {
		t.Fatalf("revert tokens after the kill: %v; want the first instance's alone", tokens)
	}

	if _, err := run("revert", "-f", manifest, "--yes", "--wait", "--interval", "100ms"); err != nil {
		t.Fatalf("the re-run of revert failed: %v", err)
	}
	if n := srv.JobsCreated(); n != 2*len(ids) {
		t.Errorf("%d jobs created; want %d (a move and a revert per instance)", n, 2*len(ids))
	}
	after, err := batch.ReadState(statePath)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string][]string{} // revert creates' tokens by instance
	for _, r := range srv.Requests() {
		if r.Action == "CreateCrossZoneMigrationJob" && r.Params.Get("TargetZoneId") == "cn-hangzhou-h" {
			sent[r.Params.Get("InstanceId")] = append(sent[r.Params.Get("InstanceId")], r.Params.Get("ClientToken"))
		}
	}
	for _, id := range ids {
		e := after.Migrations[id]
		if e.Revert == nil || e.Revert.JobID == "" || e.Instance == nil || e.Instance.ZoneID != "cn-hangzhou-h" {
			b, _ := json.Marshal(e)
			t.Errorf("%s: not reverted: %s", id, b)
			continue
		}
		for _, tok := range sent[id] {
			if tok != e.Revert.ClientToken {
				t.Errorf("%s: a revert create carried token %s, not the recorded %s", id, tok, e.Revert.ClientToken)
			}
		}
	}
	if tok := tokens[ids[0]]; len(sent[ids[0]]) != 2 || after.Migrations[ids[0]].Revert.ClientToken != tok {
		t.Errorf("%s: revert creates %v; want the killed one's token %s sent twice", ids[0], sent[ids[0]], tok)
	}
	_ = os.Remove(statePath + ".lock")
}
