package api

import (
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// RPCParams are the SDK core's parameters of one RPC-style action, exactly as
// the official generated SDKs fill them: every parameter goes in the query,
// POST to "/", signed with the AccessKey, JSON back.
func RPCParams(action, version string) *openapiutil.Params {
	return &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String(version),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("json"),
	}
}
