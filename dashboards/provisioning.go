package dashboards

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Provisioning says where the ECS Grafana reads vigil's dashboards from.
type Provisioning struct {
	// Folder is the Grafana folder the dashboards appear in. Defaults to vigil.
	Folder string
	// Path is the directory of the dashboard files inside the Grafana container.
	// Defaults to /etc/grafana/dashboards/vigil.
	Path string
}

// ProvisioningFiles returns the files Grafana's file provisioning reads: the
// provider's configuration (provisioning/dashboards/vigil.yaml, to mount under
// /etc/grafana/provisioning) and each dashboard's model (dashboards/<name>.json, to
// mount at Path), by path. Dashboards provisioned so cannot be deleted from the UI
// and are read again every minute; edits made in the UI are not kept.
func ProvisioningFiles(p Provisioning, dashboards []GrafanaDashboard) (map[string][]byte, error) {
	if p.Folder == "" {
		p.Folder = "vigil"
	}
	if p.Path == "" {
		p.Path = "/etc/grafana/dashboards/vigil"
	}
	if !path.IsAbs(p.Path) || path.Clean(p.Path) != p.Path {
		return nil, fmt.Errorf("provisioning path must be absolute and clean, got %q", p.Path)
	}
	out := map[string][]byte{}
	files := map[string]string{}
	for _, d := range dashboards {
		if prev, ok := files[d.File]; ok {
			return nil, fmt.Errorf("dashboards %s and %s would both be written to %s", prev, d.Name, d.File)
		}
		files[d.File] = d.Name
		out["dashboards/"+d.File] = d.JSON
	}
	var b strings.Builder
	b.WriteString("# Written by vigil: Grafana reads vigil's dashboards from these files.\n")
	b.WriteString("apiVersion: 1\nproviders:\n")
	b.WriteString("  - name: vigil\n")
	fmt.Fprintf(&b, "    folder: %s\n", strconv.Quote(p.Folder))
	b.WriteString("    type: file\n    disableDeletion: true\n    allowUiUpdates: false\n    updateIntervalSeconds: 60\n")
	fmt.Fprintf(&b, "    options:\n      path: %s\n      foldersFromFilesStructure: false\n", strconv.Quote(p.Path))
	out["provisioning/dashboards/vigil.yaml"] = []byte(b.String())
	return out, nil
}

// sortedFiles lists the paths of a file map in order.
func sortedFiles(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for k := range files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
