package api

import (
	"context"
	"fmt"
)

// MaxPages bounds every paged read, so that a service that keeps answering
// with another page cannot hold a preflight forever. Reaching it is an error:
// a list cut short would make the checks judge facts they did not see.
const MaxPages = 1000

// PageCapError is a list that had more pages than zonemove reads.
type PageCapError struct {
	Action string
	Pages  int
}

func (e *PageCapError) Error() string {
	return fmt.Sprintf("%s answered more than %d pages; stopped there rather than use a partial list", e.Action, e.Pages)
}

// ReadByToken reads a list to its last page: page reads the page of token
// ("" for the first) and returns its items and the next token ("" at the end).
func ReadByToken[T any](ctx context.Context, action string, page func(ctx context.Context, token string) ([]T, string, error)) ([]T, error) {
	var out []T
	token := ""
	for range MaxPages {
		items, next, err := page(ctx, token)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" || next == token {
			return out, nil
		}
		token = next
	}
	return nil, &PageCapError{Action: action, Pages: MaxPages}
}

// TotalUnknown is the total a page function returns when the answer does
// not say how many items the list holds.
const TotalUnknown = -1

// ReadByNumber reads a list to its last page: page reads page number n (from
// 1) and returns its items and the list's total count. A list whose answers
// do not give the total (TotalUnknown, or 0 beside items) is read on until a
// page comes back empty, never ended after page 1.
func ReadByNumber[T any](ctx context.Context, action string, page func(ctx context.Context, n int) ([]T, int, error)) ([]T, error) {
	var out []T
	for n := 1; n <= MaxPages; n++ {
		items, total, err := page(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		known := total > 0 || (total == 0 && len(items) == 0)
		if len(items) == 0 || (known && len(out) >= total) {
			return out, nil
		}
	}
	return nil, &PageCapError{Action: action, Pages: MaxPages}
}
