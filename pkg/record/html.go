package record

import (
	"fmt"
	"io"
	"strings"
)

// The HTML record is written by hand, not with html/template: executing a
// template makes the linker keep every exported method of every type that
// reaches an interface (the engine calls reflect.Value.MethodByName), 2.9 MiB
// of zonemove's binary (docs/performance.md). esc escapes as html/template
// does in text and quoted attributes, so the page is byte for byte the one
// the template wrote.
var htmlEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

func esc(v any) string { return htmlEscaper.Replace(fmt.Sprint(v)) }

// The page's head: its style inline, so that it shows the same attached to a
// ticket, mailed, or opened offline (it fetches nothing).
const (
	htmlHeadBeforeTitle = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Change record: `
	htmlHeadAfterTitle = `</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em; color: #212121; }
h1 { font-size: 1.5em; margin-bottom: 0.3em; }
h2 { font-size: 1.15em; margin-top: 1.8em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
ul.facts { list-style: none; padding: 0; color: #555; margin: 0 0 0.8em 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; }
td.id, td.t, td.num { white-space: nowrap; }
code, td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.95em; }
.status-moved, .status-reverted, .outcome-finished { color: #2e7d32; }
.status-failed, .status-revert-failed, .outcome-failed { color: #c62828; }
.outcome-stopped { color: #b07d00; }
.status-running, .status-reverting, .outcome-running { color: #1565c0; }
svg text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11px; fill: #333; }
.legend span { display: inline-block; margin-right: 1.2em; font-size: 0.85em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; }
</style>
</head>
<body>
`
)

// HTML writes the record as one self-contained HTML file: the tables of
// Markdown and an inline SVG timeline of the jobs.
func HTML(w io.Writer, b *Batch) error {
	var p strings.Builder
	f := func(format string, args ...any) { fmt.Fprintf(&p, format, args...) }
	steps := b.AroundJobs()
	tl := NewTimeline(b)
	failures := b.Failures()

	p.WriteString(htmlHeadBeforeTitle + esc(b.Manifest) + htmlHeadAfterTitle)
	f("<h1>Change record: %s</h1>\n", esc(b.Manifest))
	p.WriteString(`<ul class="facts">`)
	for _, fact := range b.facts() {
		f("<li>%s</li>", esc(fact))
	}
	p.WriteString("</ul>\n")
	f("<p id=\"summary\">%s</p>\n", esc(b.Summary()))

	bottom := tl.PlotBottom()
	p.WriteString("\n<h2>Timeline</h2>\n")
	f(`<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="One bar per job, from its creation to its end">`+"\n", tl.Width, tl.Height, tl.Width, tl.Height)
	f(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`, tl.Width, tl.Height)
	for _, t := range tl.Ticks {
		f("\n"+`<line class="tick" x1="%d" y1="20" x2="%d" y2="%d" stroke="#eeeeee"/>`, t.X, t.X, bottom)
		f("\n"+`<text x="%d" y="%d" text-anchor="middle">%s</text>`, t.X, bottom+16, esc(t.Label))
	}
	f("\n"+`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999999"/>`, tl.PlotLeft, bottom, tl.PlotRight, bottom)
	for _, bar := range tl.Bars {
		f("\n"+`<g class="bar" data-instance="%s" data-outcome="%s">`+"\n", esc(bar.Instance), esc(bar.Outcome))
		f("<title>%s</title>\n", esc(bar.Title))
		f(`<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", tl.PlotLeft-8, bar.TextY, esc(bar.Label))
		f(`<rect x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"`, bar.X, bar.Y, bar.W, bar.H, outcomeColor(bar.Outcome))
		if bar.Open {
			f(` fill-opacity="0.55" stroke="%s" stroke-dasharray="4 2"`, outcomeColor(bar.Outcome))
		}
		p.WriteString("/>\n</g>")
	}
	for _, bd := range tl.Bounds {
		p.WriteString("\n<g class=\"bound\">\n")
		f(`<line x1="%d" y1="14" x2="%d" y2="%d" stroke="#6a1b9a" stroke-width="1.5" stroke-dasharray="6 3"/>`+"\n", bd.X, bd.X, bottom)
		f(`<text x="%d" y="11" text-anchor="%s" style="fill:#6a1b9a">%s</text>`+"\n</g>", bd.X, esc(bd.Anchor), esc(bd.Label))
	}
	p.WriteString("\n</svg>\n<p class=\"legend\">")
	for _, o := range []Outcome{OutcomeFinished, OutcomeFailed, OutcomeStopped, OutcomeRunning} {
		f(`<span><i style="background:%s"></i>%s</span>`, outcomeColor(o), esc(o))
	}
	f(`<span><i style="background:%s"></i>job not known (a create sent, its answer lost)</span><span>times in UTC; a paler dashed bar is a job not ended when the record was read</span></p>`, outcomeColor("unknown"))
	if tl.Missing != 0 {
		f("\n<p>%d job(s) with no known creation time are not drawn.</p>", tl.Missing)
	}

	p.WriteString("\n\n<h2>Instances</h2>\n<table id=\"instances\">\n")
	p.WriteString("<thead><tr><th>Instance</th><th>Status</th><th>Old zone</th><th>New zone</th><th>Old type</th><th>New type</th><th>Old private IP</th><th>New private IP</th></tr></thead>\n<tbody>")
	for _, e := range b.Entries {
		f("\n"+`<tr><td class="id">%s</td><td class="status-%s">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class="id">%s</td><td class="id">%s</td></tr>`,
			esc(e.InstanceID), esc(e.Status), esc(e.Status), esc(e.Before.zone()), esc(e.Instance.zone()),
			esc(e.Before.instanceType()), esc(e.Instance.instanceType()), esc(e.Before.ip()), esc(e.Instance.ip()))
	}
	p.WriteString("\n</tbody>\n</table>\n")

	p.WriteString("\n<h2>Jobs</h2>\n<table id=\"jobs\">\n")
	p.WriteString("<thead><tr><th>Instance</th><th>Job</th><th>Kind</th><th>Status</th><th>Created</th><th>Ended</th><th>Duration</th></tr></thead>\n<tbody>")
	for _, e := range b.Entries {
		for _, j := range e.Jobs() {
			f("\n"+`<tr><td class="id">%s</td><td class="id">%s</td><td>%s</td><td class="outcome-%s">%s</td><td class="t">%s</td><td class="t">%s</td><td class="num">%s</td></tr>`,
				esc(e.InstanceID), esc(dash(j.JobID)), esc(e.kind(j)), esc(j.Outcome()), esc(j.statusText()),
				esc(formatTime(j.CreatedAt)), esc(formatTime(j.EndedAt)), esc(j.durationText()))
		}
	}
	p.WriteString("\n</tbody>\n</table>")

	if hasSteps(steps, func(s Steps) bool { return s.Snapshot != nil }) {
		p.WriteString("\n\n<h2>Snapshot groups</h2>\n<table id=\"snapshots\">\n")
		p.WriteString("<thead><tr><th>Instance</th><th>Snapshot group</th><th>Status</th></tr></thead>\n<tbody>")
		for _, st := range steps {
			if st.Snapshot != nil {
				f("\n"+`<tr><td class="id">%s</td><td class="id">%s</td><td>%s</td></tr>`,
					esc(st.Label), esc(dash(st.Snapshot.SnapshotGroupID)), esc(dash(st.Snapshot.Status)))
			}
		}
		p.WriteString("\n</tbody>\n</table>")
	}
	if hasSteps(steps, func(s Steps) bool { return len(s.Backends) > 0 }) {
		p.WriteString("\n\n<h2>Load balancers</h2>\n<table id=\"backends\">\n")
		p.WriteString("<thead><tr><th>Instance</th><th>Type</th><th>Load balancer</th><th>Server group</th><th>Port</th><th>Weight</th><th>Registered by</th><th>IP</th><th>Outcome</th></tr></thead>\n<tbody>")
		for _, st := range steps {
			for _, be := range st.Backends {
				f("\n"+`<tr><td class="id">%s</td><td>%s</td><td class="id">%s</td><td class="id">%s</td><td class="num">%s</td><td class="num">%d</td><td>%s</td><td class="id">%s</td><td>%s</td></tr>`,
					esc(st.Label), esc(be.Type), esc(dash(be.LoadBalancerID)), esc(dash(be.ServerGroupID)), esc(portText(be.Port)),
					be.Weight, esc(dash(be.RegisteredBy)), esc(dash(be.IP)), esc(dash(be.Outcome)))
			}
		}
		p.WriteString("\n</tbody>\n</table>")
	}
	if hasSteps(steps, func(s Steps) bool { return s.Verify != nil }) {
		p.WriteString("\n\n<h2>Verification</h2>\n<table id=\"verify\">\n")
		p.WriteString("<thead><tr><th>Instance</th><th>Invocation</th><th>Status</th><th>Exit code</th></tr></thead>\n<tbody>")
		for _, st := range steps {
			if st.Verify != nil {
				f("\n"+`<tr><td class="id">%s</td><td class="id">%s</td><td>%s</td><td class="num">%s</td></tr>`,
					esc(st.Label), esc(dash(st.Verify.InvokeID)), esc(dash(st.Verify.Status)), esc(st.Verify.exitCode()))
			}
		}
		p.WriteString("\n</tbody>\n</table>")
	}

	p.WriteString("\n\n<h2>Failures</h2>")
	if len(failures) > 0 {
		p.WriteString("\n<table id=\"failures\">\n")
		p.WriteString("<thead><tr><th>Instance</th><th>Job</th><th>Kind</th><th>Status</th><th>Error code</th><th>Message</th></tr></thead>\n<tbody>")
		for _, fl := range failures {
			f("\n"+`<tr><td class="id">%s</td><td class="id">%s</td><td>%s</td><td class="outcome-failed">%s</td><td class="id">%s</td><td>%s</td></tr>`,
				esc(fl.InstanceID), esc(dash(fl.Job.JobID)), esc(fl.Kind), esc(fl.Job.Status), esc(dash(fl.Job.ErrorCode)), esc(fl.Job.FailureMessage()))
		}
		p.WriteString("\n</tbody>\n</table>")
	} else {
		p.WriteString("\n<p id=\"no-failures\">None.</p>")
	}
	p.WriteString("\n</body>\n</html>\n")
	_, err := io.WriteString(w, p.String())
	return err
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
