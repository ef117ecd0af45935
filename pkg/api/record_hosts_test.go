package api_test

// This file records, once, the host each official SDK module resolves for
// every region of its map and a few regions outside it, into
// testdata/module-hosts.json; endpoints_test.go compares api.Product.Host
// with that record. It is removed with the modules.

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/zonemove/zonemove/pkg/api"
)

var recordHosts = flag.Bool("record-module-hosts", false, "write testdata/module-hosts.json from the official modules")

func TestRecordModuleHosts(t *testing.T) {
	if !*recordHosts {
		t.Skip("run with -record-module-hosts")
	}
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	cfg := func(region string) *openapi.Config {
		return &openapi.Config{RegionId: dara.String(region), AccessKeyId: dara.String("id"), AccessKeySecret: dara.String("secret")}
	}
	resolve := func(build func(*openapi.Config) (*string, error), region string) string {
		h, err := build(cfg(region))
		if err != nil {
			return "error: " + err.Error()
		}
		return dara.StringValue(h)
	}
	ecsHost := func(c *openapi.Config) (*string, error) {
		cl, err := ecs.NewClient(c)
		if err != nil {
			return nil, err
		}
		return cl.Endpoint, nil
	}
	vpcHost := func(c *openapi.Config) (*string, error) {
		cl, err := vpc.NewClient(c)
		if err != nil {
			return nil, err
		}
		return cl.Endpoint, nil
	}
	others := []string{"cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-qingdao", "cn-hongkong", "cn-zhangjiakou",
		"ap-southeast-1", "ap-northeast-1", "us-west-1", "eu-central-1", "me-east-1", ""}
	record := moduleHosts{
		Source: map[string]string{
			"ecs": "github.com/alibabacloud-go/ecs-20140526/v7 v7.7.0",
			"vpc": "github.com/alibabacloud-go/vpc-20160428/v6 v6.12.8",
		},
		Hosts: map[string]map[string]string{"ecs": {}, "vpc": {}},
	}
	for product, m := range map[string]map[string]string{"ecs": api.ECSEndpointMap, "vpc": api.VPCEndpointMap} {
		regions := append(slices.Sorted(mapsKeys(m)), others...)
		for _, r := range regions {
			build := ecsHost
			if product == "vpc" {
				build = vpcHost
			}
			record.Hosts[product][r] = resolve(build, r)
		}
	}
	b, _ := json.MarshalIndent(record, "", "  ")
	if err := os.WriteFile("testdata/module-hosts.json", append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
