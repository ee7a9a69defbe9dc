package logfilter

import "testing"

// The sample event of the guide's "JSON Metric Filter Examples" (section "Using
// filter patterns to match terms in JSON log events"), with a property name holding
// a dash added for the selector rules.
const guideJSONEvent = `{
  "eventType": "UpdateTrail",
  "sourceIPAddress": "111.111.111.111",
  "arrayKey": ["value", "another value"],
  "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
  "SomeObject": null,
  "ThisFlag": true,
  "request-id": "r-1"
}`

// The sample event of the guide's "JSON Compound Conditions" section.
const guideCompoundEvent = `{
  "user": {"id": 1, "email": "John.Stiles@example.com"},
  "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
  "actions": ["GET", "PUT", "DELETE"],
  "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]
}`

func TestJSONPatternsMatchTheGuidesExamples(t *testing.T) {
	runMatchCases(t, []matchCase{
		// Guide, "JSON Metric Filter Examples": each filter matches the sample event.
		{"A quoted string value matches exactly.", `{ $.eventType = "UpdateTrail" }`, guideJSONEvent, true},
		{"A string value must match the whole property, not part of it.", `{ $.eventType = "Update" }`, guideJSONEvent, false},
		{"String comparison is case sensitive.", `{ $.eventType = "updatetrail" }`, guideJSONEvent, false},
		{"A wildcard prefix test with != matches an address outside the subnet.", `{ $.sourceIPAddress != 123.123.* }`, guideJSONEvent, true},
		{"A wildcard prefix test with = does not match an address outside the subnet.", `{ $.sourceIPAddress = 123.123.* }`, guideJSONEvent, false},
		{"A wildcard prefix test with = matches inside the subnet.", `{ $.sourceIPAddress = 111.111.* }`, guideJSONEvent, true},
		{"The first array element is $.arrayKey[0].", `{ $.arrayKey[0] = "value" }`, guideJSONEvent, true},
		{"The second array element is not the first.", `{ $.arrayKey[1] = "value" }`, guideJSONEvent, false},
		{"An index past the end of an array matches nothing.", `{ $.arrayKey[5] = "value" }`, guideJSONEvent, false},
		{"An index into something that is not an array is false.", `{ $.eventType[0] = "UpdateTrail" }`, guideJSONEvent, false},
		{"A property of an array element compares as a number.", `{ $.objectList[1].id = 2 }`, guideJSONEvent, true},
		{"A property of another array element does not match.", `{ $.objectList[0].id = 2 }`, guideJSONEvent, false},
		{"IS NULL holds for a property set to null.", `{ $.SomeObject IS NULL }`, guideJSONEvent, true},
		{"IS NULL does not hold for a missing property.", `{ $.SomeOtherObject IS NULL }`, guideJSONEvent, false},
		{"IS NULL does not hold for a string.", `{ $.eventType IS NULL }`, guideJSONEvent, false},
		{"NOT EXISTS holds for a missing property.", `{ $.SomeOtherObject NOT EXISTS }`, guideJSONEvent, true},
		{"NOT EXISTS does not hold for a property set to null.", `{ $.SomeObject NOT EXISTS }`, guideJSONEvent, false},
		{"IS TRUE holds for true.", `{ $.ThisFlag IS TRUE }`, guideJSONEvent, true},
		{"IS FALSE does not hold for true.", `{ $.ThisFlag IS FALSE }`, guideJSONEvent, false},
		{"IS FALSE holds for false.", `{ $.ok IS FALSE }`, `{"ok": false}`, true},
		{"IS TRUE does not hold for the string true.", `{ $.ok IS TRUE }`, `{"ok": "true"}`, false},
		{"A property name may hold a dash.", `{ $.request-id = "r-1" }`, guideJSONEvent, true},
		// Guide, "Matching JSON terms": wildcards at the start or end of a value.
		{"*Event matches PutEvent.", `{ $.e = *Event }`, `{"e": "PutEvent"}`, true},
		{"*Event does not match EventId.", `{ $.e = *Event }`, `{"e": "EventId"}`, false},
		{"Event* matches EventName.", `{ $.e = Event* }`, `{"e": "EventName"}`, true},
		{"Event* does not match GetEvent.", `{ $.e = Event* }`, `{"e": "GetEvent"}`, false},
		{"A * in the middle is a literal: Ev*ent does not match Event.", `{ $.e = Ev*ent }`, `{"e": "Event"}`, false},
		{"A * in the middle is a literal: Ev*ent matches Ev*ent.", `{ $.e = Ev*ent }`, `{"e": "Ev*ent"}`, true},
		{"Wildcards work inside quotes too.", `{ $.e = "*Event" }`, `{"e": "GetEvent"}`, true},
		{"A lone * matches any string.", `{ $.e = * }`, `{"e": ""}`, true},
		{"A lone * matches a number (the guide's $.latency = * example).", `{ $.latency = * }`, `{"latency": 50, "requestType": "GET"}`, true},
		{"A lone * does not match a missing property.", `{ $.latency = * }`, `{"requestType": "GET"}`, false},
		{"A lone * does not match null.", `{ $.latency = * }`, `{"latency": null}`, false},
		// Guide, "JSON Special Considerations": a selector at an array matches neither way.
		{"= against an array is false.", `{ $.users = 1 }`, `{"users": [1, 2, 3]}`, false},
		{"!= against an array is false too.", `{ $.users != 1 }`, `{"users": [1, 2, 3]}`, false},
		{"!= against an object is false.", `{ $.user != "x" }`, guideCompoundEvent, false},
		{"!= against a missing property is false.", `{ $.missing != "x" }`, guideCompoundEvent, false},
		// Guide, "OR pattern matching" for JSON: {"foo": "bar"} and {"foo": "baz"}.
		{"{$.foo = bar} matches the first OR event.", `{$.foo = bar}`, `{"foo": "bar"}`, true},
		{"{$.foo = bar} does not match the second OR event.", `{$.foo = bar}`, `{"foo": "baz"}`, false},
		{"{$.foo = baz } matches the second OR event.", `{$.foo = baz }`, `{"foo": "baz"}`, true},
		{"{$.foo = bar || $.foo = baz } matches the first OR event.", `{$.foo = bar || $.foo = baz }`, `{"foo": "bar"}`, true},
		{"{$.foo = bar || $.foo = baz } matches the second OR event.", `{$.foo = bar || $.foo = baz }`, `{"foo": "baz"}`, true},
		{"{$.foo = bar || $.foo = baz } does not match a third value.", `{$.foo = bar || $.foo = baz }`, `{"foo": "qux"}`, false},
		// Guide, "JSON Compound Conditions", with their stated results.
		{"Parenthesised conditions joined by && match.", `{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }`, guideCompoundEvent, true},
		{"A false && group or a false condition does not match.", `{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }`, guideCompoundEvent, false},
		{"&& binds tighter than ||: a true left side matches.", `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }`, guideCompoundEvent, true},
		{"Parentheses override the precedence: the && then fails.", `{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }`, guideCompoundEvent, false},
		{"Nested arrays take one index each.", `{ $.coordinates[1][2] = 6 }`, guideCompoundEvent, true},
		{"Nested parentheses are allowed.", `{ (($.user.id = 1)) }`, guideCompoundEvent, true},
		// Wildcards in selectors (reading chosen: any element or property).
		{"[*] reaches every array element: one matches.", `{ $.users[*].email = "Jane.Doe@example.com" }`, guideCompoundEvent, true},
		{"[*] reaches every array element: none matches.", `{ $.users[*].email = "nobody@example.com" }`, guideCompoundEvent, false},
		{".* reaches every property: one matches.", `{ $.user.* = "John.Stiles@example.com" }`, guideCompoundEvent, true},
		{".* reaches every property: none matches.", `{ $.user.* = "nobody" }`, guideCompoundEvent, false},
		{"NOT EXISTS with a wildcard holds when nothing is reached.", `{ $.users[*].phone NOT EXISTS }`, guideCompoundEvent, true},
		{"NOT EXISTS with a wildcard fails when something is reached.", `{ $.users[*].email NOT EXISTS }`, guideCompoundEvent, false},
		// Events that are not JSON never match a JSON pattern.
		{"A text event does not match a JSON pattern.", `{ $.a = * }`, `a=1`, false},
		{"A truncated JSON event does not match.", `{ $.a = * }`, `{"a": 1`, false},
		{"Two JSON values in one event do not match.", `{ $.a = * }`, `{"a": 1} {"a": 2}`, false},
	})
}

// Guide, "Numeric Comparisons": every operator, both sides of the boundary, numbers
// in JSON against strings in JSON.
func TestJSONNumericComparisons(t *testing.T) {
	runMatchCases(t, []matchCase{
		{">= holds at the boundary.", `{ $.latency >= 500 }`, `{"latency": 500}`, true},
		{">= fails just below.", `{ $.latency >= 500 }`, `{"latency": 499.9}`, false},
		{"> fails at the boundary.", `{ $.latency > 500 }`, `{"latency": 500}`, false},
		{"> holds just above.", `{ $.latency > 500 }`, `{"latency": 500.1}`, true},
		{"< holds just below.", `{ $.numbers[0] < 10e3 }`, `{"numbers": [9999]}`, true},
		{"< fails at the boundary, written in scientific notation.", `{ $.numbers[0] < 10e3 }`, `{"numbers": [10000]}`, false},
		{"A negative exponent: 0.009 < 10e-3.", `{ $.numbers[0] < 10e-3 }`, `{"numbers": [0.009]}`, true},
		{"A negative exponent: 0.01 is not < 10e-3.", `{ $.numbers[0] < 10e-3 }`, `{"numbers": [0.01]}`, false},
		{"<= holds at the boundary.", `{ $.processes[4].averageRuntime <= 55.5 }`, `{"processes": [{},{},{},{},{"averageRuntime": 55.5}]}`, true},
		{"<= fails just above.", `{ $.processes[4].averageRuntime <= 55.5 }`, `{"processes": [{},{},{},{},{"averageRuntime": 55.6}]}`, false},
		{"= compares numerically: 400 = 400.0.", `{ $.errorCode = 400 }`, `{"errorCode": 400.0}`, true},
		{"= compares numerically: 4e2 = 400.", `{ $.errorCode = 400 }`, `{"errorCode": 4e2}`, true},
		{"= fails for another number.", `{ $.errorCode = 400 }`, `{"errorCode": 401}`, false},
		{"!= holds for another number.", `{ $.errorCode != 500 }`, `{"errorCode": 400}`, true},
		{"!= fails for the same number.", `{ $.errorCode != 500 }`, `{"errorCode": 500}`, false},
		{"A plus sign is allowed: 1001 > +1000.", `{ $.latency > +1000 }`, `{"latency": 1001}`, true},
		{"A plus sign is allowed: 1000 is not > +1000.", `{ $.latency > +1000 }`, `{"latency": 1000}`, false},
		{"Negative numbers compare as numbers.", `{ $.t < -5 }`, `{"t": -10}`, true},
		{"A number in a JSON string is not a number: = is false.", `{ $.errorCode = 400 }`, `{"errorCode": "400"}`, false},
		{"A number in a JSON string is not a number: != is false.", `{ $.errorCode != 500 }`, `{"errorCode": "400"}`, false},
		{"A number in a JSON string is not a number: > is false.", `{ $.latency > 1 }`, `{"latency": "50"}`, false},
		{"A quoted number compares as a string against the number's text.", `{ $.errorCode = "400" }`, `{"errorCode": 400}`, true},
		{"A numeric comparison on a missing property is false.", `{ $.latency > 1 }`, `{}`, false},
		{"A numeric comparison on a boolean is false.", `{ $.latency > 1 }`, `{"latency": true}`, false},
	})
}

func TestJSONPatternsAreRejectedWithTheirColumn(t *testing.T) {
	runErrorCases(t, []errorCase{
		{"A selector must start with $.", `{ eventType = "x" }`, `column 3: expected a selector such as $.field, or (, got 'e'`},
		{"$ alone is not a selector.", `{ $ = "x" }`, `column 4: expected .property after $, as in $.eventType, got ' '`},
		{"An index must follow a property.", `{ $[0] = "x" }`, `column 4: expected .property after $: an array index must follow a property, as in $.users[0]`},
		{"An index must be a number.", `{ $.a[x] = 1 }`, `column 7: expected an array index (a number) or * after [, got 'x'`},
		{"An index must be closed.", `{ $.a[0 = 1 }`, `column 8: expected ] to close the array index, got ' '`},
		{"A property name cannot be empty.", `{ $.a. = 1 }`, `column 7: expected a property name (letters, digits, - or _) or * after ., got ' '`},
		{"A property name cannot hold @.", `{ $.@timestamp = 1 }`, `column 5: expected a property name (letters, digits, - or _) or * after ., got '@'`},
		{"An unknown operator is refused.", `{ $.a ~ 1 }`, `column 7: expected =, !=, <, <=, >, >=, IS or NOT EXISTS after the selector $.a, got '~'`},
		{"== is not an operator.", `{ $.a == 1 }`, `column 8: expected a value after =, got '='`},
		{"A value is required.", `{ $.a = }`, `column 9: expected a value after =, got '}'`},
		{"< takes numbers only.", `{ $.a < abc }`, `column 9: expected a number after <, got "abc"`},
		{"> takes no quoted string.", `{ $.a > "5" }`, `column 9: expected a number after > (only = and != compare strings), got a quoted string`},
		{"A value with @ must be quoted.", `{ $.email = a@b.com }`, `column 14: '@' cannot appear in an unquoted value: put the value in double quotes`},
		{"IS takes NULL, TRUE or FALSE.", `{ $.a IS EMPTY }`, `column 10: expected NULL, TRUE or FALSE after IS, got 'E'`},
		{"NOT takes EXISTS.", `{ $.a NOT NULL }`, `column 11: expected EXISTS after NOT, got 'N'`},
		{"Keywords are upper case.", `{ $.a is null }`, `column 7: expected =, !=, <, <=, >, >=, IS or NOT EXISTS after the selector $.a, got 'i'`},
		{"A single & is not AND.", `{ $.a = 1 & $.b = 2 }`, `column 11: expected && or || or the closing } of the JSON pattern, got '&'`},
		{"A pattern must close its brace.", `{ $.a = 1`, `column 10: expected && or || or the closing } of the JSON pattern, got the end of the pattern`},
		{"A parenthesis must be closed.", `{ ($.a = 1 }`, `column 12: expected && or || or a closing ), got '}'`},
		{"Nothing may follow the closing brace.", `{ $.a = 1 } ERROR`, `column 13: expected the end of the pattern after the closing }, got 'E'`},
		{"An empty JSON pattern is refused.", `{ }`, `column 3: expected a selector such as $.field, or (, got '}'`},
		{"A dangling || is refused.", `{ $.a = 1 || }`, `column 14: expected a selector such as $.field, or (, got '}'`},
		{"An unterminated string is refused at its quote.", `{ $.a = "abc }`, `column 9: unterminated quoted string: expected a closing "`},
	})
}

func TestParseNumberAcceptsWhatTheGuideCallsANumber(t *testing.T) {
	for s, want := range map[string]bool{
		"500": true, "+1000": true, "-5": true, "55.5": true, ".5": true, "5.": true,
		"10e3": true, "10e-3": true, "1.5E+2": true, "-0": true,
		"": false, "+": false, ".": false, "e3": false, "10e": false, "10e+": false,
		"1.2.3": false, "0x10": false, "NaN": false, "Inf": false, "4*": false, "1 ": false,
	} {
		if _, got := parseNumber(s); got != want {
			t.Errorf("parseNumber(%q) ok = %v, want %v", s, got, want)
		}
	}
	if f, _ := parseNumber("10e-3"); f != 0.01 {
		t.Errorf("10e-3 = %v, want 0.01", f)
	}
}

// AWS Security Hub's CIS controls for CloudTrail (published by AWS) use these
// metric filter patterns on CloudTrail events.
func TestJSONPatternsOfTheCISCloudTrailControls(t *testing.T) {
	const unauthorized = `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }`
	const consoleNoMFA = `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`
	const rootUse = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
	runMatchCases(t, []matchCase{
		{"An UnauthorizedOperation error code matches the suffix wildcard.", unauthorized, `{"errorCode": "Client.UnauthorizedOperation"}`, true},
		{"An AccessDenied error code matches the prefix wildcard.", unauthorized, `{"errorCode": "AccessDeniedException"}`, true},
		{"Another error code matches neither.", unauthorized, `{"errorCode": "ThrottlingException"}`, false},
		{"A console login without MFA matches.", consoleNoMFA, `{"eventName": "ConsoleLogin", "additionalEventData": {"MFAUsed": "No"}}`, true},
		{"A console login with MFA does not match.", consoleNoMFA, `{"eventName": "ConsoleLogin", "additionalEventData": {"MFAUsed": "Yes"}}`, false},
		{"A console login without additionalEventData does not match (!= needs a value).", consoleNoMFA, `{"eventName": "ConsoleLogin"}`, false},
		{"Root acting in person matches.", rootUse, `{"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"}`, true},
		{"Root through a service does not match.", rootUse, `{"userIdentity": {"type": "Root", "invokedBy": "s3.amazonaws.com"}, "eventType": "AwsApiCall"}`, false},
		{"A service event does not match.", rootUse, `{"userIdentity": {"type": "Root"}, "eventType": "AwsServiceEvent"}`, false},
		{"An unquoted dotted value compares as a string.", `{ $.eventSource = organizations.amazonaws.com }`, `{"eventSource": "organizations.amazonaws.com"}`, true},
	})
}
