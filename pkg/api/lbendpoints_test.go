package api

import "testing"

// The load balancers' hosts, as their official SDK modules resolve them
// (slb-20140515/v4 v4.0.14's map, the regional rule for the rest) and as the
// official metadata's products list names them (2026-04).
func TestLoadBalancerHosts(t *testing.T) {
	for _, c := range []struct {
		p            Product
		region, host string
	}{
		{SLBProduct, "cn-hangzhou", "slb.aliyuncs.com"},
		{SLBProduct, "cn-beijing", "slb.aliyuncs.com"},
		{SLBProduct, "ap-southeast-1", "slb.aliyuncs.com"},
		{SLBProduct, "cn-huhehaote-nebula-1", "slb-api.cn-qingdao-nebula.aliyuncs.com"},
		{SLBProduct, "cn-chengdu", "slb.cn-chengdu.aliyuncs.com"},
		{SLBProduct, "eu-central-1", "slb.eu-central-1.aliyuncs.com"},
		{ALBProduct, "cn-hangzhou", "alb.cn-hangzhou.aliyuncs.com"},
		{ALBProduct, "ap-northeast-1", "alb.ap-northeast-1.aliyuncs.com"},
		// metadatas/products.json's regional_endpoints of Nlb, every one.
		{NLBProduct, "cn-qingdao", "nlb.cn-qingdao.aliyuncs.com"},
		{NLBProduct, "cn-beijing", "nlb.cn-beijing.aliyuncs.com"},
		{NLBProduct, "cn-zhangjiakou", "nlb.cn-zhangjiakou.aliyuncs.com"},
		{NLBProduct, "cn-hangzhou", "nlb.cn-hangzhou.aliyuncs.com"},
		{NLBProduct, "cn-shanghai", "nlb.cn-shanghai.aliyuncs.com"},
		{NLBProduct, "cn-shenzhen", "nlb.cn-shenzhen.aliyuncs.com"},
		{NLBProduct, "cn-chengdu", "nlb.cn-chengdu.aliyuncs.com"},
		{NLBProduct, "cn-hongkong", "nlb.cn-hongkong.aliyuncs.com"},
		{NLBProduct, "ap-southeast-1", "nlb.ap-southeast-1.aliyuncs.com"},
		{NLBProduct, "eu-west-1", "nlb.eu-west-1.aliyuncs.com"},
		{NLBProduct, "eu-central-1", "nlb.eu-central-1.aliyuncs.com"},
	} {
		got, err := c.p.Host(c.region)
		if err != nil || got != c.host {
			t.Errorf("%s in %s: %q, %v; want %q", c.p.Code, c.region, got, err, c.host)
		}
	}
	if len(SLBEndpointMap) != 43 {
		t.Errorf("SLBEndpointMap has %d regions; slb-20140515/v4 v4.0.14's has 43", len(SLBEndpointMap))
	}
}
