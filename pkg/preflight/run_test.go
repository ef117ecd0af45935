package preflight

import (
	"context"
	"errors"
	"testing"

	"github.com/zonemove/zonemove/pkg/facts"
)

// gathererFunc is a Gatherer made of a function.
type gathererFunc func(context.Context, facts.Target) (*facts.Facts, error)

func (g gathererFunc) Gather(ctx context.Context, t facts.Target) (*facts.Facts, error) {
	return g(ctx, t)
}

func TestRunGathersAndReports(t *testing.T) {
	var asked []facts.Target
	g := gathererFunc(func(_ context.Context, t facts.Target) (*facts.Facts, error) {
		asked = append(asked, t)
		return healthy(), nil
	})
	rep, err := Run(context.Background(), g, Request{Spec: spec()}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := facts.Target{InstanceID: "i-1", Zone: "cn-hangzhou-i", VSwitchID: "vsw-1", InstanceType: "ecs.g7.xlarge"}
	if len(asked) != 1 || asked[0] != want {
		t.Errorf("gathered %+v; want once %+v", asked, want)
	}
	if len(Failed(rep.Checks)) > 0 || len(rep.Checks) != len(IDs) {
		t.Errorf("checks %+v; want all of them, none failed", rep.Checks)
	}
	if rep.CurrentInstanceType != "ecs.g7.large" {
		t.Errorf("current type %q; want the instance's ecs.g7.large", rep.CurrentInstanceType)
	}
	if rep.Impact == nil || rep.Impact.DiskTotalGiB == nil || *rep.Impact.DiskTotalGiB != 40 || rep.Impact.InstanceType != "ecs.g7.large" {
		t.Errorf("impact %+v; want it from the facts (40 GiB, ecs.g7.large)", rep.Impact)
	}
}

// A zone outside the region fails region-zone; its facts are not asked for.
func TestRunAsksNoZoneOutsideTheRegion(t *testing.T) {
	var asked facts.Target
	g := gathererFunc(func(_ context.Context, t facts.Target) (*facts.Facts, error) {
		asked = t
		return healthy(), nil
	})
	s := spec()
	s.TargetZone = "cn-beijing-a"
	rep, err := Run(context.Background(), g, Request{Spec: s}, now)
	if err != nil {
		t.Fatal(err)
	}
	if asked.Zone != "" || asked.InstanceID != "i-1" {
		t.Errorf("asked %+v; want the instance without a zone", asked)
	}
	if r := statusOf(rep.Checks, RegionZone); r.Status != Fail {
		t.Errorf("region-zone %s; want fail", r.Status)
	}
}

func TestRunOfflineReadsNothing(t *testing.T) {
	rep, err := Run(context.Background(), nil, Request{Spec: spec(), Offline: true, SourceInstanceType: "ecs.g7.large", SourceZone: "cn-hangzhou-h"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if rep.CurrentInstanceType != "ecs.g7.large" {
		t.Errorf("current type %q; want --source-instance-type's", rep.CurrentInstanceType)
	}
	if r := statusOf(rep.Checks, InstanceFound); r.Status != Skip {
		t.Errorf("instance-found %s offline; want skip", r.Status)
	}
}

func TestRunPassesGatherErrorsOn(t *testing.T) {
	boom := errors.New("boom")
	g := gathererFunc(func(context.Context, facts.Target) (*facts.Facts, error) { return nil, boom })
	if _, err := Run(context.Background(), g, Request{Spec: spec()}, now); !errors.Is(err, boom) {
		t.Errorf("err %v; want the gatherer's", err)
	}
}
