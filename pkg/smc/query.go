package smc

import (
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// Query is a request's parameters exactly as the call sends them, flattened
// by the SDK core (Disks.N.DiskId and the like), for people to read.
func Query(request any) map[string]string {
	q := openapiutil.Query(request)
	out := make(map[string]string, len(q))
	for k, v := range q {
		out[k] = dara.StringValue(v)
	}
	return out
}
