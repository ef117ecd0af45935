// Package nlb is the typed client of Network Load Balancer (2022-04-30) that
// zonemove uses to read and restore an instance's server group memberships,
// through api.Client over the SDK core as the official SDK module does (no Go
// module of it is served here: docs/decisions.md).
//
// Parameters go where the official metadata puts them: NLB's list and write
// actions take every parameter in the form body (RegionId too), GetJobStatus
// in the query; the official SDK does the same. The writes are asynchronous:
// each returns a JobId, followed with GetJobStatus.
package nlb

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
)

// Limits from the API reference and the official metadata.
const (
	// MaxServerIds is the most ServerIds (and ServerIps) one
	// ListServerGroupServers takes (the reference says 40).
	MaxServerIds = 40
	// MaxServerGroupIds is the most ServerGroupIds one ListServerGroups takes.
	MaxServerGroupIds = 20
	// MaxServers is the most Servers one write takes.
	MaxServers = 200
	// MaxResults is the largest page of the List actions (default 20).
	MaxResults = 100
)

// Job statuses of GetJobStatus.
const (
	JobSucceeded  = "Succeeded"
	JobFailed     = "Failed"
	JobProcessing = "Processing"
)

// Client calls NLB through the session's retry policy. It is safe for
// concurrent use.
type Client struct {
	*api.Client
}

// NewClient builds an NLB client; its endpoint is the override or
// nlb.REGION.aliyuncs.com.
func NewClient(s *api.Session) (*Client, error) {
	c, err := api.NewClient(s, api.NLBProduct)
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}

// Server is one backend server of a server group, as ListServerGroupServers
// answers it and the writes take it. ServerType is Ecs, Eni, Eci or Ip; in an
// Ip server group ServerId is the IP address.
type Server struct {
	ServerId    string `json:"ServerId"`
	ServerType  string `json:"ServerType"`
	ServerIp    string `json:"ServerIp,omitempty"`
	Port        int    `json:"Port,omitempty"`
	Weight      *int   `json:"Weight,omitempty"`
	Description string `json:"Description,omitempty"`
	// Answers only.
	ServerGroupId string `json:"ServerGroupId,omitempty"`
	Status        string `json:"Status,omitempty"`
	ZoneId        string `json:"ZoneId,omitempty"`
}

// ListServerGroupsRequest lists server groups (MaxResults 1-100, default 20).
type ListServerGroupsRequest struct {
	RegionId        string   `json:"RegionId,omitempty"`
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

// ListServerGroups returns one page of server groups; every parameter travels
// in the body.
func (c *Client) ListServerGroups(ctx context.Context, req *ListServerGroupsRequest) (*ListServerGroupsResponseBody, error) {
	out := &ListServerGroupsResponseBody{}
	return out, c.CallWithBody(ctx, "ListServerGroups", nil, req, out)
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
// searches every server group: ServerIds (instance IDs) and ServerIps (IP
// addresses, for Ip server groups) find the memberships of those servers.
type ListServerGroupServersRequest struct {
	RegionId      string   `json:"RegionId,omitempty"`
	ServerGroupId string   `json:"ServerGroupId,omitempty"`
	ServerIds     []string `json:"ServerIds,omitempty"`
	ServerIps     []string `json:"ServerIps,omitempty"`
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

// ListServerGroupServers returns one page of servers; every parameter travels
// in the body.
func (c *Client) ListServerGroupServers(ctx context.Context, req *ListServerGroupServersRequest) (*ListServerGroupServersResponseBody, error) {
	out := &ListServerGroupServersResponseBody{}
	return out, c.CallWithBody(ctx, "ListServerGroupServers", nil, req, out)
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

// ServersRequest is a write to a server group's servers (at most MaxServers);
// every parameter travels in the body.
type ServersRequest struct {
	RegionId      string   `json:"RegionId,omitempty"`
	ServerGroupId string   `json:"ServerGroupId"`
	ClientToken   string   `json:"ClientToken,omitempty"`
	DryRun        bool     `json:"DryRun,omitempty"`
	Servers       []Server `json:"Servers"`
}

// JobResponseBody is the answer of an asynchronous write.
type JobResponseBody struct {
	RequestId     string `json:"RequestId"`
	JobId         string `json:"JobId"`
	ServerGroupId string `json:"ServerGroupId"`
}

// AddServersToServerGroup adds servers.
func (c *Client) AddServersToServerGroup(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	return out, c.CallWithBody(ctx, "AddServersToServerGroup", nil, req, out)
}

// UpdateServerGroupServersAttribute changes servers' weight and description.
func (c *Client) UpdateServerGroupServersAttribute(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	return out, c.CallWithBody(ctx, "UpdateServerGroupServersAttribute", nil, req, out)
}

// RemoveServersFromServerGroup removes servers (ServerId, ServerType,
// ServerIp, Port of each).
func (c *Client) RemoveServersFromServerGroup(ctx context.Context, req *ServersRequest) (*JobResponseBody, error) {
	out := &JobResponseBody{}
	r := *req
	r.Servers = make([]Server, len(req.Servers))
	for i, s := range req.Servers {
		r.Servers[i] = Server{ServerId: s.ServerId, ServerType: s.ServerType, ServerIp: s.ServerIp, Port: s.Port}
	}
	return out, c.CallWithBody(ctx, "RemoveServersFromServerGroup", nil, &r, out)
}

// GetJobStatusRequest reads one asynchronous job (in the query).
type GetJobStatusRequest struct {
	JobId string `json:"JobId"`
}

// GetJobStatusResponseBody is a job's status: Succeeded, Failed or Processing.
type GetJobStatusResponseBody struct {
	RequestId string `json:"RequestId"`
	Status    string `json:"Status"`
}

// GetJobStatus reads a job's status.
func (c *Client) GetJobStatus(ctx context.Context, req *GetJobStatusRequest) (*GetJobStatusResponseBody, error) {
	out := &GetJobStatusResponseBody{}
	return out, c.Call(ctx, "GetJobStatus", req, out)
}
