package record

import (
	"fmt"
	"time"
)

// Timeline is the geometry of the record's picture: one bar per job, from its
// creation to its end (to the reading for a job not ended), on a time axis
// that also spans the window's bounds.
type Timeline struct {
	Width, Height int
	PlotLeft      int // x of the axis' start; the labels are left of it
	PlotRight     int
	Bars          []Bar
	Ticks         []Tick
	Bounds        []Bound
	From, To      time.Time
	// Missing counts the jobs without a creation time (not drawn).
	Missing int
}

// Bar is one job on the timeline.
type Bar struct {
	Label    string // instance and kind
	Title    string // the tooltip: job, status, times
	Outcome  Outcome
	X, Y, W  int
	H        int
	TextY    int
	Open     bool // not ended: the bar runs to the reading
	Instance string
}

// Tick is a mark of the time axis.
type Tick struct {
	X     int
	Label string
}

// Bound is a bound of the window.
type Bound struct {
	X      int
	Label  string
	Anchor string // where the label hangs from X: start, middle or end (kept inside the picture)
}

const (
	timelineWidth = 960
	plotLeft      = 250
	plotRight     = timelineWidth - 20
	rowHeight     = 26
	barHeight     = 16
	topMargin     = 28 // room for the bounds' labels
	axisHeight    = 34
)

// NewTimeline lays out the jobs of the batch.
func NewTimeline(b *Batch) *Timeline {
	type span struct {
		e        *Entry
		j        *Job
		from, to time.Time
		open     bool
	}
	var spans []span
	t := &Timeline{Width: timelineWidth, PlotLeft: plotLeft, PlotRight: plotRight}
	var from, to time.Time
	widen := func(x time.Time) {
		if from.IsZero() || x.Before(from) {
			from = x
		}
		if to.IsZero() || x.After(to) {
			to = x
		}
	}
	for _, e := range b.Entries {
		for _, j := range e.Jobs() {
			if j.CreatedAt == nil {
				t.Missing++
				continue
			}
			s := span{e: e, j: j, from: *j.CreatedAt, to: b.ReadAt}
			if j.EndedAt != nil {
				s.to = *j.EndedAt
			} else {
				s.open = true
			}
			if s.to.Before(s.from) {
				s.to = s.from
			}
			widen(s.from)
			widen(s.to)
			spans = append(spans, s)
		}
	}
	if w := b.Window; w != nil {
		for _, x := range []*time.Time{w.NotBefore, w.NotAfter} {
			if x != nil {
				widen(*x)
			}
		}
	}
	if from.IsZero() {
		from, to = b.ReadAt, b.ReadAt
	}
	if to.Sub(from) < time.Minute {
		to = from.Add(time.Minute)
	}
	t.From, t.To = from, to
	x := func(at time.Time) int {
		return plotLeft + int(float64(plotRight-plotLeft)*float64(at.Sub(from))/float64(to.Sub(from)))
	}
	for i, s := range spans {
		y := topMargin + i*rowHeight
		w := max(x(s.to)-x(s.from), 3) // a job of seconds is still seen
		title := fmt.Sprintf("%s %s of %s: %s, created %s", s.j.JobID, s.e.kind(s.j), s.e.InstanceID, s.j.statusText(), formatTime(s.j.CreatedAt))
		if s.j.EndedAt != nil {
			title += fmt.Sprintf(", ended %s (%s)", formatTime(s.j.EndedAt), FormatDuration(s.j.Duration()))
		} else {
			title += ", not ended when read"
		}
		t.Bars = append(t.Bars, Bar{Label: s.e.InstanceID + " " + s.e.kind(s.j), Title: title, Outcome: s.j.Outcome(),
			X: x(s.from), Y: y, W: w, H: barHeight, TextY: y + barHeight - 4, Open: s.open, Instance: s.e.InstanceID})
	}
	plotBottom := topMargin + max(len(spans), 1)*rowHeight
	t.Height = plotBottom + axisHeight
	step := tickStep(to.Sub(from))
	for at := from.Truncate(step); !at.After(to); at = at.Add(step) {
		if at.Before(from) {
			continue
		}
		t.Ticks = append(t.Ticks, Tick{X: x(at), Label: at.UTC().Format("15:04")})
	}
	if w := b.Window; w != nil {
		if w.NotBefore != nil {
			t.Bounds = append(t.Bounds, bound(x(*w.NotBefore), "not before "+w.NotBefore.UTC().Format("15:04")))
		}
		if w.NotAfter != nil {
			t.Bounds = append(t.Bounds, bound(x(*w.NotAfter), "not after "+w.NotAfter.UTC().Format("15:04")))
		}
	}
	return t
}

// bound places a bound's label so that it stays inside the picture.
func bound(x int, label string) Bound {
	b := Bound{X: x, Label: label, Anchor: "middle"}
	half := len(label) * 7 / 2 // about 7 px a character at 11px monospace
	switch {
	case x+half > timelineWidth:
		b.Anchor = "end"
	case x-half < 0:
		b.Anchor = "start"
	}
	return b
}

// PlotBottom is the y of the time axis.
func (t *Timeline) PlotBottom() int { return t.Height - axisHeight }

// tickStep is a round step that puts four to ten ticks on a span.
func tickStep(span time.Duration) time.Duration {
	for _, s := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
		30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour} {
		if span/s <= 10 {
			return s
		}
	}
	return 24 * time.Hour * time.Duration(1+span/(240*time.Hour))
}
