package preflight

import (
	"fmt"
	"strings"

	"github.com/zonemove/zonemove/pkg/facts"
)

// LBBackends is the check of the instance's load balancer memberships
// (contract, "Around the job"): it lists every one, with its port and
// weight, and warns for each registration by IP, which points to nothing
// once the move changes the private IP. create and apply read the
// memberships with the other facts (Facts.Backends), whatever --backends
// says; they are the record a drain and restore work from.
const LBBackends = "lb-backends"

func checkLBBackendsInput(in *Input) Result {
	i, r := in.instance("and CLB, ALB and NLB reads")
	if r != nil {
		return *r
	}
	return checkLBBackends(i.InstanceID, in.Facts.Backends)
}

// CheckLBBackends judges what was read of the instance's memberships. It
// never fails: a membership is something to bring back, not a reason to stop.
func CheckLBBackends(instanceID string, b facts.Backends) Result {
	r := checkLBBackends(instanceID, b)
	r.ID = LBBackends
	return r
}

func checkLBBackends(instanceID string, b facts.Backends) Result {
	switch {
	case !b.Read:
		return skip("the load balancer memberships were not read")
	case b.Err != nil:
		return warn("allow slb:DescribeLoadBalancers, slb:DescribeLoadBalancerAttribute, slb:DescribeVServerGroups, slb:DescribeVServerGroupAttribute, alb:ListServerGroupServers, alb:ListServerGroups, nlb:ListServerGroupServers and nlb:ListServerGroups to the RAM identity, or check the instance's CLB, ALB and NLB backends by hand",
			"the load balancer memberships could not be read (%s)", b.Err)
	case len(b.Memberships) == 0:
		return pass("%s is in no CLB, ALB or NLB server group", instanceID)
	}
	var list, byIP []string
	for _, m := range b.Memberships {
		list = append(list, MembershipLine(m))
		if m.RegisteredBy == facts.ByIP {
			byIP = append(byIP, MembershipLine(m))
		}
	}
	if len(byIP) == 0 {
		return pass("%d membership(s), all by instance ID: %s", len(list), strings.Join(list, "; "))
	}
	return warn("with --backends restore or drain (and --wait) the new address is registered after the move and the old one removed; without, re-register each by hand after the move",
		"%d membership(s): %s; %d registered by IP, which will point to nothing after the move: %s",
		len(list), strings.Join(list, "; "), len(byIP), strings.Join(byIP, "; "))
}

// MembershipLine names one membership for people: where it is, how the
// server is registered, its port and weight.
func MembershipLine(m facts.Membership) string {
	var where string
	switch {
	case m.Type == facts.CLB && m.ServerGroupID == "":
		where = "CLB " + m.LoadBalancerID + " default server group"
	case m.Type == facts.CLB:
		where = "CLB " + m.LoadBalancerID + " vServer group " + m.ServerGroupID
	default:
		where = strings.ToUpper(string(m.Type)) + " server group " + m.ServerGroupID
		if m.LoadBalancerID != "" {
			where += " (" + m.LoadBalancerID + ")"
		}
	}
	server := "by instance"
	if m.RegisteredBy == facts.ByIP {
		server = "by IP " + m.IP
		if m.ServerID != m.IP {
			server += " (" + m.ServerID + ")"
		}
	}
	port := ""
	if m.Port > 0 {
		port = fmt.Sprintf(" port %d", m.Port)
	}
	return fmt.Sprintf("%s %s%s weight %d", where, server, port, m.Weight)
}
