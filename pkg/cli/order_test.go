package cli

import (
	"sort"
	"strings"

	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// preflightReads are the actions of the preflight's lookups.
var preflightReads = map[string]bool{
	"DescribeInstances": true, "DescribeDisks": true, "DescribeSnapshots": true, "DescribeReplicationJobs": true,
	"DescribeVSwitches": true, "DescribeAvailableResource": true, "DescribeInstanceTypes": true,
	// The load balancer memberships (lb-backends), read with the second round.
	"DescribeLoadBalancers": true, "DescribeLoadBalancerAttribute": true, "DescribeVServerGroups": true,
	"DescribeVServerGroupAttribute": true, "ListServerGroupServers": true, "ListServerGroups": true,
}

// preflightRound is the round of concurrent lookups a read belongs to: the
// second round needs the instance (its zone stock, family, VPC).
func preflightRound(r fakeapi.Request) int {
	switch {
	case r.Action == "DescribeAvailableResource", r.Action == "DescribeInstanceTypes",
		r.Action == "DescribeVSwitches" && r.Params.Get("VpcId") != "":
		return 2
	case r.Action == "DescribeLoadBalancerAttribute", r.Action == "DescribeVServerGroups",
		r.Action == "DescribeVServerGroupAttribute", r.Action == "ListServerGroups":
		return 4 // what the memberships found: after them
	case preflightReads[r.Action] && strings.HasPrefix(r.Action, "DescribeLoadBalancers") || r.Action == "ListServerGroupServers":
		return 3 // the memberships need the instance's private IP
	}
	return 1
}

// preflightOrder puts the preflight's reads, which arrive in two rounds of
// concurrent requests, in a stable order for golden files: each contiguous run
// of them is sorted by round, then service, action and parameters. Retries of
// one request stay in the order they came; every other request stays where it
// was.
func preflightOrder(reqs []fakeapi.Request) []fakeapi.Request {
	out := append([]fakeapi.Request(nil), reqs...)
	key := func(r fakeapi.Request) string {
		return r.Service + " " + r.Action + " " + r.Params.Encode()
	}
	for start := 0; start < len(out); {
		if !preflightReads[out[start].Action] {
			start++
			continue
		}
		end := start
		for end < len(out) && preflightReads[out[end].Action] {
			end++
		}
		run := out[start:end]
		sort.SliceStable(run, func(a, b int) bool {
			ra, rb := preflightRound(run[a]), preflightRound(run[b])
			if ra != rb {
				return ra < rb
			}
			return strings.Compare(key(run[a]), key(run[b])) < 0
		})
		start = end
	}
	return out
}

// preflightTraceOrder does for the --debug trace what preflightOrder does for
// the requests: each contiguous run of trace lines of preflight reads is
// sorted by round, then text (an action's attempts sort in their order).
func preflightTraceOrder(out string) string {
	lines := strings.SplitAfter(out, "\n")
	read := func(line string) (bool, int) {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "debug:" || !preflightReads[f[2]] {
			return false, 0
		}
		r := fakeapi.Request{Action: f[2]}
		if strings.Contains(line, " VpcId=") {
			r.Params = map[string][]string{"VpcId": {"x"}}
		}
		return true, preflightRound(r)
	}
	for start := 0; start < len(lines); {
		if ok, _ := read(lines[start]); !ok {
			start++
			continue
		}
		end := start
		for end < len(lines) {
			if ok, _ := read(lines[end]); !ok {
				break
			}
			end++
		}
		run := lines[start:end]
		sort.SliceStable(run, func(a, b int) bool {
			_, ra := read(run[a])
			_, rb := read(run[b])
			if ra != rb {
				return ra < rb
			}
			return run[a] < run[b]
		})
		start = end
	}
	return strings.Join(lines, "")
}

// concurrentPreflight sets the preflight orders on every case.
func concurrentPreflight(cases []cliCase) []cliCase {
	for i := range cases {
		cases[i].order = preflightOrder
		cases[i].orderLines = preflightTraceOrder
	}
	return cases
}
