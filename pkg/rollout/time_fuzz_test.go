package rollout

import (
	"testing"
	"time"
)

// FuzzParseMoment: any text is a TIME or an error, never a panic; a clock
// time lands within 12 hours of the run, at that hour and minute.
func FuzzParseMoment(f *testing.F) {
	for _, s := range []string{"02:00", "23:59", "7:05", "2026-12-07T02:00:00+08:00", "24:00", "", "-1:00", "02:00:00", "１２:００"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoment(s)
		if err != nil {
			return
		}
		at := m.At(t0)
		if !m.clock {
			return
		}
		if d := at.Sub(t0); d < -12*time.Hour || d > 12*time.Hour {
			t.Errorf("%q at %s is %s, more than 12 hours away", s, t0, at)
		}
		if at.Hour() != m.hour || at.Minute() != m.minute {
			t.Errorf("%q at %s is %s", s, t0, at)
		}
	})
}
