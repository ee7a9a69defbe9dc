package notify

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/internal/mockcloud"
	"github.com/vigilops/vigil/notifier/build"
	"github.com/vigilops/vigil/notifier/format"
	"github.com/vigilops/vigil/validate"
)

// madeTopics stands for topics NewTopics made (Validate reads their prefix and key
// use only).
func madeTopics(prefix string, use KeyUse) *Topics {
	return &Topics{prefix: prefix, region: region, account: account, keyUse: use}
}

func notifierProblems(t *testing.T, a *NotifierArgs) []string {
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

func channels(n int) []NotifierChannel {
	var out []NotifierChannel
	for i := 0; i < n; i++ {
		out = append(out, NotifierChannel{Name: fmt.Sprintf("chat-%d", i), Target: format.Slack,
			Severities: []alerts.Severity{alerts.High}, WebhookURL: pulumi.String(slackURL)})
	}
	return out
}

func TestNotifierArgsAtAndBeyondEveryLimit(t *testing.T) {
	prefix := func(n int) string { return "v" + strings.Repeat("p", n-1) }
	tests := map[string]struct {
		change func(a *NotifierArgs)
		want   []string // nil: valid
	}{
		"The prod arguments are valid.": {func(a *NotifierArgs) {}, nil},
		"A prefix of 46 characters fits the longest name, the schedule's role of 64.": {func(a *NotifierArgs) {
			a.Topics = madeTopics(prefix(46), NotifierKeyUse(prefix(46)))
		}, nil},
		"A prefix of 47 characters does not.": {func(a *NotifierArgs) {
			a.Topics = madeTopics(prefix(47), NotifierKeyUse(prefix(47)))
		}, []string{"Topics: has the prefix \"" + prefix(47) + "\" of 47 characters; the notifier's names take at most 46"}},
		"Topics whose key may not encrypt the notifier's things are refused.": {func(a *NotifierArgs) {
			a.Topics = madeTopics("vigil-prod", KeyUse{SecretsManager: true, SQS: true})
		}, []string{"Topics: have a key that may not encrypt the notifier's log group /aws/lambda/vigil-prod-notifier, secrets and dead-letter queue"}},
		"No topics.":                       {func(a *NotifierArgs) { a.Topics = nil }, []string{"Topics: is required"}},
		"No environment.":                  {func(a *NotifierArgs) { a.Environment = "" }, []string{"Environment: is required"}},
		"Twenty channels.":                 {func(a *NotifierArgs) { a.Channels = channels(20) }, nil},
		"Twenty-one.":                      {func(a *NotifierArgs) { a.Channels = channels(21) }, []string{"Channels: has 21 channels"}},
		"No channel at all":                {func(a *NotifierArgs) { a.Channels = nil }, []string{"Channels: needs at least one channel"}},
		"A channel name of 64 characters.": {func(a *NotifierArgs) { a.Channels[0].Name = strings.Repeat("c", 64) }, nil},
		"A channel name of 65, a bad target, no severity, no URL.": {func(a *NotifierArgs) {
			a.Channels[0] = NotifierChannel{Name: strings.Repeat("c", 65), Target: "discord"}
		}, []string{
			"Channels[0].Name: must be a channel name, got \"" + strings.Repeat("c", 65) + "\"",
			"Channels[0].Target: must be googlechat, slack, teams or webhook, got \"discord\"",
			"Channels[0].Severities: needs at least one severity",
			"Channels[0].WebhookURL: is required",
		}},
		"An unknown severity.": {func(a *NotifierArgs) { a.Channels[0].Severities = []alerts.Severity{"urgent"} },
			[]string{"Channels[0].Severities[0]: must be a severity, got \"urgent\""}},
		"Two channels of one name.": {func(a *NotifierArgs) { a.Channels[1].Name = a.Channels[0].Name },
			[]string{"Channels[1].Name: duplicate name \"ops-chat\" (first used at index 0)"}},
		"No alarm e-mail.": {func(a *NotifierArgs) { a.AlarmEmails = nil }, []string{"AlarmEmails: needs at least one address"}},
		"A bad and a repeated alarm e-mail.": {func(a *NotifierArgs) { a.AlarmEmails = []string{"nobody", "a@example.com", "A@example.com"} },
			[]string{"AlarmEmails[0]: must be an e-mail address, got \"nobody\"", "AlarmEmails[2]: repeats AlarmEmails[1]"}},
		"The summary at 00:00 and at 23:59.": {func(a *NotifierArgs) { a.DailySummary.At = "00:00" }, nil},
		"The summary at 24:00.": {func(a *NotifierArgs) { a.DailySummary.At = "24:00" },
			[]string{"DailySummary.At: must be a time of day, got \"24:00\""}},
		"The summary at 9:00, without its leading zero.": {func(a *NotifierArgs) { a.DailySummary.At = "9:00" },
			[]string{"DailySummary.At: must be a time of day, got \"9:00\""}},
		"The summary at 12:60.": {func(a *NotifierArgs) { a.DailySummary.At = "12:60" },
			[]string{"DailySummary.At: must be a time of day, got \"12:60\""}},
		"Time zones that do not exist.": {func(a *NotifierArgs) { a.TimeZone = "Europe/Atlantis"; a.DailySummary.TimeZone = "Mars/Olympus" },
			[]string{"TimeZone: is not a time zone, got \"Europe/Atlantis\"", "DailySummary.TimeZone: is not a time zone, got \"Mars/Olympus\""}},
		"An alarm prefix of 255 characters.": {func(a *NotifierArgs) { a.DailySummary.AlarmNamePrefix = strings.Repeat("a", 255) }, nil},
		"An alarm prefix of 256.": {func(a *NotifierArgs) { a.DailySummary.AlarmNamePrefix = strings.Repeat("a", 256) },
			[]string{"DailySummary.AlarmNamePrefix: must be at most 255 characters, got 256"}},
		"An uptime alarm without a name.": {func(a *NotifierArgs) { a.DailySummary.UptimeAlarms = map[string]string{"api": ""} },
			[]string{"DailySummary.UptimeAlarms.api: must name an alarm"}},
		"A log retention CloudWatch refuses.": {func(a *NotifierArgs) { a.LogRetentionDays = 31 },
			[]string{"LogRetentionDays: must be a retention period CloudWatch Logs accepts, got 31"}},
		"A log retention CloudWatch accepts.": {func(a *NotifierArgs) { a.LogRetentionDays = 365 }, nil},
		"A package without its hash.":         {func(a *NotifierArgs) { a.Code.SourceCodeHash = "" }, []string{"Code.SourceCodeHash: is required"}},
		"A runbook base that is not a URL.": {func(a *NotifierArgs) { a.RunbookBaseURL = "runbooks.md" },
			[]string{"RunbookBaseURL: must be an absolute http:// or https:// URL, got \"runbooks.md\""}},
		"An Alertmanager link in plain HTTP, which the function refuses.": {func(a *NotifierArgs) { a.AlertmanagerURL = "http://am.example.com" },
			[]string{"AlertmanagerURL: must be an https URL, got \"http://am.example.com\""}},
		"A Grafana link without a host.": {func(a *NotifierArgs) { a.GrafanaURL = "https://" },
			[]string{"GrafanaURL: must be an https URL, got \"https://\""}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			a := prodNotifier(t, madeTopics("vigil-prod", NotifierKeyUse("vigil-prod")))
			tc.change(a)
			got := notifierProblems(t, a)
			if tc.want == nil {
				assert.Empty(t, got)
				return
			}
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				assert.True(t, found, "want %q among %q", w, got)
			}
			assert.Len(t, got, len(tc.want), "%q", got)
		})
	}
}

func TestInvalidNotifierArgsCreateNothing(t *testing.T) {
	cloud, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.Environment, a.AlarmEmails = "", nil
		return a
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Environment: is required")
	assert.Contains(t, err.Error(), "AlarmEmails: needs at least one address")
	assert.Empty(t, cloud.ByType(NotifierTypeToken))
	assert.Empty(t, cloud.ByType("aws:lambda/function:Function"))
}

// countBuilds replaces the build with one that counts and returns fixed bytes.
func countBuilds(t *testing.T, zip []byte) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	old := buildLambda
	buildLambda = func(ctx context.Context, o build.Options) (build.Artifact, error) {
		n.Add(1)
		sum := sha256.Sum256(zip)
		return build.Artifact{Zip: zip, SHA256: hex.EncodeToString(sum[:]), SourceCodeHash: base64.StdEncoding.EncodeToString(sum[:])}, nil
	}
	resetBuilds()
	t.Cleanup(func() { buildLambda = old; resetBuilds() })
	return &n
}

func resetBuilds() {
	builds.mu.Lock()
	builds.done = nil
	builds.mu.Unlock()
}

func TestTheNotifierIsBuiltOncePerProcessIntoAZipNamedByItsContentOutsideTheSource(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", cache)
	n := countBuilds(t, []byte("zip bytes"))
	first, err := BuildNotifier("")
	require.NoError(t, err)
	second, err := BuildNotifier("")
	require.NoError(t, err)
	assert.Equal(t, int32(1), n.Load(), "built once")
	assert.Equal(t, first, second)
	sum := sha256.Sum256([]byte("zip bytes"))
	assert.Equal(t, filepath.Join(zipCacheDir(), hex.EncodeToString(sum[:])+".zip"), first.ZipPath)
	assert.True(t, strings.HasPrefix(first.ZipPath, cache), "in the cache, not the repository: %s", first.ZipPath)
	b, err := os.ReadFile(first.ZipPath)
	require.NoError(t, err)
	assert.Equal(t, "zip bytes", string(b))
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), first.SourceCodeHash)

	// The module is found from the working directory upwards: the repository root.
	dir, err := notifierModuleDir("")
	require.NoError(t, err)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	assert.Equal(t, root, dir)
	assert.Equal(t, vigilModule, modulePath(filepath.Join(dir, "go.mod")))
}

// Two programs in one process (two plans, a benchmark's iterations) build once.
func TestTwoNotifiersWithoutCodeShareOneBuild(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	n := countBuilds(t, []byte("another zip"))
	var hashes []string
	for i := 0; i < 2; i++ {
		cloud, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
			a := prodNotifier(t, topics)
			a.Code = nil
			return a
		})
		require.NoError(t, err)
		fn := named(t, cloud, "aws:lambda/function:Function", "notifier-function")
		hashes = append(hashes, str(t, fn, "sourceCodeHash"))
	}
	assert.Equal(t, int32(1), n.Load())
	assert.Equal(t, hashes[0], hashes[1], "a second preview sees no change")
}

// The real build, from this repository's source: the function's hash is the zip's,
// the zip is named by its content, and two builds give the same zip.
func TestNewNotifierBuildsTheLambdaFromSource(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	resetBuilds()
	t.Cleanup(resetBuilds)
	cloud, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.Code = nil
		return a
	})
	require.NoError(t, err)
	fn := named(t, cloud, "aws:lambda/function:Function", "notifier-function")
	path := fn.Inputs["code"].ArchiveValue().Path
	assert.Equal(t, fakeSum(t, path), str(t, fn, "sourceCodeHash"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	assert.Equal(t, hex.EncodeToString(sum[:])+".zip", filepath.Base(path))
	assert.Greater(t, len(b), 1<<20, "a Go binary, compressed, is megabytes")

	// A second plan (another process: the once-per-process build forgotten) builds
	// again and gets the same bytes, so the same path and hash: no change to show.
	resetBuilds()
	again, _, err := deployNotifier(t, notifierTopics(), func(topics *Topics) *NotifierArgs {
		a := prodNotifier(t, topics)
		a.Code = nil
		return a
	})
	require.NoError(t, err)
	fn2 := named(t, again, "aws:lambda/function:Function", "notifier-function")
	assert.Equal(t, path, fn2.Inputs["code"].ArchiveValue().Path)
	assert.Equal(t, str(t, fn, "sourceCodeHash"), str(t, fn2, "sourceCodeHash"))
}

// BenchmarkNewNotifier plans the prod notifier, building from source: the build runs
// once, before the timer, and never per iteration.
func BenchmarkNewNotifier(b *testing.B) {
	resetBuilds()
	code, err := BuildNotifier("")
	require.NoError(b, err)
	var builds atomic.Int32
	old := buildLambda
	buildLambda = func(ctx context.Context, o build.Options) (build.Artifact, error) {
		builds.Add(1)
		return old(ctx, o)
	}
	defer func() { buildLambda = old }()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cloud := mockcloud.New("vigil", "bench", account, region)
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			topics, err := NewTopics(ctx, "notify", notifierTopics())
			if err != nil {
				return err
			}
			a := prodNotifier(b, topics)
			a.Code = nil
			_, err = NewNotifier(ctx, "notifier", a)
			return err
		}, pulumi.WithMocks("vigil", "bench", cloud))
		require.NoError(b, err)
	}
	b.StopTimer()
	require.Equal(b, int32(0), builds.Load(), "no build after the first")
	require.NotEmpty(b, code.ZipPath)
}
