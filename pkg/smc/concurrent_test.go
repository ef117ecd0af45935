package smc_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/smc"
)

// One Client serves many goroutines (apply creates concurrently); run with
// -race, as .ci/run does, this fails if calls share an SDK client.
func TestClientIsSafeForConcurrentCalls(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	const calls = 16
	// Every create is held until all have arrived: they must be in flight together.
	srv.Always("CreateCrossZoneMigrationJob", fakeapi.Step{Barrier: fakeapi.NewBarrier(calls), Respond: func(r *fakeapi.Request) (int, any) {
		return 200, map[string]string{"RequestId": "R-" + r.Params.Get("InstanceId"), "JobId": "j-" + r.Params.Get("InstanceId")[2:]}
	}})
	typ, id, secret := "access_key", fakeapi.AccessKeyID, fakeapi.AccessKeySecret
	cred, err := credentials.NewCredential(&credentials.Config{Type: &typ, AccessKeyId: &id, AccessKeySecret: &secret})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewSession("cn-hangzhou", cred, api.Endpoints{api.SMC: {Protocol: "http", Host: srv.Host()}},
		api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := smc.NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			inst := fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i)
			resp, err := c.CreateCrossZoneMigrationJob(context.Background(), &migration.Request{
				RegionId: "cn-hangzhou", InstanceId: inst, TargetZoneId: "cn-hangzhou-i", ClientToken: fmt.Sprintf("token-%d", i)})
			if err != nil {
				t.Error(err)
				return
			}
			if want := "j-" + inst[2:]; resp.JobId != want {
				t.Errorf("%s got job %s; want %s (answers crossed)", inst, resp.JobId, want)
			}
		}(i)
	}
	wg.Wait()
	for _, r := range srv.Requests() {
		if !r.SignatureOK {
			t.Errorf("request for %s had an invalid signature", r.Params.Get("InstanceId"))
		}
	}
	if srv.MaxInFlight() != calls {
		t.Errorf("at most %d calls in flight; want all %d", srv.MaxInFlight(), calls)
	}
}
