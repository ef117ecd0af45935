package ecs

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/zonemove/zonemove/pkg/api"
)

// Cloud Assistant command types, by the instance's OSType.
const (
	RunShellScript      = "RunShellScript"      // Linux
	RunPowerShellScript = "RunPowerShellScript" // Windows
)

// CommandTypeFor is the command type that runs a script on an instance of
// the OSType (DescribeInstances: linux or windows).
func CommandTypeFor(osType string) string {
	if strings.EqualFold(osType, "windows") {
		return RunPowerShellScript
	}
	return RunShellScript
}

// Limits of RunCommand (API reference, 2026): the Base64 content of a command
// not kept is at most 24 KB; Timeout is in seconds (default 60).
const (
	MaxCommandContentBase64 = 24 * 1024
	DefaultCommandTimeout   = 60
)

// RunCommandRequest runs a script once on instances, without keeping the
// command. ContentEncoding Base64 carries any script byte for byte.
type RunCommandRequest struct {
	RegionId        string   `json:"RegionId"`
	Type            string   `json:"Type"`
	CommandContent  string   `json:"CommandContent"`
	ContentEncoding string   `json:"ContentEncoding,omitempty"`
	InstanceId      []string `json:"InstanceId"`
	Timeout         int64    `json:"Timeout,omitempty"` // seconds
	Name            string   `json:"Name,omitempty"`
	ClientToken     string   `json:"ClientToken,omitempty"`
}

// EncodeScript is CommandContent for a script sent with ContentEncoding Base64.
func EncodeScript(script string) string { return base64.StdEncoding.EncodeToString([]byte(script)) }

// RunCommandResponseBody names the command and its run (the invocation).
type RunCommandResponseBody struct {
	RequestId string `json:"RequestId"`
	CommandId string `json:"CommandId"`
	InvokeId  string `json:"InvokeId"`
}

// RunCommand runs a command through Cloud Assistant. A retried attempt
// carries the same ClientToken, so the command runs once.
func (c *Client) RunCommand(ctx context.Context, req *RunCommandRequest) (*RunCommandResponseBody, error) {
	out := &RunCommandResponseBody{}
	return out, c.Call(ctx, "RunCommand", req, out)
}

// DescribeInvocationResultsRequest reads the results of one run. With
// ContentEncoding PlainText the output comes decoded; by default it is Base64.
type DescribeInvocationResultsRequest struct {
	RegionId        string `json:"RegionId"`
	InvokeId        string `json:"InvokeId,omitempty"`
	InstanceId      string `json:"InstanceId,omitempty"`
	ContentEncoding string `json:"ContentEncoding,omitempty"`
	MaxResults      int    `json:"MaxResults,omitempty"`
	NextToken       string `json:"NextToken,omitempty"`
}

// InvocationResult is the run of a command on one instance.
type InvocationResult struct {
	CommandId        string `json:"CommandId"`
	InvokeId         string `json:"InvokeId"`
	InstanceId       string `json:"InstanceId"`
	InvocationStatus string `json:"InvocationStatus"`
	ExitCode         *int64 `json:"ExitCode"`
	ErrorCode        string `json:"ErrorCode"`
	ErrorInfo        string `json:"ErrorInfo"`
	Output           string `json:"Output"`
	Dropped          int    `json:"Dropped"`
	StartTime        string `json:"StartTime"`
	FinishedTime     string `json:"FinishedTime"`
}

// Ended reports whether the run on the instance is over, whatever its outcome.
func (r *InvocationResult) Ended() bool {
	switch r.InvocationStatus {
	case "Success", "Failed", "Error", "Timeout", "Cancelled", "Terminated", "Invalid", "Aborted", "Stopped":
		return true
	}
	return false
}

// DescribeInvocationResultsResponseBody is one page of results.
type DescribeInvocationResultsResponseBody struct {
	RequestId  string `json:"RequestId"`
	Invocation struct {
		NextToken         string `json:"NextToken"`
		TotalCount        int    `json:"TotalCount"`
		InvocationResults struct {
			InvocationResult []*InvocationResult `json:"InvocationResult"`
		} `json:"InvocationResults"`
	} `json:"Invocation"`
}

// DescribeInvocationResults reads one page of a run's results.
func (c *Client) DescribeInvocationResults(ctx context.Context, req *DescribeInvocationResultsRequest) (*DescribeInvocationResultsResponseBody, error) {
	out := &DescribeInvocationResultsResponseBody{}
	return out, c.Call(ctx, "DescribeInvocationResults", req, out)
}

// InvocationResultOf reads the result of the run invokeID on the instance;
// nil when the API has none yet.
func (c *Client) InvocationResultOf(ctx context.Context, invokeID, instanceID string) (*InvocationResult, error) {
	page, err := c.DescribeInvocationResults(ctx, &DescribeInvocationResultsRequest{RegionId: c.Region(), InvokeId: invokeID,
		InstanceId: instanceID, ContentEncoding: "PlainText"})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Invocation.InvocationResults.InvocationResult {
		if r.InstanceId == instanceID {
			return r, nil
		}
	}
	return nil, nil
}

// Cloud Assistant agent statuses (DescribeCloudAssistantStatus).
const CloudAssistantRunning = "true"

// DescribeCloudAssistantStatusRequest reads whether the agent runs on the
// instances (InstanceId.N; MaxResults 1-50, default 10, ignored with IDs).
type DescribeCloudAssistantStatusRequest struct {
	RegionId   string   `json:"RegionId"`
	InstanceId []string `json:"InstanceId,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
}

// CloudAssistantStatus is the agent on one instance.
type CloudAssistantStatus struct {
	InstanceId            string `json:"InstanceId"`
	CloudAssistantStatus  string `json:"CloudAssistantStatus"` // "true" when the agent runs
	CloudAssistantVersion string `json:"CloudAssistantVersion"`
	OSType                string `json:"OSType"`
	LastHeartbeatTime     string `json:"LastHeartbeatTime"`
}

// DescribeCloudAssistantStatusResponseBody is one page of agents.
type DescribeCloudAssistantStatusResponseBody struct {
	RequestId                       string `json:"RequestId"`
	NextToken                       string `json:"NextToken"`
	InstanceCloudAssistantStatusSet struct {
		InstanceCloudAssistantStatus []*CloudAssistantStatus `json:"InstanceCloudAssistantStatus"`
	} `json:"InstanceCloudAssistantStatusSet"`
}

// DescribeCloudAssistantStatus reads one page of agent statuses.
func (c *Client) DescribeCloudAssistantStatus(ctx context.Context, req *DescribeCloudAssistantStatusRequest) (*DescribeCloudAssistantStatusResponseBody, error) {
	out := &DescribeCloudAssistantStatusResponseBody{}
	return out, c.Call(ctx, "DescribeCloudAssistantStatus", req, out)
}

// CloudAssistantOf reads the agent status of each instance (at most 50 a
// call, every page); an instance the API does not list has no entry.
func (c *Client) CloudAssistantOf(ctx context.Context, instanceIDs []string) (map[string]*CloudAssistantStatus, error) {
	out := map[string]*CloudAssistantStatus{}
	for start := 0; start < len(instanceIDs); start += 50 {
		ids := instanceIDs[start:min(start+50, len(instanceIDs))]
		list, err := api.ReadByToken(ctx, "DescribeCloudAssistantStatus", func(ctx context.Context, token string) ([]*CloudAssistantStatus, string, error) {
			page, err := c.DescribeCloudAssistantStatus(ctx, &DescribeCloudAssistantStatusRequest{RegionId: c.Region(), InstanceId: ids, NextToken: token})
			if err != nil {
				return nil, "", err
			}
			return page.InstanceCloudAssistantStatusSet.InstanceCloudAssistantStatus, page.NextToken, nil
		})
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			out[s.InstanceId] = s
		}
	}
	return out, nil
}
