package logfilter

import (
	"reflect"
	"testing"
)

// The Apache access log lines of the guide's section "Using filter patterns to match
// terms in space-delimited log events".
const (
	apache200 = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`
	apache500 = `127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324`
	apache404 = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`
	apache403 = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 403 999`
)

func TestDelimitedPatternsMatchTheGuidesExamples(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"Seven names match a seven-field line.", "[ip, user, username, timestamp, request, status_code, bytes]", apache200, true},
		{"Six names do not match a seven-field line.", "[ip, user, username, timestamp, request, status_code]", apache200, false},
		{"Eight names do not match a seven-field line.", "[ip, user, username, timestamp, request, status_code, bytes, extra]", apache200, false},
		{"A leading ... takes the fields before the last two.", "[..., status_code, bytes]", apache200, true},
		{"A middle ... takes the fields between.", "[ip, user, ..., status_code, bytes]", apache200, true},
		{"A trailing ... takes the rest.", "[ip, user, ...]", apache200, true},
		{"... may take no field at all.", "[ip, user, username, timestamp, request, status_code, bytes, ...]", apache200, true},
		{"... cannot make up for missing fields.", "[a, b, c, d, e, f, g, h, ...]", apache200, false},
		{"Two ... take what the named fields leave.", "[..., request = *html*, ..., bytes]", apache404, true},
		{"Two ... still need their named conditions.", "[..., request = *html*, ..., bytes]", apache200, false},
		{"bytes > 1000 holds for 1534.", "[ip, user, username, timestamp, request, status_code, bytes > 1000]", apache200, true},
		{"bytes > 1000 fails for 999.", "[ip, user, username, timestamp, request, status_code, bytes > 1000]", apache403, false},
		{"status_code = 200 matches 200.", "[ip, user, username, timestamp, request, status_code = 200, bytes]", apache200, true},
		{"status_code = 200 does not match 500.", "[ip, user, username, timestamp, request, status_code = 200, bytes]", apache500, false},
		{"status_code = 4* matches 404.", "[ip, user, username, timestamp, request, status_code = 4*, bytes]", apache404, true},
		{"status_code = 4* does not match 500.", "[ip, user, username, timestamp, request, status_code = 4*, bytes]", apache500, false},
		{"request = *html* matches a request for index.html.", "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", apache404, true},
		{"request = *html* does not match a gif.", "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", apache200, false},
		{"A quoted field's value is inside the quotes: = needs the whole request.", `[ip, user, username, timestamp, request = "GET /index.html HTTP/1.0", status_code, bytes]`, apache404, true},
		{"A bracketed field's value is inside the brackets.", `[ip, user, username, timestamp = "10/Oct/2000:13:25:15 -0700", request, status_code, bytes]`, apache404, true},
		{"|| within a field: 403 matches 403 || 404.", "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]", apache403, true},
		{"|| within a field: 404 matches 403 || 404.", "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]", apache404, true},
		{"|| within a field: 500 does not match 403 || 404.", "[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]", apache500, false},
		{"&& within a field: 404 is 4* and not 403.", "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]", apache404, true},
		{"&& within a field: 403 is 4* but not != 403.", "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]", apache403, false},
		{"&& binds tighter than || within a field.", "[..., c = 1 || c > 5 && c < 7, x]", "6 x", true},
		{"&& binds tighter than ||: 8 fails both sides.", "[..., c = 1 || c > 5 && c < 7, x]", "8 x", false},
		// Guide, "OR pattern matching": events 1 ERROR WARN message, 2 ERROR message, 3 WARN message.
		{"[w1=ERROR, w2] matches event 2.", "[w1=ERROR, w2]", "ERROR message", true},
		{"[w1=ERROR, w2] does not match event 1 (three fields).", "[w1=ERROR, w2]", "ERROR WARN message", false},
		{"[w1=ERROR, w2] does not match event 3.", "[w1=ERROR, w2]", "WARN message", false},
		{"[w1=ERROR || w1=WARN, w2] matches event 2.", "[w1=ERROR || w1=WARN, w2]", "ERROR message", true},
		{"[w1=ERROR || w1=WARN, w2] matches event 3.", "[w1=ERROR || w1=WARN, w2]", "WARN message", true},
		{"[w1=ERROR || w1=WARN, w2] does not match event 1.", "[w1=ERROR || w1=WARN, w2]", "ERROR WARN message", false},
		// The guide says this matches event 1; it cannot (see the package doc).
		{"[w1!=ERROR&&w1!=WARN, w2] does not match event 1.", "[w1!=ERROR&&w1!=WARN, w2]", "ERROR WARN message", false},
		{"[w1!=ERROR&&w1!=WARN, w2] does not match event 2.", "[w1!=ERROR&&w1!=WARN, w2]", "ERROR message", false},
		{"[w1!=ERROR&&w1!=WARN, w2] does not match event 3.", "[w1!=ERROR&&w1!=WARN, w2]", "WARN message", false},
		{"[w1!=ERROR&&w1!=WARN, w2] matches a two-field line of another level.", "[w1!=ERROR&&w1!=WARN, w2]", "INFO message", true},
		// Guide, "Count HTTP 404 codes": [IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes].
		{"The 404 counter matches a 404 line.", "[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]", `127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 404 2326`, true},
		{"The 404 counter does not match a 200 line.", "[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]", `127.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb2.gif HTTP/1.0" 200 2326`, false},
		// Numbers and strings in fields.
		{"A numeric = compares numerically: 200.0 = 200.", "[a = 200]", "200.0", true},
		{"A numeric = on a non-number compares the text.", "[a = 200]", "abc", false},
		{"A numeric != on a non-number compares the text.", "[a != 200]", "abc", true},
		{"< on a non-number is false.", "[a < 200]", "abc", false},
		{"<= holds at the boundary.", "[a <= 200]", "200", true},
		{">= fails just below.", "[a >= 200]", "199", false},
		{"A * in the middle of a field value is a literal.", "[a = 4*4]", "404", false},
		{"A regex may test a field.", `[..., status_code = %^4\d\d$%, bytes]`, apache404, true},
		{"A regex test with != excludes matching fields.", `[..., status_code != %^4\d\d$%, bytes]`, apache404, false},
		{"Several blanks between fields count as one.", "[a, b]", "x    y", true},
		{"An empty entry takes one field.", "[a, , c]", "x y z", true},
	})
}

// Guide, "extracted fields": [..., request=*.html*, status_code=4*,] on a 404 line.
func TestDelimitedPatternsExtractFieldsAsTheGuideShows(t *testing.T) {
	p, err := Parse(`[..., request=*.html*, status_code=4*,]`)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Match(apache404)
	if !got.Matched {
		t.Fatal("the guide's example event does not match its pattern")
	}
	want := map[string]string{
		"$status_code": "404",
		"$request":     "GET /index.html HTTP/1.0",
		"$7":           "1534",
		"$4":           "10/Oct/2000:13:25:15 -0700",
		"$3":           "frank",
		"$2":           "-",
		"$1":           "127.0.0.1",
	}
	if !reflect.DeepEqual(got.Fields, want) {
		t.Fatalf("extracted fields:\n got %v\nwant %v", got.Fields, want)
	}
	if p.Match(apache200).Fields != nil {
		t.Fatal("an event that does not match extracts no fields")
	}
}

func TestSplitFieldsHonoursQuotesAndBrackets(t *testing.T) {
	cases := []struct {
		name  string
		event string
		want  []string
	}{
		{"An empty event has no fields.", "", nil},
		{"Blanks only make no field.", "   ", nil},
		{"A quoted field keeps its blanks, without the quotes.", `a "b c" d`, []string{"a", "b c", "d"}},
		{"A bracketed field keeps its blanks, without the brackets.", `a [b c] d`, []string{"a", "b c", "d"}},
		{"An unterminated quote is an ordinary field.", `a "b c`, []string{"a", `"b`, "c"}},
		{"Tabs separate fields too.", "a\tb", []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitFields(tc.event); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("splitFields(%q) = %q, want %q", tc.event, got, tc.want)
			}
		})
	}
}

func TestDelimitedPatternsAreRejectedWithTheirColumn(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"An empty pattern in brackets is refused.", "[]", "column 2: expected at least one field between [ and ], such as [ip, user, ...]"},
		{"A field's condition may not test another field (the guide's status_code && bytes).", "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]", "column 62: the conditions of the field status_code can only test status_code, got bytes: give bytes its own comma-separated entry"},
		{"A name may appear once.", "[a, b, a]", "column 8: the field a is named twice: give each field its own name"},
		{"The old =! spelling of negation is refused.", "[w1=!ERROR, w2]", "column 5: expected a value after =, got '!': to negate, write w1!=value"},
		{"A field name cannot start with a digit.", "[ip, 1x, x]", "column 6: expected a field name starting with a letter or _ ($1, $2, ... already name fields by position), got '1'"},
		{"A field needs a name, ... or nothing.", "[ip, @, x]", "column 6: expected a field name (letters, digits and _) or ..., got '@'"},
		{"An unknown operator is refused.", "[ip ~ 1]", "column 5: expected =, !=, <, <=, >, >=, , or ] after the field name ip, got '~'"},
		{"< takes numbers only.", "[a < abc]", `column 6: expected a number after <, got "abc"`},
		{"A value is required.", "[a = ]", "column 6: expected a value after =, got ']'"},
		{"The bracket must be closed.", "[a, b", "column 6: expected =, !=, <, <=, >, >=, , or ] after the field name b, got the end of the pattern"},
		{"The bracket must be closed after a condition too.", "[a, b = 1", "column 10: expected , or ] after a field, got the end of the pattern"},
		{"Nothing may follow the closing bracket.", "[a] b", "column 5: expected the end of the pattern after the closing ], got 'b'"},
		{"Two ... side by side need a comma.", "[... ...]", "column 6: expected , or ] after a field, got '.'"},
		{"A value with a parenthesis must be quoted.", "[a = f(x)]", "column 7: '(' cannot appear in an unquoted value: put the value in double quotes"},
		{"Conditions after && must name the field.", "[a = 1 && = 2]", "column 11: expected the field name a after && or ||, got '='"},
	})
}

// The Lambda REPORT line pattern of terraform-provider-aws issue 1779: a quoted value
// with a colon, ..., and the memory used as the metric value.
func TestDelimitedPatternOfALambdaReportLine(t *testing.T) {
	const report = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\tBilled Duration: 100 ms \tMemory Size: 128 MB\tMax Memory Used: 18 MB"
	p, err := Parse(`[reportLabel=REPORT, requestIdLabel="RequestId:", ..., maxMemoryUsedValue, maxMemoryUsedMbLabel]`)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewMetricFilter(p, Transformation{MetricValue: "$maxMemoryUsedValue"})
	if err != nil {
		t.Fatal(err)
	}
	r := f.Match(report)
	if !r.Matched || r.Value == nil || *r.Value != 18 {
		t.Fatalf("the REPORT line publishes 18 (MB used), got matched=%v value=%v", r.Matched, r.Value)
	}
	if r := f.Match("START RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3 Version: $LATEST"); r.Matched {
		t.Fatal("a START line is not a REPORT line")
	}
}

// A pattern that starts with [ is space-delimited: [ERROR] names one field and
// matches any one-field event, not the text "[ERROR]". Quote it to search the text.
func TestABracketedWordIsASpaceDelimitedPattern(t *testing.T) {
	runMatchCases(t, []matchCase{
		{"[ERROR] matches any event of one field.", "[ERROR]", "hello", true},
		{"[ERROR] does not match a longer event, even one holding [ERROR].", "[ERROR]", "[ERROR] disk full", false},
		{`"[ERROR]" searches the text.`, `"[ERROR]"`, "[ERROR] disk full", true},
	})
}

// Guide, "Extract fields from an Apache log": its six test events under the 404
// counter [ip, id, user, timestamp, request, status_code=404, size], as
// TestMetricFilter would list them.
func TestPatternTestListsTheMatchingEventsLikeTestMetricFilter(t *testing.T) {
	events := []string{
		`127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287`,
		`127.0.0.1 - - [24/Sep/2013:11:49:52 -0700] "GET /index.html HTTP/1.1" 404 287`,
		`127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /~test/ HTTP/1.1" 200 3`,
		`127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308`,
		`127.0.0.1 - - [24/Sep/2013:11:50:51 -0700] "GET /favicon.ico HTTP/1.1" 404 308`,
		`127.0.0.1 - - [24/Sep/2013:11:51:34 -0700] "GET /~test/index.html HTTP/1.1" 200 3`,
	}
	p, err := Parse(`[ip, id, user, timestamp, request, status_code=404, size]`)
	if err != nil {
		t.Fatal(err)
	}
	got := p.Test(events)
	var numbers []int
	for _, m := range got {
		numbers = append(numbers, m.EventNumber)
		if m.EventMessage != events[m.EventNumber-1] {
			t.Errorf("event %d: message %q, want %q", m.EventNumber, m.EventMessage, events[m.EventNumber-1])
		}
	}
	if !reflect.DeepEqual(numbers, []int{1, 2, 4, 5}) {
		t.Fatalf("matching events = %v, want the four 404s: [1 2 4 5]", numbers)
	}
	if got[2].ExtractedValues["$size"] != "308" || got[2].ExtractedValues["$request"] != "GET /favicon.ico HTTP/1.1" {
		t.Fatalf("extracted values of event 4 = %v", got[2].ExtractedValues)
	}
	text, _ := Parse("404")
	if m := text.Test(events); len(m) != 4 || m[0].ExtractedValues != nil {
		t.Fatalf("a text pattern lists the same four events with no extracted values, got %+v", m)
	}
}
