//go:build unix

package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestApplyRolloutKilled kills a rollout (one instance at a time, jobs of 2
// polls) with SIGKILL when the fake API receives its kth create: the
// earlier ones were created and followed to their return, the kth's token
// is in the state file. The same command again re-sends that create with
// its token, follows it in its slot, and creates the rest: one job each.
func TestApplyRolloutKilled(t *testing.T) {
	apiDir, root := testdataDirs(t)
	manifest, err := os.ReadFile(filepath.Join(root, "testdata", "manifests", "batch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rollout := []string{"--max-unavailable", "1", "--canary", "1", "--interval", "1m"}
	for _, k := range []int{1, 3} {
		t.Run(fmt.Sprint("create-", k), func(t *testing.T) {
			srv := fakeapi.New(t, apiDir)
			fl := fakeapi.NewFleet(srv, fakeapi.FleetInstances(fleetSize)...)
			fl.PollsToEnd = 2
			testEnv(t, srv, false)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "migrations.yaml"), manifest, 0o644); err != nil {
				t.Fatal(err)
			}
			killApplyAtCreate(t, srv, fl, dir, k, rollout...)
			if n := srv.JobsCreated(); n != k-1 {
				t.Fatalf("%d jobs before the kill; want %d", n, k-1)
			}
			killed := readState(t, dir)
			if e := killed.Migrations[batchInstances[k-1]]; e == nil || e.ClientToken == "" {
				t.Fatalf("%s: %+v after the kill; want the token its create was sent with", batchInstances[k-1], e)
			}

			t.Chdir(dir)
			f, out, errOut := newTestFactory(false, "")
			n := 100 // tokens the killed run did not use
			f.NewClientToken = func() string { n++; return "123e4567-e89b-42d3-a456-" + strconv.Itoa(100000000000+n) }
			if code := Run(context.Background(), f, append(applyArgs("--yes"), rollout...)); code != 0 {
				t.Fatalf("the re-run: exit %d\n%s\n%s", code, out, errOut)
			}
			oneJobEach(t, srv, dir, runResult{})
			if got := readState(t, dir).Migrations[batchInstances[k-1]].ClientToken; got != killed.Migrations[batchInstances[k-1]].ClientToken {
				t.Errorf("the killed create's token %s was replaced by %s", killed.Migrations[batchInstances[k-1]].ClientToken, got)
			}
			if p := fl.MaxRunning(); p != 1 {
				t.Errorf("at most %d jobs Running at once; want 1", p)
			}
		})
	}
}
