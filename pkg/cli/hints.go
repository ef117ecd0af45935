package cli

import (
	"errors"
	"fmt"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/cmdutil"
)

// apiHints says what to do about an API error code. Codes from the
// CreateCrossZoneMigrationJob reference page and the common ones.
var apiHints = map[string]string{
	"EntityNotExist.Role": "SMC works through the service-linked role AliyunServiceRoleForSMC, which this account lacks. " +
		"An administrator creates it once: in the RAM console (Roles, create a service-linked role for Server Migration Center), " +
		"or by accepting the authorization prompt of the SMC console; this needs ram:CreateServiceLinkedRole. Then repeat the command.",
	"QuotaExceeded.ReplicationJob": "The account has as many replication jobs as its quota allows. Let running jobs finish " +
		"(zonemove list), delete old ones that will not be resumed (zonemove delete JOB_ID), or submit a ticket to raise the quota.",
	"SignatureDoesNotMatch": "The request signature was refused: check the AccessKey secret (ALIBABA_CLOUD_ACCESS_KEY_SECRET " +
		"or the profile's) for typos or whitespace, and that this machine's clock is correct (the signature carries the time).",
	"IncompleteSignature":          "The request signature was refused: check the AccessKey secret and this machine's clock.",
	"InvalidAccessKeyId.NotFound":  "The AccessKey ID does not exist: check ALIBABA_CLOUD_ACCESS_KEY_ID or the profile (--profile), and that the key was not deleted.",
	"InvalidAccessKeyId.Inactive":  "The AccessKey is disabled: enable it or create a new one in the RAM console.",
	"InvalidSecurityToken.Expired": "The STS token has expired: obtain a new one (ALIBABA_CLOUD_SECURITY_TOKEN) or use a profile that refreshes it.",
	"Forbidden.RAM": "The RAM identity may not call this action: attach a policy that allows it " +
		"(docs/getting-started.md lists the exact actions zonemove needs).",
	"Forbidden":          "Access denied: attach a RAM policy that allows this action (docs/getting-started.md lists them).",
	"NoPermission":       "Access denied: attach a RAM policy that allows this action (docs/getting-started.md lists them).",
	"Throttling":         "The API throttled the request even after backing off: wait a minute and repeat, or raise --max-attempts.",
	"Throttling.User":    "Your account's request rate is throttled: wait a minute and repeat, or lower the concurrency of other tools.",
	"Throttling.Api":     "This API's request rate is throttled: wait a minute and repeat, or raise --max-attempts.",
	"ServiceUnavailable": "The service is unavailable for now: repeat later.",
	"InternalError":      "The service failed to process the request: repeat later; if it persists, submit a ticket with the request ID.",
	"SourceServerState.Invalid": "The instance is not in a state that allows migration: it must be Running or Stopped with no " +
		"operation lock (zonemove create --dry-run shows its state).",
	"VSwitchIdVpcId.Mismatch": "The target vSwitch is not in the instance's VPC: choose a vSwitch of that VPC in the target zone " +
		"(without --target-vswitch, a dry run lists them).",
	"InvalidSecurityGroupId.IncorrectNetworkType": "A security group of the instance is not of the VPC network type: move the " +
		"instance to VPC security groups before migrating.",
	"InvalidSecurityGroupId.VPCMismatch": "The instance's security groups are in another VPC than the target vSwitch: choose a " +
		"vSwitch of the instance's own VPC.",
	"ReplicationJobDataDiskIndex.Invalid": "A --disk names a disk that is not a data disk of this instance: check the disk IDs " +
		"(a dry run checks them with disk-owner).",
	"ReplicationJobName.Duplicate": "A replication job of the same name exists: see 'zonemove list'.",
	"IdempotentParameterMismatch": "This ClientToken was sent before with other values, so the API refused to reuse it: " +
		"the earlier create may have made a job ('zonemove list' shows it). To create this migration as well, repeat the command " +
		"without --client-token (a new token is made); to finish the earlier one, repeat it with its own values.",
	"ReplicationJob.InvalidStatus": "The job's status does not allow this (it may have changed meanwhile): 'zonemove status JOB_ID' shows it; retry resumes only Ready, Stopped and InError jobs, and delete removes any job that is not Running.",
	apierr.CodeTimeout:             "No answer within --request-timeout: check network access to the endpoint, or raise --request-timeout.",
	apierr.CodeConnection:          "The connection to the endpoint failed: check network access, proxies (HTTPS_PROXY) and --endpoint.",
	apierr.CodeUnexpectedResponse:  "The service sent an answer zonemove could not read: repeat with --debug and report it with the request ID.",
	apierr.CodeNoCredentials:       api.CredentialHelp,
}

// hintFor returns the hint of an error: the ExitError's own, or the API code's.
func hintFor(err error) string {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) && ee.Hint != "" {
		return ee.Hint
	}
	var ae *apierr.Error
	if errors.As(err, &ae) {
		if h, ok := apiHints[ae.Code]; ok {
			return h
		}
		switch {
		case ae.IsAuth():
			return fmt.Sprintf("Access denied: make sure your RAM identity may call %s:%s.", ae.Service, ae.Action)
		case ae.HTTPStatus >= 500:
			return apiHints["InternalError"]
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
func errorBody(err error) *ErrorBody {
	if err == nil {
		return nil
	}
	b := &ErrorBody{Message: err.Error(), Hint: hintFor(err)}
	var ee *cmdutil.ExitError
	var ae *apierr.Error
	switch {
	case errors.As(err, &ae):
		b.Code, b.RequestID = ae.Code, ae.RequestID
	case errors.As(err, &ee) && ee.ErrCode != "":
		b.Code = ee.ErrCode
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
