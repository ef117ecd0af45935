package follow

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/next"
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

// ViewOf is the view of a job as SMC describes it.
func ViewOf(j *facts.Job) JobView {
	return JobView{
		JobID: j.JobId, InstanceID: j.InstanceId, Status: j.Status, BusinessStatus: j.BusinessStatus,
		Progress: j.Progress, ErrorCode: j.ErrorCode, StatusInfo: j.StatusInfo,
		CreationTime: j.CreationTime, EndTime: j.EndTime, startTime: j.StartTime,
	}
}

// Problem describes why a job stopped short of Finished.
func Problem(j JobView) string {
	switch j.Status {
	case facts.JobInError:
		msg := strings.TrimSpace(j.ErrorCode + ": " + OneLine(j.StatusInfo))
		msg = strings.TrimSuffix(strings.TrimPrefix(msg, ": "), ":")
		if msg == "" {
			msg = "the job failed without an error code"
		}
		return fmt.Sprintf("%s (at %s)", msg, FormatProgress(j.Progress))
	case facts.JobStopped:
		return fmt.Sprintf("the job was stopped at %s", FormatProgress(j.Progress))
	case facts.JobExpired:
		return "the job expired before it completed"
	}
	return ""
}

// NextStep is what to do about a job that needs a person (zero when none does).
func NextStep(j JobView) next.Hint {
	switch j.Status {
	case facts.JobInError:
		return next.Hintf("fix the cause, then run: %s", next.Cmd("retry", j.JobID))
	case facts.JobStopped:
		return next.Hintf("resume it with '%s' (or, to give it up, '%s')", next.Cmd("retry", j.JobID), next.Cmd("delete", j.JobID).Confirmed())
	case facts.JobExpired:
		return next.Hintf("the job can no longer run: delete it with '%s', then create a new job for its instance", next.Cmd("delete", j.JobID).Confirmed())
	}
	return next.Hint{}
}

// BatchNextStep is what to do about a job of a batch that needs a person:
// the batch's own recovery, so that every hint of a batch tells one story
// (docs/batch.md): resume with apply --retry-failed, or forget an Expired
// job's entry and apply again.
func BatchNextStep(j JobView, instanceID string) next.Hint {
	switch j.Status {
	case facts.JobInError, facts.JobStopped:
		return next.Hintf("fix the cause ('%s' shows it), then resume the batch's failed jobs: %s",
			next.Cmd("status", j.JobID), next.Cmd("apply", "--retry-failed").OfBatch().Confirmed())
	case facts.JobExpired:
		return next.Hintf("the job can no longer run: '%s', then run the same apply again (it creates a new one)",
			next.Cmd("state forget", instanceID).OfBatch().Confirmed())
	}
	return next.Hint{}
}

// FormatProgress shows a progress percentage, never rounding up to 100%.
func FormatProgress(p float64) string {
	return fmt.Sprintf("%d%%", int(math.Floor(math.Max(0, math.Min(p, 100)))))
}

// ColorStatus colors a job status: green Finished, red InError or Expired, yellow Stopped.
func ColorStatus(cs interface {
	Green(string) string
	Red(string) string
	Yellow(string) string
}, status string) string {
	switch status {
	case facts.JobFinished:
		return cs.Green(status)
	case facts.JobInError, facts.JobExpired:
		return cs.Red(status)
	case facts.JobStopped:
		return cs.Yellow(status)
	}
	return status
}

// Dash stands for an empty value in a table.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// OneLine joins the lines and spaces of s into one line.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// ParseAPITime reads a time as SMC writes it (ISO 8601, UTC).
func ParseAPITime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// FormatElapsed is a duration for people: 250ms, 45s, 2m05s, 3h07m.
func FormatElapsed(d time.Duration) string {
	if d > 0 && d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
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

// IsFatalPollError tells whether an error ends a wait: anything but a
// transient failure (which the next poll retries). An answer that could not
// be read is transient for a poll, as a 5xx is: a read changes nothing, and
// the next one may be whole.
func IsFatalPollError(err error) bool {
	var ae *apierr.Error
	return !errors.As(err, &ae) || !(ae.Retryable() || ae.Code == apierr.CodeUnexpectedResponse)
}
