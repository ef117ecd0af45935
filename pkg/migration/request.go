package migration

// Request holds every parameter of SMC's CreateCrossZoneMigrationJob, as plain
// data: pkg/smc sends it. JSON names are the API's; empty fields are not sent.
type Request struct {
	RegionId           string         `json:"RegionId"`
	ClientToken        string         `json:"ClientToken,omitempty"`
	InstanceId         string         `json:"InstanceId,omitempty"`
	TargetZoneId       string         `json:"TargetZoneId,omitempty"`
	TargetVSwitchId    string         `json:"TargetVSwitchId,omitempty"`
	TargetInstanceType string         `json:"TargetInstanceType,omitempty"`
	AutoPay            *bool          `json:"AutoPay,omitempty"`
	Disk               []*RequestDisk `json:"Disk,omitempty"`
	ResourceGroupId    string         `json:"ResourceGroupId,omitempty"`
}

// RequestDisk is one element of Disk (sent as Disk.N.*).
type RequestDisk struct {
	DiskId           string `json:"DiskId,omitempty"`
	Category         string `json:"Category,omitempty"`
	PerformanceLevel string `json:"PerformanceLevel,omitempty"`
}

// Response is what CreateCrossZoneMigrationJob answers.
type Response struct {
	RequestId string `json:"RequestId"`
	JobId     string `json:"JobId"`
}
