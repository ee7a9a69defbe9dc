package message_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/notifier/internal/fixture"
	"github.com/vigilops/vigil/notifier/message"
)

func parseFixture(t *testing.T, name string) message.Notification {
	t.Helper()
	r, err := fixture.Record(name)
	require.NoError(t, err)
	return message.Parse(r)
}

func f(v float64) *float64 { return &v }

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAMetricAlarmGoingToALARMIsReadWithItsMetricValueAndThreshold(t *testing.T) {
	n := parseFixture(t, "metric-alarm")
	assert.Equal(t, message.KindMetricAlarm, n.Kind)
	assert.Equal(t, message.StatusFiring, n.Status)
	assert.Equal(t, message.High, n.Severity, "from the topic reservations-prod-high")
	assert.Equal(t, "reservations-prod-api-cpu-high", n.Title)
	assert.Equal(t, "api", n.Service, "from the description's service: line")
	assert.Equal(t, "prod", n.Environment)
	assert.Equal(t, utc("2026-12-01T19:35:12.345Z"), n.Time, "StateChangeTime, not SNS's timestamp")
	require.NotNil(t, n.Alarm)
	a := n.Alarm
	assert.Equal(t, "eu-west-1", a.Region)
	assert.Equal(t, "EU (Ireland)", a.RegionName)
	assert.Equal(t, "aws", a.Partition())
	assert.Equal(t, "123456789012", a.AccountID)
	assert.Equal(t, "OK", a.OldState)
	assert.Equal(t, "https://runbooks.example.com/ecs-cpu-high", a.RunbookURL)
	assert.Equal(t, f(92.5), a.Value, "the newest datapoint, listed first")
	require.NotNil(t, a.Metric)
	assert.Equal(t, message.Metric{
		Namespace: "AWS/ECS", Name: "CPUUtilization", Statistic: "AVERAGE",
		Dimensions:    []message.Dimension{{Name: "ClusterName", Value: "reservations-prod"}, {Name: "ServiceName", Value: "api"}},
		PeriodSeconds: 60, EvaluationPeriods: 5, DatapointsToAlarm: 5,
		Comparison: "GreaterThanThreshold", Threshold: f(80), TreatMissingData: "missing",
	}, *a.Metric)
	assert.Contains(t, n.Summary, "were greater than the threshold (80.0)")
}

func TestCloudWatchStateChangesMapToStatuses(t *testing.T) {
	tests := map[string]struct {
		fixture  string
		status   message.Status
		severity message.Severity
		value    *float64
	}{
		"An alarm back to OK is a recovery, with the value that recovered it.":              {"metric-ok", message.StatusResolved, message.High, f(41.3)},
		"An alarm in INSUFFICIENT_DATA is neither firing nor resolved and quotes no value.": {"metric-insufficient-data", message.StatusInsufficientData, message.Medium, nil},
		"A metric-math alarm in ALARM fires with the expression's newest value.":            {"metric-math-alarm", message.StatusFiring, message.Critical, f(7.24)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := parseFixture(t, tt.fixture)
			assert.Equal(t, message.KindMetricAlarm, n.Kind)
			assert.Equal(t, tt.status, n.Status)
			assert.Equal(t, tt.severity, n.Severity)
			assert.Equal(t, tt.value, n.Alarm.Value)
		})
	}
}

func TestAMetricMathAlarmNamesItsReturnedExpression(t *testing.T) {
	n := parseFixture(t, "metric-math-alarm")
	m := n.Alarm.Metric
	require.NotNil(t, m)
	assert.Equal(t, "100 * errors / requests", m.Expression)
	assert.Equal(t, "5xx rate (%)", m.Name, "the expression's label")
	assert.Equal(t, f(5), m.Threshold)
	assert.Equal(t, "api", n.Service)
	assert.Empty(t, n.Environment, "the description does not say")
}

func TestAnAlarmWithoutADescriptionHasNoServiceUnlessADimensionNamesIt(t *testing.T) {
	n := parseFixture(t, "metric-insufficient-data")
	assert.Empty(t, n.Alarm.Description, "null in the message")
	assert.Empty(t, n.Service, "QueueName is not a service dimension")
	assert.Empty(t, n.Alarm.RunbookURL)
	assert.Equal(t, f(1000), n.Alarm.Metric.Threshold)
}

func TestACompositeAlarmIsReadWithItsRuleAndTheChildThatTriggeredIt(t *testing.T) {
	n := parseFixture(t, "composite-alarm")
	assert.Equal(t, message.KindCompositeAlarm, n.Kind)
	assert.Equal(t, message.StatusFiring, n.Status)
	assert.Equal(t, message.Critical, n.Severity)
	require.NotNil(t, n.Alarm)
	assert.Nil(t, n.Alarm.Metric)
	assert.Equal(t, `ALARM("reservations-prod-api-5xx-rate") AND ALARM("reservations-prod-api-latency-p99")`, n.Alarm.Rule)
	assert.Equal(t, []message.Child{{
		ARN:   "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:reservations-prod-api-5xx-rate",
		Name:  "reservations-prod-api-5xx-rate",
		State: "ALARM",
		Time:  utc("2026-12-01T19:41:07.512Z"),
	}}, n.Alarm.Children)
	assert.Equal(t, "https://runbooks.example.com/api-degraded", n.Alarm.RunbookURL, "from runbook_url:")
}

func TestTriggeringChildrenAreReadAsTheDocumentedStringsToo(t *testing.T) {
	n := message.Parse(message.Record{Message: `{"AlarmName":"c","NewStateValue":"OK","AlarmRule":"ALARM(a)",
		"TriggeringChildren":["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"]}`})
	assert.Equal(t, message.KindCompositeAlarm, n.Kind)
	assert.Equal(t, message.StatusResolved, n.Status)
	assert.Equal(t, []message.Child{{ARN: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a", Name: "a"}}, n.Alarm.Children)
}

func TestAnAlertmanagerAlertIsReadFieldByField(t *testing.T) {
	n := parseFixture(t, "alertmanager-firing")
	assert.Equal(t, message.KindAlertmanager, n.Kind)
	assert.Equal(t, message.StatusFiring, n.Status)
	assert.Equal(t, message.Critical, n.Severity)
	assert.Equal(t, "HighErrorRate", n.Title)
	assert.Equal(t, "api", n.Service)
	assert.Equal(t, "prod", n.Environment)
	assert.Equal(t, "api answers 7.2% errors", n.Summary)
	assert.Equal(t, 1, n.Firing)
	assert.Equal(t, 0, n.Resolved)
	assert.False(t, n.Truncated)
	assert.Equal(t, []message.Alert{{
		Status: message.StatusFiring, Name: "HighErrorRate", Severity: message.Critical, Service: "api", Environment: "prod",
		Summary:     "api answers 7.2% errors",
		Description: "More than 5% of api's requests failed for 3 minutes.",
		RunbookURL:  "https://runbooks.example.com/higherrorrate",
		StartsAt:    utc("2026-12-01T19:40:00Z"),
	}}, n.Alerts)
	assert.Equal(t, utc("2026-12-01T19:40:00Z"), n.Time)
}

func TestAnAlertmanagerGroupKeepsEveryAlertAndMultiLineDescriptions(t *testing.T) {
	n := parseFixture(t, "alertmanager-group")
	assert.Equal(t, message.StatusFiring, n.Status)
	assert.Equal(t, 2, n.Firing)
	assert.Equal(t, 1, n.Resolved)
	require.Len(t, n.Alerts, 3)
	assert.Equal(t, "p99 latency above 2s for 10 minutes.\nCheck the database dashboard first: slow queries show there.", n.Alerts[0].Description)
	assert.Equal(t, "https://runbooks.example.com/highlatency", n.Alerts[0].RunbookURL)
	assert.Empty(t, n.Alerts[1].Description)
	assert.Empty(t, n.Alerts[1].RunbookURL)
	assert.Equal(t, message.StatusResolved, n.Alerts[2].Status)
	assert.Equal(t, utc("2026-12-01T19:38:00Z"), n.Alerts[2].EndsAt)
	assert.Equal(t, "2 firing, 1 resolved", n.Summary)
	assert.Equal(t, utc("2026-12-01T19:38:00Z"), n.Time, "the newest change: the third alert's end")
	assert.Equal(t, "HighLatency", n.Title)
	assert.Equal(t, message.High, n.Severity)
}

func TestAResolvedGroupIsARecovery(t *testing.T) {
	n := parseFixture(t, "alertmanager-resolved")
	assert.Equal(t, message.StatusResolved, n.Status)
	assert.Equal(t, "dev", n.Environment)
	assert.Equal(t, utc("2026-12-01T19:55:00Z"), n.Time)
	require.Len(t, n.Alerts, 1)
	assert.Equal(t, utc("2026-12-01T19:00:00Z"), n.Alerts[0].StartsAt)
}

func TestALargeGroupIsReadWhole(t *testing.T) {
	n := parseFixture(t, "alertmanager-large-group")
	assert.Len(t, n.Alerts, 60)
	assert.Equal(t, 60, n.Firing)
	assert.False(t, n.Truncated)
	assert.Equal(t, "worker target 10.0.6.60:9100 is down", n.Alerts[59].Summary)
}

func TestAMessageAlertmanagerCutAtSNSsLimitIsMarkedTruncated(t *testing.T) {
	r, err := fixture.Record("alertmanager-large-group")
	require.NoError(t, err)
	tests := map[string]struct {
		cut        int
		attributes map[string]string
	}{
		"Cut in the middle of an alert, with Alertmanager's truncated attribute.": {cut: 5000, attributes: map[string]string{"truncated": "true"}},
		"Cut without the attribute: fewer alerts than the counts line says.":      {cut: 5000},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := r
			r.Message, r.Attributes = r.Message[:tt.cut], tt.attributes
			n := message.Parse(r)
			assert.Equal(t, message.KindAlertmanager, n.Kind)
			assert.True(t, n.Truncated)
			assert.Equal(t, 60, n.Firing)
			assert.Less(t, len(n.Alerts), 60)
			assert.Greater(t, len(n.Alerts), 20)
		})
	}
}

func TestAlertFieldsAreOnlyRecognisedInTheTemplatesOrder(t *testing.T) {
	msg := "1 firing, 0 resolved\n\n[FIRING] X\nseverity: low\nservice: api\nenvironment: dev\nsummary: s\n" +
		"description: first line\nservice: not the service, a line of the description\n\n[FIRING] not a new alert either\n" +
		"started: 2026-12-01 10:00:00 UTC\n"
	n := message.Parse(message.Record{Message: msg})
	require.Len(t, n.Alerts, 1)
	assert.Equal(t, "api", n.Alerts[0].Service)
	assert.Equal(t, "first line\nservice: not the service, a line of the description\n\n[FIRING] not a new alert either", n.Alerts[0].Description)
	assert.Equal(t, message.Low, n.Severity)
}

func TestTheSubjectFillsWhatTheAlertsDoNotSay(t *testing.T) {
	msg := "1 firing, 0 resolved\n\n[FIRING] X\nseverity: \nservice: \nenvironment: \nsummary: \nstarted: 2026-12-01 10:00:00 UTC\n"
	n := message.Parse(message.Record{Message: msg, Subject: "[FIRING] high prod api: X", TopicArn: "arn:aws:sns:eu-west-1:123456789012:t-low"})
	assert.Equal(t, message.High, n.Severity, "the subject wins over the topic")
	assert.Equal(t, "prod", n.Environment)
	assert.Equal(t, "api", n.Service)
}

func TestWhatIsNotAnAlarmOrAGroupIsForwardedAsItCame(t *testing.T) {
	unknown := parseFixture(t, "unknown")
	assert.Equal(t, message.KindUnknown, unknown.Kind)
	assert.Equal(t, message.StatusInfo, unknown.Status)
	assert.Equal(t, "Unrecognised message", unknown.Title)
	assert.Contains(t, unknown.Raw, `"detail-type":"ECS Task State Change"`)
	assert.Equal(t, message.Medium, unknown.Severity)

	text := parseFixture(t, "text")
	assert.Equal(t, message.KindText, text.Kind)
	assert.Equal(t, "Planned deploy", text.Title)
	assert.Equal(t, message.Low, text.Severity)
	assert.True(t, strings.HasPrefix(text.Raw, "Deploy of api 2026.12.1"))

	tests := map[string]struct {
		record message.Record
		kind   message.Kind
		title  string
	}{
		"JSON with an alarm name but a state CloudWatch does not have is unknown.": {message.Record{Message: `{"AlarmName":"a","NewStateValue":"BROKEN"}`}, message.KindUnknown, "Unrecognised message"},
		"Text without a subject is titled by its first line.":                      {message.Record{Message: "\n  backup done \nsecond line"}, message.KindText, "backup done"},
		"An empty message is still sent.":                                          {message.Record{Message: ""}, message.KindText, "(empty message)"},
		"Broken JSON is text.":                                                     {message.Record{Message: `{"AlarmName":`}, message.KindText, `{"AlarmName":`},
		"A counts line that is not the first line is text.":                        {message.Record{Message: "hello\n1 firing, 0 resolved"}, message.KindText, "hello"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := message.Parse(tt.record)
			assert.Equal(t, tt.kind, n.Kind)
			assert.Equal(t, tt.title, n.Title)
			assert.Equal(t, tt.record.Message, n.Raw)
		})
	}
}

func TestTheTopicsLastWordNamesTheSeverity(t *testing.T) {
	tests := map[string]struct {
		topic string
		want  message.Severity
	}{
		"A vigil topic ends with its severity.":        {"arn:aws:sns:eu-west-1:123456789012:team-prod-critical", message.Critical},
		"The low topic.":                               {"arn:aws:sns:eu-west-1:123456789012:team-prod-low", message.Low},
		"A topic called just critical has no prefix.":  {"arn:aws:sns:eu-west-1:123456789012:critical", ""},
		"Another word is no severity.":                 {"arn:aws:sns:eu-west-1:123456789012:team-prod-crit", ""},
		"Case matters, as in vigil's topic names.":     {"arn:aws:sns:eu-west-1:123456789012:team-prod-Critical", ""},
		"No topic at all (render from a file) is none": {"", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := message.Parse(message.Record{TopicArn: tt.topic, Message: "x"})
			assert.Equal(t, tt.want, n.Severity)
		})
	}
}

func TestTruncateCutsAtRunesAndSaysSo(t *testing.T) {
	tests := map[string]struct {
		in   string
		max  int
		want string
	}{
		"A string as long as the limit is kept.":        {"abcde", 5, "abcde"},
		"One rune more is cut, ending with an ellipsis": {"abcdef", 5, "abcd…"},
		"Runes, not bytes, are counted.":                {"ééééé", 5, "ééééé"},
		"A limit of one leaves the ellipsis.":           {"ab", 1, "…"},
		"A limit of zero leaves nothing.":               {"ab", 0, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { assert.Equal(t, tt.want, message.Truncate(tt.in, tt.max)) })
	}
}

// The notifier's severities are vigil's: the same four, in the same order.
func TestTheSeveritiesAreVigilsFour(t *testing.T) {
	var got, want []string
	for _, s := range message.Severities() {
		got = append(got, string(s))
		assert.True(t, s.Valid())
	}
	for _, s := range alerts.Severities() {
		want = append(want, string(s))
	}
	assert.Equal(t, want, got)
	assert.False(t, message.Severity("page").Valid())
}
