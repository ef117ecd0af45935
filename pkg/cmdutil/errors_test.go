package cmdutil

import (
	"errors"
	"testing"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/next"
)

// The argument validators say what cobra says, as a usage error (exit 2).
func TestArgsValidatorsReturnUsageErrors(t *testing.T) {
	cmd := &cobra.Command{Use: "wait"}
	for name, c := range map[string]struct {
		validate cobra.PositionalArgs
		args     []string
		want     string
	}{
		"none":    {NoArgs, []string{"x"}, `unknown command "x" for "wait"`},
		"minimum": {MinimumNArgs(1), nil, "requires at least 1 arg(s), only received 0"},
	} {
		err := c.validate(cmd, c.args)
		var ee *ExitError
		if !errors.As(err, &ee) || ee.Code != ExitUsage || ee.ErrCode != "UsageError" || err.Error() != c.want {
			t.Errorf("%s: %#v; want a usage error %q", name, err, c.want)
		}
	}
	if NoArgs(cmd, nil) != nil || MinimumNArgs(1)(cmd, []string{"a", "b"}) != nil {
		t.Error("valid arguments refused")
	}
}

func TestCommandsLineQuotesTheProfile(t *testing.T) {
	got := Commands{Region: "cn-hangzhou", Profile: "it's mine"}.Line("wait", []string{"j-1", "j-2"})
	if want := `zonemove wait j-1 j-2 --region cn-hangzhou --profile 'it'\''s mine'`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Commands{Region: "cn-hangzhou", Profile: "prod"}).Line("retry", []string{"j-1"}); got != "zonemove retry j-1 --region cn-hangzhou --profile prod" {
		t.Errorf("an unquoted profile: %s", got)
	}
}

// A step carries the run's flags: the batch's -f and --state when it names
// the batch, --yes when it asks first and the run could not answer.
func TestCommandsStepCarriesTheRunsFlags(t *testing.T) {
	c := Commands{Region: "cn-hangzhou", Profile: "ops", File: "m.yaml", State: "s.json", Yes: true}
	for _, tc := range []struct {
		step next.Step
		want string
	}{
		{next.Cmd("status", "j-1"), "zonemove status j-1 --region cn-hangzhou --profile ops"},
		{next.Cmd("apply", "--retry-failed").OfBatch().Confirmed(), "zonemove apply --retry-failed -f m.yaml --state s.json --region cn-hangzhou --profile ops --yes"},
		{next.Cmd("state forget", "i-1").OfBatch().Confirmed(), "zonemove state forget i-1 -f m.yaml --state s.json --region cn-hangzhou --profile ops --yes"},
		{next.Cmd("delete", "j-1").Confirmed(), "zonemove delete j-1 --region cn-hangzhou --profile ops --yes"},
	} {
		if got := c.Step(tc.step); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
	// At a terminal without --yes, the person answers the question.
	c.Yes = false
	if got := c.Step(next.Cmd("delete", "j-1").Confirmed()); got != "zonemove delete j-1 --region cn-hangzhou --profile ops" {
		t.Errorf("at a terminal: %s", got)
	}
}
