package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTheContentHashChangesExactlyWhenTheContentDoes(t *testing.T) {
	base := map[string][]byte{
		"prometheus.yml":             []byte("global: {}\n"),
		"rules/catalog.rules.yaml":   []byte("groups: []\n"),
		"dashboards/api.json":        []byte(`{"title":"api"}`),
		"provisioning/datasources/x": []byte("apiVersion: 1\n"),
	}
	h := ContentHash(base)
	require.Len(t, h, 64)
	copyOf := func(m map[string][]byte) map[string][]byte {
		out := map[string][]byte{}
		for k, v := range m {
			out[k] = append([]byte(nil), v...)
		}
		return out
	}
	// Same content, built in another order (Go randomises map iteration): same hash.
	for i := 0; i < 50; i++ {
		require.Equal(t, h, ContentHash(copyOf(base)))
	}
	cases := map[string]func(m map[string][]byte){
		"A changed byte in a rule changes it.": func(m map[string][]byte) { m["rules/catalog.rules.yaml"] = []byte("groups: [ ]\n") },
		"A new dashboard changes it.":          func(m map[string][]byte) { m["dashboards/db.json"] = []byte("{}") },
		"A removed file changes it.":           func(m map[string][]byte) { delete(m, "dashboards/api.json") },
		"A renamed file changes it.": func(m map[string][]byte) {
			m["dashboards/API.json"] = m["dashboards/api.json"]
			delete(m, "dashboards/api.json")
		},
		"An empty new file changes it.": func(m map[string][]byte) { m["rules/empty.rules.yaml"] = nil },
		"Bytes moved between two files change it": func(m map[string][]byte) {
			m["prometheus.yml"] = []byte("global: {}\ngroups: []\n")
			m["rules/catalog.rules.yaml"] = nil
		},
	}
	for name, change := range cases {
		m := copyOf(base)
		change(m)
		require.NotEqual(t, h, ContentHash(m), name)
	}
	// A path's bytes cannot pass for content: "ab"+"c" and "a"+"bc" differ.
	require.NotEqual(t, ContentHash(map[string][]byte{"ab": []byte("c")}), ContentHash(map[string][]byte{"a": []byte("bc")}))
	require.Equal(t, ContentHash(nil), ContentHash(map[string][]byte{}))
	// The hash of the empty set is SHA-256 of nothing: no hidden salt.
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ContentHash(nil))
}
