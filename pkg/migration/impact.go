package migration

import "fmt"

// Impact is what an operator should know before the maintenance window.
type Impact struct {
	DowntimeMinutes int      `json:"downtime_minutes"`
	DataSyncHours   *float64 `json:"data_sync_hours"` // nil when the disks' size is unknown (offline)
	DiskTotalGiB    *int     `json:"disk_total_gib"`
	// PrivateIPChanges is always true: the instance gets an address of the
	// target vSwitch. PrivateIPs are the addresses it has now, when known.
	PrivateIPChanges bool     `json:"private_ip_changes"`
	PrivateIPs       []string `json:"private_ips,omitempty"`
	// PublicIPMayChange: a public IP assigned with the instance may change;
	// false when the instance is known to have none. An EIP stays.
	PublicIPMayChange  bool     `json:"public_ip_may_change"`
	PublicIPs          []string `json:"public_ips,omitempty"`
	EIP                string   `json:"eip,omitempty"`
	SLBVServerGroups   string   `json:"slb_vserver_groups"`
	ChargeType         string   `json:"charge_type,omitempty"` // PrePaid or PostPaid; empty when unknown
	InstanceType       string   `json:"instance_type,omitempty"`
	TargetInstanceType string   `json:"target_instance_type,omitempty"`
	Billing            string   `json:"billing"`
	Preparations       []string `json:"preparations"`
}

// Documented figures (cross-zone migration user guide).
const (
	DowntimeMinutes    = 15
	SyncHoursPer100GiB = 4.0
)

// ImpactFacts are what the read-only APIs said that the impact depends on;
// the zero value is "nothing known" (offline).
type ImpactFacts struct {
	DiskGiB      *int   // total size of the instance's disks
	InstanceType string // the current type
	ChargeType   string
	PrivateIPs   []string
	PublicIPs    []string
	EIP          string
	Known        bool // the instance was read
}

// EstimateImpact describes the migration's impact.
func EstimateImpact(s *Spec, f ImpactFacts) *Impact {
	im := &Impact{
		DowntimeMinutes:    DowntimeMinutes,
		DiskTotalGiB:       f.DiskGiB,
		PrivateIPChanges:   true,
		PrivateIPs:         f.PrivateIPs,
		PublicIPMayChange:  !f.Known || len(f.PublicIPs) > 0,
		PublicIPs:          f.PublicIPs,
		EIP:                f.EIP,
		SLBVServerGroups:   "membership in SLB vServer groups is lost: re-add the instance after the migration",
		ChargeType:         f.ChargeType,
		InstanceType:       f.InstanceType,
		TargetInstanceType: s.TargetInstanceType,
		Billing:            "no change: the instance type stays the same",
		Preparations: []string{
			"take snapshots of the instance's disks",
			"keep more than 500 MiB free on the system disk",
			"disable security software that blocks driver installation",
		},
	}
	if f.DiskGiB != nil {
		h := float64(*f.DiskGiB) / 100 * SyncHoursPer100GiB
		im.DataSyncHours = &h
	}
	to := s.TargetInstanceType
	if to == "" || to == f.InstanceType {
		return im
	}
	switch f.ChargeType {
	case "PrePaid":
		im.Billing = fmt.Sprintf("subscription: %s to %s changes the price for the rest of the term; an upgrade charges the difference, "+
			"a downgrade refunds it (monthly downgrade quota)", f.InstanceType, to)
	case "PostPaid":
		im.Billing = fmt.Sprintf("pay-as-you-go: billed at the price of %s from the migration on", to)
	default:
		im.Billing = "the new type " + to + " is billed at its own price from the migration on (subscription: the difference is charged or refunded)"
	}
	return im
}
