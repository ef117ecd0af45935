package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Lock is a lock file held by this run (flock(2)): a state file's, or a
// batch's in the user's state folder. Who holds it (host, PID, since) is
// written into it, so that a run it refuses can say who.
type Lock struct {
	fl   *flock.Flock
	path string
}

// Holder is who holds a lock, as written into its file.
type Holder struct {
	Host     string    `json:"host"`
	PID      int       `json:"pid"`
	Since    time.Time `json:"since"`
	Manifest string    `json:"manifest,omitempty"`
	State    string    `json:"state,omitempty"`
}

func (h *Holder) String() string {
	return fmt.Sprintf("PID %d on host %s, since %s", h.PID, h.Host, h.Since.UTC().Format(time.RFC3339))
}

// lock takes the lock file at path without waiting; a *LockedError names
// who holds it.
func lock(path string, me Holder) (*Lock, error) {
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	if !ok {
		return nil, &LockedError{LockPath: path, Holder: readHolder(path)}
	}
	me.Host, _ = os.Hostname()
	me.PID, me.Since = os.Getpid(), time.Now().UTC().Truncate(time.Second)
	if data, err := json.Marshal(me); err == nil {
		// Best effort: a lock without its holder still locks.
		_ = os.WriteFile(path, append(data, '\n'), 0o600)
	}
	return &Lock{fl: fl, path: path}, nil
}

// readHolder reads who holds a lock; nil when its file does not say.
func readHolder(path string) *Holder {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	var h Holder
	if json.Unmarshal(data, &h) != nil || h.PID == 0 {
		return nil
	}
	return &h
}

// Unlock clears the holder and releases the lock. The file stays: removing
// it could let two runs hold locks on different files of the same name.
func (l *Lock) Unlock() error {
	if l == nil {
		return nil
	}
	_ = os.Truncate(l.path, 0)
	return l.fl.Unlock()
}

// LockedError is a lock held by another run: a state file's, or (Batch) the
// lock of the same batch taken through another state file.
type LockedError struct {
	StatePath, LockPath string
	// Batch: the lock is the batch's (the same region and instances), held
	// by a run of another state file or another copy of the manifest.
	Batch bool
	// Holder is who holds it, when its file says.
	Holder *Holder
}

func (e *LockedError) Error() string {
	var msg string
	if e.Batch {
		msg = fmt.Sprintf("another zonemove run is applying this batch (the same region and instances) through another state file or copy of the manifest (it holds the lock %s", e.LockPath)
		if h := e.Holder; h != nil && h.State != "" {
			msg += fmt.Sprintf("; its state file is %s, its manifest %s", h.State, h.Manifest)
		}
	} else {
		msg = fmt.Sprintf("another zonemove apply is using %s (it holds the lock %s", e.StatePath, e.LockPath)
	}
	if e.Holder != nil {
		msg += ": " + e.Holder.String()
	}
	return msg + ")"
}

// UserStateDir is zonemove's folder in the user's state folder:
// $XDG_STATE_HOME/zonemove, else ~/.local/state/zonemove.
func UserStateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "zonemove"), nil
	}
	for _, home := range []string{getenv("HOME"), getenv("USERPROFILE")} {
		if filepath.IsAbs(home) {
			return filepath.Join(home, ".local", "state", "zonemove"), nil
		}
	}
	return "", errors.New("no folder for zonemove's batch locks: neither XDG_STATE_HOME nor HOME is set")
}

// BatchLockPath is the lock of a batch in zonemove's state folder dir, keyed
// by the manifest's region and instances: every state file and every copy
// of the manifest of one batch share it.
func BatchLockPath(dir string, m *Manifest) string {
	ids := make([]string, len(m.Migrations))
	for i, mig := range m.Migrations {
		ids[i] = mig.Spec.InstanceID
	}
	slices.Sort(ids)
	sum := sha256.Sum256([]byte(m.Region + "\n" + strings.Join(ids, "\n")))
	return filepath.Join(dir, "batches", m.Region+"-"+hex.EncodeToString(sum[:8])+".lock")
}

// LockBatch takes the lock of the batch of m in dir (UserStateDir) for a run
// of the state file at statePath; a *LockedError (Batch) when another run
// holds it.
func LockBatch(dir string, m *Manifest, statePath string) (*Lock, error) {
	path := BatchLockPath(dir, m)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("the folder of zonemove's batch locks: %w", err)
	}
	manifest, _ := filepath.Abs(m.Path)
	state, _ := filepath.Abs(statePath)
	l, err := lock(path, Holder{Manifest: manifest, State: state})
	var le *LockedError
	if errors.As(err, &le) {
		le.Batch, le.StatePath = true, statePath
	}
	return l, err
}
