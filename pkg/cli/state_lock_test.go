//go:build unix

package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestApplyBatchLocked: while an apply of a batch runs, another state file of
// the same batch (another --state, a hard link of the state file, a copy of
// the manifest) cannot run it too: each is refused before any request, with
// the holder named.
func TestApplyBatchLocked(t *testing.T) {
	apiDir, root := testdataDirs(t)
	manifest, err := os.ReadFile(filepath.Join(root, "testdata", "manifests", "batch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := fakeapi.New(t, apiDir)
	fl := fakeapi.NewFleet(srv, fakeapi.FleetInstances(fleetSize)...)
	testEnv(t, srv, false)
	dir := t.TempDir()
	t.Chdir(dir)
	for _, name := range []string{"migrations.yaml", "copy.yaml"} {
		if err := os.WriteFile(name, manifest, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	second := func(args ...string) {
		t.Helper()
		f, out, errOut := newTestFactory(false, "")
		f.NewClientToken = func() string { return "123e4567-e89b-42d3-a456-999999999999" }
		sent := len(srv.Requests())
		code := Run(context.Background(), f, args)
		if code != cmdutil.ExitFailure || !strings.Contains(errOut.String(), "another zonemove run is applying this batch") ||
			!strings.Contains(errOut.String(), "PID ") || !strings.Contains(errOut.String(), "migrations.yaml.state.json") {
			t.Errorf("%s: exit %d\n%s%s; want exit 1, the batch's lock and its holder named", strings.Join(args, " "), code, out, errOut)
		}
		if n := len(srv.Requests()) - sent; n != 0 {
			t.Errorf("%s: %d requests sent; want none", strings.Join(args, " "), n)
		}
	}
	first := true
	srv.Always(createAction, fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
		if first {
			first = false // the first run is in its first create: try the others now
			if err := os.Link("migrations.yaml.state.json", "hard-link.json"); err != nil {
				t.Error(err)
			}
			second(applyArgs("--yes", "--state", "other.json")...)
			second(applyArgs("--yes", "--state", "hard-link.json")...)
			second("apply", "-f", "copy.yaml", "--yes")
		}
		return fl.Created().Respond(r)
	}})
	f, out, errOut := newTestFactory(false, "")
	f.NewClientToken = tokenSequence()
	if code := Run(context.Background(), f, applyArgs("--yes", "--concurrency", "1")); code != 0 {
		t.Fatalf("the first run: exit %d\n%s%s", code, out, errOut)
	}
	if first {
		t.Fatal("no create was sent")
	}
	oneJobEach(t, srv, dir, runResult{})
	// Once it ended, the batch is free again.
	f, out, errOut = newTestFactory(false, "")
	if code := Run(context.Background(), f, applyArgs("--yes", "--state", "hard-link.json")); code != 0 {
		t.Errorf("after the first run: exit %d\n%s%s", code, out, errOut)
	}
}

// "Restore it" only where the content is bad: permission denied and a path
// that is not a file say what they are.
func TestStateErrorHints(t *testing.T) {
	for _, c := range []struct {
		err        error
		want, lack string
	}{
		{&batch.StateError{Path: "s.json", Err: &fs.PathError{Op: "open", Path: "s.json", Err: syscall.EACCES}}, "permission denied: run zonemove as the user", "restore"},
		{&batch.StateError{Path: "s.json", Err: fs.ErrInvalid}, "must name a JSON file", "restore"},
		{&batch.StateError{Path: "s.json", Err: fs.ErrInvalid, Content: true}, "restore it", "permission"},
	} {
		ee, ok := stateError(c.err).(*cmdutil.ExitError)
		if !ok || ee.Code != cmdutil.ExitFailure || !strings.Contains(ee.Hint, c.want) || strings.Contains(ee.Hint, c.lack) {
			t.Errorf("%v: %+v; want exit 1 and a hint with %q, without %q", c.err, ee, c.want, c.lack)
		}
	}
}
