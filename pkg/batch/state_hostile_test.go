//go:build unix

package batch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zonemove/zonemove/pkg/migration"
)

// null is not an empty state: it is refused, and not overwritten.
func TestStateNullIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte("null\n"), 0o644)
	var se *StateError
	if _, err := ReadState(path); !errors.As(err, &se) || !se.Content {
		t.Fatalf("ReadState: %v; want a *StateError about its content", err)
	}
	if _, err := OpenStore(path, "m.yaml"); !errors.As(err, &se) {
		t.Fatalf("OpenStore: %v; want a *StateError", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "null\n" {
		t.Errorf("the file became %q", got)
	}
}

// A state path that leads to a folder, a device or a pipe is refused before
// anything is made next to it (no /dev/null.lock), and read without blocking.
func TestStateRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
	_, devLockBefore := os.Stat("/dev/null.lock")
	for _, target := range []string{"/dev/null", fifo, filepath.Join(dir, "folder")} {
		link := filepath.Join(dir, "link-to-"+filepath.Base(target)+".json")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		var se *StateError
		if _, err := OpenStore(link, "m.yaml"); !errors.As(err, &se) || se.Content || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("OpenStore %s: %v; want it refused as not a regular file", target, err)
		}
		if _, err := os.Stat(target + ".lock"); err == nil && (target != "/dev/null" || devLockBefore != nil) {
			t.Errorf("%s.lock was made", target)
			if target != "/dev/null" {
				os.Remove(target + ".lock")
			}
		}
		if _, err := ReadState(link); !errors.As(err, &se) || !strings.Contains(err.Error(), link) {
			t.Errorf("ReadState %s: %v; want a *StateError naming %s", target, err, link)
		}
	}
}

// A link that leads nowhere or in a circle is named in the error.
func TestStateBadLinksNameThePath(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	os.Symlink(b, a)
	os.Symlink(a, b)
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink(filepath.Join(dir, "no-such-folder", "s.json"), dangling)
	for _, path := range []string{a, dangling} {
		for name, open := range map[string]func() error{
			"ReadState": func() error { _, err := ReadState(path); return err },
			"OpenStore": func() error { _, err := OpenStore(path, "m.yaml"); return err },
		} {
			var se *StateError
			err := open()
			if !errors.As(err, &se) || se.Content || !strings.Contains(err.Error(), "state file "+path+":") {
				t.Errorf("%s %s: %v; want a *StateError naming it", name, filepath.Base(path), err)
			}
		}
	}
	// A link made before the first run, to a file not made yet, is fine.
	ahead := filepath.Join(dir, "ahead.json")
	os.Symlink(filepath.Join(dir, "later.json"), ahead)
	s, err := OpenStore(ahead, "m.yaml")
	if err != nil {
		t.Fatalf("a link to a file not made yet: %v", err)
	}
	s.Close()
}

// An unreadable state file is not bad content: the error says permission.
func TestStatePermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte(`{"version": 2, "migrations": {}}`), 0o000)
	var se *StateError
	if _, err := ReadState(path); !errors.As(err, &se) || se.Content || !errors.Is(err, os.ErrPermission) {
		t.Errorf("ReadState: %v; want a permission error, not bad content", err)
	}
}

// The temporary files of killed writes go when the next run takes the lock,
// and only then.
func TestOpenStoreRemovesTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	tmp := filepath.Join(dir, ".s.json.tmp-4711")
	os.WriteFile(tmp, []byte(`{"version": 2, "migr`), 0o644)
	held, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Error("the temporary file of a killed write is left after the lock was taken")
	}
	os.WriteFile(tmp, nil, 0o644) // a write of the run that holds the lock
	if _, err := OpenStore(path, "m.yaml"); err == nil {
		t.Fatal("a second store opened")
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Error("a run refused by the lock removed the holder's temporary file")
	}
	held.Close()
}

// A run refused by the lock is told who holds it; the holder is cleared when
// the lock goes.
func TestLockNamesItsHolder(t *testing.T) {
	s, path := openStore(t)
	_, err := OpenStore(path, "m.yaml")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder == nil || le.Holder.PID != os.Getpid() {
		t.Fatalf("error %v (holder %+v); want this process named", err, le)
	}
	host, _ := os.Hostname()
	if want := fmt.Sprintf("PID %d on host %s, since ", os.Getpid(), host); !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not say %q", err, want)
	}
	s.Close()
	if data, _ := os.ReadFile(LockPath(path)); len(data) != 0 {
		t.Errorf("the lock file still names a holder after Close: %s", data)
	}
}

// Two state files of one batch, or two copies of its manifest, share the
// batch's lock; another batch has its own.
func TestLockBatch(t *testing.T) {
	dir := t.TempDir()
	manifest := func(path string, ids ...string) *Manifest {
		m := &Manifest{Path: path, Region: "cn-hangzhou"}
		for _, id := range ids {
			m.Migrations = append(m.Migrations, &Migration{Spec: migration.Spec{InstanceID: id}})
		}
		return m
	}
	one, two := "i-bp1ff25rzvnul6kr0001", "i-bp1ff25rzvnul6kr0002"
	held, err := LockBatch(dir, manifest("/ops/m.yaml", one, two), "/ops/m.yaml.state.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockBatch(dir, manifest("/tmp/copy.yaml", two, one), "/tmp/other.json")
	var le *LockedError
	if !errors.As(err, &le) || !le.Batch || le.Holder == nil || !strings.Contains(err.Error(), "/ops/m.yaml.state.json") {
		t.Fatalf("a copy of the manifest: %v; want the batch's lock, naming the holder's state file", err)
	}
	other, err := LockBatch(dir, manifest("/ops/m.yaml", one), "/ops/m.yaml.state.json")
	if err != nil {
		t.Fatalf("another batch: %v", err)
	}
	other.Unlock()
	held.Unlock()
	again, err := LockBatch(dir, manifest("/tmp/copy.yaml", two, one), "/tmp/other.json")
	if err != nil {
		t.Fatalf("after the holder ended: %v", err)
	}
	again.Unlock()
	if d, err := UserStateDir(func(k string) string { return map[string]string{"HOME": "/home/op"}[k] }); err != nil || d != "/home/op/.local/state/zonemove" {
		t.Errorf("UserStateDir with HOME: %q, %v", d, err)
	}
	if d, _ := UserStateDir(func(k string) string { return map[string]string{"HOME": "/home/op", "XDG_STATE_HOME": "/st"}[k] }); d != "/st/zonemove" {
		t.Errorf("UserStateDir with XDG_STATE_HOME: %q", d)
	}
}
