// Package platform runs vigil's self-hosted monitoring on ECS Fargate: Prometheus,
// Alertmanager, Grafana and the blackbox exporter (NewPlatform), with their
// configuration delivered as code through an encrypted bucket (NewConfigStore) and
// Prometheus's and Grafana's storage on EFS (NewFileSystem). Each component is
// usable alone by another repository; none reads stack config.
//
// How configuration reaches a container: platform/config and alerts/ build the file
// sets; ConfigStore uploads each under <app>/<content hash>/; each task's init
// container (InitImage, not essential) copies its set into a task volume, and the main
// container, which waits for that copy to succeed, mounts the volume read-only. The
// hash is also in the task definition (CONTENT_HASH), so a changed rule or dashboard
// makes a new revision and rolls the service, and an unchanged set makes none.
//
// Every container has a read-only root file system and drops every Linux capability;
// the main containers run as their images' non-root users; ContainerDefinitions and
// the constants of containers.go say which paths are writable and why, and why the
// init container is root.
package platform
