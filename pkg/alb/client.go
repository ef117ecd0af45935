// Package alb is the typed client of Application Load Balancer (2020-06-16)
// that zonemove uses to read and restore an instance's server group
// memberships, through api.Client over the SDK core as the official SDK
// module does (no Go module of it is served here: docs/decisions.md).
//
// Parameters go where the official metadata puts them: every one in the
// query, except the Servers list of AddServersToServerGroup and
// UpdateServerGroupServersAttribute, which travels in the form body (the
// official SDK does the same). ALB takes no RegionId: the endpoint is the
// region's. The writes are asynchronous: each returns a JobId, followed with
// ListAsynJobs.
package alb

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
)

// Limits from the API reference and the official metadata.
const (
	// MaxServerIds is the most ServerIds one ListServerGroupServers takes
	// (the metadata's maxItems; the reference's prose says 40).
	MaxServerIds = 20
	// MaxServerGroupIds is the most ServerGroupIds one ListServerGroups takes.
	MaxServerGroupIds = 20
	// MaxServers is the most Servers one write takes (Update: 40).
	MaxServers = 40
	// MaxResults is the largest page of the List actions (default 20).
	MaxResults = 100
)

// Job statuses of ListAsynJobs.
const (
	JobSucceeded  = "Succeeded"
	JobFailed     = "Failed"
	JobProcessing = "Processing"
)

// Client calls ALB through the session's retry policy. It is safe for
// concurrent use.
type Client struct {
	*api.Client
}

// NewClient builds an ALB client; its endpoint is the override or
// alb.REGION.aliyuncs.com.
func NewClient(s *api.Session) (*Client, error) {
	c, err := api.NewClient(s, api.ALBProduct)
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}

// Server is one backend server of a server group, as ListServerGroupServers
// answers it and the writes take it. ServerType is Ecs, Eni, Eci, Ip or Fc; in
// an Ip server group ServerId is the IP address.
type Server struct {
	ServerId        string `json:"ServerId"`
	ServerType      string `json:"ServerType"`
	ServerIp        string `json:"ServerIp,omitempty"`
	Port            int    `json:"Port,omitempty"`
	Weight          *int   `json:"Weight,omitempty"`
	Description     string `json:"Description,omitempty"`
	RemoteIpEnabled *bool  `json:"RemoteIpEnabled,omitempty"`
	// Answers only.
	ServerGroupId string `json:"ServerGroupId,omitempty"`
	Status        string `json:"Status,omitempty"`
}

// ListServerGroupsRequest lists server groups (MaxResults 1-100, default 20).
type ListServerGroupsRequest struct {
	ServerGroupIds  []string `json:"ServerGroupIds,omitempty"`
	ServerGroupType string   `json:"ServerGroupType,omitempty"`
	VpcId           string   `json:"VpcId,omitempty"`
	MaxResults      int      `json:"MaxResults,omitempty"`
	NextToken       string   `json:"NextToken,omitempty"`
}

// ServerGroup is one server group of a ListServerGroups answer.
type ServerGroup struct {
	ServerGroupId          string   `json:"ServerGroupId"`
	ServerGroupName        string   `json:"ServerGroupName"`
	ServerGroupType        string   `json:"ServerGroupType"`
	ServerGroupStatus      string   `json:"ServerGroupStatus"`
	VpcId                  string   `json:"VpcId"`
	RelatedLoadBalancerIds []string `json:"RelatedLoadBalancerIds"`
}

// ListServerGroupsResponseBody is one page of server groups.
type ListServerGroupsResponseBody struct {
	RequestId    string         `json:"RequestId"`
	TotalCount   int            `json:"TotalCount"`
	MaxResults   int            `json:"MaxResults"`
	NextToken    string         `json:"NextToken"`
	ServerGroups []*ServerGroup `json:"ServerGroups"`
}

// ListServerGroups returns one page of server groups.
func (c *Client) ListServerGroups(ctx context.Context, req *ListServerGroupsRequest) (*ListServerGroupsResponseBody, error) {
	out := &ListServerGroupsResponseBody{}
	return out, c.Call(ctx, "ListServerGroups", req, out)
}

// AllServerGroups reads every page of the groups req selects.
func (c *Client) AllServerGroups(ctx context.Context, req ListServerGroupsRequest) ([]*ServerGroup, error) {
	return api.ReadByToken(ctx, "ListServerGroups", func(ctx context.Context, token string) ([]*ServerGroup, string, error) {
		req.NextToken, req.MaxResults = token, MaxResults
		page, err := c.ListServerGroups(ctx, &req)
		if err != nil {
			return nil, "", err
		}
		return page.ServerGroups, page.NextToken, nil
	})
}

// ListServerGroupServersRequest lists servers. Without ServerGroupId it
// searches every server group: ServerIds (instance IDs, or IP addresses for
// Ip server groups) find the memberships of those servers.
type ListServerGroupServersRequest struct {
	ServerGroupId string   `json:"ServerGroupId,omitempty"`
	ServerIds     []string `json:"ServerIds,omitempty"`
	MaxResults    int      `json:"MaxResults,omitempty"`
	NextToken     string   `json:"NextToken,omitempty"`
}

// ListServerGroupServersResponseBody is one page of servers.
type ListServerGroupServersResponseBody struct {
	RequestId  string    `json:"RequestId"`
	TotalCount int       `json:"TotalCount"`
	MaxResults int       `json:"MaxResults"`
	NextToken  string    `json:"NextToken"`
	Servers    []*Server `json:"Servers"`
}

// ListServerGroupServers returns one page of servers.
func (c *Client) ListServerGroupServers(ctx context.Context, req *ListServerGroupServersRequest) (*ListServerGroupServersResponseBody, error) {
	out := &ListServerGroupServersResponseBody{}
	return out, c.Call(ctx, "ListServerGroupServers", req, out)
}

// AllServerGroupServers reads every page of the servers req selects.
func (c *Client) AllServerGroupServers(ctx context.Context, req ListServerGroupServersRequest) ([]*Server, error) {
	return api.ReadByToken(ctx, "ListServerGroupServers", func(ctx context.Context, token string) ([]*Server, string, error) {
		req.NextToken, req.MaxResults = token, MaxResults
		page, err := c.ListServerGroupServers(ctx, &req)
		if err != nil {
			return nil, "", err
		}
		return page.Servers, page.NextToken, nil
	})
}

// ServersRequest is a write to a server group's servers: ServerGroupId,
// ClientToken and DryRun travel in the query, Servers (at most MaxServers)
// where the action's metadata puts them.
type ServersRequest struct {
	ServerGroupId string
	ClientToken   string
	DryRun        bool
	Servers       []Server
}

type writeQuery struct {
	ServerGroupId string   `json:"ServerGroupId"`
	ClientToken   string   `json:"ClientToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
	Servers       []Server `json:"Servers,omitempty"`
}

type serversBody struct {
	Servers []Server `json:"Servers"`
}

// JobResponseBody is the answer of an asynchronous write.
type JobResponseBody struct {
	RequestId string `json:"RequestId"`
	JobId     string `json:"JobId"`
}

// AddServersToServerGroup adds servers; Servers travel in the body.
func (c *Client) AddServersToServerGroup(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	q := writeQuery{ServerGroupId: req.ServerGroupId, ClientToken: req.ClientToken, DryRun: req.DryRun}
	return out, c.CallWithBody(ctx, "AddServersToServerGroup", q, serversBody{req.Servers}, out)
}

// UpdateServerGroupServersAttribute changes servers' weight and description;
// Servers travel in the body.
func (c *Client) UpdateServerGroupServersAttribute(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	q := writeQuery{ServerGroupId: req.ServerGroupId, ClientToken: req.ClientToken, DryRun: req.DryRun}
	return out, c.CallWithBody(ctx, "UpdateServerGroupServersAttribute", q, serversBody{req.Servers}, out)
}

// RemoveServersFromServerGroup removes servers; everything travels in the
// query (ServerId, ServerType, ServerIp, Port of each).
func (c *Client) RemoveServersFromServerGroup(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	servers := make([]Server, len(req.Servers))
	for i, s := range req.Servers {
		servers[i] = Server{ServerId: s.ServerId, ServerType: s.ServerType, ServerIp: s.ServerIp, Port: s.Port}
	}
	q := writeQuery{ServerGroupId: req.ServerGroupId, ClientToken: req.ClientToken, DryRun: req.DryRun, Servers: servers}
	return out, c.Call(ctx, "RemoveServersFromServerGroup", q, out)
}

// ListAsynJobsRequest reads asynchronous jobs by ID.
type ListAsynJobsRequest struct {
	JobIds     []string `json:"JobIds,omitempty"`
	MaxResults int      `json:"MaxResults,omitempty"`
	NextToken  string   `json:"NextToken,omitempty"`
}

// Job is one asynchronous job.
type Job struct {
	Id           string `json:"Id"`
	ApiName      string `json:"ApiName"`
	Status       string `json:"Status"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
	ResourceId   string `json:"ResourceId"`
}

// ListAsynJobsResponseBody is one page of jobs.
type ListAsynJobsResponseBody struct {
	RequestId  string `json:"RequestId"`
	TotalCount int    `json:"TotalCount"`
	NextToken  string `json:"NextToken"`
	Jobs       []*Job `json:"Jobs"`
}

// ListAsynJobs reads jobs.
func (c *Client) ListAsynJobs(ctx context.Context, req *ListAsynJobsRequest) (*ListAsynJobsResponseBody, error) {
	out := &ListAsynJobsResponseBody{}
	return out, c.Call(ctx, "ListAsynJobs", req, out)
}
