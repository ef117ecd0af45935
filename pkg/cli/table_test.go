package cli

import (
	"bytes"
	"testing"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/preflight"
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
	if got == want || ansi.ReplaceAllString(got, "") != want {
		t.Errorf("colored, its codes taken out:\n%q\nwant\n%q", ansi.ReplaceAllString(got, ""), want)
	}
}

// The tables of apply and create's checks align the same with and without color.
func TestColoredTablesAlign(t *testing.T) {
	color, plain := schemes()
	spec := func(id string) migration.Spec {
		return migration.Spec{Region: "cn-hangzhou", InstanceID: id, TargetZone: "cn-hangzhou-i"}
	}
	plan := &batch.Plan{Results: []*batch.Result{
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
			o.document(plan).printTable(&b, cs)
			return b.String()
		},
		"checks": func(cs *iostreams.ColorScheme) string {
			var b bytes.Buffer
			printChecks(&b, cs, checks)
			return b.String()
		},
	} {
		plainOut, colorOut := render(plain), render(color)
		if plainOut == colorOut {
			t.Errorf("%s: no color", name)
		}
		if got := ansi.ReplaceAllString(colorOut, ""); got != plainOut {
			t.Errorf("%s: colored, its codes taken out:\n%s\nwant\n%s", name, got, plainOut)
		}
	}
}
