package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/api"
	"github.com/zonemove/zonemove/pkg/atomicfile"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/smc"
)

// A shell waits for every completion: the account's values are worth a short
// wait, never a hang, and a few keystrokes reuse the last answer.
const (
	completionTimeout  = 2 * time.Second
	completionCacheTTL = 30 * time.Second
)

// completer offers values from the account (job IDs, instance IDs, zones,
// vSwitches) to shell completion. Any failure (no credentials, no region, the
// network, the deadline) offers nothing and says nothing: a completion is
// never the place for an error.
type completer struct {
	global *GlobalOptions
	getenv func(string) string
	now    func() time.Time
	// bound gives each completion its deadline; tests replace it to end a
	// lookup when they choose.
	bound func(context.Context) (context.Context, context.CancelFunc)
	cloud func(region string) (*cloud.Client, error)
	smc   func(region string) (*smc.Client, error)
}

func newCompleter(f *Factory) *completer {
	bound := f.CompletionBound
	if bound == nil {
		bound = func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, completionTimeout)
		}
	}
	return &completer{
		global: &f.Global,
		getenv: f.Getenv,
		now:    f.Now,
		bound:  bound,
		cloud:  func(region string) (*cloud.Client, error) { return f.Cloud(region, nil) },
		smc:    func(region string) (*smc.Client, error) { return f.SMC(region, nil) },
	}
}

// region resolves the region as resolveGlobal does; completion skips it so
// that a bad environment cannot break a shell.
func (c *completer) region() string {
	if r := c.global.Region; r != "" {
		return r
	}
	if r := c.getenv("ALIBABA_CLOUD_REGION_ID"); r != "" {
		return r
	}
	profile := c.global.Profile
	if profile == "" {
		profile = c.getenv("ALIBABA_CLOUD_PROFILE")
	}
	if profile != "" {
		if r, err := api.ProfileRegion(profile, c.getenv); err == nil {
			return r
		}
	}
	return ""
}

// jobStatuses are the statuses a command's job arguments may have (nil: any).
var jobStatuses = map[string][]string{
	"retry":  {"Ready", "Stopped", "InError"},
	"wait":   {"Ready", "Running", "Waiting"},
	"delete": {"Ready", "Stopped", "InError", "Finished", "Waiting", "Expired"},
}

// jobIDs completes the job arguments of status, wait, retry and delete with
// the region's newest cross-zone jobs that the command can take.
func (c *completer) jobIDs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	want := jobStatuses[cmd.Name()]
	values := c.lookup(cmd.Context(), "jobs", nil, func(ctx context.Context, region string) ([]string, error) {
		client, err := c.smc(region)
		if err != nil {
			return nil, err
		}
		// One page of the newest: completion is for the jobs at hand.
		page, err := client.DescribeReplicationJobs(ctx, smc.JobQuery{Region: region}.Page(1, smc.MaxJobIDs))
		if err != nil {
			return nil, err
		}
		var out []string
		for _, j := range page.ReplicationJobs.ReplicationJob {
			if j != nil {
				out = append(out, j.JobId+"\t"+j.InstanceId+" "+j.Status)
			}
		}
		return out, nil
	})
	var out []string
	for _, v := range values {
		id, desc, _ := strings.Cut(v, "\t")
		status := desc[strings.LastIndex(desc, " ")+1:]
		if slices.Contains(args, id) || (want != nil && !slices.Contains(want, status)) {
			continue
		}
		out = append(out, v)
	}
	return matching(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// instanceIDs completes --instance-id with the region's instances.
func (c *completer) instanceIDs(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	values := c.lookup(cmd.Context(), "instances", nil, func(ctx context.Context, region string) ([]string, error) {
		client, err := c.cloud(region)
		if err != nil {
			return nil, err
		}
		list, err := client.DescribeInstances(ctx, cloud.InstanceFilter{})
		if err != nil {
			return nil, err
		}
		var out []string
		for _, in := range list {
			out = append(out, in.InstanceID+"\t"+in.ZoneID+" "+in.InstanceType+" "+in.Status)
		}
		return out, nil
	})
	return matching(values, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// zones completes --target-zone with the zones of the region that sell
// instances (one DescribeAvailableResource for the whole region).
func (c *completer) zones(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	values := c.lookup(cmd.Context(), "zones", nil, func(ctx context.Context, region string) ([]string, error) {
		client, err := c.cloud(region)
		if err != nil {
			return nil, err
		}
		stock, err := client.RegionStock(ctx, "PostPaid")
		if err != nil {
			return nil, err
		}
		var out []string
		for zone := range stock {
			out = append(out, zone)
		}
		slices.Sort(out)
		return out, nil
	})
	return matching(values, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// vSwitches completes --target-vswitch with the vSwitches of the VPC of the
// --instance-id given, in the --target-zone when one is given.
func (c *completer) vSwitches(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	instance, _ := cmd.Flags().GetString("instance-id")
	if instance == "" {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	zone, _ := cmd.Flags().GetString("target-zone")
	values := c.lookup(cmd.Context(), "vswitches", []string{instance}, func(ctx context.Context, region string) ([]string, error) {
		client, err := c.cloud(region)
		if err != nil {
			return nil, err
		}
		found, err := client.Instances(ctx, []string{instance})
		if err != nil || found[instance] == nil {
			return nil, err
		}
		list, err := client.VSwitchesOfVPC(ctx, found[instance].VpcID)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, v := range list {
			out = append(out, v.VSwitchID+"\t"+v.ZoneID+" "+v.Status+", "+strconv.FormatInt(v.AvailableIPs, 10)+" free IPs")
		}
		return out, nil
	})
	var out []string
	for _, v := range values {
		_, desc, _ := strings.Cut(v, "\t")
		if zone == "" || strings.HasPrefix(desc, zone+" ") {
			out = append(out, v)
		}
	}
	return matching(out, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// lookup answers from the cache when a recent answer is there, else asks the
// account within the completion's deadline. It returns nil on any failure.
func (c *completer) lookup(ctx context.Context, kind string, keys []string, ask func(context.Context, string) ([]string, error)) []string {
	region := c.region()
	if region == "" {
		return nil
	}
	file := c.cacheFile(append([]string{kind, region}, keys...))
	if values, ok := c.cached(file); ok {
		return values
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := c.bound(ctx)
	defer cancel()
	// The lookup runs on its own so that the deadline holds even where the
	// SDKs do not watch the context (loading credentials from a role).
	answer := make(chan []string, 1)
	go func() {
		values, err := ask(ctx, region)
		if err != nil {
			values = nil
		}
		answer <- values
	}()
	select {
	case values := <-answer:
		if values != nil {
			c.store(file, values)
		}
		return values
	case <-ctx.Done():
		return nil
	}
}

// cacheEntry is one remembered answer. It holds IDs and names, no secret.
type cacheEntry struct {
	At     time.Time `json:"at"`
	Values []string  `json:"values"`
}

// cacheFile is where an answer is kept: per kind, region, profile, endpoint
// overrides and keys, so that one account's answers never serve another.
func (c *completer) cacheFile(keys []string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	profile := c.global.Profile
	if profile == "" {
		profile = c.getenv("ALIBABA_CLOUD_PROFILE")
	}
	parts := append(keys, "profile="+profile, "key="+c.getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"))
	for _, s := range api.Services {
		parts = append(parts, api.EnvVar(s)+"="+c.getenv(api.EnvVar(s)))
	}
	parts = append(parts, c.global.EndpointFlags...)
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return filepath.Join(dir, "zonemove", "completion-"+hex.EncodeToString(sum[:8])+".json")
}

func (c *completer) cached(file string) ([]string, bool) {
	if file == "" {
		return nil, false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil {
		return nil, false
	}
	if age := c.now().Sub(e.At); age < 0 || age > completionCacheTTL {
		return nil, false
	}
	return e.Values, true
}

// store keeps an answer; a cache that cannot be written only costs the next
// completion a lookup.
func (c *completer) store(file string, values []string) {
	if file == "" {
		return
	}
	data, err := json.Marshal(cacheEntry{At: c.now(), Values: values})
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(file), 0o700) != nil {
		return
	}
	_ = atomicfile.WriteFile(file, data, 0o600)
}

// matching keeps the values that start with what the user typed.
func matching(values []string, prefix string) []string {
	out := []string{}
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}
