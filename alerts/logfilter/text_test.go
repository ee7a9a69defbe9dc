package logfilter

import "testing"

// Examples from the CloudWatch Logs user guide, "Filter pattern syntax", section
// "Matching terms in unstructured log events" (and its older "Matching Terms in Log
// Events" version), with the guide's sample events.
func TestTextPatternsMatchTheGuidesExamples(t *testing.T) {
	runMatchCases(t, []matchCase{
		// Guide, "Match everything": the empty pattern matches all events.
		{"The empty pattern matches every event.", "", "anything at all", true},
		{"A blank pattern matches every event, even an empty one.", "   ", "", true},
		{"The pattern \"\" (an empty quoted phrase) matches every event too.", `""`, "anything", true},
		// Guide, "Match a single term": ERROR.
		{"A single term matches an event that holds it.", "ERROR", "[ERROR] A fatal exception has occurred", true},
		{"A term matches inside a longer word: ERROR matches ERRORCODE.", "ERROR", "Exiting with ERRORCODE: -1", true},
		{"Terms are case sensitive: ERROR does not match error.", "ERROR", "[error] lower case only", false},
		{"A quoted term behaves as the bare one.", `"ERROR"`, "[ERROR 400] BAD REQUEST", true},
		// Guide, "Include a term and exclude a term": "ERROR" - "Exiting" and ERROR -Exiting.
		{"An exclusion drops an event that holds the excluded term.", "ERROR -Exiting", "Exiting with ERRORCODE: -1", false},
		{"An exclusion keeps an event without the excluded term.", "ERROR -Exiting", "[ERROR] A fatal exception has occurred", true},
		{"The guide's spelling with blanks around the minus sign is an exclusion too.", `"ERROR" - "Exiting"`, "Exiting with ERRORCODE: -1", false},
		{"The guide's spelling with blanks keeps events without the excluded term.", `"ERROR" - "Exiting"`, "[ERROR] A fatal exception has occurred", true},
		{"An exclusion alone matches every event without the term.", "-DEBUG", "INFO started", true},
		{"An exclusion alone drops the events with the term.", "-DEBUG", "DEBUG noise", false},
		// Guide, "Match multiple terms": ERROR Exception.
		{"All terms must occur: both present.", "ERROR Exception", "[ERROR] Caught IllegalArgumentException", true},
		{"All terms must occur: both present, in another order.", "ERROR Exception", "[ERROR] Unhandled Exception", true},
		{"All terms must occur: one missing.", "ERROR Exception", "[ERROR] Out of memory", false},
		{"The words of an unquoted phrase are terms that may appear in any order.", "Failed to process the request", "[WARN] the request to process Failed", true},
		{"Every word of an unquoted phrase must occur.", "Failed to process the request", "[WARN] Failed to process", false},
		// Guide, "Match exact phrases": a quoted phrase must appear as written.
		{"A quoted phrase matches where it appears as written.", `"Failed to process the request"`, "[ERROR] Unable to continue: Failed to process the request", true},
		{"A quoted phrase does not match its words in another order.", `"Failed to process the request"`, "[WARN] the request to process Failed", false},
		{"A quoted phrase keeps its punctuation.", `"[ERROR 400]"`, "[ERROR 400] BAD REQUEST", true},
		{"A quoted phrase with punctuation does not match without it.", `"[ERROR 400]"`, "ERROR 400 BAD REQUEST", false},
		{"An escaped quote inside a quoted phrase is a quote.", `"say \"hi\""`, `they say "hi" twice`, true},
		// Guide, "OR pattern matching": events 1 ERROR WARN message, 2 ERROR message, 3 WARN message.
		{"ERROR matches event 1 of the OR example.", "ERROR", "ERROR WARN message", true},
		{"ERROR matches event 2 of the OR example.", "ERROR", "ERROR message", true},
		{"ERROR does not match event 3 of the OR example.", "ERROR", "WARN message", false},
		{"?ERROR ?WARN matches event 1.", "?ERROR ?WARN", "ERROR WARN message", true},
		{"?ERROR ?WARN matches event 2.", "?ERROR ?WARN", "ERROR message", true},
		{"?ERROR ?WARN matches event 3.", "?ERROR ?WARN", "WARN message", true},
		{"?ERROR ?WARN matches no event without either term.", "?ERROR ?WARN", "INFO message", false},
		{"ERROR WARN matches event 1 only: event 1.", "ERROR WARN", "ERROR WARN message", true},
		{"ERROR WARN matches event 1 only: not event 2.", "ERROR WARN", "ERROR message", false},
		{"ERROR WARN matches event 1 only: not event 3.", "ERROR WARN", "WARN message", false},
		{"ERROR -WARN matches event 2 only: not event 1.", "ERROR -WARN", "ERROR WARN message", false},
		{"ERROR -WARN matches event 2 only: event 2.", "ERROR -WARN", "ERROR message", true},
		{"ERROR -WARN matches event 2 only: not event 3.", "ERROR -WARN", "WARN message", false},
		// Reading chosen (package doc): ? starts an alternative, plain terms join it,
		// as AWS's CDK documents for anyTermGroup: ?"foo" "bar" ?"baz".
		{"?A B ?C matches when A and B both occur.", `?"foo" "bar" ?"baz"`, "foo and bar", true},
		{"?A B ?C matches when C occurs alone.", `?"foo" "bar" ?"baz"`, "just baz", true},
		{"?A B ?C does not match A without B.", `?"foo" "bar" ?"baz"`, "foo only", false},
		{"A ?B is A or B: B alone matches.", "ERROR ?WARN", "WARN message", true},
		{"A ?B is A or B: neither does not match.", "ERROR ?WARN", "INFO message", false},
		{"An exclusion applies within its alternative only.", "?ERROR -timeout ?FATAL", "FATAL timeout", true},
		{"An exclusion drops its own alternative.", "?ERROR -timeout ?FATAL", "ERROR timeout", false},
		// A - inside an unquoted term excludes the next word: awslogs issue 381
		// (ORDER-ITEM-1 finds nothing unquoted, and its events when quoted) and
		// cloudash issue 84 (request-id-123-something finds nothing).
		{"A - inside an unquoted term excludes the next word, so ORDER-ITEM-1 misses its own event.", "ORDER-ITEM-1", "processing ORDER-ITEM-1 now", false},
		{"Quoted, ORDER-ITEM-1 finds its event.", `"ORDER-ITEM-1"`, "processing ORDER-ITEM-1 now", true},
		{"Unquoted ORDER-ITEM-1 is ORDER without ITEM and 1.", "ORDER-ITEM-1", "ORDER received", true},
		{"A leading - with inner dashes excludes every word.", "-debug-trace", "debug only", false},
		{"A leading - with inner dashes keeps events with none of the words.", "-debug-trace", "info", true},
		// The Serverless Framework's subscription filter: quoted phrases with escaped quotes.
		{"An escaped quote inside a ?phrase matches a JSON fragment.", `?"\"origin\":\"sls-agent\"" ?"REPORT RequestId: "`, `{"origin":"sls-agent","x":1}`, true},
		{"The second ?phrase matches a Lambda REPORT line.", `?"\"origin\":\"sls-agent\"" ?"REPORT RequestId: "`, "REPORT RequestId: 8f5 Duration: 1 ms", true},
		{"Neither ?phrase matches other lines.", `?"\"origin\":\"sls-agent\"" ?"REPORT RequestId: "`, "START RequestId: 8f5", false},
		{"A quoted phrase may hold any character.", `"café@example.com"`, "mail to café@example.com", true},
		{"Underscores belong to unquoted terms.", "user_id", "the user_id field", true},
		// Guide, regex: %AUTHORIZED% matches both sample events.
		{"%AUTHORIZED% matches UNAUTHORIZED REQUEST.", "%AUTHORIZED%", "[ERROR 401] UNAUTHORIZED REQUEST", true},
		{"%AUTHORIZED% matches AUTHORIZED REQUEST.", "%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST", true},
		{"%AUTHORIZED% does not match other events.", "%AUTHORIZED%", "[SUCCESS 200] OK", false},
		// Regex page: %\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}% matches an IP address.
		{"The IP address regex matches an IP.", `%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`, "client 10.0.12.7 connected", true},
		{"The IP address regex does not match a version number.", `%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`, "version 1.2.3", false},
		// Regex page: %[Ee]rror|[Ff]ail% catches Error, error, Fail, fail.
		{"[Ee]rror|[Ff]ail matches error.", "%[Ee]rror|[Ff]ail%", "an error occurred", true},
		{"[Ee]rror|[Ff]ail matches Fail.", "%[Ee]rror|[Ff]ail%", "Fail fast", true},
		{"[Ee]rror|[Ff]ail does not match ERROR.", "%[Ee]rror|[Ff]ail%", "ERROR", false},
		// Regex page, operators: ^ and $ anchor, ? is zero or one, {m,n} counts.
		{"^ anchors at the start: hat at the start matches.", "%^[hc]at%", "hat trick", true},
		{"^ anchors at the start: cat later does not match.", "%^[hc]at%", "the cat", false},
		{"$ anchors at the end: cat at the end matches.", "%[hc]at$%", "the cat", true},
		{"$ anchors at the end: hat earlier does not match.", "%[hc]at$%", "hat trick", false},
		{"colou?r matches color.", "%colou?r%", "color", true},
		{"colou?r matches colour.", "%colou?r%", "colour", true},
		{"colou?r does not match colouur (? is zero or one).", "%^colou?r$%", "colouur", false},
		{"a{3,5} needs at least three a.", "%^a{3,5}$%", "aa", false},
		{"a{3,5} takes five a.", "%^a{3,5}$%", "aaaaa", true},
		{"a{3,5} refuses six a.", "%^a{3,5}$%", "aaaaaa", false},
		{"A regex may be combined with terms: both hold.", `ERROR %code=\d+%`, "ERROR code=42", true},
		{"A regex may be combined with terms: regex fails.", `ERROR %code=\d+%`, "ERROR code=x", false},
		{"A regex may be excluded: the excluded regex matches.", `ERROR -%health\w*%`, "ERROR healthcheck failed", false},
		{"A regex may be excluded: the excluded regex does not match.", `ERROR -%health\w*%`, "ERROR disk full", true},
		{"Regexes may be alternatives.", `?%^5\d\d% ?%timeout%`, "read timeout", true},
		{"Regex alternatives fail together.", `?%^5\d\d% ?%timeout%`, "200 OK", false},
		{"A regex may hold a space and a colon, as in the CDK's own example.", "%bind: address already in use%", "listen tcp: bind: address already in use", true},
	})
}

// Patterns the guide says CloudWatch Logs refuses, or that cannot be read, with the
// exact message and column.
func TestTextPatternsAreRejectedWithTheirColumn(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"An unterminated quoted phrase is refused at its opening quote.", `ERROR "Failed to`, `column 7: unterminated quoted string: expected a closing "`},
		{"A question mark needs its term right after it.", "ERROR ? WARN", "column 8: expected a term right after ?, got ' '"},
		{"A question mark at the end has no term.", "ERROR ?", "column 8: expected a term right after ?, got the end of the pattern"},
		{"A minus sign at the end has nothing to exclude.", "ERROR -", "column 8: expected a term to exclude after -, got the end of the pattern"},
		{"A term of punctuation only must be quoted.", "ERROR :", `column 7: ':' must be quoted: a term with characters other than letters, digits and _ goes in double quotes, as in ":"`},
		{"An unquoted email address is refused, as CloudWatch Logs does (lucagrulla/cw issue 181).", "email@example.com", `column 6: '@' must be quoted: a term with characters other than letters, digits and _ goes in double quotes, as in "email@example.com"`},
		{"Unquoted punctuation at the end of a word is refused.", "ERROR:", `column 6: ':' must be quoted: a term with characters other than letters, digits and _ goes in double quotes, as in "ERROR:"`},
		{"Unquoted non-ASCII letters are refused.", "café", `column 4: 'é' must be quoted: a term with characters other than letters, digits and _ goes in double quotes, as in "café"`},
		{"A long unquoted term gets no example.", "a_very_long_term_with_a_slash_in_it_somewhere/x", `column 46: '/' must be quoted: a term with characters other than letters, digits and _ goes in double quotes`},
		{"A dash inside a term needs a word after it.", "ORDER-", "column 7: expected a term to exclude after -, got the end of the pattern"},
		{"Two dashes in a row exclude nothing.", "ORDER--ITEM", "column 7: expected a term to exclude after -, got '-'"},
		{"A closing quote must end the term.", `"ERROR"x`, "column 8: expected a blank after the closing quote, got 'x'"},
		{"A closing percent sign must end the term.", `%ERROR%x`, "column 8: expected a blank after the closing %, got 'x'"},
	})
}
