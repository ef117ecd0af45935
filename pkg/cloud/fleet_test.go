package cloud

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

func TestMain(m *testing.M) {
	// Nothing here may reach the ECS metadata service, a proxy or a real endpoint.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasSuffix(strings.ToUpper(name), "_PROXY") {
			os.Unsetenv(name)
		}
	}
	os.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	os.Exit(m.Run())
}

// Callers asking while a lookup is under way wait for it: the bubble's
// synctest.Wait returns once every caller is blocked, one in the lookup and
// the others waiting for it, and only then does the lookup end.
func TestRememberSharesOneLookup(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo
		var calls atomic.Int32
		release := make(chan struct{})
		var wg sync.WaitGroup
		results := make([]int, 20)
		for i := range results {
			wg.Go(func() {
				v, err := remember(context.Background(), &m, "k", func(context.Context) (int, error) {
					calls.Add(1)
					<-release
					return 42, nil
				})
				if err != nil {
					t.Error(err)
				}
				results[i] = v
			})
		}
		synctest.Wait()
		close(release)
		wg.Wait()
		if n := calls.Load(); n != 1 {
			t.Errorf("the lookup ran %d times; want once", n)
		}
		for _, v := range results {
			if v != 42 {
				t.Errorf("a caller got %d", v)
			}
		}
		v, _ := remember(context.Background(), &m, "k", func(context.Context) (int, error) { return 0, errors.New("not again") })
		if v != 42 {
			t.Errorf("a later caller got %d; want the remembered 42", v)
		}
	})
}

func TestRememberForgetsFailures(t *testing.T) {
	var m memo
	boom := errors.New("boom")
	if _, err := remember(context.Background(), &m, "k", func(context.Context) (int, error) { return 0, boom }); err != boom {
		t.Fatalf("err = %v", err)
	}
	v, err := remember(context.Background(), &m, "k", func(context.Context) (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Errorf("after a failure: %d, %v; want a fresh lookup", v, err)
	}
}

func TestRememberOutlivesAnAbandonedLookup(t *testing.T) {
	synctest.Test(t, rememberOutlivesAnAbandonedLookup)
}

func rememberOutlivesAnAbandonedLookup(t *testing.T) {
	var m memo
	ownerCtx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		remember(ownerCtx, &m, "k", func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
	}()
	<-started
	done := make(chan int)
	go func() {
		v, err := remember(context.Background(), &m, "k", func(context.Context) (int, error) { return 9, nil })
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	synctest.Wait() // the waiter is waiting for the owner's lookup
	cancel()        // the owner gives up; the waiter must not inherit its cancellation
	if v := <-done; v != 9 {
		t.Errorf("waiter got %d; want its own lookup's 9", v)
	}
}

// newTestGatherer is a gatherer whose ECS, VPC and SMC endpoints are a fake
// server answering the recorded healthy instance.
func newTestGatherer(t testing.TB) (*Gatherer, *fakeapi.Server) {
	t.Helper()
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.Always("DescribeInstances", fakeapi.Step{File: "ecs/DescribeInstances.healthy.http"})
	srv.Always("DescribeDisks", fakeapi.Step{File: "ecs/DescribeDisks.healthy.http"})
	srv.Always("DescribeSnapshots", fakeapi.Step{File: "ecs/DescribeSnapshots.recent.http"})
	srv.Always("DescribeReplicationJobs", fakeapi.Step{File: "smc/DescribeReplicationJobs.instance-none.http"})
	srv.Always("DescribeVSwitches", fakeapi.Step{File: "vpc/DescribeVSwitches.target.http"})
	srv.Always("DescribeAvailableResource", fakeapi.Step{File: "ecs/DescribeAvailableResource.zone-i.http"})
	srv.Always("DescribeInstanceTypes", fakeapi.Step{File: "ecs/DescribeInstanceTypes.g7.http"})
	cred, err := credentials.NewCredential(&credentials.Config{Type: str("access_key"),
		AccessKeyId: str(fakeapi.AccessKeyID), AccessKeySecret: str(fakeapi.AccessKeySecret)})
	if err != nil {
		t.Fatal(err)
	}
	eps := api.Endpoints{}
	for _, s := range api.Services {
		eps[s] = api.Endpoint{Protocol: "http", Host: srv.Host()}
	}
	policy := api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}
	s := api.NewSession("cn-hangzhou", cred, eps, policy, nil, "zonemove/test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return NewGatherer(c, time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)), srv
}

func str(s string) *string { return &s }

func countActions(srv *fakeapi.Server) map[string]int {
	n := map[string]int{}
	for _, r := range srv.Requests() {
		n[r.Action]++
	}
	return n
}

func TestGatherReadsEachFactOnce(t *testing.T) {
	g, srv := newTestGatherer(t)
	f, err := g.Gather(context.Background(), facts.Target{InstanceID: "i-bp1ff25rzvnul6kr0001", Zone: "cn-hangzhou-i", VSwitchID: "vsw-bp1mxqnssl8nafltc0001"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Instance == nil || f.Instance.Family() != "ecs.g7" || len(f.Disks) != 1 || f.Disks[0].SizeGiB != 40 ||
		f.VSwitch == nil || f.VSwitch.AvailableIPs != 252 || !f.Stock.InStock("ecs.g7.xlarge") || f.Stock.InStock("ecs.g7.2xlarge") ||
		f.FamilyTypes.Lookup("ecs.g7.xlarge") == nil || len(f.Snapshots) != 2 || f.ZoneVSwitches != nil {
		t.Errorf("facts: %+v", f)
	}
	for action, n := range countActions(srv) {
		if n != 1 {
			t.Errorf("%s sent %d times; want once", action, n)
		}
	}
}

// TestGatherSharesAcrossMigrations: migrations of one run to the same zone,
// vSwitch and family, gathered together (the server holds their instance
// lookups until all eight have arrived), look those up once.
func TestGatherSharesAcrossMigrations(t *testing.T) {
	const migrations = 8
	g, srv := newTestGatherer(t)
	var ids []string
	for n := range migrations {
		ids = append(ids, fakeapi.FleetInstance(n+1))
	}
	fakeapi.NewFleet(srv, ids...)
	srv.Hold("DescribeInstances", fakeapi.NewBarrier(migrations))
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if _, err := g.Gather(context.Background(), facts.Target{InstanceID: id, Zone: "cn-hangzhou-i", VSwitchID: "vsw-bp1mxqnssl8nafltc0001"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n := countActions(srv)
	for action, want := range map[string]int{
		"DescribeInstances": migrations, "DescribeDisks": migrations, "DescribeSnapshots": migrations, "DescribeReplicationJobs": migrations,
		"DescribeVSwitches": 1, "DescribeAvailableResource": 1, "DescribeInstanceTypes": 1,
	} {
		if n[action] != want {
			t.Errorf("%s sent %d times; want %d", action, n[action], want)
		}
	}
}

// TestGatherRoundsAreConcurrent: the five lookups of the first round are in
// flight together (the server holds each until all five have arrived), and
// so are the two of the second; gathered one after the other, they would
// wait for each other until the barrier gives up.
func TestGatherRoundsAreConcurrent(t *testing.T) {
	g, srv := newTestGatherer(t)
	round1, round2 := fakeapi.NewBarrier(5), fakeapi.NewBarrier(2)
	for action, file := range map[string]string{
		"DescribeInstances":       "ecs/DescribeInstances.healthy.http",
		"DescribeDisks":           "ecs/DescribeDisks.healthy.http",
		"DescribeSnapshots":       "ecs/DescribeSnapshots.recent.http",
		"DescribeReplicationJobs": "smc/DescribeReplicationJobs.instance-none.http",
		"DescribeVSwitches":       "vpc/DescribeVSwitches.target.http",
	} {
		srv.Always(action, fakeapi.Step{File: file, Barrier: round1})
	}
	srv.Always("DescribeAvailableResource", fakeapi.Step{File: "ecs/DescribeAvailableResource.zone-i.http", Barrier: round2})
	srv.Always("DescribeInstanceTypes", fakeapi.Step{File: "ecs/DescribeInstanceTypes.g7.http", Barrier: round2})
	f, err := g.Gather(context.Background(), facts.Target{InstanceID: "i-bp1ff25rzvnul6kr0001", Zone: "cn-hangzhou-i", VSwitchID: "vsw-bp1mxqnssl8nafltc0001"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Instance == nil || f.Stock == nil || f.FamilyTypes == nil {
		t.Errorf("facts: %+v", f)
	}
	if srv.MaxInFlight() < 5 {
		t.Errorf("at most %d requests in flight; want the 5 of the first round", srv.MaxInFlight())
	}
}

func TestGatherSkipsWhatCannotBeAsked(t *testing.T) {
	g, srv := newTestGatherer(t)
	srv.On("DescribeInstances", fakeapi.Step{File: "ecs/DescribeInstances.absent.http"})
	f, err := g.Gather(context.Background(), facts.Target{InstanceID: "i-bp1ff25rzvnul6kr0001", Zone: "cn-hangzhou-i"})
	if err != nil {
		t.Fatal(err)
	}
	n := countActions(srv)
	if f.Instance != nil || n["DescribeAvailableResource"] != 0 || n["DescribeInstanceTypes"] != 0 || n["DescribeVSwitches"] != 0 {
		t.Errorf("instance absent: %+v, requests %v; want no second round and no vSwitch lookup", f, n)
	}
}
