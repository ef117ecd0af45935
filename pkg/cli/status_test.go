package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// batchIDs are the 120 recorded jobs j-bp1batch00000001..0120.
func batchIDs() []string {
	ids := make([]string, 120)
	for i := range ids {
		ids[i] = batchJobID(i + 1)
	}
	return ids
}

func stdoutTerminal(f *Factory) { f.IOStreams.SetStdoutTTY(true) }

// colorTerminal is a terminal on stdout and stderr that wants color.
func colorTerminal(f *Factory) {
	f.IOStreams.SetStdoutTTY(true)
	f.IOStreams.SetStderrTTY(true)
	f.IOStreams.SetColorEnabled(true)
}

// alignedAsWithoutColor checks that stdout, its color codes taken out, is
// the stdout of the golden file of the same run without color.
func alignedAsWithoutColor(golden string) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, _ *fakeapi.Server, res runResult) {
		t.Helper()
		if !strings.Contains(res.stdout, "\x1b[") {
			t.Fatal("no color in the output")
		}
		raw, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "golden", golden+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		_, after, _ := strings.Cut(string(raw), "--- stdout\n")
		want, _, _ := strings.Cut(after, "--- stderr\n")
		if got := iostreams.StripANSI(res.stdout); got != want {
			t.Errorf("without its color codes, stdout differs from %s:\n%s", golden, diffLines(want, got))
		}
	}
}

func TestStatus(t *testing.T) {
	one := func(variant string) map[string][]fakeapi.Step {
		return map[string][]fakeapi.Step{describeJobsAction: jobSteps(variant)}
	}
	status := func(extra ...string) []string {
		return append([]string{"status", testJob1, "--region", "cn-hangzhou"}, extra...)
	}
	runGolden(t, []cliCase{
		{name: "running", args: status(), script: one("running"), check: withinAPILimits},
		{name: "running-terminal", args: status(), script: one("running"), setup: stdoutTerminal},
		{name: "in-error", args: status(), script: one("inerror")},
		{name: "in-error-terminal", args: status(), script: one("inerror"), setup: stdoutTerminal},
		{name: "in-error-terminal-color", args: status(), script: one("inerror"), setup: colorTerminal,
			check: alignedAsWithoutColor("TestStatus/in-error-terminal")},
		{name: "in-error-json", args: status("-o", "json"), script: one("inerror")},
		{name: "two-jobs-json", args: []string{"status", testJob1, testJob2, "--region", "cn-hangzhou", "-o", "json"},
			script: one("two-mixed"), check: actionsSent(describeJobsAction)},
		{name: "repeated-id", args: status(testJob1), script: one("running")},
		{name: "120-jobs-in-3-batches", args: append(append([]string{"status"}, batchIDs()...), "--region", "cn-hangzhou"),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("batch1", "batch2", "batch3")},
			check:  all(withinAPILimits, jobIDsPerRequest(50, 50, 20))},
		{name: "not-found", args: status(), script: one("empty")},
		{name: "one-of-two-not-found-json", args: []string{"status", testJob1, testJob2, "--region", "cn-hangzhou", "-o", "json"},
			script: one("running")},
		{name: "throttled-then-ok", args: status(),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("Throttling", "running")}},
		{name: "access-denied", args: status(), script: one("Forbidden.RAM")},
	})
}

func TestStatusBadInput(t *testing.T) {
	cases := []cliCase{
		{name: "no-job", args: []string{"status", "--region", "cn-hangzhou"}},
		{name: "bad-job-id", args: []string{"status", testJob1, "i-bp1ff25rzvnul6kr0001", "--region", "cn-hangzhou"}},
		{name: "bad-job-id-json", args: []string{"status", "J-UPPER", "--region", "cn-hangzhou", "-o", "json"}},
		{name: "no-region", args: []string{"status", testJob1}},
	}
	for i := range cases {
		cases[i].check = nothingSent
	}
	runGolden(t, cases)
}

// jobIDsPerRequest checks how many JobId.N each DescribeReplicationJobs carried.
func jobIDsPerRequest(want ...int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ runResult) {
		t.Helper()
		var got []int
		for _, r := range srv.Requests() {
			if r.Action == describeJobsAction {
				got = append(got, countIndexed(r, "JobId"))
			}
		}
		if !equalInts(got, want) {
			t.Errorf("JobId.N per request %v; want %v", got, want)
		}
	}
}
