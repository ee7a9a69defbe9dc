package config

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	amconfig "github.com/prometheus/alertmanager/config"
	"github.com/stretchr/testify/require"

	"github.com/vigilops/vigil/alerts"
	"github.com/vigilops/vigil/alerts/catalog"
	"github.com/vigilops/vigil/alerts/routing"
	"github.com/vigilops/vigil/internal/loopback"
)

// The fake key pair of the loopback tests: AWS's documented example shape, never a real
// key. Alertmanager reads it from its environment, as it reads its ECS task role's.
const (
	fakeAccessKey = "AKIAEXAMPLEE2ETEST00"
	fakeSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	e2eRegion     = "eu-west-1"
	e2eAccount    = "123456789012"
)

// topicOf is the ARN stacks gives a severity's topic (components/notify.TopicARN, not
// imported: it would link Pulumi into this pure package's tests).
func topicOf(sev alerts.Severity) string {
	return fmt.Sprintf("arn:aws:sns:%s:%s:vigil-e2e-%s", e2eRegion, e2eAccount, sev)
}

// withSNSEndpoint writes api_url: endpoint into every sns_configs entry of an
// Alertmanager file from alerts/routing, just above its topic_arn, and changes nothing
// else.
func withSNSEndpoint(t *testing.T, file []byte, endpoint string) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(file), "\n") {
		if rest := strings.TrimLeft(line, " "); strings.HasPrefix(rest, "topic_arn: ") {
			indent := line[:len(line)-len(rest)]
			fmt.Fprintf(&out, "%sapi_url: %s\n", indent, endpoint)
		}
		out.WriteString(line)
	}
	return out.Bytes()
}

func TestTheSNSEndpointSwapAddsApiUrlToEachTopicAndChangesNothingElse(t *testing.T) {
	f, err := routing.Build(e2eRouting())
	require.NoError(t, err)
	swapped := withSNSEndpoint(t, f.YAML(), "http://127.0.0.1:1")
	var kept []string
	for _, line := range strings.SplitAfter(string(swapped), "\n") {
		if !strings.Contains(line, "api_url: http://127.0.0.1:1") {
			kept = append(kept, line)
		}
	}
	require.Equal(t, string(f.YAML()), strings.Join(kept, ""), "only api_url lines were added")

	// Alertmanager v0.34 reads the field where it was put: each severity's receiver
	// publishes to its own topic through the local endpoint, signed in the topic's region.
	cfg, err := amconfig.Load(string(swapped))
	require.NoError(t, err, "%s", swapped)
	topics := map[string]string{}
	for _, r := range cfg.Receivers {
		for _, sns := range r.SNSConfigs {
			require.Equal(t, "http://127.0.0.1:1", sns.APIUrl, r.Name)
			require.Equal(t, e2eRegion, sns.Sigv4.Region, r.Name)
			require.Empty(t, sns.Sigv4.AccessKey, "no key in the file")
			topics[r.Name] = sns.TopicARN
		}
	}
	require.Equal(t, map[string]string{"sns-critical": topicOf(alerts.Critical), "sns-high": topicOf(alerts.High),
		"sns-medium": topicOf(alerts.Medium), "sns-low": topicOf(alerts.Low)}, topics)

	// And Alertmanager 0.25, the Debian binary that the loopback test runs, knows it too.
	file := filepath.Join(t.TempDir(), "alertmanager.yml")
	require.NoError(t, os.WriteFile(file, swapped, 0o644))
	out, err := exec.Command(loopback.Binary(t, "amtool", "prometheus-alertmanager"), "check-config", file).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "SUCCESS")
	require.NotContains(t, string(swapped), fakeSecretKey)
}

func TestTheSNSStandInChecksTheSigV4SignatureAsAWSsOwnSignerMakesIt(t *testing.T) {
	form := "Action=Publish&Version=2010-03-31&TopicArn=" + topicOf(alerts.High) + "&Subject=s&Message=m"
	sign := func(t *testing.T, secret, region, service, body string) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		req.ContentLength = int64(len(body))
		err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: fakeAccessKey, SecretAccessKey: secret},
			req, hexSHA256([]byte(body)), service, region, time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC))
		require.NoError(t, err)
		return req
	}
	cases := map[string]struct {
		secret, region, service, body string
		wantProblem                   string
	}{
		"A request signed with the secret for sns in the topic's region is accepted.": {fakeSecretKey, e2eRegion, "sns", form, ""},
		"A request signed with another secret is refused.": {fakeSecretKey + "x", e2eRegion, "sns", form,
			"is not the one the environment's secret key gives"},
		"A request signed for another region is refused.": {fakeSecretKey, "us-east-1", "sns", form,
			`signed for service "sns" in "us-east-1", not sns in the topic's region "eu-west-1"`},
		"A request signed for another service is refused.": {fakeSecretKey, e2eRegion, "sqs", form,
			`signed for service "sqs"`},
		"A body changed after signing is refused.": {fakeSecretKey, e2eRegion, "sns", form, "is not the one"},
		"Another action is refused.": {fakeSecretKey, e2eRegion, "sns", strings.Replace(form, "Publish", "Subscribe", 1),
			`Action="Subscribe"`},
		"A Publish without a message is refused.": {fakeSecretKey, e2eRegion, "sns", strings.TrimSuffix(form, "&Message=m"), "no Message"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			stub := &snsStub{accessKey: fakeAccessKey, secret: fakeSecretKey}
			req := sign(t, c.secret, c.region, c.service, c.body)
			body := c.body
			if strings.HasPrefix(name, "A body changed") {
				body = strings.Replace(body, "Message=m", "Message=n", 1)
			}
			p, problem := stub.publishOf(req, []byte(body))
			if c.wantProblem == "" {
				require.Empty(t, problem)
				require.Equal(t, snsPublish{TopicArn: topicOf(alerts.High), Subject: "s", Message: "m", Region: e2eRegion}, p)
				return
			}
			require.Contains(t, problem, c.wantProblem)
		})
	}
	t.Run("An unsigned request is refused.", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:4566/", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, problem := (&snsStub{accessKey: fakeAccessKey, secret: fakeSecretKey}).publishOf(req, []byte(form))
		require.Contains(t, problem, "is not AWS4-HMAC-SHA256")
	})
}

// e2eRouting is the routing.Config stacks builds for a stack named e2e (routingOf):
// each severity to its topic, none paging, with only its documented timing knobs
// shortened so that a notification and its resolved notice arrive within seconds.
func e2eRouting() routing.Config {
	cfg := routing.Config{
		Environment:   "e2e",
		Targets:       map[alerts.Severity]routing.Target{},
		GroupWait:     time.Second,
		GroupInterval: 2 * time.Second,
	}
	for _, sev := range alerts.Severities() {
		cfg.Targets[sev] = routing.Target{TopicARN: topicOf(sev)}
	}
	return cfg
}

// activeAlertmanagers returns the Alertmanager URLs Prometheus sends to.
func activeAlertmanagers(t *testing.T, promAddr string) []string {
	t.Helper()
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + promAddr + "/api/v1/alertmanagers")
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Active []struct {
				URL string `json:"url"`
			} `json:"activeAlertmanagers"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	var urls []string
	for _, a := range body.Data.Active {
		urls = append(urls, a.URL)
	}
	return urls
}

func TestAServiceDownAlertOfTheGeneratedConfigurationReachesTheCriticalSNSTopicAndResolves(t *testing.T) {
	prometheus := loopback.Binary(t, "prometheus", "prometheus")
	blackbox := loopback.Binary(t, "prometheus-blackbox-exporter", "prometheus-blackbox-exporter")
	alertmanager := loopback.Binary(t, "prometheus-alertmanager", "prometheus-alertmanager")
	dir := t.TempDir()

	// Alertmanager's AWS SDK takes the fake keys from the environment and nothing from
	// this machine's files, instance metadata or region settings: the region must come
	// from the generated sigv4 block.
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": fakeAccessKey, "AWS_SECRET_ACCESS_KEY": fakeSecretKey, "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "no-aws-config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "no-aws-credentials"),
		"AWS_ROLE_ARN": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(k, v)
	}
	sns := newSNSStub(t, fakeAccessKey, fakeSecretKey)

	// The service api: healthy for the probe, but its /metrics fails until the fault stops.
	var fault atomic.Bool
	fault.Store(true)
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/broken", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
		if fault.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 7")
	})
	app := httptest.NewServer(mux)
	defer app.Close()

	// The generated files, with only paths, targets and the SNS endpoint swapped.
	am, err := routing.Build(e2eRouting())
	require.NoError(t, err)
	amFile := filepath.Join(dir, "alertmanager.yml")
	require.NoError(t, os.WriteFile(amFile, withSNSEndpoint(t, am.YAML(), sns.URL), 0o644))

	rules, err := catalog.Build(catalog.Catalog{
		Options: catalog.Options{RunbookBaseURL: "https://runbooks.example.com/alerts", Labels: map[string]string{"environment": "e2e"}},
		// One minute, DownFor's shortest: the catalog's own rule, not a test rule.
		Services: []catalog.Service{{Name: "api", DownFor: time.Minute}},
	})
	require.NoError(t, err)
	rulesYAML, err := rules.Render()
	require.NoError(t, err)
	rulesDir := filepath.Join(dir, "rules")
	require.NoError(t, os.Mkdir(rulesDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(rulesDir, "catalog.rules.yaml"), rulesYAML, 0o644))

	bbAddr, promAddr, amAddr := loopback.FreeAddr(t), loopback.FreeAddr(t), loopback.FreeAddr(t)
	promYAML := build(t, Prometheus{
		Stack:          "e2e",
		ScrapeInterval: 5 * time.Second,
		RulesDir:       rulesDir,
		Alertmanager:   Alertmanager{Targets: []string{amAddr}},
		Blackbox:       Blackbox{Address: bbAddr},
		Services: []Service{
			{Name: "api", Targets: []string{strings.TrimPrefix(app.URL, "http://")}, HealthURL: app.URL + "/health"},
			{Name: "broken", Targets: []string{"127.0.0.1:1"}, HealthURL: app.URL + "/broken"},
		},
	})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), promYAML, 0o644))
	bbYAML, err := BlackboxYAML(2 * time.Second)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blackbox.yml"), bbYAML, 0o644))

	loopback.Start(t, alertmanager, "http://"+amAddr+"/-/ready", "--config.file="+amFile,
		"--storage.path="+filepath.Join(dir, "am"), "--web.listen-address="+amAddr, "--cluster.listen-address=")
	loopback.Start(t, blackbox, "http://"+bbAddr+"/-/ready", "--config.file="+filepath.Join(dir, "blackbox.yml"), "--web.listen-address="+bbAddr)
	loopback.Start(t, prometheus, "http://"+promAddr+"/-/ready", "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+promAddr,
		"--rules.alert.resend-delay=2s")

	// Prometheus discovered its Alertmanager.
	wantAM := "http://" + amAddr + "/api/v2/alerts"
	for deadline := time.Now().Add(time.Minute); !slices.Contains(activeAlertmanagers(t, promAddr), wantAM); time.Sleep(250 * time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "Prometheus lists no active Alertmanager %s: %v", wantAM, activeAlertmanagers(t, promAddr))
	}

	// The probes of the health endpoints, both sides.
	require.Equal(t, "1", valueOf(t, promAddr, `probe_success{probe_service="api"}`).Value[1])
	require.Equal(t, "0", valueOf(t, promAddr, `probe_success{probe_service="broken"}`).Value[1])
	require.Equal(t, "0", valueOf(t, promAddr, `up{service="api"}`).Value[1], "the /metrics fault is seen")

	// The catalog's ServiceDown is pending first (its for: 1m has begun)...
	pending := valueOf(t, promAddr, `ALERTS{alertname="ServiceDown",alertstate="pending"}`)
	require.Equal(t, "api", pending.Metric["service"])
	require.Equal(t, "critical", pending.Metric["severity"])
	// ... and, a minute later, reaches the critical topic and no other. The wait is
	// the rule's minute (DownFor's shortest) plus 30 s for an evaluation (5 s), the
	// resend delay (2 s), group_wait (1 s) and the Publish.
	pendingSeen := time.Now()
	fired := sns.waitFor(t, 90*time.Second, "ServiceDown notification", func(p snsPublish) bool {
		return strings.Contains(p.Subject, "ServiceDown")
	})
	t.Logf("ServiceDown published %s after it was seen pending", time.Since(pendingSeen).Round(time.Second))
	require.Equal(t, topicOf(alerts.Critical), fired.TopicArn)
	require.Equal(t, e2eRegion, fired.Region)
	require.Equal(t, "[FIRING] critical e2e api: ServiceDown", fired.Subject)
	for _, want := range []string{"1 firing, 0 resolved", "[FIRING] ServiceDown", "severity: critical", "service: api",
		"environment: e2e", "summary: api is down", "runbook: https://runbooks.example.com/alerts#servicedown"} {
		require.Contains(t, fired.Message, want)
	}

	// The Watchdog reached Alertmanager too, but its receiver notifies nobody: no
	// topic hears of it.
	require.Equal(t, "e2e", waitForAlert(t, amAddr, "Watchdog")["environment"])

	// The fault stops: the resolved notice follows on the same topic.
	fault.Store(false)
	faultStopped := time.Now()
	resolved := sns.waitFor(t, time.Minute, "resolved ServiceDown notice", func(p snsPublish) bool {
		return strings.HasPrefix(p.Subject, "[RESOLVED]")
	})
	t.Logf("the resolved notice was published %s after the fault stopped", time.Since(faultStopped).Round(time.Second))
	require.Equal(t, topicOf(alerts.Critical), resolved.TopicArn)
	require.Equal(t, "[RESOLVED] critical e2e api: ServiceDown", resolved.Subject)
	require.Contains(t, resolved.Message, "0 firing, 1 resolved")
	require.Contains(t, resolved.Message, "ended: ")

	published, refused := sns.snapshot()
	require.Empty(t, refused, "every request Alertmanager made was a valid, signed Publish")
	for _, p := range published {
		require.Equal(t, topicOf(alerts.Critical), p.TopicArn, "only the critical topic was published to: %+v", p)
		require.NotContains(t, p.Subject+p.Message, "Watchdog")
	}
}
