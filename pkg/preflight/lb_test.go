package preflight

import (
	"errors"
	"testing"

	"github.com/zonemove/zonemove/pkg/facts"
)

func TestCheckLBBackends(t *testing.T) {
	byID := facts.Membership{Type: facts.CLB, LoadBalancerID: "lb-1", Weight: 100, RegisteredBy: facts.ByInstance, ServerID: "i-1", ServerType: "ecs"}
	vgroup := facts.Membership{Type: facts.CLB, LoadBalancerID: "lb-1", ServerGroupID: "rsp-1", Port: 80, Weight: 50, RegisteredBy: facts.ByInstance, ServerID: "i-1", ServerType: "ecs"}
	ip := facts.Membership{Type: facts.NLB, LoadBalancerID: "nlb-1", ServerGroupID: "sgp-1", Port: 443, Weight: 30, RegisteredBy: facts.ByIP, IP: "172.16.1.23", ServerID: "172.16.1.23", ServerType: "Ip"}
	eni := facts.Membership{Type: facts.CLB, LoadBalancerID: "lb-2", ServerGroupID: "rsp-2", Port: 8080, Weight: 20, RegisteredBy: facts.ByIP, IP: "172.16.1.23", ServerID: "eni-1", ServerType: "eni"}
	for _, c := range []struct {
		name    string
		b       facts.Backends
		status  Status
		message string
	}{
		{"not read", facts.Backends{}, Skip, "the load balancer memberships were not read"},
		{"unreadable", facts.Backends{Read: true, Err: errors.New("Forbidden.RAM")}, Warn, "the load balancer memberships could not be read (Forbidden.RAM)"},
		{"none", facts.Backends{Read: true}, Pass, "i-1 is in no CLB, ALB or NLB server group"},
		{"by instance", facts.Backends{Read: true, Memberships: []facts.Membership{byID, vgroup}}, Pass,
			"2 membership(s), all by instance ID: CLB lb-1 default server group by instance weight 100; CLB lb-1 vServer group rsp-1 by instance port 80 weight 50"},
		{"by IP", facts.Backends{Read: true, Memberships: []facts.Membership{byID, ip, eni}}, Warn,
			"3 membership(s): CLB lb-1 default server group by instance weight 100; NLB server group sgp-1 (nlb-1) by IP 172.16.1.23 port 443 weight 30; CLB lb-2 vServer group rsp-2 by IP 172.16.1.23 (eni-1) port 8080 weight 20; " +
				"2 registered by IP, which will point to nothing after the move: NLB server group sgp-1 (nlb-1) by IP 172.16.1.23 port 443 weight 30; CLB lb-2 vServer group rsp-2 by IP 172.16.1.23 (eni-1) port 8080 weight 20"},
	} {
		r := CheckLBBackends("i-1", c.b)
		if r.ID != LBBackends || r.Status != c.status || r.Message != c.message {
			t.Errorf("%s: %s %s %q\nwant %s %q", c.name, r.ID, r.Status, r.Message, c.status, c.message)
		}
		if (r.Status == Warn) != (r.Hint != "") {
			t.Errorf("%s: hint %q", c.name, r.Hint)
		}
	}
}
