// Package logs defines, as plain data, what vigil watches in CloudWatch Logs: the
// metric filters of each service's log group (HTTP 4xx, 5xx and 502 and application
// errors, in the service's log format, plus the team's own patterns), the CIS AWS
// Foundations monitoring filters on the CloudTrail log group (v1.4 4.1-4.15, the same
// set as v3.0 section 4), the alarm of each filter (an alerts/cloudwatch Alarm, so that
// components/alarms routes it to the topic of its severity like every other alarm),
// the saved Logs Insights queries of each service, and the CloudTrail trail vigil
// creates when a stack asks for one.
//
// Build turns a Config into a Set and checks everything CloudWatch Logs would refuse
// halfway through `pulumi up` (pattern syntax and length, 100 filters and 5 regex
// filters per log group, 2 regular expressions per pattern, log group names, metric
// names and namespaces, one metric transformation per filter), using the
// alerts/logfilter engine, which also runs every filter against sample lines in the
// tests and in `vigil logs test`.
//
// Every filter publishes one metric without dimensions: its name is the filter's name
// (<prefix>-<resource>-<slug>, which is the alarm's name too), in the namespace of
// Options.Namespace. A filter that counts events publishes 1 for a matching event and
// 0 (its default value) for every other event, so the metric reads 0 rather than
// nothing while the service logs normally.
//
// It is pure Go: no Pulumi, no I/O; components/logfilters turns a Set into resources.
package logs
