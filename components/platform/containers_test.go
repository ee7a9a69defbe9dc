package platform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func spec(app string) ContainerSpec {
	s := ContainerSpec{
		App: app, Image: map[string]string{Prometheus: PrometheusImage, Alertmanager: AlertmanagerImage, Grafana: GrafanaImage, Blackbox: BlackboxImage}[app],
		Port: Port(app), Region: region, LogGroup: LogGroupName("vigil-prod", app),
		Bucket: "vigil-prod-config-123456789012-eu-west-1", Prefix: app + "/abc123/", ContentHash: "abc123", RetentionDays: 15,
	}
	if app == Grafana {
		s.AdminPasswordSecretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil-prod/grafana/admin-password-AbCdEf"
	}
	return s
}

// parsed reads the JSON back as ECS would, so that a test checks what is sent.
func parsed(t *testing.T, s ContainerSpec) []ContainerDefinition {
	t.Helper()
	js, err := ContainerDefinitionsJSON(s)
	require.NoError(t, err)
	var defs []ContainerDefinition
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&defs))
	require.Len(t, defs, 2)
	return defs
}

func env(c ContainerDefinition) map[string]string {
	out := map[string]string{}
	for _, kv := range c.Environment {
		out[kv.Name] = kv.Value
	}
	return out
}

func TestEveryTaskHasAnInitContainerThatCopiesItsSetAndAMainContainerThatWaitsForIt(t *testing.T) {
	for _, app := range Apps() {
		t.Run(app, func(t *testing.T) {
			defs := parsed(t, spec(app))
			initC, main := defs[0], defs[1]
			assert.Equal(t, InitContainerName, initC.Name)
			assert.False(t, initC.Essential, "the init container exits once the copy is done")
			assert.Equal(t, InitImage, initC.Image)
			assert.Equal(t, []string{"aws"}, initC.EntryPoint)
			assert.Equal(t, []string{"s3", "cp", "s3://vigil-prod-config-123456789012-eu-west-1/" + app + "/abc123/", "/config/", "--recursive", "--only-show-errors"}, initC.Command)
			assert.Equal(t, map[string]string{"AWS_REGION": region, "AWS_DEFAULT_REGION": region, "HOME": "/scratch", "TMPDIR": "/scratch", "CONTENT_HASH": "abc123"}, env(initC))
			assert.Equal(t, []MountPoint{{SourceVolume: "config", ContainerPath: "/config"}, {SourceVolume: "init-home", ContainerPath: "/scratch"}}, initC.MountPoints)
			assert.Equal(t, InitUser, initC.User, "root, because Fargate's bind mounts are root's 0755")

			assert.Equal(t, app, main.Name)
			assert.True(t, main.Essential)
			assert.Equal(t, []Dependency{{ContainerName: InitContainerName, Condition: "SUCCESS"}}, main.DependsOn)
			assert.Equal(t, MountPoint{SourceVolume: "config", ContainerPath: apps[app].configDir, ReadOnly: true}, main.MountPoints[0],
				"the configuration is mounted read-only")
			assert.Equal(t, []PortMapping{{ContainerPort: Port(app), Protocol: "tcp", Name: app}}, main.PortMappings)
			assert.Equal(t, "abc123", env(main)["CONTENT_HASH"])
			for _, c := range defs {
				assert.True(t, c.ReadonlyRootFilesystem, "%s has a read-only root file system", c.Name)
				assert.Equal(t, []string{"ALL"}, c.LinuxParameters.Capabilities.Drop, "%s drops every capability", c.Name)
				assert.Equal(t, LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
					"awslogs-group": "/ecs/" + Family("vigil-prod", app), "awslogs-region": region, "awslogs-stream-prefix": app,
				}}, c.LogConfiguration, "%s logs to the task's group", c.Name)
				assertPinned(t, c.Image)
			}
		})
	}
}

// assertPinned fails for an image without a version or digest, or on latest.
func assertPinned(t *testing.T, image string) {
	t.Helper()
	last := image[strings.LastIndex(image, "/")+1:]
	if strings.Contains(image, "@sha256:") {
		return
	}
	i := strings.LastIndex(last, ":")
	require.True(t, i > 0, "%s has no tag", image)
	assert.NotEqual(t, "latest", last[i+1:], "%s is not pinned", image)
}

func TestTheMainContainersRunAsTheirImagesNonRootUsersWithHealthChecks(t *testing.T) {
	want := map[string]struct {
		user, health string
		start        int
	}{
		Prometheus:   {"65534:65534", "http://127.0.0.1:9090/-/healthy", 120},
		Alertmanager: {"65534:65534", "http://127.0.0.1:9093/-/healthy", 30},
		Blackbox:     {"65534:65534", "http://127.0.0.1:9115/-/healthy", 30},
		Grafana:      {"472:0", "http://127.0.0.1:3000/api/health", 120},
	}
	for app, w := range want {
		main := parsed(t, spec(app))[1]
		assert.Equal(t, w.user, main.User, app)
		require.NotNil(t, main.HealthCheck, app)
		assert.Equal(t, HealthCheck{Command: []string{"CMD", "wget", "-q", "-O", "/dev/null", w.health}, Interval: 30, Timeout: 5, Retries: 3, StartPeriod: w.start},
			*main.HealthCheck, "%s: busybox wget is in each image", app)
	}
}

func TestEachAppGetsItsFlagsAndWritablePaths(t *testing.T) {
	prom := parsed(t, spec(Prometheus))[1]
	assert.Equal(t, []string{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
		"--storage.tsdb.retention.time=15d", "--web.listen-address=:9090"}, prom.Command)
	assert.NotContains(t, strings.Join(prom.Command, " "), "--web.enable-lifecycle", "nobody may reload or stop Prometheus over HTTP")
	assert.NotContains(t, strings.Join(prom.Command, " "), "--web.enable-admin-api")
	assert.Equal(t, MountPoint{SourceVolume: "data", ContainerPath: "/prometheus"}, prom.MountPoints[1])

	s := spec(Prometheus)
	s.RetentionDays = 90
	assert.Contains(t, parsed(t, s)[1].Command, "--storage.tsdb.retention.time=90d")

	am := parsed(t, spec(Alertmanager))[1]
	assert.Equal(t, []string{"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager",
		"--cluster.listen-address=", "--web.listen-address=:9093"}, am.Command)
	assert.Equal(t, MountPoint{SourceVolume: "data", ContainerPath: "/alertmanager"}, am.MountPoints[1])

	bb := parsed(t, spec(Blackbox))[1]
	assert.Equal(t, []string{"--config.file=/etc/blackbox_exporter/blackbox.yml", "--web.listen-address=:9115"}, bb.Command)
	assert.Len(t, bb.MountPoints, 1, "the blackbox exporter writes nothing")

	g := parsed(t, spec(Grafana))[1]
	assert.Empty(t, g.Command)
	assert.Equal(t, MountPoint{SourceVolume: "data", ContainerPath: "/var/lib/grafana"}, g.MountPoints[1])
	e := env(g)
	assert.Equal(t, "false", e["GF_AUTH_ANONYMOUS_ENABLED"])
	assert.Equal(t, "/etc/grafana/vigil/provisioning", e["GF_PATHS_PROVISIONING"])
	assert.Equal(t, "/var/lib/grafana", e["GF_PATHS_DATA"])
	assert.Equal(t, "false", e["GF_SECURITY_COOKIE_SECURE"])
	assert.NotContains(t, e, "GF_SECURITY_ADMIN_PASSWORD", "the password is never in the environment")
	assert.Equal(t, []Secret{{Name: "GF_SECURITY_ADMIN_PASSWORD", ValueFrom: spec(Grafana).AdminPasswordSecretArn}}, g.Secrets)

	s = spec(Grafana)
	s.HTTPS = true
	assert.Equal(t, "true", env(parsed(t, s)[1])["GF_SECURITY_COOKIE_SECURE"])
	for _, app := range []string{Prometheus, Alertmanager, Blackbox} {
		assert.Empty(t, parsed(t, spec(app))[1].Secrets, app)
	}
}

func TestTheSameSpecGivesTheSameBytesAndAChangedHashChangesThem(t *testing.T) {
	a, err := ContainerDefinitionsJSON(spec(Grafana))
	require.NoError(t, err)
	for i := 0; i < 10; i++ {
		b, err := ContainerDefinitionsJSON(spec(Grafana))
		require.NoError(t, err)
		require.Equal(t, a, b, "map order must not change the bytes")
	}
	s := spec(Grafana)
	s.ContentHash, s.Prefix = "def456", "grafana/def456/"
	b, err := ContainerDefinitionsJSON(s)
	require.NoError(t, err)
	assert.NotEqual(t, a, b)
}

func TestContainerDefinitionsRefuseWhatCannotRun(t *testing.T) {
	_, err := ContainerDefinitions(ContainerSpec{App: "loki"})
	assert.EqualError(t, err, `platform: no app "loki"`)
	s := spec(Prometheus)
	s.RetentionDays = 0
	_, err = ContainerDefinitions(s)
	assert.EqualError(t, err, "platform: Prometheus needs a retention of at least a day, got 0")
	s.RetentionDays = 1
	_, err = ContainerDefinitions(s)
	assert.NoError(t, err, "one day is the least retention")
	s = spec(Grafana)
	s.AdminPasswordSecretArn = ""
	_, err = ContainerDefinitions(s)
	assert.EqualError(t, err, "platform: Grafana needs the ARN of its admin password secret")
}
