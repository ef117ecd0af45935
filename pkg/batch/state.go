package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/zonemove/zonemove/pkg/facts"
	"github.com/zonemove/zonemove/pkg/migration"
)

// StateVersion is the version of the state file's format. Version 1 (before
// the record of where each instance was and went) is read and upgraded.
const StateVersion = 2

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
	ClientToken string `json:"client_token,omitzero"`
	// Fingerprint identifies the request the token was made for (every
	// parameter but the token), so that a changed manifest entry is noticed.
	Fingerprint string `json:"fingerprint,omitzero"`
	// Request is the request the token was made for, to show what changed.
	Request *migration.Request `json:"request,omitzero"`
	JobID   string             `json:"job_id,omitempty"`

	// Adopted: the job was found on the instance by a run that had no record
	// of it (the state file was lost); no token of this batch made it.
	Adopted bool `json:"adopted,omitempty"`

	TokenRecordedAt time.Time  `json:"token_recorded_at,omitzero"`
	JobRecordedAt   *time.Time `json:"job_recorded_at,omitempty"`

	// Before is where the instance was when a run first saw it (its
	// preflight), recorded once and never replaced: the way back.
	Before *Place `json:"before,omitempty"`
	// Instance is where the instance was read back after its job Finished.
	Instance *Place `json:"instance,omitempty"`

	// Revert is the record of the create that moves the instance back to
	// Before (zonemove revert): its own ClientToken, request and job, kept
	// apart from the move's. Its Before, Instance and Revert are unused.
	Revert *Entry `json:"revert,omitempty"`
}

// Place is where an instance is and as what.
type Place struct {
	ZoneID       string      `json:"zone_id"`
	VSwitchID    string      `json:"vswitch_id,omitempty"`
	InstanceType string      `json:"instance_type"`
	PrivateIP    string      `json:"private_ip,omitempty"`
	Disks        []PlaceDisk `json:"disks,omitempty"`
}

// PlaceDisk is one disk of a Place.
type PlaceDisk struct {
	DiskID           string `json:"disk_id"`
	Category         string `json:"category"`
	PerformanceLevel string `json:"performance_level,omitempty"`
}

// PlaceOf is the place of an instance as ECS describes it, with its disks
// (none when they were not read).
func PlaceOf(in *facts.Instance, disks []facts.Disk) *Place {
	if in == nil {
		return nil
	}
	p := &Place{ZoneID: in.ZoneID, VSwitchID: in.VSwitchID, InstanceType: in.InstanceType}
	if len(in.PrivateIPs) > 0 {
		p.PrivateIP = in.PrivateIPs[0]
	}
	for _, d := range disks {
		p.Disks = append(p.Disks, PlaceDisk{DiskID: d.DiskID, Category: d.Category, PerformanceLevel: d.PerformanceLevel})
	}
	return p
}

func (p *Place) clone() *Place {
	if p == nil {
		return nil
	}
	c := *p
	c.Disks = slices.Clone(p.Disks)
	return &c
}

// HasCreate reports whether the entry records a create: a ClientToken sent
// (or about to be), or a job. An entry without one holds only what was
// recorded around it (Before, or what a step before the create needs).
func (e *Entry) HasCreate() bool { return e.ClientToken != "" || e.JobID != "" }

// clearCreate removes the record of the create, keeping the rest.
func (e *Entry) clearCreate() {
	e.ClientToken, e.Fingerprint, e.Request, e.JobID, e.Adopted = "", "", nil, "", false
	e.TokenRecordedAt, e.JobRecordedAt = time.Time{}, nil
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
	if st.Version < 1 || st.Version > StateVersion {
		return nil, fmt.Errorf("format version %d; this zonemove reads versions 1 to %d", st.Version, StateVersion)
	}
	// Version 1 is version 2 without the record (before, instance): upgraded as read.
	st.Version = StateVersion
	if st.Migrations == nil {
		st.Migrations = map[string]*Entry{}
	}
	for id, e := range st.Migrations {
		if err := checkEntry(id, e); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// checkEntry checks what a run relies on in one entry: a create is recorded
// with its fingerprint; an entry without a create has none.
func checkEntry(id string, e *Entry) error {
	if err := migration.ValidateInstanceID("instance", id); err != nil {
		return fmt.Errorf("an entry is keyed %q, not an instance ID", id)
	}
	if e == nil || (e.HasCreate() != (e.Fingerprint != "")) {
		return fmt.Errorf("the entry of %s has no client_token (or job_id) or fingerprint", id)
	}
	if r := e.Revert; r != nil && r.HasCreate() != (r.Fingerprint != "") {
		return fmt.Errorf("the revert of %s has no client_token (or job_id) or fingerprint", id)
	}
	return nil
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
	*storeFile
	// revert marks the view of the entries' revert records (Reverts): its
	// creates are recorded in each entry's Revert, not in the entry.
	revert bool
}

// storeFile is the state file a Store and its revert view share: one lock,
// one state in memory, one writer.
type storeFile struct {
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
	return &Store{storeFile: &storeFile{path: path, lock: lk, state: st, writeFile: writeFileAtomic}}, nil
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
		c.Migrations[id] = e.clone()
	}
	return c
}

// clone copies an entry; its fields are values or replaced whole, never
// changed in place, so a copy of the struct with its places is deep enough.
func (e *Entry) clone() *Entry {
	c := *e
	c.Before, c.Instance = e.Before.clone(), e.Instance.clone()
	if e.Revert != nil {
		c.Revert = e.Revert.clone()
	}
	return &c
}

// RecordToken records, durably, the token of the create about to be sent for
// the instance. It returns once the state file holds it. What the entry held
// besides an earlier create (Before, the records of the steps around the
// job) is kept.
func (s *Store) RecordToken(instanceID, token string, req *migration.Request, at time.Time) error {
	r := *req
	r.ClientToken = ""
	return s.Update(instanceID, func(e *Entry) {
		e.clearCreate()
		e.ClientToken, e.Fingerprint, e.Request, e.TokenRecordedAt = token, Fingerprint(req), &r, at.UTC()
	})
}

// RecordJob records, durably, the job a create answered with.
func (s *Store) RecordJob(instanceID, jobID string, at time.Time) error {
	t := at.UTC()
	return s.Update(instanceID, func(e *Entry) {
		if e.HasCreate() {
			e.JobID, e.JobRecordedAt = jobID, &t
		}
	})
}

// Reverts is the view of the store whose creates are the revert records of
// the entries (Entry.Revert): a Runner given it records a revert's token
// and job exactly as a move's, with the same durability, while the moves'
// records stay as they were. RecordBefore keeps the revert's own first
// sight (where the move left the instance) in the revert record;
// RecordInstance, where the instance is now, goes to the entry. It shares the
// store's lock: close the store, not the view.
func (s *Store) Reverts() *Store { return &Store{storeFile: s.storeFile, revert: true} }

// entries is the view of the store whose changes are the entries'.
func (s *Store) entries() *Store { return &Store{storeFile: s.storeFile} }

// Adopt records, durably, a job found on the instance that no run of this
// state file recorded (the state file was lost), so that later runs follow it.
func (s *Store) Adopt(instanceID, jobID string, req *migration.Request, at time.Time) error {
	r := *req
	r.ClientToken = ""
	t := at.UTC()
	return s.Update(instanceID, func(e *Entry) {
		e.clearCreate()
		e.Fingerprint, e.Request, e.JobID, e.Adopted, e.TokenRecordedAt, e.JobRecordedAt = Fingerprint(req), &r, jobID, true, t, &t
	})
}

// RecordBefore records, durably and in one write, where each instance is
// before its move, for those whose entry has no Before yet: the first sight
// is kept, never replaced.
func (s *Store) RecordBefore(places map[string]*Place) error {
	ids := slices.Sorted(maps.Keys(places))
	// Of a revert view, the revert record's: where the move left the instance.
	return s.UpdateMany(ids, func(id string, e *Entry) {
		if e.Before == nil {
			e.Before = places[id].clone()
		}
	})
}

// RecordInstance records, durably and in one write, where each instance was
// read back after its job Finished.
func (s *Store) RecordInstance(places map[string]*Place) error {
	ids := slices.Sorted(maps.Keys(places))
	return s.entries().UpdateMany(ids, func(id string, e *Entry) { e.Instance = places[id].clone() })
}

// Forget removes the record of a create the API is known not to have carried
// out, so that a re-run checks it fully and makes a new token. What the entry
// holds besides (Before, the steps around the job) stays; an entry left empty
// goes.
func (s *Store) Forget(instanceID string) error {
	return s.Update(instanceID, func(e *Entry) { e.clearCreate() })
}

// Update changes the entry of one instance and returns once the change is
// durable in the state file: the way to record anything a re-run needs
// before the cloud request that needs it is sent (a ClientToken, an original
// weight), with the crash safety of the create's token. fn gets a copy of
// the entry (an empty one when there is none) to change; it must replace
// pointer, slice and map fields rather than change what they point to, since
// copies handed out by Snapshot may share them. An entry that fn leaves
// empty is removed. When the write fails, the change is taken back from
// memory and the error returned: the request must then not be sent.
//
// A field added to Entry for a step around the job is kept by every other
// change (a new create's token, Forget) and read back by ReadState.
func (s *Store) Update(instanceID string, fn func(*Entry)) error {
	return s.UpdateMany([]string{instanceID}, func(_ string, e *Entry) { fn(e) })
}

// UpdateMany is Update of several instances in one durable write.
func (s *Store) UpdateMany(instanceIDs []string, fn func(id string, e *Entry)) error {
	for _, id := range instanceIDs {
		if err := migration.ValidateInstanceID("instance", id); err != nil {
			return &StateError{Path: s.path, Err: fmt.Errorf("an entry for %q: %w", id, err)}
		}
	}
	if s.revert {
		change := fn
		fn = func(id string, e *Entry) {
			rv := &Entry{}
			if e.Revert != nil {
				rv = e.Revert.clone()
			}
			change(id, rv)
			if reflect.ValueOf(*rv).IsZero() {
				rv = nil
			}
			e.Revert = rv
		}
	}
	prev := make(map[string]*Entry, len(instanceIDs))
	return s.change(instanceIDs, func(st *State) {
		for _, id := range instanceIDs {
			old := st.Migrations[id]
			prev[id] = old
			e := &Entry{}
			if old != nil {
				e = old.clone()
			}
			fn(id, e)
			if reflect.ValueOf(*e).IsZero() {
				delete(st.Migrations, id)
			} else {
				st.Migrations[id] = e
			}
		}
	}, func(st *State) {
		// Not durable, so the request is not sent: keep no trace of the change.
		for id, old := range prev {
			if old != nil {
				st.Migrations[id] = old
			} else {
				delete(st.Migrations, id)
			}
		}
	})
}

// change applies fn, which changes the entries of ids, and returns once a
// write that includes it is durable. Concurrent changes share writes: while
// one write runs, the changes made meanwhile are all written by the next
// one. When no write including the change succeeds, undo (if any) takes it
// back from memory.
func (s *Store) change(ids []string, fn, undo func(*State)) (err error) {
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
