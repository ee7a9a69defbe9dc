package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
)

// firstDifference names the first place, in key order, where two JSON documents
// differ, such as `panels[3].options.legend: {"showLegend":true} became absent`.
func firstDifference(a, b []byte) string {
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return err.Error()
	}
	if err := json.Unmarshal(b, &y); err != nil {
		return err.Error()
	}
	if d, ok := diff("", x, y); ok {
		return d
	}
	return "no difference"
}

func diff(path string, x, y any) (string, bool) {
	show := func(v any) string {
		if v == nil {
			return "absent"
		}
		raw, _ := json.Marshal(v)
		if len(raw) > 80 {
			raw = append(raw[:77], "..."...)
		}
		return string(raw)
	}
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range xv {
			keys[k] = true
		}
		for k := range yv {
			keys[k] = true
		}
		ordered := make([]string, 0, len(keys))
		for k := range keys {
			ordered = append(ordered, k)
		}
		sort.Strings(ordered)
		for _, k := range ordered {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if d, ok := diff(p, xv[k], yv[k]); ok {
				return d, true
			}
		}
		return "", false
	case []any:
		if len(xv) == 0 && y == nil {
			return "", false // an empty list and null are the same to Grafana
		}
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			break
		}
		for i := range xv {
			if d, ok := diff(path+"["+strconv.Itoa(i)+"]", xv[i], yv[i]); ok {
				return d, true
			}
		}
		return "", false
	}
	if reflect.DeepEqual(x, y) {
		return "", false
	}
	return fmt.Sprintf("%s: %s became %s", path, show(x), show(y)), true
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
