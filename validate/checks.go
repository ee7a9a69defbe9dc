package validate

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The checks below record a problem in ps when a value breaks a rule and say nothing
// otherwise. Each states the rule in its message so the user needs no manual.

// IntRange checks lo <= v <= hi.
func IntRange(ps *Problems, path string, v, lo, hi int, hint string) {
	if v < lo || v > hi {
		ps.Addf(path, hint, "must be between %d and %d, got %d", lo, hi, v)
	}
}

// FloatRange checks lo <= v <= hi.
func FloatRange(ps *Problems, path string, v, lo, hi float64, hint string) {
	if v < lo || v > hi {
		ps.Addf(path, hint, "must be between %s and %s, got %s", fmtNum(lo), fmtNum(hi), fmtNum(v))
	}
}

// FormatNumber writes a number as people write it: 100000000, not 1e+08; 0.01, not
// 1e-02; integers without a decimal point. Problem messages and hints use it.
func FormatNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func fmtNum(f float64) string { return FormatNumber(f) }

// Required checks that a string is set.
func Required(ps *Problems, path, v, hint string) bool {
	if strings.TrimSpace(v) == "" {
		ps.Add(path, "is required", hint)
		return false
	}
	return true
}

// OneOf checks that v is one of allowed, suggesting the closest when it is not.
func OneOf(ps *Problems, path, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		ps.Addf(path, UnknownHint(v, allowed), "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}

// Unique reports every name that occurs more than once in names (paths are
// fmt.Sprintf(pathFormat, index)).
func Unique(ps *Problems, pathFormat string, names []string, hint string) {
	first := map[string]int{}
	for i, n := range names {
		if n == "" {
			continue
		}
		if j, seen := first[n]; seen {
			ps.Addf(fmt.Sprintf(pathFormat, i), hint, "duplicate name %q (first used at index %d)", n, j)
			continue
		}
		first[n] = i
	}
}

var (
	nameRe      = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$`)
	e164Re      = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	accountRe   = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	iamRoleRe   = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	snsNameRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	aliasRe     = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]{1,250}$`)
	logGroupRe  = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	ecsNameRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	sqsNameRe   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	rdsIDRe     = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,62}$`)
	cacheIDRe   = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,49}$`)
	lbDimRe     = regexp.MustCompile(`^(app|net|gwy)/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	tgDimRe     = regexp.MustCompile(`^targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`)
	acmARNRe    = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:acm:[a-z0-9-]+:([0-9]{12}):certificate/[0-9a-f-]{36}$`)
	hostnameRe  = regexp.MustCompile(`^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)
	tagKeyValRe = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// Name checks a vigil name (service, database, ...): lower-case letters, digits and
// hyphens, starting with a letter, at most max characters. Names end up in resource
// names, metric dimensions and alert labels, so they are kept plain.
func Name(ps *Problems, path, v string, max int) {
	if !Required(ps, path, v, "give it a short name such as api or orders-db") {
		return
	}
	if len(v) > max || !nameRe.MatchString(v) {
		ps.Addf(path, "for example orders-api", "must be 1 to %d lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen, got %q", max, v)
	}
}

// Email checks an e-mail address for an SNS email subscription.
func Email(ps *Problems, path, v string) {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		ps.Addf(path, "write a bare address such as oncall@example.com", "must be an e-mail address, got %q", v)
	}
}

// PhoneE164 checks a phone number for an SNS SMS subscription.
func PhoneE164(ps *Problems, path, v string) {
	if !e164Re.MatchString(v) {
		ps.Addf(path, "SNS sends SMS only to E.164 numbers: a plus sign, the country code and the number, no spaces", "must be a phone number in E.164 form such as +14155550100, got %q", v)
	}
}

// HTTPSURL checks an absolute https URL. The value may be a secret, so the message
// never repeats it.
func HTTPSURL(ps *Problems, path, v string) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		ps.Add(path, "must be an absolute https:// URL", "SNS delivers to HTTPS endpoints only over TLS; the value is not shown because it may be a secret")
	}
}

// HTTPURL checks an absolute http or https URL such as a health-check endpoint.
func HTTPURL(ps *Problems, path, v string) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		ps.Addf(path, "for example https://api.example.com/health", "must be an absolute http:// or https:// URL, got %q", v)
	}
}

// AccountID checks a 12-digit AWS account ID.
func AccountID(ps *Problems, path, v string) {
	if !accountRe.MatchString(v) {
		ps.Addf(path, "run `aws sts get-caller-identity --query Account` in the target account; quote it in YAML so leading zeros survive", "must be a 12-digit AWS account ID, got %q", v)
	}
}

// Region checks the form of an AWS region name.
func Region(ps *Problems, path, v string) {
	if !regionRe.MatchString(v) {
		ps.Addf(path, "for example eu-west-1 or us-east-1", "must be an AWS region such as eu-west-1, got %q", v)
	}
}

// IAMRoleARN checks the ARN of an IAM role.
func IAMRoleARN(ps *Problems, path, v string) {
	if !iamRoleRe.MatchString(v) {
		ps.Addf(path, "for example arn:aws:iam::123456789012:role/deployer", "must be an IAM role ARN, got %q", v)
	}
}

// SNSTopicName checks an SNS topic name (1-256 ASCII letters, digits, hyphens and
// underscores; vigil creates no FIFO topics).
func SNSTopicName(ps *Problems, path, v string) {
	if !snsNameRe.MatchString(v) {
		ps.Addf(path, "SNS topic names take only ASCII letters, digits, hyphens and underscores", "makes the SNS topic name %q, which must be 1 to 256 of those characters", v)
	}
}

// KMSAliasName checks a KMS alias name: "alias/" then letters, digits, "/", "_" or "-",
// 256 characters in all, and not in the reserved "alias/aws/" space.
func KMSAliasName(ps *Problems, path, v string) {
	if !aliasRe.MatchString(v) || strings.HasPrefix(v, "alias/aws/") {
		ps.Addf(path, "alias names take letters, digits, /, _ and -; alias/aws/ is reserved for AWS", "makes the KMS alias %q, which must be alias/ and 1 to 250 such characters", v)
	}
}

// LogRetentionValues are the retention periods, in days, that CloudWatch Logs accepts.
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// LogRetentionDays checks a CloudWatch Logs retention period. vigil never keeps logs
// forever (0), so 0 is refused too.
func LogRetentionDays(ps *Problems, path string, v int) {
	if !slices.Contains(LogRetentionValues, v) {
		vals := make([]string, len(LogRetentionValues))
		for i, d := range LogRetentionValues {
			vals[i] = fmt.Sprint(d)
		}
		ps.Addf(path, "CloudWatch Logs accepts only "+strings.Join(vals, ", "), "must be a retention period CloudWatch Logs accepts, got %d", v)
	}
}

// LogGroupName checks a CloudWatch Logs log group name.
func LogGroupName(ps *Problems, path, v string) {
	if !logGroupRe.MatchString(v) {
		ps.Addf(path, "log group names are 1-512 letters, digits and . - _ / #, for example /ecs/api", "must be a CloudWatch Logs log group name, got %q", v)
	}
}

// ECSName checks an ECS cluster or service name.
func ECSName(ps *Problems, path, v string) {
	if !ecsNameRe.MatchString(v) {
		ps.Addf(path, "ECS names are 1-255 letters, digits, hyphens and underscores", "must be an ECS cluster or service name, got %q", v)
	}
}

// SQSQueueName checks an SQS queue name (standard or FIFO).
func SQSQueueName(ps *Problems, path, v string) {
	base := strings.TrimSuffix(v, ".fifo")
	if !sqsNameRe.MatchString(base) || len(v) > 80 {
		ps.Addf(path, "queue names are 1-80 letters, digits, hyphens and underscores, with .fifo at the end of FIFO queues", "must be an SQS queue name, got %q", v)
	}
}

// RDSInstanceID checks an RDS DB instance identifier.
func RDSInstanceID(ps *Problems, path, v string) {
	if !rdsIDRe.MatchString(v) {
		ps.Addf(path, "1-63 letters, digits and single hyphens, starting with a letter, for example prod-orders", "must be an RDS DB instance identifier, got %q", v)
	}
}

// ElastiCacheClusterID checks an ElastiCache cache cluster ID (a node of a Redis or
// Valkey replication group, such as prod-sessions-001).
func ElastiCacheClusterID(ps *Problems, path, v string) {
	if !cacheIDRe.MatchString(v) {
		ps.Addf(path, "1-50 letters, digits and single hyphens, starting with a letter, for example prod-sessions-001", "must be an ElastiCache cluster ID, got %q", v)
	}
}

// LoadBalancerDimension checks the LoadBalancer dimension of CloudWatch's ELB metrics:
// the part of the load balancer ARN after "loadbalancer/".
func LoadBalancerDimension(ps *Problems, path, v string) {
	if !lbDimRe.MatchString(v) {
		ps.Addf(path, "take the part of the load balancer ARN after loadbalancer/, for example app/prod-public/50dc6c495c0c9188", "must be a load balancer ARN suffix, got %q", v)
	}
}

// TargetGroupDimension checks the TargetGroup dimension of CloudWatch's ELB metrics:
// the part of the target group ARN that starts with "targetgroup/".
func TargetGroupDimension(ps *Problems, path, v string) {
	if !tgDimRe.MatchString(v) {
		ps.Addf(path, "take the part of the target group ARN from targetgroup/, for example targetgroup/api/943f017f100becff", "must be a target group ARN suffix, got %q", v)
	}
}

// ACMCertificateARN checks an ACM certificate ARN and returns the account it lives in
// ("" when the ARN is malformed).
func ACMCertificateARN(ps *Problems, path, v string) string {
	m := acmARNRe.FindStringSubmatch(v)
	if m == nil {
		ps.Addf(path, "for example arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "must be an ACM certificate ARN, got %q", v)
		return ""
	}
	return m[2]
}

// Hostname checks a DNS name, optionally a wildcard.
func Hostname(ps *Problems, path, v string) {
	if len(v) > 253 || !hostnameRe.MatchString(v) {
		ps.Addf(path, "for example api.example.com", "must be a DNS name, got %q", v)
	}
}

// Tags checks AWS tag limits: at most 50 tags, keys of 1-128 and values of at most 256
// characters from the allowed set, and no key in the reserved aws: space.
func Tags(ps *Problems, path string, tags map[string]string) {
	if len(tags) > 50 {
		ps.Addf(path, "AWS allows 50 tags a resource, and vigil adds its own", "has %d tags, more than 50", len(tags))
	}
	for _, k := range sortedStringKeys(tags) {
		v := tags[k]
		kp := path + "." + k
		switch {
		case k == "" || len([]rune(k)) > 128 || !tagKeyValRe.MatchString(k):
			ps.Add(kp, "tag keys must be 1-128 letters, digits, spaces and _ . : / = + - @", "")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			ps.Add(kp, "tag keys may not start with aws:", "the aws: prefix is reserved for AWS")
		}
		if len([]rune(v)) > 256 || !tagKeyValRe.MatchString(v) {
			ps.Add(kp, "tag values must be at most 256 letters, digits, spaces and _ . : / = + - @", "")
		}
	}
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// fargateMemory lists, for each Fargate CPU size, the memory sizes in MiB it accepts:
// from, to and step.
var fargateMemory = map[int][3]int{
	256:   {512, 2048, 0}, // 512, 1024, 2048
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// FargateSize checks a Fargate task's CPU units and memory against the pairs Fargate
// accepts.
func FargateSize(ps *Problems, path string, cpu, memoryMiB int) {
	r, ok := fargateMemory[cpu]
	if !ok {
		ps.Addf(path+".cpu", "Fargate sizes are 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units", "must be a Fargate CPU size, got %d", cpu)
		return
	}
	valid := false
	if r[2] == 0 {
		valid = memoryMiB == 512 || memoryMiB == 1024 || memoryMiB == 2048
	} else {
		valid = memoryMiB >= r[0] && memoryMiB <= r[1] && (memoryMiB-r[0])%r[2] == 0
	}
	if !valid {
		hint := fmt.Sprintf("with %d CPU units Fargate takes %d to %d MiB in steps of %d", cpu, r[0], r[1], r[2])
		if r[2] == 0 {
			hint = "with 256 CPU units Fargate takes 512, 1024 or 2048 MiB"
		}
		ps.Addf(path+".memoryMiB", hint, "is not a memory size Fargate allows for %d CPU units, got %d", cpu, memoryMiB)
	}
}
