package fakeapi

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// sizes are the page sizes a list action documents: the default, and the
// least and the most a request may ask.
type sizes struct{ def, min, max int }

// paging is how a list action pages, from its API reference: by MaxResults
// and NextToken (token), by PageNumber and PageSize (number), or by either
// (a request naming neither pages by token). A zero sizes: not that way.
type paging struct {
	token, number sizes
	// limit, when set, caps every page below what was asked (Fleet.PageLimit).
	limit int
}

// errorAnswer is a parameter the API refuses, and why.
type errorAnswer struct{ param, msg string }

func (e *errorAnswer) answer() (int, any) { return invalidParam(e.param, "%s", e.msg) }

func invalidParam(name, format string, args ...any) (int, any) {
	return 400, apiError("FAKE-INVALID", "InvalidParameter."+name, fmt.Sprintf(format, args...))
}

// pageOf cuts the page a request asks for out of items, and says where it is
// in the answer's fields (NextToken, or PageNumber and PageSize).
func pageOf[T any](r *Request, items []T, p paging) ([]T, map[string]any, *errorAnswer) {
	byNumber := p.token == (sizes{}) ||
		p.number != (sizes{}) && (r.Params.Has("PageSize") || r.Params.Has("PageNumber"))
	if byNumber {
		return numberPage(r, items, p.number, p.limit)
	}
	return tokenPage(r, items, p.token, p.limit)
}

// tokenPage pages by MaxResults and NextToken ("tok-" and the next item's
// index; "" when the list ends).
func tokenPage[T any](r *Request, items []T, s sizes, limit int) ([]T, map[string]any, *errorAnswer) {
	size, bad := intParam(r, "MaxResults", s)
	if bad != nil {
		return nil, nil, bad
	}
	if limit > 0 {
		size = min(size, limit)
	}
	from := 0
	if t := r.Params.Get("NextToken"); t != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(t, "tok-"))
		if err != nil || !strings.HasPrefix(t, "tok-") || n < 0 || n > len(items) {
			return nil, nil, &errorAnswer{"NextToken", "NextToken " + t + " is not valid"}
		}
		from = n
	}
	to := min(from+size, len(items))
	next := ""
	if to < len(items) {
		next = "tok-" + strconv.Itoa(to)
	}
	return items[from:to], map[string]any{"NextToken": next}, nil
}

// numberPage pages by PageNumber (from 1) and PageSize; the answer's
// PageSize is the size used.
func numberPage[T any](r *Request, items []T, s sizes, limit int) ([]T, map[string]any, *errorAnswer) {
	size, bad := intParam(r, "PageSize", s)
	if bad != nil {
		return nil, nil, bad
	}
	number, bad := intParam(r, "PageNumber", sizes{def: 1, min: 1, max: math.MaxInt})
	if bad != nil {
		return nil, nil, bad
	}
	if limit > 0 {
		size = min(size, limit)
	}
	from := min((number-1)*size, len(items))
	return items[from:min(from+size, len(items))], map[string]any{"PageNumber": number, "PageSize": size}, nil
}

// intParam reads a number parameter in [s.min, s.max], s.def when absent.
func intParam(r *Request, name string, s sizes) (int, *errorAnswer) {
	v := r.Params.Get(name)
	if v == "" {
		return s.def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < s.min || n > s.max {
		if s.max == math.MaxInt {
			return 0, &errorAnswer{name, fmt.Sprintf("%s %q must be at least %d", name, v, s.min)}
		}
		return 0, &errorAnswer{name, fmt.Sprintf("%s %q must be %d to %d", name, v, s.min, s.max)}
	}
	return n, nil
}

// listAnswer is a list action's answer: the page of items the request asks
// for, each rendered, under outer.inner, with the total and where the page is.
func listAnswer[T any](r *Request, requestID string, items []T, p paging, outer, inner string, render func(T) (any, error)) (int, any) {
	page, where, bad := pageOf(r, items, p)
	if bad != nil {
		return bad.answer()
	}
	list := []any{}
	for _, it := range page {
		v, err := render(it)
		if err != nil {
			return misconfigured(err)
		}
		list = append(list, v)
	}
	out := map[string]any{"RequestId": requestID, "TotalCount": len(items), outer: map[string]any{inner: list}}
	for k, v := range where {
		out[k] = v
	}
	return 200, out
}

// asIs renders an item that is already its answer.
func asIs[T any](v T) (any, error) { return v, nil }

func misconfigured(err error) (int, any) {
	return 500, apiError("FAKE", "FakeMisconfigured", err.Error())
}

func apiError(requestID, code, message string) map[string]string {
	return map[string]string{"RequestId": requestID, "Code": code, "Message": message}
}

// repeatList reads a RepeatList parameter: Name.1, Name.2, ... (at most max).
func repeatList(r *Request, name string, max int) ([]string, *errorAnswer) {
	var out []string
	for i := 1; ; i++ {
		v := r.Params.Get(name + "." + strconv.Itoa(i))
		if v == "" {
			break
		}
		out = append(out, v)
	}
	if len(out) > max {
		return nil, &errorAnswer{name, fmt.Sprintf("%s takes at most %d items, not %d", name, max, len(out))}
	}
	return out, nil
}

// jsonIDs reads a parameter holding a JSON array of IDs (at most max); nil
// when absent.
func jsonIDs(r *Request, name string, max int) ([]string, *errorAnswer) {
	v := r.Params.Get(name)
	if v == "" {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(v), &ids); err != nil {
		return nil, &errorAnswer{name, name + " is not a JSON array of strings"}
	}
	if len(ids) > max {
		return nil, &errorAnswer{name, fmt.Sprintf("%s takes at most %d IDs, not %d", name, max, len(ids))}
	}
	return ids, nil
}

// tagFilter is what the Tag.N.Key and Tag.N.Value parameters ask for: key ->
// value ("" for any value).
func tagFilter(r *Request) map[string]string {
	want := map[string]string{}
	for i := 1; ; i++ {
		k := r.Params.Get(fmt.Sprintf("Tag.%d.Key", i))
		if k == "" {
			return want
		}
		want[k] = r.Params.Get(fmt.Sprintf("Tag.%d.Value", i))
	}
}

// hasTags says whether tags hold every tag of want.
func hasTags(tags, want map[string]string) bool {
	for k, v := range want {
		if got, ok := tags[k]; !ok || v != "" && got != v {
			return false
		}
	}
	return true
}

// createdSince is the CreationStartTime of DescribeSnapshots' Filter.N
// parameters (zero when absent).
func createdSince(r *Request) (time.Time, *errorAnswer) {
	var since time.Time
	for i := 1; r.Params.Get(fmt.Sprintf("Filter.%d.Key", i)) != ""; i++ {
		if r.Params.Get(fmt.Sprintf("Filter.%d.Key", i)) != "CreationStartTime" {
			continue
		}
		v := r.Params.Get(fmt.Sprintf("Filter.%d.Value", i))
		t, err := time.Parse("2006-01-02T15:04Z", v)
		if err != nil {
			return time.Time{}, &errorAnswer{"Filter", fmt.Sprintf("CreationStartTime %q is not yyyy-MM-ddTHH:mmZ", v)}
		}
		since = t
	}
	return since, nil
}
