package iostreams

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWindowsConsoleReadsANSI: the Windows build compiles and wraps the
// console streams in go-colorable, which makes a Windows console understand
// the color and cursor codes (a Windows 10 console with virtual terminal
// processing takes them as they are; an older one gets them translated).
// This machine cannot run a Windows console, so the test asks the toolchain
// what the Windows build of this package links.
func TestWindowsConsoleReadsANSI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for Windows")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=windows", "GOARCH=amd64")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list for windows: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/mattn/go-colorable\n") {
		t.Errorf("the Windows build of iostreams does not use go-colorable:\n%s", out)
	}
	vet := exec.Command("go", "vet", ".")
	vet.Env = cmd.Env
	if out, err := vet.CombinedOutput(); err != nil {
		t.Errorf("go vet for windows: %v\n%s", err, out)
	}
}

// Color stays off when stdout is not a terminal, on every system.
func TestNoColorOffATerminal(t *testing.T) {
	s, _, _, _ := Test()
	s.SetColorEnabled(true)
	if s.ColorScheme().Red("x") != "x" || s.StderrColorScheme().Red("x") != "x" {
		t.Error("color on streams that are not terminals")
	}
}
