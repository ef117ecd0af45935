//go:build windows

package atomicfile

// isSyncUnsupported: Windows cannot flush a folder opened for reading
// (FlushFileBuffers refuses it); its renames are made durable by NTFS's log.
func isSyncUnsupported(err error) bool { return err != nil }
