// Package smc is the typed client of Server Migration Center (2019-06-01) that
// zonemove uses. Each operation does what the official SDK's generated code
// does, through api.Client over the SDK core (why not the official SDK module:
// docs/decisions.md). Names of types and fields follow the official SDK, so
// moving to it changes only this package.
package smc

import (
	"github.com/zonemove/zonemove/pkg/api"
)

// Version is the SMC API version.
const Version = "2019-06-01"

// Client calls SMC through the session's retry policy. It is safe for
// concurrent use.
type Client struct {
	*api.Client
}

// NewClient builds an SMC client over the SDK core.
func NewClient(s *api.Session) (*Client, error) {
	c, err := api.NewClient(s, api.SMCProduct)
	if err != nil {
		return nil, err
	}
	return &Client{c}, nil
}
