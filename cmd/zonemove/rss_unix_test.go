//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// peakRSS is the peak resident memory of a process that has ended, in KiB
// (getrusage; 0 where the system does not say).
func peakRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
