package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfileRegion(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("config.json", `{"current": "a", "profiles": [{"name": "a", "region_id": "cn-shanghai"}, {"name": "b"}]}`)
	bad := write("bad.json", `{"profiles": [`)
	for _, c := range []struct {
		file, profile, want, err string
	}{
		{good, "a", "cn-shanghai", ""},
		{good, "b", "", ""},
		{good, "c", "", "no profile c in " + good},
		{bad, "a", "", "the Alibaba Cloud CLI config " + bad + " is not valid JSON"},
		{filepath.Join(dir, "missing.json"), "a", "", "the Alibaba Cloud CLI config " + filepath.Join(dir, "missing.json") + " does not exist"},
	} {
		getenv := func(k string) string {
			if k == "ALIBABA_CLOUD_CONFIG_FILE" {
				return c.file
			}
			return ""
		}
		got, err := ProfileRegion(c.profile, getenv)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.HasPrefix(err.Error(), c.err)) {
			t.Errorf("ProfileRegion(%q) in %s = %q, %v; want %q, error %q", c.profile, filepath.Base(c.file), got, err, c.want, c.err)
		}
	}
}
