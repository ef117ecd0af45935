package cli

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/cloud"
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

// Factory carries what commands need and what tests replace: streams,
// environment, build info, and the API session built lazily on first use.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Build     BuildInfo
	// NewClientToken makes a fresh ClientToken (a UUID); tests make it stable.
	NewClientToken func() string
	// Policy is the retry policy before --max-attempts and --request-timeout
	// apply; tests shorten its backoff.
	Policy api.Policy
	// Sleep waits between polls; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// DialGuard vets every address the API clients dial; tests refuse all
	// but loopback. Nil in the real process.
	DialGuard func(network, address string) error

	Global GlobalOptions

	mu          sync.Mutex
	session     *api.Session
	jsonWritten bool

	gathererMu sync.Mutex
	gatherer   *cloud.Fleet
}

// GlobalOptions are the flags every command has.
type GlobalOptions struct {
	Region         string
	Profile        string
	Output         string
	EndpointFlags  []string
	RequestTimeout time.Duration
	MaxAttempts    int
	Debug          bool

	Endpoints api.Endpoints
}

// JSON reports whether -o json was asked for.
func (g *GlobalOptions) JSON() bool { return g.Output == "json" }

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

// Session returns the API session, resolving credentials on first use. Without
// credentials it fails (exit 4) before anything is sent.
func (f *Factory) Session() (*api.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.session != nil {
		return f.session, nil
	}
	if f.Global.Endpoints == nil {
		// Reached without the root command (a test, a benchmark): the
		// environment's overrides still apply.
		eps, err := api.ResolveEndpoints(f.Global.EndpointFlags, f.Getenv)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err, ErrCode: "UsageError"}
		}
		f.Global.Endpoints = eps
	}
	cred, err := api.LoadCredential(f.Global.Profile)
	if err != nil {
		return nil, err
	}
	policy := f.Policy
	policy.MaxAttempts = f.Global.MaxAttempts
	policy.Timeout = f.Global.RequestTimeout
	var trace *api.Trace
	if f.Global.Debug {
		trace = api.NewTrace(f.IOStreams.ErrOut)
	}
	f.session = api.NewSession(f.Global.Region, cred, f.Global.Endpoints, policy, trace, "zonemove/"+f.Build.Version)
	f.session.DialGuard = f.DialGuard
	return f.session, nil
}

// SMC returns an SMC client of the session.
func (f *Factory) SMC() (*smc.Client, error) {
	s, err := f.Session()
	if err != nil {
		return nil, err
	}
	return smc.NewClient(s)
}

// WriteJSON writes the one JSON document of the run to stdout.
func (f *Factory) WriteJSON(v any) error {
	f.mu.Lock()
	f.jsonWritten = true
	f.mu.Unlock()
	enc := json.NewEncoder(f.IOStreams.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (f *Factory) wroteJSON() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.jsonWritten
}

// Cloud returns the ECS/VPC reader of the session.
func (f *Factory) Cloud() (*cloud.Client, error) {
	s, err := f.Session()
	if err != nil {
		return nil, err
	}
	return cloud.New(s)
}

// Gatherer returns the preflight's fact gatherer, built once per Factory so
// that every migration of a run shares its remembered lookups.
func (f *Factory) Gatherer() (*cloud.Fleet, error) {
	f.gathererMu.Lock()
	defer f.gathererMu.Unlock()
	if f.gatherer != nil {
		return f.gatherer, nil
	}
	c, err := f.Cloud()
	if err != nil {
		return nil, err
	}
	f.gatherer = cloud.NewFleet(c, f.now().Add(-preflight.SnapshotMaxAge))
	return f.gatherer, nil
}

// now is the Factory's clock (the real one unless a test set Now).
func (f *Factory) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}
