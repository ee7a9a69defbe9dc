package dashboards

import (
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestProvisioningFilesHoldEveryDashboardAndAProviderGrafanaReads(t *testing.T) {
	ds, err := BuildGrafana(sampleGrafana(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := ProvisioningFiles(Provisioning{Folder: "vigil prod"}, ds)
	if err != nil {
		t.Fatal(err)
	}
	paths := sortedFiles(files)
	if len(paths) != len(ds)+1 || paths[0] != "dashboards/alerts.json" || paths[len(paths)-1] != "provisioning/dashboards/vigil.yaml" {
		t.Fatalf("files %v", paths)
	}
	cfg := files["provisioning/dashboards/vigil.yaml"]
	golden(t, filepath.Join("testdata", "provisioning", "vigil.yaml"), cfg)
	var doc struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name, Folder, Type string
			Options            struct{ Path string }
		}
	}
	if err := yaml.Unmarshal(cfg, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.APIVersion != 1 || len(doc.Providers) != 1 || doc.Providers[0].Folder != "vigil prod" || doc.Providers[0].Type != "file" ||
		doc.Providers[0].Options.Path != "/etc/grafana/dashboards/vigil" {
		t.Fatalf("provider %+v", doc)
	}
	if _, err := ProvisioningFiles(Provisioning{Path: "dashboards/../x"}, ds); err == nil || !strings.Contains(err.Error(), "absolute and clean") {
		t.Errorf("a relative path was accepted: %v", err)
	}
	twice := append(ds[:1:1], ds[0])
	if _, err := ProvisioningFiles(Provisioning{}, twice); err == nil || !strings.Contains(err.Error(), "would both be written to overview.json") {
		t.Errorf("two dashboards in one file were accepted: %v", err)
	}
}
