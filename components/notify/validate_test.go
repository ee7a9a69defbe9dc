package notify

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/validate"
)

// problems returns the problems of the args as "path: message" lines, nil when valid.
func problems(t *testing.T, a *TopicsArgs) []string {
	t.Helper()
	err := a.Validate()
	if err == nil {
		return nil
	}
	var invalid *validate.Error
	require.ErrorAs(t, err, &invalid)
	var out []string
	for _, p := range invalid.Problems {
		out = append(out, p.Path+": "+p.Message)
	}
	return out
}

func withPrefix(prefix string) *TopicsArgs {
	a := devArgs()
	a.NamePrefix = prefix
	return a
}

// The names derived from the prefix: the topics <prefix>-<severity> (SNS: 1 to 256 of
// [A-Za-z0-9_-]; critical is the longest severity, 9 characters with its hyphen) and
// the key alias alias/<prefix>-notify (KMS: 256 in all). The alias binds first: a
// prefix of 243 characters gives an alias of exactly 256, and topics of at most 252.
func TestNamePrefixLengthsAtAndOverTheLimits(t *testing.T) {
	p := func(n int) string { return strings.Repeat("a", n) }
	aliasMsg := func(n int) string {
		return `NamePrefix: makes the KMS alias "alias/` + p(n) + `-notify", which must be alias/ and 1 to 250 such characters`
	}
	topicMsg := func(n int) string {
		return `NamePrefix: makes the SNS topic name "` + p(n) + `-critical", which must be 1 to 256 of those characters`
	}
	tests := map[string]struct {
		prefix string
		want   []string
	}{
		"An empty prefix is required.":                             {prefix: "", want: []string{"NamePrefix: is required"}},
		"A blank prefix is required.":                              {prefix: "  ", want: []string{"NamePrefix: is required"}},
		"One character is enough.":                                 {prefix: "a"},
		"243 characters make a 256-character alias: at the limit.": {prefix: p(243)},
		"244 characters make a 257-character alias: one over.":     {prefix: p(244), want: []string{aliasMsg(244)}},
		"247 characters make a 256-character topic name, but the alias is over.": {
			prefix: p(247), want: []string{aliasMsg(247)},
		},
		"248 characters make a 257-character topic name: one over, reported once.": {
			prefix: p(248), want: []string{topicMsg(248)},
		},
		"Letters, digits, hyphens and underscores are SNS's characters.": {prefix: "Vigil_prod-2"},
		"A dot is not one of them.": {prefix: "vigil.prod", want: []string{
			`NamePrefix: makes the SNS topic name "vigil.prod-critical", which must be 1 to 256 of those characters`,
		}},
		"A slash would pass the alias but not the topic.": {prefix: "vigil/prod", want: []string{
			`NamePrefix: makes the SNS topic name "vigil/prod-critical", which must be 1 to 256 of those characters`,
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, problems(t, withPrefix(tc.prefix)))
		})
	}
}

func TestTheLongestPrefixDeploysWithNamesAtTheirLimits(t *testing.T) {
	prefix := strings.Repeat("a", 243)
	cloud, _, err := deploy(t, withPrefix(prefix))
	require.NoError(t, err)
	alias, ok := cloud.Named("aws:kms/alias:Alias", "notify-key-alias")
	require.True(t, ok)
	assert.Len(t, str(t, alias, "name"), 256)
	for _, sev := range alerts.Severities() {
		topic, ok := cloud.Named("aws:sns/topic:Topic", "notify-"+string(sev))
		require.True(t, ok)
		assert.Equal(t, prefix+"-"+string(sev), str(t, topic, "name"))
	}
	topic, _ := cloud.Named("aws:sns/topic:Topic", "notify-critical")
	assert.Len(t, str(t, topic, "name"), 252)
	assert.Equal(t, strings.Repeat("a", 91)+" CRITICAL", str(t, topic, "displayName"), "the display name is cut to 100 characters")
}

func TestDisplayNamesKeepTheSeverityWithinOneHundredCharacters(t *testing.T) {
	tests := map[string]struct {
		prefix string
		sev    alerts.Severity
		want   string
	}{
		"A short prefix is kept whole.":                {"vigil-prod", alerts.High, "vigil-prod HIGH"},
		"91 characters and CRITICAL make exactly 100.": {strings.Repeat("p", 91), alerts.Critical, strings.Repeat("p", 91) + " CRITICAL"},
		"92 characters are cut to 91.":                 {strings.Repeat("p", 92), alerts.Critical, strings.Repeat("p", 91) + " CRITICAL"},
		"LOW leaves room for 96.":                      {strings.Repeat("p", 97), alerts.Low, strings.Repeat("p", 96) + " LOW"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := displayName(tc.prefix, tc.sev)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), 100)
		})
	}
}

func TestARepeatedAddressIsRefused(t *testing.T) {
	a := devArgs()
	a.Subscribers = map[alerts.Severity]Subscribers{
		alerts.Critical: {
			Emails: []string{"oncall@example.com", "lead@example.com", "OnCall@Example.com"},
			SMS:    []string{"+4915112345678", "+4915112345678"},
		},
		// The same address on two severities is fine: two topics, two subscriptions.
		alerts.High: {Emails: []string{"oncall@example.com"}},
	}
	assert.Equal(t, []string{
		"Subscribers.critical.Emails[2]: repeats Subscribers.critical.Emails[0]",
		"Subscribers.critical.SMS[1]: repeats Subscribers.critical.SMS[0]",
	}, problems(t, a))
}

func TestWarningsNameEverySeverityThatReachesNobody(t *testing.T) {
	assert.Equal(t, []string{
		"Subscribers.critical: no subscribers: alarms and alerts of severity critical are published to vigil-dev-critical and reach nobody",
		"Subscribers.medium: no subscribers: alarms and alerts of severity medium are published to vigil-dev-medium and reach nobody",
		"Subscribers.low: no subscribers: alarms and alerts of severity low are published to vigil-dev-low and reach nobody",
	}, devArgs().Warnings())

	every := prodArgs()
	every.Subscribers[alerts.High] = Subscribers{PagerDuty: []pulumi.StringInput{pulumi.String(pagerDutyURL)}}
	every.Subscribers[alerts.Low] = Subscribers{Webhooks: []pulumi.StringInput{pulumi.String(webhookURL)}}
	assert.Empty(t, every.Warnings(), "a secret endpoint counts as a subscriber")

	smsOnly := devArgs()
	smsOnly.Subscribers = map[alerts.Severity]Subscribers{}
	for _, sev := range alerts.Severities() {
		smsOnly.Subscribers[sev] = Subscribers{SMS: []string{"+14155550100"}}
	}
	assert.Empty(t, smsOnly.Warnings())
}
