package ecs

import "context"

// MaxInstanceIDs is the most IDs one DescribeInstances takes in InstanceIds,
// and the largest MaxResults.
const MaxInstanceIDs = 100

// DescribeInstancesRequest selects instances of a region. InstanceIds is a
// JSON array of at most MaxInstanceIDs IDs; MaxResults (1-100, default 10) and
// NextToken page (PageSize is deprecated).
type DescribeInstancesRequest struct {
	RegionId    string                        `json:"RegionId"`
	InstanceIds string                        `json:"InstanceIds,omitempty"`
	ZoneId      string                        `json:"ZoneId,omitempty"`
	Tag         []DescribeInstancesRequestTag `json:"Tag,omitempty"`
	MaxResults  int                           `json:"MaxResults,omitempty"`
	NextToken   string                        `json:"NextToken,omitempty"`
}

// DescribeInstancesRequestTag is one Tag.N filter; without a Value it matches
// any value of the key.
type DescribeInstancesRequestTag struct {
	Key   string `json:"Key,omitempty"`
	Value string `json:"Value,omitempty"`
}

// DescribeInstancesResponseBody is one page of instances.
type DescribeInstancesResponseBody struct {
	RequestId string `json:"RequestId"`
	NextToken string `json:"NextToken"`
	Instances struct {
		Instance []Instance `json:"Instance"`
	} `json:"Instances"`
}

// Instance is what zonemove reads of one instance.
type Instance struct {
	InstanceId          string `json:"InstanceId"`
	InstanceName        string `json:"InstanceName"`
	Status              string `json:"Status"`
	ZoneId              string `json:"ZoneId"`
	InstanceType        string `json:"InstanceType"`
	InstanceTypeFamily  string `json:"InstanceTypeFamily"`
	SpotStrategy        string `json:"SpotStrategy"`
	InstanceNetworkType string `json:"InstanceNetworkType"`
	InstanceChargeType  string `json:"InstanceChargeType"`
	VpcAttributes       struct {
		VpcId            string    `json:"VpcId"`
		VSwitchId        string    `json:"VSwitchId"`
		PrivateIpAddress IPAddress `json:"PrivateIpAddress"`
	} `json:"VpcAttributes"`
	PublicIpAddress IPAddress `json:"PublicIpAddress"`
	EipAddress      struct {
		IpAddress string `json:"IpAddress"`
	} `json:"EipAddress"`
	OperationLocks struct {
		LockReason []struct {
			LockReason string `json:"LockReason"`
		} `json:"LockReason"`
	} `json:"OperationLocks"`
	NetworkInterfaces struct {
		NetworkInterface []struct {
			NetworkInterfaceId string `json:"NetworkInterfaceId"`
			Type               string `json:"Type"`
			Ipv6Sets           struct {
				Ipv6Set []struct {
					Ipv6Address string `json:"Ipv6Address"`
				} `json:"Ipv6Set"`
			} `json:"Ipv6Sets"`
		} `json:"NetworkInterface"`
	} `json:"NetworkInterfaces"`
}

// IPAddress is a list of addresses as ECS nests it.
type IPAddress struct {
	IpAddress []string `json:"IpAddress"`
}

// DescribeInstances returns one page of instances.
func (c *Client) DescribeInstances(ctx context.Context, req *DescribeInstancesRequest) (*DescribeInstancesResponseBody, error) {
	out := &DescribeInstancesResponseBody{}
	return out, c.Call(ctx, "DescribeInstances", req, out)
}
