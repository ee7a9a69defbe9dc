package validate

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type limits struct {
	CPU     float64 `json:"cpu" range:"1,100"`
	Minutes int     `json:"minutes" range:"1,60"`
}

type item struct {
	Name   string            `json:"name"`
	Size   *int              `json:"size"`
	Labels map[string]string `json:"labels"`
	On     bool              `json:"on"`
	Raw    any               `json:"raw"`
}

type doc struct {
	Items []item `json:"items"`
	Inner *struct {
		Ratio float64 `json:"ratio"`
	} `json:"inner"`
}

func decodeJSON(t *testing.T, src string, dst any) []Problem {
	t.Helper()
	var raw any
	require.NoError(t, json.Unmarshal([]byte(src), &raw))
	var ps Problems
	Decode(&ps, "cfg", raw, dst)
	return ps.List()
}

func messages(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Path+": "+p.Message+" | "+p.Hint)
	}
	return out
}

func TestDecode(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []string
	}{
		"A well-formed document decodes without problems.": {
			src: `{"items":[{"name":"a","size":3,"labels":{"k":"v"},"on":true,"raw":{"x":1}}],"inner":{"ratio":0.5}}`,
		},
		"A misspelt key is reported with the key it resembles.": {
			src:  `{"itmes":[]}`,
			want: []string{"cfg.itmes: unknown key | did you mean items?"},
		},
		"An unknown key that resembles nothing lists the known keys.": {
			src:  `{"items":[{"name":"a","colour":"red"}]}`,
			want: []string{"cfg.items[0].colour: unknown key | expected one of labels, name, on, raw, size"},
		},
		"Every wrong type is reported, each at its own path, in one pass.": {
			src: `{"items":[{"name":5,"size":"3","on":"yes","labels":[]},{"size":2.5}],"inner":"x"}`,
			want: []string{
				"cfg.inner: must be a mapping of keys to values, got string \"x\" | ",
				"cfg.items[0].labels: must be a mapping of keys to values, got a list | ",
				`cfg.items[0].name: must be a string, got number 5 | `,
				`cfg.items[0].on: must be true or false, got string "yes" | write true or false without quotes`,
				`cfg.items[0].size: must be a whole number, got string "3" | write the number without quotes`,
				"cfg.items[1].size: must be a whole number, got 2.5 | ",
			},
		},
		"A list given where a list belongs as a scalar is reported.": {
			src:  `{"items":{"name":"a"}}`,
			want: []string{"cfg.items: must be a list, got a mapping | write a YAML list (one `- item` a line)"},
		},
		"An empty list entry is reported.": {
			src:  `{"items":[null]}`,
			want: []string{"cfg.items[0]: must not be empty | remove the empty list entry"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var d doc
			assert.Equal(t, tc.want, messages(decodeJSON(t, tc.src, &d)))
		})
	}
}

func TestDecodeFillsValuesAndLeavesMissingOnesAlone(t *testing.T) {
	d := doc{}
	require.Empty(t, decodeJSON(t, `{"items":[{"name":"a","size":3,"labels":{"k":"v"},"raw":[1,"b"]},{"name":"b"}]}`, &d))
	require.Len(t, d.Items, 2)
	assert.Equal(t, "a", d.Items[0].Name)
	require.NotNil(t, d.Items[0].Size)
	assert.Equal(t, 3, *d.Items[0].Size)
	assert.Nil(t, d.Items[1].Size, "a missing pointer field stays nil: use the default")
	assert.Equal(t, map[string]string{"k": "v"}, d.Items[0].Labels)
	assert.Equal(t, []any{1.0, "b"}, d.Items[0].Raw, "an `any` field keeps the value as written")
	assert.Nil(t, d.Inner)
}

func TestOverlay(t *testing.T) {
	tests := map[string]struct {
		src  string
		want limits
		errs []string
	}{
		"Keys present replace the defaults and the others stay.": {
			src:  `{"cpu":85}`,
			want: limits{CPU: 85, Minutes: 5},
		},
		"A value out of range is blamed at the path where it was written.": {
			src:  `{"cpu":120,"minutes":0}`,
			want: limits{CPU: 120, Minutes: 0},
			errs: []string{
				"over.cpu: must be between 1 and 100, got 120 | the value in force without this key is 80; remove the key to keep it",
				"over.minutes: must be between 1 and 60, got 0 | the value in force without this key is 5; remove the key to keep it",
			},
		},
		"Both ends of a range are inside it.": {
			src:  `{"cpu":100,"minutes":1}`,
			want: limits{CPU: 100, Minutes: 1},
		},
		"Just outside both ends of a range is refused.": {
			src:  `{"cpu":100.5,"minutes":61}`,
			want: limits{CPU: 100.5, Minutes: 61},
			errs: []string{
				"over.cpu: must be between 1 and 100, got 100.5 | the value in force without this key is 80; remove the key to keep it",
				"over.minutes: must be between 1 and 60, got 61 | the value in force without this key is 5; remove the key to keep it",
			},
		},
		"A value of the wrong type is reported once, not again as out of range.": {
			src:  `{"minutes":"five"}`,
			want: limits{CPU: 80, Minutes: 5},
			errs: []string{`over.minutes: must be a whole number, got string "five" | write the number without quotes`},
		},
		"A misspelt threshold is an error, not a silent default.": {
			src:  `{"cpuPercent":90}`,
			want: limits{CPU: 80, Minutes: 5},
			errs: []string{"over.cpuPercent: unknown key | expected one of cpu, minutes"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var raw any
			require.NoError(t, json.Unmarshal([]byte(tc.src), &raw))
			got := limits{CPU: 80, Minutes: 5}
			var ps Problems
			Overlay(&ps, "over", raw, &got)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.errs, messages(ps.List()))
		})
	}
}

func TestInRangeNamesTheFieldOutsideItsRange(t *testing.T) {
	assert.Empty(t, InRange(&limits{CPU: 50, Minutes: 5}))
	assert.Equal(t, []string{"Minutes=61 outside [1, 60]"}, InRange(&limits{CPU: 50, Minutes: 61}))
}

func TestErrorListsEveryProblemSortedAsInAFile(t *testing.T) {
	var ps Problems
	ps.Add("vigil:services[10].name", "bad", "")
	ps.Add("vigil:services[2].alarms.cpuPercent", "must be between 1 and 100, got 120", "a percentage")
	ps.Add("vigil:accountId", "is required", "set it")
	err := ps.Err(`config of stack "dev"`)
	require.Error(t, err)
	want := strings.Join([]string{
		`invalid config of stack "dev" (3 problems):`,
		`  vigil:accountId: is required`,
		`    hint: set it`,
		`  vigil:services[2].alarms.cpuPercent: must be between 1 and 100, got 120`,
		`    hint: a percentage`,
		`  vigil:services[10].name: bad`,
	}, "\n")
	assert.Equal(t, want, err.Error())
	var none Problems
	assert.NoError(t, none.Err("x"))
}

func TestSuggest(t *testing.T) {
	known := []string{"services", "databases", "caches", "queues", "certificates", "notifications"}
	tests := map[string]string{
		"servcies":     "services",
		"databse":      "databases",
		"notification": "notifications",
		"cache":        "caches",
		"alerting":     "",
		"x":            "",
	}
	for got, want := range tests {
		assert.Equal(t, want, Suggest(got, known), got)
	}
}

// token stands for stacks.Secret: a type with a Reveal method holds a secret.
type token string

func (t token) Reveal() string { return string(t) }

type endpoints struct {
	Emails   []string `json:"emails"`
	Webhooks []token  `json:"webhooks"`
	Key      token    `json:"key"`
	Count    float64  `json:"count"`
}

func TestDecodeNeverRepeatsAValueWhoseDestinationHoldsASecret(t *testing.T) {
	const planted = "https://hooks.example.com/PLANTED"
	tests := map[string]struct {
		src  string
		want []string
	}{
		"A webhook list given as a string is named by kind only.": {
			src:  `{"webhooks":"` + planted + `"}`,
			want: []string{"cfg.webhooks: must be a list, got a string (not shown: it may be a secret) | write a YAML list (one `- item` a line)"},
		},
		"A secret given as a number is named by kind only.": {
			src:  `{"key":12345678}`,
			want: []string{"cfg.key: must be a string, got a number (not shown: it may be a secret) | "},
		},
		"A value beside the secrets that holds none is still shown.": {
			src:  `{"emails":"` + planted + `"}`,
			want: []string{`cfg.emails: must be a list, got string "https://hooks.example.com/PLANTED" | write a YAML list (one ` + "`- item`" + ` a line)`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var e endpoints
			assert.Equal(t, tc.want, messages(decodeJSON(t, tc.src, &e)))
		})
	}
	// The whole mapping holds secrets: given as a string it is named by kind only.
	var ps Problems
	var e endpoints
	Decode(&ps, "cfg", planted, &e)
	assert.Equal(t, []string{"cfg: must be a mapping of keys to values, got a string (not shown: it may be a secret) | "}, messages(ps.List()))

	// DecodeHidden hides every value, wherever it sits.
	ps = Problems{}
	DecodeHidden(&ps, "cfg", map[string]any{"emails": planted, "count": "PLANTED"}, &e)
	for _, m := range messages(ps.List()) {
		assert.NotContains(t, m, "PLANTED")
	}
	assert.Len(t, ps.List(), 2)
}

func TestHoldsSecret(t *testing.T) {
	assert.True(t, HoldsSecret(reflect.TypeOf(token(""))))
	assert.True(t, HoldsSecret(reflect.TypeOf([]token{})))
	assert.True(t, HoldsSecret(reflect.TypeOf(&endpoints{})))
	assert.True(t, HoldsSecret(reflect.TypeOf(map[string]*endpoints{})))
	assert.False(t, HoldsSecret(reflect.TypeOf(doc{})))
	assert.False(t, HoldsSecret(reflect.TypeOf("")))
}

func TestDecodeRefusesNumbersThatAreNotFinite(t *testing.T) {
	var ps Problems
	var e endpoints
	Decode(&ps, "cfg", map[string]any{"count": math.Inf(1)}, &e)
	assert.Equal(t, []string{"cfg.count: must be a number, got number +Inf | write the number without quotes"}, messages(ps.List()))
}

func TestALongValueIsCutAtACharacterNotInsideIt(t *testing.T) {
	got := describe(strings.Repeat("é", 50), false)
	assert.True(t, utf8.ValidString(got), got)
	assert.Equal(t, `string "`+strings.Repeat("é", 37)+`..."`, got)
	assert.Equal(t, `string "`+strings.Repeat("x", 40)+`"`, describe(strings.Repeat("x", 40), false), "40 characters are shown whole")
}
