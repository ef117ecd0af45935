package cli

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// Every hint that names a zonemove command is a promise: in the situation
// the hint is given in, that command is accepted. TestHintSitesAreWalked
// finds every place in the code that writes such a hint; TestHintWalk puts
// the fake API in each situation, runs the command that prints the hint,
// takes every zonemove command line out of what it printed, and runs each one
// against the fake in that very situation (rebuilt, the same run replayed
// first), as an operator at a terminal would (stdin a terminal answering y).

// hintSite names a place that writes a hint: "FILE FUNC COMMAND", FILE
// relative to the repository, FUNC the enclosing function (with its
// receiver), or "-" for a package-level value.
type hintSite = string

// notHints are literals that name a command without asking anyone to run it.
var notHints = map[hintSite]string{
	"pkg/batch/lock.go (*LockedError).Error apply": "names the other apply that holds the lock",
	"pkg/plan/manifest.go header plan":             "names the command that wrote the manifest",
	"pkg/batch/state.go decodeState state":         "\"not a zonemove state file\": prose",
}

// helpFields are cobra.Command fields whose text is help, not a hint
// (docs/reference is generated from them).
var helpFields = map[string]bool{"Use": true, "Short": true, "Long": true, "Example": true}

// scanHintSites parses every non-test Go file under pkg/ and returns each
// hint site with one position of it.
func scanHintSites(t *testing.T) map[hintSite]string {
	t.Helper()
	commands := map[string]bool{}
	f, _, _ := newTestFactory(false, "")
	for _, c := range NewCmdRoot(f).Commands() {
		commands[c.Name()] = true
	}
	named := regexp.MustCompile(`zonemove ([a-z]+)\b`)
	sites := map[hintSite]string{}
	root := filepath.Join(repoRoot, "pkg")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(repoRoot, path)
		rel = filepath.ToSlash(rel)
		add := func(fn, command string, pos token.Pos) {
			if commands[command] {
				key := rel + " " + fn + " " + command
				if _, ok := sites[key]; !ok {
					sites[key] = fset.Position(pos).String()
				}
			}
		}
		for _, decl := range file.Decls {
			fn := "-"
			if fd, ok := decl.(*ast.FuncDecl); ok {
				fn = funcName(fd)
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.Ident); ok && helpFields[k.Name] {
						return false
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					if isFlagDefinition(sel.Sel.Name) {
						return false // a flag's usage text is help
					}
					// cmds.Line("wait", ...), next.Cmd("state forget", ...): a step.
					if (sel.Sel.Name == "Line" || sel.Sel.Name == "Cmd") && len(n.Args) > 0 {
						if s, ok := stringLit(n.Args[0]); ok {
							add(fn, leadingWord(s), n.Pos())
						}
					}
				case *ast.CompositeLit:
					// []string{"zonemove", "create", ...}: a command line built word by word.
					for i := 0; i+1 < len(n.Elts); i++ {
						if a, ok := stringLit(n.Elts[i]); ok && a == "zonemove" {
							if b, ok := stringLit(n.Elts[i+1]); ok {
								add(fn, b, n.Pos())
							}
						}
					}
				case *ast.BasicLit:
					if s, ok := stringLit(n); ok {
						for _, m := range named.FindAllStringSubmatch(s, -1) {
							add(fn, m[1], n.Pos())
						}
					}
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sites
}

func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	star := ""
	if s, ok := typ.(*ast.StarExpr); ok {
		typ, star = s.X, "*"
	}
	if ix, ok := typ.(*ast.IndexExpr); ok {
		typ = ix.X
	}
	name := "?"
	if id, ok := typ.(*ast.Ident); ok {
		name = id.Name
	}
	if star != "" {
		return "(*" + name + ")." + fd.Name.Name
	}
	return name + "." + fd.Name.Name
}

// isFlagDefinition tells pflag's definers (BoolVar, StringVarP, ...) apart.
func isFlagDefinition(name string) bool {
	return regexp.MustCompile(`^(Bool|String|StringArray|StringSlice|Int|Duration|Float64)(Var)?P?$`).MatchString(name)
}

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// TestHintSitesAreWalked fails for a hint site that no walk covers: a new
// hint must come with the situation it is given in.
func TestHintSitesAreWalked(t *testing.T) {
	sites := scanHintSites(t)
	covered := map[hintSite]bool{}
	for _, w := range hintWalks() {
		for _, s := range w.sites {
			covered[s] = true
			if _, ok := sites[s]; !ok {
				t.Errorf("walk %s covers %q, which the code no longer has", w.name, s)
			}
		}
	}
	t.Logf("%d hint sites, %d of them not hints", len(sites), len(notHints))
	var missing []string
	for s, pos := range sites {
		if !covered[s] && notHints[s] == "" {
			missing = append(missing, fmt.Sprintf("%s (%s)", s, pos))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("hint site without a walk: %s; add a hintWalk that gives this hint and runs the command it names", m)
	}
	for s := range notHints {
		if _, ok := sites[s]; !ok {
			t.Errorf("notHints names %q, which the code no longer has", s)
		}
	}
}

// hintWalk is one situation in which hints are given.
type hintWalk struct {
	name  string
	sites []hintSite
	// world sets the fake API up for the situation; it returns the model of
	// jobs (nil when the situation has none).
	world func(srv *fakeapi.Server) *fakeapi.Jobs
	// args is the run that gives the hints, with noCreds and stdinTTY as
	// for a cliCase; setup adjusts its factory (and may reach the model).
	args     []string
	noCreds  bool
	stdinTTY bool
	setup    func(f *Factory, m *fakeapi.Jobs, cancel context.CancelFunc)
	// fill replaces the placeholders of a generic hint: JOB_ID, INSTANCE_ID
	// and "..." (a create's flags).
	fill map[string][]string
	// files are written to a folder that the runs take as their working
	// directory (a manifest, a state file).
	files map[string]string
	// deadEnd marks a walk known to end in a dead end, with the issue that
	// fixes it: its failures are logged, and the test fails once it passes
	// (remove the mark then).
	deadEnd string
	// before runs earlier commands on the same server (an earlier apply, say),
	// then adjusts the model, to reach the situation.
	before func(run func(args ...string) int, m *fakeapi.Jobs, srv *fakeapi.Server)
	// distinctTokens gives the earlier commands (before) distinct
	// ClientTokens, as real runs have: a revert's create must not reuse its
	// move's token.
	distinctTokens bool
	// written are files of that folder the run writes, read for hints too.
	written []string
	// accept lists exit codes, besides 0, that a named command may end with
	// in this situation, with why.
	accept map[int]string
	// freshTokens: each run makes ClientTokens of its own, as uuid does (a
	// step that starts anew after a failure needs a token not used before).
	freshTokens bool
}

const walkRegion = "cn-hangzhou"

var (
	walkInstance = fakeapi.FleetInstance(1)
	walkJob      = jobN(1)
	walkCreate   = []string{"--instance-id", walkInstance, "--target-zone", "cn-hangzhou-i", "--target-vswitch", "vsw-bp1mxqnssl8nafltc0001"}
)

// jobWorld is instance 1 of a fleet whose job-control actions and job reads
// are the model's, with job 1 of instance 1 in status (none when "").
func jobWorld(status string) func(*fakeapi.Server) *fakeapi.Jobs {
	return func(srv *fakeapi.Server) *fakeapi.Jobs {
		_, m := newWalkWorld(srv, status)
		return m
	}
}

func newWalkWorld(srv *fakeapi.Server, status string) (*fakeapi.Fleet, *fakeapi.Jobs) {
	fleet := fakeapi.NewFleet(srv, walkInstance, fakeapi.FleetInstance(2))
	m := fakeapi.NewJobs(srv)
	srv.Always("CreateCrossZoneMigrationJob", m.Track(fleet.Created()))
	if status != "" {
		m.Add(walkJob, walkInstance, status)
	}
	return fleet, m
}

func walkArgs(words ...string) []string { return append(words, "--region", walkRegion) }

func walkCreateArgs(extra ...string) []string {
	return append(append(walkArgs("create"), walkCreate...), extra...)
}

func hintWalks() []hintWalk {
	var walks []hintWalk
	// active-job: a create blocked by the instance's own job, in every status that blocks.
	for _, status := range []string{"Ready", "Running", "Waiting", "Stopped", "InError"} {
		walks = append(walks, hintWalk{name: "active-job-" + status, world: jobWorld(status), args: walkCreateArgs("--dry-run"),
			sites: []hintSite{"pkg/preflight/checks.go checkActiveJob retry", "pkg/preflight/checks.go checkActiveJob delete",
				"pkg/preflight/checks.go checkActiveJob wait"}})
	}
	// status, and wait, of a job that needs a person.
	for _, status := range []string{"InError", "Stopped", "Expired"} {
		walks = append(walks, hintWalk{name: "status-" + status, world: jobWorld(status), args: walkArgs("status", walkJob),
			sites: []hintSite{"pkg/follow/job.go NextStep retry", "pkg/follow/job.go NextStep delete"}})
		walks = append(walks, hintWalk{name: "wait-" + status, world: jobWorld(status), args: walkArgs("wait", walkJob),
			sites: []hintSite{"pkg/follow/job.go NextStep retry", "pkg/follow/job.go NextStep delete"}})
		// The same job as one of a batch: the batch's recovery, never a command per job.
		walks = append(walks, hintWalk{name: "apply-wait-" + status, world: jobWorld(""), args: []string{"apply", "-f", "m.yaml", "--yes", "--wait"},
			files: map[string]string{"m.yaml": walkManifest},
			setup: func(_ *Factory, m *fakeapi.Jobs, _ context.CancelFunc) { m.EndWhenPolled(status) },
			sites: []hintSite{"pkg/follow/job.go BatchNextStep status", "pkg/follow/job.go BatchNextStep apply", "pkg/follow/job.go BatchNextStep state"}})
	}
	// retry of a job it cannot resume, and of one it can.
	for _, status := range []string{"Waiting", "Finished", "Expired", "Deleting"} {
		walks = append(walks, hintWalk{name: "retry-" + status, world: jobWorld(status), args: walkArgs("retry", walkJob),
			sites: []hintSite{"pkg/jobcontrol/jobcontrol.go notResumable wait", "pkg/jobcontrol/jobcontrol.go notResumable delete",
				"pkg/jobcontrol/jobcontrol.go notResumable status"}})
	}
	walks = append(walks,
		hintWalk{name: "retry-resumed", world: jobWorld("InError"), args: walkArgs("retry", walkJob),
			sites: []hintSite{"pkg/cli/retry.go (*RetryOptions).run wait"}},
		// A retry of a job running already: a success that sends nothing.
		hintWalk{name: "retry-Running", world: jobWorld("Running"), args: walkArgs("retry", walkJob),
			sites: []hintSite{"pkg/cli/retry.go (*RetryOptions).run wait"}},
		hintWalk{name: "delete-running", world: jobWorld("Running"), args: walkArgs("delete", walkJob, "--yes"),
			sites: []hintSite{"pkg/jobcontrol/jobcontrol.go - wait"}},
		hintWalk{name: "delete-off-terminal", world: jobWorld("Stopped"), args: walkArgs("delete", walkJob),
			sites: []hintSite{"pkg/cli/delete.go NewCmdDelete status"}},
		hintWalk{name: "status-not-found", world: jobWorld(""), args: walkArgs("status", walkJob),
			sites: []hintSite{"pkg/jobcontrol/jobcontrol.go (*NotFoundError).NextHint list"}},
		hintWalk{name: "list-attention", world: jobWorld("InError"), args: walkArgs("list"),
			sites: []hintSite{"pkg/cli/jobs.go attentionSummary status"}, fill: map[string][]string{"JOB_ID": {walkJob}}},
	)
	walks = append(walks,
		hintWalk{name: "create-dry-run", world: jobWorld(""), args: walkCreateArgs("--dry-run"),
			sites: []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"}},
		hintWalk{name: "create-created", world: jobWorld(""), args: walkCreateArgs("--yes"),
			sites: []hintSite{"pkg/cli/create.go (*CreateOptions).finish wait"}},
		// Every answer of the create is lost; the job was made. The hint's
		// repeat, with the same ClientToken, must take the job SMC returns.
		hintWalk{name: "create-answers-lost", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fleet, m := newWalkWorld(srv, "")
			lost := m.Track(fleet.Created())
			lost.Drop = true
			srv.On("CreateCrossZoneMigrationJob", lost, lost)
			return m
		}, args: walkCreateArgs("--yes", "--max-attempts", "2"),
			sites: []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"}},
		hintWalk{name: "create-other-family", world: jobWorld(""), args: walkCreateArgs("--dry-run", "--target-instance-type", "ecs.c7.large"),
			sites: []hintSite{"pkg/preflight/checks.go checkTypeFamily types"}},
		// The quota is full of jobs, among them an old one of another instance.
		hintWalk{name: "create-quota", world: scripted(func(srv *fakeapi.Server) *fakeapi.Jobs {
			_, m := newWalkWorld(srv, "")
			m.Add(jobN(2), fakeapi.FleetInstance(2), "InError")
			return m
		}, "CreateCrossZoneMigrationJob", "smc/CreateCrossZoneMigrationJob.QuotaExceeded.ReplicationJob.http"),
			args: walkCreateArgs("--yes"), fill: map[string][]string{"JOB_ID": {jobN(2)}},
			sites: []hintSite{"pkg/cli/hints.go - list", "pkg/cli/hints.go - delete", "pkg/cli/create.go (*CreateOptions).specArgs create"}},
		hintWalk{name: "create-duplicate-name", world: scripted(jobWorld(""), "CreateCrossZoneMigrationJob", "smc/CreateCrossZoneMigrationJob.ReplicationJobName.Duplicate.http"),
			args: walkCreateArgs("--yes"), sites: []hintSite{"pkg/cli/hints.go - list"}},
		// The verification fails after the move: the hint's re-run verifies
		// again (and fails again, the application being as it was).
		hintWalk{name: "create-verify-failed", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fakeapi.NewFleet(srv, walkInstance).SetCommandResult(walkInstance, fakeapi.CommandResult{Status: "Failed", ExitCode: 1, Output: "HTTP/1.1 503 Service Unavailable\n"})
			return nil
		}, args: walkCreateArgs("--yes", "--wait", "--interval", "1s", "--verify", "/opt/app/healthcheck"),
			files:  map[string]string{"README": "a folder of its own"},
			sites:  []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"},
			accept: map[int]string{5: "the application is as it was in this situation: the verification fails again, as it says"}},
		// The same behind load balancers that were drained: they stay so; the
		// hint's command without the verification restores them (exit 0).
		hintWalk{name: "create-verify-failed-drained", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fleet := fakeapi.NewFleet(srv, walkInstance, fakeapi.FleetInstance(2))
			fakeapi.ServeBehindLoadBalancers(fleet, walkInstance, fakeapi.FleetInstance(2))
			fleet.SetCommandResult(walkInstance, fakeapi.CommandResult{Status: "Failed", ExitCode: 1, Output: "HTTP/1.1 503 Service Unavailable\n"})
			return nil
		}, args: walkCreateArgs("--yes", "--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1s", "--verify", "/opt/app/healthcheck"),
			files:  map[string]string{"README": "a folder of its own"},
			sites:  []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"},
			accept: map[int]string{5: "the re-run with the verification fails it again, as it says; the one without it restores the memberships (exit 0)"}},
		// A batch's verification fails behind drained load balancers: the
		// hint's same apply verifies again (and fails again, exit 5); the one
		// with "--verify exit" restores the memberships (exit 0).
		hintWalk{name: "apply-verify-failed-drained", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fleet := fakeapi.NewFleet(srv, walkInstance, fakeapi.FleetInstance(2))
			fakeapi.ServeBehindLoadBalancers(fleet, walkInstance, fakeapi.FleetInstance(2))
			fleet.SetCommandResult(walkInstance, fakeapi.CommandResult{Script: "/opt/app/healthcheck", Status: "Failed", ExitCode: 1, Output: "HTTP/1.1 503 Service Unavailable\n"})
			return nil
		}, args: []string{"apply", "-f", "m.yaml", "--yes", "--wait", "--interval", "1s", "--backends", "drain", "--drain-time", "1s", "--verify", "/opt/app/healthcheck"},
			files: map[string]string{"m.yaml": "region: cn-hangzhou\ndefaults:\n  target_zone: cn-hangzhou-i\n  target_vswitch: vsw-bp1mxqnssl8nafltc0001\nmigrations:\n  - instance_id: " + walkInstance + "\n"},
			sites: []hintSite{"pkg/cli/apply.go rerun apply"}, freshTokens: true,
			accept: map[int]string{5: "the application is as it was: the same apply's verification fails again, as it says; the one with --verify exit restores the memberships (exit 0)"}},
		// The snapshot group fails: no job; the hint's re-run takes a new group.
		hintWalk{name: "create-snapshot-failed", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fakeapi.NewFleet(srv, walkInstance).FailSnapshot(walkInstance)
			return nil
		}, args: walkCreateArgs("--yes", "--snapshot"),
			files:  map[string]string{"README": "a folder of its own"},
			sites:  []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"},
			accept: map[int]string{1: "snapshots of the instance still fail in this situation: the new group fails too, as it says"}},
		hintWalk{name: "create-source-state", world: scripted(jobWorld(""), "CreateCrossZoneMigrationJob", "smc/CreateCrossZoneMigrationJob.SourceServerState.Invalid.http"),
			args: walkCreateArgs("--yes"), sites: []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"}},
		// SMC says InvalidStatus, yet the job read back may still be resumed.
		hintWalk{name: "retry-invalid-status-still-resumable", world: scripted(jobWorld("InError"), "StartReplicationJob", "smc/StartReplicationJob.ReplicationJob.InvalidStatus.http"),
			args: walkArgs("retry", walkJob), sites: []hintSite{"pkg/cli/hints.go - status"}, fill: map[string][]string{"JOB_ID": {walkJob}}},
		// Every attempt of the start is lost before it reached the job, and the job cannot be read back.
		hintWalk{name: "retry-outcome-unknown", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			m := jobWorld("InError")(srv)
			srv.On("DescribeReplicationJobs", fakeapi.Step{File: "smc/DescribeReplicationJobs.inerror.http"},
				fakeapi.Step{File: "smc/DescribeReplicationJobs.ServiceUnavailable.http"}, fakeapi.Step{File: "smc/DescribeReplicationJobs.ServiceUnavailable.http"})
			srv.On("StartReplicationJob", fakeapi.Step{File: "smc/StartReplicationJob.ok.http", Drop: true}, fakeapi.Step{File: "smc/StartReplicationJob.ok.http", Drop: true})
			return m
		}, args: walkArgs("retry", walkJob, "--max-attempts", "2"), sites: []hintSite{"pkg/jobcontrol/jobcontrol.go (*UnknownOutcomeError).NextHint status"}},
		// Ctrl-C when the second of three requests arrives: the same
		// command again settles every job (nothing walks a site: the command
		// is the run's own).
		interruptedWalk("retry-interrupted", "StartReplicationJob", walkArgs("retry", walkJob, jobN(2), jobN(3))),
		interruptedWalk("delete-interrupted", "DeleteReplicationJob", walkArgs("delete", walkJob, jobN(2), jobN(3), "--yes")),
		hintWalk{name: "wait-timeout", world: jobWorld("Running"), args: walkArgs("wait", walkJob, "--timeout", "1m"),
			sites: []hintSite{"pkg/follow/follow.go (*Report).resumeStep wait"}},
		// apply --wait: the timeout, and Ctrl-C, say to run the same apply again.
		hintWalk{name: "apply-wait-timeout", world: movingWorld, args: []string{"apply", "-f", "m.yaml", "--yes", "--wait", "--timeout", "1m"},
			files: map[string]string{"m.yaml": walkManifest}, sites: []hintSite{"pkg/cli/apply.go rerun apply"}},
		// wait -f: the timeout says to go on with wait -f.
		hintWalk{name: "wait-f-timeout", world: movingWorld, args: []string{"wait", "-f", "m.yaml", "--timeout", "1m"},
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Running"),
			sites: []hintSite{"pkg/cli/batchwait.go (*WaitOptions).runBatch wait"}},
		hintWalk{name: "apply-wait-interrupted", world: movingWorld, args: []string{"apply", "-f", "m.yaml", "--yes", "--wait", "--state", "other.json"},
			files: map[string]string{"m.yaml": walkManifest},
			setup: func(f *Factory, _ *fakeapi.Jobs, cancel context.CancelFunc) {
				f.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return context.Canceled }
			},
			sites: []hintSite{"pkg/cli/apply.go rerun apply"}},
		// A second manifest moves the instance elsewhere while the first
		// batch's job runs: that job is not adopted, the entry is blocked.
		hintWalk{name: "apply-other-batch-job", world: jobWorld(""), args: []string{"apply", "-f", "other.yaml", "--yes"},
			files: map[string]string{"m.yaml": walkManifest, "other.yaml": strings.ReplaceAll(walkManifest, "nafltc0001", "nafltc0002")},
			before: func(run func(args ...string) int, _ *fakeapi.Jobs, _ *fakeapi.Server) {
				run("apply", "-f", "m.yaml", "--yes")
			},
			sites: []hintSite{"pkg/batch/runner.go found wait"}},
		// The first create of a batch is denied: the batch stops, and the
		// creates not sent are sent by the same apply run again.
		hintWalk{name: "apply-stopped-by-auth", world: scripted(jobWorld(""), "CreateCrossZoneMigrationJob", "smc/CreateCrossZoneMigrationJob.Forbidden.RAM.http"),
			args: []string{"apply", "-f", "m.yaml", "--yes", "--concurrency", "1"}, files: map[string]string{"m.yaml": walkManifest2},
			sites: []hintSite{"pkg/cli/apply.go rerun apply"}},
		// A batch's job deleted while it is followed.
		hintWalk{name: "apply-wait-job-deleted", world: jobWorld(""), args: []string{"apply", "-f", "m.yaml", "--yes", "--wait"},
			files: map[string]string{"m.yaml": walkManifest},
			setup: func(f *Factory, m *fakeapi.Jobs, _ context.CancelFunc) {
				sleep := f.Sleep
				f.Sleep = func(ctx context.Context, d time.Duration) error {
					m.Remove(fakeapi.FleetJob(walkInstance))
					return sleep(ctx, d)
				}
			},
			sites: []hintSite{"pkg/follow/follow.go (*Result).hint state"}},
		hintWalk{name: "wait-interrupted", world: jobWorld("Running"), args: walkArgs("wait", walkJob),
			setup: func(f *Factory, _ *fakeapi.Jobs, cancel context.CancelFunc) {
				f.Sleep = func(ctx context.Context, _ time.Duration) error { cancel(); return context.Canceled }
			},
			sites: []hintSite{"pkg/follow/follow.go (*Report).resumeStep wait"}},
		// One of two jobs is deleted (in the console) while they are followed.
		hintWalk{name: "wait-job-deleted", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			m := jobWorld("Running")(srv)
			m.Add(jobN(2), fakeapi.FleetInstance(2), "Running")
			return m
		}, args: walkArgs("wait", walkJob, jobN(2), "--timeout", "1h"),
			setup: func(f *Factory, m *fakeapi.Jobs, _ context.CancelFunc) {
				sleep := f.Sleep
				f.Sleep = func(ctx context.Context, d time.Duration) error { m.Remove(walkJob); return sleep(ctx, d) }
			},
			sites: []hintSite{"pkg/follow/follow.go (*Result).hint list"}},
		// create --wait: the first poll of the new job is denied; the job runs on.
		hintWalk{name: "create-wait-poll-denied", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			m := jobWorld("")(srv)
			denied := false
			srv.Always("DescribeReplicationJobs", fakeapi.Step{Respond: func(r *fakeapi.Request) (int, any) {
				if r.Params.Get("JobId.1") != "" && !denied {
					denied = true
					return 403, map[string]any{"RequestId": "DENIED-1", "Code": "Forbidden.RAM", "Message": "User not authorized to operate on the specified resource."}
				}
				return m.Describe().Respond(r)
			}})
			return m
		}, args: walkCreateArgs("--yes", "--wait"),
			sites: []hintSite{"pkg/cli/create.go (*CreateOptions).follow wait"}},
		// The create was answered with a job that SMC does not list (yet).
		hintWalk{name: "create-wait-not-listed", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fakeapi.NewFleet(srv, walkInstance)
			return fakeapi.NewJobs(srv) // the fleet's creates are not the model's: never listed
		}, args: walkCreateArgs("--yes", "--wait"),
			sites:  []hintSite{"pkg/follow/follow.go (*waiter).poll wait", "pkg/follow/follow.go (*waiter).poll list"},
			accept: map[int]string{1: "the job is not listed yet in this situation (the hint says to follow it later): wait says so again"}},
		hintWalk{name: "apply-manifest-changed", world: jobWorld(""), args: walkArgs("apply", "-f", "m.yaml", "--dry-run"),
			files: map[string]string{"m.yaml": walkManifest, "m.yaml.state.json": `{"version": 1, "migrations": {"` + walkInstance +
				`": {"client_token": "old-1", "fingerprint": "sha256:0", "token_recorded_at": "2026-11-27T11:00:00Z"}}}`},
			sites: []hintSite{"pkg/batch/runner.go (*Runner).changedFinding list", "pkg/batch/runner.go (*Runner).changedFinding state"}},
		// A re-run of a batch whose job ended InError, or was deleted meanwhile.
		hintWalk{name: "apply-rerun-in-error", world: jobWorld(""), args: walkArgs("apply", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("InError"),
			fill: map[string][]string{"JOB_ID": {fakeapi.FleetJob(walkInstance)}},
			sites: []hintSite{"pkg/cli/apply.go jobStatusError status", "pkg/cli/apply.go rerun apply",
				"pkg/cli/apply_render.go (*applyDocument).printDetails status", "pkg/cli/apply.go rerun apply"}},
		hintWalk{name: "apply-rerun-job-deleted", world: jobWorld(""), args: walkArgs("apply", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen(""),
			fill:  map[string][]string{"JOB_ID": {fakeapi.FleetJob(walkInstance)}},
			sites: []hintSite{"pkg/cli/apply.go jobStatusError state", "pkg/cli/apply_render.go (*applyDocument).printDetails state"}},
		// The token apply gives the instance was used before for another instance's create.
		hintWalk{name: "apply-token-reused", world: jobWorld(""), args: walkArgs("apply", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest},
			before: func(run func(args ...string) int, _ *fakeapi.Jobs, srv *fakeapi.Server) {
				// Instance 2's create used the token; then an apply of instance 1
				// recorded the same token, and its answer was lost.
				run(walkArgs("create", "--instance-id", fakeapi.FleetInstance(2), "--target-zone", "cn-hangzhou-i",
					"--target-vswitch", "vsw-bp1mxqnssl8nafltc0001", "--client-token", testToken, "--yes")...)
				srv.On("CreateCrossZoneMigrationJob", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.ok.http", Drop: true})
				run(walkArgs("apply", "-f", "m.yaml", "--yes", "--max-attempts", "1")...)
			},
			fill:  map[string][]string{"JOB_ID": {fakeapi.FleetJob(fakeapi.FleetInstance(2))}},
			sites: []hintSite{"pkg/cli/apply_render.go (*ApplyOptions).resultHint status", "pkg/cli/apply_render.go (*ApplyOptions).resultHint state"}},
		// A repeated create is answered, but its job cannot be read back to check whose it is.
		hintWalk{name: "create-repeat-unverified", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			m := jobWorld("")(srv)
			srv.On("DescribeReplicationJobs", fakeapi.Step{File: "smc/DescribeReplicationJobs.instance-none.http"},
				fakeapi.Step{File: "smc/DescribeReplicationJobs.ServiceUnavailable.http"})
			return m
		}, args: walkCreateArgs("--client-token", "tok-1", "--yes", "--max-attempts", "1"),
			sites: []hintSite{"pkg/jobcontrol/jobcontrol.go (*OwnerUnknownError).NextHint status"}},
		// state forget: of a finished job; of an instance the state file does not hold; of a job that may still run.
		hintWalk{name: "state-forget-finished", world: jobWorld(""), args: walkArgs("state", "forget", "-f", "m.yaml", walkInstance),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Finished"),
			sites: []hintSite{"pkg/cli/state.go (*StateOptions).forget apply"}},
		// An entry forgotten already (by a killed run): a success.
		hintWalk{name: "state-forget-unknown", world: jobWorld(""), args: walkArgs("state", "forget", "-f", "m.yaml", fakeapi.FleetInstance(2)),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Running"),
			sites: []hintSite{"pkg/cli/state.go (*StateOptions).forget apply"}},
		hintWalk{name: "state-forget-running", world: jobWorld(""), args: []string{"state", "forget", "-f", "m.yaml", "--state", "s.json", walkInstance},
			files: map[string]string{"m.yaml": walkManifest}, before: applyStateThen("s.json", "Running"),
			sites: []hintSite{"pkg/cli/state.go (*StateOptions).checkJobsHint status", "pkg/cli/state.go (*StateOptions).checkJobsHint state"}},
		// A token with no known job: list, then forget.
		hintWalk{name: "state-forget-token-only", world: jobWorld(""), args: walkArgs("state", "forget", "-f", "m.yaml", walkInstance),
			files: map[string]string{"m.yaml": walkManifest, "m.yaml.state.json": `{"version": 1, "migrations": {"` + walkInstance +
				`": {"client_token": "old-1", "fingerprint": "sha256:0", "token_recorded_at": "2026-11-27T11:00:00Z"}}}`},
			sites: []hintSite{"pkg/cli/state.go (*StateOptions).checkJobsHint list", "pkg/cli/state.go (*StateOptions).checkJobsHint state"}},
		// status -f of a batch whose job runs, or ended InError.
		hintWalk{name: "status-f-running", world: movingWorld, args: walkArgs("status", "-f", "m.yaml"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Running"),
			sites: []hintSite{"pkg/cli/batchstatus.go batchNext wait"}},
		hintWalk{name: "status-f-in-error", world: jobWorld(""), args: walkArgs("status", "-f", "m.yaml"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("InError"),
			sites: []hintSite{"pkg/cli/batchstatus.go batchNext status", "pkg/cli/batchstatus.go batchNext apply"}},
		hintWalk{name: "status-f-expired", world: jobWorld(""), args: walkArgs("status", "-f", "m.yaml"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Expired"),
			sites: []hintSite{"pkg/cli/batchstatus.go batchNext state"}},
		// revert: of a batch whose move still runs; of one whose revert job
		// ended InError, or was deleted; state forget --revert of that one.
		hintWalk{name: "revert-move-running", world: movingWorld, args: walkArgs("revert", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest}, before: applyThen("Running"),
			sites: []hintSite{"pkg/cli/revert.go (*ApplyOptions).revertError wait"}},
		hintWalk{name: "revert-in-error", world: movingWorld, args: walkArgs("revert", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest}, distinctTokens: true, before: revertThen("InError"),
			fill: map[string][]string{"JOB_ID": {revertJob}},
			sites: []hintSite{"pkg/cli/apply.go rerun revert", "pkg/cli/apply.go jobStatusError status",
				"pkg/cli/apply.go rerun revert", "pkg/cli/apply_render.go (*applyDocument).printDetails status"}},
		hintWalk{name: "revert-job-deleted", world: movingWorld, args: walkArgs("revert", "-f", "m.yaml", "--yes"),
			files: map[string]string{"m.yaml": walkManifest}, distinctTokens: true, before: revertThen(""),
			sites: []hintSite{"pkg/cli/apply.go jobStatusError state", "pkg/cli/apply_render.go (*applyDocument).printDetails state"}},
		// A revert's canary fails: the other revert is held.
		hintWalk{name: "revert-held", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			heldFleet = fakeapi.NewFleet(srv, walkInstance, fakeapi.FleetInstance(2))
			return nil
		}, args: walkArgs("revert", "-f", "m.yaml", "--yes", "--canary", "1", "--interval", "1s"),
			files: map[string]string{"m.yaml": walkManifest2}, distinctTokens: true,
			before: func(run func(args ...string) int, _ *fakeapi.Jobs, _ *fakeapi.Server) {
				run(walkArgs("apply", "-f", "m.yaml", "--yes", "--wait", "--interval", "1s")...)
				heldFleet.FailNextJob(walkInstance) // its revert's job ends InError
			},
			fill: map[string][]string{"JOB_ID": {revertJob}},
			accept: map[int]string{3: "the advice's 'create --dry-run' is completed with the walk's move to zone i, where the instance is: " +
				"its checks fail (zone-change), as a dry run should say"},
			sites: []hintSite{"pkg/cli/apply.go rerun revert", "pkg/cli/apply.go (*ApplyOptions).rolloutError status"}},
		hintWalk{name: "state-forget-revert", world: movingWorld, args: walkArgs("state", "forget", "-f", "m.yaml", "--revert", walkInstance),
			files: map[string]string{"m.yaml": walkManifest}, distinctTokens: true, before: revertThen(""),
			sites: []hintSite{"pkg/cli/state.go (*StateOptions).forget revert"}},
		// An offline dry run without --target-vswitch points to the online one, which lists them.
		hintWalk{name: "create-offline-no-vswitch", world: jobWorld(""),
			args: walkArgs("create", "--dry-run", "--offline", "--instance-id", walkInstance, "--target-zone", "cn-hangzhou-i",
				"--source-zone", "cn-hangzhou-h", "--source-instance-type", "ecs.g7.large"),
			accept: map[int]string{3: "the online dry run fails vswitch-zone still, listing the vSwitches to choose from: what the hint offers"},
			sites:  []hintSite{"pkg/cli/create.go (*CreateOptions).specArgs create"}},
		// A probe that fails for now: doctor again, once it answers.
		hintWalk{name: "doctor-probe-failed", world: scripted(jobWorld(""), "DescribeReplicationJobs", "smc/DescribeReplicationJobs.ServiceUnavailable.http"),
			args:  walkArgs("doctor", "--max-attempts", "1"),
			sites: []hintSite{"pkg/cli/doctor.go (*DoctorOptions).diagnose doctor"}},
		hintWalk{name: "plan-manifest", world: jobWorld(""), args: walkArgs("plan", "--instance-id", walkInstance, "--manifest", "planned.yaml"),
			files: map[string]string{}, written: []string{"planned.yaml"},
			sites: []hintSite{"pkg/cli/plan.go (*PlanOptions).writeManifest apply"}},
		// A rollout whose canary's job (instance 2's) ends InError: the other
		// migration (the walk's instance) is held; the hint's re-run resumes
		// the canary, then starts the rest.
		hintWalk{name: "apply-rollout-held", world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			fakeapi.NewFleet(srv, walkInstance, fakeapi.FleetInstance(2)).FailJob(fakeapi.FleetInstance(2))
			return nil
		}, args: walkArgs("apply", "-f", "m.yaml", "--yes", "--canary", "1", "--max-unavailable", "1"),
			files: map[string]string{"m.yaml": strings.Replace(walkManifest, "instance_id: "+walkInstance,
				"instance_id: "+fakeapi.FleetInstance(2)+"\n  - instance_id: "+walkInstance, 1)},
			fill:  map[string][]string{"JOB_ID": {fakeapi.FleetJob(fakeapi.FleetInstance(2))}},
			sites: []hintSite{"pkg/cli/apply.go (*ApplyOptions).rolloutError status", "pkg/cli/apply.go rerun apply"}},
	)
	return walks
}

// movingWorld is jobWorld("") whose instances arrive in the walk's target
// zone when their job finishes.
func movingWorld(srv *fakeapi.Server) *fakeapi.Jobs {
	fleet, m := newWalkWorld(srv, "")
	m.Finished = func(j fakeapi.ModelJob) { fleet.Move(j.InstanceID, "cn-hangzhou-i", "") }
	return m
}

// heldFleet is the fleet of the revert-held walk's current situation.
var heldFleet *fakeapi.Fleet

// revertJob is the job a revert of the walk's instance makes.
var revertJob = fakeapi.FleetJob(walkInstance) + "2"

// revertThen moves the walk's manifest and reverts it, then puts the revert
// job in status ("" deletes it).
func revertThen(status string) func(run func(args ...string) int, m *fakeapi.Jobs, srv *fakeapi.Server) {
	return func(run func(args ...string) int, m *fakeapi.Jobs, _ *fakeapi.Server) {
		m.FinishWhenPolled()
		run(walkArgs("apply", "-f", "m.yaml", "--yes", "--wait", "--interval", "1s")...)
		run(walkArgs("revert", "-f", "m.yaml", "--yes")...)
		if status == "" {
			m.Remove(revertJob)
		} else {
			m.Add(revertJob, walkInstance, status)
		}
	}
}

// applyThen runs the walk's manifest once (its job is made and recorded),
// then puts the job in status ("" deletes it).
func applyThen(status string) func(run func(args ...string) int, m *fakeapi.Jobs, srv *fakeapi.Server) {
	return func(run func(args ...string) int, m *fakeapi.Jobs, _ *fakeapi.Server) {
		run(walkArgs("apply", "-f", "m.yaml", "--yes")...)
		job := fakeapi.FleetJob(walkInstance)
		if status == "" {
			m.Remove(job)
		} else {
			m.Add(job, walkInstance, status)
		}
	}
}

// applyStateThen is applyThen with another state file.
func applyStateThen(state, status string) func(run func(args ...string) int, m *fakeapi.Jobs, srv *fakeapi.Server) {
	return func(run func(args ...string) int, m *fakeapi.Jobs, _ *fakeapi.Server) {
		run("apply", "-f", "m.yaml", "--yes", "--state", state)
		m.Add(fakeapi.FleetJob(walkInstance), walkInstance, status)
	}
}

// walkManifest is an apply manifest of the walk's instance.
const walkManifest = `region: cn-hangzhou
defaults:
  target_zone: cn-hangzhou-i
  target_vswitch: vsw-bp1mxqnssl8nafltc0001
migrations:
  - instance_id: i-bp1ff25rzvnul6kr0001
`

// walkManifest2 is an apply manifest of the walk's two instances.
const walkManifest2 = walkManifest + `  - instance_id: i-bp1ff25rzvnul6kr0002
`

// scripted answers the first request of an action with a recorded file, in a world.
func scripted(world func(*fakeapi.Server) *fakeapi.Jobs, action, file string) func(*fakeapi.Server) *fakeapi.Jobs {
	return func(srv *fakeapi.Server) *fakeapi.Jobs {
		m := world(srv)
		srv.On(action, fakeapi.Step{File: file})
		return m
	}
}

func TestHintWalk(t *testing.T) {
	apiDir, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "api")) // the runs may change directory
	if err != nil {
		t.Fatal(err)
	}
	named := map[hintSite]bool{} // sites whose command some walk declaring them met in a hint
	declared := map[hintSite]bool{}
	for _, w := range hintWalks() {
		t.Run(w.name, func(t *testing.T) {
			_, _, res := w.produce(t, apiDir)
			if testing.Verbose() {
				t.Logf("the run that gives the hints:\n%s%s", res.stdout, res.stderr)
			}
			lines := namedCommands(res.stdout + res.stderr)
			if len(lines) == 0 && !strings.HasSuffix(w.name, "Deleting") {
				t.Fatalf("the run gave no hint naming a command:\n%s%s", res.stdout, res.stderr)
			}
			for _, site := range w.sites {
				declared[site] = true
				fields := strings.Fields(site)
				for _, line := range lines {
					if leadingWord(line) == fields[len(fields)-1] {
						named[site] = true
					}
				}
			}
			for _, line := range lines {
				argv := w.complete(t, line)
				srv, m, _ := w.produce(t, apiDir)
				if m != nil {
					m.FinishWhenPolled() // time passes: a running job the operator follows ends
				}
				got := runWalked(t, srv, argv, w.freshTokens)
				out := got.stdout + got.stderr
				fail := t.Errorf
				if w.deadEnd != "" {
					fail = t.Logf
				}
				switch {
				case got.code == 2 || regexp.MustCompile(`(?i)refus|InvalidStatus`).MatchString(out):
					fail("hint %q led to a refusal (exit %d):\n$ zonemove %s\n%s", line, got.code, strings.Join(argv, " "), out)
				case got.code != 0 && w.accept[got.code] == "":
					fail("hint %q: the command ended with exit %d in the situation it is given for:\n$ zonemove %s\n%s",
						line, got.code, strings.Join(argv, " "), out)
				default:
					t.Logf("walked %q as zonemove %s: exit %d", line, strings.Join(argv, " "), got.code)
					if w.deadEnd != "" {
						t.Errorf("walk %s is marked as a dead end (%s) but every hint is accepted now: remove the mark", w.name, w.deadEnd)
					}
				}
			}
		})
	}
	for site := range declared {
		if !named[site] {
			t.Errorf("no walk that declares %q met a hint naming its command", site)
		}
	}
}

// produce builds the situation on a fresh server and runs the walk's
// command in it; the server goes on holding the situation that run left.
func (w hintWalk) produce(t *testing.T, apiDir string) (*fakeapi.Server, *fakeapi.Jobs, runResult) {
	t.Helper()
	srv := fakeapi.New(t, apiDir)
	m := w.world(srv)
	if w.files != nil {
		dir := t.TempDir()
		for name, content := range w.files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		t.Chdir(dir)
	}
	testEnv(t, srv, w.noCreds)
	if w.before != nil {
		tokens := tokenSequence()
		w.before(func(args ...string) int {
			f, _, _ := newTestFactory(false, "")
			if w.distinctTokens {
				f.NewClientToken = tokens
			}
			return Run(context.Background(), f, args)
		}, m, srv)
	}
	f, out, errOut := newTestFactory(w.stdinTTY, "")
	if w.freshTokens {
		f.NewClientToken = walkTokens("given")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if w.setup != nil {
		w.setup(f, m, cancel)
	}
	code := Run(ctx, f, w.args)
	for _, name := range w.written {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		errOut.Write(b)
	}
	if w.noCreds { // the walked commands run as the operator will, with credentials
		testEnv(t, srv, false)
	}
	return srv, m, runResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// runWalked runs a hint's command as a script would: stdin is not a
// terminal, so a command that asks for confirmation refuses without --yes.
func runWalked(t *testing.T, srv *fakeapi.Server, argv []string, freshTokens bool) runResult {
	t.Helper()
	f, out, errOut := newTestFactory(false, "")
	if freshTokens {
		f.NewClientToken = walkTokens("walked")
	}
	code := Run(context.Background(), f, argv)
	return runResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

// namedCommands finds the zonemove command lines in a run's output, as
// printed: a command quoted in prose ('zonemove ...' or "zonemove ...") ends
// at its closing quote; one that stands alone on its line (after "Next:", or
// "Hint: ... with: ") ends with the line. Each is returned without its
// leading "zonemove ".
func namedCommands(out string) []string {
	f, _, _ := newTestFactory(false, "")
	root := NewCmdRoot(f)
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		for i := 0; ; {
			j := strings.Index(line[i:], "zonemove ")
			if j < 0 {
				break
			}
			start := i + j + len("zonemove ")
			i = start
			word := leadingWord(line[start:])
			if c, _, err := root.Find([]string{word}); err != nil || c == root || c.Name() != word ||
				strings.HasPrefix(line[start+len(word):], ":") {
				continue // "zonemove creates no second job", "written by zonemove plan: ...": prose
			}
			end := len(line)
			if k := start - len("zonemove ") - 1; k >= 0 && (line[k] == '\'' || line[k] == '"') {
				if e := closingQuote(line, start, line[k]); e >= 0 {
					end = e
				}
			}
			lines = append(lines, strings.TrimSpace(line[start:end]))
			i = end
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines)
}

// closingQuote is where the quote q that opened a command at start closes:
// the next q that no word character follows ('it'\”s' goes on).
func closingQuote(line string, start int, q byte) int {
	for e := start; e < len(line); e++ {
		if line[e] != q {
			continue
		}
		if q == '\'' && strings.HasPrefix(line[e:], `'\''`) {
			e += 3
			continue
		}
		return e
	}
	return -1
}

// shellWords splits a command line as a POSIX shell would (quotes only).
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// complete turns a hint's command line into arguments, exactly as printed:
// nothing is added. Only a placeholder in capitals (JOB_ID) is replaced by
// the situation's value, as the operator who reads it must do.
func (w hintWalk) complete(t *testing.T, line string) []string {
	t.Helper()
	var argv []string
	for _, word := range shellWords(line) {
		if fill, ok := w.fill[word]; ok {
			argv = append(argv, fill...)
			continue
		}
		argv = append(argv, word)
	}
	return argv
}

// leadingWord is the lower-case letters s starts with.
func leadingWord(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, "abcdefghijklmnopqrstuvwxyz"))]
}

// TestHintParsing pins how a hint's command line is read: where it ends, and
// what is filled in.
func TestHintParsing(t *testing.T) {
	out := "Hint: j-1: resume it with 'zonemove retry j-bp17bclvg344jlyt0001 --region cn-hangzhou', or delete it with " +
		"'zonemove delete j-bp17bclvg344jlyt0001 --region cn-hangzhou --profile prod --yes' to start over\n" +
		"Written by zonemove plan: 1 of 1 instances placed; zonemove creates no second job.\n" +
		"Let running jobs finish ('zonemove list --region r' shows them), delete ('zonemove delete JOB_ID --region r')\n" +
		"  zonemove apply -f m.yaml --dry-run\n"
	lines := namedCommands(out)
	w := hintWalk{fill: map[string][]string{"JOB_ID": {"j-x"}}}
	var got []string
	for _, l := range lines {
		got = append(got, strings.Join(w.complete(t, l), " "))
	}
	want := []string{
		"apply -f m.yaml --dry-run",
		"delete j-x --region r",
		"delete j-bp17bclvg344jlyt0001 --region cn-hangzhou --profile prod --yes",
		"list --region r",
		"retry j-bp17bclvg344jlyt0001 --region cn-hangzhou",
	}
	if !slices.Equal(got, want) {
		t.Errorf("read the hints as\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// walkTokens makes distinct ClientTokens, each run's its own.
func walkTokens(run string) func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("%s-token-%d", run, n)
	}
}

// interruptedWalk is a run of retry or delete over jobs 1 to 3, all InError,
// that Ctrl-C interrupts the moment the second request of action arrives
// (that request never takes effect).
func interruptedWalk(name, action string, args []string) hintWalk {
	var arrived chan struct{}
	return hintWalk{name: name, args: args,
		world: func(srv *fakeapi.Server) *fakeapi.Jobs {
			m := jobWorld("InError")(srv)
			m.Add(jobN(2), fakeapi.FleetInstance(2), "InError")
			m.Add(jobN(3), fakeapi.FleetInstance(3), "InError")
			first := m.Start()
			if action == "DeleteReplicationJob" {
				first = m.Delete()
			}
			arrived = make(chan struct{})
			srv.On(action, first, fakeapi.Step{Hang: true, Arrive: func(*fakeapi.Request) { close(arrived) }})
			return m
		},
		setup: func(_ *Factory, _ *fakeapi.Jobs, cancel context.CancelFunc) {
			done := arrived
			go func() { <-done; cancel() }()
		},
		accept: map[int]string{}}
}
