package record

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// sampleBatch is a window's batch: two moved (one reverted since), one
// InError, one still running, one whose create's answer is not known; with
// a snapshot, load balancers and a verification on the first.
func sampleBatch() *Batch {
	exit0 := 0
	return &Batch{
		Manifest: "migrations.yaml", StateFile: "migrations.yaml.state.json", Region: "cn-hangzhou",
		ReadAt: *at("2026-12-06T03:10:00Z"),
		Window: &Window{NotBefore: at("2026-12-06T02:00:00Z"), NotAfter: at("2026-12-06T04:00:00Z")},
		Entries: []*Entry{
			{InstanceID: "i-bp1ff25rzvnul6kr0001", Status: Moved,
				Job: &Job{JobID: "j-bp1ff25rzvnul6kr0001", ClientToken: "tok-1", Status: "Finished", Progress: 100,
					CreatedAt: at("2026-12-06T02:01:00Z"), EndedAt: at("2026-12-06T02:14:30Z")},
				Before:   &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.101"},
				Instance: &Place{ZoneID: "cn-hangzhou-i", InstanceType: "ecs.g7.xlarge", PrivateIP: "172.16.2.101"},
				Snapshot: &Snapshot{SnapshotGroupID: "ssg-bp1001", Status: "accomplished"},
				Backends: []Backend{{Type: "clb", LoadBalancerID: "lb-bp1001", ServerGroupID: "rsp-1", Port: 80, Weight: 100, RegisteredBy: "instance", Outcome: "restored"},
					{Type: "alb", LoadBalancerID: "alb-1", ServerGroupID: "sgp-1", Port: 8080, Weight: 50, RegisteredBy: "ip", IP: "172.16.2.101", Outcome: "replaced"}},
				Verify: &Verify{InvokeID: "t-hz01", Status: "Success", ExitCode: &exit0}},
			{InstanceID: "i-bp1ff25rzvnul6kr0002", Status: Reverted,
				Job: &Job{JobID: "j-bp1ff25rzvnul6kr0002", Status: "Finished", Progress: 100,
					CreatedAt: at("2026-12-06T02:01:10Z"), EndedAt: at("2026-12-06T02:16:00Z")},
				Revert: &Job{JobID: "j-bp1ff25rzvnul6kr1002", Status: "Finished", Progress: 100,
					CreatedAt: at("2026-12-06T02:30:00Z"), EndedAt: at("2026-12-06T02:44:00Z")},
				Before:      &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.102"},
				Instance:    &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.140"},
				RevertSteps: &Steps{Verify: &Verify{InvokeID: "t-hz02", Status: "Success", ExitCode: &exit0}}},
			{InstanceID: "i-bp1ff25rzvnul6kr0003", Status: Failed,
				Job: &Job{JobID: "j-bp1ff25rzvnul6kr0003", Status: "InError", Progress: 42, ErrorCode: "SourceServerState.Invalid",
					StatusInfo: "The source | server <is> not\nready", CreatedAt: at("2026-12-06T02:16:30Z"), EndedAt: at("2026-12-06T02:25:00Z")},
				Before: &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.103"}},
			{InstanceID: "i-bp1ff25rzvnul6kr0004", Status: Running,
				Job:    &Job{JobID: "j-bp1ff25rzvnul6kr0004", Status: "Running", Progress: 60, CreatedAt: at("2026-12-06T02:50:00Z")},
				Before: &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.104"}},
			{InstanceID: "i-bp1ff25rzvnul6kr0005", Status: Sent,
				Job:    &Job{ClientToken: "tok-5", CreatedAt: at("2026-12-06T03:00:00Z")},
				Before: &Place{ZoneID: "cn-hangzhou-h", InstanceType: "ecs.g7.large", PrivateIP: "172.16.1.105"}},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with -update and review the diff:\n%s", name, got)
	}
}

func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, sampleBatch()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.md", b.Bytes())
	out := b.String()
	for _, want := range []string{
		"| i-bp1ff25rzvnul6kr0001 | moved | cn-hangzhou-h | cn-hangzhou-i | ecs.g7.large | ecs.g7.xlarge | 172.16.1.101 | 172.16.2.101 |",
		"| i-bp1ff25rzvnul6kr0001 | j-bp1ff25rzvnul6kr0001 | move | Finished | 2026-12-06T02:01:00Z | 2026-12-06T02:14:30Z | 13m30s |",
		"| i-bp1ff25rzvnul6kr0002 | j-bp1ff25rzvnul6kr1002 | revert | Finished |",
		"ssg-bp1001",
		"| i-bp1ff25rzvnul6kr0001 | alb | alb-1 | sgp-1 | 8080 | 50 | ip | 172.16.2.101 | replaced |",
		"| i-bp1ff25rzvnul6kr0002 (revert) | t-hz02 | Success | 0 |",
		"| SourceServerState.Invalid | The source \\| server &lt;is&gt; not ready |",
		"| i-bp1ff25rzvnul6kr0005 | - | move | sent, job not known |",
		"Window: not before 2026-12-06T02:00:00Z, not after 2026-12-06T04:00:00Z",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the record has no %q:\n%s", want, out)
		}
	}
	// Every table row has as many cells as its header.
	var cols int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row has %d cells, its header %d: %s", n, cols, line)
		}
	}
}

func TestMarkdownOmitsWhatWasNotDone(t *testing.T) {
	b := sampleBatch()
	b.Entries = b.Entries[3:] // no snapshot, backends, verification or failure
	b.Window = nil
	var out bytes.Buffer
	if err := Markdown(&out, b); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"## Snapshot groups", "## Load balancers", "## Verification", "Window:"} {
		if strings.Contains(out.String(), absent) {
			t.Errorf("the record has %q for a batch without it:\n%s", absent, out.String())
		}
	}
	if !strings.Contains(out.String(), "## Failures\n\nNone.") {
		t.Errorf("no failure is not said:\n%s", out.String())
	}
}

// TestHTML parses the HTML record and checks what a reader relies on: one
// file that fetches nothing, the tables, and the timeline's bars and bounds.
func TestHTML(t *testing.T) {
	var buf bytes.Buffer
	b := sampleBatch()
	if err := HTML(&buf, b); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.html", buf.Bytes())
	if path := os.Getenv("ZONEMOVE_REPORT_SAMPLE"); path != "" {
		// scripts/report-screenshot.sh renders it in a browser.
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var svg *html.Node
	tables := map[string][][]string{}
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base":
			t.Errorf("the record has a <%s>: it must need nothing but itself", n.Data)
		case "svg":
			svg = n
		case "table":
			tables[attr(n, "id")] = rows(n)
		}
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href" || a.Key == "xlink:href") || strings.Contains(a.Val, "url(") {
				t.Errorf("<%s %s=%q>: the record must fetch nothing", n.Data, a.Key, a.Val)
			}
		}
		if n.Data == "style" && n.FirstChild != nil && (strings.Contains(n.FirstChild.Data, "@import") || strings.Contains(n.FirstChild.Data, "url(")) {
			t.Errorf("the style fetches something: %s", n.FirstChild.Data)
		}
	})
	if svg == nil {
		t.Fatal("no inline <svg>")
	}
	// Instances: old and new zone, type and address.
	inst := tables["instances"]
	if len(inst) != 1+len(b.Entries) {
		t.Fatalf("instances table has %d rows; want %d", len(inst), 1+len(b.Entries))
	}
	if got := strings.Join(inst[1], " "); got != "i-bp1ff25rzvnul6kr0001 moved cn-hangzhou-h cn-hangzhou-i ecs.g7.large ecs.g7.xlarge 172.16.1.101 172.16.2.101" {
		t.Errorf("first instance row: %q", got)
	}
	if got := tables["jobs"]; len(got) != 1+6 || got[1][6] != "13m30s" {
		t.Errorf("jobs table: %q", got)
	}
	if f := tables["failures"]; len(f) != 2 || f[1][4] != "SourceServerState.Invalid" {
		t.Errorf("failures table: %q", f)
	}
	for _, id := range []string{"snapshots", "backends", "verify"} {
		if len(tables[id]) < 2 {
			t.Errorf("no %s table", id)
		}
	}
	checkTimeline(t, buf.Bytes(), b)
}

// checkTimeline reads the SVG as XML: one bar per job with a creation time,
// coloured by outcome, left to right in time; the window's bounds drawn.
func checkTimeline(t *testing.T, page []byte, b *Batch) {
	t.Helper()
	start := bytes.Index(page, []byte("<svg"))
	end := bytes.Index(page, []byte("</svg>"))
	var svg struct {
		Width  int `xml:"width,attr"`
		Groups []struct {
			Class   string `xml:"class,attr"`
			Outcome string `xml:"data-outcome,attr"`
			Inst    string `xml:"data-instance,attr"`
			Title   string `xml:"title"`
			Rect    struct {
				X    int    `xml:"x,attr"`
				W    int    `xml:"width,attr"`
				Fill string `xml:"fill,attr"`
			} `xml:"rect"`
			Line struct {
				X1 int `xml:"x1,attr"`
			} `xml:"line"`
			Text string `xml:"text"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(page[start:end+len("</svg>")], &svg); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v", err)
	}
	var bars, bounds int
	lastX := map[string]int{}
	for _, g := range svg.Groups {
		switch g.Class {
		case "bar":
			bars++
			if g.Rect.Fill != outcomeColor(Outcome(g.Outcome)) {
				t.Errorf("bar of %s (%s) is %s", g.Inst, g.Outcome, g.Rect.Fill)
			}
			if g.Rect.W < 3 || g.Rect.X < plotLeft || g.Rect.X+g.Rect.W > svg.Width {
				t.Errorf("bar of %s out of the plot: x %d w %d", g.Inst, g.Rect.X, g.Rect.W)
			}
			if x, ok := lastX[g.Inst]; ok && g.Rect.X <= x {
				t.Errorf("the revert of %s is drawn before its move", g.Inst)
			}
			lastX[g.Inst] = g.Rect.X
			if !strings.Contains(g.Title, g.Inst) {
				t.Errorf("bar title %q does not name %s", g.Title, g.Inst)
			}
		case "bound":
			bounds++
		}
	}
	// Six jobs, of which five have a creation time ... all six here: the
	// sent one has the time its token was recorded.
	if want := 6; bars != want {
		t.Errorf("%d bars; want %d", bars, want)
	}
	if bounds != 2 {
		t.Errorf("%d window bounds drawn; want 2", bounds)
	}
	outcomes := map[string]int{}
	for _, g := range svg.Groups {
		if g.Class == "bar" {
			outcomes[g.Outcome]++
		}
	}
	if outcomes["finished"] != 3 || outcomes["failed"] != 1 || outcomes["running"] != 1 || outcomes["unknown"] != 1 {
		t.Errorf("bars by outcome: %v", outcomes)
	}
}

func TestTimelineScale(t *testing.T) {
	b := sampleBatch()
	tl := NewTimeline(b)
	// The axis spans the window: 02:00 to 04:00, ticks every 15 minutes.
	if !tl.From.Equal(*b.Window.NotBefore) || !tl.To.Equal(*b.Window.NotAfter) {
		t.Errorf("axis %s to %s; want the window", tl.From, tl.To)
	}
	if len(tl.Ticks) != 9 || tl.Ticks[0].Label != "02:00" || tl.Ticks[8].Label != "04:00" {
		t.Errorf("ticks %v", tl.Ticks)
	}
	if tl.Bounds[0].X != plotLeft || tl.Bounds[1].X != plotRight {
		t.Errorf("bounds at %d and %d; want the plot's edges %d and %d", tl.Bounds[0].X, tl.Bounds[1].X, plotLeft, plotRight)
	}
	// A batch without jobs or window still draws an axis.
	empty := NewTimeline(&Batch{ReadAt: *at("2026-12-06T03:00:00Z")})
	if empty.Height <= 0 || len(empty.Bars) != 0 || len(empty.Ticks) == 0 {
		t.Errorf("empty timeline: %+v", empty)
	}
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func rows(table *html.Node) [][]string {
	var out [][]string
	walk(table, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "tr" {
			return
		}
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cells = append(cells, text(c))
			}
		}
		out = append(out, cells)
	})
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.TrimSpace(b.String())
}
