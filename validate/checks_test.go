package validate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// check runs one check and returns its messages.
func check(f func(ps *Problems)) []string {
	var ps Problems
	f(&ps)
	var out []string
	for _, p := range ps.List() {
		out = append(out, p.Message)
	}
	return out
}

func TestChecksAcceptWhatAWSAcceptsAndRefuseTheRest(t *testing.T) {
	type tc struct {
		name string
		run  func(ps *Problems, v string)
		good []string
		bad  []string
	}
	for _, c := range []tc{
		{"e-mail", func(ps *Problems, v string) { Email(ps, "p", v) },
			[]string{"oncall@example.com", "a.b+c@sub.example.org"},
			[]string{"oncall", "Ops <ops@example.com>", "a@localhost", ""}},
		{"E.164 phone", func(ps *Problems, v string) { PhoneE164(ps, "p", v) },
			[]string{"+4915112345678", "+14155550100"},
			[]string{"004915112345678", "+49 151 12345678", "+0123456789", "+1"}},
		{"https URL", func(ps *Problems, v string) { HTTPSURL(ps, "p", v) },
			[]string{"https://events.pagerduty.com/integration/abc/enqueue"},
			[]string{"http://example.com/hook", "events.pagerduty.com/x", ""}},
		{"account", func(ps *Problems, v string) { AccountID(ps, "p", v) },
			[]string{"123456789012", "012345678901"},
			[]string{"12345678901", "1234567890123", "12345678901a"}},
		{"region", func(ps *Problems, v string) { Region(ps, "p", v) },
			[]string{"eu-west-1", "us-gov-west-1", "ap-southeast-5", "cn-north-1"},
			[]string{"eu-west", "EU-WEST-1", "euwest1"}},
		{"IAM role ARN", func(ps *Problems, v string) { IAMRoleARN(ps, "p", v) },
			[]string{"arn:aws:iam::123456789012:role/deployer", "arn:aws:iam::123456789012:role/path/to/r"},
			[]string{"arn:aws:iam::123456789012:user/bob", "arn:aws:iam::12345:role/x", "deployer"}},
		{"SNS topic name", func(ps *Problems, v string) { SNSTopicName(ps, "p", v) },
			[]string{"vigil-prod-critical", "A_b-1"},
			[]string{"vigil prod", "vigil.prod", string(make([]byte, 257))}},
		{"KMS alias", func(ps *Problems, v string) { KMSAliasName(ps, "p", v) },
			[]string{"alias/vigil-prod-notify"},
			[]string{"vigil-prod-notify", "alias/aws/sns", "alias/has space"}},
		{"log group", func(ps *Problems, v string) { LogGroupName(ps, "p", v) },
			[]string{"/ecs/prod/api", "/aws/lambda/x#1"},
			[]string{"/ecs/prod api", ""}},
		{"SQS queue", func(ps *Problems, v string) { SQSQueueName(ps, "p", v) },
			[]string{"orders", "orders-dlq", "orders.fifo"},
			[]string{"orders.queue", "", "orders queue"}},
		{"RDS instance", func(ps *Problems, v string) { RDSInstanceID(ps, "p", v) },
			[]string{"prod-orders", "db1"},
			[]string{"1db", "prod--orders", "prod-orders-", "prod_orders"}},
		{"ElastiCache cluster", func(ps *Problems, v string) { ElastiCacheClusterID(ps, "p", v) },
			[]string{"prod-sessions-001"},
			[]string{"-sessions", "prod--sessions"}},
		{"load balancer dimension", func(ps *Problems, v string) { LoadBalancerDimension(ps, "p", v) },
			[]string{"app/prod-public/50dc6c495c0c9188", "net/internal/0123456789abcdef"},
			[]string{"arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/prod-public/50dc6c495c0c9188", "app/prod-public"}},
		{"target group dimension", func(ps *Problems, v string) { TargetGroupDimension(ps, "p", v) },
			[]string{"targetgroup/prod-api/943f017f100becff"},
			[]string{"prod-api/943f017f100becff", "targetgroup/prod-api/xyz"}},
		{"hostname", func(ps *Problems, v string) { Hostname(ps, "p", v) },
			[]string{"api.example.com", "*.example.com"},
			[]string{"localhost", "api..example.com", "https://api.example.com"}},
	} {
		for _, v := range c.good {
			assert.Empty(t, check(func(ps *Problems) { c.run(ps, v) }), "%s: %q should pass", c.name, v)
		}
		for _, v := range c.bad {
			assert.Len(t, check(func(ps *Problems) { c.run(ps, v) }), 1, "%s: %q should fail", c.name, v)
		}
	}
}

func TestHTTPSURLNeverRepeatsTheValueItRefuses(t *testing.T) {
	var ps Problems
	HTTPSURL(&ps, "p", "http://hooks.example.com/T000/B000/very-secret-token")
	assert.NotContains(t, ps.List()[0].Message+ps.List()[0].Hint, "very-secret-token")
}

func TestFargateSizes(t *testing.T) {
	for _, ok := range [][2]int{{256, 512}, {256, 2048}, {512, 4096}, {1024, 3072}, {4096, 30720}, {8192, 20480}, {16384, 122880}} {
		assert.Empty(t, check(func(ps *Problems) { FargateSize(ps, "t", ok[0], ok[1]) }), "%v", ok)
	}
	assert.Equal(t, []string{"is not a memory size Fargate allows for 256 CPU units, got 4096"},
		check(func(ps *Problems) { FargateSize(ps, "t", 256, 4096) }))
	assert.Equal(t, []string{"is not a memory size Fargate allows for 8192 CPU units, got 18432"},
		check(func(ps *Problems) { FargateSize(ps, "t", 8192, 18432) }))
	assert.Equal(t, []string{"must be a Fargate CPU size, got 300"},
		check(func(ps *Problems) { FargateSize(ps, "t", 300, 512) }))
}

func TestLogRetention(t *testing.T) {
	assert.Empty(t, check(func(ps *Problems) { LogRetentionDays(ps, "r", 90) }))
	assert.Equal(t, []string{"must be a retention period CloudWatch Logs accepts, got 10"},
		check(func(ps *Problems) { LogRetentionDays(ps, "r", 10) }))
	assert.Len(t, check(func(ps *Problems) { LogRetentionDays(ps, "r", 0) }), 1, "vigil never keeps logs forever")
}

func TestTags(t *testing.T) {
	assert.Empty(t, check(func(ps *Problems) { Tags(ps, "t", map[string]string{"team": "a b", "cost-center": "4711"}) }))
	assert.Equal(t, []string{"tag keys may not start with aws:"},
		check(func(ps *Problems) { Tags(ps, "t", map[string]string{"aws:owner": "x"}) }))
	many := map[string]string{}
	for i := 0; i < 51; i++ {
		many[string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	assert.Equal(t, []string{"has 51 tags, more than 50"}, check(func(ps *Problems) { Tags(ps, "t", many) }))
}

func TestOneOfSuggestsTheClosestValue(t *testing.T) {
	var ps Problems
	OneOf(&ps, "vigil:tier", "prd", []string{"dev", "prod"})
	assert.Equal(t, `must be one of dev, prod, got "prd"`, ps.List()[0].Message)
	assert.Equal(t, "did you mean prod?", ps.List()[0].Hint)
}

func TestUniqueReportsEveryRepeat(t *testing.T) {
	var ps Problems
	Unique(&ps, "s[%d].name", []string{"api", "web", "api", "api"}, "")
	assert.Equal(t, []string{"s[2].name", "s[3].name"}, []string{ps.List()[0].Path, ps.List()[1].Path})
}

func TestNumbersInMessagesAreWrittenAsPeopleWriteThem(t *testing.T) {
	for in, want := range map[float64]string{
		1e8: "100000000", 0.01: "0.01", 0.1: "0.1", 262143: "262143", -3: "-3", 1.5: "1.5", 0: "0", 1e-7: "0.0000001",
	} {
		assert.Equal(t, want, FormatNumber(in), "FormatNumber(%v)", in)
	}
	var ps Problems
	FloatRange(&ps, "evictions", 2e9, 0, 1e9, "keys evicted per second")
	IntRange(&ps, "connections", 262144, 1, 262143, "max_connections")
	assert.Equal(t, []string{
		"evictions: must be between 0 and 1000000000, got 2000000000 | keys evicted per second",
		"connections: must be between 1 and 262143, got 262144 | max_connections",
	}, messages(ps.List()))
}

func TestRangesIncludeBothEnds(t *testing.T) {
	var ps Problems
	for _, v := range []float64{0.01, 100} {
		FloatRange(&ps, "share", v, 0.01, 100, "")
	}
	for _, v := range []int{1, 60} {
		IntRange(&ps, "minutes", v, 1, 60, "")
	}
	assert.Empty(t, ps.List())
	FloatRange(&ps, "share", 0.009, 0.01, 100, "")
	FloatRange(&ps, "share", 100.001, 0.01, 100, "")
	IntRange(&ps, "minutes", 0, 1, 60, "")
	IntRange(&ps, "minutes", 61, 1, 60, "")
	assert.Len(t, ps.List(), 4)
}
