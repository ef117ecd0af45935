package api

// Endpoint maps of the official SDK modules (region -> host), copied as data
// from the module versions named here. A region not in a map takes the
// product's rule (PRODUCT.REGION.aliyuncs.com for "regional"); see Product.Host.
// endpoints_test.go proves, for every region below, that the host is the one
// the module's client resolved.

// ECSEndpointMap is github.com/alibabacloud-go/ecs-20140526/v7 v7.7.0's.
var ECSEndpointMap = map[string]string{
	"cn-hangzhou":                 "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shanghai-finance-1":       "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shenzhen-finance-1":       "ecs-cn-hangzhou.aliyuncs.com",
	"cn-north-2-gov-1":            "ecs.aliyuncs.com",
	"ap-northeast-2-pop":          "ecs.aliyuncs.com",
	"cn-beijing-finance-pop":      "ecs.aliyuncs.com",
	"cn-beijing-gov-1":            "ecs.aliyuncs.com",
	"cn-beijing-nu16-b01":         "ecs-cn-hangzhou.aliyuncs.com",
	"cn-edge-1":                   "ecs.cn-qingdao-nebula.aliyuncs.com",
	"cn-fujian":                   "ecs-cn-hangzhou.aliyuncs.com",
	"cn-haidian-cm12-c01":         "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-bj-b01":          "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-finance":         "ecs.aliyuncs.com",
	"cn-hangzhou-internal-prod-1": "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-internal-test-1": "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-internal-test-2": "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-internal-test-3": "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-test-306":        "ecs-cn-hangzhou.aliyuncs.com",
	"cn-hongkong-finance-pop":     "ecs.aliyuncs.com",
	"cn-huhehaote-nebula-1":       "ecs.cn-qingdao-nebula.aliyuncs.com",
	"cn-shanghai-et15-b01":        "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shanghai-et2-b01":         "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shanghai-inner":           "ecs.aliyuncs.com",
	"cn-shanghai-internal-test-1": "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shenzhen-inner":           "ecs.aliyuncs.com",
	"cn-shenzhen-st4-d01":         "ecs-cn-hangzhou.aliyuncs.com",
	"cn-shenzhen-su18-b01":        "ecs-cn-hangzhou.aliyuncs.com",
	"cn-wuhan":                    "ecs.aliyuncs.com",
	"cn-yushanfang":               "ecs.aliyuncs.com",
	"cn-zhangbei":                 "ecs.aliyuncs.com",
	"cn-zhangbei-na61-b01":        "ecs-cn-hangzhou.aliyuncs.com",
	"cn-zhangjiakou-na62-a01":     "ecs.cn-zhangjiakou.aliyuncs.com",
	"cn-zhengzhou-nebula-1":       "ecs.cn-qingdao-nebula.aliyuncs.com",
	"eu-west-1-oxs":               "ecs.cn-shenzhen-cloudstone.aliyuncs.com",
	"rus-west-1-pop":              "ecs.aliyuncs.com",
}

// VPCEndpointMap is github.com/alibabacloud-go/vpc-20160428/v6 v6.12.8's.
var VPCEndpointMap = map[string]string{
	"cn-hangzhou":                 "vpc.aliyuncs.com",
	"cn-shanghai-finance-1":       "vpc.aliyuncs.com",
	"cn-shenzhen-finance-1":       "vpc.aliyuncs.com",
	"cn-north-2-gov-1":            "vpc.aliyuncs.com",
	"ap-northeast-2-pop":          "vpc.aliyuncs.com",
	"cn-beijing-finance-pop":      "vpc.aliyuncs.com",
	"cn-beijing-gov-1":            "vpc.aliyuncs.com",
	"cn-beijing-nu16-b01":         "vpc.aliyuncs.com",
	"cn-edge-1":                   "vpc-nebula.cn-qingdao-nebula.aliyuncs.com",
	"cn-fujian":                   "vpc.aliyuncs.com",
	"cn-haidian-cm12-c01":         "vpc.aliyuncs.com",
	"cn-hangzhou-bj-b01":          "vpc.aliyuncs.com",
	"cn-hangzhou-finance":         "vpc.aliyuncs.com",
	"cn-hangzhou-internal-prod-1": "vpc.aliyuncs.com",
	"cn-hangzhou-internal-test-1": "vpc-pre.cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-internal-test-2": "vpc-inner-pre.cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-internal-test-3": "vpc-pre.cn-hangzhou.aliyuncs.com",
	"cn-hangzhou-test-306":        "vpc-pre.cn-hangzhou.aliyuncs.com",
	"cn-hongkong-finance-pop":     "vpc.aliyuncs.com",
	"cn-huhehaote-nebula-1":       "vpc-nebula.cn-qingdao-nebula.aliyuncs.com",
	"cn-qingdao-nebula":           "vpc-nebula.cn-qingdao-nebula.aliyuncs.com",
	"cn-shanghai-et15-b01":        "vpc-pre.cn-hangzhou.aliyuncs.com",
	"cn-shanghai-et2-b01":         "vpc.aliyuncs.com",
	"cn-shanghai-inner":           "vpc.aliyuncs.com",
	"cn-shanghai-internal-test-1": "vpc-pre.cn-hangzhou.aliyuncs.com",
	"cn-shenzhen-inner":           "vpc.aliyuncs.com",
	"cn-shenzhen-st4-d01":         "vpc.aliyuncs.com",
	"cn-shenzhen-su18-b01":        "vpc.aliyuncs.com",
	"cn-wuhan":                    "vpc.aliyuncs.com",
	"cn-yushanfang":               "vpc.aliyuncs.com",
	"cn-zhangbei":                 "vpc.aliyuncs.com",
	"cn-zhangbei-na61-b01":        "vpc.aliyuncs.com",
	"cn-zhangjiakou-na62-a01":     "vpc.cn-zhangjiakou.aliyuncs.com",
	"cn-zhengzhou-nebula-1":       "vpc-nebula.cn-qingdao-nebula.aliyuncs.com",
	"eu-west-1-oxs":               "vpc-nebula.cn-shenzhen-cloudstone.aliyuncs.com",
	"rus-west-1-pop":              "vpc.aliyuncs.com",
}

// SLBEndpointMap is CLB's (slb 2014-05-15) exceptions to slb.REGION.aliyuncs.com,
// from the official API metadata's products list.
var SLBEndpointMap = map[string]string{
	"cn-hangzhou": "slb.aliyuncs.com",
}
