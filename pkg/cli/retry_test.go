package cli

import (
	"fmt"
	"testing"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// jobN is the test job number n; its instance is i-bp1ff25rzvnul6kr000n.
func jobN(n int) string { return fmt.Sprintf("j-bp17bclvg344jlyt%04d", n) }

// modelJobs serves the job-control actions from a model holding jobs (job ->
// status), loses the answers of the actions in lose (each once, in order),
// and checks after the run that the model holds want (job -> status, "" for
// a deleted job).
type modelJobs struct {
	jobs, want map[string]string
	lose       []string
}

func (mj modelJobs) apply(c cliCase) cliCase {
	var m *fakeapi.Jobs
	c.serve = func(srv *fakeapi.Server) {
		m = fakeapi.NewJobs(srv)
		for n := 1; n <= 9; n++ {
			if status, ok := mj.jobs[jobN(n)]; ok {
				m.Add(jobN(n), fakeapi.FleetInstance(n), status)
			}
		}
		for _, action := range mj.lose {
			m.LoseAnswer(action)
		}
	}
	check := c.check
	c.check = func(t *testing.T, srv *fakeapi.Server, res runResult) {
		t.Helper()
		for id, want := range mj.want {
			if got, _ := m.Status(id); got != want {
				t.Errorf("job %s is %q after the run; want %q", id, got, want)
			}
		}
		if check != nil {
			check(t, srv, res)
		}
	}
	return c
}

// countActions checks how many requests of an action the server received.
func countActions(action string, want int) func(*testing.T, *fakeapi.Server, runResult) {
	return func(t *testing.T, srv *fakeapi.Server, _ runResult) {
		t.Helper()
		got := 0
		for _, r := range srv.Requests() {
			if r.Action == action {
				got++
			}
		}
		if got != want {
			t.Errorf("%d %s sent; want %d", got, action, want)
		}
	}
}

func TestRetry(t *testing.T) {
	retry := func(extra ...string) []string {
		return append([]string{"retry", testJob1, "--region", "cn-hangzhou"}, extra...)
	}
	one := func(status, after string) modelJobs {
		return modelJobs{jobs: map[string]string{testJob1: status}, want: map[string]string{testJob1: after}}
	}
	mixed := modelJobs{
		jobs: map[string]string{jobN(1): "InError", jobN(2): "Stopped", jobN(3): "Running", jobN(4): "Finished", jobN(5): "Ready", jobN(6): "Expired"},
		want: map[string]string{jobN(1): "Running", jobN(2): "Running", jobN(3): "Running", jobN(4): "Finished", jobN(5): "Running", jobN(6): "Expired"},
	}
	mixedArgs := func(extra ...string) []string {
		args := []string{"retry"}
		for n := 1; n <= 7; n++ { // job 7 does not exist
			args = append(args, jobN(n))
		}
		return append(append(args, "--region", "cn-hangzhou"), extra...)
	}
	lost := func(lose ...string) modelJobs {
		mj := one("InError", "Running")
		mj.lose = lose
		return mj
	}
	runGolden(t, []cliCase{
		one("InError", "Running").apply(cliCase{name: "in-error", args: retry(),
			check: all(withinAPILimits, actionsSent(describeJobsAction, startJobAction))}),
		one("InError", "Running").apply(cliCase{name: "in-error-json", args: retry("-o", "json")}),
		one("Stopped", "Running").apply(cliCase{name: "stopped", args: retry()}),
		one("Ready", "Running").apply(cliCase{name: "ready", args: retry()}),
		mixed.apply(cliCase{name: "several-mixed", args: mixedArgs(), check: all(withinAPILimits, countActions(startJobAction, 3))}),
		mixed.apply(cliCase{name: "several-mixed-json", args: mixedArgs("-o", "json"), check: countActions(startJobAction, 3)}),
		one("Running", "Running").apply(cliCase{name: "refused-running", args: retry(), check: actionsSent(describeJobsAction)}),
		one("Running", "Running").apply(cliCase{name: "refused-running-json", args: retry("-o", "json"), check: actionsSent(describeJobsAction)}),
		one("Finished", "Finished").apply(cliCase{name: "refused-finished", args: retry(), check: actionsSent(describeJobsAction)}),
		one("Expired", "Expired").apply(cliCase{name: "refused-expired", args: retry(), check: actionsSent(describeJobsAction)}),
		// The first answer is lost after the job was started; the retried
		// attempt meets InvalidStatus and the job, read back, is Running.
		lost(startJobAction).apply(cliCase{name: "lost-answer", args: retry(),
			check: actionsSent(describeJobsAction, startJobAction, startJobAction, describeJobsAction)}),
		lost(startJobAction).apply(cliCase{name: "lost-answer-json", args: retry("-o", "json")}),
		lost(startJobAction, startJobAction).apply(cliCase{name: "every-answer-lost", args: retry("--max-attempts", "2"),
			check: actionsSent(describeJobsAction, startJobAction, startJobAction, describeJobsAction)}),
		// Read InError, but Running by the time the one attempt arrives:
		// someone else resumed it; not this run's doing, and said so.
		{name: "changed-meanwhile", args: retry(),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("inerror", "running"),
				startJobAction: {smcFile("StartReplicationJob.ReplicationJob.InvalidStatus")}}},
		// A throttled attempt was refused, so it resumed nothing: the job
		// found Running after the repeat met InvalidStatus was resumed by
		// someone else, and is not called this run's doing.
		{name: "throttled-then-changed", args: retry(),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("inerror", "running"),
				startJobAction: {smcFile("CreateCrossZoneMigrationJob.Throttling"), smcFile("StartReplicationJob.ReplicationJob.InvalidStatus")}},
			check: actionsSent(describeJobsAction, startJobAction, startJobAction, describeJobsAction)},
		{name: "not-found", args: retry(), script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("empty")}, check: actionsSent(describeJobsAction)},
		{name: "bad-job-id", args: []string{"retry", "j-", "--region", "cn-hangzhou"}, check: nothingSent},
		{name: "no-job", args: []string{"retry", "--region", "cn-hangzhou"}, check: nothingSent},
	})
}

func TestDelete(t *testing.T) {
	del := func(extra ...string) []string {
		return append([]string{"delete", testJob1, "--region", "cn-hangzhou"}, extra...)
	}
	one := func(status, after string) modelJobs {
		return modelJobs{jobs: map[string]string{testJob1: status}, want: map[string]string{testJob1: after}}
	}
	mixed := modelJobs{
		jobs: map[string]string{jobN(1): "InError", jobN(2): "Running", jobN(3): "Expired", jobN(4): "Stopped"},
		want: map[string]string{jobN(1): "", jobN(2): "Running", jobN(3): "", jobN(4): ""},
	}
	mixedArgs := func(extra ...string) []string {
		return append([]string{"delete", jobN(1), jobN(2), jobN(3), jobN(4), jobN(5), "--region", "cn-hangzhou"}, extra...)
	}
	deleteAction := "DeleteReplicationJob"
	lost := one("InError", "")
	lost.lose = []string{deleteAction}
	runGolden(t, []cliCase{
		one("Stopped", "").apply(cliCase{name: "terminal-confirmed", args: del(), stdinTTY: true, stdin: "y\n",
			check: actionsSent(describeJobsAction, deleteAction)}),
		one("Stopped", "Stopped").apply(cliCase{name: "terminal-declined", args: del(), stdinTTY: true, stdin: "n\n",
			check: actionsSent(describeJobsAction)}),
		one("InError", "InError").apply(cliCase{name: "terminal-interrupted", args: del(), stdinTTY: true, interruptAtPrompt: true,
			check: actionsSent(describeJobsAction)}),
		one("Stopped", "Stopped").apply(cliCase{name: "off-terminal-without-yes", args: del(), check: nothingSent}),
		one("Stopped", "Stopped").apply(cliCase{name: "off-terminal-without-yes-json", args: del("-o", "json"), check: nothingSent}),
		one("InError", "").apply(cliCase{name: "yes", args: del("--yes")}),
		one("Finished", "").apply(cliCase{name: "finished-json", args: del("--yes", "-o", "json")}),
		one("Running", "Running").apply(cliCase{name: "running-refused", args: del("--yes"), check: actionsSent(describeJobsAction)}),
		one("Running", "Running").apply(cliCase{name: "running-refused-on-terminal", args: del(), stdinTTY: true,
			check: actionsSent(describeJobsAction)}),
		mixed.apply(cliCase{name: "several-mixed", args: mixedArgs(), stdinTTY: true, stdin: "y\n", check: countActions(deleteAction, 3)}),
		mixed.apply(cliCase{name: "several-mixed-json", args: mixedArgs("--yes", "-o", "json"), check: countActions(deleteAction, 3)}),
		// Read Stopped, Running when the delete arrives: SMC's InvalidStatus
		// is reported with the status read back.
		one("Running", "Running").apply(cliCase{name: "running-answer", args: del("--yes"),
			script: map[string][]fakeapi.Step{describeJobsAction: jobSteps("stopped")}}),
		lost.apply(cliCase{name: "lost-answer", args: del("--yes"),
			check: actionsSent(describeJobsAction, deleteAction, deleteAction, describeJobsAction)}),
		{name: "bad-job-id", args: []string{"delete", "J-1", "--region", "cn-hangzhou", "--yes"}, check: nothingSent},
		{name: "no-region", args: []string{"delete", testJob1, "--yes"}, check: nothingSent},
	})
}

// interruptedControl is a run of retry or delete over jobs 1 to 4, all
// InError, that Ctrl-C interrupts when the second request of action arrives
// (that request never takes effect): job 1 went through, job 2's answer was
// not awaited, jobs 3 and 4 were not sent.
func interruptedControl(name, action string, args []string, want map[string]string) cliCase {
	in := newInterruption()
	var m *fakeapi.Jobs
	return cliCase{name: name, args: args, ctx: in.ctx,
		serve: func(srv *fakeapi.Server) {
			m = fakeapi.NewJobs(srv)
			for n := 1; n <= 4; n++ {
				m.Add(jobN(n), fakeapi.FleetInstance(n), "InError")
			}
			first := m.Start()
			if action == "DeleteReplicationJob" {
				first = m.Delete()
			}
			srv.On(action, first, in.step())
		},
		check: func(t *testing.T, srv *fakeapi.Server, res runResult) {
			t.Helper()
			countActions(action, 2)(t, srv, res)
			for id, status := range want {
				if got, _ := m.Status(id); got != status {
					t.Errorf("job %s is %q after the run; want %q", id, got, status)
				}
			}
			if res.code != 130 {
				t.Errorf("exit %d; want 130", res.code)
			}
		}}
}

func TestJobControlInterrupted(t *testing.T) {
	jobs := func(command string, extra ...string) []string {
		return append([]string{command, jobN(1), jobN(2), jobN(3), jobN(4), "--region", "cn-hangzhou"}, extra...)
	}
	resumed := map[string]string{jobN(1): "Running", jobN(2): "InError", jobN(3): "InError", jobN(4): "InError"}
	deleted := map[string]string{jobN(1): "", jobN(2): "InError", jobN(3): "InError", jobN(4): "InError"}
	runGolden(t, []cliCase{
		interruptedControl("retry", startJobAction, jobs("retry"), resumed),
		interruptedControl("retry-json", startJobAction, jobs("retry", "-o", "json"), resumed),
		interruptedControl("delete", "DeleteReplicationJob", jobs("delete", "--yes"), deleted),
		interruptedControl("delete-json", "DeleteReplicationJob", jobs("delete", "--yes", "-o", "json"), deleted),
	})
}
