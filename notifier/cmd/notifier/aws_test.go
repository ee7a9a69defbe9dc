package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/summary"
)

// fakeCloudWatch answers DescribeAlarms and DescribeAlarmHistory in CloudWatch's
// wire protocol (Smithy RPC v2 CBOR, encoded with smithy-go's own encoder), two
// pages each, and keeps the requests it decoded.
type fakeCloudWatch struct {
	mu       sync.Mutex
	requests map[string][]cbor.Map
}

func ts(s string) cbor.Value {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.Unix()))}
}

func strs(ss ...string) cbor.List {
	l := cbor.List{}
	for _, s := range ss {
		l = append(l, cbor.String(s))
	}
	return l
}

func (f *fakeCloudWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	body, _ := io.ReadAll(r.Body)
	in := cbor.Map{}
	if len(body) > 0 {
		v, err := cbor.Decode(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		in = v.(cbor.Map)
	}
	f.mu.Lock()
	if f.requests == nil {
		f.requests = map[string][]cbor.Map{}
	}
	f.requests[op] = append(f.requests[op], in)
	f.mu.Unlock()
	_, second := in["NextToken"]
	var out cbor.Map
	switch {
	case op == "DescribeAlarms" && !second:
		out = cbor.Map{"NextToken": cbor.String("page-2"), "MetricAlarms": cbor.List{cbor.Map{
			"AlarmName": cbor.String("p-api-cpu"), "StateValue": cbor.String("ALARM"),
			"StateUpdatedTimestamp": ts("2026-12-01T04:00:00Z"), "StateReason": cbor.String("Threshold Crossed"),
			"AlarmDescription": cbor.String("CPU.\nservice: api"),
			"AlarmActions":     strs("arn:aws:sns:eu-west-1:123456789012:p-high"),
			"Dimensions":       cbor.List{cbor.Map{"Name": cbor.String("ClusterName"), "Value": cbor.String("c")}},
		}}}
	case op == "DescribeAlarms":
		out = cbor.Map{"CompositeAlarms": cbor.List{cbor.Map{
			"AlarmName": cbor.String("p-api-degraded"), "StateValue": cbor.String("OK"),
			"StateUpdatedTimestamp": ts("2026-11-30T10:00:00Z"), "AlarmActions": strs("arn:aws:sns:eu-west-1:123456789012:p-critical"),
		}}}
	case op == "DescribeAlarmHistory" && !second:
		out = cbor.Map{"NextToken": cbor.String("page-2"), "AlarmHistoryItems": cbor.List{
			cbor.Map{"AlarmName": cbor.String("p-api-cpu"), "Timestamp": ts("2026-12-01T04:00:00Z"), "HistoryItemType": cbor.String("StateUpdate"),
				"HistoryData": cbor.String(`{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}`)},
			cbor.Map{"AlarmName": cbor.String("other-stack-alarm"), "Timestamp": ts("2026-12-01T05:00:00Z"), "HistoryItemType": cbor.String("StateUpdate"),
				"HistoryData": cbor.String(`{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}`)},
		}}
	default:
		out = cbor.Map{"AlarmHistoryItems": cbor.List{
			cbor.Map{"AlarmName": cbor.String("p-api-degraded"), "Timestamp": ts("2026-11-30T10:00:00Z"), "HistoryItemType": cbor.String("StateUpdate"),
				"HistoryData": cbor.String(`{"version":"1.0","oldState":{"stateValue":"ALARM"},"newState":{"stateValue":"OK"}}`)},
			cbor.Map{"AlarmName": cbor.String("p-api-degraded"), "Timestamp": ts("2026-11-30T11:00:00Z"), "HistoryItemType": cbor.String("StateUpdate"),
				"HistoryData": cbor.String(`not json`)},
		}}
	}
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	_, _ = w.Write(cbor.Encode(out))
}

// The daily summary's reads, through the real CloudWatch client, page by page.
func TestTheAlarmReaderReadsEveryPageOfTheStacksAlarmsAndHistory(t *testing.T) {
	fake := &fakeCloudWatch{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := cloudwatch.New(cloudwatch.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "secret"}, nil
		}),
	})
	r := alarmReader{client}
	ctx := context.Background()

	alarms, err := r.Alarms(ctx, "p-")
	require.NoError(t, err)
	assert.Equal(t, []summary.Alarm{
		{Name: "p-api-cpu", State: "ALARM", Since: time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC), Reason: "Threshold Crossed",
			Description: "CPU.\nservice: api", Actions: []string{"arn:aws:sns:eu-west-1:123456789012:p-high"}, Dimensions: map[string]string{"ClusterName": "c"}},
		{Name: "p-api-degraded", State: "OK", Since: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), Actions: []string{"arn:aws:sns:eu-west-1:123456789012:p-critical"}},
	}, normalise(alarms))

	from, to := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	changes, err := r.History(ctx, "p-", from, to)
	require.NoError(t, err)
	assert.Equal(t, []summary.Change{
		{Alarm: "p-api-cpu", Time: time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC), From: "OK", To: "ALARM"},
		{Alarm: "p-api-degraded", Time: time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), From: "ALARM", To: "OK"},
	}, normaliseChanges(changes), "other stacks' alarms and unreadable items are left out")

	fake.mu.Lock()
	defer fake.mu.Unlock()
	require.Len(t, fake.requests["DescribeAlarms"], 2)
	first := fake.requests["DescribeAlarms"][0]
	assert.Equal(t, cbor.String("p-"), first["AlarmNamePrefix"])
	assert.Equal(t, strs("MetricAlarm", "CompositeAlarm"), first["AlarmTypes"])
	assert.Equal(t, cbor.String("page-2"), fake.requests["DescribeAlarms"][1]["NextToken"])
	require.Len(t, fake.requests["DescribeAlarmHistory"], 2)
	h := fake.requests["DescribeAlarmHistory"][0]
	assert.Equal(t, cbor.String("StateUpdate"), h["HistoryItemType"])
	start, err := cbor.AsTime(h["StartDate"])
	require.NoError(t, err)
	end, err := cbor.AsTime(h["EndDate"])
	require.NoError(t, err)
	assert.True(t, start.Equal(from), "%s", start)
	assert.True(t, end.Equal(to), "%s", end)
}

func normalise(as []summary.Alarm) []summary.Alarm {
	for i := range as {
		as[i].Since = as[i].Since.UTC()
		if len(as[i].Dimensions) == 0 {
			as[i].Dimensions = nil
		}
	}
	return as
}

func normaliseChanges(cs []summary.Change) []summary.Change {
	for i := range cs {
		cs[i].Time = cs[i].Time.UTC()
	}
	return cs
}
