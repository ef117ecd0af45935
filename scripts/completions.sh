#!/usr/bin/env bash
# Writes the shell completion scripts into completions/ for the release
# archives and packages (goreleaser's before hook). The man pages are not
# built here: they are committed under docs/man (go generate ./...).
set -euo pipefail

cd "$(dirname "$0")/.."

rm -rf completions
mkdir -p completions
go build -o completions/.zonemove ./cmd/zonemove
trap 'rm -f completions/.zonemove' EXIT
./completions/.zonemove completion bash > completions/zonemove.bash
./completions/.zonemove completion zsh > completions/_zonemove
./completions/.zonemove completion fish > completions/zonemove.fish
./completions/.zonemove completion powershell > completions/zonemove.ps1
