package slb

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
)

// DescribeLoadBalancersRequest finds CLB instances. ServerId is a backend's ID
// (an ECS instance) and ServerIntranetAddress a backend's private IP (several,
// comma-separated): either finds the instances a server is a backend of.
// PageSize 1-100 needs PageNumber with it.
type DescribeLoadBalancersRequest struct {
	RegionId              string `json:"RegionId"`
	ServerId              string `json:"ServerId,omitempty"`
	ServerIntranetAddress string `json:"ServerIntranetAddress,omitempty"`
	LoadBalancerId        string `json:"LoadBalancerId,omitempty"`
	PageNumber            int    `json:"PageNumber,omitempty"`
	PageSize              int    `json:"PageSize,omitempty"`
}

// LoadBalancer is one CLB instance of a DescribeLoadBalancers answer.
type LoadBalancer struct {
	LoadBalancerId     string `json:"LoadBalancerId"`
	LoadBalancerName   string `json:"LoadBalancerName"`
	LoadBalancerStatus string `json:"LoadBalancerStatus"`
	Address            string `json:"Address"`
	AddressType        string `json:"AddressType"`
	VpcId              string `json:"VpcId"`
}

// DescribeLoadBalancersResponseBody is one page of CLB instances.
type DescribeLoadBalancersResponseBody struct {
	RequestId     string `json:"RequestId"`
	TotalCount    int    `json:"TotalCount"`
	PageNumber    int    `json:"PageNumber"`
	PageSize      int    `json:"PageSize"`
	LoadBalancers struct {
		LoadBalancer []*LoadBalancer `json:"LoadBalancer"`
	} `json:"LoadBalancers"`
}

// DescribeLoadBalancers returns one page of CLB instances.
func (c *Client) DescribeLoadBalancers(ctx context.Context, req *DescribeLoadBalancersRequest) (*DescribeLoadBalancersResponseBody, error) {
	out := &DescribeLoadBalancersResponseBody{}
	return out, c.Call(ctx, "DescribeLoadBalancers", req, out)
}

// AllLoadBalancers reads every page of the instances req selects, MaxPageSize
// a page (req's PageNumber and PageSize are ignored).
func (c *Client) AllLoadBalancers(ctx context.Context, req DescribeLoadBalancersRequest) ([]*LoadBalancer, error) {
	return api.ReadByNumber(ctx, "DescribeLoadBalancers", func(ctx context.Context, n int) ([]*LoadBalancer, int, error) {
		req.PageNumber, req.PageSize = n, MaxPageSize
		page, err := c.DescribeLoadBalancers(ctx, &req)
		if err != nil {
			return nil, 0, err
		}
		return page.LoadBalancers.LoadBalancer, page.TotalCount, nil
	})
}

// DescribeLoadBalancerAttributeRequest reads one CLB instance.
type DescribeLoadBalancerAttributeRequest struct {
	RegionId       string `json:"RegionId,omitempty"`
	LoadBalancerId string `json:"LoadBalancerId"`
}

// DescribeLoadBalancerAttributeResponseBody is a CLB instance; BackendServers
// is its default server group (no ports: its listeners' backend ports apply).
type DescribeLoadBalancerAttributeResponseBody struct {
	RequestId          string `json:"RequestId"`
	LoadBalancerId     string `json:"LoadBalancerId"`
	LoadBalancerName   string `json:"LoadBalancerName"`
	LoadBalancerStatus string `json:"LoadBalancerStatus"`
	BackendServers     struct {
		BackendServer []BackendServer `json:"BackendServer"`
	} `json:"BackendServers"`
}

// DescribeLoadBalancerAttribute reads a CLB instance and its default server group.
func (c *Client) DescribeLoadBalancerAttribute(ctx context.Context, req *DescribeLoadBalancerAttributeRequest) (*DescribeLoadBalancerAttributeResponseBody, error) {
	out := &DescribeLoadBalancerAttributeResponseBody{}
	return out, c.Call(ctx, "DescribeLoadBalancerAttribute", req, out)
}

// DescribeVServerGroupsRequest lists a CLB instance's vServer groups (one
// answer, no paging).
type DescribeVServerGroupsRequest struct {
	RegionId       string `json:"RegionId"`
	LoadBalancerId string `json:"LoadBalancerId"`
}

// VServerGroup is one vServer group of a DescribeVServerGroups answer.
type VServerGroup struct {
	VServerGroupId   string `json:"VServerGroupId"`
	VServerGroupName string `json:"VServerGroupName"`
}

// DescribeVServerGroupsResponseBody is a CLB instance's vServer groups.
type DescribeVServerGroupsResponseBody struct {
	RequestId     string `json:"RequestId"`
	VServerGroups struct {
		VServerGroup []*VServerGroup `json:"VServerGroup"`
	} `json:"VServerGroups"`
}

// DescribeVServerGroups lists a CLB instance's vServer groups.
func (c *Client) DescribeVServerGroups(ctx context.Context, req *DescribeVServerGroupsRequest) (*DescribeVServerGroupsResponseBody, error) {
	out := &DescribeVServerGroupsResponseBody{}
	return out, c.Call(ctx, "DescribeVServerGroups", req, out)
}

// DescribeVServerGroupAttributeRequest reads one vServer group.
type DescribeVServerGroupAttributeRequest struct {
	RegionId       string `json:"RegionId"`
	VServerGroupId string `json:"VServerGroupId"`
}

// DescribeVServerGroupAttributeResponseBody is a vServer group and its servers.
type DescribeVServerGroupAttributeResponseBody struct {
	RequestId        string `json:"RequestId"`
	VServerGroupId   string `json:"VServerGroupId"`
	VServerGroupName string `json:"VServerGroupName"`
	LoadBalancerId   string `json:"LoadBalancerId"`
	BackendServers   struct {
		BackendServer []BackendServer `json:"BackendServer"`
	} `json:"BackendServers"`
}

// DescribeVServerGroupAttribute reads a vServer group's servers.
func (c *Client) DescribeVServerGroupAttribute(ctx context.Context, req *DescribeVServerGroupAttributeRequest) (*DescribeVServerGroupAttributeResponseBody, error) {
	out := &DescribeVServerGroupAttributeResponseBody{}
	return out, c.Call(ctx, "DescribeVServerGroupAttribute", req, out)
}

// BackendServersRequest changes a CLB instance's default server group:
// BackendServers is BackendServersJSON of at most MaxBackendServers servers.
type BackendServersRequest struct {
	RegionId       string `json:"RegionId,omitempty"`
	LoadBalancerId string `json:"LoadBalancerId"`
	BackendServers string `json:"BackendServers"`
}

// BackendServersResponseBody is the default server group after a change.
type BackendServersResponseBody struct {
	RequestId      string `json:"RequestId"`
	LoadBalancerId string `json:"LoadBalancerId"`
	BackendServers struct {
		BackendServer []BackendServer `json:"BackendServer"`
	} `json:"BackendServers"`
}

// AddBackendServers adds servers to the default server group.
func (c *Client) AddBackendServers(ctx context.Context, req *BackendServersRequest) (*BackendServersResponseBody, error) {
	out := &BackendServersResponseBody{}
	return out, c.Call(ctx, "AddBackendServers", req, out)
}

// SetBackendServers sets the weight (and description) of servers of the
// default server group.
func (c *Client) SetBackendServers(ctx context.Context, req *BackendServersRequest) (*BackendServersResponseBody, error) {
	out := &BackendServersResponseBody{}
	return out, c.Call(ctx, "SetBackendServers", req, out)
}

// RemoveBackendServers removes servers from the default server group.
func (c *Client) RemoveBackendServers(ctx context.Context, req *BackendServersRequest) (*BackendServersResponseBody, error) {
	out := &BackendServersResponseBody{}
	return out, c.Call(ctx, "RemoveBackendServers", req, out)
}

// VServerGroupBackendServersRequest changes a vServer group: BackendServers
// is BackendServersJSON of at most MaxBackendServers servers.
type VServerGroupBackendServersRequest struct {
	RegionId       string `json:"RegionId"`
	VServerGroupId string `json:"VServerGroupId"`
	BackendServers string `json:"BackendServers"`
}

// VServerGroupBackendServersResponseBody is the vServer group after a change.
type VServerGroupBackendServersResponseBody struct {
	RequestId        string `json:"RequestId"`
	VServerGroupId   string `json:"VServerGroupId"`
	VServerGroupName string `json:"VServerGroupName"`
	BackendServers   struct {
		BackendServer []BackendServer `json:"BackendServer"`
	} `json:"BackendServers"`
}

// AddVServerGroupBackendServers adds servers to a vServer group.
func (c *Client) AddVServerGroupBackendServers(ctx context.Context, req *VServerGroupBackendServersRequest) (*VServerGroupBackendServersResponseBody, error) {
	out := &VServerGroupBackendServersResponseBody{}
	return out, c.Call(ctx, "AddVServerGroupBackendServers", req, out)
}

// SetVServerGroupAttribute sets the weight (and description) of servers of a
// vServer group; the API reference: it "only can be used to modify the
// weights of backend servers and names of vServer groups".
func (c *Client) SetVServerGroupAttribute(ctx context.Context, req *VServerGroupBackendServersRequest) (*VServerGroupBackendServersResponseBody, error) {
	out := &VServerGroupBackendServersResponseBody{}
	return out, c.Call(ctx, "SetVServerGroupAttribute", req, out)
}

// RemoveVServerGroupBackendServers removes servers from a vServer group.
func (c *Client) RemoveVServerGroupBackendServers(ctx context.Context, req *VServerGroupBackendServersRequest) (*VServerGroupBackendServersResponseBody, error) {
	out := &VServerGroupBackendServersResponseBody{}
	return out, c.Call(ctx, "RemoveVServerGroupBackendServers", req, out)
}
