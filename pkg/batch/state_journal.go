package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The journal: one JSON line per changed entry, appended and synced before a
// change counts as made, replayed over the state file on load:
//
//	{"id": "i-...", "entry": {...the whole entry...}}
//	{"id": "i-...", "entry": null}                      (the entry was removed)
//
// A record holds the whole entry, so replaying a record twice changes
// nothing. Before the state file is rewritten (folded), the changes not yet
// in the journal are appended to it: the last record of every entry then
// equals the new state file's, and a crash between the rename and the
// journal's removal replays to the same state. A last line without its
// newline is a torn append of a change that never returned: it is ignored.
type journalRecord struct {
	ID    string `json:"id"`
	Entry *Entry `json:"entry"`
}

// ReadState reads a state file and replays its journal; a missing file is an
// empty state. It takes no lock: when a run folds the journal while it
// reads, it reads again.
func ReadState(path string) (*State, error) {
	for attempt := 1; ; attempt++ {
		st, stable, err := readState(path, nil)
		if err != nil {
			return nil, err
		}
		if stable || attempt == 5 {
			return st, nil
		}
	}
}

// readState reads the journal, then the state file, then checks that the
// journal read is still the journal (a fold removes it after renaming the new
// state file over the old one). between, when set, runs after the journal
// is read (tests fold there).
func readState(path string, between func()) (st *State, stable bool, err error) {
	jpath := JournalPath(path)
	journal, jinfo, err := readJournalFile(jpath)
	if err != nil {
		return nil, false, &StateError{Path: jpath, Err: err}
	}
	if between != nil {
		between()
	}
	st, err = readSnapshot(path)
	if err != nil {
		return nil, false, err
	}
	if _, err := replay(st, journal); err != nil {
		return nil, false, &StateError{Path: jpath, Err: err, Content: true}
	}
	now, err := os.Stat(jpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		stable = jinfo == nil
	case err != nil:
		return nil, false, &StateError{Path: jpath, Err: err}
	default:
		stable = jinfo != nil && os.SameFile(jinfo, now)
	}
	return st, stable, nil
}

// readSnapshot reads the state file alone; a missing file is an empty state.
func readSnapshot(path string) (*State, error) {
	if err := checkRegular(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: StateVersion, Migrations: map[string]*Entry{}}, nil
	}
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	st, err := decodeState(data)
	if err != nil {
		return nil, &StateError{Path: path, Err: err, Content: true}
	}
	return st, nil
}

// checkRegular refuses a state path that leads to something else than a
// file (or nothing): a folder, a device such as /dev/null, a pipe, a link
// that leads nowhere or in a circle. Nothing is read or made next to it.
func checkRegular(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr == nil {
			real, rerr := RealPath(path)
			if rerr != nil {
				return &StateError{Path: path, Err: fmt.Errorf("a symbolic link that cannot be followed: %w", rerr)}
			}
			if _, derr := os.Stat(filepath.Dir(real)); derr != nil {
				return &StateError{Path: path, Err: fmt.Errorf("a symbolic link to %s, whose folder cannot be reached: %w", real, derr)}
			}
		}
		return nil // a state file not made yet
	case err != nil:
		return &StateError{Path: path, Err: err}
	case !fi.Mode().IsRegular():
		return &StateError{Path: path, Err: fmt.Errorf("not a regular file (%s): a state file is a JSON file that zonemove writes", kindOf(fi.Mode()))}
	}
	return nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "of mode " + m.String()
}

// readJournalFile reads a journal; a missing one is empty (info nil).
func readJournalFile(path string) ([]byte, fs.FileInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(f)
	return data, info, err
}

// replay applies the records of a journal to st and returns the length of
// its whole lines (a torn last line is not counted, nor applied).
func replay(st *State, journal []byte) (int, error) {
	good := 0
	for n := 1; good < len(journal); n++ {
		end := bytes.IndexByte(journal[good:], '\n')
		if end < 0 {
			break // torn: its change never returned
		}
		line := journal[good : good+end]
		var r journalRecord
		if err := json.Unmarshal(line, &r); err != nil {
			return 0, fmt.Errorf("line %d is not a record of a change (%v)", n, err)
		}
		if r.Entry == nil {
			if err := checkEntry(r.ID, &Entry{}); err != nil {
				return 0, fmt.Errorf("line %d: %w", n, err)
			}
			delete(st.Migrations, r.ID)
		} else {
			if err := checkEntry(r.ID, r.Entry); err != nil {
				return 0, fmt.Errorf("line %d: %w", n, err)
			}
			st.Migrations[r.ID] = r.Entry
		}
		good += end + 1
	}
	return good, nil
}

// appendRecords encodes the current entries of ids as journal lines.
func appendRecords(b []byte, st *State, ids []string) ([]byte, error) {
	for _, id := range ids {
		line, err := json.Marshal(journalRecord{ID: id, Entry: st.Migrations[id]})
		if err != nil {
			return nil, err
		}
		b = append(append(b, line...), '\n')
	}
	return b, nil
}
