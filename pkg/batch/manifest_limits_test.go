package batch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile manifests are refused before they are decoded: an endless file, one
// over the size cap, and one nested too deep.
func TestManifestLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	region := RegionSource{Region: "cn-hangzhou"}
	for _, c := range []struct{ name, path, want string }{
		{"endless", "/dev/zero", "larger than 4 MiB"},
		{"too-large", write("big.yaml", "migrations:\n"+strings.Repeat("# padding\n", MaxManifestBytes/10+1)), "larger than 4 MiB"},
		{"too-deep", write("deep.yaml", "migrations:\n  - "+strings.Repeat("[", 100000)), "nesting deeper than 32 levels"},
		{"deep-in-a-mapping", write("deep2.yaml", "region: cn-hangzhou\nmigrations: "+strings.Repeat("{a: ", 40)), "nesting deeper than 32 levels"},
		{"block-sequences-on-one-line", write("deep4.yaml", "migrations:\n  "+strings.Repeat("- ", 100000)+"x\n"), "nesting deeper than 32 levels"},
		{"apostrophe-does-not-hide-depth", write("deep3.yaml", "migrations:\n  - x: it's "+strings.Repeat("[", 100)), "nesting deeper than 32 levels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.path, region)
			var me *ManifestError
			if !errors.As(err, &me) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load(%s) = %v, want a ManifestError saying %q", c.name, err, c.want)
			}
		})
	}
	// Brackets in quoted scalars and comments do not count.
	ok := write("ok.yaml", "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\nmigrations:\n  - {instance_id: i-bp1ff25rzvnul6kr0001, target_zone: cn-hangzhou-i, resource_group_id: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}\n")
	if _, err := Load(ok, region); err != nil && strings.Contains(err.Error(), "nesting") {
		t.Fatalf("quoted or commented brackets counted: %v", err)
	}
}

// BenchmarkRejectHostile: rejecting the hostile manifests of issue 18 costs
// one pass over at most MaxManifestBytes.
func BenchmarkRejectHostile(b *testing.B) {
	deep := []byte("migrations:\n  - " + strings.Repeat("[", 100000))
	for b.Loop() {
		if _, err := Parse("deep.yaml", deep, RegionSource{Region: "cn-hangzhou"}); err == nil {
			b.Fatal("accepted")
		}
	}
}
