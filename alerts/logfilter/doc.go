// Package logfilter parses and evaluates CloudWatch Logs filter patterns, the syntax
// of metric filters and subscription filters, and checks metric filters against the
// limits CloudWatch Logs enforces, so that vigil rejects a pattern before
// PutMetricFilter would and can show what a pattern does to sample events offline.
// It is pure Go: no Pulumi, no I/O.
//
// Three syntaxes are recognised by the first non-blank character:
//
//   - text: terms (ERROR), quoted phrases ("Failed to process"), ?alternatives,
//     -exclusions and %regex%; the empty pattern matches every event;
//   - JSON, in braces: { $.a.b[0] = "x" && ($.n >= 10 || $.flag IS TRUE) }, with
//     IS NULL, NOT EXISTS, IS TRUE/FALSE, numeric comparisons and * wildcards;
//   - space-delimited, in brackets: [ip, user, ..., status_code = 4* || status_code = 5*, bytes > 1000].
//
// A metric filter (NewMetricFilter) adds the metric value ("1", $.latency, $size, $7),
// the default value and up to three dimensions taken from fields.
//
// # Readings chosen where AWS's pages are silent or disagree
//
// The tests cite the page each example comes from. Where the pages leave a choice,
// this package reads them as follows.
//
//   - Mixing ? with plain terms: a ?term starts a new alternative and plain terms
//     join the current one, so "?A B ?C" is (A and B) or C, and "A ?B" is A or B. The
//     guide only shows "A B" and "?A ?B"; AWS's CDK documents and emits exactly this
//     grouping for anyTermGroup.
//   - Unquoted terms with punctuation: the guide says they must be quoted, and
//     CloudWatch Logs answers "Invalid filter pattern" to an unquoted
//     email@example.com, so only letters, digits and _ are accepted unquoted. The
//     one exception is -: users report that an unquoted ORDER-ITEM-1 or
//     request-id-123 is accepted but finds nothing in events that hold it, which
//     is what reading each inner - as an exclusion gives; so "ORDER-ITEM-1" is
//     ORDER without ITEM and without 1. Quote a phrase to match it as written.
//   - Exclusion: the guide writes both ERROR -Exiting and "ERROR" - "Exiting"; both
//     are exclusions here.
//   - Regular expressions: one version of the page lists ':' among the allowed
//     symbols and another does not, and the CDK's own example regex holds a space
//     and a colon; both are allowed. ? is "zero or one" (one page says "zero or
//     more", but its own colou?r example is the standard meaning). Escapes are \d
//     \D \s \S \w \W, \xHH (which the page offers for characters that may not be
//     written, such as \x28 for a parenthesis) and a backslash before an operator
//     or symbol; parentheses and multi-byte characters are refused, as documented.
//     The quota of two regular expressions per pattern is stated for JSON and
//     space-delimited patterns; it is applied to text patterns too.
//   - Wildcards in string values apply at the start and end only (*Event, Event*,
//     *html*, *); a * in the middle is a literal star, as the JSON section says of
//     Ev*ent. The same rule holds for space-delimited fields.
//   - Numbers: the JSON section says "strings containing scientific notation are not
//     supported" and, further down, that numeric comparisons take 10e3 and 10e-3.
//     Patterns may use scientific notation; numeric comparisons test JSON numbers
//     only, so "400" (a JSON string) is not = 400. A selector that reaches an array,
//     an object, a null or a missing property makes both = and != false.
//   - Keywords: IS NULL, IS TRUE, IS FALSE and NOT EXISTS are written in capitals,
//     as everywhere in the guide; "is null" is refused.
//   - Metric values: a JSON string that reads as a number ("12.5") is published
//     as that number, though numeric comparisons ignore it; a value that does
//     not read as a number publishes nothing for that event.
//   - Wildcards in selectors: $.users[*].id and $.*.id reach every element or
//     property; a condition holds when it holds for any of them (NOT EXISTS: when
//     none is reached).
//   - Space-delimited conditions: the guide's [..., status_code = 4* && bytes > 1000]
//     tests a field (bytes) it never declares, and the console answers "Invalid
//     filter pattern" to it (awsdocs/amazon-cloudwatch-logs-user-guide issue 21);
//     here a field's conditions may test that field only, so write
//     [..., status_code = 4*, bytes > 1000]. The guide
//     also says [w1!=ERROR&&w1!=WARN, w2] matches "ERROR WARN message"; it cannot
//     (that line has three fields, and its first is ERROR), and here it matches
//     none of the three example lines, while [w1=ERROR, w2] matching only "ERROR
//     message" confirms that without ... the field counts must agree.
//   - A pattern that starts with [ is space-delimited: [ERROR] names one field
//     and matches every one-field event; "[ERROR]" searches the text.
//   - Extracted fields: as in the guide's example, a field taken by a named entry is
//     $name and every other field (those taken by ... or by an empty entry) is $N,
//     its 1-based position. A metric value or dimension may use $N for any field:
//     the guide's Apache example calls the size both $size and $7. (That example
//     also shows $request as "GET /products/index.html" for an event that says
//     "GET /index.html"; the event is what counts.)
package logfilter
