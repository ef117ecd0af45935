package migration_test

import (
	"context"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/apierr"
	"github.com/zonemove/zonemove/pkg/fakeapi"
	"github.com/zonemove/zonemove/pkg/migration"
	"github.com/zonemove/zonemove/pkg/smc"
)

// MayHaveCreated judges the errors a real create returns: a connection the
// system refused sent nothing, so no job was made; a connection dropped after
// the request was written may have made one.
func TestMayHaveCreatedOnTheWire(t *testing.T) {
	refused := closedPort(t)
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.Always("CreateCrossZoneMigrationJob", fakeapi.Step{File: "smc/CreateCrossZoneMigrationJob.ok.http", Drop: true})
	for _, c := range []struct {
		name, host string
		want       bool
	}{
		{"connection refused", refused, false},
		{"answer lost after the request was written", srv.Host(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := create(t, c.host)
			ae, ok := err.(*apierr.Error)
			if !ok || ae.Code != apierr.CodeConnection || ae.Attempts != 2 {
				t.Fatalf("error %#v; want a connection error after 2 attempts", err)
			}
			if ae.Sent != c.want {
				t.Errorf("Sent = %v; want %v", ae.Sent, c.want)
			}
			if got := migration.MayHaveCreated(false, err); got != c.want {
				t.Errorf("MayHaveCreated = %v; want %v", got, c.want)
			}
		})
	}
}

// closedPort is a loopback address where nothing listens: dialing it is
// refused at once.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func create(t *testing.T, host string) error {
	t.Helper()
	fakeapi.TestEnv(t)
	cred, err := credentials.NewCredential(&credentials.Config{Type: ptr("access_key"),
		AccessKeyId: ptr(fakeapi.AccessKeyID), AccessKeySecret: ptr(fakeapi.AccessKeySecret)})
	if err != nil {
		t.Fatal(err)
	}
	eps := api.Endpoints{api.SMC: {Protocol: "http", Host: host}}
	policy := api.Policy{MaxAttempts: 2, Timeout: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	s := api.NewSession("cn-hangzhou", cred, eps, policy, nil, "test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := smc.NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCrossZoneMigrationJob(context.Background(), &migration.Request{RegionId: "cn-hangzhou",
		InstanceId: "i-bp1ff25rzvnul6kr0001", TargetZoneId: "cn-hangzhou-i", ClientToken: "t-1"})
	return err
}

func ptr(s string) *string { return &s }
