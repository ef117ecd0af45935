package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/next"
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
			// A revert starts where the move left the instance.
			c, before = e.Revert, e.Revert.Before
			if before == nil {
				before = e.Instance
			}
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

func (o *WaitOptions) runBatch(ctx context.Context) error {
	doc := &waitDocument{Jobs: []*follow.Result{}, addresses: true}
	st, err := o.Batch.readState()
	if err != nil {
		return o.Out.Render(doc, err)
	}
	o.Commands.Region = stateRegion(st, o.Commands.Region)
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	reading, err := readBatch(ctx, o.Reads.SMC, o.Reads.Cloud, o.Commands.Region, st, []string{})
	if err != nil {
		return o.Out.Render(doc, err)
	}
	targets, gone, unknown := batchTargets(st, reading)
	if len(unknown) > 0 {
		doc.notes = append(doc.notes, fmt.Sprintf("Not followed: %s (a create was sent and its job is not known; the same apply run again learns it).", strings.Join(unknown, ", ")))
	}
	if len(gone) > 0 {
		doc.notes = append(doc.notes, fmt.Sprintf("Not followed: %s (the job no longer exists).", strings.Join(gone, ", ")))
	}
	if len(targets) == 0 {
		doc.notes = append(doc.notes, fmt.Sprintf("No job of %s to follow.", o.Batch.StatePath))
		return o.Out.Render(doc, nil)
	}
	follower := o.NewFollower(o.Commands, nil)
	// The jobs are a batch's: what to do next is the batch's recovery.
	follower.Batch, follower.Resume = true, next.Cmd("wait").OfBatch()
	report, err := follower.Wait(ctx, targets, follow.Options{Interval: o.Interval, Timeout: o.Timeout, FailFast: o.FailFast})
	if err == nil {
		err = report.Err()
	}
	doc.Jobs = report.SeenJobs()
	if waitEnded(err) {
		doc.report, doc.now, doc.line = report, o.Now(), o.Commands.Step
	}
	return o.Out.Render(doc, err)
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
