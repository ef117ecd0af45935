package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/next"
)

// jobsDocument is the JSON document of status, list and wait.
type jobsDocument struct {
	Jobs any `json:"jobs"`
	errorField
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
	w := ios.Out
	if !ios.IsStdoutTTY() {
		for _, j := range jobs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.JobID, j.InstanceID, j.Status, j.BusinessStatus,
				strconv.FormatFloat(j.Progress, 'f', -1, 64), j.ErrorCode, follow.OneLine(j.StatusInfo), j.CreationTime, j.EndTime)
		}
		return
	}
	cs := ios.ColorScheme()
	t := newTable(w, "")
	t.row("JOB ID", "INSTANCE", "STATUS", "STAGE", "PROGRESS", "CREATED", "ENDED")
	for _, j := range jobs {
		t.row(j.JobID, j.InstanceID, follow.ColorStatus(cs, j.Status), follow.Dash(j.BusinessStatus),
			follow.FormatProgress(j.Progress), follow.Dash(j.CreationTime), follow.Dash(j.EndTime))
	}
	t.flush()
}

// printJobProblems explains, on stderr, each job that needs a person: what
// went wrong and the next step.
func printJobProblems(w io.Writer, cmds cmdutil.Commands, jobs []follow.JobView) {
	for _, j := range jobs {
		if h := follow.NextStep(j); !h.IsZero() {
			fmt.Fprintf(w, "%s %s: %s\n  Next: %s\n", j.JobID, j.Status, follow.Problem(j), cmds.Hint(h))
		}
	}
}

// printAttentionSummary counts, on stderr, the jobs of a listing that need a
// person, without the details (status shows them job by job).
func printAttentionSummary(w io.Writer, cmds cmdutil.Commands, jobs []follow.JobView) {
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
	if len(parts) > 0 {
		fmt.Fprintf(w, "Needing attention: %s. '%s' shows why and what to do.\n",
			strings.Join(parts, ", "), cmds.Step(next.Cmd("status", "JOB_ID")))
	}
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
