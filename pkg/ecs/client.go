// Package ecs is the typed client of the ECS API (2014-05-26) that zonemove
// uses, through api.Client over the SDK core as the official SDK module does
// (why not the module: docs/decisions.md). Request and response types are
// named like the official SDK's, with only the fields zonemove reads, decoded
// as leniently as the SDK's models.
package ecs

import (
	"github.com/zonemove/zonemove/pkg/api"
)

// Client calls ECS through the session's retry policy. It is safe for
// concurrent use.
type Client struct {
	*api.Client
}

// NewClient builds an ECS client over the SDK core; its endpoint is the
// override or the official module's for the session's region.
func NewClient(s *api.Session) (*Client, error) {
	c, err := api.NewClient(s, api.ECSProduct)
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}
