package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exitCodes are the contract's exit codes, each a branch of the scripts.
var exitCodes = []int{0, 1, 2, 3, 4, 5, 6, 7, 130}

// shellBlock is the ```sh (or ```bash) block of a Markdown file that holds marker.
func shellBlock(t *testing.T, file, marker string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", file))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "```bash\n", "```sh\n")
	for _, block := range strings.Split(text, "```sh\n")[1:] {
		body, _, _ := strings.Cut(block, "```")
		if strings.Contains(body, marker) {
			return body
		}
	}
	t.Fatalf("%s has no sh block with %q", file, marker)
	return ""
}

// stubZonemove puts on PATH a zonemove that prints a JSON document with an
// error (no request ID) and exits with code.
func stubZonemove(t *testing.T, code int) string {
	t.Helper()
	dir := t.TempDir()
	stub := fmt.Sprintf("#!/bin/sh\necho '{\"results\": [], \"error\": {\"code\": \"X\", \"message\": \"m\", \"request_id\": \"\", \"hint\": \"h\"}}'\nexit %d\n", code)
	if err := os.WriteFile(filepath.Join(dir, "zonemove"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runScript runs a script with bash, in a folder of its own, with the stub
// first on PATH and no region in the environment.
func runScript(t *testing.T, script string, code int, args ...string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "script.sh")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", append([]string{path}, args...)...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ALIBABA_CLOUD_") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "PATH="+stubZonemove(t, code)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// TestREADMEScriptExitsWithTheCode: the README's runbook snippet, as printed,
// ends with zonemove's own exit code in every branch.
func TestREADMEScriptExitsWithTheCode(t *testing.T) {
	needTools(t)
	script := shellBlock(t, "README.md", "# in the window")
	for _, code := range exitCodes {
		if got, out := runScript(t, script, code); got != code {
			t.Errorf("zonemove exits %d: the snippet exits %d\n%s", code, got, out)
		}
	}
}

// TestRunbookWindowScript: docs/runbook.md's window.sh, as printed, runs with
// no region in the environment, exits with zonemove's code, and says no
// empty request ID.
func TestRunbookWindowScript(t *testing.T) {
	needTools(t)
	script := shellBlock(t, "docs/runbook.md", "# window.sh MANIFEST")
	for _, code := range exitCodes {
		got, out := runScript(t, script, code, "m.yaml")
		if got != code {
			t.Errorf("zonemove exits %d: window.sh exits %d\n%s", code, got, out)
		}
		if strings.Contains(out, "(request )") {
			t.Errorf("exit %d: an empty request ID is printed:\n%s", code, out)
		}
	}
}

func needTools(t *testing.T) {
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}
