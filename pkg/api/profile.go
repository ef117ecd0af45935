package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CLIConfigPath is the Alibaba Cloud CLI config that credentials-go reads:
// ALIBABA_CLOUD_CONFIG_FILE, else ~/.aliyun/config.json.
func CLIConfigPath(getenv func(string) string) (string, error) {
	if p := getenv("ALIBABA_CLOUD_CONFIG_FILE"); p != "" {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".aliyun", "config.json"), nil
}

// ProfileRegion is the region_id of a profile of the Alibaba Cloud CLI config,
// "" when the profile sets none. aliyun CLI users expect --profile to bring its
// region, as it does for the CLI itself.
func ProfileRegion(profile string, getenv func(string) string) (string, error) {
	path, err := CLIConfigPath(getenv)
	if err != nil {
		return "", err
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("the Alibaba Cloud CLI config %s does not exist (aliyun configure --profile %s writes it)", path, profile)
	case err != nil:
		return "", fmt.Errorf("the Alibaba Cloud CLI config cannot be read: %w", err)
	}
	var conf struct {
		Profiles []struct {
			Name     string `json:"name"`
			RegionID string `json:"region_id"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(data, &conf); err != nil {
		return "", fmt.Errorf("the Alibaba Cloud CLI config %s is not valid JSON: %w", path, err)
	}
	var names []string
	for _, p := range conf.Profiles {
		if p.Name == profile {
			return p.RegionID, nil
		}
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("no profile %s in %s: it has no profiles", profile, path)
	}
	return "", fmt.Errorf("no profile %s in %s (it has %s)", profile, path, strings.Join(names, ", "))
}
