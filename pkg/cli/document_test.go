package cli

import (
	"errors"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/plan"
	"github.com/zonemove/zonemove/pkg/preflight"
)

// TestTextFollowsTheDocument: each command's text is written from its
// document, the same one that -o json encodes. A value set in the document
// after it was built (and nowhere else) shows in both renderings, and each
// rendering writes only itself.
func TestTextFollowsTheDocument(t *testing.T) {
	const mark = "MARK-7f3a"
	spec := migration.Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i"}
	applyPlan := &batch.Plan{Results: []*batch.Result{
		{Migration: &batch.Migration{Spec: spec, Line: 3}, Status: batch.Created, JobID: "j-1", JobStatus: "Running"},
	}}
	applyOpts := &ApplyOptions{File: "m.yaml", StatePath: "m.yaml.state.json", applied: true}
	for name, build := range map[string]func() document{
		"apply": func() document {
			d := applyOpts.document(applyPlan)
			d.Results[0].JobStatus = mark // the plan says Running
			return d
		},
		"create": func() document {
			return &createDocument{Request: spec.Request(), Checks: []preflight.Result{}, JobID: "j-1", RequestID: mark}
		},
		"create dry run": func() document {
			return &createDocument{DryRun: true, Request: spec.Request(), ClientToken: mark,
				Checks: []preflight.Result{{ID: preflight.Spot, Status: preflight.Pass, Message: "ok"}}}
		},
		"status": func() document {
			return &jobsDocument{Jobs: []follow.JobView{{JobID: "j-1", Status: mark}}}
		},
		"retry": func() document {
			return &jobControlDocument{Jobs: []*jobOutcome{{JobID: "j-1", RequestID: mark}}, done: "Resumed migration job %s"}
		},
		"delete, a failure among several": func() document {
			failed := &jobOutcome{JobID: "j-2"}
			failed.settle("", errors.New("refused"))
			failed.Error.Hint = mark
			return &jobControlDocument{Jobs: []*jobOutcome{{JobID: "j-1"}, failed}, done: "Deleted migration job %s"}
		},
		"state show": func() document {
			return &stateDocument{StateFile: "s.json", Migrations: []stateEntry{{InstanceID: spec.InstanceID, JobID: mark}}, read: true}
		},
		"types": func() document {
			return &typesDocument{InstanceTypeFamily: "ecs.g7", Types: []typeEntry{{InstanceType: mark, CPU: 2}}}
		},
		"plan": func() document {
			return &planDocument{Plans: []*plan.InstancePlan{{InstanceID: spec.InstanceID, Candidates: []*plan.Candidate{}, Reason: mark}}, planned: true}
		},
		"doctor": func() document {
			return &doctorDocument{Region: mark, Endpoints: []doctorEndpoint{}, Actions: []doctorAction{}}
		},
		"version": func() document { return &versionDocument{Version: mark} },
	} {
		t.Run(name, func(t *testing.T) {
			for _, format := range []string{"text", "json"} {
				ios, _, stdout, stderr := iostreams.Test()
				out := &Output{IO: ios, global: &GlobalOptions{Output: format}}
				if err := out.Render(build(), nil); err != nil {
					t.Fatal(err)
				}
				got := stdout.String() + stderr.String()
				if !strings.Contains(got, mark) {
					t.Errorf("%s lacks the document's %s:\n%s", format, mark, got)
				}
				if isJSON := strings.HasPrefix(stdout.String(), "{"); isJSON != (format == "json") || (format == "json" && stderr.Len() > 0) {
					t.Errorf("%s rendering wrote:\nstdout %q\nstderr %q", format, stdout, stderr)
				}
			}
		})
	}
}
