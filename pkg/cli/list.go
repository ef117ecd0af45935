package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/follow"
	"github.com/zonemove/zonemove/pkg/iostreams"
	"github.com/zonemove/zonemove/pkg/smc"
)

// ListOptions are the values of zonemove list and what it needs.
type ListOptions struct {
	IO       *iostreams.IOStreams
	Out      *Output
	SMC      func() (*smc.Client, error)
	Commands cmdutil.Commands

	Status string
}

// NewCmdList builds zonemove list.
func NewCmdList(f *Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	o := &ListOptions{IO: f.IOStreams, Out: f.Output()}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the cross-zone migration jobs of a region",
		Long: `List every cross-zone migration job (JobType 2) of the region, newest first.

Every page is read, 50 jobs a page (the API's largest). --status keeps the
jobs of one status: ` + strings.Join(facts.JobStatuses(), ", ") + `.
Off a terminal, each job is one tab-separated line, as in zonemove status.`,
		Example: `  zonemove list --region cn-hangzhou
  zonemove list --region cn-hangzhou --status InError -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Commands = f.Global.commands()
			o.SMC = func() (*smc.Client, error) { return f.SMC(o.Commands.Region, nil) }
			if err := o.complete(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&o.Status, "status", "", "only jobs of this status: "+strings.Join(facts.JobStatuses(), ", "))
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion(facts.JobStatuses()...))
	return cmd
}

func (o *ListOptions) complete() error {
	if err := requireRegion(o.Commands.Region); err != nil {
		return err
	}
	if o.Status == "" {
		return nil
	}
	for _, s := range facts.JobStatuses() {
		if strings.EqualFold(s, o.Status) {
			o.Status = s
			return nil
		}
	}
	return cmdutil.UsageErrorf("invalid --status %q: want one of %s", o.Status, strings.Join(facts.JobStatuses(), ", "))
}

func (o *ListOptions) run(ctx context.Context) error {
	client, err := o.SMC()
	if err != nil {
		return err
	}
	region := o.Commands.Region
	jobs, err := listJobs(ctx, client, region, o.Status)
	if err != nil {
		return err
	}
	sortNewestFirst(jobs)
	what := "cross-zone migration jobs"
	if o.Status != "" {
		what += " " + o.Status
	}
	doc := &jobsDocument{Jobs: jobs, none: fmt.Sprintf("No %s in %s.", what, region), attention: attentionSummary(o.Commands, jobs)}
	return o.Out.Render(doc, nil)
}

// listJobs reads every page of the region's cross-zone jobs. A job seen on two
// pages (the list shifted while it was read) is kept once.
func listJobs(ctx context.Context, c *smc.Client, region, status string) ([]follow.JobView, error) {
	all, err := c.AllJobs(ctx, smc.JobQuery{Region: region, Status: status})
	if err != nil {
		return nil, err
	}
	jobs := []follow.JobView{}
	seen := map[string]bool{}
	for _, j := range all {
		// A job that moved up while the pages were read appears twice.
		if j != nil && !seen[j.JobId] {
			seen[j.JobId] = true
			jobs = append(jobs, follow.ViewOf(j))
		}
	}
	return jobs, nil
}
