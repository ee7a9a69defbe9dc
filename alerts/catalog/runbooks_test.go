package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every alert of the catalog has its section in docs/runbooks.md, where its
// runbook_url lands when RunbookBaseURL is that page, and a row in the page's table
// with its severity. (cmd/vigil checks the same of the stacks' generated files.)
func TestEveryAlertHasItsRunbookSectionAndTableRow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "runbooks.md"))
	require.NoError(t, err)
	page := string(data)
	headings := map[string]bool{}
	for _, line := range strings.Split(page, "\n") {
		if name, ok := strings.CutPrefix(line, "## "); ok {
			headings[name] = true
		}
	}
	f, err := Build(estate())
	require.NoError(t, err)
	for _, r := range f.Alerts() {
		assert.True(t, headings[r.Alert], "docs/runbooks.md has no section ## %s", r.Alert)
		row := "| [" + r.Alert + "](#" + strings.ToLower(r.Alert) + ") | " + r.Labels["severity"] + " |"
		assert.Contains(t, page, row, "the table of docs/runbooks.md lists %s with its severity", r.Alert)
	}
}
