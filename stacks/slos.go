package stacks

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/vigilops/vigil/alerts/slo"
	"github.com/vigilops/vigil/internal/projectfs"
	"github.com/vigilops/vigil/validate"
)

// resolveSLOs reads the OpenSLO files of the stack and checks that every SLO is
// about something the stack watches. Problems inside a file keep their path in
// the file (slos/api.yaml[1].spec.service). The files are untrusted input: each must
// be a regular file inside the project folder (symlinks followed), of at most
// projectfs.MaxFileBytes, and a file that is not YAML holding OpenSLO v1 documents is
// reported without repeating a word of it.
func resolveSLOs(ps *validate.Problems, env *Environment, files []string, dir string) {
	const key = Namespace + ":sloFiles"
	var where []string
	for i, name := range files {
		path := fmt.Sprintf("%s[%d]", key, i)
		data, err := projectfs.ReadFile(dir, name, 0)
		var fe *projectfs.Error
		switch {
		case errors.As(err, &fe):
			ps.Add(path, fe.Reason, fe.Hint)
			continue
		case err != nil:
			ps.Add(path, "cannot be read", "the path is relative to the folder of Pulumi.yaml")
			continue
		}
		if msg := notOpenSLO(data); msg != "" {
			ps.Add(path, msg, "list OpenSLO v1 files (apiVersion: openslo/v1, kind: SLO) under vigil:sloFiles")
			continue
		}
		slos, err := slo.ParseOpenSLO(name, data)
		var invalid *validate.Error
		switch {
		case errors.As(err, &invalid):
			for _, p := range invalid.Problems {
				ps.Add(p.Path, p.Message, p.Hint)
			}
			continue
		case err != nil:
			ps.Add(path, "is not a valid OpenSLO file", "")
			continue
		}
		for j := range slos {
			where = append(where, fmt.Sprintf("%s[%d]", name, j))
		}
		env.SLOs = append(env.SLOs, slos...)
	}
	if err := slo.Validate(env.SLOs, func(i int) string { return where[i] }); err != nil {
		var invalid *validate.Error
		if errors.As(err, &invalid) {
			for _, p := range invalid.Problems {
				ps.Add(p.Path, p.Message, p.Hint)
			}
		}
	}
	watched := map[string]bool{}
	for _, s := range env.Services {
		watched[s.Name] = true
	}
	for _, d := range env.Databases {
		watched[d.Name] = true
	}
	for _, c := range env.Caches {
		watched[c.Name] = true
	}
	for _, q := range env.Queues {
		watched[q.Name] = true
	}
	for i, s := range env.SLOs {
		if s.Service != "" && !watched[s.Service] {
			ps.Addf(where[i]+".spec.service", "name a service, database, cache or queue of this stack's config",
				"is %q, which this stack does not watch", s.Service)
		}
	}
}

// notOpenSLO says why data is not a file of OpenSLO v1 documents, without quoting
// it, or returns "" when every document is a mapping with apiVersion openslo/v1. What
// such a document holds is then the user's own OpenSLO, which its checks may quote.
func notOpenSLO(data []byte) string {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	docs := 0
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "is " + yamlReason(err)
		}
		if len(doc.Content) == 0 {
			continue // an empty document, as after a trailing ---
		}
		docs++
		top := doc.Content[0]
		if top.Kind != yaml.MappingNode {
			return fmt.Sprintf("is not an OpenSLO file: document %d holds %s, not a mapping", i+1, nodeKind(top))
		}
		var head struct {
			APIVersion any `yaml:"apiVersion"`
		}
		if err := top.Decode(&head); err != nil || head.APIVersion != "openslo/v1" {
			return fmt.Sprintf("is not an OpenSLO v1 file: document %d has no apiVersion: openslo/v1", i+1)
		}
	}
	if docs == 0 {
		return "holds no OpenSLO document"
	}
	return ""
}
