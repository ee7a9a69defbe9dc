package platform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// The images each task runs by default, pinned by version: each is the release whose
// Go module validates its configuration in-process here (github.com/prometheus/prometheus
// v0.310.0 is Prometheus 3.10.0; github.com/prometheus/alertmanager v0.34.2 is
// Alertmanager 0.34.2), so what is checked is what runs. No digest is pinned: none can be
// verified from this machine, and a digest written down unverified would be a claim,
// not a check. Pin one with the Image fields of the Args (repo@sha256:...).
const (
	PrometheusImage   = "quay.io/prometheus/prometheus:v3.10.0"
	AlertmanagerImage = "quay.io/prometheus/alertmanager:v0.34.2"
	BlackboxImage     = "quay.io/prometheus/blackbox-exporter:v0.27.0"
	// GrafanaImage is the Alpine-based image, whose busybox wget the health check uses
	// as in the other images (the Alpine build also has curl since 2023,
	// grafana/grafana#65547; the -ubuntu variant has curl only).
	GrafanaImage = "docker.io/grafana/grafana:12.1.0"
	// InitImage copies a task's configuration from S3 before the main container starts.
	InitImage = "public.ecr.aws/aws-cli/aws-cli:2.27.0"
)

// The users the containers run as. Prometheus, Alertmanager and the blackbox exporter
// run as nobody (65534), as their images do; Grafana as 472 with group 0, its image's
// grafana user. The init container runs as root: Fargate creates a bind-mount volume
// owned by root with mode 0755 (the image has no VOLUME at that path to copy owner and
// mode from), so only root can write the configuration into it. It has a read-only
// root file system, drops every Linux capability, and writes only to that volume and
// its HOME; the files it writes are 0644 in 0755 directories, readable by the main
// container's user.
const (
	NobodyUser  = "65534:65534"
	GrafanaUser = "472:0"
	InitUser    = "0:0"
)

// Where each main container reads its configuration, mounted read-only from the
// task's config volume that the init container fills.
const (
	PrometheusConfigDir   = "/etc/prometheus"
	AlertmanagerConfigDir = "/etc/alertmanager"
	BlackboxConfigDir     = "/etc/blackbox_exporter"
	// GrafanaConfigDir holds Grafana's file set: provisioning/ (GF_PATHS_PROVISIONING)
	// and dashboards/ (GrafanaDashboardsPath).
	GrafanaConfigDir = "/etc/grafana/vigil"
	// GrafanaDashboardsPath is where the dashboard files land: pass it as
	// dashboards.Provisioning.Path, so that the provider file points at them.
	GrafanaDashboardsPath = GrafanaConfigDir + "/dashboards"
)

// The writable paths of the main containers, each a task volume (the root file system
// is read-only everywhere):
//   - PrometheusDataDir: the TSDB, on EFS through Prometheus's access point, as the
//     issue asks. Prometheus's documentation does not support NFS for the TSDB (it
//     expects a POSIX file system, and NFS's locking and latency can corrupt or slow
//     it); one task at a time (stop-first deployments) keeps a single writer, and the
//     retention is days, not years, so a lost TSDB loses little. Keep an eye on
//     prometheus_tsdb_* errors;
//   - GrafanaDataDir: Grafana's database, plugins and sessions, on EFS likewise;
//   - AlertmanagerDataDir: silences and the notification log, a scratch volume (lost
//     with the task: a single instance keeps no cluster state); its image declares
//     it a VOLUME owned by nobody, so Fargate hands it over writable by nobody.
//
// The blackbox exporter writes nothing. Grafana gets no writable /tmp: a bind mount
// there would be root's and unwritable for user 472; nothing it needs writes there.
const (
	PrometheusDataDir   = "/prometheus"
	AlertmanagerDataDir = "/alertmanager"
	GrafanaDataDir      = "/var/lib/grafana"
	initConfigDir       = "/config"
	initHomeDir         = "/scratch"
)

// ContainerDefinition is the part of an ECS container definition vigil writes. Field
// names and JSON keys are ECS's (RegisterTaskDefinition).
type ContainerDefinition struct {
	Name                   string           `json:"name"`
	Image                  string           `json:"image"`
	Essential              bool             `json:"essential"`
	User                   string           `json:"user"`
	ReadonlyRootFilesystem bool             `json:"readonlyRootFilesystem"`
	EntryPoint             []string         `json:"entryPoint,omitempty"`
	Command                []string         `json:"command,omitempty"`
	Environment            []KeyValue       `json:"environment,omitempty"`
	Secrets                []Secret         `json:"secrets,omitempty"`
	PortMappings           []PortMapping    `json:"portMappings,omitempty"`
	MountPoints            []MountPoint     `json:"mountPoints,omitempty"`
	DependsOn              []Dependency     `json:"dependsOn,omitempty"`
	HealthCheck            *HealthCheck     `json:"healthCheck,omitempty"`
	LogConfiguration       LogConfiguration `json:"logConfiguration"`
	LinuxParameters        LinuxParameters  `json:"linuxParameters"`
	StopTimeout            int              `json:"stopTimeout,omitempty"`
}

// KeyValue is an environment variable.
type KeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Secret is an environment variable ECS fills from Secrets Manager: ValueFrom is the
// secret's ARN, never its value.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// PortMapping opens a container port (awsvpc: the host port is the same).
type PortMapping struct {
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	Name          string `json:"name"`
}

// MountPoint mounts a task volume.
type MountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

// Dependency makes a container wait for another to reach Condition.
type Dependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

// HealthCheck is a container health check; the times are seconds.
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// LogConfiguration sends the container's output to CloudWatch Logs.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// LinuxParameters drops Linux capabilities.
type LinuxParameters struct {
	Capabilities Capabilities `json:"capabilities"`
}

// Capabilities lists the capabilities dropped.
type Capabilities struct {
	Drop []string `json:"drop"`
}

// The task volumes.
const (
	configVolume   = "config"
	initHomeVolume = "init-home"
	dataVolume     = "data"
)

// InitContainerName is the name of every task's init container.
const InitContainerName = "config-init"

// ContainerSpec is what ContainerDefinitions needs to know about one app's task. It is
// plain data, so that the definitions are built and tested without Pulumi.
type ContainerSpec struct {
	// App is prometheus, alertmanager, grafana or blackbox.
	App string
	// Image is the main container's image; Port its port.
	Image string
	Port  int
	// Region, LogGroup: where the awslogs driver sends both containers' output.
	Region, LogGroup string
	// Bucket and Prefix locate the app's file set (s3://Bucket/Prefix).
	Bucket, Prefix string
	// ContentHash is the hash of the app's file set, CONTENT_HASH in the environment.
	ContentHash string
	// RetentionDays is Prometheus's TSDB retention.
	RetentionDays int
	// AdminPasswordSecretArn is the ARN of Grafana's admin password secret.
	AdminPasswordSecretArn string
	// HTTPS says that Grafana is reached through the HTTPS load balancer, so its
	// cookies are marked secure.
	HTTPS bool
}

// ContainerDefinitions returns the two containers of an app's task: the init
// container, which copies s3://Bucket/Prefix into the config volume and exits (not
// essential), and the main container, which starts only once the copy succeeded and
// mounts the volume read-only.
func ContainerDefinitions(s ContainerSpec) ([]ContainerDefinition, error) {
	a, ok := apps[s.App]
	if !ok {
		return nil, fmt.Errorf("platform: no app %q", s.App)
	}
	logs := func() LogConfiguration {
		return LogConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": s.LogGroup, "awslogs-region": s.Region, "awslogs-stream-prefix": s.App,
		}}
	}
	dropAll := LinuxParameters{Capabilities: Capabilities{Drop: []string{"ALL"}}}
	initC := ContainerDefinition{
		Name:                   InitContainerName,
		Image:                  InitImage,
		Essential:              false,
		User:                   InitUser,
		ReadonlyRootFilesystem: true,
		EntryPoint:             []string{"aws"},
		Command:                []string{"s3", "cp", "s3://" + s.Bucket + "/" + s.Prefix, initConfigDir + "/", "--recursive", "--only-show-errors"},
		Environment: sortedEnv(map[string]string{
			"AWS_REGION": s.Region, "AWS_DEFAULT_REGION": s.Region, "HOME": initHomeDir, "TMPDIR": initHomeDir, "CONTENT_HASH": s.ContentHash,
		}),
		MountPoints: []MountPoint{
			{SourceVolume: configVolume, ContainerPath: initConfigDir},
			{SourceVolume: initHomeVolume, ContainerPath: initHomeDir},
		},
		LogConfiguration: logs(),
		LinuxParameters:  dropAll,
	}
	env := map[string]string{"CONTENT_HASH": s.ContentHash}
	main := ContainerDefinition{
		Name:                   s.App,
		Image:                  s.Image,
		Essential:              true,
		User:                   a.user,
		ReadonlyRootFilesystem: true,
		PortMappings:           []PortMapping{{ContainerPort: s.Port, Protocol: "tcp", Name: s.App}},
		MountPoints:            []MountPoint{{SourceVolume: configVolume, ContainerPath: a.configDir, ReadOnly: true}},
		DependsOn:              []Dependency{{ContainerName: InitContainerName, Condition: "SUCCESS"}},
		// -O /dev/null: busybox wget saves the response in the working directory
		// otherwise, which the read-only root file system refuses.
		HealthCheck: &HealthCheck{
			Command:  []string{"CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:" + strconv.Itoa(s.Port) + a.healthPath},
			Interval: 30, Timeout: 5, Retries: 3, StartPeriod: a.startPeriod,
		},
		LogConfiguration: logs(),
		LinuxParameters:  dropAll,
		StopTimeout:      30,
	}
	switch s.App {
	case Prometheus:
		if s.RetentionDays < 1 {
			return nil, fmt.Errorf("platform: Prometheus needs a retention of at least a day, got %d", s.RetentionDays)
		}
		main.Command = []string{
			"--config.file=" + PrometheusConfigDir + "/prometheus.yml",
			"--storage.tsdb.path=" + PrometheusDataDir,
			"--storage.tsdb.retention.time=" + strconv.Itoa(s.RetentionDays) + "d",
			"--web.listen-address=:" + strconv.Itoa(s.Port),
		}
		main.MountPoints = append(main.MountPoints, MountPoint{SourceVolume: dataVolume, ContainerPath: PrometheusDataDir})
	case Alertmanager:
		main.Command = []string{
			"--config.file=" + AlertmanagerConfigDir + "/alertmanager.yml",
			"--storage.path=" + AlertmanagerDataDir,
			"--cluster.listen-address=",
			"--web.listen-address=:" + strconv.Itoa(s.Port),
		}
		main.MountPoints = append(main.MountPoints, MountPoint{SourceVolume: dataVolume, ContainerPath: AlertmanagerDataDir})
	case Blackbox:
		main.Command = []string{
			"--config.file=" + BlackboxConfigDir + "/blackbox.yml",
			"--web.listen-address=:" + strconv.Itoa(s.Port),
		}
	case Grafana:
		if s.AdminPasswordSecretArn == "" {
			return nil, fmt.Errorf("platform: Grafana needs the ARN of its admin password secret")
		}
		env["GF_AUTH_ANONYMOUS_ENABLED"] = "false"
		env["GF_USERS_ALLOW_SIGN_UP"] = "false"
		env["GF_SECURITY_ADMIN_USER"] = "admin"
		env["GF_PATHS_PROVISIONING"] = GrafanaConfigDir + "/provisioning"
		env["GF_PATHS_DATA"] = GrafanaDataDir
		env["GF_SERVER_HTTP_PORT"] = strconv.Itoa(s.Port)
		env["GF_LOG_MODE"] = "console"
		env["GF_ANALYTICS_REPORTING_ENABLED"] = "false"
		env["GF_ANALYTICS_CHECK_FOR_UPDATES"] = "false"
		env["AWS_REGION"] = s.Region
		env["GF_SECURITY_COOKIE_SECURE"] = strconv.FormatBool(s.HTTPS)
		main.Secrets = []Secret{{Name: "GF_SECURITY_ADMIN_PASSWORD", ValueFrom: s.AdminPasswordSecretArn}}
		main.MountPoints = append(main.MountPoints, MountPoint{SourceVolume: dataVolume, ContainerPath: GrafanaDataDir})
	}
	main.Environment = sortedEnv(env)
	return []ContainerDefinition{initC, main}, nil
}

// ContainerDefinitionsJSON is the JSON of ContainerDefinitions, the task definition's
// containerDefinitions input. The same spec always gives the same bytes.
func ContainerDefinitionsJSON(s ContainerSpec) (string, error) {
	defs, err := ContainerDefinitions(s)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(defs)
	if err != nil {
		return "", fmt.Errorf("platform: container definitions: %w", err)
	}
	return string(b), nil
}

func sortedEnv(m map[string]string) []KeyValue {
	out := make([]KeyValue, 0, len(m))
	for k, v := range m {
		out = append(out, KeyValue{Name: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
