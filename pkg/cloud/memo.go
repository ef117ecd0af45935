package cloud

import (
	"context"
	"sync"
)

// memo remembers the results of lookups by key. Callers asking for a key
// whose lookup is under way wait for it instead of sending their own (as
// singleflight does); a failed lookup is forgotten, so a later caller tries
// again.
type memo struct {
	mu    sync.Mutex
	calls map[string]*memoCall
}

type memoCall struct {
	done chan struct{}
	val  any
	err  error
	// abandoned: the caller that made the lookup gave up (its context ended),
	// which says nothing about the lookup; waiters try again themselves.
	abandoned bool
}

func remember[T any](ctx context.Context, m *memo, key string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for {
		m.mu.Lock()
		if m.calls == nil {
			m.calls = map[string]*memoCall{}
		}
		c, ok := m.calls[key]
		if !ok {
			c = &memoCall{done: make(chan struct{})}
			m.calls[key] = c
			m.mu.Unlock()
			v, err := fn(ctx)
			c.val, c.err, c.abandoned = v, err, err != nil && ctx.Err() != nil
			if err != nil {
				m.mu.Lock()
				delete(m.calls, key)
				m.mu.Unlock()
			}
			close(c.done)
			return v, err
		}
		m.mu.Unlock()
		select {
		case <-c.done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
		switch {
		case c.err == nil:
			return c.val.(T), nil
		case !c.abandoned:
			return zero, c.err
		}
	}
}

// set records the result of a lookup made some other way (a bulk read), unless
// the key has one already or under way.
func (m *memo) set(key string, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[string]*memoCall{}
	}
	if _, ok := m.calls[key]; ok {
		return
	}
	c := &memoCall{done: make(chan struct{}), val: v}
	close(c.done)
	m.calls[key] = c
}

// has reports whether the key's lookup has ended well.
func (m *memo) has(key string) bool {
	_, ok := peek[any](m, key)
	return ok
}

// peek returns the result of the key's lookup if it has ended well.
func peek[T any](m *memo, key string) (T, bool) {
	m.mu.Lock()
	c, ok := m.calls[key]
	m.mu.Unlock()
	var zero T
	if !ok {
		return zero, false
	}
	select {
	case <-c.done:
	default:
		return zero, false
	}
	if c.err != nil {
		return zero, false
	}
	v, ok := c.val.(T)
	return v, ok
}
