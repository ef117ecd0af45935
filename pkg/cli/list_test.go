package cli

import (
	"strconv"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestList(t *testing.T) {
	pages := map[string][]fakeapi.Step{describeJobsAction: jobSteps("page1", "page2", "page3")}
	runGolden(t, []cliCase{
		{name: "120-jobs-in-3-pages", args: []string{"list", "--region", "cn-hangzhou"}, script: pages,
			check: all(withinAPILimits, pagesAsked(1, 2, 3), newestFirst(120))},
		{name: "status-filter-json", args: []string{"list", "--region", "cn-hangzhou", "--status", "inerror", "-o", "json"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("inerror")}, check: all(withinAPILimits, pagesAsked(1))},
		{name: "terminal", args: []string{"list", "--region", "cn-hangzhou"}, setup: stdoutTerminal,
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("two-mixed")}},
		// Color takes no room: the columns line up as without it.
		{name: "terminal-color", args: []string{"list", "--region", "cn-hangzhou"}, setup: colorTerminal,
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("two-mixed")}, check: alignedAsWithoutColor("TestList/terminal")},
		{name: "empty", args: []string{"list", "--region", "cn-hangzhou", "--status", "Running"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")}},
		{name: "empty-json", args: []string{"list", "--region", "cn-hangzhou", "-o", "json"},
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")}},
		{name: "bad-status", args: []string{"list", "--region", "cn-hangzhou", "--status", "Failed"}, check: nothingSent},
		{name: "positional-arg", args: []string{"list", "--region", "cn-hangzhou", testJob1}, check: nothingSent},
		// SMC's regions come from the API metadata: another is refused before any call.
		{name: "region-not-served", args: []string{"list", "--region", "cn-qingdao"}, check: nothingSent},
	})
}

// pagesAsked checks the PageNumber of each DescribeReplicationJobs.
func pagesAsked(want ...int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ runResult) {
		t.Helper()
		var got []string
		for _, r := range srv.Requests() {
			got = append(got, r.Params.Get("PageNumber")+"/"+r.Params.Get("PageSize"))
		}
		var w []string
		for _, n := range want {
			w = append(w, strconv.Itoa(n)+"/50")
		}
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("pages asked %v; want %v", got, w)
		}
	}
}

// newestFirst checks that the tab-separated listing has n jobs, by creation
// time from the newest.
func newestFirst(n int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, _ *fakeapi.Server, res runResult) {
		t.Helper()
		lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
		if len(lines) != n {
			t.Fatalf("%d jobs listed; want %d", len(lines), n)
		}
		prev := ""
		for _, l := range lines {
			created := strings.Split(l, "\t")[7]
			if prev != "" && created > prev {
				t.Errorf("%s listed after %s", created, prev)
			}
			prev = created
		}
	}
}
