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

// bytesWritten is what a process that has ended wrote to storage (getrusage's
// output blocks, 512 bytes each; 0 where the system does not say).
func bytesWritten(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Oublock * 512
	}
	return 0
}
