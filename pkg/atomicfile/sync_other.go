//go:build !windows

package atomicfile

func isSyncUnsupported(error) bool { return false }
