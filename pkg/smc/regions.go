package smc

import "slices"

// Regions are the regions SMC serves, as the official API metadata's products
// list names them (aliyun/aliyun-openapi-meta, metadatas/products.json,
// product smc, its regional endpoints; commit 2563691 of RegionsAsOf). The
// list changes over time: it is data with its date, not a rule of code.
var Regions = []string{
	"ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-5",
	"cn-beijing", "cn-beijing-finance-1", "cn-chengdu", "cn-hangzhou", "cn-hongkong", "cn-huhehaote",
	"cn-north-2-gov-1", "cn-shanghai", "cn-shanghai-finance-1", "cn-shenzhen", "cn-shenzhen-finance-1",
	"cn-zhangjiakou", "eu-central-1", "eu-west-1", "us-east-1", "us-west-1",
}

// RegionsAsOf is the date of the metadata Regions was taken from.
const RegionsAsOf = "2026-04-21"

// Serves reports whether SMC serves region.
func Serves(region string) bool { return slices.Contains(Regions, region) }
