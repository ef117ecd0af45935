package migration

// Impact is what an operator should know before the maintenance window.
type Impact struct {
	DowntimeMinutes   int      `json:"downtime_minutes"`
	DataSyncHours     *float64 `json:"data_sync_hours"` // nil when the disks' size is unknown (offline)
	DiskTotalGiB      *int     `json:"disk_total_gib"`
	PrivateIPChanges  bool     `json:"private_ip_changes"`
	PublicIPMayChange bool     `json:"public_ip_may_change"`
	SLBVServerGroups  string   `json:"slb_vserver_groups"`
	Billing           string   `json:"billing"`
	Preparations      []string `json:"preparations"`
}

// Documented figures (cross-zone migration user guide).
const (
	DowntimeMinutes    = 15
	SyncHoursPer100GiB = 4.0
)

// EstimateImpact describes the migration's impact; diskGiB is the total size of
// the instance's disks, or nil when unknown.
func EstimateImpact(s *Spec, diskGiB *int) *Impact {
	im := &Impact{
		DowntimeMinutes:   DowntimeMinutes,
		DiskTotalGiB:      diskGiB,
		PrivateIPChanges:  true,
		PublicIPMayChange: true,
		SLBVServerGroups:  "membership in SLB vServer groups is lost: re-add the instance after the migration",
		Billing:           "no change: the instance type stays the same",
		Preparations: []string{
			"take snapshots of the instance's disks",
			"keep more than 500 MiB free on the system disk",
			"disable security software that blocks driver installation",
		},
	}
	if s.TargetInstanceType != "" {
		im.Billing = "the new type " + s.TargetInstanceType + " is billed at its own price from the migration on (subscription: the difference is charged or refunded)"
	}
	if diskGiB != nil {
		h := float64(*diskGiB) / 100 * SyncHoursPer100GiB
		im.DataSyncHours = &h
	}
	return im
}
