//go:build unix

package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestApplyKilledChild is the apply process TestApplyKilled kills: an apply
// in the folder KILLED_APPLY_DIR names, against the parent's fake API at
// KILLED_APPLY_HOST (TestMain clears the ZONEMOVE_ variables), with the
// extra flags of KILLED_APPLY_ARGS.
func TestApplyKilledChild(t *testing.T) {
	dir := os.Getenv("KILLED_APPLY_DIR")
	if dir == "" {
		t.Skip("the process TestApplyKilled starts and kills")
	}
	fakeapi.TestEnv(t)
	for _, s := range api.Services {
		t.Setenv(api.EnvVar(s), "http://"+os.Getenv("KILLED_APPLY_HOST"))
	}
	t.Chdir(dir)
	f, out, errOut := newTestFactory(false, "")
	f.NewClientToken = tokenSequence()
	args := applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1")
	args = append(args, strings.Fields(os.Getenv("KILLED_APPLY_ARGS"))...) // a rollout's flags, say
	code := Run(context.Background(), f, args)
	t.Fatalf("the run ended (exit %d) before it was killed\n%s\n%s", code, out, errOut)
}

// TestApplyKilled kills an apply process with SIGKILL when the fake API
// receives its kth create: its token is in the state file's journal, not yet
// folded, and the process never closes the state file. The next apply (in
// this process) folds the journal, re-sends that create with its token, and
// the batch ends with one job per instance and every token of the killed run
// kept.
// killApplyAtCreate runs apply (with extra arguments) in a child process of
// this test binary (TestApplyKilledChild) in dir, and kills it with SIGKILL
// when its k-th create reaches the fake: the first k-1 are answered, the k-th
// never is.
func killApplyAtCreate(t *testing.T, srv *fakeapi.Server, fl *fakeapi.Fleet, dir string, k int, extra ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestApplyKilledChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KILLED_APPLY_DIR="+dir, "KILLED_APPLY_HOST="+srv.Host())
	if len(extra) > 0 {
		cmd.Env = append(cmd.Env, "KILLED_APPLY_ARGS="+strings.Join(extra, " "))
	}
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	var steps []fakeapi.Step
	for range k - 1 {
		steps = append(steps, fl.Created())
	}
	// The process handle crosses to the server's goroutine through a
	// channel: Start writes it, and the race detector cannot see the
	// child's request as ordering the two.
	started := make(chan *os.Process, 1)
	steps = append(steps, fakeapi.Step{Respond: func(*fakeapi.Request) (int, any) {
		(<-started).Kill()
		return 503, map[string]string{"RequestId": "FAKE-KILLED", "Code": "ServiceUnavailable", "Message": "fakeapi: the client was killed"}
	}})
	srv.On(createAction, steps...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started <- cmd.Process
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the child: %v; want it killed\n%s", err, output.String())
	}
}

func TestApplyKilled(t *testing.T) {
	apiDir, root := testdataDirs(t)
	manifest, err := os.ReadFile(filepath.Join(root, "testdata", "manifests", "batch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("create-", k), func(t *testing.T) {
			srv := fakeapi.New(t, apiDir)
			fl := fakeapi.NewFleet(srv, fakeapi.FleetInstances(fleetSize)...)
			testEnv(t, srv, false)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "migrations.yaml"), manifest, 0o644); err != nil {
				t.Fatal(err)
			}
			killApplyAtCreate(t, srv, fl, dir, k)
			state := filepath.Join(dir, "migrations.yaml.state.json")
			if _, err := os.Stat(batch.JournalPath(state)); err != nil {
				t.Errorf("no journal after the kill: %v", err)
			}
			killed := readState(t, dir)
			for i, id := range batchInstances[:k] {
				if e := killed.Migrations[id]; e == nil || e.ClientToken != fmt.Sprintf("123e4567-e89b-42d3-a456-%012d", i+1) {
					t.Errorf("%s: %+v after the kill; want the token its create was sent with", id, e)
				}
			}

			t.Chdir(dir)
			f, out, errOut := newTestFactory(false, "")
			n := 100
			f.NewClientToken = func() string { n++; return "123e4567-e89b-42d3-a456-" + strconv.Itoa(100000000000+n) }
			if code := Run(context.Background(), f, applyArgs("--yes", "--concurrency", "1")); code != 0 {
				t.Fatalf("the re-run: exit %d\n%s\n%s", code, out, errOut)
			}
			oneJobEach(t, srv, dir, runResult{})
			after := readState(t, dir)
			for id, e := range killed.Migrations {
				if e.HasCreate() && after.Migrations[id].ClientToken != e.ClientToken {
					t.Errorf("%s: token %s of the killed run replaced by %s", id, e.ClientToken, after.Migrations[id].ClientToken)
				}
			}
			if _, err := os.Stat(batch.JournalPath(state)); err == nil {
				t.Error("the journal is left after the re-run closed the state file")
			}
		})
	}
}
