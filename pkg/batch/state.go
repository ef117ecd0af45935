package batch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/zonemove/zonemove/pkg/around"
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

	// Around is the record of the steps around the job (snapshot, drain,
	// verify, restore): what a re-run needs, written before each request.
	// It is replaced whole on every change, never changed in place.
	Around *around.Record `json:"around,omitempty"`

	// Window is the time window (--not-before, --not-after) of the rollout
	// run that last scheduled this migration, for the change record.
	Window *Window `json:"window,omitempty"`

	// Revert is the record of the create that moves the instance back to
	// Before (zonemove revert): its own ClientToken, request and job, kept
	// apart from the move's, and its own Before (where the move left the
	// instance, at the revert's first sight). Its Instance and Revert are unused.
	Revert *Entry `json:"revert,omitempty"`
}

// Window is the bounds a rollout run was given; nil when it had none.
type Window struct {
	NotBefore *time.Time `json:"not_before,omitempty"`
	NotAfter  *time.Time `json:"not_after,omitempty"`
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
	// Content: the file was read, and what it holds is not a state this
	// zonemove can use (to restore from a copy). Otherwise the file could not
	// be reached or is not a file (permissions, a folder, a device, a link
	// that leads nowhere).
	Content bool
}

func (e *StateError) Error() string { return fmt.Sprintf("state file %s: %v", e.Path, e.Err) }
func (e *StateError) Unwrap() error { return e.Err }

// DefaultStatePath is where the state of a manifest lives unless told otherwise.
func DefaultStatePath(manifest string) string { return manifest + ".state.json" }

// LockPath is the lock file of a state file.
func LockPath(state string) string { return state + ".lock" }

// JournalPath is the journal of a state file: the changes made since the
// state file was last written whole (docs/batch.md, "The state file").
func JournalPath(state string) string { return state + ".journal" }

// decodeState parses the content of a state file and checks what a run relies on.
func decodeState(data []byte) (*State, error) {
	st := &State{Version: StateVersion, Migrations: map[string]*Entry{}}
	if string(bytes.TrimSpace(data)) == "null" {
		return nil, errors.New("not a zonemove state file (it holds null; an empty state is a missing file)")
	}
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
	// A revert may hold only what was recorded before its create: its
	// before, the record of its steps.
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
