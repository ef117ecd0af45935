package ecs

import "context"

// DescribeAvailableResourceRequest asks what a zone, or every zone of the
// region when ZoneId is empty, sells of DestinationResource (InstanceType,
// Zone, ...).
type DescribeAvailableResourceRequest struct {
	RegionId            string `json:"RegionId"`
	DestinationResource string `json:"DestinationResource"`
	ZoneId              string `json:"ZoneId,omitempty"`
	InstanceChargeType  string `json:"InstanceChargeType,omitempty"`
}

// DescribeAvailableResourceResponseBody is the stock by zone.
type DescribeAvailableResourceResponseBody struct {
	RequestId      string `json:"RequestId"`
	AvailableZones struct {
		AvailableZone []AvailableZone `json:"AvailableZone"`
	} `json:"AvailableZones"`
}

// AvailableZone is one zone's stock.
type AvailableZone struct {
	ZoneId             string `json:"ZoneId"`
	Status             string `json:"Status"`
	AvailableResources struct {
		AvailableResource []struct {
			Type               string `json:"Type"`
			SupportedResources struct {
				SupportedResource []struct {
					Value  string `json:"Value"`
					Status string `json:"Status"` // Available or SoldOut
				} `json:"SupportedResource"`
			} `json:"SupportedResources"`
		} `json:"AvailableResource"`
	} `json:"AvailableResources"`
}

// DescribeAvailableResource returns the stock of a zone or of the region.
func (c *Client) DescribeAvailableResource(ctx context.Context, req *DescribeAvailableResourceRequest) (*DescribeAvailableResourceResponseBody, error) {
	out := &DescribeAvailableResourceResponseBody{}
	return out, c.Call(ctx, "DescribeAvailableResource", req, out)
}
