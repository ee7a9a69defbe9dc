package stacks

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's configuration reference is the users' manual: it must name every key
// vigil reads and state the defaults the code applies.
func TestReadmeDocumentsEveryKeyAndTheTierDefaults(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectDir, "README.md"))
	require.NoError(t, err)
	readme := string(b)

	for _, key := range append(Keys(), RegionKey, AllowedAccountsKey) {
		assert.True(t, strings.Contains(readme, "| `"+key+"` |"), "README's reference has no row for %s", key)
	}
	for _, typ := range []any{Service{}, ECSService{}, Database{}, Cache{}, Queue{}, Certificate{}, Host{}, Endpoints{}, TaskSize{}, AlarmOverride{}} {
		rt := reflect.TypeOf(typ)
		for i := 0; i < rt.NumField(); i++ {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if name == "-" || name == "" {
				continue
			}
			assert.True(t, strings.Contains(readme, "`"+name+"`"), "README does not document %s.%s", rt.Name(), name)
		}
	}

	prod, dev := DefaultsFor(Prod), DefaultsFor(Dev)
	kinds := []struct {
		kind      string
		prod, dev any
	}{
		{"service", prod.Service, dev.Service},
		{"database", prod.Database, dev.Database},
		{"cache", prod.Cache, dev.Cache},
		{"queue", prod.Queue, dev.Queue},
		{"certificate", prod.Certificate, dev.Certificate},
	}
	for _, k := range kinds {
		p, d := reflect.ValueOf(k.prod), reflect.ValueOf(k.dev)
		for i := 0; i < p.NumField(); i++ {
			f := p.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			lo, hi, _ := strings.Cut(f.Tag.Get("range"), ",")
			row := fmt.Sprintf("| %s | `%s` | %v | %v | %s-%s |", k.kind, name, p.Field(i), d.Field(i), lo, hi)
			assert.True(t, strings.Contains(readme, row), "README's threshold table lacks the row %s", row)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("| `vigil:logRetentionDays` | integer, a CloudWatch Logs retention period | *tier* | %d / %d |",
			dev.LogRetentionDays, prod.LogRetentionDays),
		fmt.Sprintf("| *tier* | %d/%d / %d/%d |", dev.TaskSize.CPU, dev.TaskSize.MemoryMiB, prod.TaskSize.CPU, prod.TaskSize.MemoryMiB),
		fmt.Sprintf("KMS key deletion window %d days in dev, %d in prod", dev.KeyDeletionWindowDays, prod.KeyDeletionWindowDays),
	} {
		assert.True(t, strings.Contains(readme, want), "README lacks %q", want)
	}
}
