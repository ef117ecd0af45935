package fakeapi

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestEnv isolates a test from the machine it runs on: its own HOME (and
// cache under it), the test credentials, and no ECS metadata service. The
// endpoints are the caller's to point at the server (they are pkg/api's
// settings, which this package does not import).
func TestEnv(t testing.TB) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))          // completion's cache stays in the test
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, ".local", "state")) // batch locks too
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", AccessKeyID)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", AccessKeySecret)
}

// Clock is the time of a test run: it stands still except when Sleep moves
// it forward at once, so elapsed times and timeouts are the same on every run.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock standing at 2026-11-27 12:00 UTC, the time of the
// recorded answers.
func NewClock() *Clock { return &Clock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock forward by d, unless ctx has ended.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}
