package follow

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// TestTrackerFollowsJobsThatJoin: two jobs awaited together are read in one
// poll; a third joins after the first two ended; each awaiter goes on with
// its job read back, and the report holds all three.
func TestTrackerFollowsJobsThatJoin(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	ids := fakeapi.FleetInstances(3)
	fleet := fakeapi.NewFleet(srv, ids...)
	fleet.PollsToEnd = 2
	for _, id := range ids {
		fleet.AddJob(id, facts.JobRunning)
	}
	f, _, _ := newFollower(t, srv, "")
	// The first poll waits until both jobs were added (a barrier).
	release := make(chan struct{})
	sleep := f.Sleep
	f.Sleep = func(ctx context.Context, d time.Duration) error {
		<-release
		return sleep(ctx, d)
	}
	tr, err := f.Track(context.Background(), Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	target := func(id string) Target {
		return Target{JobID: fakeapi.FleetJob(id), InstanceID: id, TargetZone: "cn-hangzhou-i"}
	}
	var ends []<-chan struct{}
	var results []*Result
	for _, id := range ids[:2] {
		r, end, err := tr.Add(target(id))
		if err != nil {
			t.Fatal(err)
		}
		results, ends = append(results, r), append(ends, end)
	}
	close(release)
	for i, end := range ends {
		<-end
		if r := results[i]; r.Status != facts.JobFinished || r.Instance == nil || r.Instance.ZoneID != "cn-hangzhou-i" {
			t.Fatalf("job %d: %+v; want Finished and read back in cn-hangzhou-i", i, r)
		}
	}
	r, err := tr.Await(context.Background(), target(ids[2]))
	if err != nil || !r.Done() || r.Failed() {
		t.Fatalf("the third job: %+v, %v", r, err)
	}
	report := tr.Stop()
	if len(report.Jobs) != 3 || report.Err() != nil {
		t.Errorf("report: %d jobs, %v", len(report.Jobs), report.Err())
	}
	// Each poll reads every job not done: the first two, added before the
	// first poll, were read together.
	together := false
	for _, req := range srv.Requests() {
		if req.Action == "DescribeReplicationJobs" && req.Params.Get("JobId.2") != "" {
			together = true
		}
	}
	if !together {
		t.Error("no poll read the two jobs together")
	}
	if _, err := tr.Await(context.Background(), target(ids[0])); !errors.Is(err, ErrTrackerStopped) {
		t.Errorf("await after Stop: %v; want ErrTrackerStopped", err)
	}
}

// TestTrackerAwaitEndsWithItsContext: Ctrl-C ends an await at once; the job
// goes on being followed until Stop.
func TestTrackerAwaitEndsWithItsContext(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	fleet := fakeapi.NewFleet(srv, fakeapi.FleetInstance(1))
	fleet.SetJobStatus(fakeapi.FleetInstance(1), "cn-hangzhou-i", facts.JobRunning) // never ends
	f, _, _ := newFollower(t, srv, "")
	tr, err := f.Track(context.Background(), Options{Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan struct{}, 1)
	sleep := f.Sleep
	f.Sleep = func(c context.Context, d time.Duration) error {
		select {
		case polled <- struct{}{}:
		default:
		}
		return sleep(c, d)
	}
	go func() { <-polled; cancel() }()
	if _, err := tr.Await(ctx, Target{JobID: fakeapi.FleetJob(fakeapi.FleetInstance(1))}); !errors.Is(err, context.Canceled) {
		t.Errorf("await: %v; want context.Canceled", err)
	}
	if report := tr.Stop(); len(report.Jobs) != 1 || report.Jobs[0].Done() {
		t.Errorf("report %+v; want the job, not done", report.Jobs)
	}
}
