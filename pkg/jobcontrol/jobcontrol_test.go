package jobcontrol

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/next"
)

// The one rule of retry and delete (and of apply --retry-failed): what is
// sent, and how each answer is settled.
func TestActionRun(t *testing.T) {
	lost := &apierr.Error{Code: "ServiceUnavailable", Sent: true, Uncertain: true, RequestID: "R1"}
	invalid := &apierr.Error{Code: CodeInvalidStatus, Sent: true, RequestID: "R2"}
	job := func(status string) *facts.Job { return &facts.Job{JobId: "j-1", Status: status} }
	for _, c := range []struct {
		name    string
		a       Action
		before  *facts.Job // as read before
		sendErr error
		after   *facts.Job // as read back
		readErr error
		sent    bool
		already bool
		err     any // nil, or a pointer to the error type wanted
		note    string
	}{
		{name: "resume-running-already", a: Resume, before: job("Running"), already: true, note: "Running already"},
		{name: "resume-answered", a: Resume, before: job("InError"), sent: true},
		{name: "resume-answer-lost-took-effect", a: Resume, before: job("InError"), sendErr: lost, after: job("Running"), sent: true, note: "so that attempt resumed it"},
		{name: "resume-refused-now-running", a: Resume, before: job("InError"), sendErr: invalid, after: job("Running"), sent: true, already: true, note: "Running already"},
		{name: "resume-refused-now-finished", a: Resume, before: job("InError"), sendErr: invalid, after: job("Finished"), sent: true, err: new(*StatusError)},
		{name: "resume-lost-unreadable", a: Resume, before: job("Stopped"), sendErr: lost, readErr: errors.New("down"), sent: true, err: new(*UnknownOutcomeError)},
		{name: "resume-finished", a: Resume, before: job("Finished"), err: new(*StatusError)},
		{name: "resume-not-found", a: Resume, err: new(*NotFoundError)},
		{name: "delete-gone-already", a: Delete, already: true, note: "deleted already"},
		{name: "delete-deleting", a: Delete, before: job("Deleting"), already: true},
		{name: "delete-running", a: Delete, before: job("Running"), err: new(*StatusError)},
		{name: "delete-answer-lost-gone", a: Delete, before: job("Stopped"), sendErr: lost, sent: true, note: "so that attempt deleted it"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sent := false
			send := func(context.Context, string) (string, error) { sent = true; return "R0", c.sendErr }
			read := func(context.Context, []string) (map[string]*facts.Job, error) {
				if c.after == nil {
					return map[string]*facts.Job{}, c.readErr
				}
				return map[string]*facts.Job{"j-1": c.after}, c.readErr
			}
			out := c.a.Run(context.Background(), send, read, "cn-hangzhou", "j-1", c.before)
			if sent != c.sent || out.Sent != c.sent || out.Already != c.already || !strings.Contains(out.Note, c.note) {
				t.Errorf("sent %v (outcome %v), already %v, note %q; want sent %v, already %v, a note with %q", sent, out.Sent, out.Already, out.Note, c.sent, c.already, c.note)
			}
			switch {
			case c.err == nil && out.Err != nil:
				t.Errorf("error %v; want none", out.Err)
			case c.err != nil && (out.Err == nil || !errors.As(out.Err, c.err)):
				t.Errorf("error %#v; want a %T", out.Err, c.err)
			}
			var h next.Hinter
			if out.Err != nil && errors.As(out.Err, &h) && len(h.NextHint().Steps()) == 0 {
				t.Errorf("error %v names no next step", out.Err)
			}
		})
	}
}

func TestVerifyOwner(t *testing.T) {
	read := func(owner string, err error) ReadFunc {
		return func(context.Context, []string) (map[string]*facts.Job, error) {
			if owner == "" {
				return map[string]*facts.Job{}, err
			}
			return map[string]*facts.Job{"j-1": {JobId: "j-1", InstanceId: owner}}, err
		}
	}
	ctx := context.Background()
	if err := VerifyOwner(ctx, read("i-1", nil), "tok", "j-1", "i-1"); err != nil {
		t.Errorf("own job: %v", err)
	}
	if err := VerifyOwner(ctx, read("", nil), "tok", "j-1", "i-1"); err != nil {
		t.Errorf("a job not listed yet: %v", err)
	}
	var tr *TokenReusedError
	if err := VerifyOwner(ctx, read("i-2", nil), "tok", "j-1", "i-1"); !errors.As(err, &tr) || tr.JobInstance != "i-2" {
		t.Errorf("another instance's job: %v", err)
	}
	var ou *OwnerUnknownError
	if err := VerifyOwner(ctx, read("", errors.New("down")), "tok", "j-1", "i-1"); !errors.As(err, &ou) {
		t.Errorf("unreadable: %v", err)
	}
}
