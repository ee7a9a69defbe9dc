package logs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samples are lines a filter must count (match) and must not (noMatch).
type samples struct{ match, noMatch []string }

// shippedSamples holds, per log format and shipped filter, sample lines of that
// format. TestEveryShippedFilterHasSamples holds every filter Build ships to having
// an entry here.
var shippedSamples = map[string]map[string]samples{
	"json": {
		SlugHTTP4xx: {
			match: []string{
				`{"level":"info","status":404,"path":"/orders/7","duration":12}`,
				`{"status":400}`,
				`{"status":499}`,
				`{"status":"429","path":"/login"}`,
			},
			noMatch: []string{
				`{"status":399}`,
				`{"status":500,"path":"/orders"}`,
				`{"status":200}`,
				`{"code":404}`,
				`GET /orders 404`,
			},
		},
		SlugHTTP5xx: {
			match: []string{
				`{"status":500,"path":"/orders"}`,
				`{"status":599}`,
				`{"status":503.0}`,
				`{"status":"502"}`,
			},
			noMatch: []string{
				`{"status":499}`,
				`{"status":600}`,
				`{"status":200,"message":"status 500 was expected"}`,
				`{"status":null}`,
			},
		},
		SlugHTTP502: {
			match:   []string{`{"status":502}`, `{"status":"502","path":"/upstream"}`},
			noMatch: []string{`{"status":501}`, `{"status":503}`, `{"status":"5020"}`, `{"message":"502"}`},
		},
		SlugAppErrors: {
			match: []string{
				`{"level":"ERROR","message":"payment declined"}`,
				`{"level":"error"}`,
				`{"level":"FATAL","message":"out of memory"}`,
				`{"level":"fatal"}`,
			},
			noMatch: []string{
				`{"level":"warn","message":"ERROR in upstream, retrying"}`,
				`{"level":"Error"}`,
				`{"severity":"ERROR"}`,
				`ERROR plain text`,
			},
		},
	},
	"access": {
		SlugHTTP4xx: {
			match: []string{
				`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "POST /login HTTP/1.1" 401 0 "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /a HTTP/1.1" 499 -`,
			},
			noMatch: []string{
				`127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /a HTTP/1.1" 500 12 "-" "curl/8.0"`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /404 HTTP/1.1" 302 0`,
				`not an access log line at all`,
			},
		},
		SlugHTTP5xx: {
			match: []string{
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 500 12`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 503 0 "-" "kube-probe/1.29"`,
			},
			noMatch: []string{
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 404 12`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /500 HTTP/1.1" 200 500`,
			},
		},
		SlugHTTP502: {
			match: []string{`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 502 157 "-" "Go-http-client/1.1"`},
			noMatch: []string{
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 504 157`,
				`10.0.0.7 - - [01/Dec/2026:20:00:00 +0000] "GET /orders HTTP/1.1" 200 502`,
			},
		},
	},
	"text": {
		SlugHTTP4xx: {
			match:   []string{`2026-12-01T20:00:00Z INFO GET /orders/7 status=404 3ms`, `status=400`},
			noMatch: []string{`2026-12-01T20:00:00Z INFO GET /orders status=200 3ms`, `GET /404 status=500`, `status: 404`},
		},
		SlugHTTP5xx: {
			match:   []string{`2026-12-01T20:00:00Z ERROR GET /orders status=503 30s`, `status=599`},
			noMatch: []string{`GET /orders status=404`, `GET /500 status=200`, `status=5xx`},
		},
		SlugHTTP502: {
			match:   []string{`upstream failed status=502 after 3 tries`},
			noMatch: []string{`status=503`, `status=50`, `502 Bad Gateway without the key`},
		},
		SlugAppErrors: {
			match:   []string{`2026-12-01T20:00:00Z ERROR payment declined`, `FATAL: out of memory`, `worker crashed: fatal signal`},
			noMatch: []string{`2026-12-01T20:00:00Z WARN retrying`, `Error: lower-case and capital E is not a level here`, `INFO all good`},
		},
	},
}

func buildFormat(t *testing.T, f Format) Set {
	t.Helper()
	set, err := Build(Config{
		Options:  Options{NamePrefix: "vigil-prod"},
		Services: []Service{{Name: "api", LogGroup: "/ecs/prod/api", Format: f}},
	})
	require.NoError(t, err)
	return set
}

func TestEveryShippedFilterMatchesItsSamplesAndNothingElse(t *testing.T) {
	for _, format := range Formats {
		set := buildFormat(t, Format{Type: format})
		require.NotEmpty(t, set.Filters, format)
		for _, f := range set.Filters {
			t.Run(format+"/"+f.Slug, func(t *testing.T) {
				s, ok := shippedSamples[format][f.Slug]
				require.True(t, ok, "the %s filter %s has no samples: add them to shippedSamples", format, f.Slug)
				require.NotEmpty(t, s.match, "matching samples")
				require.NotEmpty(t, s.noMatch, "non-matching samples")
				mf, err := f.Compile()
				require.NoError(t, err, f.Pattern)
				for _, line := range s.match {
					r := mf.Match(line)
					assert.True(t, r.Matched, "%s must match %s", f.Pattern, line)
					if assert.NotNil(t, r.Value, line) {
						assert.Equal(t, 1.0, *r.Value, "a matching line counts 1")
					}
				}
				for _, line := range s.noMatch {
					r := mf.Match(line)
					assert.False(t, r.Matched, "%s must not match %s", f.Pattern, line)
					if assert.NotNil(t, r.Value, "the default value is published for %s", line) {
						assert.Equal(t, 0.0, *r.Value, "a line that does not match counts 0")
					}
				}
			})
		}
	}
}

func TestEveryFormatShipsTheFiltersItCanRead(t *testing.T) {
	assert.Equal(t, []string{SlugHTTP4xx, SlugHTTP5xx, SlugHTTP502, SlugAppErrors}, ShippedSlugs(FormatJSON))
	assert.Equal(t, []string{SlugHTTP4xx, SlugHTTP5xx, SlugHTTP502}, ShippedSlugs(FormatAccess), "an access log has no application errors")
	assert.Equal(t, []string{SlugHTTP4xx, SlugHTTP5xx, SlugHTTP502, SlugAppErrors}, ShippedSlugs(FormatText))
	assert.Equal(t, ShippedSlugs(FormatJSON), ShippedSlugs(""), "json is the default")
	for format, bySlug := range shippedSamples {
		for slug := range bySlug {
			assert.Contains(t, ShippedSlugs(format), slug, "samples for a filter %s does not ship", format)
		}
	}
}

func TestJSONFieldNamesAndLevelsComeFromTheFormat(t *testing.T) {
	set := buildFormat(t, Format{
		Fields:      JSONFields{Status: "http.status_code", Level: "log-level"},
		ErrorLevels: []string{"E", "CRIT"},
	})
	byLine := map[string]map[string]bool{
		`{"http":{"status_code":503},"log-level":"I"}`: {SlugHTTP5xx: true},
		`{"http":{"status_code":404}}`:                 {SlugHTTP4xx: true},
		`{"http":{"status_code":502}}`:                 {SlugHTTP5xx: true, SlugHTTP502: true},
		`{"status":503,"level":"ERROR"}`:               {},
		`{"log-level":"CRIT"}`:                         {SlugAppErrors: true},
		`{"log-level":"E"}`:                            {SlugAppErrors: true},
		`{"log-level":"ERROR"}`:                        {},
	}
	for line, want := range byLine {
		for _, f := range set.Filters {
			mf, err := f.Compile()
			require.NoError(t, err)
			assert.Equal(t, want[f.Slug], mf.Match(line).Matched, "%s on %s", f.Slug, line)
		}
	}
}

func TestTheStatusKeyOfPlainTextLogs(t *testing.T) {
	set := buildFormat(t, Format{Type: FormatText, StatusKey: "code:"})
	for _, c := range []struct {
		line string
		slug string
		want bool
	}{
		{"GET /a code:503", SlugHTTP5xx, true},
		{"GET /a status=503", SlugHTTP5xx, false},
		{"GET /a code:502", SlugHTTP502, true},
		{"GET /a code:418", SlugHTTP4xx, true},
	} {
		f, ok := set.Find("api-" + c.slug)
		require.True(t, ok)
		mf, err := f.Compile()
		require.NoError(t, err)
		assert.Equal(t, c.want, mf.Match(c.line).Matched, fmt.Sprintf("%s on %q", f.Pattern, c.line))
	}
}
