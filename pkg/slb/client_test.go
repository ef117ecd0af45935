package slb

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/fakeapi"
)

// The API reference's own example of AddBackendServers sends Weight as a
// string ("100"); the answer is read as the official SDK reads it.
func TestBackendServersDecodeNumbersSentAsStrings(t *testing.T) {
	srv := fakeapi.New(t, filepath.Join("..", "..", "testdata", "api"))
	srv.On("AddBackendServers", fakeapi.Step{File: "slb/AddBackendServers.example.http"})
	p, err := providers.NewStaticAKCredentialsProviderBuilder().
		WithAccessKeyId(fakeapi.AccessKeyID).WithAccessKeySecret(fakeapi.AccessKeySecret).Build()
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewSession("cn-hangzhou", credentials.FromCredentialsProvider("static", p),
		api.Endpoints{api.SLB: {Protocol: "http", Host: srv.Host()}}, api.Policy{MaxAttempts: 1, Timeout: 5 * time.Second}, nil, "zonemove/test")
	s.DialGuard = fakeapi.LoopbackOnly
	c, err := NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	servers := []BackendServer{{ServerId: "i-2zej4lxhjoq1icu00001", Type: "ecs", Weight: 0, Description: "web"}}
	res, err := c.AddBackendServers(context.Background(), &BackendServersRequest{RegionId: "cn-hangzhou", LoadBalancerId: "lb-2ze7o5h52g02kkzz0001",
		BackendServers: BackendServersJSON(servers)})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.BackendServers.BackendServer; len(got) != 1 || got[0].Weight != 100 || got[0].ServerId != "i-2zej4lxhjoq1icu*****" {
		t.Errorf("decoded %+v", got)
	}
	sent := srv.Requests()[0].Params.Get("BackendServers")
	if want := `[{"ServerId":"i-2zej4lxhjoq1icu00001","Type":"ecs","Weight":"0","Description":"web"}]`; sent != want {
		t.Errorf("BackendServers %s; want %s", sent, want)
	}
}
