package rollout

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Moment is a TIME of --not-before and --not-after as written: an RFC 3339
// instant, or a clock time HH:MM that becomes an instant only against the
// time of the run (At).
type Moment struct {
	instant      time.Time
	hour, minute int
	clock        bool
	text         string
}

// ParseMoment reads RFC 3339 (2026-12-07T02:00:00+08:00) or HH:MM (02:00,
// local time).
func ParseMoment(s string) (Moment, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Moment{instant: t, text: s}, nil
	}
	if h, m, ok := parseClock(s); ok {
		return Moment{hour: h, minute: m, clock: true, text: s}, nil
	}
	return Moment{}, fmt.Errorf("%q is neither RFC 3339 (2026-12-07T02:00:00+08:00) nor HH:MM (02:00, local time)", s)
}

func parseClock(s string) (hour, minute int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(ms) != 2 || len(hs) < 1 || len(hs) > 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || strings.ContainsAny(hs+ms, "+-") {
		return 0, 0, false
	}
	return h, m, true
}

// IsZero reports whether no TIME was given.
func (m Moment) IsZero() bool { return !m.clock && m.instant.IsZero() }

// String is the TIME as it was written.
func (m Moment) String() string { return m.text }

// At is the instant the TIME means for a run at now: an RFC 3339 instant as
// it is; HH:MM (in now's location) the occurrence of that clock time nearest
// to now, at most 12 hours before or after it (at exactly 12 hours, the one
// to come), so that a run started inside its window starts at once.
func (m Moment) At(now time.Time) time.Time {
	if !m.clock {
		return m.instant
	}
	y, mo, d := now.Date()
	best := time.Time{}
	for _, day := range []int{d - 1, d, d + 1} {
		t := time.Date(y, mo, day, m.hour, m.minute, 0, 0, now.Location())
		if best.IsZero() || closer(t, best, now) {
			best = t
		}
	}
	return best
}

// closer reports whether a is nearer to now than b; at the same distance the
// later one wins.
func closer(a, b, now time.Time) bool {
	da, db := abs(a.Sub(now)), abs(b.Sub(now))
	return da < db || (da == db && a.After(b))
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
