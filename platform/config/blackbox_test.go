package config

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func blackboxBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("prometheus-blackbox-exporter")
	if err != nil {
		t.Fatalf("the blackbox exporter is not installed: apt-get install -y --no-install-recommends prometheus-blackbox-exporter: %v", err)
	}
	return p
}

func blackboxCheck(t *testing.T, config []byte) (string, error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "blackbox.yml")
	require.NoError(t, os.WriteFile(file, config, 0o644))
	out, err := exec.Command(blackboxBinary(t), "--config.file="+file, "--config.check").CombinedOutput()
	return string(out), err
}

func TestTheBlackboxConfigurationMatchesItsGoldenFileAndTheExporterAcceptsIt(t *testing.T) {
	b, err := BlackboxYAML(0)
	require.NoError(t, err)
	golden(t, "blackbox.yml", b)
	out, err := blackboxCheck(t, b)
	require.NoError(t, err, out)
	require.Contains(t, out, "Config file is ok")

	// The check is not vacuous: the exporter refuses an unknown field.
	out, err = blackboxCheck(t, append(append([]byte{}, b...), "    no_such_field: true\n"...))
	require.Error(t, err, out)
}

func TestTheHTTPModuleExpects200OnIPv4WithoutRedirectsAndVerifiesTLS(t *testing.T) {
	b, err := BlackboxYAML(7 * time.Second)
	require.NoError(t, err)
	var doc struct {
		Modules map[string]struct {
			Prober  string `yaml:"prober"`
			Timeout string `yaml:"timeout"`
			HTTP    struct {
				ValidStatusCodes    []int  `yaml:"valid_status_codes"`
				PreferredIPProtocol string `yaml:"preferred_ip_protocol"`
				FollowRedirects     *bool  `yaml:"follow_redirects"`
				TLSConfig           struct {
					InsecureSkipVerify *bool `yaml:"insecure_skip_verify"`
				} `yaml:"tls_config"`
			} `yaml:"http"`
			TCP struct {
				TLS                 bool   `yaml:"tls"`
				PreferredIPProtocol string `yaml:"preferred_ip_protocol"`
			} `yaml:"tcp"`
		} `yaml:"modules"`
	}
	require.NoError(t, yaml.Unmarshal(b, &doc))
	h := doc.Modules[ModuleHTTP2xx]
	require.Equal(t, "http", h.Prober)
	require.Equal(t, "7s", h.Timeout)
	require.Equal(t, []int{200}, h.HTTP.ValidStatusCodes)
	require.Equal(t, "ip4", h.HTTP.PreferredIPProtocol)
	require.NotNil(t, h.HTTP.FollowRedirects)
	require.False(t, *h.HTTP.FollowRedirects)
	require.NotNil(t, h.HTTP.TLSConfig.InsecureSkipVerify)
	require.False(t, *h.HTTP.TLSConfig.InsecureSkipVerify)
	c := doc.Modules[ModuleTLSConnect]
	require.Equal(t, "tcp", c.Prober)
	require.True(t, c.TCP.TLS)
	require.Equal(t, "ip4", c.TCP.PreferredIPProtocol)
	require.Len(t, doc.Modules, 2)
}

func TestTheProbeTimeoutIsBetweenOneSecondAndOneMinute(t *testing.T) {
	for _, ok := range []time.Duration{time.Second, time.Minute} {
		b, err := BlackboxYAML(ok)
		require.NoError(t, err, ok)
		out, err := blackboxCheck(t, b)
		require.NoError(t, err, out)
	}
	for _, bad := range []time.Duration{999 * time.Millisecond, time.Minute + time.Second, -time.Second} {
		_, err := BlackboxYAML(bad)
		require.ErrorContains(t, err, "Timeout: must be between 1s and 1m, got "+bad.String())
	}
	_, err := BlackboxYAML(1500 * time.Millisecond)
	require.ErrorContains(t, err, "Timeout: must be a whole number of seconds, got 1.5s")
}
