// Package slb is the typed client of Classic Load Balancer (CLB, API "slb"
// 2014-05-15) that zonemove uses to read and restore an instance's backend
// memberships, through api.Client over the SDK core as the official SDK
// module does (no Go module of it is served here: docs/decisions.md). Every
// parameter travels in the query, as the official metadata places them.
// Request and response types are named like the official SDK's, with only the
// fields zonemove reads, decoded as leniently as the SDK's models.
package slb

import (
	"encoding/json"
	"strconv"

	"github.com/zonemove/zonemove/pkg/api"
)

// Limits from the API reference.
const (
	// MaxBackendServers is the most servers one BackendServers list may hold
	// (Add/Set/RemoveBackendServers and the vServer group actions).
	MaxBackendServers = 20
	// MaxPageSize is DescribeLoadBalancers' largest PageSize.
	MaxPageSize = 100
)

// Client calls CLB through the session's retry policy. It is safe for
// concurrent use.
type Client struct {
	*api.Client
}

// NewClient builds a CLB client; its endpoint is the override or the official
// module's for the session's region.
func NewClient(s *api.Session) (*Client, error) {
	c, err := api.NewClient(s, api.SLBProduct)
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}

// BackendServer is one server in a BackendServers JSON list or answer. Type is
// ecs (the default), eni or eci; ServerIp is set for eni and eci. Port is the
// vServer group's backend port (0 in the default server group). The API
// reference's examples send Weight and Port as strings, and some answers do
// too: Number reads either.
type BackendServer struct {
	ServerId    string `json:"ServerId"`
	Type        string `json:"Type,omitempty"`
	ServerIp    string `json:"ServerIp,omitempty"`
	Port        Number `json:"Port,omitempty"`
	Weight      Number `json:"Weight"`
	Description string `json:"Description,omitempty"`
}

// Number is an integer the API may send as a JSON number or a string; it is
// sent as a string, as the API reference's BackendServers examples do.
type Number int

// MarshalJSON writes the number as a string ("100").
func (n Number) MarshalJSON() ([]byte, error) { return json.Marshal(strconv.Itoa(int(n))) }

// UnmarshalJSON reads 100 or "100".
func (n *Number) UnmarshalJSON(b []byte) error {
	var v json.Number
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*n = 0
			return nil
		}
		v = json.Number(s)
	} else if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	i, err := v.Int64()
	if err != nil {
		return err
	}
	*n = Number(i)
	return nil
}

// BackendServersJSON is the BackendServers parameter: a JSON array in one
// string, as the API takes it.
func BackendServersJSON(servers []BackendServer) string {
	b, _ := json.Marshal(servers) // plain strings and numbers: cannot fail
	return string(b)
}
