package record

import (
	_ "embed"
	"html/template"
	"io"
	"strconv"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlPage is the one template of the HTML record: a single file with its
// style and its picture inline, so that it shows the same attached to a
// ticket, mailed, or opened offline (it fetches nothing).
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"time":     formatTime,
	"dash":     dash,
	"kind":     func(e *Entry, j *Job) string { return e.kind(j) },
	"color":    outcomeColor,
	"itoa":     strconv.Itoa,
	"add":      func(a, b int) int { return a + b },
	"zone":     (*Place).zone,
	"itype":    (*Place).instanceType,
	"ip":       (*Place).ip,
	"status":   (*Job).statusText,
	"duration": (*Job).durationText,
	"exit":     (*Verify).exitCode,
	"port":     portText,
	"outcomes": func() []Outcome { return []Outcome{OutcomeFinished, OutcomeFailed, OutcomeStopped, OutcomeRunning} },
}).Parse(htmlSource))

// HTML writes the record as one self-contained HTML file: the tables of
// Markdown and an inline SVG timeline of the jobs.
func HTML(w io.Writer, b *Batch) error {
	steps := b.AroundJobs()
	return htmlPage.Execute(w, struct {
		*Batch
		Facts    []string
		Timeline *Timeline
		Failures []Failure
		Steps    []StepsOf
		Has      map[string]bool
	}{b, b.facts(), NewTimeline(b), b.Failures(), steps, map[string]bool{
		"snapshot": hasSteps(steps, func(s Steps) bool { return s.Snapshot != nil }),
		"backends": hasSteps(steps, func(s Steps) bool { return len(s.Backends) > 0 }),
		"verify":   hasSteps(steps, func(s Steps) bool { return s.Verify != nil }),
	}})
}

// outcomeColor is the fill of a bar: green finished, red failed, amber
// stopped, blue running, grey unknown (colour-blind safe against each other
// by lightness too).
func outcomeColor(o Outcome) string {
	switch o {
	case OutcomeFinished:
		return "#2e7d32"
	case OutcomeFailed:
		return "#c62828"
	case OutcomeStopped:
		return "#f9a825"
	case OutcomeRunning:
		return "#1565c0"
	}
	return "#9e9e9e"
}
