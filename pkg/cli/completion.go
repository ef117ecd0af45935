package cli

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/zonemove/zonemove/pkg/cmdutil"
	"github.com/zonemove/zonemove/pkg/iostreams"
)

// CompletionOptions are the values of zonemove completion.
type CompletionOptions struct {
	IO             *iostreams.IOStreams
	Shell          string
	NoDescriptions bool
}

// completionShells are the shells cobra generates scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// NewCmdCompletion builds zonemove completion. It replaces cobra's default
// completion command so that its help says how to install each script.
func NewCmdCompletion(f *Factory, runF func(*CompletionOptions) error) *cobra.Command {
	o := &CompletionOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script",
		Long: `Print the completion script of zonemove for a shell on stdout. Besides commands
and flags, it completes flag values: --output formats, --skip-check IDs and the
category= and performance-level= parts of --disk. Open a new shell after
installing a script. The .deb and .rpm packages install the bash, zsh and fish
scripts already.

With credentials and a region, it also offers values from the account: job IDs
to status, wait and retry (the jobs each can take), instance IDs to
--instance-id, zones to --target-zone (and to plan's --from-zone and --to-zone),
and the vSwitches of the instance's VPC to --target-vswitch. Each lookup is bounded to 2 seconds and its answer reused
for 30 seconds (in the user's cache folder, IDs only); without credentials or a
region, or when the API is slow, nothing is offered and nothing is printed.

Bash (needs the bash-completion package), for this session only:

    source <(zonemove completion bash)

Bash, for every session of yours:

    mkdir -p ~/.local/share/bash-completion/completions
    zonemove completion bash > ~/.local/share/bash-completion/completions/zonemove

Bash on macOS with Homebrew's bash-completion@2:

    zonemove completion bash > $(brew --prefix)/etc/bash_completion.d/zonemove

Zsh: put the script in a directory of $fpath, and enable completion once in
~/.zshrc with "autoload -U compinit; compinit":

    mkdir -p ~/.zsh/completions
    zonemove completion zsh > ~/.zsh/completions/_zonemove
    echo 'fpath=(~/.zsh/completions $fpath)' >> ~/.zshrc   # before compinit

Fish:

    zonemove completion fish > ~/.config/fish/completions/zonemove.fish

PowerShell, for this session (add the line to the file $PROFILE names to keep it):

    zonemove completion powershell | Out-String | Invoke-Expression`,
		Example: `  zonemove completion bash > ~/.local/share/bash-completion/completions/zonemove
  zonemove completion zsh --no-descriptions > ~/.zsh/completions/_zonemove`,
		ValidArgs: completionShells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !slices.Contains(completionShells, args[0]) {
				return cmdutil.UsageErrorf("completion needs one shell: bash, zsh, fish or powershell")
			}
			return nil
		},
		DisableFlagsInUseLine: true,
		// Printing a script needs no region, endpoint or credentials.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Shell = args[0]
			if runF != nil {
				return runF(o)
			}
			return o.run(cmd.Root())
		},
	}
	cmd.Flags().BoolVar(&o.NoDescriptions, "no-descriptions", false, "leave out the descriptions of completions")
	return cmd
}

func (o *CompletionOptions) run(root *cobra.Command) error {
	w := o.IO.Out
	desc := !o.NoDescriptions
	switch o.Shell {
	case "bash":
		return root.GenBashCompletionV2(w, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return cmdutil.UsageErrorf("unknown shell %q: want bash, zsh, fish or powershell", o.Shell)
}
