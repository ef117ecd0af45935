package preflight

import "slices"

// Repeat turns the checks that a repeated create fails because of its own
// earlier request into warnings: ids are active-job (the unfinished job is
// most likely the one the earlier request made) and, where the token is known
// to have been sent before, zone-change (that job may have finished). The
// create is then sent with the same ClientToken, and the API's answer and the
// job read back decide.
func Repeat(checks []Result, token string, ids ...string) []Result {
	out := make([]Result, len(checks))
	copy(out, checks)
	for i, c := range out {
		if !slices.Contains(ids, c.ID) || c.Status != Fail {
			continue // what passes is still true
		}
		out[i] = Result{ID: c.ID, Status: Warn, Message: "not applied: ClientToken " + token + " may have been sent before; the create is sent again with it, " +
			"so the API returns the job it made, if any, instead of creating a second (found: " + c.Message + ")"}
	}
	return out
}
