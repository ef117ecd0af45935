package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/zonemove/zonemove/pkg/atomicfile"
	"github.com/zonemove/zonemove/pkg/migration"
)

// minFold is the journal's size below which it is not folded into the state
// file before Close: small batches write the state file once.
const minFold = 1 << 20

// Store is a state file opened for a run: locked against other runs, and
// changed durably. A change is appended to the journal and synced before it
// counts as made; the journal is folded into the state file (rewritten whole,
// atomically) once it has grown as large as the state file, and on Close. So
// the bytes written grow with the changes made, not with their product with
// the size of the state.
type Store struct {
	*storeFile
	// revert marks the view of the entries' revert records (Reverts): its
	// creates are recorded in each entry's Revert, not in the entry.
	revert bool
}

// storeFile is the state file a Store and its revert view share: one lock,
// one state in memory, one journal and writer.
type storeFile struct {
	path, journalPath string
	lock              *Lock

	mu    sync.Mutex // guards state, gen and dirty
	state *State
	gen   uint64              // count of changes made
	dirty map[string]struct{} // entries changed since the last durable write

	wmu          sync.Mutex // serializes writes; guards what follows
	written      uint64     // gen of the last durable write
	journal      *os.File   // open for appending; nil until the first append after a fold
	journalSize  int64      // bytes of whole records in the journal
	snapshotSize int64      // bytes of the state file as last written
	haveSnapshot bool       // the state file exists
	broken       error      // a failed append left a torn line that could not be cut off
	closed       bool
	minFold      int64 // the journal's size below which only Close folds it

	// The file operations, replaced in tests to fail or to stop the process
	// at a given step.
	writeFile     func(path string, data []byte) error // replaces a file atomically
	appendJournal func(f *os.File, data []byte) error  // appends and syncs
	removeJournal func(path string) error
}

// OpenStore locks the state file at path (through its .lock) and reads it
// with its journal. Symlinks are followed first, so that two names of one
// file share one lock and the writes replace the file, not the link. A second
// run on the same state file gets a *LockedError. A journal left by a killed
// run is folded into the state file at once.
func OpenStore(path, manifest string) (*Store, error) {
	real, err := RealPath(path)
	if err != nil {
		return nil, &StateError{Path: path, Err: fmt.Errorf("a symbolic link that cannot be followed: %w", err)}
	}
	// Before the lock is made next to it: /dev/null gets no /dev/null.lock.
	if err := checkRegular(real); err != nil {
		return nil, err
	}
	path = real
	lk, err := lock(LockPath(path), Holder{State: path, Manifest: manifest})
	var le *LockedError
	if errors.As(err, &le) {
		le.StatePath = path
		return nil, err
	}
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	// Temporary files of writes that a killed run left: no one else writes now.
	_ = atomicfile.RemoveTemps(path)
	s := &Store{storeFile: &storeFile{path: path, journalPath: JournalPath(path), lock: lk, dirty: map[string]struct{}{}, minFold: minFold,
		writeFile:     func(path string, data []byte) error { return atomicfile.WriteFile(path, data, 0o644) },
		appendJournal: appendSync, removeJournal: removeSync}}
	if err := s.load(manifest); err != nil {
		lk.Unlock()
		return nil, err
	}
	return s, nil
}

// load reads the state file and replays the journal, under the lock.
func (s *Store) load(manifest string) error {
	st, err := readSnapshot(s.path)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(s.path); err == nil {
		s.haveSnapshot, s.snapshotSize = true, fi.Size()
	}
	journal, _, err := readJournalFile(s.journalPath)
	if err != nil {
		return &StateError{Path: s.journalPath, Err: err}
	}
	good, err := replay(st, journal)
	if err != nil {
		return &StateError{Path: s.journalPath, Err: err, Content: true}
	}
	if st.Manifest == "" {
		st.Manifest = manifest
	}
	s.state = st
	if journal == nil {
		return nil
	}
	// Left by a killed run (Close folds it): cut off a torn last line, so
	// that nothing is appended after it, and fold it now.
	f, err := os.OpenFile(s.journalPath, os.O_WRONLY|os.O_APPEND, 0)
	if err == nil {
		err = f.Truncate(int64(good))
		if err != nil {
			f.Close()
		}
	}
	if err != nil {
		return &StateError{Path: s.journalPath, Err: err}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.journal, s.journalSize = f, int64(good)
	return s.flush(true)
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
	if e.Window != nil {
		w := *e.Window
		c.Window = &w
	}
	c.Around = e.Around.Clone()
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
// RecordInstance, where the instance is now, goes to the entry. It shares
// the store's lock and journal: close the store, not the view.
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
// durable (in the journal, synced): the way to record anything a re-run
// needs before the cloud request that needs it is sent (a ClientToken, an
// original weight), with the crash safety of the create's token. fn gets a
// copy of the entry (an empty one when there is none) to change; it must
// replace pointer, slice and map fields rather than change what they point
// to, since copies handed out by Snapshot may share them. An entry that fn
// leaves empty is removed. When the write fails, the change is taken back
// from memory and the error returned: the request must then not be sent.
//
// A field added to Entry for a step around the job is kept by every other
// change (a new create's token, Forget), journaled with its entry and read
// back by ReadState; Entry.clone must copy it deeply if it is a pointer,
// slice or map that fn could change in place.
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
	for _, id := range ids {
		s.dirty[id] = struct{}{}
	}
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
	if s.closed {
		return &StateError{Path: s.path, Err: errors.New("changed after it was closed")}
	}
	if s.broken != nil {
		return &StateError{Path: s.journalPath, Err: s.broken}
	}
	return s.flush(false)
}

// flush makes every change made so far durable: appended to the journal, or
// folded into the state file when fold is asked, when there is no state file
// yet, or when the journal has grown as large as the state file. wmu is held.
func (s *Store) flush(fold bool) error {
	s.mu.Lock()
	gen, dirty := s.gen, s.dirty
	s.dirty = map[string]struct{}{}
	records, err := appendRecords(nil, s.state, slices.Sorted(maps.Keys(dirty)))
	fold = fold || !s.haveSnapshot || s.journalSize+int64(len(records)) > max(s.snapshotSize, s.minFold)
	var snapshot []byte
	if err == nil && fold {
		snapshot, err = json.MarshalIndent(s.state, "", "  ")
		snapshot = append(snapshot, '\n')
	}
	s.mu.Unlock()
	if err == nil {
		if fold {
			err = s.fold(records, snapshot)
		} else {
			err = s.append(records)
		}
	}
	if err != nil {
		// The next write carries them again.
		s.mu.Lock()
		maps.Copy(s.dirty, dirty)
		s.mu.Unlock()
		return &StateError{Path: s.path, Err: err}
	}
	s.written = gen
	return nil
}

// append adds records to the journal and syncs it.
func (s *Store) append(records []byte) error {
	if len(records) == 0 {
		return nil
	}
	if s.journal == nil {
		f, err := os.OpenFile(s.journalPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		// A new name: durable only once its folder is synced.
		if err := atomicfile.SyncDir(filepath.Dir(s.journalPath)); err != nil {
			f.Close()
			return err
		}
		s.journal, s.journalSize = f, 0
	}
	if err := s.appendJournal(s.journal, records); err != nil {
		// A part may have reached the file: cut it off, or append nothing
		// more after it (the next run cuts it off as a torn line).
		if terr := s.journal.Truncate(s.journalSize); terr != nil {
			s.broken = fmt.Errorf("a failed append (%v) left a part of a record that could not be cut off (%v); nothing more is written: run again", err, terr)
		}
		return err
	}
	s.journalSize += int64(len(records))
	return nil
}

// fold rewrites the state file whole with snapshot and removes the journal.
// The records not yet in the journal are appended first, so that at every
// moment the journal replayed over the state file on disk gives this state.
func (s *Store) fold(records, snapshot []byte) error {
	if s.journal != nil {
		if err := s.append(records); err != nil {
			return err
		}
	}
	if err := s.writeFile(s.path, snapshot); err != nil {
		return err
	}
	s.haveSnapshot, s.snapshotSize = true, int64(len(snapshot))
	if s.journal == nil {
		return nil
	}
	s.journal.Close() // first: Windows removes no open file
	s.journal = nil
	if err := s.removeJournal(s.journalPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		// Replayed over the new state file it changes nothing: the next
		// changes are appended to it.
		f, err := os.OpenFile(s.journalPath, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			s.broken = fmt.Errorf("the journal could be neither removed nor opened again (%v): run again", err)
			return nil
		}
		s.journal = f
		return nil
	}
	s.journalSize = 0
	return nil
}

// Close folds the journal into the state file and releases the lock. The
// lock file stays: removing it could let two runs hold locks on different
// files of the same name.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	s.mu.Lock()
	pending := len(s.dirty) > 0
	s.mu.Unlock()
	if (pending || s.journal != nil) && s.broken == nil {
		err = s.flush(true)
	}
	if s.journal != nil {
		s.journal.Close()
		s.journal = nil
	}
	return errors.Join(err, s.lock.Unlock())
}

// appendSync writes data at the end of f and syncs it.
func appendSync(f *os.File, data []byte) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Sync()
}

// removeSync removes a file and syncs its folder.
func removeSync(path string) error {
	if err := os.Remove(path); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(path))
}
