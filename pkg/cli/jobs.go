package cli

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
)

// jobsDocument is the document of status and list: the jobs as SMC
// describes them, and what to do about those that need a person.
type jobsDocument struct {
	Jobs []follow.JobView `json:"jobs"`
	errorField

	none      string       // for a listing without jobs: what there is none of, and where
	problems  []jobProblem // status: each job that needs a person
	attention string       // list: how many jobs need a person, and the command that shows why
}

// jobProblem is a job that needs a person: what went wrong and the next step.
type jobProblem struct {
	JobID, Status, Problem, Next string
}

// Text writes the jobs as a table on stdout, and on stderr what needs a person.
func (d *jobsDocument) Text(ios *iostreams.IOStreams) {
	if len(d.Jobs) == 0 && d.none != "" {
		fmt.Fprintln(ios.ErrOut, d.none)
		return
	}
	printJobs(ios, d.Jobs)
	for _, p := range d.problems {
		fmt.Fprintf(ios.ErrOut, "%s %s: %s\n  Next: %s\n", p.JobID, p.Status, p.Problem, p.Next)
	}
	if d.attention != "" {
		fmt.Fprintln(ios.ErrOut, d.attention)
	}
}

// waitDocument is the document of wait: the jobs as the wait left them.
type waitDocument struct {
	Jobs []*follow.Result `json:"jobs"`
	errorField

	report *follow.Report // the text says how each job ended and what to do next
	now    time.Time
	line   func(next.Step) string // writes the report's next steps with the run's flags

	// wait -f: what was not followed, and the map of old to new addresses.
	notes     []string
	addresses bool
}

// Text writes how each job ended, once the wait came to an end (all done, a
// job failed, or the timeout); an error that stopped the wait says the rest.
func (d *waitDocument) Text(ios *iostreams.IOStreams) {
	for _, n := range d.notes {
		fmt.Fprintln(ios.ErrOut, n)
	}
	if d.report != nil {
		follow.PrintReport(ios.Out, ios.ColorScheme(), d.report, d.now, d.line)
		if d.addresses {
			fmt.Fprintln(ios.Out)
			printAddressMap(ios.Out, d.report.Jobs)
		}
	}
}

// waitEnded reports whether a wait that returned err came to an end of its
// own (every job done, a job failed, or the timeout), so that its report is
// the outcome to show.
func waitEnded(err error) bool {
	code := ExitCode(err)
	return code == cmdutil.ExitOK || code == cmdutil.ExitJobFailed || code == cmdutil.ExitTimeout
}

// parseJobIDs validates job IDs before anything is sent and drops repeats,
// keeping the order given.
func parseJobIDs(args []string) ([]string, error) {
	seen := map[string]bool{}
	var ids []string
	for _, id := range args {
		if err := migration.ValidateJobID("JOB_ID", id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// printJobs writes jobs as a table: aligned with a header on a terminal,
// tab-separated with every JSON field off it (for scripts).
func printJobs(ios *iostreams.IOStreams, jobs []follow.JobView) {
	t := newListTable(ios)
	if t.tsv {
		for _, j := range jobs {
			t.row(j.JobID, j.InstanceID, j.Status, j.BusinessStatus, strconv.FormatFloat(j.Progress, 'f', -1, 64),
				j.ErrorCode, follow.OneLine(j.StatusInfo), j.CreationTime, j.EndTime)
		}
		t.flush()
		return
	}
	cs := ios.ColorScheme()
	t.headers("JOB ID", "INSTANCE", "STATUS", "STAGE", "PROGRESS", "CREATED", "ENDED")
	t.keepWhole(0, 1)
	t.dropFirst(6, 5) // the times give way on a narrow terminal: status shows them
	for _, j := range jobs {
		t.row(j.JobID, j.InstanceID, follow.ColorStatus(cs, j.Status), follow.Dash(j.BusinessStatus),
			follow.FormatProgress(j.Progress), follow.Dash(j.CreationTime), follow.Dash(j.EndTime))
	}
	t.flush()
}

// jobProblems are the jobs that need a person: what went wrong and the next
// step of each.
func jobProblems(cmds cmdutil.Commands, jobs []follow.JobView) []jobProblem {
	var out []jobProblem
	for _, j := range jobs {
		if h := follow.NextStep(j); !h.IsZero() {
			out = append(out, jobProblem{JobID: j.JobID, Status: j.Status, Problem: follow.Problem(j), Next: cmds.Hint(h)})
		}
	}
	return out
}

// attentionSummary counts the jobs of a listing that need a person, without
// the details (status shows them job by job); "" when none does.
func attentionSummary(cmds cmdutil.Commands, jobs []follow.JobView) string {
	counts := map[string]int{}
	for _, j := range jobs {
		if !follow.NextStep(j).IsZero() {
			counts[j.Status]++
		}
	}
	var parts []string
	for _, status := range []string{facts.JobInError, facts.JobStopped, facts.JobExpired} {
		if n := counts[status]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, status))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("Needing attention: %s. '%s' shows why and what to do.",
		strings.Join(parts, ", "), cmds.Step(next.Cmd("status", "JOB_ID")))
}

// sortNewestFirst orders jobs by CreationTime, newest first; ties and
// unreadable times keep a stable order by job ID.
func sortNewestFirst(jobs []follow.JobView) {
	sort.SliceStable(jobs, func(a, b int) bool {
		ta, oka := follow.ParseAPITime(jobs[a].CreationTime)
		tb, okb := follow.ParseAPITime(jobs[b].CreationTime)
		switch {
		case oka && okb && !ta.Equal(tb):
			return ta.After(tb)
		case oka != okb:
			return oka
		}
		return jobs[a].JobID < jobs[b].JobID
	})
}
