package cli

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/smc"
)

// JobView is one job in the JSON documents of status, list and wait.
type JobView struct {
	JobID          string  `json:"job_id"`
	InstanceID     string  `json:"instance_id"`
	Status         string  `json:"status"`
	BusinessStatus string  `json:"business_status"`
	Progress       float64 `json:"progress"`
	ErrorCode      string  `json:"error_code"`
	StatusInfo     string  `json:"status_info"`
	CreationTime   string  `json:"creation_time"`
	EndTime        string  `json:"end_time"`

	startTime string // when the job started running, for the elapsed time
}

func jobViewOf(j *smc.ReplicationJob) JobView {
	return JobView{
		JobID: j.JobId, InstanceID: j.InstanceId, Status: j.Status, BusinessStatus: j.BusinessStatus,
		Progress: j.Progress, ErrorCode: j.ErrorCode, StatusInfo: j.StatusInfo,
		CreationTime: j.CreationTime, EndTime: j.EndTime, startTime: j.StartTime,
	}
}

// jobsDocument is the JSON document of status, list and wait.
type jobsDocument struct {
	Jobs  any        `json:"jobs"`
	Error *ErrorBody `json:"error,omitempty"`
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

// describeJobs reads cross-zone jobs by ID: one DescribeReplicationJobs per
// smc.MaxJobIDs IDs, sent one after the other. Jobs that do not exist (in this
// region, as cross-zone jobs) are absent from the result.
func describeJobs(ctx context.Context, c *smc.Client, region string, ids []string) (map[string]*smc.ReplicationJob, error) {
	out := make(map[string]*smc.ReplicationJob, len(ids))
	for start := 0; start < len(ids); start += smc.MaxJobIDs {
		batch := ids[start:min(start+smc.MaxJobIDs, len(ids))]
		page, err := c.DescribeReplicationJobs(ctx, &smc.DescribeReplicationJobsRequest{
			RegionId: region, JobId: batch, JobType: smc.JobTypeCrossZone,
			// The API's PageSize defaults to 10, whatever JobId.N names.
			PageNumber: 1, PageSize: smc.MaxJobIDs,
		})
		if err != nil {
			return nil, err
		}
		for _, j := range page.ReplicationJobs.ReplicationJob {
			if j != nil {
				out[j.JobId] = j
			}
		}
	}
	return out, nil
}

// jobsNotFoundError says which jobs do not exist where they were looked for.
func jobsNotFoundError(missing []string, region string) error {
	what := "job " + missing[0] + " was"
	if len(missing) > 1 {
		what = "jobs " + strings.Join(missing, ", ") + " were"
	}
	return &ExitError{Code: ExitFailure, ErrCode: "JobNotFound",
		Err:  fmt.Errorf("%s not found among the cross-zone migration jobs of %s", what, region),
		Hint: "check the job ID and --region (a job belongs to the region of its instance); 'zonemove list --region " + region + "' shows the region's jobs"}
}

// printJobs writes jobs as a table: aligned with a header on a terminal,
// tab-separated with every JSON field off it (for scripts).
func printJobs(f *Factory, jobs []JobView) {
	w := f.IOStreams.Out
	if !f.IOStreams.IsStdoutTTY() {
		for _, j := range jobs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.JobID, j.InstanceID, j.Status, j.BusinessStatus,
				strconv.FormatFloat(j.Progress, 'f', -1, 64), j.ErrorCode, oneLine(j.StatusInfo), j.CreationTime, j.EndTime)
		}
		return
	}
	cs := f.IOStreams.ColorScheme()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB ID\tINSTANCE\tSTATUS\tSTAGE\tPROGRESS\tCREATED\tENDED")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.JobID, j.InstanceID, colorStatus(cs, j.Status), dash(j.BusinessStatus),
			formatProgress(j.Progress), dash(j.CreationTime), dash(j.EndTime))
	}
	tw.Flush()
}

// printJobProblems explains, on stderr, each job that needs a person: what
// went wrong and the next step.
func printJobProblems(f *Factory, jobs []JobView) {
	for _, j := range jobs {
		if next := nextStep(f, j); next != "" {
			fmt.Fprintf(f.IOStreams.ErrOut, "%s %s: %s\n  Next: %s\n", j.JobID, j.Status, jobProblem(j), next)
		}
	}
}

// printAttentionSummary counts, on stderr, the jobs of a listing that need a
// person, without the details (status shows them job by job).
func printAttentionSummary(f *Factory, jobs []JobView) {
	counts := map[string]int{}
	for _, j := range jobs {
		if nextStep(f, j) != "" {
			counts[j.Status]++
		}
	}
	var parts []string
	for _, status := range []string{smc.StatusInError, smc.StatusStopped, smc.StatusExpired} {
		if n := counts[status]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, status))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(f.IOStreams.ErrOut, "Needing attention: %s. 'zonemove status JOB_ID --region %s' shows why and what to do.\n",
			strings.Join(parts, ", "), f.Global.Region)
	}
}

// jobProblem describes why a job stopped short of Finished.
func jobProblem(j JobView) string {
	switch j.Status {
	case smc.StatusInError:
		msg := strings.TrimSpace(j.ErrorCode + ": " + oneLine(j.StatusInfo))
		msg = strings.TrimSuffix(strings.TrimPrefix(msg, ": "), ":")
		if msg == "" {
			msg = "the job failed without an error code"
		}
		return fmt.Sprintf("%s (at %s)", msg, formatProgress(j.Progress))
	case smc.StatusStopped:
		return fmt.Sprintf("the job was stopped at %s", formatProgress(j.Progress))
	case smc.StatusExpired:
		return "the job expired before it completed"
	}
	return ""
}

// nextStep is what to do about a job that needs a person ("" when none does).
func nextStep(f *Factory, j JobView) string {
	switch j.Status {
	case smc.StatusInError:
		return "fix the cause, then run: " + commandLine(f, "retry", []string{j.JobID})
	case smc.StatusStopped:
		return "the job was stopped in the SMC console or by the API; start it there again (retry resumes InError jobs only)"
	case smc.StatusExpired:
		return "the job can no longer run; create a new one (zonemove create --dry-run checks it first)"
	}
	return ""
}

// commandLine is a zonemove command on the jobs of this run's region and profile.
func commandLine(f *Factory, command string, jobIDs []string) string {
	parts := append([]string{"zonemove", command}, jobIDs...)
	parts = append(parts, "--region", f.Global.Region)
	if f.Global.Profile != "" {
		parts = append(parts, "--profile", shellQuote(f.Global.Profile))
	}
	return strings.Join(parts, " ")
}

// formatProgress shows a progress percentage, never rounding up to 100%.
func formatProgress(p float64) string {
	return fmt.Sprintf("%d%%", int(math.Floor(math.Max(0, math.Min(p, 100)))))
}

func colorStatus(cs interface {
	Green(string) string
	Red(string) string
	Yellow(string) string
}, status string) string {
	switch status {
	case smc.StatusFinished:
		return cs.Green(status)
	case smc.StatusInError, smc.StatusExpired:
		return cs.Red(status)
	case smc.StatusStopped:
		return cs.Yellow(status)
	}
	return status
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// parseAPITime reads a time as SMC writes it (ISO 8601, UTC).
func parseAPITime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// sortNewestFirst orders jobs by CreationTime, newest first; ties and
// unreadable times keep a stable order by job ID.
func sortNewestFirst(jobs []JobView) {
	sort.SliceStable(jobs, func(a, b int) bool {
		ta, oka := parseAPITime(jobs[a].CreationTime)
		tb, okb := parseAPITime(jobs[b].CreationTime)
		switch {
		case oka && okb && !ta.Equal(tb):
			return ta.After(tb)
		case oka != okb:
			return oka
		}
		return jobs[a].JobID < jobs[b].JobID
	})
}

// formatElapsed is a duration for people: 45s, 2m05s, 3h07m.
func formatElapsed(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// isFatalPollError tells whether an error ends a wait: anything but a
// transient failure (which the next poll retries).
func isFatalPollError(err error) bool {
	var ae *api.Error
	return !errors.As(err, &ae) || !ae.Retryable()
}
