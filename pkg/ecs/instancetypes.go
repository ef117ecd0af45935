package ecs

import "context"

// DescribeInstanceTypesRequest selects the instance types of a family; it
// pages with NextToken.
type DescribeInstanceTypesRequest struct {
	InstanceTypeFamily string `json:"InstanceTypeFamily,omitempty"`
	NextToken          string `json:"NextToken,omitempty"`
}

// DescribeInstanceTypesResponseBody is one page of instance types.
type DescribeInstanceTypesResponseBody struct {
	RequestId     string `json:"RequestId"`
	NextToken     string `json:"NextToken"`
	InstanceTypes struct {
		InstanceType []InstanceType `json:"InstanceType"`
	} `json:"InstanceTypes"`
}

// InstanceType is what zonemove reads of one instance type.
type InstanceType struct {
	InstanceTypeId     string  `json:"InstanceTypeId"`
	InstanceTypeFamily string  `json:"InstanceTypeFamily"`
	CpuCoreCount       int32   `json:"CpuCoreCount"`
	MemorySize         float32 `json:"MemorySize"` // GiB, as the SDK's model reads it
}

// DescribeInstanceTypes returns one page of instance types.
func (c *Client) DescribeInstanceTypes(ctx context.Context, req *DescribeInstanceTypesRequest) (*DescribeInstanceTypesResponseBody, error) {
	out := &DescribeInstanceTypesResponseBody{}
	return out, c.Call(ctx, "DescribeInstanceTypes", req, out)
}
