// Package smc is the typed client of Server Migration Center (2019-06-01) that
// zonemove uses. Each operation does what the official SDK's generated code
// does: it fills openapiutil.Params and calls CallApiWithCtx of the SDK core,
// which encodes and signs the request (why not the official SDK module:
// docs/decisions.md). Names of types and fields follow the official SDK, so
// moving to it changes only this package.
package smc

import (
	"context"
	"fmt"
	"sync"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/zonemove/zonemove/pkg/api"
)

// Version is the SMC API version.
const Version = "2019-06-01"

// Client calls SMC through the session's retry policy. It is safe for
// concurrent use: the SDK core's client is not (every call resets its Headers
// field), so each call under way takes an SDK client of its own from a pool.
type Client struct {
	session *api.Session
	pool    sync.Pool
}

// NewClient builds an SMC client over the SDK core.
func NewClient(s *api.Session) (*Client, error) {
	c := &Client{session: s}
	sdk, err := c.newSDK()
	if err != nil {
		return nil, err
	}
	c.pool.Put(sdk)
	return c, nil
}

func (c *Client) newSDK() (*openapi.Client, error) {
	sdk, err := openapi.NewClient(c.session.Config(api.SMC))
	if err != nil {
		return nil, fmt.Errorf("building the SMC client: %w", err)
	}
	return sdk, nil
}

// call sends one RPC action with every parameter in the query, as the official
// SDK does, and decodes the JSON body into out.
func (c *Client) call(ctx context.Context, action string, request any, out any) error {
	params := api.RPCParams(action, Version)
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(request)}
	sdk, ok := c.pool.Get().(*openapi.Client)
	if !ok {
		var err error
		if sdk, err = c.newSDK(); err != nil {
			return err
		}
	}
	defer c.pool.Put(sdk)
	return c.session.Do(ctx, api.Call{Service: api.SMC, Action: action}, func(ctx context.Context) error {
		res, err := sdk.CallApiWithCtx(ctx, params, req, api.Runtime())
		if err != nil {
			return err
		}
		// As leniently as the official SDK's models: a number sent as a
		// string ("JobType":"2", "Progress":"45.5") is read as the number.
		if err := dara.Convert(res["body"], out); err != nil {
			return fmt.Errorf("decoding the %s response: %w", action, err)
		}
		return nil
	})
}
