package message

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// cloudWatchTime is the layout of StateChangeTime and of the children's timestamps,
// such as 2026-12-01T19:35:12.345+0000.
const cloudWatchTime = "2006-01-02T15:04:05.000-0700"

// alarmMessage is the JSON CloudWatch publishes to SNS when an alarm changes state
// (the schemas "when a metric alarm changes state" and "when a composite alarm
// changes state" of CloudWatch's user guide).
type alarmMessage struct {
	AlarmName        string          `json:"AlarmName"`
	AlarmDescription *string         `json:"AlarmDescription"`
	AWSAccountID     string          `json:"AWSAccountId"`
	NewStateValue    string          `json:"NewStateValue"`
	NewStateReason   string          `json:"NewStateReason"`
	StateChangeTime  string          `json:"StateChangeTime"`
	Region           string          `json:"Region"`
	AlarmArn         string          `json:"AlarmArn"`
	OldStateValue    string          `json:"OldStateValue"`
	Trigger          *trigger        `json:"Trigger"`
	AlarmRule        *string         `json:"AlarmRule"`
	Children         json.RawMessage `json:"TriggeringChildren"`
}

type trigger struct {
	MetricName         string          `json:"MetricName"`
	Namespace          string          `json:"Namespace"`
	StatisticType      string          `json:"StatisticType"`
	Statistic          string          `json:"Statistic"`
	ExtendedStatistic  string          `json:"ExtendedStatistic"`
	Unit               *string         `json:"Unit"`
	Dimensions         []dimension     `json:"Dimensions"`
	Period             json.RawMessage `json:"Period"`
	EvaluationPeriods  json.RawMessage `json:"EvaluationPeriods"`
	DatapointsToAlarm  json.RawMessage `json:"DatapointsToAlarm"`
	ComparisonOperator string          `json:"ComparisonOperator"`
	Threshold          json.RawMessage `json:"Threshold"`
	TreatMissingData   string          `json:"TreatMissingData"`
	Metrics            []metricQuery   `json:"Metrics"`
}

type dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// metricQuery is one entry of a metric-math alarm's Trigger.Metrics.
type metricQuery struct {
	ID         string `json:"Id"`
	Expression string `json:"Expression"`
	Label      string `json:"Label"`
	ReturnData *bool  `json:"ReturnData"`
	MetricStat *struct {
		Metric struct {
			Dimensions []dimension `json:"Dimensions"`
			MetricName string      `json:"MetricName"`
			Namespace  string      `json:"Namespace"`
		} `json:"Metric"`
		Period json.RawMessage `json:"Period"`
		Stat   string          `json:"Stat"`
		Unit   string          `json:"Unit"`
	} `json:"MetricStat"`
}

type childObject struct {
	Arn   string `json:"Arn"`
	State struct {
		Value     string `json:"Value"`
		Timestamp string `json:"Timestamp"`
	} `json:"State"`
}

// parseAlarm fills n from a CloudWatch alarm message, or reports false when body is
// not one (no AlarmName, or a state CloudWatch does not have).
func parseAlarm(n *Notification, body []byte) bool {
	var m alarmMessage
	if err := decodeLoose(body, &m); err != nil || m.AlarmName == "" {
		return false
	}
	status, ok := map[string]Status{
		"ALARM": StatusFiring, "OK": StatusResolved, "INSUFFICIENT_DATA": StatusInsufficientData,
	}[m.NewStateValue]
	if !ok {
		return false
	}
	a := &Alarm{
		Name:       m.AlarmName,
		AccountID:  m.AWSAccountID,
		Region:     arnRegion(m.AlarmArn),
		RegionName: m.Region,
		ARN:        m.AlarmArn,
		State:      m.NewStateValue,
		OldState:   m.OldStateValue,
		Reason:     m.NewStateReason,
		Value:      reasonValue(m.NewStateReason),
	}
	if m.AlarmDescription != nil {
		a.Description = *m.AlarmDescription
	}
	keys := descriptionKeys(a.Description)
	a.RunbookURL = firstNonEmpty(keys["runbook_url"], keys["runbook"])

	n.Kind = KindMetricAlarm
	if m.AlarmRule != nil || (m.Trigger == nil && len(m.Children) > 0) {
		n.Kind = KindCompositeAlarm
		if m.AlarmRule != nil {
			a.Rule = *m.AlarmRule
		}
		a.Children = parseChildren(m.Children)
	} else if m.Trigger != nil {
		a.Metric = m.Trigger.metric()
	}
	n.Status = status
	n.Alarm = a
	n.Title = a.Name
	n.Summary = a.Reason
	if t, err := time.Parse(cloudWatchTime, m.StateChangeTime); err == nil {
		n.Time = t.UTC()
	}
	n.Environment = keys["environment"]
	n.Service = firstNonEmpty(keys["service"], a.dimension("ServiceName", "service", "Service"))
	if s := Severity(strings.ToLower(keys["severity"])); s.Valid() {
		n.Severity = s
	}
	return true
}

func (t *trigger) metric() *Metric {
	m := &Metric{
		Namespace:         t.Namespace,
		Name:              t.MetricName,
		Statistic:         firstNonEmpty(t.ExtendedStatistic, t.Statistic),
		Comparison:        t.ComparisonOperator,
		Threshold:         number(t.Threshold),
		TreatMissingData:  t.TreatMissingData,
		PeriodSeconds:     integer(t.Period),
		EvaluationPeriods: integer(t.EvaluationPeriods),
		DatapointsToAlarm: integer(t.DatapointsToAlarm),
	}
	if t.Unit != nil {
		m.Unit = *t.Unit
	}
	for _, d := range t.Dimensions {
		m.Dimensions = append(m.Dimensions, Dimension{Name: d.Name, Value: d.Value})
	}
	for _, q := range t.Metrics {
		returned := q.ReturnData == nil || *q.ReturnData
		if !returned {
			continue
		}
		if q.Expression != "" {
			m.Expression = q.Expression
			m.Name = firstNonEmpty(q.Label, q.ID)
		} else if q.MetricStat != nil {
			ms := q.MetricStat
			m.Namespace, m.Name, m.Statistic = ms.Metric.Namespace, ms.Metric.MetricName, ms.Stat
			m.PeriodSeconds, m.Unit = integer(ms.Period), ms.Unit
			m.Dimensions = nil
			for _, d := range ms.Metric.Dimensions {
				m.Dimensions = append(m.Dimensions, Dimension{Name: d.Name, Value: d.Value})
			}
		}
	}
	return m
}

// parseChildren reads TriggeringChildren, which the user guide documents as a list
// of strings and CloudWatch sends as objects {Arn, State: {Value, Timestamp}}.
func parseChildren(raw json.RawMessage) []Child {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []Child
	for _, item := range items {
		var c Child
		var arn string
		var obj childObject
		switch {
		case json.Unmarshal(item, &arn) == nil:
			c.ARN = arn
		case json.Unmarshal(item, &obj) == nil:
			c.ARN, c.State = obj.Arn, obj.State.Value
			if t, err := time.Parse(cloudWatchTime, obj.State.Timestamp); err == nil {
				c.Time = t.UTC()
			}
		default:
			continue
		}
		c.Name = c.ARN
		if i := strings.Index(c.ARN, ":alarm:"); i >= 0 {
			c.Name = c.ARN[i+len(":alarm:"):]
		}
		out = append(out, c)
	}
	return out
}

// arnRegion is the region field of an ARN (arn:partition:service:region:...).
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// Partition is the partition field of the alarm's ARN (aws, aws-cn, aws-us-gov).
func (a *Alarm) Partition() string {
	parts := strings.SplitN(a.ARN, ":", 3)
	if len(parts) < 3 || parts[0] != "arn" {
		return ""
	}
	return parts[1]
}

// dimension is the value of the first of names among the metric's dimensions.
func (a *Alarm) dimension(names ...string) string {
	if a.Metric == nil {
		return ""
	}
	for _, name := range names {
		for _, d := range a.Metric.Dimensions {
			if d.Name == name {
				return d.Value
			}
		}
	}
	return ""
}

// reasonDatapoint finds the first datapoint a state reason quotes, as in
// "Threshold Crossed: 3 out of the last 3 datapoints [92.5 (01/12/26 19:30:00), ...".
// CloudWatch lists the newest first.
var reasonDatapoint = regexp.MustCompile(`\[(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?) \(`)

func reasonValue(reason string) *float64 {
	m := reasonDatapoint.FindStringSubmatch(reason)
	if m == nil {
		return nil
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return nil
	}
	return &v
}

// descriptionKeys reads "key: value" lines of an alarm description, keys lower-cased
// (service, environment, severity, runbook or runbook_url), so that an alarm can say
// what CloudWatch's message cannot.
func descriptionKeys(desc string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(desc, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		switch k {
		case "service", "environment", "severity", "runbook", "runbook_url":
			if _, seen := out[k]; !seen {
				out[k] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

func number(raw json.RawMessage) *float64 {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil
	}
	return &v
}

func integer(raw json.RawMessage) int {
	v := number(raw)
	if v == nil {
		return 0
	}
	return int(*v)
}
