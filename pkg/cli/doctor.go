package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/next"
)

// DoctorOptions are the values of zonemove doctor and what it needs.
type DoctorOptions struct {
	IO         *iostreams.IOStreams
	Out        *Output
	Region     string
	RegionFrom string
	// Overridden are the services whose endpoint --endpoint or a variable set.
	Overridden api.Endpoints
	Credential func() (api.CredentialInfo, error)
	// ProfileProblem is why the named profile gave no region, if it did not.
	ProfileProblem error
	Cloud          func() (*cloud.Client, error)
}

// unprobed are the actions a probe would change something with: doctor names
// them and says what covers them instead.
var unprobed = []struct{ action, why string }{
	{"smc:CreateCrossZoneMigrationJob", "a call would create a job"},
	{"smc:StartReplicationJob", "a call would resume a job"},
	{"smc:DeleteReplicationJob", "a call would delete a job"},
	{"ecs:CreateSnapshotGroup", "a call would take a snapshot group (--snapshot)"},
	{"ecs:RunCommand", "a call would run a command on an instance (--verify)"},
	{"slb:DescribeLoadBalancerAttribute", "needs a load balancer's ID"},
	{"slb:DescribeVServerGroups", "needs a load balancer's ID"},
	{"slb:DescribeVServerGroupAttribute", "needs a vServer group's ID"},
	{"nlb:GetJobStatus", "needs a job's ID"},
	{"slb:AddBackendServers", "a call would change a load balancer (--backends restore)"},
	{"slb:SetBackendServers", "a call would change a load balancer (--backends drain)"},
	{"slb:RemoveBackendServers", "a call would change a load balancer (--backends restore)"},
	{"slb:AddVServerGroupBackendServers", "a call would change a load balancer (--backends restore)"},
	{"slb:SetVServerGroupAttribute", "a call would change a load balancer (--backends drain)"},
	{"slb:RemoveVServerGroupBackendServers", "a call would change a load balancer (--backends restore)"},
	{"alb:AddServersToServerGroup", "a call would change a server group (--backends restore)"},
	{"alb:UpdateServerGroupServersAttribute", "a call would change a server group (--backends drain)"},
	{"alb:RemoveServersFromServerGroup", "a call would change a server group (--backends restore)"},
	{"nlb:AddServersToServerGroup", "a call would change a server group (--backends restore)"},
	{"nlb:UpdateServerGroupServersAttribute", "a call would change a server group (--backends drain)"},
	{"nlb:RemoveServersFromServerGroup", "a call would change a server group (--backends restore)"},
}

// policyNote is what covers the actions doctor cannot probe.
const policyNote = "The RAM policy in docs/getting-started.md (Permissions) allows the actions not probed; if yours is another, make sure it allows them."

// NewCmdDoctor builds zonemove doctor.
func NewCmdDoctor(f *Factory, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check credentials, region, endpoints and API access, creating nothing",
		Long: `Check, before a maintenance window, that zonemove can do its work from here:
which credentials it uses (the AccessKey ID masked), the region and where it
came from, the endpoint of each service, and whether this identity may call
each API action zonemove uses.

Each read-only action is probed with one harmless call, the smallest the API
takes. The actions that would change something (create, resume or delete a
job) are never called: doctor names them, and the RAM policy in
docs/getting-started.md allows them. Nothing is ever created.

Exit status: 0 when every probe was allowed, 4 when credentials are missing or
an action is denied (the action is named), 1 when a probe failed otherwise
(network, server).`,
		Example: `  zonemove doctor --region cn-hangzhou
  zonemove doctor --profile ops -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g := &f.Global
			o.Region, o.RegionFrom, o.Overridden = g.Region, g.RegionFrom, g.Endpoints
			o.Credential = func() (api.CredentialInfo, error) {
				cred, err := api.LoadCredential(g.Profile)
				if err != nil {
					return api.CredentialInfo{}, err
				}
				return api.DescribeCredential(cred)
			}
			o.Cloud = func() (*cloud.Client, error) { return f.Cloud(o.Region, nil) }
			o.ProfileProblem = g.ProfileProblem
			// Without a region doctor still reports the credentials, then
			// says what is missing (diagnose).
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	return cmd
}

type doctorDocument struct {
	Credentials *api.CredentialInfo `json:"credentials"`
	Region      string              `json:"region"`
	RegionFrom  string              `json:"region_from"`
	Endpoints   []doctorEndpoint    `json:"endpoints"`
	Actions     []doctorAction      `json:"actions"`
	errorField
}

type doctorEndpoint struct {
	Service    string `json:"service"`
	URL        string `json:"url"`
	Overridden bool   `json:"overridden"`
}

type doctorAction struct {
	Action string     `json:"action"` // service:Action, as RAM policies name it
	Status string     `json:"status"` // allowed, denied, failed or not_probed
	Reason string     `json:"reason,omitempty"`
	Error  *ErrorBody `json:"error,omitempty"`
}

func (o *DoctorOptions) run(ctx context.Context) error {
	doc := &doctorDocument{Region: o.Region, RegionFrom: o.RegionFrom, Endpoints: []doctorEndpoint{}, Actions: []doctorAction{}}
	err := o.diagnose(ctx, doc)
	return o.Out.Render(doc, err)
}

// diagnose fills doc and returns what ends the command: missing credentials,
// the denied actions, or the probes that failed otherwise.
func (o *DoctorOptions) diagnose(ctx context.Context, doc *doctorDocument) error {
	info, err := o.Credential()
	if err != nil {
		return err
	}
	doc.Credentials = &info
	if o.Region == "" {
		return regionRequired(o.ProfileProblem)
	}
	client, err := o.Cloud()
	if err != nil {
		return err
	}
	eps := client.Endpoints()
	for _, s := range api.Services {
		if eps[s] == "" { // a service this build does not call yet
			continue
		}
		_, overridden := o.Overridden[s]
		doc.Endpoints = append(doc.Endpoints, doctorEndpoint{Service: s, URL: eps[s], Overridden: overridden})
	}
	var denied, failed []string
	var firstFailure error
	var rejected *apierr.Error
	for _, p := range cloud.Probes {
		name := p.Service + ":" + p.Action
		a := doctorAction{Action: name, Status: "allowed"}
		if rejected != nil {
			doc.Actions = append(doc.Actions, doctorAction{Action: name, Status: "not_probed", Reason: "the key was rejected"})
			continue
		}
		if err := client.Probe(ctx, p.Service, p.Action); err != nil {
			if ctx.Err() != nil {
				return err
			}
			var ae *apierr.Error
			if errors.As(err, &ae) && keyRejected(ae.Code) {
				// Every other call would be refused the same way: it is the
				// key (or the clock), not a permission of this action.
				a.Status = "failed"
				rejected = ae
			} else if errors.As(err, &ae) && ae.IsAuth() {
				a.Status = "denied"
				denied = append(denied, name)
			} else {
				a.Status = "failed"
				failed = append(failed, name)
				if firstFailure == nil {
					firstFailure = err
				}
			}
			a.Error = errorBody(err, o.Out.commands())
		}
		doc.Actions = append(doc.Actions, a)
	}
	for _, u := range unprobed {
		doc.Actions = append(doc.Actions, doctorAction{Action: u.action, Status: "not_probed", Reason: u.why})
	}
	switch {
	case rejected != nil:
		return &cmdutil.ExitError{Code: cmdutil.ExitAuth, ErrCode: rejected.Code,
			Err:  fmt.Errorf("the AccessKey %s from %s was rejected: %s (request ID %s)", info.AccessKeyID, info.Source, rejected.Code, rejected.RequestID),
			Hint: rejectedHint(rejected.Code, info.Source)}
	case len(denied) > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitAuth, ErrCode: "AccessDenied",
			Err:  fmt.Errorf("access denied to %s", strings.Join(denied, ", ")),
			Hint: "attach the RAM policy of docs/getting-started.md (Permissions) to this identity: it allows every action zonemove calls"}
	case len(failed) > 0:
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "ProbeFailed",
			Err:  fmt.Errorf("could not probe %s: %w", strings.Join(failed, ", "), firstFailure),
			Next: next.Hintf("run '%s' again; with --debug it traces every call", next.Cmd("doctor"))}
	}
	return nil
}

// Text writes the credentials, region and endpoints, and each action's probe.
func (doc *doctorDocument) Text(ios *iostreams.IOStreams) {
	w, cs := ios.Out, ios.ColorScheme()
	if c := doc.Credentials; c != nil {
		kind := "AccessKey"
		if c.STS {
			kind = "STS AccessKey"
		}
		fmt.Fprintf(w, "Credentials  %s, %s %s\n", c.Source, kind, c.AccessKeyID)
	} else {
		fmt.Fprintf(w, "Credentials  none found\n")
	}
	if doc.Region == "" {
		fmt.Fprintf(w, "Region       none\n")
	} else {
		fmt.Fprintf(w, "Region       %s (from %s)\n", doc.Region, doc.RegionFrom)
	}
	for i, e := range doc.Endpoints {
		label := "Endpoints"
		if i > 0 {
			label = ""
		}
		note := ""
		if e.Overridden {
			note = " (overridden)"
		}
		fmt.Fprintf(w, "%-12s %s  %s%s\n", label, e.Service, e.URL, note)
	}
	if len(doc.Actions) == 0 {
		return
	}
	fmt.Fprintf(w, "\nAPI actions (one read-only call each; nothing is created)\n")
	width := 0
	for _, a := range doc.Actions {
		width = max(width, len(a.Action))
	}
	for _, a := range doc.Actions {
		var mark, detail string
		switch a.Status {
		case "allowed":
			mark = cs.Green("✓ allowed   ")
		case "denied":
			mark = cs.Red("✗ denied    ")
		case "failed":
			mark = cs.Red("✗ failed    ")
		default:
			mark = cs.Gray("- not probed")
			detail = a.Reason
		}
		if a.Error != nil {
			detail = a.Error.Code
			if a.Error.RequestID != "" {
				detail += " (request ID " + a.Error.RequestID + ")"
			}
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s  %-*s  %s", mark, width, a.Action, detail), " "))
	}
	fmt.Fprintf(w, "\n%s\n", policyNote)
}

// keyRejected says whether an API error code refuses the caller's key or
// signature as such, whatever the action: a deleted, disabled or rotated
// key, a wrong secret, an expired token, or a clock off by too much.
func keyRejected(code string) bool {
	switch code {
	case "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "InvalidAccessKeyId", "Forbidden.AccessKeyDisabled",
		"SignatureDoesNotMatch", "IncompleteSignature", "InvalidTimeStamp.Expired",
		"InvalidSecurityToken.Expired", "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey":
		return true
	}
	return false
}

// rejectedHint says what to do about a rejected key, naming where it came from.
func rejectedHint(code, source string) string {
	switch code {
	case "InvalidTimeStamp.Expired":
		return "this machine's clock is off by more than the 15 minutes the API allows: sync it (timedatectl set-ntp true, or chronyc makestep), then repeat"
	case "SignatureDoesNotMatch", "IncompleteSignature":
		return "the AccessKey secret does not match the key ID: fix the secret in " + source + " (no stray whitespace), and check this machine's clock"
	case "InvalidSecurityToken.Expired", "InvalidSecurityToken.Malformed", "InvalidSecurityToken.MismatchWithAccessKey":
		return "the STS token in " + source + " is expired or does not belong to the key: obtain a new token with its key pair"
	}
	return "the key was deleted, disabled or rotated: put a current AccessKey in " + source + " (the RAM console lists the user's keys)"
}
