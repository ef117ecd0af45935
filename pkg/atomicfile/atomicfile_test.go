package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	if err := WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := WriteFile(path, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if got, _ := os.ReadFile(path); string(got) != "two" || os.SameFile(before, after) {
		t.Errorf("content %q, same file %v; want two in a new file", got, os.SameFile(before, after))
	}
	if after.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", after.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

// Of writers racing for one new name, exactly one writes it; the others get
// fs.ErrExist and leave it as the winner wrote it.
func TestWriteNewExclusive(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.yaml")
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = WriteNew(path, []byte(fmt.Sprint("writer ", i)), 0o644) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Errorf("writers %d and %d both wrote", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("writer %d: %v; want fs.ErrExist", i, err)
		}
	}
	if got, _ := os.ReadFile(path); won < 0 || string(got) != fmt.Sprint("writer ", won) {
		t.Errorf("content %q; want the winner's (%d)", got, won)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.json")
	for _, name := range []string{".s.json.tmp-1", ".s.json.tmp-22", ".other.json.tmp-1", "s.json", "s.json.lock"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	if err := RemoveTemps(path); err != nil {
		t.Fatal(err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if fmt.Sprint(left) != "[.other.json.tmp-1 s.json s.json.lock]" {
		t.Errorf("left %v", left)
	}
}
