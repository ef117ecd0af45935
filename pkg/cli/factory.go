package cli

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/preflight"
	"github.com/zonemove/zonemove/pkg/smc"
)

// BuildInfo is stamped into the binary at release time (ldflags).
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

// Factory wires the commands: it holds the process's streams, environment,
// clock and policies, and builds API clients on demand. Commands take from it
// the narrow dependencies their Options hold; it runs no command logic.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Build     BuildInfo
	// NewClientToken makes a fresh ClientToken (a UUID).
	NewClientToken func() string
	// Policy is the retry policy before --max-attempts and --request-timeout apply.
	Policy api.Policy
	// Sleep waits between polls.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// DialGuard vets every address the API clients dial; nil lets all through.
	DialGuard func(network, address string) error
	// CompletionBound gives a shell completion's account lookup its deadline;
	// nil is completionTimeout.
	CompletionBound func(context.Context) (context.Context, context.CancelFunc)

	Global GlobalOptions

	mu        sync.Mutex
	sessions  map[apiScope]*api.Session
	gatherers map[apiScope]*cloud.Gatherer
	// withMembers are the gatherers that read load balancer memberships too
	// (checkGatherer).
	withMembers map[*cloud.Gatherer]bool
	members     map[apiScope]*cloud.Memberships
	output      *Output
}

// apiScope is where a session's calls go: a region, and the pace every call
// of a batch shares (nil: no pace).
type apiScope struct {
	region  string
	limiter *rate.Limiter
}

// GlobalOptions are the flags every command has.
type GlobalOptions struct {
	Region     string
	RegionFrom string // where Region came from: --region, the variable, a profile
	Profile    string
	// ProfileProblem is why the named profile gave no region (the config is
	// missing, unreadable or malformed, the profile unknown, no region_id).
	ProfileProblem error
	Output         string
	EndpointFlags  []string
	RequestTimeout time.Duration
	MaxAttempts    int
	Debug          bool

	Endpoints api.Endpoints

	// What the command lines of hints carry besides the region and profile
	// (cmdutil.Commands): the command's -f and --state, whether it had
	// --yes, and whether stdin was a terminal; ManifestRegion is a batch's
	// region, when neither --region nor the environment gave one.
	File, State    string
	Yes, StdinTTY  bool
	ManifestRegion string
}

// JSON reports whether -o json was asked for.
func (g *GlobalOptions) JSON() bool { return g.Output == "json" }

// commands are the command lines hints print, on this run's region and profile.
func (g *GlobalOptions) commands() cmdutil.Commands {
	c := cmdutil.Commands{Region: g.Region, Profile: g.Profile, File: g.File, State: g.State, Yes: g.Yes || !g.StdinTTY}
	if c.Region == "" {
		c.Region = g.ManifestRegion
	}
	return c
}

// NewFactory returns the factory of the real process.
func NewFactory(build BuildInfo) *Factory {
	return &Factory{
		IOStreams:      iostreams.System(),
		Getenv:         os.Getenv,
		Build:          build,
		NewClientToken: uuid.NewString,
		Policy:         api.DefaultPolicy(),
		Sleep:          sleepContext,
		Now:            time.Now,
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Output returns the run's output: one per Factory, so that the error of a
// command that wrote no JSON document of its own can still be one.
func (f *Factory) Output() *Output {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.output == nil {
		f.output = &Output{IO: f.IOStreams, global: &f.Global}
	}
	return f.output
}

// Session returns the API session of a region, resolving credentials on first
// use; with a limiter every call of the session waits for its pace. Without
// credentials it fails (exit 4) before anything is sent.
func (f *Factory) Session(region string, limiter *rate.Limiter) (*api.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	scope := apiScope{region, limiter}
	if s := f.sessions[scope]; s != nil {
		return s, nil
	}
	eps := f.Global.Endpoints
	if eps == nil {
		// Reached without the root command (a test, a benchmark): the
		// environment's overrides still apply.
		var err error
		if eps, err = api.ResolveEndpoints(f.Global.EndpointFlags, f.Getenv); err != nil {
			return nil, &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err, ErrCode: "UsageError"}
		}
	}
	cred, err := api.LoadCredential(f.Global.Profile)
	if err != nil {
		return nil, err
	}
	policy := f.Policy
	policy.MaxAttempts = f.Global.MaxAttempts
	policy.Timeout = f.Global.RequestTimeout
	if limiter != nil {
		policy.Limiter = limiter
	}
	var trace *api.Trace
	if f.Global.Debug {
		trace = api.NewTrace(f.IOStreams.ErrOut)
	}
	s := api.NewSession(region, cred, eps, policy, trace, "zonemove/"+f.Build.Version)
	s.DialGuard = f.DialGuard
	if f.sessions == nil {
		f.sessions = map[apiScope]*api.Session{}
	}
	f.sessions[scope] = s
	return s, nil
}

// SMC returns an SMC client of the region's session.
func (f *Factory) SMC(region string, limiter *rate.Limiter) (*smc.Client, error) {
	s, err := f.Session(region, limiter)
	if err != nil {
		return nil, err
	}
	return smc.NewClient(s)
}

// Cloud returns the ECS/VPC reader of the region's session.
func (f *Factory) Cloud(region string, limiter *rate.Limiter) (*cloud.Client, error) {
	s, err := f.Session(region, limiter)
	if err != nil {
		return nil, err
	}
	return cloud.New(s)
}

// Gatherer returns the preflight's fact gatherer of the region, built once so
// that every migration of a run shares its remembered lookups.
func (f *Factory) Gatherer(region string, limiter *rate.Limiter) (*cloud.Gatherer, error) {
	scope := apiScope{region, limiter}
	f.mu.Lock()
	g := f.gatherers[scope]
	f.mu.Unlock()
	if g != nil {
		return g, nil
	}
	c, err := f.Cloud(region, limiter)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if g := f.gatherers[scope]; g != nil {
		return g, nil // another migration of the batch built it meanwhile
	}
	if f.gatherers == nil {
		f.gatherers = map[apiScope]*cloud.Gatherer{}
	}
	f.gatherers[scope] = cloud.NewGatherer(c, f.Now().Add(-preflight.SnapshotMaxAge))
	return f.gatherers[scope], nil
}

// Follower returns what follows jobs of a region to their end.
func (f *Factory) Follower(cmds cmdutil.Commands, limiter *rate.Limiter) *follow.Follower {
	return &follow.Follower{
		IO:     f.IOStreams,
		SMC:    func() (*smc.Client, error) { return f.SMC(cmds.Region, limiter) },
		Cloud:  func() (*cloud.Client, error) { return f.Cloud(cmds.Region, limiter) },
		Now:    f.Now,
		Sleep:  f.Sleep,
		Region: cmds.Region,
		Line:   cmds.Step,
	}
}

// Checker returns the preflight of migrations in a region. It is safe to
// call concurrently: facts shared by several migrations are fetched once.
func (f *Factory) Checker(region string, limiter *rate.Limiter) PreflightFunc {
	g := lazyGatherer(func() (*cloud.Gatherer, error) { return f.checkGatherer(region, limiter) })
	return func(ctx context.Context, req preflight.Request) (*preflight.Report, error) {
		return preflight.Run(ctx, g, req, f.Now())
	}
}

// Prefetcher returns what reads, in bulk, the facts of a batch's migrations
// in a region, for the Checker of the same region and limiter to find.
func (f *Factory) Prefetcher(region string, limiter *rate.Limiter) batch.PrefetchFunc {
	return func(ctx context.Context, ms []*batch.Migration) error {
		g, err := f.checkGatherer(region, limiter)
		if err != nil {
			return err
		}
		return g.Prefetch(ctx, checkTargets(ms))
	}
}
