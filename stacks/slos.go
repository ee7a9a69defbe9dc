package stacks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigilops/vigil/alerts/slo"
	"github.com/vigilops/vigil/validate"
)

// resolveSLOs reads the OpenSLO files of the stack and checks that every SLO is
// about something the stack watches. Problems inside a file keep their path in
// the file (slos/api.yaml[1].spec.service).
func resolveSLOs(ps *validate.Problems, env *Environment, files []string, dir string) {
	const key = Namespace + ":sloFiles"
	var where []string
	for i, name := range files {
		path := fmt.Sprintf("%s[%d]", key, i)
		if filepath.IsAbs(name) {
			ps.Addf(path, "name it relative to the folder of Pulumi.yaml, so the stack works from any checkout", "must be a relative path, got %q", name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			ps.Addf(path, "the path is relative to the folder of Pulumi.yaml", "cannot be read: %v", err)
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
			ps.Add(path, err.Error(), "")
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
