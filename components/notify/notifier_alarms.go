package notify

import (
	"fmt"

	"github.com/vigilops/vigil/alerts"
	cw "github.com/vigilops/vigil/alerts/cloudwatch"
)

// notifierAlarmPeriod is the period of the notifier's alarms: SQS publishes its
// queue metrics every five minutes, and one failed delivery is enough to tell.
const notifierAlarmPeriod = 300

// NotifierAlarms are the alarms on the notification path itself, each ALARM as soon
// as one five-minute period counts one failure:
//   - notifier-dlq-not-empty: events the function failed on, after Lambda's retries,
//     wait in its dead-letter queue;
//   - notifier-errors and notifier-throttles: invocations failed or were refused;
//   - <severity>-topic-deliveries-failed, for every severity topic: SNS could not
//     deliver a notification to one of its subscribers (the function, PagerDuty, a
//     webhook, e-mail, SMS).
//
// Missing data counts as fine: these metrics are only published when something
// happens. All are high; the component sends them to its e-mail-only alarm topic,
// whatever their severity. Descriptions come from cloudwatch.Describe, so the
// notifier and people read them alike. runbookBase "" links no runbook.
func NotifierAlarms(prefix, runbookBase string, tags map[string]string) []cw.Alarm {
	return append(notifierAlarms(prefix, runbookBase, tags), TopicDeliveryAlarms(prefix, prefix, "", runbookBase, tags)...)
}

// TopicDeliveryAlarms are the <severity>-topic-deliveries-failed alarms of the topics
// of topicPrefix. For topics of another region, region names it: the alarms live
// there (Alarm.Region) and their resource names end in it, so that both sets fit in
// one alarm component.
func TopicDeliveryAlarms(prefix, topicPrefix, region, runbookBase string, tags map[string]string) []cw.Alarm {
	var out []cw.Alarm
	for _, sev := range alerts.Severities() {
		resource := string(sev) + "-topic"
		if region != "" {
			resource += "-" + region
		}
		a := notifierAlarm(prefix, runbookBase, tags, resource, "deliveries-failed",
			fmt.Sprintf("SNS could not deliver notifications of the %s topic to a subscriber.", sev),
			"AWS/SNS", "NumberOfNotificationsFailed", "Sum", map[string]string{"TopicName": topicName(topicPrefix, sev)})
		a.Region = region
		out = append(out, a)
	}
	return out
}

func notifierAlarms(prefix, runbookBase string, tags map[string]string) []cw.Alarm {
	fn := NotifierFunctionName(prefix)
	alarm := func(resource, slug, summary, namespace, metric, stat string, dims map[string]string) cw.Alarm {
		return notifierAlarm(prefix, runbookBase, tags, resource, slug, summary, namespace, metric, stat, dims)
	}
	return []cw.Alarm{
		alarm("notifier", "dlq-not-empty",
			"Notifications the notifier could not deliver, after Lambda's retries, wait in its dead-letter queue.",
			"AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", map[string]string{"QueueName": notifierQueueName(prefix)}),
		alarm("notifier", "errors", "Invocations of the notifier failed: chat channels may miss notifications.",
			"AWS/Lambda", "Errors", "Sum", map[string]string{"FunctionName": fn}),
		alarm("notifier", "throttles", "Invocations of the notifier were throttled: notifications are delayed or lost.",
			"AWS/Lambda", "Throttles", "Sum", map[string]string{"FunctionName": fn}),
	}
}

func notifierAlarm(prefix, runbookBase string, tags map[string]string, resource, slug, summary, namespace, metric, stat string, dims map[string]string) cw.Alarm {
	a := cw.Alarm{
		Slug: slug, Name: cw.AlarmName(prefix, resource, slug), Resource: resource, Service: "notifier",
		Path: "NotifierAlarms." + resource + "." + slug, Severity: alerts.High, Summary: summary,
		Namespace: namespace, MetricName: metric, Dimensions: dims, Statistic: stat,
		Period: notifierAlarmPeriod, EvaluationPeriods: 1, DatapointsToAlarm: 1,
		Threshold: 0, Comparison: cw.GreaterThan, TreatMissingData: cw.NotBreaching,
	}
	if runbookBase != "" {
		a.RunbookURL = cw.RunbookURL(runbookBase, slug)
	}
	a.Tags = map[string]string{}
	for k, v := range tags {
		a.Tags[k] = v
	}
	a.Tags["vigil:alarm"], a.Tags["vigil:resource"], a.Tags["vigil:severity"] = slug, resource, string(a.Severity)
	a.Description = cw.Describe(a)
	return a
}

func notifierQueueName(prefix string) string      { return NotifierFunctionName(prefix) + "-dlq" }
func notifierAlarmTopicName(prefix string) string { return NotifierFunctionName(prefix) + "-alarms" }
