package cloud

import (
	"context"

	"github.com/zonemove/zonemove/pkg/api"
)

// do sends one action through the session's retry policy, each attempt with a
// client of the pool to itself.
func do[C, R any](ctx context.Context, c *Client, p *pool[C], service, action string, send func(context.Context, C) (R, error)) (R, error) {
	var resp R
	err := c.session.Do(ctx, api.Call{Service: service, Action: action}, func(ctx context.Context) error {
		return with(p, func(client C) (err error) {
			resp, err = send(ctx, client)
			return err
		})
	})
	return resp, err
}
