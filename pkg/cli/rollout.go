package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/rollout"
)

// RolloutFlags are the flags of the contract's "Rollout" (apply, revert): a
// command registers them, then resolves them over its manifest's rollout:
// section (a flag given overrides the manifest).
type RolloutFlags struct {
	MaxUnavailable int
	Canary         int
	MaxFailures    int
	NotBefore      string
	NotAfter       string
}

// Register adds --max-unavailable, --canary, --max-failures, --not-before
// and --not-after.
func (r *RolloutFlags) Register(fl *pflag.FlagSet) {
	fl.IntVar(&r.MaxUnavailable, "max-unavailable", 0, "at most N instances stopped at once, from their create until they are back in the target zone (default: all at once); the jobs are followed to free the slots")
	fl.IntVar(&r.Canary, "canary", 0, "the first N migrations must be back before any other starts")
	fl.IntVar(&r.MaxFailures, "max-failures", 0, "once more than N migrations failed, start no new one: the rest are held (exit 5)")
	fl.StringVar(&r.NotBefore, "not-before", "", "create nothing before TIME (RFC 3339, or HH:MM local time, the nearest such moment); waits with a countdown")
	fl.StringVar(&r.NotAfter, "not-after", "", "start a migration only if it can be back (about 15 minutes) before TIME; the rest are deferred (exit 7)")
}

// Resolve is the run's rollout: each flag given, else the manifest's field,
// else the default, with the times placed against now. A bad value, a
// not-after in the past or not after the not-before is a usage error naming
// the flag or the manifest line.
func (r *RolloutFlags) Resolve(cmd *cobra.Command, m batch.Rollout, manifest string, now time.Time) (rollout.Options, error) {
	var o rollout.Options
	changed := func(name string) bool { return cmd.Flags().Changed(name) }
	count := func(flag string, v int, mv *int, least int) (int, error) {
		if changed(flag) {
			if v < least {
				return 0, cmdutil.UsageErrorf("invalid --%s %d: want %d or more", flag, v, least)
			}
			return v, nil
		}
		if mv != nil {
			return *mv, nil
		}
		return 0, nil
	}
	var err error
	if o.MaxUnavailable, err = count("max-unavailable", r.MaxUnavailable, m.MaxUnavailable, 1); err != nil {
		return o, err
	}
	if o.Canary, err = count("canary", r.Canary, m.Canary, 0); err != nil {
		return o, err
	}
	if o.MaxFailures, err = count("max-failures", r.MaxFailures, m.MaxFailures, 0); err != nil {
		return o, err
	}
	// where says where a time came from, for its error.
	moment := func(flag, field, text string, mv rollout.Moment) (time.Time, string, error) {
		if changed(flag) {
			t, err := rollout.ParseMoment(text)
			if err != nil {
				return time.Time{}, "", cmdutil.UsageErrorf("invalid --%s: %s", flag, err)
			}
			return t.At(now), "--" + flag + " " + text, nil
		}
		if !mv.IsZero() {
			return mv.At(now), fmt.Sprintf("%s:%d: rollout.%s %s", manifest, m.Lines[field], field, mv), nil
		}
		return time.Time{}, "", nil
	}
	var whereBefore, whereAfter string
	if o.NotBefore, whereBefore, err = moment("not-before", "not_before", r.NotBefore, m.NotBefore); err != nil {
		return o, err
	}
	if o.NotAfter, whereAfter, err = moment("not-after", "not_after", r.NotAfter, m.NotAfter); err != nil {
		return o, err
	}
	if err := o.Validate(now); err != nil {
		var we *rollout.WindowError
		if errors.As(err, &we) {
			msg := fmt.Sprintf("invalid %s: %s is in the past (it is %s)", whereAfter, stamp(o.NotAfter), stamp(now))
			if !o.NotBefore.IsZero() && o.NotAfter.After(now) {
				msg = fmt.Sprintf("invalid %s: %s is not after %s (%s)", whereAfter, stamp(o.NotAfter), whereBefore, stamp(o.NotBefore))
			}
			return o, &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "UsageError", Err: errors.New(msg),
				Hint: "a migration starts only if it can be back before not-after: give a window that ends in the future, after its start; nothing was sent"}
		}
		return o, cmdutil.UsageErrorf("%s", err)
	}
	return o, nil
}

func stamp(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// Args are the count flags given on the command line, as a re-run names
// them again (" --max-unavailable 2 --canary 1"); the times are left out: a
// re-run is in another window.
func (r *RolloutFlags) Args(cmd *cobra.Command) string {
	var b strings.Builder
	for _, f := range []struct {
		name string
		v    int
	}{{"max-unavailable", r.MaxUnavailable}, {"canary", r.Canary}, {"max-failures", r.MaxFailures}} {
		if cmd.Flags().Changed(f.name) {
			fmt.Fprintf(&b, " --%s %d", f.name, f.v)
		}
	}
	return b.String()
}

// together says, for a confirmation, how many instances stop at once.
func together(o rollout.Options, n int) string {
	k := o.Together(n)
	s := fmt.Sprintf("all %d at once", n)
	if n == 1 {
		s = "one at a time"
	} else if k < n {
		s = fmt.Sprintf("at most %d at once", k)
	}
	if o.Canary > 0 && n > 1 {
		s += fmt.Sprintf(", the first %d as a canary before the others", min(o.Canary, n))
	}
	if !o.NotAfter.IsZero() {
		s += fmt.Sprintf("; none starts after %s", o.NotAfter.Add(-rollout.StopTime).Format("15:04 MST"))
	}
	return s
}

// countdown waits for the rollout's not-before, showing the time left on
// stderr: redrawn each second on a terminal, a line every 10 minutes
// elsewhere. Ctrl-C ends it with exit 130, nothing created.
func countdown(ctx context.Context, ios *iostreams.IOStreams, o rollout.Options, now func() time.Time, sleep func(context.Context, time.Duration) error) error {
	if o.NotBefore.IsZero() || !o.NotBefore.After(now()) {
		return nil
	}
	live := ios.CanRedrawStderr()
	tick := 10 * time.Minute
	if live {
		tick = time.Second
	}
	at := o.NotBefore.Format("15:04:05 MST")
	err := rollout.WaitUntil(ctx, o.NotBefore, now, sleep, tick, func(left time.Duration) {
		left = left.Round(time.Second)
		if live {
			fmt.Fprintf(ios.ErrOut, "\r\x1b[2KWaiting for --not-before %s: %s left (Ctrl-C stops; nothing is created before)", at, left)
			return
		}
		fmt.Fprintf(ios.ErrOut, "Waiting for --not-before %s: %s left; nothing is created before\n", at, left)
	})
	if live {
		fmt.Fprintln(ios.ErrOut)
	}
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, ErrCode: "Interrupted",
			Err:  fmt.Errorf("interrupted while waiting for not-before %s: nothing was created", at),
			Hint: "run the same command again when you are ready: it waits again, or starts at once inside the window"}
	}
	return nil
}
