package notify

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/components/iampolicy"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/notifier/config"
	"github.com/vigilops/vigil/notifier/format"
)

// chatURL and pagerChatURL stand for real webhook URLs: they must never show up in
// clear in any input.
const (
	chatURL   = "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=KEYKEYKEY&token=TOKENTOKENTOKEN"
	slackURL  = "https://hooks.slack.com/services/T000/B000/SLACKSECRETSLACKSECRET"
	keyPrefix = "arn:aws:kms:eu-west-1:123456789012:key/"
)

// fakeCode writes a small zip standing for the notifier's package.
func fakeCode(t testing.TB) *NotifierCode {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.Create("bootstrap")
	require.NoError(t, err)
	_, err = f.Write([]byte("#!/bin/sh\n"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	path := filepath.Join(t.TempDir(), "notifier.zip")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	sum := sha256.Sum256(buf.Bytes())
	return &NotifierCode{ZipPath: path, SourceCodeHash: base64.StdEncoding.EncodeToString(sum[:])}
}

// notifierTopics are the prod topics, with the key use the notifier needs.
func notifierTopics() *TopicsArgs {
	a := validArgs()
	a.Key = NotifierKeyUse(a.NamePrefix)
	return a
}

// prodNotifier is the prod routing: critical and high to PagerDuty (a topic
// subscriber) and chat, medium to chat, low to e-mail; a Slack channel for audits.
func prodNotifier(t testing.TB, topics *Topics) *NotifierArgs {
	return &NotifierArgs{
		Topics:      topics,
		Environment: "prod",
		Channels: []NotifierChannel{
			{Name: "ops-chat", Target: format.GoogleChat, Severities: []alerts.Severity{alerts.Critical, alerts.High, alerts.Medium},
				WebhookURL: pulumi.ToSecret(pulumi.String(chatURL)).(pulumi.StringOutput)},
			// Passed in clear on purpose: the component must make it secret.
			{Name: "audit", Target: format.Slack, Severities: []alerts.Severity{alerts.Critical}, WebhookURL: pulumi.String(slackURL)},
		},
		AlarmEmails:  []string{"oncall@example.com", "platform@example.com"},
		DailySummary: &DailySummary{At: "08:30", TimeZone: "Europe/Paris", UptimeAlarms: map[string]string{"api": "vigil-prod-api-uptime-check-failed"}},
		TimeZone:     "Europe/Paris",
		Code:         fakeCode(t),
		Tags:         map[string]string{"team": "reservations", "vigil:stack": "prod"},
	}
}

// deployNotifier creates the topics of ta and a notifier of args(topics).
func deployNotifier(t *testing.T, ta *TopicsArgs, args func(*Topics) *NotifierArgs) (*mockcloud.Cloud, *Notifier, error) {
	t.Helper()
	var n *Notifier
	cloud, _, err := deployWith(t, ta, func(ctx *pulumi.Context, topics *Topics) error {
		var err error
		n, err = NewNotifier(ctx, "notifier", args(topics))
		return err
	})
	return cloud, n, err
}

func deployProd(t *testing.T) (*mockcloud.Cloud, *Notifier) {
	t.Helper()
	cloud, n, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs { return prodNotifier(t, topics) })
	require.NoError(t, err)
	return cloud, n
}

func named(t *testing.T, cloud *mockcloud.Cloud, typ, name string) mockcloud.Resource {
	t.Helper()
	r, ok := cloud.Named(typ, name)
	require.True(t, ok, "no %s %s", typ, name)
	return r
}

func TestTheFunctionIsTheGoLambdaTheNotifierIsBuiltFor(t *testing.T) {
	cloud, _ := deployProd(t)
	fn := named(t, cloud, "aws:lambda/function:Function", "notifier-function")
	plain := fn.Plain()
	assert.Equal(t, "vigil-prod-notifier", plain["name"])
	assert.Equal(t, "provided.al2023", plain["runtime"])
	assert.Equal(t, "bootstrap", plain["handler"])
	assert.Equal(t, []any{"arm64"}, plain["architectures"])
	assert.Equal(t, 120.0, plain["timeout"])
	assert.Equal(t, "arn:aws:iam::123456789012:role/vigil-prod-notifier", plain["role"], "the component's own role")
	assert.Equal(t, map[string]any{"targetArn": "arn:aws:sqs:eu-west-1:123456789012:notifier-dlq"}, plain["deadLetterConfig"])
	assert.Equal(t, "/aws/lambda/vigil-prod-notifier", plain["loggingConfig"].(map[string]any)["logGroup"])
	assert.Contains(t, fn.Parent, NotifierTypeToken)

	code := fn.Inputs["code"]
	require.True(t, code.IsArchive(), "code is a file archive")
	assert.True(t, strings.HasSuffix(code.ArchiveValue().Path, "notifier.zip"))
	sum := fakeSum(t, code.ArchiveValue().Path)
	assert.Equal(t, sum, plain["sourceCodeHash"], "the hash is the zip's")

	vars := plain["environment"].(map[string]any)["variables"].(map[string]any)
	require.Len(t, vars, 1, "the configuration is the only variable")
	raw := vars[config.EnvVar].(string)
	cfg, err := config.Parse([]byte(raw))
	require.NoError(t, err, "the function parses what the component writes")
	assert.Equal(t, "prod", cfg.Environment)
	assert.Equal(t, "Europe/Paris", cfg.TimeZone)
	require.Len(t, cfg.Channels, 2)
	assert.Equal(t, "vigil-prod/notifier/ops-chat", cfg.Channels[0].SecretID)
	assert.Equal(t, "vigil-prod/notifier/audit", cfg.Channels[1].SecretID)
	assert.Equal(t, "vigil-prod-", cfg.Summary.AlarmNamePrefix, "the summary defaults to the stack's alarms")
	assert.Equal(t, map[string]string{"api": "vigil-prod-api-uptime-check-failed"}, cfg.Summary.UptimeAlarms)
	assert.NotContains(t, raw, "TOKENTOKENTOKEN")
	assert.NotContains(t, raw, "SLACKSECRET")

	async := named(t, cloud, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "notifier-async").Plain()
	assert.Equal(t, 2.0, async["maximumRetryAttempts"])
	assert.Equal(t, "vigil-prod-notifier", async["functionName"])
}

func fakeSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestTheLogGroupKeepsThirtyDaysUnderTheTopicsKeyWhichLetsLogsUseItForThatGroupOnly(t *testing.T) {
	cloud, _ := deployProd(t)
	lg := named(t, cloud, "aws:cloudwatch/logGroup:LogGroup", "notifier-logs").Plain()
	assert.Equal(t, "/aws/lambda/vigil-prod-notifier", lg["name"])
	assert.Equal(t, 30.0, lg["retentionInDays"])
	assert.True(t, strings.HasPrefix(lg["kmsKeyId"].(string), keyPrefix), "encrypted with the topics' key: %v", lg["kmsKeyId"])

	doc := policyOf(t, named(t, cloud, "aws:kms/key:Key", "notify-key"))
	var logs *iampolicy.Statement
	for i, s := range doc.Statement {
		if s.Sid == "CloudWatchLogsEncryptsLogGroups" {
			logs = &doc.Statement[i]
		}
	}
	require.NotNil(t, logs, "the key policy lets CloudWatch Logs use the key")
	assert.Equal(t, iampolicy.Statement{Sid: "CloudWatchLogsEncryptsLogGroups", Effect: "Allow",
		Principal: &iampolicy.Principal{Service: []string{"logs.eu-west-1.amazonaws.com"}},
		Action:    []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"},
		Resource:  []string{"*"},
		Condition: cond{"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": {"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/vigil-prod-notifier"}}},
	}, *logs)
}

func TestEachChannelHasASecretUnderTheTopicsKeyAndItsURLIsNeverInClear(t *testing.T) {
	cloud, n := deployProd(t)
	for _, ch := range []struct{ name, url string }{{"ops-chat", chatURL}, {"audit", slackURL}} {
		secret := named(t, cloud, "aws:secretsmanager/secret:Secret", "notifier-"+ch.name+"-secret").Plain()
		assert.Equal(t, "vigil-prod/notifier/"+ch.name, secret["name"])
		assert.True(t, strings.HasPrefix(secret["kmsKeyId"].(string), keyPrefix), "%s: %v", ch.name, secret["kmsKeyId"])
		version := named(t, cloud, "aws:secretsmanager/secretVersion:SecretVersion", "notifier-"+ch.name+"-secret-value")
		assert.True(t, version.IsSecret("secretString"), "%s: the value is a secret", ch.name)
		v, ok := version.Secret("secretString")
		require.True(t, ok)
		assert.Equal(t, ch.url, v, "%s: the secret holds the URL intact", ch.name)
		assert.Regexp(t, `^arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/notifier/`+ch.name+`-[0-9a-f]{6}$`, version.Plain()["secretId"],
			"the version is of the channel's own secret")
	}
	// Nowhere else, in no resource, in clear.
	for _, r := range cloud.Resources() {
		b, err := json.Marshal(r.Plain())
		require.NoError(t, err)
		for _, leak := range []string{"TOKENTOKENTOKEN", "SLACKSECRET"} {
			assert.NotContains(t, string(b), leak, "%s %s holds a webhook URL in clear", r.Type, r.Name)
		}
	}
	assert.NotContains(t, n.Config, "TOKENTOKENTOKEN")
}

func TestAWebhookURLThatIsNotHTTPSFailsWithoutShowingIt(t *testing.T) {
	_, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.Channels[1].WebhookURL = pulumi.ToSecret(pulumi.String("http://hooks.example.com/PLAINSECRET")).(pulumi.StringOutput)
		return a
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Channels[1].WebhookURL: must be an absolute https:// URL")
	assert.NotContains(t, err.Error(), "PLAINSECRET")
}

func policyStatements(t *testing.T, cloud *mockcloud.Cloud, name string) []iampolicy.Statement {
	t.Helper()
	return policyOf(t, named(t, cloud, "aws:iam/rolePolicy:RolePolicy", name)).Statement
}

var wantFunctionStatements = []iampolicy.Statement{
	{Sid: "ReadWebhookSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"},
		Resource: []string{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/notifier/ops-chat-6c5270", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/notifier/audit-f6d991"}},
	{Sid: "DecryptSecretsThroughSecretsManager", Effect: "Allow", Action: []string{"kms:Decrypt"},
		Resource:  []string{"arn:aws:kms:eu-west-1:123456789012:key/KEY"},
		Condition: cond{"StringEquals": {"kms:ViaService": {"secretsmanager.eu-west-1.amazonaws.com"}}}},
	{Sid: "WriteOwnLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []string{"arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/vigil-prod-notifier:log-stream:*"}},
	{Sid: "SendToDeadLetterQueue", Effect: "Allow", Action: []string{"sqs:SendMessage"},
		Resource: []string{"arn:aws:sqs:eu-west-1:123456789012:notifier-dlq"}},
	{Sid: "EncryptForDeadLetterQueue", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"},
		Resource:  []string{"arn:aws:kms:eu-west-1:123456789012:key/KEY"},
		Condition: cond{"StringEquals": {"kms:ViaService": {"sqs.eu-west-1.amazonaws.com"}}}},
}

// withKey puts the key's real ARN in the wanted statements.
func withKey(want []iampolicy.Statement, keyArn string) []iampolicy.Statement {
	out := make([]iampolicy.Statement, len(want))
	for i, s := range want {
		s.Resource = append([]string(nil), s.Resource...)
		for j, r := range s.Resource {
			if r == "arn:aws:kms:eu-west-1:123456789012:key/KEY" {
				s.Resource[j] = keyArn
			}
		}
		out[i] = s
	}
	return out
}

func TestTheFunctionMayReadItsSecretsWriteItsQueueAndLogsAndWithASummaryReadAlarms(t *testing.T) {
	cloud, _ := deployProd(t)
	keyArn := str(t, named(t, cloud, "aws:kms/alias:Alias", "notify-key-alias"), "targetKeyId")
	keyArn = keyPrefix + keyArn
	got := policyStatements(t, cloud, "notifier-policy")
	want := append(withKey(wantFunctionStatements, keyArn), iampolicy.Statement{Sid: "ReadAlarmsForDailySummary", Effect: "Allow",
		Action: []string{"cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"}, Resource: []string{"*"}})
	assert.Equal(t, want, got)
	for _, s := range got {
		assert.Nil(t, s.Principal, "%s: an identity policy names no principal", s.Sid)
	}
	role := named(t, cloud, "aws:iam/role:Role", "notifier-role")
	assert.Equal(t, "vigil-prod-notifier", str(t, role, "name"))
	var trust TrustDocument
	require.NoError(t, role.DecodeJSON("assumeRolePolicy", &trust))
	assert.Equal(t, TrustDocument{Version: "2012-10-17", Statement: []TrustStatement{{Sid: "LambdaAssumesRole", Effect: "Allow",
		Principal: iampolicy.Principal{Service: []string{"lambda.amazonaws.com"}}, Action: []string{"sts:AssumeRole"}}}}, trust)
	pol := named(t, cloud, "aws:iam/rolePolicy:RolePolicy", "notifier-policy")
	assert.Equal(t, "vigil-prod-notifier", str(t, pol, "name"))

	// Without a summary the function may not read CloudWatch, and nothing schedules it.
	cloud, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.DailySummary = nil
		return a
	})
	require.NoError(t, err)
	assert.Equal(t, withKey(wantFunctionStatements, keyArn), policyStatements(t, cloud, "notifier-policy"))
	assert.Empty(t, cloud.ByType("aws:scheduler/schedule:Schedule"))
	_, ok := cloud.Named("aws:iam/role:Role", "notifier-schedule-role")
	assert.False(t, ok)
}

func TestTheDeadLetterQueueIsEncryptedKeepsTwoWeeksAndOnlyTheFunctionSendsToIt(t *testing.T) {
	cloud, _ := deployProd(t)
	q := named(t, cloud, "aws:sqs/queue:Queue", "notifier-dlq").Plain()
	assert.Equal(t, "vigil-prod-notifier-dlq", q["name"])
	assert.True(t, strings.HasPrefix(q["kmsMasterKeyId"].(string), keyPrefix))
	assert.Equal(t, 1209600.0, q["messageRetentionSeconds"])
	qp := named(t, cloud, "aws:sqs/queuePolicy:QueuePolicy", "notifier-dlq-policy")
	doc := policyOf(t, qp)
	assert.Equal(t, []iampolicy.Statement{
		{Sid: "NotifierSendsFailedEvents", Effect: "Allow", Principal: &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:role/vigil-prod-notifier"}},
			Action: []string{"sqs:SendMessage"}, Resource: []string{"arn:aws:sqs:eu-west-1:123456789012:notifier-dlq"}},
		{Sid: "DenyInsecureTransport", Effect: "Deny", Principal: &iampolicy.Principal{AWS: []string{"*"}},
			Action: []string{"sqs:*"}, Resource: []string{"arn:aws:sqs:eu-west-1:123456789012:notifier-dlq"},
			Condition: cond{"Bool": {"aws:SecureTransport": {"false"}}}},
	}, doc.Statement)
	assert.Equal(t, "notifier-dlq", str(t, qp, "queueUrl"))

	kp := policyOf(t, named(t, cloud, "aws:kms/key:Key", "notify-key"))
	sids := map[string]iampolicy.Statement{}
	for _, s := range kp.Statement {
		sids[s.Sid] = s
	}
	for sid, service := range map[string]string{"AccountPrincipalsUseKeyThroughSQS": "sqs.eu-west-1.amazonaws.com", "AccountPrincipalsUseKeyThroughSecretsManager": "secretsmanager.eu-west-1.amazonaws.com"} {
		s, ok := sids[sid]
		require.True(t, ok, sid)
		assert.Equal(t, []string{"kms:Decrypt", "kms:GenerateDataKey"}, s.Action, sid)
		assert.Equal(t, &iampolicy.Principal{AWS: []string{"arn:aws:iam::123456789012:root"}}, s.Principal, sid)
		assert.Equal(t, cond{"StringEquals": {"kms:CallerAccount": {account}, "kms:ViaService": {service}}}, s.Condition, sid)
	}
}

func TestTheFunctionSubscribesToExactlyTheTopicsItsChannelsWant(t *testing.T) {
	cloud, _ := deployProd(t)
	var subscribed []string
	for _, s := range cloud.ByType("aws:sns/topicSubscription:TopicSubscription") {
		if p := str(t, s, "protocol"); p == "lambda" {
			assert.Equal(t, "arn:aws:lambda:eu-west-1:123456789012:notifier-function", str(t, s, "endpoint"))
			subscribed = append(subscribed, strings.TrimPrefix(str(t, s, "topic"), "arn:aws:sns:eu-west-1:123456789012:"))
		}
	}
	assert.ElementsMatch(t, []string{"vigil-prod-critical", "vigil-prod-high", "vigil-prod-medium"}, subscribed, "low goes to e-mail only")
	var perms []string
	for _, p := range cloud.ByType("aws:lambda/permission:Permission") {
		plain := p.Plain()
		assert.Equal(t, "lambda:InvokeFunction", plain["action"])
		assert.Equal(t, "sns.amazonaws.com", plain["principal"])
		assert.Equal(t, "vigil-prod-notifier", plain["function"])
		perms = append(perms, strings.TrimPrefix(plain["sourceArn"].(string), "arn:aws:sns:eu-west-1:123456789012:"))
	}
	assert.ElementsMatch(t, subscribed, perms, "one permission per subscribed topic, for that topic only")

	// dev: chat only, every severity, no summary.
	cloud, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.Channels = []NotifierChannel{{Name: "dev-chat", Target: format.Slack, Severities: alerts.Severities(), WebhookURL: pulumi.String(slackURL)}}
		a.DailySummary = nil
		return a
	})
	require.NoError(t, err)
	assert.Len(t, cloud.ByType("aws:lambda/permission:Permission"), 4)
}
