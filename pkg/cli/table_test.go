package cli

import (
	"bytes"
	"testing"

	"strings"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/record"
)

// schemes are a color scheme that colors and one that does not.
func schemes() (color, plain *iostreams.ColorScheme) {
	ios, _, _, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	color = ios.ColorScheme()
	ios.SetColorEnabled(false)
	return color, ios.ColorScheme()
}

func TestTableMeasuresVisibleWidth(t *testing.T) {
	color, plain := schemes()
	render := func(cs *iostreams.ColorScheme) string {
		var b bytes.Buffer
		tb := newTable(&b, "  ")
		tb.row("ID", "STATUS", "NOTE")
		tb.row("j-1", cs.Green("Finished"), "done")
		tb.row("j-22", cs.Red("InError"), "")
		tb.row("j-333", "…", "a cell after a wide rune")
		tb.flush()
		return b.String()
	}
	want := "  ID     STATUS    NOTE\n  j-1    Finished  done\n  j-22   InError   \n  j-333  …         a cell after a wide rune\n"
	if got := render(plain); got != want {
		t.Errorf("plain:\n%q\nwant\n%q", got, want)
	}
	got := render(color)
	if got == want || iostreams.StripANSI(got) != want {
		t.Errorf("colored, its codes taken out:\n%q\nwant\n%q", iostreams.StripANSI(got), want)
	}
}

// The tables of apply and create's checks align the same with and without color.
func TestColoredTablesAlign(t *testing.T) {
	color, plain := schemes()
	spec := func(id string) migration.Spec {
		return migration.Spec{Region: "cn-hangzhou", InstanceID: id, TargetZone: "cn-hangzhou-i"}
	}
	plan := &batch.Preflight{Results: []*batch.Result{
		{Migration: &batch.Migration{Spec: spec("i-bp1ff25rzvnul6kr0001")}, Status: batch.Created, JobID: "j-1"},
		{Migration: &batch.Migration{Spec: spec("i-bp1ff25rzvnul6kr0002")}, Status: batch.Blocked,
			Checks: []preflight.Result{{ID: preflight.Spot, Status: preflight.Fail}}},
		{Migration: &batch.Migration{Spec: spec("i-bp1ff25rzvnul6kr0003")}, Status: batch.Planned},
	}}
	checks := []preflight.Result{
		{ID: preflight.RegionZone, Status: preflight.Pass, Message: "ok"},
		{ID: preflight.Spot, Status: preflight.Fail, Message: "preemptible", Hint: "move another instance"},
		{ID: preflight.PrivateIPChange, Status: preflight.Warn, Message: "changes", Hint: "update DNS\nand allow-lists"},
	}
	o := &ApplyOptions{}
	for name, render := range map[string]func(cs *iostreams.ColorScheme) string{
		"apply": func(cs *iostreams.ColorScheme) string {
			var b bytes.Buffer
			o.document(plan).printTable(listTableOn(&b, true, 200), cs)
			return b.String()
		},
		"checks": func(cs *iostreams.ColorScheme) string {
			var b bytes.Buffer
			printChecks(&b, cs, checks, 0)
			return b.String()
		},
	} {
		plainOut, colorOut := render(plain), render(color)
		if plainOut == colorOut {
			t.Errorf("%s: no color", name)
		}
		if got := iostreams.StripANSI(colorOut); got != plainOut {
			t.Errorf("%s: colored, its codes taken out:\n%s\nwant\n%s", name, got, plainOut)
		}
	}
}

// TestListingsFollowOneRule: every command that prints a table follows one
// rule. On a terminal the table is aligned under its header; off a terminal
// each row is one tab-separated line, without the header.
func TestListingsFollowOneRule(t *testing.T) {
	spec := migration.Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i"}
	applyPlan := &batch.Preflight{Results: []*batch.Result{{Migration: &batch.Migration{Spec: spec, Line: 3}, Status: batch.Created, JobID: "j-1"}}}
	listings := map[string]struct {
		doc    document
		header string // a header on a terminal
		row    string // what a row holds
	}{
		"apply":  {(&ApplyOptions{File: "m.yaml", StatePath: "s.json", applied: true}).document(applyPlan), "INSTANCE", spec.InstanceID},
		"status": {&jobsDocument{Jobs: []follow.JobView{{JobID: "j-1", InstanceID: spec.InstanceID, Status: "Running"}}}, "JOB ID", spec.InstanceID},
		"status -f": {&batchDocument{Batch: &record.Batch{Entries: []*record.Entry{{InstanceID: spec.InstanceID, Status: record.Moved,
			Job: &record.Job{JobID: "j-1", Status: "Finished"}}}}, read: true}, "INSTANCE", spec.InstanceID},
		"state show": {&stateDocument{StateFile: "s.json", Migrations: []stateEntry{{InstanceID: spec.InstanceID, JobID: "j-1"}}, read: true}, "INSTANCE", spec.InstanceID},
		"types":      {&typesDocument{InstanceTypeFamily: "ecs.g7", Types: []typeEntry{{InstanceType: "ecs.g7.large", CPU: 2, MemoryGiB: 8}}, CurrentInStock: true}, "TYPE", "ecs.g7.large"},
	}
	for name, l := range listings {
		for _, terminal := range []bool{true, false} {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(terminal)
			l.doc.Text(ios)
			var row string
			for _, line := range strings.Split(out.String(), "\n") {
				if strings.Contains(line, l.row) && row == "" {
					row = line
				}
				if !terminal && strings.Contains(line, l.header) {
					t.Errorf("%s off a terminal: a header line %q", name, line)
				}
			}
			switch {
			case row == "":
				t.Errorf("%s (terminal %v): no row of %s:\n%s", name, terminal, l.row, out)
			case terminal && (strings.Contains(row, "\t") || !strings.Contains(out.String(), l.header)):
				t.Errorf("%s on a terminal: want an aligned table under its header:\n%s", name, out)
			case !terminal && (!strings.Contains(row, "\t") || strings.Contains(row, "  ")):
				t.Errorf("%s off a terminal: want tab-separated fields, got %q", name, row)
			}
		}
	}
}

// Long lists of instances fit the room they are given: "a, b and N more".
func TestFitList(t *testing.T) {
	var ids []string
	for n := 1; n <= 10; n++ {
		ids = append(ids, fakeapi.FleetInstance(n))
	}
	for _, width := range []int{40, 60, 80} {
		got := fitList(ids, width)
		if iostreams.DisplayWidth(got) > width || !strings.HasPrefix(got, ids[0]) || !strings.Contains(got, " more") {
			t.Errorf("width %d: %q", width, got)
		}
	}
	if got := fitList(ids, 60); got != ids[0]+", "+ids[1]+" and 8 more" {
		t.Errorf("width 60: %q", got)
	}
	if got := fitList(ids[:2], 200); got != ids[0]+", "+ids[1] {
		t.Errorf("room for all: %q", got)
	}
	if got := wholeOrFitted(ids, 0); got != strings.Join(ids, ", ") {
		t.Errorf("off a terminal: %q; want every one", got)
	}
	// The last line of apply on a terminal names the failed ones in the room it has.
	spec := migration.Spec{Region: "cn-hangzhou", TargetZone: "cn-hangzhou-i"}
	p := &batch.Preflight{}
	for _, id := range ids {
		s := spec
		s.InstanceID = id
		p.Results = append(p.Results, &batch.Result{Migration: &batch.Migration{Spec: s}, Status: batch.Failed})
	}
	d := (&ApplyOptions{File: "m.yaml", StatePath: "s.json", applied: true}).document(p)
	if line := d.summaryLine(40); !strings.Contains(line, "("+ids[0]+" and 9 more)") {
		t.Errorf("summary on a terminal: %q", line)
	}
}
