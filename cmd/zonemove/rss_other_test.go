//go:build !unix

package main

import "os/exec"

// peakRSS is 0 where getrusage does not exist (Windows).
func peakRSS(*exec.Cmd) int64 { return 0 }

// bytesWritten is 0 where getrusage does not exist (Windows).
func bytesWritten(*exec.Cmd) int64 { return 0 }
