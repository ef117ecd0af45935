package main

// The command reference (docs/reference/*.md) and man pages (docs/man/*.1)
// are generated from the commands; .ci/run fails when they are stale.
//go:generate go run ../gendocs -out ../../docs
