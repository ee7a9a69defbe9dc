package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/vigilops/vigil/notifier/summary"
)

// secretReader reads secrets with GetSecretValue (secretsmanager:GetSecretValue,
// and kms:Decrypt on vigil's key).
type secretReader struct{ c *secretsmanager.Client }

func (r secretReader) SecretString(ctx context.Context, id string) (string, error) {
	out, err := r.c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})
	if err != nil {
		return "", err
	}
	if out.SecretString == nil {
		return "", errors.New("the secret has no string value")
	}
	return *out.SecretString, nil
}

// alarmReader reads CloudWatch for the daily summary (cloudwatch:DescribeAlarms,
// cloudwatch:DescribeAlarmHistory).
type alarmReader struct{ c *cloudwatch.Client }

func (r alarmReader) Alarms(ctx context.Context, prefix string) ([]summary.Alarm, error) {
	var out []summary.Alarm
	p := cloudwatch.NewDescribeAlarmsPaginator(r.c, &cloudwatch.DescribeAlarmsInput{
		AlarmNamePrefix: &prefix,
		AlarmTypes:      []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.MetricAlarms {
			dims := map[string]string{}
			for _, d := range a.Dimensions {
				dims[str(d.Name)] = str(d.Value)
			}
			out = append(out, summary.Alarm{Name: str(a.AlarmName), State: string(a.StateValue), Since: tm(a.StateUpdatedTimestamp),
				Reason: str(a.StateReason), Description: str(a.AlarmDescription), Actions: a.AlarmActions, Dimensions: dims})
		}
		for _, a := range page.CompositeAlarms {
			out = append(out, summary.Alarm{Name: str(a.AlarmName), State: string(a.StateValue), Since: tm(a.StateUpdatedTimestamp),
				Reason: str(a.StateReason), Description: str(a.AlarmDescription), Actions: a.AlarmActions})
		}
	}
	return out, nil
}

func (r alarmReader) History(ctx context.Context, prefix string, from, to time.Time) ([]summary.Change, error) {
	var out []summary.Change
	p := cloudwatch.NewDescribeAlarmHistoryPaginator(r.c, &cloudwatch.DescribeAlarmHistoryInput{
		AlarmTypes:      []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
		HistoryItemType: cwtypes.HistoryItemTypeStateUpdate,
		StartDate:       &from,
		EndDate:         &to,
		ScanBy:          cwtypes.ScanByTimestampAscending,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, item := range page.AlarmHistoryItems {
			name := str(item.AlarmName)
			if !strings.HasPrefix(name, prefix) {
				continue
			}
			fromState, toState, ok := summary.ParseHistoryData(str(item.HistoryData))
			if !ok {
				continue
			}
			out = append(out, summary.Change{Alarm: name, Time: tm(item.Timestamp), From: fromState, To: toState})
		}
	}
	return out, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func tm(p *time.Time) time.Time {
	if p == nil {
		return time.Time{}
	}
	return *p
}
