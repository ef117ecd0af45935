package facts

// LoadBalancerType is the product of a load balancer membership.
type LoadBalancerType string

// The load balancer products.
const (
	CLB LoadBalancerType = "clb" // Classic Load Balancer (API "slb")
	ALB LoadBalancerType = "alb"
	NLB LoadBalancerType = "nlb"
)

// RegisteredBy is how a membership names its server.
type RegisteredBy string

// How a server is registered: by the instance's ID (it follows the instance
// wherever it moves), or by an IP address (an Ip server group, a CLB or ALB
// ENI backend), which points to nothing once the instance's private IP
// changes.
const (
	ByInstance RegisteredBy = "instance"
	ByIP       RegisteredBy = "ip"
)

// Membership is one registration of an instance in a load balancer: the CLB
// instance's default server group (ServerGroupID ""), a CLB vServer group, or
// an ALB or NLB server group. Its JSON is what the state file keeps before
// anything changes (the original weight, port and description a restore
// needs) and what the contract's "backends" list shows.
type Membership struct {
	Type LoadBalancerType `json:"type"`
	// LoadBalancerID is the CLB instance, or the ALB/NLB instances the server
	// group serves (comma-separated; empty when the group serves none).
	LoadBalancerID string `json:"load_balancer_id"`
	// ServerGroupID is the vServer group or server group; "" is a CLB
	// instance's default server group.
	ServerGroupID string `json:"server_group_id"`
	// Port is the backend port (0 in a CLB default server group, whose
	// listeners name the port).
	Port         int          `json:"port"`
	Weight       int          `json:"weight"`
	Description  string       `json:"description,omitempty"`
	RegisteredBy RegisteredBy `json:"registered_by"`
	// IP is the registered address (ByIP), or the instance's address as the
	// API shows it (ByInstance; may be empty).
	IP string `json:"ip,omitempty"`
	// ServerID and ServerType are the API's own: an instance ID and ecs/Ecs,
	// an ENI ID and eni/Eni, or the IP address itself in an Ip server group.
	ServerID   string `json:"server_id"`
	ServerType string `json:"server_type"`
}

// Backends is what was read of an instance's load balancer memberships.
type Backends struct {
	// Read is false when the memberships were not read (offline, or not
	// asked for); the lb-backends check then skips.
	Read        bool
	Memberships []Membership
	// Err is why they could not be read.
	Err error
}
