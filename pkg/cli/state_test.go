package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestState: show lists what apply recorded; forget drops an entry whose job
// finished at once, and one whose job may still run only with --yes; the
// next apply then creates no second job where one runs.
func TestState(t *testing.T) {
	first, second := fakeapi.FleetInstance(1), fakeapi.FleetInstance(2)
	yes := applyArgs("--yes", "--concurrency", "1", "--max-attempts", "1")
	show := []string{"state", "show", "-f", "migrations.yaml"}
	runApplyGolden(t, []applyCase{
		// The manifest-changed hint names 'state forget': it accepts the
		// situation, and the apply after it creates no second job.
		{name: "manifest-changed-hint", manifest: "batch.yaml", runs: []applyRun{
			{args: yes, script: answerLostOn(2), check: exits(1)},
			{args: yes, before: editManifest("target_instance_type: ecs.g7.xlarge\n  - instance_id: i-bp1ff25rzvnul6kr0003",
				"target_instance_type: ecs.g7.2xlarge\n  - instance_id: i-bp1ff25rzvnul6kr0003"),
				check: exits(3, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
					if !strings.Contains(res.stdout, "'zonemove state forget "+second+" -f migrations.yaml --region cn-hangzhou --yes'") {
						t.Errorf("the hint does not name the state forget command:\n%s", res.stdout)
					}
				})},
			{args: []string{"state", "forget", "-f", "migrations.yaml", second, "--yes"}, check: exits(0)},
			{args: yes, check: exits(0, jobsCreated(4))},
		}},
		// Without a state file, forget says so as show does (not that the
		// instance is missing from it) and leaves no lock file behind.
		{name: "forget-without-state-file", manifest: "batch.yaml", runs: []applyRun{
			{args: []string{"state", "forget", "-f", "migrations.yaml", first}, check: exits(1, func(t *testing.T, _ *fakeapi.Server, dir string, res runResult) {
				if !strings.Contains(res.stderr, "no state file migrations.yaml.state.json") {
					t.Errorf("forget does not say the state file is missing:\n%s", res.stderr)
				}
				if _, err := os.Stat(filepath.Join(dir, "migrations.yaml.state.json.lock")); err == nil {
					t.Error("forget left a lock file where no batch ran")
				}
			})},
		}},
		{name: "show-and-forget", manifest: "batch.yaml", runs: []applyRun{
			{args: show, check: exits(1)}, // no state file yet
			{args: yes, script: answerLostOn(2), check: exits(1)},
			{args: show, check: exits(0)},
			{args: append(show, "-o", "json"), check: exits(0)},
			// The second's create may have made a job: refused off a terminal.
			{args: []string{"state", "forget", "-f", "migrations.yaml", second}, check: exits(2, tokensKept(second))},
			// An entry the state file no longer holds (a killed run, or an
			// earlier forget, dropped it) is what forget asks for: a success.
			{args: []string{"state", "forget", "-f", "migrations.yaml", "i-bp1ff25rzvnul6kr0009"}, check: exits(0, func(t *testing.T, _ *fakeapi.Server, _ string, res runResult) {
				if !strings.Contains(res.stdout, "so forgotten already: i-bp1ff25rzvnul6kr0009; nothing to do") {
					t.Errorf("forget of an entry forgotten already does not say so:\n%s", res.stdout)
				}
			})},
			{args: []string{"state", "forget", "-f", "migrations.yaml", second, "--yes"}, check: exits(0)},
			// The first's job ran to its end: forgotten without --yes.
			{args: []string{"state", "forget", "-f", "migrations.yaml", first, "-o", "json"}, script: func(fl *fakeapi.Fleet) map[string][]fakeapi.Step {
				fl.Move(first, "cn-hangzhou-i", "ecs.g7.xlarge")
				return nil
			}, check: exits(0)},
			// The next apply: the first is done, the second's running job is adopted.
			{args: yes, check: exits(0, jobsCreated(4), func(t *testing.T, _ *fakeapi.Server, dir string, _ runResult) {
				if e := readState(t, dir).Migrations[second]; e == nil || e.JobID != jobOf(second) || !e.Adopted {
					t.Errorf("%s: state %+v; want its job adopted", second, e)
				}
			})},
		}},
	})
}
