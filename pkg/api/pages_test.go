package api_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/zonemove/zonemove/pkg/api"
)

func TestReadByTokenReadsEveryPage(t *testing.T) {
	var tokens []string
	got, err := api.ReadByToken(context.Background(), "DescribeX", func(_ context.Context, token string) ([]int, string, error) {
		tokens = append(tokens, token)
		n, _ := strconv.Atoi(token)
		if n == 3 {
			return []int{n}, "", nil
		}
		return []int{n}, strconv.Itoa(n + 1), nil
	})
	if err != nil || len(got) != 4 || len(tokens) != 4 || tokens[0] != "" {
		t.Errorf("got %v, %v after tokens %q; want 4 pages from an empty token", got, err, tokens)
	}
}

func TestReadByNumberStopsAtTheTotal(t *testing.T) {
	var pages []int
	got, err := api.ReadByNumber(context.Background(), "DescribeX", func(_ context.Context, n int) ([]int, int, error) {
		pages = append(pages, n)
		return []int{n, n}, 5, nil // 2, 2, then 1 would follow; the total is reached on page 3
	})
	if err != nil || len(got) != 6 || len(pages) != 3 || pages[0] != 1 {
		t.Errorf("got %v, %v after pages %v; want pages 1-3", got, err, pages)
	}
}

// An answer without the total is read on until a page comes back empty,
// whether the page function says so (TotalUnknown) or passes on a missing
// TotalCount as 0.
func TestReadByNumberWithoutTheTotal(t *testing.T) {
	for _, missing := range []int{api.TotalUnknown, 0} {
		var pages []int
		got, err := api.ReadByNumber(context.Background(), "DescribeX", func(_ context.Context, n int) ([]int, int, error) {
			pages = append(pages, n)
			if n > 3 {
				return nil, missing, nil
			}
			return []int{n, n}, missing, nil
		})
		if err != nil || len(got) != 6 || len(pages) != 4 {
			t.Errorf("total %d: got %v, %v after pages %v; want 6 items from pages 1-3 and the empty page 4", missing, got, err, pages)
		}
	}
	got, err := api.ReadByNumber(context.Background(), "DescribeX", func(_ context.Context, n int) ([]int, int, error) {
		return nil, 0, nil
	})
	if err != nil || len(got) != 0 {
		t.Errorf("an empty list: %v, %v", got, err)
	}
}

// A list longer than the cap is an error that says so, never a short list.
func TestPageCapIsAnError(t *testing.T) {
	calls := 0
	got, err := api.ReadByToken(context.Background(), "DescribeX", func(_ context.Context, token string) ([]int, string, error) {
		calls++
		return []int{calls}, "t" + strconv.Itoa(calls), nil
	})
	var pc *api.PageCapError
	if !errors.As(err, &pc) || got != nil || calls != api.MaxPages || pc.Action != "DescribeX" {
		t.Errorf("after %d calls: %d items, %v; want a PageCapError after %d pages", calls, len(got), err, api.MaxPages)
	}
	calls = 0
	_, err = api.ReadByNumber(context.Background(), "DescribeY", func(_ context.Context, n int) ([]int, int, error) {
		calls++
		return []int{n}, api.MaxPages + 1, nil
	})
	if !errors.As(err, &pc) || calls != api.MaxPages {
		t.Errorf("after %d calls: %v; want a PageCapError", calls, err)
	}
}

func TestPagerStopsAtAnError(t *testing.T) {
	boom := errors.New("boom")
	got, err := api.ReadByToken(context.Background(), "DescribeX", func(_ context.Context, token string) ([]int, string, error) {
		if token == "" {
			return []int{1}, "next", nil
		}
		return nil, "", boom
	})
	if !errors.Is(err, boom) || got != nil {
		t.Errorf("%v, %v; want the error and no partial list", got, err)
	}
}
