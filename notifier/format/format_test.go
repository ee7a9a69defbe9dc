package format_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/notifier/message"
)

// bigGroup is a firing group of n alerts, each with a summary of the given length.
func bigGroup(n, summaryLen int) message.Notification {
	g := message.Notification{Kind: message.KindAlertmanager, Status: message.StatusFiring, Severity: message.High,
		Title: "TargetDown", Service: "worker", Environment: "prod", Firing: n}
	for i := 0; i < n; i++ {
		g.Alerts = append(g.Alerts, message.Alert{Status: message.StatusFiring, Name: "TargetDown", Severity: message.High,
			Summary:  fmt.Sprintf("%03d ", i) + strings.Repeat("x", summaryLen),
			StartsAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)})
	}
	return g
}

var omittedRe = regexp.MustCompile(`…and ([0-9]+) more alerts? not shown`)

// shownAndOmitted counts the alerts a body shows (by their numbered summaries) and
// reads the count of those left out.
func shownAndOmitted(t *testing.T, body []byte) (shown, omitted int) {
	t.Helper()
	shown = len(regexp.MustCompile(`[0-9]{3} x`).FindAll(body, -1))
	if m := omittedRe.FindSubmatch(body); m != nil {
		omitted, _ = strconv.Atoi(string(m[1]))
	}
	return shown, omitted
}

func TestALongGroupIsCutToTheLargestPartThatFitsAndSaysHowManyWereLeftOut(t *testing.T) {
	for _, target := range format.Targets() {
		for _, limit := range []int{4000, 9000} {
			t.Run(fmt.Sprintf("%s within %d bytes", target, limit), func(t *testing.T) {
				g := bigGroup(200, 40)
				o := format.Options{MaxBytes: limit}
				body, err := format.Render(target, g, o)
				require.NoError(t, err)
				assert.LessOrEqual(t, len(body), limit)
				assert.True(t, json.Valid(body))
				shown, omitted := shownAndOmitted(t, body)
				if target == format.Webhook {
					var wb format.WebhookBody
					require.NoError(t, json.Unmarshal(body, &wb))
					omitted = wb.AlertsOmitted
				}
				assert.Greater(t, shown, 0)
				assert.Equal(t, 200, shown+omitted, "every alert is shown or counted")
				// One alert more would not have fitted: the cut is the largest. (The
				// omitted line and its block take up to about 150 bytes.)
				g.Alerts = g.Alerts[:shown+1]
				more, err := format.Render(target, g, format.Options{})
				require.NoError(t, err)
				_, moreOmitted := shownAndOmitted(t, more)
				assert.Zero(t, moreOmitted)
				bound := len(more)+len(omittedLineFor(omitted))+150 > limit
				switch target {
				case format.Slack:
					bound = bound || slackBlocks(t, body) == format.SlackMaxBlocks
				case format.GoogleChat:
					bound = bound || chatWidgets(t, body) == format.GoogleChatMaxWidgets
				}
				assert.True(t, bound, "%d alerts (%d bytes) would have fitted too", shown+1, len(more))
			})
		}
	}
}

func omittedLineFor(n int) string { return fmt.Sprintf("…and %d more alerts not shown", n) }

func slackBlocks(t *testing.T, b []byte) int {
	var m struct {
		Attachments []struct{ Blocks []json.RawMessage }
	}
	require.NoError(t, json.Unmarshal(b, &m))
	return len(m.Attachments[0].Blocks)
}

func chatWidgets(t *testing.T, b []byte) int {
	var m struct {
		CardsV2 []struct {
			Card struct {
				Sections []struct{ Widgets []json.RawMessage }
			}
		}
	}
	require.NoError(t, json.Unmarshal(b, &m))
	n := 0
	for _, s := range m.CardsV2[0].Card.Sections {
		n += len(s.Widgets)
	}
	return n
}

func TestAGroupThatFitsIsSentWhole(t *testing.T) {
	for _, target := range format.Targets() {
		t.Run(string(target), func(t *testing.T) {
			body, err := format.Render(target, bigGroup(3, 10), format.Options{})
			require.NoError(t, err)
			shown, omitted := shownAndOmitted(t, body)
			assert.Equal(t, 3, shown)
			assert.Zero(t, omitted)
			assert.NotContains(t, string(body), "not shown")
		})
	}
}

func TestSlackAndGoogleChatCountTheirBlocksAndWidgetsToo(t *testing.T) {
	// Tiny alerts: bytes allow hundreds, the block and widget limits do not.
	tests := map[string]struct {
		target format.Target
		count  func(body []byte) int
		limit  int
	}{
		"Slack shows at most 50 blocks.":         {format.Slack, func(b []byte) int { return slackBlocks(t, b) }, format.SlackMaxBlocks},
		"Google Chat shows at most 100 widgets.": {format.GoogleChat, func(b []byte) int { return chatWidgets(t, b) }, format.GoogleChatMaxWidgets},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := format.Render(tt.target, bigGroup(150, 1), format.Options{})
			require.NoError(t, err)
			assert.Equal(t, tt.limit, tt.count(body), "filled up to the limit, not beyond")
			shown, omitted := shownAndOmitted(t, body)
			assert.Equal(t, 150, shown+omitted)
		})
	}
}

func TestTextFromTheMessageCannotInjectMarkup(t *testing.T) {
	n := message.Notification{Kind: message.KindText, Status: message.StatusInfo, Title: "<b>bold</b> & co",
		Raw: "<a href=\"https://evil.example\">click</a> <!channel>"}
	// Headers are plain text in both (a Chat card header, a Slack plain_text
	// header); what takes markup is escaped.
	tests := map[format.Target][]string{
		format.GoogleChat: {`&lt;a href=\"https://evil.example\"&gt;click&lt;/a&gt; &lt;!channel&gt;`},
		format.Slack:      {"&lt;b&gt;bold&lt;/b&gt; &amp; co", "&lt;!channel&gt;"},
	}
	for target, wants := range tests {
		t.Run(string(target), func(t *testing.T) {
			body, err := format.Render(target, n, format.Options{})
			require.NoError(t, err)
			for _, want := range wants {
				assert.Contains(t, string(body), want)
			}
			assert.NotContains(t, string(body), "<!channel>")
			assert.NotContains(t, string(body), `<a href=\"https://evil.example\">`)
		})
	}
}

func TestALongRawMessageIsCutWithACountAndStillFits(t *testing.T) {
	raw := strings.Repeat("&<é", 40000) // escaping makes it longer still
	for _, target := range format.Targets() {
		t.Run(string(target), func(t *testing.T) {
			body, err := format.Render(target, message.Notification{Kind: message.KindUnknown, Status: message.StatusInfo, Title: "x", Raw: raw}, format.Options{})
			require.NoError(t, err)
			assert.LessOrEqual(t, len(body), format.MaxBytes(target))
			if target != format.Webhook {
				assert.Regexp(t, `… \([0-9]+ more characters not shown\)`, string(body))
			}
		})
	}
}

func TestTheValueIsShownAgainstTheThreshold(t *testing.T) {
	alarm := func(op string, threshold *float64, value *float64, unit string) message.Notification {
		return message.Notification{Kind: message.KindMetricAlarm, Status: message.StatusFiring, Title: "a",
			Alarm: &message.Alarm{Name: "a", Value: value, Metric: &message.Metric{Comparison: op, Threshold: threshold, Unit: unit}}}
	}
	v := func(f float64) *float64 { return &f }
	tests := map[string]struct {
		n    message.Notification
		want string
	}{
		"Greater than.":                  {alarm("GreaterThanThreshold", v(80), v(92.5), ""), `"title":"Value","value":"92.5 (threshold > 80)"`},
		"Greater than or equal, a unit.": {alarm("GreaterThanOrEqualToThreshold", v(1000), v(1000), "Count"), `"1000 (threshold ≥ 1000 Count)"`},
		"Less than or equal.":            {alarm("LessThanOrEqualToThreshold", v(0.5), v(0.25), ""), `"0.25 (threshold ≤ 0.5)"`},
		"An anomaly band.":               {alarm("LessThanLowerOrGreaterThanUpperThreshold", nil, v(3), ""), `"3 (band outside)"`},
		"No datapoint in the reason.":    {alarm("LessThanThreshold", v(1), nil, ""), `"threshold < 1"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := format.Render(format.Teams, tt.n, format.Options{})
			require.NoError(t, err)
			assert.Contains(t, string(body), tt.want)
		})
	}
}

func TestTheConsoleLinkFollowsThePartition(t *testing.T) {
	tests := map[string]struct {
		region, name, want string
	}{
		"A commercial region.":           {"eu-west-1", "api cpu", "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api%20cpu"},
		"China.":                         {"cn-north-1", "a", "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a"},
		"GovCloud.":                      {"us-gov-west-1", "a", "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/a"},
		"No region, no link.":            {"", "a", ""},
		"Not a region (injected), none.": {"eu-west-1.evil.example/x", "a", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			n := message.Notification{Kind: message.KindMetricAlarm, Status: message.StatusFiring, Title: tt.name,
				Alarm: &message.Alarm{Name: tt.name, Region: tt.region}}
			body, err := format.Render(format.Webhook, n, format.Options{})
			require.NoError(t, err)
			var wb format.WebhookBody
			require.NoError(t, json.Unmarshal(body, &wb))
			var got string
			for _, l := range wb.Links {
				if l.Label == "Alarm in AWS console" {
					got = l.URL
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPrometheusAlertsLinkToAlertmanagerAndGrafanaOnlyWhenConfigured(t *testing.T) {
	g := bigGroup(2, 3)
	tests := map[string]struct {
		o     format.Options
		links []string
	}{
		"Neither configured: no links.":   {format.Options{}, nil},
		"Both, a trailing slash trimmed.": {format.Options{AlertmanagerURL: "https://am.example.com/", GrafanaURL: "https://g.example.com"}, []string{"Alertmanager", "Grafana"}},
		"Not a URL: no link.":             {format.Options{AlertmanagerURL: "am.example.com"}, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := format.Render(format.Webhook, g, tt.o)
			require.NoError(t, err)
			var wb format.WebhookBody
			require.NoError(t, json.Unmarshal(body, &wb))
			var labels []string
			for _, l := range wb.Links {
				labels = append(labels, l.Label)
				assert.NotContains(t, l.URL, ".com//")
			}
			assert.Equal(t, tt.links, labels)
		})
	}
}

func TestARecoveryIsSentAsARecovery(t *testing.T) {
	n := message.Notification{Kind: message.KindMetricAlarm, Status: message.StatusResolved, Severity: message.Critical,
		Title: "a", Alarm: &message.Alarm{Name: "a", State: "OK", OldState: "ALARM"}}
	for _, target := range format.Targets() {
		t.Run(string(target), func(t *testing.T) {
			body, err := format.Render(target, n, format.Options{})
			require.NoError(t, err)
			s := string(body)
			if target == format.Webhook {
				assert.Contains(t, s, `"status":"resolved"`)
			} else {
				assert.Contains(t, s, "✅ RESOLVED: a")
				assert.NotContains(t, s, "FIRING")
			}
			if target == format.Teams {
				assert.Contains(t, s, `"style":"good"`)
			} else {
				assert.Contains(t, s, "#2E7D32")
			}
		})
	}
}

func TestTheEnvironmentOptionFillsOnlyWhatTheMessageDoesNotSay(t *testing.T) {
	o := format.Options{Environment: "dev"}
	tests := map[string]struct {
		env, want string
	}{
		"Unsaid: the notifier's environment.": {"", `"environment":"dev"`},
		"Said: the message's.":                {"prod", `"environment":"prod"`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := format.Render(format.Webhook, message.Notification{Kind: message.KindText, Title: "t", Environment: tt.env}, o)
			require.NoError(t, err)
			assert.Contains(t, string(body), tt.want)
		})
	}
}

func TestTimesAreShownInTheConfiguredZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	n := message.Notification{Kind: message.KindText, Title: "t", Time: time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)}
	body, err := format.Render(format.Teams, n, format.Options{Location: paris})
	require.NoError(t, err)
	assert.Contains(t, string(body), "2026-07-01 12:00:00 CEST")
	body, err = format.Render(format.Teams, n, format.Options{})
	require.NoError(t, err)
	assert.Contains(t, string(body), "2026-07-01 10:00:00 UTC")
}

func TestParseTargetNamesTheValidOnes(t *testing.T) {
	for _, target := range format.Targets() {
		got, err := format.ParseTarget("target", string(target))
		require.NoError(t, err)
		assert.Equal(t, target, got)
	}
	_, err := format.ParseTarget("channels.ops.target", "googlechta")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `channels.ops.target: is not a target, got "googlechta"`)
	assert.Contains(t, err.Error(), "did you mean googlechat?")
	_, err = format.ParseTarget("target", "email")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expected one of googlechat, slack, teams, webhook")
}

func TestTheOptionsMaxBytesOnlyLowersTheTargetsLimit(t *testing.T) {
	g := bigGroup(400, 40)
	body, err := format.Render(format.Teams, g, format.Options{MaxBytes: 10 * format.TeamsMaxBytes})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(body), format.TeamsMaxBytes)
	assert.Greater(t, len(body), format.TeamsMaxBytes-1000)
}

func TestASlackMessageWhoseLinksAreAllTooLongHasNoEmptyActionsBlock(t *testing.T) {
	n := message.Notification{Kind: message.KindMetricAlarm, Status: message.StatusFiring, Title: "a",
		Alarm: &message.Alarm{Name: "a", RunbookURL: "https://runbooks.example.com/" + strings.Repeat("x", 3000)}}
	body, err := format.Render(format.Slack, n, format.Options{})
	require.NoError(t, err)
	assert.NotContains(t, string(body), `"type":"actions"`)

	n.Alarm.RunbookURL = "https://runbooks.example.com/a"
	body, err = format.Render(format.Slack, n, format.Options{})
	require.NoError(t, err)
	assert.Contains(t, string(body), `"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Runbook"},"url":"https://runbooks.example.com/a"`)
}

// BenchmarkRenderLargeGroup measures the cost of fitting a 500-alert group into
// each target (the bisection renders the body about log2(500) times).
//
//	go test ./notifier/format -run '^$' -bench RenderLargeGroup -benchmem
func BenchmarkRenderLargeGroup(b *testing.B) {
	g := bigGroup(500, 80)
	for _, target := range format.Targets() {
		b.Run(string(target), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := format.Render(target, g, format.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
