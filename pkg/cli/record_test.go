package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/record"
)

// batchDoc decodes a run's JSON record (status -f, report -o json).
func batchDoc(t *testing.T, res runResult) *record.Batch {
	t.Helper()
	var b record.Batch
	if err := json.Unmarshal([]byte(res.stdout), &b); err != nil {
		t.Fatalf("not a record: %v\n%s", err, res.stdout)
	}
	return &b
}

// everyAddressKnown checks that the record maps every moved instance's old
// private IP (kept in the state file) to its new one.
func everyAddressKnown(moved int) func(*testing.T, *fakeapi.Server, string, runResult) {
	return func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
		t.Helper()
		n := 0
		for _, e := range batchDoc(t, res).Entries {
			if e.Status != record.Moved {
				continue
			}
			n++
			if e.Before == nil || e.Before.PrivateIP == "" || e.Instance == nil || e.Instance.PrivateIP == "" || e.Before.PrivateIP == e.Instance.PrivateIP {
				t.Errorf("%s: before %+v, instance %+v; want both addresses", e.InstanceID, e.Before, e.Instance)
			}
		}
		if n != moved {
			t.Errorf("%d moved; want %d", n, moved)
		}
	}
}

// noDashAddress checks the text of a run that maps old to new addresses: no
// old address is "-".
func noDashAddress(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
	t.Helper()
	if !strings.Contains(res.stdout, "Private IP addresses, old → new") {
		t.Errorf("no address map:\n%s", res.stdout)
	}
	for _, line := range strings.Split(res.stdout, "\n") {
		if strings.Contains(line, "→") && strings.Contains(line, " - ") {
			t.Errorf("an old address is unknown: %q", line)
		}
	}
}

// TestBatchRecord: a batch cut short and run again; then status -f, wait -f
// and report read its record, each with both addresses of every instance.
func TestBatchRecord(t *testing.T) {
	yes := applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1")
	runApplyGolden(t, []applyCase{
		{name: "interrupted-then-rerun", manifest: "batch.yaml", runs: []applyRun{
			// The second create's answer is lost: exit 1, its token kept.
			{args: yes, script: answerLostOn(2), check: exits(1)},
			// status -f off a terminal: a line per instance; the lost one is "sent".
			{args: []string{"status", "-f", "migrations.yaml"}, check: exits(0, func(t *testing.T, srv *fakeapi.Server, _ string, res runResult) {
				if !strings.Contains(res.stdout, fakeapi.FleetInstance(2)+"\tsent\t") {
					t.Errorf("the create whose answer was lost is not shown as sent:\n%s", res.stdout)
				}
			})},
			// The re-run learns the lost job and follows the batch to its end.
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0, noDashAddress)},
			{args: []string{"status", "-f", "migrations.yaml", "-o", "json"}, check: exits(0, everyAddressKnown(4))},
			{args: []string{"status", "-f", "migrations.yaml"}, stdoutTTY: true, check: exits(0)},
			{args: []string{"wait", "-f", "migrations.yaml", "--interval", "1s"}, check: exits(0, noDashAddress)},
			{args: []string{"report", "-f", "migrations.yaml"}, check: exits(0, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				for _, id := range batchInstances {
					if !strings.Contains(res.stdout, "| "+id+" | moved | cn-hangzhou-h | cn-hangzhou-i |") {
						t.Errorf("the record has no moved row of %s:\n%s", id, res.stdout)
					}
				}
			})},
			{args: []string{"report", "-f", "migrations.yaml", "-o", "json"}, check: exits(0, everyAddressKnown(4))},
		}},
		// status -f while a job runs and another failed: exit 0, and the
		// next steps on stderr.
		{name: "running-and-failed", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0)},
			{args: []string{"status", "-f", "migrations.yaml"}, stdoutTTY: true, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.SetJobStatus(fakeapi.FleetInstance(2), "cn-hangzhou-i", "Running")
				fl.SetJobStatus(fakeapi.FleetInstance(3), "cn-hangzhou-i", "InError")
				return nil
			}, check: exits(0, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				for _, want := range []string{"zonemove wait -f migrations.yaml", "zonemove status " + jobOf(fakeapi.FleetInstance(3))} {
					if !strings.Contains(res.stderr, want) {
						t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
					}
				}
			})},
		}},
		// Bad input: nothing read, the contract's exit code.
		{name: "bad-input", manifest: "batch.yaml", runs: []applyRun{
			{args: []string{"status", "-f", "migrations.yaml"}, check: exits(1, sentNothing)},
			{args: []string{"status", "-f", "migrations.yaml", jobOf(fakeapi.FleetInstance(1))}, check: exits(2, sentNothing)},
			{args: []string{"status", "--state", "x.json", jobOf(fakeapi.FleetInstance(1))}, check: exits(2, sentNothing)},
			{args: []string{"report", "-f", "migrations.yaml", "--format", "pdf"}, check: exits(2, sentNothing)},
			{args: []string{"report"}, check: exits(2, sentNothing)},
			{args: []string{"report", "-f", "migrations.yaml", "--out", "no/such/dir/r.md"}, check: exits(2, sentNothing)},
		}},
	})
}

// TestReportHTMLFile: report --format html --out writes one parseable file.
func TestReportHTMLFile(t *testing.T) {
	runApplyGolden(t, []applyCase{{name: "html", manifest: "batch.yaml", runs: []applyRun{
		{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0)},
		{args: []string{"report", "-f", "migrations.yaml", "--format", "html", "--out", "record.html"}, check: exits(0,
			func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				b, err := os.ReadFile(filepath.Join(dir, "record.html"))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || strings.Count(string(b), `class="bar"`) != 4 {
					t.Errorf("not the record of 4 jobs:\n%s", b)
				}
				if strings.Contains(string(b), `class="bound"`) {
					t.Errorf("a window drawn for a batch run without one")
				}
			})},
		// The window's bounds: from the flags.
		{args: []string{"report", "-f", "migrations.yaml", "--format", "html", "--out", "window.html",
			"--not-before", "2026-11-27T11:30:00Z", "--not-after", "2026-11-27T16:30:00Z"}, check: exits(0,
			func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				b, err := os.ReadFile(filepath.Join(dir, "window.html"))
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{"not before 11:30", "not after 16:30"} {
					if !strings.Contains(string(b), want) {
						t.Errorf("the window's bound %q is not drawn", want)
					}
				}
			})},
		{args: []string{"report", "-f", "migrations.yaml", "--not-after", "tomorrow"}, check: exits(2)},
	}}})
}

func sentNothing(t *testing.T, srv *fakeapi.Server, _ string, res runResult) {
	nothingSent(t, srv, res)
}

// TestRevert: a batch cut short and run again, then moved back: checked,
// created and followed as apply does, its records apart from the moves'.
func TestRevert(t *testing.T) {
	yes := applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1")
	revert := func(extra ...string) []string { return append([]string{"revert", "-f", "migrations.yaml"}, extra...) }
	runApplyGolden(t, []applyCase{
		{name: "after-interrupted-batch", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: answerLostOn(2), check: exits(1)},
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0)},
			{args: revert("--dry-run"), check: exits(0)},
			{args: revert("--yes", "--wait", "--interval", "1s"), check: exits(0, noDashAddress)},
			{args: []string{"status", "-f", "migrations.yaml", "-o", "json"}, check: exits(0)},
			{args: []string{"report", "-f", "migrations.yaml"}, check: exits(0)},
			// Run again: nothing new is created.
			{args: revert("--yes"), check: exits(0, jobsCreated(8))},
		}},
		// One move still runs: it is named and left alone (exit 1); the
		// instance named that never moved is refused; the rest move back.
		{name: "move-running", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, check: exits(0)},
			{args: revert("--yes", "-o", "json"), script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.SetJobStatus(fakeapi.FleetInstance(2), "cn-hangzhou-i", "Running")
				return nil
			}, check: exits(1, jobsCreated(7), func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				st := readState(t, dir)
				if e := st.Migrations[fakeapi.FleetInstance(2)]; e.Revert != nil {
					t.Errorf("the instance whose move runs got a revert: %+v", e.Revert)
				}
			})},
		}},
		// The rollout flags are apply's: one instance away at a time.
		{name: "rollout", manifest: "batch.yaml", runs: []applyRun{
			{args: applyArgs("--yes", "--wait", "--interval", "1s"), check: exits(0)},
			{args: revert("--yes", "--max-unavailable", "1", "--canary", "1", "--interval", "1s"), check: exits(0, jobsCreated(8))},
		}},
		{name: "bad-input", manifest: "batch.yaml", runs: []applyRun{
			{args: revert("--yes"), check: exits(1, sentNothing)},
			{args: yes, check: exits(0)},
			{args: revert("--yes", fakeapi.FleetInstance(5)), check: exits(2)},
			{args: revert("--yes", "i-"), check: exits(2)},
			{args: revert(), check: exits(2)},
		}},
	})
}

// TestReportAround: the record of a batch with a snapshot, drained and
// restored load balancers and a verification says each, as the state file
// recorded them.
func TestReportAround(t *testing.T) {
	serve := func(fl *fakeapi.Fleet) {
		fakeapi.ServeBehindLoadBalancers(fl, fakeapi.FleetInstance(1), fakeapi.FleetInstance(3))
	}
	runApplyGolden(t, []applyCase{{name: "markdown", manifest: "around.yaml", fleet: serve, requests: lbTokens, runs: []applyRun{
		{args: applyArgs("--yes", "--wait", "--max-unavailable", "1", "--interval", "1s"), check: exits(0)},
		{args: []string{"report", "-f", "migrations.yaml"}, check: exits(0, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
			for _, want := range []string{"## Snapshot groups", "| accomplished |", "## Load balancers", "| restored |", "## Verification",
				"| " + fakeapi.FleetInstance(1) + " | t-"} {
				if !strings.Contains(res.stdout, want) {
					t.Errorf("the record has no %q:\n%s", want, res.stdout)
				}
			}
		})},
	}}})
}
