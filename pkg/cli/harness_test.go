package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// repoRoot is where testdata/ lives.
const repoRoot = "../.."

// TestMain makes sure no test can leave loopback: every endpoint points at a
// closed local port unless a test sets its own, the ECS metadata service is
// never asked, and no proxy or real credential from the developer's shell is used.
func TestMain(m *testing.M) {
	for _, k := range os.Environ() {
		name, _, _ := strings.Cut(k, "=")
		if strings.HasPrefix(name, "ALIBABA_CLOUD_") || strings.HasPrefix(name, "ZONEMOVE_") || strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			os.Unsetenv(name)
		}
	}
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	os.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	for _, s := range api.Services {
		os.Setenv(api.EnvVar(s), "http://127.0.0.1:1")
	}
	home, _ := os.MkdirTemp("", "zonemove-home")
	os.Setenv("HOME", home)
	code := m.Run()
	os.RemoveAll(home)
	if code == 0 {
		code = failOnOrphanedGoldens()
	}
	os.Exit(code)
}

// goldensUsed are the golden files this run compared or wrote.
var goldensUsed sync.Map

// failOnOrphanedGoldens fails a run of every test that left golden files
// unused: a case renamed or removed leaves its old golden behind, which
// nobody reviews again. It returns the exit code.
func failOnOrphanedGoldens() int {
	if testing.Short() || flag.Lookup("test.run").Value.String() != "" || flag.Lookup("test.skip").Value.String() != "" {
		return 0 // only a run of every test knows every golden file
	}
	var orphans []string
	root := filepath.Join(repoRoot, "testdata", "golden")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if _, ok := goldensUsed.Load(abs); !ok {
			orphans = append(orphans, path)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if len(orphans) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d golden files no test produced (remove them, or the case that lost them):\n  %s\n",
			len(orphans), strings.Join(orphans, "\n  "))
		return 1
	}
	return 0
}

// testToken is the ClientToken of every test run that does not pass one.
const testToken = "123e4567-e89b-42d3-a456-426655440000"

// cliCase is one run of zonemove against the fake API.
type cliCase struct {
	name     string
	args     []string
	stdin    string
	stdinTTY bool
	// interruptAtPrompt makes stdin a terminal nobody types into, and Ctrl-C
	// comes the moment the command reads from it (at a prompt).
	interruptAtPrompt bool
	noCreds           bool
	// script queues fake API steps per action.
	script map[string][]fakeapi.Step
	// serve, when set, sets up models on the server (they answer after the script).
	serve func(srv *fakeapi.Server)
	// env sets extra environment variables for the run.
	env map[string]string
	// home holds files to write under the run's HOME (path -> content).
	home map[string]string
	// check runs extra assertions (on the server, for example).
	check func(t *testing.T, srv *fakeapi.Server, res runResult)
	// ctx, when set, returns the run's context (to interrupt it).
	ctx func(srv *fakeapi.Server) (context.Context, context.CancelFunc)
	// setup, when set, adjusts the factory before the run (terminals, Sleep).
	setup func(f *Factory)
	// order, when set, puts the requests received in a stable order for the
	// golden file: commands that send requests concurrently need it.
	order func([]fakeapi.Request) []fakeapi.Request
	// orderLines does the same for stdout and stderr (the --debug trace).
	orderLines func(string) string
}

type runResult struct {
	code           int
	stdout, stderr string
}

// testEnv isolates a test: its own HOME, test credentials (or none), no
// metadata service, and every endpoint on the fake server.
func testEnv(t testing.TB, srv *fakeapi.Server, noCreds bool) {
	t.Helper()
	fakeapi.TestEnv(t)
	if noCreds {
		os.Unsetenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
		os.Unsetenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	for _, s := range api.Services {
		t.Setenv(api.EnvVar(s), "http://"+srv.Host())
	}
}

// newTestFactory is a factory with buffer streams, a stable ClientToken,
// millisecond backoff and a fake clock that Sleep advances at once.
func newTestFactory(stdinTTY bool, stdin string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(stdin)
	ios.SetStdinTTY(stdinTTY)
	clock := fakeapi.NewClock()
	f := &Factory{
		IOStreams:      ios,
		Getenv:         os.Getenv,
		Build:          BuildInfo{Version: "test"},
		NewClientToken: func() string { return testToken },
		Policy:         api.Policy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond},
		Sleep:          clock.Sleep,
		Now:            clock.Now,
		DialGuard:      fakeapi.LoopbackOnly,
	}
	return f, out, errOut
}

// runGolden runs each case against a fresh fake server and compares args,
// exit code, stdout, stderr and the requests received with
// testdata/golden/<test>/<case>.golden.
func runGolden(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fakeapi.New(t, filepath.Join(repoRoot, "testdata", "api"))
			// The account has no load balancers unless a case says so (serve).
			fakeapi.NewLoadBalancers(srv)
			for action, steps := range c.script {
				srv.On(action, steps...)
			}
			if c.serve != nil {
				c.serve(srv)
			}
			testEnv(t, srv, c.noCreds)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			for name, content := range c.home {
				p := filepath.Join(os.Getenv("HOME"), name)
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f, out, errOut := newTestFactory(c.stdinTTY, c.stdin)
			if c.setup != nil {
				c.setup(f)
			}
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if c.ctx != nil {
				ctx, cancel = c.ctx(srv)
			}
			if c.interruptAtPrompt {
				ctx, cancel = context.WithCancel(ctx)
				r, w := io.Pipe()
				defer w.Close()
				f.IOStreams.In = cancelOnRead{r, cancel}
			}
			defer cancel()
			code := Run(ctx, f, c.args)
			res := runResult{code: code, stdout: out.String(), stderr: errOut.String()}
			got := renderGolden(c, res, srv)
			compareGolden(t, filepath.Join(repoRoot, "testdata", "golden", t.Name()+".golden"), got)
			srv.Verify(t)
			for _, r := range srv.Requests() {
				if !r.SignatureOK {
					t.Errorf("request %s had an invalid signature", r.Action)
				}
			}
			if c.check != nil {
				c.check(t, srv, res)
			}
		})
	}
}

// testdataDirs are the absolute paths of the recorded answers and of the
// repository root, for runs that change directory.
func testdataDirs(t *testing.T) (apiDir, root string) {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "testdata", "api"), root
}

// requestsSince are the requests the server received from the sent-th on;
// one with an invalid signature fails the test (run names the run).
func requestsSince(t *testing.T, srv *fakeapi.Server, sent, run int) []fakeapi.Request {
	t.Helper()
	reqs := append([]fakeapi.Request(nil), srv.Requests()[sent:]...)
	for _, r := range reqs {
		if !r.SignatureOK {
			t.Errorf("run %d: request %s had an invalid signature", run, r.Action)
		}
	}
	return reqs
}

// formatSorted renders requests sorted by action, then parameters (retries
// keep their order): the commands send them concurrently.
func formatSorted(reqs []fakeapi.Request) string {
	sorted := append([]fakeapi.Request(nil), reqs...)
	key := func(r fakeapi.Request) string { return r.Action + "?" + r.Params.Encode() }
	sort.SliceStable(sorted, func(i, j int) bool { return key(sorted[i]) < key(sorted[j]) })
	return fakeapi.Format(sorted)
}

// cancelOnRead is a reader that cancels a context when it is first read:
// Ctrl-C pressed at a prompt.
type cancelOnRead struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c cancelOnRead) Read(p []byte) (int, error) {
	c.cancel()
	return c.r.Read(p)
}

var volatile = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "FAKE_ENDPOINT"},
	{regexp.MustCompile(`/tmp/Test[^/\s]*/\d{3}`), "TESTDIR"}, // t.TempDir()
	{regexp.MustCompile(`in \d+(\.\d+)?(ms|µs|s)\b`), "in DURATION"},
	{regexp.MustCompile(`after \d+(\.\d+)?(ms|µs|s)\b`), "after DURATION"},
}

func normalize(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllString(s, v.repl)
	}
	return s
}

func renderGolden(c cliCase, res runResult, srv *fakeapi.Server) string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ zonemove %s\n", strings.Join(c.args, " "))
	fmt.Fprintf(&b, "--- exit code\n%d\n", res.code)
	stdout, stderr := res.stdout, res.stderr
	if c.orderLines != nil {
		stdout, stderr = c.orderLines(stdout), c.orderLines(stderr)
	}
	fmt.Fprintf(&b, "--- stdout\n%s", stdout)
	fmt.Fprintf(&b, "--- stderr\n%s", stderr)
	reqs := srv.Requests()
	if c.order != nil {
		reqs = c.order(reqs)
	}
	fmt.Fprintf(&b, "--- requests received (%d)\n%s", len(reqs), fakeapi.Format(reqs))
	return normalize(b.String())
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if abs, err := filepath.Abs(path); err == nil {
		goldensUsed.Store(abs, true)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden file (run go test ./pkg/cli -run %s -update): %v", t.Name(), err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (rerun with -update and review the diff):\n%s", path, diffLines(string(want), got))
	}
}

// diffLines is a line diff of the golden file (-) and the output (+).
func diffLines(want, got string) string {
	return cmp.Diff(strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n"))
}
