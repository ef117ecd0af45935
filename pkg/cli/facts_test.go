package cli

import "github.com/zonemove/zonemove/pkg/fakeapi"

// healthyFacts answers the preflight lookups of the recorded healthy instance:
// i-bp1ff25rzvnul6kr0001, Running in cn-hangzhou-h, ecs.g7.large (PostPaid),
// in VPC vpc-bp1opxu1zkhn00gzv0001, with one disk d-bp1eeplkn4j29wf70001
// (system, cloud_essd PL0, 40 GiB) snapshotted 9 hours ago, no migration job;
// the target vSwitch vsw-bp1mxqnssl8nafltc0001 is in cn-hangzhou-i with free
// IPs, and cn-hangzhou-i sells ecs.g7.large and ecs.g7.xlarge.
func healthyFacts() map[string][]fakeapi.Step {
	return map[string][]fakeapi.Step{
		"DescribeInstances":         {ecsFile("DescribeInstances.healthy")},
		"DescribeDisks":             {ecsFile("DescribeDisks.healthy")},
		"DescribeSnapshots":         {ecsFile("DescribeSnapshots.recent")},
		"DescribeReplicationJobs":   {smcFile("DescribeReplicationJobs.instance-none")},
		"DescribeVSwitches":         {vpcFile("DescribeVSwitches.target")},
		"DescribeAvailableResource": {ecsFile("DescribeAvailableResource.zone-i")},
		"DescribeInstanceTypes":     {ecsFile("DescribeInstanceTypes.g7")},
	}
}

func ecsFile(name string) fakeapi.Step { return fakeapi.Step{File: "ecs/" + name + ".http"} }
func vpcFile(name string) fakeapi.Step { return fakeapi.Step{File: "vpc/" + name + ".http"} }

// withFacts is healthyFacts with some lookups answered otherwise.
func withFacts(changes map[string][]fakeapi.Step) map[string][]fakeapi.Step {
	s := healthyFacts()
	for action, steps := range changes {
		s[action] = steps
	}
	return s
}
