package cli

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/plan"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/record"
)

// TestTextFollowsTheDocument: each command's text is written from its
// document, the same one that -o json encodes. A value set in the document
// after it was built (and nowhere else) shows in both renderings, and each
// rendering writes only itself. Every type with a Text method has a case.
func TestTextFollowsTheDocument(t *testing.T) {
	const mark = "MARK-7f3a"
	spec := migration.Spec{Region: "cn-hangzhou", InstanceID: "i-bp1ff25rzvnul6kr0001", TargetZone: "cn-hangzhou-i"}
	applyPlan := &batch.Preflight{Results: []*batch.Result{
		{Migration: &batch.Migration{Spec: spec, Line: 3}, Status: batch.Created, JobID: "j-1", JobStatus: "Running"},
	}}
	applyOpts := &ApplyOptions{File: "m.yaml", StatePath: "m.yaml.state.json", applied: true}
	cases := map[string]func() document{
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
			err := errors.New("refused")
			failed := &jobOutcome{JobID: "j-2", Error: errorBody(err, cmdutil.Commands{}), err: err}
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
		"list": func() document {
			return &jobsDocument{Jobs: []follow.JobView{{JobID: mark, Status: "InError"}}, none: "No jobs.", attention: "Needing attention: 1 InError."}
		},
		"state forget": func() document {
			return &forgetDocument{StateFile: "s.json", Forgotten: []stateEntry{{InstanceID: mark}}, next: "The next apply ..."}
		},
		"status -f": func() document {
			return &batchDocument{Batch: &record.Batch{Entries: []*record.Entry{{InstanceID: spec.InstanceID, Status: record.Moved,
				Job: &record.Job{JobID: "j-1", Status: mark}}}}, read: true}
		},
		"wait -f": func() document {
			jobs := []*follow.Result{{JobView: follow.JobView{JobID: mark, Status: "Finished"}, Instance: &follow.InstanceView{PrivateIP: "172.16.2.1"}}}
			return &waitDocument{Jobs: jobs, report: &follow.Report{Jobs: jobs}, notes: []string{"Not followed: ..."}, addresses: true, line: cmdutil.Commands{}.Step}
		},
		"wait": func() document {
			jobs := []*follow.Result{{JobView: follow.JobView{JobID: "j-1", Status: mark}}}
			return &waitDocument{Jobs: jobs, report: &follow.Report{Jobs: jobs}, line: cmdutil.Commands{}.Step}
		},
	}
	covered := map[string]bool{}
	for _, build := range cases {
		covered[reflect.TypeOf(build()).Elem().Name()] = true
	}
	for _, typ := range documentTypes(t) {
		if !covered[typ] {
			t.Errorf("%s has a Text method but no case here", typ)
		}
	}
	for name, build := range cases {
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

// documentTypes are the types of pkg/cli with a Text(*iostreams.IOStreams)
// method: the commands' documents.
func documentTypes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || fd.Name.Name != "Text" || len(fd.Type.Params.List) != 1 {
				continue
			}
			if star, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok {
					out = append(out, id.Name)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no document type found: the scan is broken")
	}
	return out
}
