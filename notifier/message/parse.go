package message

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Parse reads one SNS record. It never fails: a message it does not understand is
// returned as KindText or KindUnknown with Raw holding it unchanged, so that nothing
// that reaches a topic is dropped.
func Parse(r Record) Notification {
	n := Notification{
		Severity: severityFromTopic(r.TopicArn),
		Time:     r.Timestamp,
		Raw:      r.Message,
		Source:   Source{TopicArn: r.TopicArn, MessageID: r.MessageID, Subject: r.Subject},
	}
	body := strings.TrimSpace(r.Message)
	if strings.HasPrefix(body, "{") && json.Valid([]byte(body)) {
		if parseAlarm(&n, []byte(body)) {
			return n
		}
		n.Kind, n.Status = KindUnknown, StatusInfo
		n.Title = firstNonEmpty(r.Subject, "Unrecognised message")
		return n
	}
	if parseAlertmanager(&n, r) {
		return n
	}
	n.Kind, n.Status = KindText, StatusInfo
	n.Title = firstNonEmpty(r.Subject, firstLine(body, 120), "(empty message)")
	return n
}

// severityFromTopic reads the severity that ends a vigil topic's name
// (<prefix>-critical), or "" for any other topic.
func severityFromTopic(arn string) Severity {
	name := arn[strings.LastIndexByte(arn, ':')+1:]
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return ""
	}
	if s := Severity(name[i+1:]); s.Valid() {
		return s
	}
	return ""
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// firstLine is the first non-blank line of s, cut at max runes.
func firstLine(s string, max int) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return Truncate(line, max)
		}
	}
	return ""
}

// Truncate cuts s to at most max runes, ending with "…" when it cut. max below 1
// gives "".
func Truncate(s string, max int) string {
	if max < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	return string(runes[:max-1]) + "…"
}

// decodeLoose unmarshals data into v, numbers as json.Number.
func decodeLoose(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}
