package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/batch"
	"github.com/zonemove/zonemove/pkg/cloud"
	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/record"
	"github.com/zonemove/zonemove/pkg/smc"
)

// batchFile is a batch named by its manifest and its state file, as status
// -f, wait -f, report and revert name it. They read the state file without
// the manifest: the manifest may have changed since; the state file records
// what was done.
type batchFile struct {
	File      string
	StatePath string
}

// flags adds -f and --state to a command; required says whether -f is the
// command's only way (report, revert) or one of two (status, wait).
func (b *batchFile) flags(cmd *cobra.Command, what string) {
	fl := cmd.Flags()
	fl.StringVarP(&b.File, "file", "f", "", what)
	fl.StringVar(&b.StatePath, "state", "", "state file of the batch (default FILE.state.json, next to the manifest)")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	_ = cmd.MarkFlagFilename("state", "json")
}

// complete sets the default state path and refuses --state without -f.
func (b *batchFile) complete() error {
	if b.File == "" {
		if b.StatePath != "" {
			return cmdutil.UsageErrorf("--state goes with -f FILE (the manifest of the batch)")
		}
		return nil
	}
	if b.StatePath == "" {
		b.StatePath = batch.DefaultStatePath(b.File)
	}
	return nil
}

// jobsOrFile accepts job IDs, or -f FILE and no argument.
func jobsOrFile(b *batchFile) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if b.File != "" {
			if len(args) > 0 {
				return cmdutil.UsageErrorf("job IDs or -f FILE, not both: -f shows every job of the batch")
			}
			return nil
		}
		return cmdutil.MinimumNArgs(1)(cmd, args)
	}
}

// readState reads the state file without locking it: a run may hold the
// lock, and reading changes nothing. A missing file is an error here (a
// batch that never sent anything has no record).
func (b *batchFile) readState() (*batch.State, error) {
	if _, err := os.Stat(b.StatePath); errors.Is(err, fs.ErrNotExist) {
		return nil, &cmdutil.ExitError{Code: cmdutil.ExitFailure, ErrCode: "StateFileNotFound",
			Err:  fmt.Errorf("no state file %s: the batch of %s has not sent anything yet", b.StatePath, b.File),
			Hint: "apply writes it next to the manifest once it sends a create; pass --state PATH if the batch used another"}
	}
	st, err := batch.ReadState(b.StatePath)
	if err != nil {
		return nil, stateError(err)
	}
	return st, nil
}

// stateRegion is the region of a state file's jobs: the region their
// requests were made in, else the run's.
func stateRegion(st *batch.State, fallback string) string {
	for _, id := range record.SortedIDs(st) {
		for _, e := range []*batch.Entry{st.Migrations[id], st.Migrations[id].Revert} {
			if e != nil && e.Request != nil && e.Request.RegionId != "" {
				return e.Request.RegionId
			}
		}
	}
	return fallback
}

// readBatch reads the jobs of every entry and the instances of the batch:
// one DescribeReplicationJobs per 50 jobs and one DescribeInstances per 100
// instances. Nothing is written.
func readBatch(ctx context.Context, smcOf func(string) (*smc.Client, error), cloudOf func(string) (*cloud.Client, error),
	region string, st *batch.State, only []string) (record.Reading, error) {
	r := record.Reading{Jobs: map[string]*facts.Job{}, Instances: map[string]*facts.Instance{}}
	if ids := record.JobIDs(st); len(ids) > 0 {
		client, err := smcOf(region)
		if err != nil {
			return r, err
		}
		if r.Jobs, err = client.JobsByID(ctx, region, ids); err != nil {
			return r, err
		}
		r.JobsRead = true
	}
	var instances []string
	for _, id := range record.SortedIDs(st) {
		if only == nil || slices.Contains(only, id) {
			instances = append(instances, id)
		}
	}
	if len(instances) > 0 {
		c, err := cloudOf(region)
		if err != nil {
			return r, err
		}
		if r.Instances, err = c.Instances(ctx, instances); err != nil {
			return r, err
		}
	}
	return r, nil
}
