package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/record"
)

// batchTargets are the jobs of a batch to follow, each with where its
// instance must end and where it was: the revert of an entry that has one,
// else its move. Jobs the API no longer knows are left out (named in
// gone), and so are creates whose job is not known yet (unknown).
func batchTargets(st *batch.State, r record.Reading) (targets []follow.Target, gone, unknown []string) {
	for _, id := range record.SortedIDs(st) {
		e := st.Migrations[id]
		c, before := e, e.Before
		if e.Revert != nil && e.Revert.HasCreate() {
			c, before = e.Revert, e.Instance
		}
		if !c.HasCreate() {
			continue
		}
		if c.JobID == "" {
			unknown = append(unknown, id)
			continue
		}
		if r.Jobs[c.JobID] == nil {
			gone = append(gone, c.JobID+" ("+id+")")
			continue
		}
		t := follow.Target{JobID: c.JobID, InstanceID: id}
		if c.Request != nil {
			t.TargetZone, t.TargetInstanceType = c.Request.TargetZoneId, c.Request.TargetInstanceType
		}
		if t.TargetInstanceType == "" && before != nil {
			t.TargetInstanceType = before.InstanceType // no type change asked: the type must stay
		}
		if before != nil {
			t.Before = &follow.InstanceView{ZoneID: before.ZoneID, InstanceType: before.InstanceType, PrivateIP: before.PrivateIP}
		}
		targets = append(targets, t)
	}
	return targets, gone, unknown
}

func (o *WaitCmdOptions) runBatch(ctx context.Context) error {
	st, err := o.Batch.readState()
	if err != nil {
		return o.Out.renderWith(&jobsDocument{Jobs: []*follow.Result{}}, err, func() {})
	}
	o.Commands.Region = stateRegion(st, o.Commands.Region)
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	reading, err := readBatch(ctx, o.Reads.SMC, o.Reads.Cloud, o.Commands.Region, st, []string{})
	if err != nil {
		return o.Out.renderWith(&jobsDocument{Jobs: []*follow.Result{}}, err, func() {})
	}
	targets, gone, unknown := batchTargets(st, reading)
	w := o.IO.ErrOut
	if len(unknown) > 0 {
		fmt.Fprintf(w, "Not followed: %s (a create was sent and its job is not known; the same apply run again learns it).\n", strings.Join(unknown, ", "))
	}
	if len(gone) > 0 {
		fmt.Fprintf(w, "Not followed: %s (the job no longer exists).\n", strings.Join(gone, ", "))
	}
	if len(targets) == 0 {
		return o.Out.renderWith(&jobsDocument{Jobs: []*follow.Result{}}, nil, func() {
			fmt.Fprintf(o.IO.Out, "No job of %s to follow.\n", o.Batch.StatePath)
		})
	}
	report, err := o.NewFollower(o.Commands, nil).Wait(ctx, targets, follow.Options{Interval: o.Interval, Timeout: o.Timeout})
	if err == nil {
		err = report.Err()
	}
	return o.Out.renderWith(&jobsDocument{Jobs: report.SeenJobs()}, err, func() {
		if code := ExitCode(err); code == cmdutil.ExitOK || code == cmdutil.ExitJobFailed || code == cmdutil.ExitTimeout {
			follow.PrintReport(o.IO.Out, o.IO.ColorScheme(), report, o.Now())
			fmt.Fprintln(o.IO.Out)
			printAddressMap(o.IO.Out, report.Jobs)
		}
	})
}

// printAddressMap maps each instance read back after its job to its old
// private IP: what DNS records and allow-lists must follow.
func printAddressMap(w io.Writer, jobs []*follow.Result) {
	t := newTable(w, "  ")
	for _, j := range jobs {
		if j.Instance == nil || j.Instance.PrivateIP == "" {
			continue
		}
		old := "-"
		if j.Before != nil && j.Before.PrivateIP != "" {
			old = j.Before.PrivateIP
		}
		t.row(j.Target.InstanceID, old, "→", j.Instance.PrivateIP)
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w, "Private IP addresses, old → new (update DNS records and allow-lists):")
	t.flush()
}
