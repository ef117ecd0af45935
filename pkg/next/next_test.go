package next

import (
	"strings"
	"testing"
)

func TestHintRendersItsStepsWithTheCallersLine(t *testing.T) {
	h := Hintf("resume it with '%s', or delete it with '%s' (%s)", Cmd("retry", "j-1"), Cmd("delete", "j-1").Confirmed(), "a note")
	line := func(s Step) string {
		l := "zonemove " + s.Name() + " " + strings.Join(s.Args, " ") + " --region r"
		if s.Confirms {
			l += " --yes"
		}
		return l
	}
	want := "resume it with 'zonemove retry j-1 --region r', or delete it with 'zonemove delete j-1 --region r --yes' (a note)"
	if got := h.Render(line); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	joined := Join([]Hint{h, {}, Hintf("then %s", Cmd("state forget", "i-1").OfBatch())}, "; 100%")
	if n := len(joined.Steps()); n != 3 {
		t.Errorf("joined hint names %d steps, want 3", n)
	}
	if got := joined.Render(line); !strings.HasSuffix(got, "; 100%then zonemove state forget i-1 --region r") {
		t.Errorf("joined: %s", got)
	}
	if !(Hint{}).IsZero() || (Hint{}).Render(line) != "" {
		t.Error("the zero hint renders as nothing")
	}
}
