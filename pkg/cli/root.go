// Package cli holds zonemove's commands: one file per command, each with a
// constructor NewCmdX(f, runF) and an Options struct that flags fill and that
// tests can inspect without any network.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/smc"
)

// NewCmdRoot builds the zonemove command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	g := &f.Global
	cmd := &cobra.Command{
		Use:   "zonemove",
		Short: "Move Alibaba Cloud ECS instances to another zone of the same region",
		Long: `zonemove moves ECS instances to another zone of the same region, and optionally to
another size of the same instance family, through Server Migration Center's
CreateCrossZoneMigrationJob. It checks every documented obstacle before it
creates anything, follows jobs to the end, and runs batches from a manifest
without ever creating a duplicate job.

Text is for people. On a terminal, a command's table is aligned under a
header, in color, and fitted to the terminal's width (long text is cut with
"…", and less needed columns are left out); off a terminal (a pipe, a file, a
CI log), each row is one tab-separated line, without the header or color, and
nothing is cut. Scripts read -o json: one JSON document on stdout, the format
that is kept stable.`,
		Example: `  # Rehearse a migration without an account or network
  zonemove create --dry-run --offline --region cn-hangzhou \
    --instance-id i-bp1ff25rzvnul6kr0000 --target-zone cn-hangzhou-i \
    --source-zone cn-hangzhou-h --source-instance-type ecs.g7.large

  # Check it against the real account, then create it and wait for the end
  zonemove create --region cn-hangzhou --instance-id i-bp1ff25rzvnul6kr0000 \
    --target-zone cn-hangzhou-i --target-vswitch vsw-bp1mxqnssl8nafltc0000 --dry-run
  zonemove create ... --yes --wait`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		DisableAutoGenTag: true,
	}
	// --version is zonemove version, as gh and hcloud have it.
	version := NewCmdVersion(f, nil)
	showVersion := cmd.Flags().Bool("version", false, "print the version (as zonemove version)")
	cmd.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		switch {
		case c.Name() == cobra.ShellCompRequestCmd || c.Name() == cobra.ShellCompNoDescRequestCmd:
			return nil // completion must work whatever the environment holds
		case c == cmd && *showVersion:
			return version.PersistentPreRunE(c, args) // as version: only -o counts
		case c == cmd:
			return nil // the help needs nothing
		}
		return resolveGlobal(f, c)
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if *showVersion {
			return version.RunE(version, nil)
		}
		return c.Help()
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&g.Region, "region", "", "region of the instance and the job (env ALIBABA_CLOUD_REGION_ID, else the profile's region_id)")
	pf.StringVar(&g.Profile, "profile", "", "profile of the Alibaba Cloud CLI config, ~/.aliyun/config.json, for credentials and region (env ALIBABA_CLOUD_PROFILE)")
	pf.StringVarP(&g.Output, "output", "o", "text", "output format: text or json")
	pf.StringArrayVar(&g.EndpointFlags, "endpoint", nil, "override an endpoint, SERVICE=URL with SERVICE smc, ecs, vpc, slb, alb or nlb (env ZONEMOVE_ENDPOINT_SMC, _ECS, _VPC, _SLB, _ALB, _NLB)")
	pf.DurationVar(&g.RequestTimeout, "request-timeout", 30*time.Second, "bound on one API call attempt; a call that never gets an answer ends after --max-attempts times this")
	pf.IntVar(&g.MaxAttempts, "max-attempts", 4, "attempts per API call including the first")
	pf.BoolVar(&g.Debug, "debug", false, "trace every API call on stderr (never a secret)")
	_ = cmd.RegisterFlagCompletionFunc("output", fixedCompletion("text", "json"))
	_ = cmd.RegisterFlagCompletionFunc("endpoint", fixedCompletion("smc=", "ecs=", "vpc="))

	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err, ErrCode: "UsageError", Hint: "see '" + c.CommandPath() + " --help'"}
	})

	cmd.AddCommand(NewCmdCreate(f, nil))
	cmd.AddCommand(NewCmdStatus(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdWait(f, nil))
	cmd.AddCommand(NewCmdRetry(f, nil))
	cmd.AddCommand(NewCmdDelete(f, nil))
	cmd.AddCommand(NewCmdTypes(f, nil))
	cmd.AddCommand(version, NewCmdCompletion(f, nil))
	cmd.AddCommand(NewCmdApply(f, nil))
	cmd.AddCommand(NewCmdState(f, nil))
	cmd.AddCommand(NewCmdPlan(f, nil))
	cmd.AddCommand(NewCmdDoctor(f, nil))
	cmd.AddCommand(NewCmdReport(f, nil))
	cmd.AddCommand(NewCmdRevert(f, nil))
	return cmd
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	directive := cobra.ShellCompDirectiveNoFileComp
	for _, v := range values {
		if strings.HasSuffix(v, "=") {
			directive |= cobra.ShellCompDirectiveNoSpace // a prefix the user goes on typing after
		}
	}
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, directive
	}
}

// resolveGlobal validates the global flags and fills what comes from the
// environment. Nothing here touches the network.
func resolveGlobal(f *Factory, cmd *cobra.Command) error {
	g := &f.Global
	if g.Output != "text" && g.Output != "json" {
		bad := g.Output
		g.Output = "text"
		return cmdutil.UsageErrorf("invalid --output %q: want text or json", bad)
	}
	if g.Region != "" {
		g.RegionFrom = "--region"
	} else if g.Region = f.Getenv("ALIBABA_CLOUD_REGION_ID"); g.Region != "" {
		g.RegionFrom = "ALIBABA_CLOUD_REGION_ID"
	}
	if g.Profile == "" {
		g.Profile = f.Getenv("ALIBABA_CLOUD_PROFILE")
	}
	if g.Region == "" && g.Profile != "" {
		// An unreadable config or an unknown profile is reported where the
		// credentials are loaded, with exit 4 and how to fix it.
		region, err := api.ProfileRegion(g.Profile, f.Getenv)
		switch {
		case err != nil:
			g.ProfileProblem = err
		case region == "":
			g.ProfileProblem = fmt.Errorf("profile %s sets no region_id", g.Profile)
		default:
			g.Region, g.RegionFrom = region, "profile "+g.Profile
		}
	}
	if g.Region != "" {
		if err := migration.ValidateRegion("--region", g.Region); err != nil {
			return err
		}
	}
	if g.RequestTimeout <= 0 {
		return cmdutil.UsageErrorf("invalid --request-timeout %s: it must be positive", g.RequestTimeout)
	}
	if g.MaxAttempts < 1 || g.MaxAttempts > 20 {
		return cmdutil.UsageErrorf("invalid --max-attempts %d: want 1 to 20", g.MaxAttempts)
	}
	eps, err := api.ResolveEndpoints(g.EndpointFlags, f.Getenv)
	if err != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, Err: err, ErrCode: "UsageError"}
	}
	g.Endpoints = eps
	g.StdinTTY = f.IOStreams.IsStdinTTY()
	fl := cmd.Flags()
	if yes := fl.Lookup("yes"); yes != nil && yes.Changed {
		g.Yes = yes.Value.String() == "true"
	}
	if file := fl.Lookup("file"); file != nil {
		g.File = file.Value.String()
	}
	if state := fl.Lookup("state"); state != nil && state.Changed {
		g.State = state.Value.String()
	}
	return nil
}

// requireRegion fails with a usage error, before anything is sent, when no
// region is known or SMC does not serve it.
func requireRegion(region string) error {
	if region == "" {
		return regionRequired(nil)
	}
	if !smc.Serves(region) {
		return cmdutil.UsageErrorf("SMC does not serve region %s; nothing was sent. Regions it serves (API metadata of %s): %s",
			region, smc.RegionsAsOf, strings.Join(smc.Regions, ", "))
	}
	return nil
}

// errRegionRequired marks the usage error of a command that needs a region
// and has none; Run adds why a named profile gave none (ProfileProblem).
var errRegionRequired = errors.New("a region is required: pass --region, set ALIBABA_CLOUD_REGION_ID, or name a --profile that has a region_id")

// regionRequired is the error of a missing region; when a profile was named
// and could not give one, it says why (the config missing, unreadable or
// malformed, the profile unknown, or no region_id in it).
func regionRequired(profileProblem error) error {
	if profileProblem != nil {
		return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "UsageError",
			Err:  fmt.Errorf("a region is required, and the profile gave none: %w", profileProblem),
			Hint: "fix the profile (aliyun configure --profile NAME), or pass --region or set ALIBABA_CLOUD_REGION_ID"}
	}
	return &cmdutil.ExitError{Code: cmdutil.ExitUsage, ErrCode: "UsageError", Err: errRegionRequired}
}

// Run executes zonemove with args and returns the process's exit code. Errors
// are reported here: on stderr for people, and as the JSON document's "error"
// when -o json was asked for and the command wrote no document of its own.
func Run(ctx context.Context, f *Factory, args []string) int {
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if errors.Is(err, errRegionRequired) && f.Global.ProfileProblem != nil {
		err = regionRequired(f.Global.ProfileProblem)
	}
	if ctx.Err() != nil && ExitCode(err) != cmdutil.ExitInterrupted {
		var ae *apierr.Error
		if !errors.As(err, &ae) {
			err = &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: fmt.Errorf("interrupted: %w", err), ErrCode: "Interrupted"}
		}
	}
	var ee *cmdutil.ExitError
	if ran == cmd && !errors.As(err, &ee) {
		// The root runs nothing and its flag errors are typed: what it
		// returns untyped is cobra's refusal of a word that names no command.
		err = cmdutil.UnknownCommand(err)
	}
	code := ExitCode(err)
	if out := f.Output(); wantsJSON(f, args) && !out.wroteJSON() {
		_ = out.WriteJSON(map[string]any{"error": errorBody(err, f.Global.commands())})
	}
	reportError(f, err)
	return code
}

// reportError writes the error for people on stderr: the message, the API's
// request ID, and what to do next.
// It writes the body that the JSON document's "error" carries.
func reportError(f *Factory, err error) {
	w, b := f.IOStreams.ErrOut, errorBody(err, f.Global.commands())
	fmt.Fprintf(w, "Error: %s\n", b.Message)
	if b.RequestID != "" {
		fmt.Fprintf(w, "Request ID: %s\n", b.RequestID)
	}
	if b.Hint != "" {
		fmt.Fprintf(w, "Hint: %s\n", b.Hint)
	}
}

// wantsJSON tells whether the run asked for JSON, even when flag parsing
// stopped before -o was read.
func wantsJSON(f *Factory, args []string) bool {
	if f.Global.Output == "json" {
		return true
	}
	for i, a := range args {
		if a == "--" {
			break
		}
		if a == "-ojson" || a == "--output=json" || a == "-o=json" ||
			((a == "-o" || a == "--output") && i+1 < len(args) && args[i+1] == "json") {
			return true
		}
	}
	return false
}
