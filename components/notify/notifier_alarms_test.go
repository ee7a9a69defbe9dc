package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/notifier/message"
)

func TestTheNotificationPathIsWatchedByAlarmsThatGoByEMailAlone(t *testing.T) {
	cloud, n := deployProd(t)
	type alarm struct{ name, namespace, metric, stat, dimension, value string }
	var got []alarm
	for _, r := range cloud.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		p := r.Plain()
		assert.Equal(t, "GreaterThanThreshold", p["comparisonOperator"], r.Name)
		assert.Equal(t, 0.0, p["threshold"], r.Name)
		assert.Equal(t, 300.0, p["period"], r.Name)
		assert.Equal(t, 1.0, p["evaluationPeriods"], r.Name)
		assert.Equal(t, "notBreaching", p["treatMissingData"], r.Name)
		topic := "arn:aws:sns:eu-west-1:123456789012:vigil-prod-notifier-alarms"
		assert.Equal(t, []any{topic}, p["alarmActions"], "%s: to the e-mail topic only", r.Name)
		assert.Equal(t, []any{topic}, p["okActions"], r.Name)
		assert.Contains(t, p["alarmDescription"], "\nservice: notifier\nenvironment: prod", r.Name)
		dims := p["dimensions"].(map[string]any)
		require.Len(t, dims, 1, r.Name)
		for k, v := range dims {
			got = append(got, alarm{p["name"].(string), p["namespace"].(string), p["metricName"].(string), p["statistic"].(string), k, v.(string)})
		}
	}
	assert.ElementsMatch(t, []alarm{
		{"vigil-prod-notifier-dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", "QueueName", "vigil-prod-notifier-dlq"},
		{"vigil-prod-notifier-errors", "AWS/Lambda", "Errors", "Sum", "FunctionName", "vigil-prod-notifier"},
		{"vigil-prod-notifier-throttles", "AWS/Lambda", "Throttles", "Sum", "FunctionName", "vigil-prod-notifier"},
		{"vigil-prod-critical-topic-deliveries-failed", "AWS/SNS", "NumberOfNotificationsFailed", "Sum", "TopicName", "vigil-prod-critical"},
		{"vigil-prod-high-topic-deliveries-failed", "AWS/SNS", "NumberOfNotificationsFailed", "Sum", "TopicName", "vigil-prod-high"},
		{"vigil-prod-medium-topic-deliveries-failed", "AWS/SNS", "NumberOfNotificationsFailed", "Sum", "TopicName", "vigil-prod-medium"},
		{"vigil-prod-low-topic-deliveries-failed", "AWS/SNS", "NumberOfNotificationsFailed", "Sum", "TopicName", "vigil-prod-low"},
	}, got)
	require.NotNil(t, n.Alarms)

	// The alarm topic: encrypted, published to by the account's alarms, and e-mail only.
	topic := named(t, cloud, "aws:sns/topic:Topic", "notifier-alarm-topic").Plain()
	assert.Equal(t, "vigil-prod-notifier-alarms", topic["name"])
	assert.True(t, strings.HasPrefix(topic["kmsMasterKeyId"].(string), keyPrefix))
	doc := policyOf(t, named(t, cloud, "aws:sns/topicPolicy:TopicPolicy", "notifier-alarm-topic-policy"))
	assert.Equal(t, TopicPolicy("aws", account, region, "arn:aws:sns:eu-west-1:123456789012:vigil-prod-notifier-alarms", nil), doc)
	var emails []string
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if str(t, s, "topic") == "arn:aws:sns:eu-west-1:123456789012:vigil-prod-notifier-alarms" {
			assert.Equal(t, "email", str(t, s, "protocol"), s.Name)
			emails = append(emails, str(t, s, "endpoint"))
		}
	}
	assert.ElementsMatch(t, []string{"oncall@example.com", "platform@example.com"}, emails)
}

// What Describe writes is what the notifier reads: a CloudWatch state change of one
// of these alarms names its service, environment and runbook in the chat message.
func TestTheNotifierReadsServiceEnvironmentAndRunbookFromTheDescriptionsVigilWrites(t *testing.T) {
	alarms := NotifierAlarms("vigil-prod", "https://example.com/runbooks.md", map[string]string{"vigil:stack": "prod"})
	require.NoError(t, cw.Validate(cw.Set{Alarms: alarms}))
	for _, a := range alarms {
		body, err := json.Marshal(map[string]any{
			"AlarmName": a.Name, "AlarmDescription": a.Description, "NewStateValue": "ALARM", "OldStateValue": "OK",
			"NewStateReason": "Threshold Crossed", "StateChangeTime": "2026-12-01T20:00:00.000+0000", "Region": "EU (Ireland)",
			"AlarmArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:" + a.Name, "AWSAccountId": account,
			"Trigger": map[string]any{"MetricName": a.MetricName, "Namespace": a.Namespace, "Statistic": "SUM", "Period": 300,
				"EvaluationPeriods": 1, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0, "Dimensions": []any{}},
		})
		require.NoError(t, err)
		n := message.Parse(message.Record{TopicArn: "arn:aws:sns:eu-west-1:123456789012:vigil-prod-notifier-alarms", Message: string(body), Timestamp: time.Now()})
		assert.Equal(t, "notifier", n.Service, a.Name)
		assert.Equal(t, "prod", n.Environment, a.Name)
		require.NotNil(t, n.Alarm, a.Name)
		assert.Equal(t, "https://example.com/runbooks.md#"+a.Slug, n.Alarm.RunbookURL, a.Name)
	}
}

// The description keeps the lines the notifier reads, whatever the length of the
// summary: at CloudWatch's 1024 characters the prose is cut, never the keys.
func TestADescriptionFitsCloudWatchsLimitAndKeepsItsKeys(t *testing.T) {
	base := NotifierAlarms("vigil-prod", "https://example.com/runbooks.md", map[string]string{"vigil:stack": "prod"})[0]
	keys := "\nservice: notifier\nenvironment: prod\nRunbook: https://example.com/runbooks.md#dlq-not-empty"
	// With an empty summary the first line is "Fires when ..."; a summary of n
	// characters adds n+1 (its space).
	empty := base
	empty.Summary = ""
	exact := cw.MaxDescriptionLength - len([]rune(cw.Describe(empty))) - 1
	for name, tc := range map[string]struct {
		summaryLen int
		cut        bool
	}{
		"A short summary is kept whole.":                        {10, false},
		"A description of exactly 1024 characters is kept.":     {exact, false},
		"One character more and the prose ends in an ellipsis.": {exact + 1, true},
		"A very long summary is cut to the limit.":              {5000, true},
	} {
		a := base
		a.Summary = strings.Repeat("s", tc.summaryLen)
		d := cw.Describe(a)
		assert.LessOrEqual(t, len([]rune(d)), cw.MaxDescriptionLength, name)
		if tc.summaryLen >= exact {
			assert.Equal(t, cw.MaxDescriptionLength, len([]rune(d)), "%s: as long as allowed", name)
		}
		assert.True(t, strings.HasSuffix(d, keys), "%s: %q", name, d)
		first := strings.SplitN(d, "\n", 2)[0]
		assert.Equal(t, tc.cut, strings.HasSuffix(first, "…"), "%s: %q", name, first)
		if !tc.cut {
			assert.True(t, strings.HasSuffix(first, "(no data counts as fine)."), name)
		}
	}
}

func TestTheDailySummaryIsScheduledInItsTimeZoneAndItsRoleMayOnlyInvokeTheFunction(t *testing.T) {
	cloud, _ := deployProd(t)
	s := named(t, cloud, "aws:scheduler/schedule:Schedule", "notifier-daily-summary").Plain()
	assert.Equal(t, "vigil-prod-notifier-daily-summary", s["name"])
	assert.Equal(t, "cron(30 8 * * ? *)", s["scheduleExpression"])
	assert.Equal(t, "Europe/Paris", s["scheduleExpressionTimezone"])
	assert.Equal(t, map[string]any{"mode": "OFF"}, s["flexibleTimeWindow"])
	target := s["target"].(map[string]any)
	assert.Equal(t, "arn:aws:lambda:eu-west-1:123456789012:notifier-function", target["arn"])
	assert.Equal(t, `{"action":"daily-summary"}`, target["input"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/vigil-prod-notifier-schedule", target["roleArn"])

	assert.Equal(t, []iampolicy.Statement{{Sid: "InvokeNotifier", Effect: "Allow", Action: []string{"lambda:InvokeFunction"},
		Resource: []string{"arn:aws:lambda:eu-west-1:123456789012:notifier-function"}}}, policyStatements(t, cloud, "notifier-schedule-policy"))
	role := named(t, cloud, "aws:iam/role:Role", "notifier-schedule-role")
	assert.Equal(t, "vigil-prod-notifier-schedule", str(t, role, "name"))
	var trust TrustDocument
	require.NoError(t, role.DecodeJSON("assumeRolePolicy", &trust))
	assert.Equal(t, []TrustStatement{{Sid: "SchedulerAssumesRole", Effect: "Allow",
		Principal: iampolicy.Principal{Service: []string{"scheduler.amazonaws.com"}}, Action: []string{"sts:AssumeRole"},
		Condition: cond{"StringEquals": {"aws:SourceAccount": {account}}}}}, trust.Statement)
}

func TestScheduleExpressionsCoverTheWholeDay(t *testing.T) {
	for at, want := range map[string]string{
		"":      "cron(0 9 * * ? *)",
		"00:00": "cron(0 0 * * ? *)",
		"09:05": "cron(5 9 * * ? *)",
		"12:30": "cron(30 12 * * ? *)",
		"23:59": "cron(59 23 * * ? *)",
	} {
		assert.Equal(t, want, (&DailySummary{At: at}).ScheduleExpression(), at)
	}
	_, _, zone := (&DailySummary{}).scheduleAt("")
	assert.Equal(t, "UTC", zone, "no zone anywhere means UTC")
	_, _, zone = (&DailySummary{}).scheduleAt("Asia/Tokyo")
	assert.Equal(t, "Asia/Tokyo", zone, "the notifier's zone by default")
	_, _, zone = (&DailySummary{TimeZone: "America/New_York"}).scheduleAt("Asia/Tokyo")
	assert.Equal(t, "America/New_York", zone, "the summary's own zone first")
}

func TestKeyPolicyForAddsOnlyWhatItIsAskedFor(t *testing.T) {
	plain := KeyPolicy("aws", account, region, nil)
	assert.Equal(t, plain, KeyPolicyFor("aws", account, region, nil, KeyUse{}), "no use, no statement")
	doc := KeyPolicyFor("aws-cn", account, "cn-north-1", nil, KeyUse{LogGroups: []string{"/a", "/b"}, SQS: true})
	assert.Empty(t, doc.Lint())
	added := doc.Statement[len(plain.Statement):]
	require.Len(t, added, 2, "log groups and SQS, no Secrets Manager")
	assert.Equal(t, []string{"logs.cn-north-1.amazonaws.com.cn"}, added[0].Principal.Service)
	assert.Equal(t, cond{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {
		"arn:aws-cn:logs:cn-north-1:123456789012:log-group:/a", "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/b"}}}, added[0].Condition)
	assert.Equal(t, "AccountPrincipalsUseKeyThroughSQS", added[1].Sid)
	assert.Equal(t, []string{"arn:aws-cn:iam::123456789012:root"}, added[1].Principal.AWS)
	assert.Equal(t, []string{"sqs.cn-north-1.amazonaws.com.cn"}, added[1].Condition["StringEquals"]["kms:ViaService"])
}

func TestKeyUseCoversOnlyWhatItAllows(t *testing.T) {
	need := NotifierKeyUse("vigil-prod")
	assert.True(t, need.covers(need))
	assert.True(t, KeyUse{LogGroups: []string{"/other", need.LogGroups[0]}, SecretsManager: true, SQS: true}.covers(need))
	assert.False(t, KeyUse{LogGroups: need.LogGroups, SecretsManager: true}.covers(need), "no SQS")
	assert.False(t, KeyUse{LogGroups: need.LogGroups, SQS: true}.covers(need), "no Secrets Manager")
	assert.False(t, KeyUse{LogGroups: []string{"/aws/lambda/vigil-dev-notifier"}, SecretsManager: true, SQS: true}.covers(need), "another log group")
	assert.True(t, KeyUse{}.covers(KeyUse{}))
	_ = alerts.Critical
}
