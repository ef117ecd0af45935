package cli

import (
	"errors"
	"fmt"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/next"
)

// apiHints says what to do about an API error code. Codes from the
// CreateCrossZoneMigrationJob reference page and the common ones.
var apiHints = map[string]next.Hint{
	"EntityNotExist.Role": next.Text("SMC works through the service-linked role AliyunServiceRoleForSMC, which this account lacks. " +
		"An administrator creates it once: in the RAM console (Roles, create a service-linked role for Server Migration Center), " +
		"or by accepting the authorization prompt of the SMC console; this needs ram:CreateServiceLinkedRole. Then repeat the command."),
	"QuotaExceeded.ReplicationJob": next.Hintf("The account has as many replication jobs as its quota allows. Let running jobs finish "+
		"('%s' shows them), delete old ones that will not be resumed ('%s'), or submit a ticket to raise the quota.",
		next.Cmd("list"), next.Cmd("delete", "JOB_ID").Confirmed()),
	"SignatureDoesNotMatch": next.Text("The request signature was refused: check the AccessKey secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET " +
		"or the profile's) for typos or whitespace, and that this machine's clock is correct (the signature carries the time)."),
	"IncompleteSignature":          next.Text("The request signature was refused: check the AccessKey secret and this machine's clock."),
	"InvalidAccessKeyId.NotFound":  next.Text("The AccessKey ID does not exist: check ALIBABA_CLOUD_ACCESS_KEY_ID or the profile (--profile), and that the key was not deleted."),
	"InvalidAccessKeyId.Inactive":  next.Text("The AccessKey is disabled: enable it or create a new one in the RAM console."),
	"InvalidSecurityToken.Expired": next.Text("The STS token has expired: obtain a new one (ALIBABA_CLOUD_SECURITY_TOKEN) or use a profile that refreshes it."),
	"Forbidden.RAM": next.Text("The RAM identity may not call this action: attach a policy that allows it " +
		"(docs/getting-started.md lists the exact actions zonemove needs)."),
	"Forbidden":          next.Text("Access denied: attach a RAM policy that allows this action (docs/getting-started.md lists them)."),
	"NoPermission":       next.Text("Access denied: attach a RAM policy that allows this action (docs/getting-started.md lists them)."),
	"Throttling":         next.Text("The API throttled the request even after backing off: wait a minute and repeat, or raise --max-attempts."),
	"Throttling.User":    next.Text("Your account's request rate is throttled: wait a minute and repeat, or lower the concurrency of other tools."),
	"Throttling.Api":     next.Text("This API's request rate is throttled: wait a minute and repeat, or raise --max-attempts."),
	"ServiceUnavailable": next.Text("The service is unavailable for now: repeat later."),
	"InternalError":      next.Text("The service failed to process the request: repeat later; if it persists, submit a ticket with the request ID."),
	"SourceServerState.Invalid": next.Text("The instance is not in a state that allows migration: it must be Running or Stopped with no " +
		"operation lock (a dry run of the same create shows its state)."),
	"VSwitchIdVpcId.Mismatch": next.Text("The target vSwitch is not in the instance's VPC: choose a vSwitch of that VPC in the target zone " +
		"(without --target-vswitch, a dry run lists them)."),
	"InvalidSecurityGroupId.IncorrectNetworkType": next.Text("A security group of the instance is not of the VPC network type: move the " +
		"instance to VPC security groups before migrating."),
	"InvalidSecurityGroupId.VPCMismatch": next.Text("The instance's security groups are in another VPC than the target vSwitch: choose a " +
		"vSwitch of the instance's own VPC."),
	"ReplicationJobDataDiskIndex.Invalid": next.Text("A --disk names a disk that is not a data disk of this instance: check the disk IDs " +
		"(a dry run checks them with disk-owner)."),
	"ReplicationJobName.Duplicate": next.Hintf("A replication job of the same name exists: see '%s'.", next.Cmd("list")),
	"IdempotentParameterMismatch": next.Hintf("This ClientToken was sent before with other values, so the API refused to reuse it: "+
		"the earlier create may have made a job ('%s' shows it). To create this migration as well, repeat the command "+
		"without --client-token (a new token is made); to finish the earlier one, repeat it with its own values.", next.Cmd("list")),
	"ReplicationJob.InvalidStatus": next.Hintf("The job's status does not allow this (it may have changed meanwhile): '%s' shows it; retry resumes only Ready, Stopped and InError jobs, and delete removes any job that is not Running.", next.Cmd("status", "JOB_ID")),
	apierr.CodeTimeout: next.Text("No answer within --request-timeout: check network access to the endpoint and any proxy " +
		"(HTTPS_PROXY: one that accepts connections and never answers looks like this). A call that gets no answer ends after " +
		"--max-attempts × --request-timeout (4 × 30s by default); lower them to give up sooner, or raise --request-timeout for a slow link."),
	apierr.CodeConnection:         next.Text("The connection to the endpoint failed: check network access, proxies (HTTPS_PROXY) and --endpoint."),
	apierr.CodeUnexpectedResponse: next.Text("The service sent an answer zonemove could not read: repeat with --debug and report it with the request ID."),
	apierr.CodeNoCredentials:      next.Text(api.CredentialHelp),
}

// hintFor returns the hint of an error, its steps as command lines with the
// run's flags (cmds): the ExitError's own, else the one of the error it
// wraps that says what to do next, else the API code's.
func hintFor(err error, cmds cmdutil.Commands) string {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Hint != "" {
		return ee.Hint
	}
	if ee != nil && !ee.Next.IsZero() {
		return cmds.Hint(ee.Next)
	}
	var nh next.Hinter
	if errors.As(err, &nh) {
		if h := nh.NextHint(); !h.IsZero() {
			return cmds.Hint(h)
		}
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		if h, ok := apiHints[ae.Code]; ok {
			return cmds.Hint(h)
		}
		switch {
		case ae.IsAuth():
			return fmt.Sprintf("Access denied: make sure your RAM identity may call %s:%s.", ae.Service, ae.Action)
		case ae.HTTPStatus >= 500:
			return cmds.Hint(apiHints["InternalError"])
		}
	}
	return ""
}

// ErrorBody is the "error" object of every JSON document that reports a failure.
type ErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
	Hint      string `json:"hint"`
}

// errorBody describes err for the JSON document.
func errorBody(err error, cmds cmdutil.Commands) *ErrorBody {
	if err == nil {
		return nil
	}
	b := &ErrorBody{Message: err.Error(), Hint: hintFor(err, cmds)}
	var ee *cmdutil.ExitError
	var ae *apierr.Error
	switch {
	case errors.As(err, &ae):
		b.Code, b.RequestID = ae.Code, ae.RequestID
	case errors.As(err, &ee) && ee.ErrCode != "":
		b.Code = ee.ErrCode
	default:
		_, b.Code, _ = domainError(err)
	}
	if b.Code == "" {
		b.Code = defaultCode(ExitCode(err))
	}
	return b
}

func defaultCode(exit int) string {
	switch exit {
	case cmdutil.ExitUsage:
		return "UsageError"
	case cmdutil.ExitCheckFailed:
		return "CheckFailed"
	case cmdutil.ExitAuth:
		return "AuthError"
	case cmdutil.ExitJobFailed:
		return "JobFailed"
	case cmdutil.ExitTimeout:
		return "WaitTimeout"
	case cmdutil.ExitDeferred:
		return "Deferred"
	case cmdutil.ExitInterrupted:
		return "Interrupted"
	}
	return "Error"
}
