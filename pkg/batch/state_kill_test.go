//go:build unix

package batch

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/zonemove/zonemove/pkg/atomicfile"
)

// The changes of the crash runs: for each instance, its token, then its job.
const crashInstances = 10

func crashID(i int) string { return fmt.Sprintf("i-bp1ff25rzvnul6kr%04d", i) }

// crashChanges makes the changes of a run, from where the state file left
// them, and calls ack after each one returned: a run resumed after a crash
// records what is missing, as apply does, with tokens of its own.
func crashChanges(s *Store, run string, ack func(n int)) error {
	n := 0
	for i := 1; i <= crashInstances; i++ {
		id := crashID(i)
		e := s.Snapshot().Migrations[id]
		if e == nil || !e.HasCreate() {
			if err := s.RecordToken(id, run+"-tok-"+strconv.Itoa(i), request(id, "cn-hangzhou-i"), t0); err != nil {
				return err
			}
		}
		n++
		ack(n)
		if e == nil || e.JobID == "" {
			if err := s.RecordJob(id, "j-"+strconv.Itoa(i), t0); err != nil {
				return err
			}
		}
		n++
		ack(n)
	}
	return nil
}

// TestStateCrashChild is the process TestStateKilled kills: it makes the
// changes, printing "ack N" once the Nth returned, and kills itself with
// SIGKILL at the step ZONEMOVE_CRASH_AT names, the ZONEMOVE_CRASH_N-th time.
func TestStateCrashChild(t *testing.T) {
	path := os.Getenv("ZONEMOVE_CRASH_STATE")
	if path == "" {
		t.Skip("the process TestStateKilled starts and kills")
	}
	at, nth := os.Getenv("ZONEMOVE_CRASH_AT"), 0
	if v := os.Getenv("ZONEMOVE_CRASH_N"); v != "" {
		nth, _ = strconv.Atoi(v)
	}
	s, err := OpenStore(path, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s.minFold = 1500 // a fold every few changes
	kill := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }
	appends, folds := 0, 0
	s.appendJournal = func(f *os.File, data []byte) error {
		appends++
		if at == "append-torn" && appends == nth {
			f.Write(data[:len(data)/2])
			kill()
		}
		err := appendSync(f, data)
		if at == "append" && appends == nth {
			kill()
		}
		return err
	}
	s.writeFile = func(path string, data []byte) error {
		folds++
		if at == "fold-temp" && folds == nth {
			// Killed in the middle of writing the new state file.
			tmp, _ := os.CreateTemp(filepath.Dir(path), atomicfile.TempPrefix(path)+"*")
			tmp.Write(data[:len(data)/2])
			tmp.Sync()
			kill()
		}
		err := atomicfile.WriteFile(path, data, 0o644)
		if at == "fold-renamed" && folds == nth {
			kill() // renamed, the journal not yet removed
		}
		return err
	}
	if err := crashChanges(s, os.Getenv("ZONEMOVE_CRASH_RUN"), func(n int) { fmt.Printf("ack %d\n", n) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestStateKilled kills a process that changes the state file, with
// SIGKILL: after a journal append, in the middle of one (a torn line), in
// the middle of a fold (a torn temporary file) and after a fold's rename
// before the journal is removed. The state read afterwards holds every change
// that returned and is exactly the state after some prefix of the changes;
// the next run removes the temporary files, folds the journal, and finishes
// with the tokens of the first run kept: nothing lost, nothing twice.
func TestStateKilled(t *testing.T) {
	// The state after each prefix of the changes, made without a crash.
	ref, _ := openStore(t)
	prefixes := []string{stateJSON(t, ref.Snapshot())}
	if err := crashChanges(ref, "first", func(int) { prefixes = append(prefixes, stateJSON(t, ref.Snapshot())) }); err != nil {
		t.Fatal(err)
	}
	for at, nths := range map[string][]int{"append": {1, 2, 7, 15}, "append-torn": {1, 4, 11}, "fold-temp": {1, 2, 4}, "fold-renamed": {1, 3, 4}} {
		for _, nth := range nths {
			t.Run(fmt.Sprintf("%s-%d", at, nth), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "s.json")
				acked, killed := runCrashChild(t, path, at, nth, "first")
				if !killed {
					t.Skipf("the run ended before step %s came %d times", at, nth)
				}
				got, err := ReadState(path)
				if err != nil {
					t.Fatalf("after the kill: %v", err)
				}
				// The change in flight may or may not have landed; nothing else.
				if g := stateJSON(t, got); g != prefixes[acked] && (acked+1 >= len(prefixes) || g != prefixes[acked+1]) {
					t.Fatalf("after %d changes returned, the state is none of the next two prefixes:\n%s", acked, g)
				}
				// The next run: the temporary files go, the journal is folded.
				s, err := OpenStore(path, "m.yaml")
				if err != nil {
					t.Fatal(err)
				}
				if again := stateJSON(t, s.Snapshot()); again != stateJSON(t, got) {
					t.Errorf("opening changed the state:\n%s\n%s", stateJSON(t, got), again)
				}
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				entries, _ := os.ReadDir(filepath.Dir(path))
				for _, e := range entries {
					if strings.Contains(e.Name(), ".tmp-") || strings.HasSuffix(e.Name(), ".journal") {
						t.Errorf("%s left after the next run opened the state", e.Name())
					}
				}
				if _, killed := runCrashChild(t, path, "", 0, "second"); killed {
					t.Fatal("the second run was killed")
				}
				final, err := ReadState(path)
				if err != nil {
					t.Fatal(err)
				}
				for i := 1; i <= crashInstances; i++ {
					e := final.Migrations[crashID(i)]
					first := got.Migrations[crashID(i)]
					switch {
					case e == nil || e.JobID != "j-"+strconv.Itoa(i):
						t.Errorf("%s: %+v after the second run; want its job", crashID(i), e)
					case first != nil && first.ClientToken != e.ClientToken:
						t.Errorf("%s: token %s of the first run replaced by %s", crashID(i), first.ClientToken, e.ClientToken)
					}
				}
			})
		}
	}
}

// runCrashChild runs TestStateCrashChild and returns the changes it
// acknowledged and whether it was killed.
func runCrashChild(t *testing.T, path, at string, nth int, run string) (acked int, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestStateCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ZONEMOVE_CRASH_STATE="+path, "ZONEMOVE_CRASH_AT="+at,
		"ZONEMOVE_CRASH_N="+strconv.Itoa(nth), "ZONEMOVE_CRASH_RUN="+run)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked, _ = strconv.Atoi(n)
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return acked, true
		}
	}
	if err != nil {
		t.Fatalf("the child: %v\n%s\n%s", err, strings.Join(lines, "\n"), stderr.String())
	}
	return acked, false
}
