package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/zonemove/zonemove/pkg/around"
	"github.com/zonemove/zonemove/pkg/migration"
)

// StateVersion is the version of the state file's format.
const StateVersion = 1

// State is what the state file records: per instance, the ClientToken of its
// create and, once known, the job it made.
type State struct {
	Version    int               `json:"version"`
	Manifest   string            `json:"manifest,omitempty"`
	Migrations map[string]*Entry `json:"migrations"` // by instance ID
}

// Entry is the record of one migration.
type Entry struct {
	// ClientToken is written before the create is sent: an entry with a token
	// and no JobID is a create whose outcome is unknown.
	ClientToken string `json:"client_token"`
	// Fingerprint identifies the request the token was made for (every
	// parameter but the token), so that a changed manifest entry is noticed.
	Fingerprint string `json:"fingerprint"`
	// Request is the request the token was made for, to show what changed.
	Request *migration.Request `json:"request"`
	JobID   string             `json:"job_id,omitempty"`

	// Adopted: the job was found on the instance by a run that had no record
	// of it (the state file was lost); no token of this batch made it.
	Adopted bool `json:"adopted,omitempty"`

	TokenRecordedAt time.Time  `json:"token_recorded_at"`
	JobRecordedAt   *time.Time `json:"job_recorded_at,omitempty"`

	// Around is the record of the steps around the job (snapshot, drain,
	// verify, restore): what a re-run needs, written before each request.
	// It is replaced whole on every change, never changed in place.
	Around *around.Record `json:"around,omitempty"`
}

// Fingerprint is the SHA-256 of a request without its ClientToken.
func Fingerprint(req *migration.Request) string {
	r := *req
	r.ClientToken = ""
	b, _ := json.Marshal(&r)
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// StateError is a state file that cannot be used as it is.
type StateError struct {
	Path string
	Err  error
}

func (e *StateError) Error() string { return fmt.Sprintf("state file %s: %v", e.Path, e.Err) }
func (e *StateError) Unwrap() error { return e.Err }

// LockedError is a state file locked by another run.
type LockedError struct {
	StatePath, LockPath string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another zonemove apply is using %s (it holds the lock %s)", e.StatePath, e.LockPath)
}

// DefaultStatePath is where the state of a manifest lives unless told otherwise.
func DefaultStatePath(manifest string) string { return manifest + ".state.json" }

// LockPath is the lock file of a state file.
func LockPath(state string) string { return state + ".lock" }

// ReadState reads a state file; a missing file is an empty state.
func ReadState(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: StateVersion, Migrations: map[string]*Entry{}}, nil
	}
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	st, err := decodeState(data)
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	return st, nil
}

// decodeState parses the content of a state file and checks what a run relies on.
func decodeState(data []byte) (*State, error) {
	st := &State{Version: StateVersion, Migrations: map[string]*Entry{}}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("not a zonemove state file (%v)", err)
	}
	if st.Version != StateVersion {
		return nil, fmt.Errorf("format version %d; this zonemove reads version %d", st.Version, StateVersion)
	}
	if st.Migrations == nil {
		st.Migrations = map[string]*Entry{}
	}
	for id, e := range st.Migrations {
		if err := migration.ValidateInstanceID("instance", id); err != nil {
			return nil, fmt.Errorf("an entry is keyed %q, not an instance ID", id)
		}
		// An entry without a create holds only the steps before it (Around).
		if e == nil || ((e.ClientToken != "" || e.JobID != "") != (e.Fingerprint != "")) || (e.Fingerprint == "" && e.Around == nil) {
			return nil, fmt.Errorf("the entry of %s has no client_token (or job_id) or fingerprint", id)
		}
	}
	return st, nil
}

// RealPath resolves the symlinks of a state file's path, the file's own
// included even when its target does not exist yet (a link made before the
// first run).
func RealPath(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			dir, err := filepath.EvalSymlinks(filepath.Dir(path))
			if err != nil {
				return "", err
			}
			return filepath.Join(dir, filepath.Base(path)), nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", fmt.Errorf("too many levels of symbolic links in %s", path)
}

// Store is a state file opened for a run: locked against other runs, and
// written durably on every change.
type Store struct {
	path string
	lock *flock.Flock

	mu    sync.Mutex // guards state and gen
	state *State
	gen   uint64 // count of changes made

	wmu     sync.Mutex // serializes writes
	written uint64     // gen of the last durable write

	// writeFile replaces the file; tests inject failures.
	writeFile func(path string, data []byte) error
}

// OpenStore locks the state file at path (through its .lock) and reads it.
// Symlinks are followed first, so that two names of one file share one lock
// and the writes replace the file, not the link. A second run on the same
// state file gets a *LockedError.
func OpenStore(path, manifest string) (*Store, error) {
	path, err := RealPath(path)
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	lk := flock.New(LockPath(path))
	ok, err := lk.TryLock()
	if err != nil {
		return nil, &StateError{Path: path, Err: fmt.Errorf("locking %s: %w", LockPath(path), err)}
	}
	if !ok {
		return nil, &LockedError{StatePath: path, LockPath: LockPath(path)}
	}
	st, err := ReadState(path)
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	if st.Manifest == "" {
		st.Manifest = manifest
	}
	return &Store{path: path, lock: lk, state: st, writeFile: writeFileAtomic}, nil
}

// Snapshot returns a copy of the state.
func (s *Store) Snapshot() *State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.clone()
}

func (st *State) clone() *State {
	c := &State{Version: st.Version, Manifest: st.Manifest, Migrations: make(map[string]*Entry, len(st.Migrations))}
	for id, e := range st.Migrations {
		ec := *e
		c.Migrations[id] = &ec
	}
	return c
}

// RecordToken records, durably, the token of the create about to be sent for
// the instance. It returns once the state file holds it.
func (s *Store) RecordToken(instanceID, token string, req *migration.Request, at time.Time) error {
	r := *req
	r.ClientToken = ""
	var prev *Entry
	return s.change(func(st *State) {
		prev = st.Migrations[instanceID]
		st.Migrations[instanceID] = &Entry{ClientToken: token, Fingerprint: Fingerprint(req), Request: &r, TokenRecordedAt: at.UTC()}
	}, func(st *State) {
		// Not durable, so the create is not sent: keep no trace of the token.
		if prev != nil {
			st.Migrations[instanceID] = prev
		} else {
			delete(st.Migrations, instanceID)
		}
	})
}

// RecordJob records, durably, the job a create answered with.
func (s *Store) RecordJob(instanceID, jobID string, at time.Time) error {
	return s.change(func(st *State) {
		e := st.Migrations[instanceID]
		if e == nil {
			return
		}
		t := at.UTC()
		e.JobID, e.JobRecordedAt = jobID, &t
	}, nil)
}

// Adopt records, durably, a job found on the instance that no run of this
// state file recorded (the state file was lost), so that later runs follow it.
func (s *Store) Adopt(instanceID, jobID string, req *migration.Request, at time.Time) error {
	r := *req
	r.ClientToken = ""
	t := at.UTC()
	return s.change(func(st *State) {
		st.Migrations[instanceID] = &Entry{Fingerprint: Fingerprint(req), Request: &r, JobID: jobID, Adopted: true,
			TokenRecordedAt: t, JobRecordedAt: &t}
	}, nil)
}

// Forget removes the record of a create the API is known not to have carried
// out, so that a re-run checks it fully and makes a new token.
func (s *Store) Forget(instanceID string) error {
	return s.change(func(st *State) { delete(st.Migrations, instanceID) }, nil)
}

// change applies fn and returns once a write that includes it is durable.
// Concurrent changes share writes: while one write runs, the changes made
// meanwhile are all written by the next one. When no write including the
// change succeeds, undo (if any) takes it back from memory.
func (s *Store) change(fn, undo func(*State)) (err error) {
	s.mu.Lock()
	fn(s.state)
	s.gen++
	mine := s.gen
	s.mu.Unlock()

	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.written >= mine {
		return nil
	}
	defer func() {
		if err != nil && undo != nil {
			s.mu.Lock()
			undo(s.state)
			s.mu.Unlock()
		}
	}()
	s.mu.Lock()
	data, err := json.MarshalIndent(s.state, "", "  ")
	gen := s.gen
	s.mu.Unlock()
	if err != nil {
		return &StateError{Path: s.path, Err: err}
	}
	if err := s.writeFile(s.path, append(data, '\n')); err != nil {
		return &StateError{Path: s.path, Err: err}
	}
	s.written = gen
	return nil
}

// Close releases the lock. The lock file stays: removing it could let two
// runs hold locks on different files of the same name.
func (s *Store) Close() error { return s.lock.Unlock() }

// writeFileAtomic replaces path with data so that a crash at any moment leaves
// either the old file or the new one: a temporary file in the same folder,
// synced, renamed over path, and the folder synced so the rename is durable.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Changes lists the parameters of req that differ from the recorded request,
// as "Name: old -> new".
func (e *Entry) Changes(req *migration.Request) []string {
	if e.Request == nil {
		return []string{"the recorded request is missing"}
	}
	flat := func(r *migration.Request) map[string]string {
		c := *r
		c.ClientToken = ""
		b, _ := json.Marshal(&c)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		out := map[string]string{}
		for k, v := range m {
			vb, _ := json.Marshal(v)
			out[k] = string(vb)
		}
		return out
	}
	old, cur := flat(e.Request), flat(req)
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if old[k] != cur[k] {
			out = append(out, fmt.Sprintf("%s: %s -> %s", k, orNone(old[k]), orNone(cur[k])))
		}
	}
	sort.Strings(out)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
