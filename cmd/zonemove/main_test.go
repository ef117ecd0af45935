package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// offlineDryRun is the README's first command: a whole migration rehearsed
// with no account and no network.
var offlineDryRun = []string{"create", "--dry-run", "--offline", "--region", "cn-hangzhou",
	"--instance-id", "i-bp1ff25rzvnul6kr0000", "--target-zone", "cn-hangzhou-i",
	"--source-zone", "cn-hangzhou-h", "--source-instance-type", "ecs.g7.large",
	"--target-instance-type", "ecs.g7.xlarge", "--disk", "id=d-bp1eeplkn4j29wf70000,category=cloud_essd,pl=PL1"}

// buildBinary builds zonemove as a release would (trimpath, stripped).
func buildBinary(b testing.TB) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "zonemove")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkOfflineDryRunProcess measures the whole process, start to exit, of
// an offline dry run, its peak resident memory, and the binary's size.
//
//	go test ./cmd/zonemove -run XXX -bench OfflineDryRunProcess -benchtime 200x
func BenchmarkOfflineDryRunProcess(b *testing.B) {
	bin := buildBinary(b)
	st, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	env := []string{"HOME=" + b.TempDir(), "PATH=/usr/bin:/bin", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true"}
	var maxRSS int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, offlineDryRun...)
		cmd.Env = env
		if err := cmd.Run(); err != nil {
			b.Fatalf("%s: %v", bin, err)
		}
		maxRSS = max(maxRSS, peakRSS(cmd))
	}
	b.StopTimer()
	b.ReportMetric(float64(maxRSS)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(st.Size())/(1<<20), "binary-MiB")
}
