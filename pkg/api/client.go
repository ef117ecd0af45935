package api

import (
	"context"
	"fmt"
	"sync"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// Client calls one product's RPC actions through the SDK core exactly as the
// product's official SDK module does: it fills openapiutil.Params, puts every
// parameter in the query and calls CallApiWithCtx, which encodes and signs the
// request (why not the modules: docs/decisions.md). Every call goes through
// the session's retry policy, rate limit and trace. The typed packages (smc,
// ecs, vpc, and the load balancers') embed it, each a thin typed layer.
//
// It is safe for concurrent use: the SDK core's client is not (every call
// resets its Headers field), so each call under way takes an SDK client of its
// own from a pool.
type Client struct {
	session *Session
	product Product
	config  *openapi.Config
	pool    sync.Pool
}

// NewClient builds the client of one product. A bad configuration (no
// endpoint for the region) fails here, before any call.
func NewClient(s *Session, p Product) (*Client, error) {
	ep, err := s.Endpoint(p)
	if err != nil {
		return nil, err
	}
	cfg := s.baseConfig()
	cfg.Endpoint, cfg.Protocol = dara.String(ep.Host), dara.String(ep.Protocol)
	c := &Client{session: s, product: p, config: cfg}
	sdk, err := c.newSDK()
	if err != nil {
		return nil, err
	}
	c.pool.Put(sdk)
	return c, nil
}

// Session is the session the client calls through.
func (c *Client) Session() *Session { return c.session }

// Region is the region of the session the client calls through.
func (c *Client) Region() string { return c.session.Region }

// Endpoint is the URL the client's calls go to.
func (c *Client) Endpoint() string {
	return dara.StringValue(c.config.Protocol) + "://" + dara.StringValue(c.config.Endpoint)
}

func (c *Client) newSDK() (*openapi.Client, error) {
	sdk, err := openapi.NewClient(c.config)
	if err != nil {
		return nil, fmt.Errorf("building the %s client: %w", c.product.Code, err)
	}
	return sdk, nil
}

// Call sends one RPC action with the parameters of request (a struct with
// json tags named as the API's parameters; lists flatten 1-based to Name.N,
// as the SDK core's openapiutil.Query does) and decodes the JSON body into out
// as leniently as the official SDK's models: a number sent as a string
// ("JobType":"2", "Progress":"45.5") is read as the number.
func (c *Client) Call(ctx context.Context, action string, request any, out any) error {
	return c.CallWithBody(ctx, action, request, nil, out)
}

// CallWithBody sends one RPC action whose official metadata puts some
// parameters in the body (ALB's Servers, most of NLB's): query holds the
// "Query" ones, body the "Body" ones, each a struct with json tags. As in the
// official SDKs, the body's lists flatten like the query's (Servers.1.ServerId)
// and travel form-encoded; the core signs the body's hash. A nil body sends
// none.
func (c *Client) CallWithBody(ctx context.Context, action string, query, body any, out any) error {
	params := RPCParams(action, c.product.Version)
	req := &openapiutil.OpenApiRequest{Query: openapiutil.Query(query)}
	if body != nil {
		req.Body = openapiutil.ParseToMap(openapiutil.Query(body))
	}
	sdk, ok := c.pool.Get().(*openapi.Client)
	if !ok {
		var err error
		if sdk, err = c.newSDK(); err != nil {
			return err
		}
	}
	defer c.pool.Put(sdk)
	return c.session.Do(ctx, Call{Service: c.product.Service, Action: action}, func(ctx context.Context) error {
		res, err := sdk.CallApiWithCtx(ctx, params, req, Runtime())
		if err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		if err := dara.Convert(res["body"], out); err != nil {
			return fmt.Errorf("decoding the %s response: %w", action, err)
		}
		return nil
	})
}
