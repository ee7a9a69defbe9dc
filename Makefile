# The commands of the README: `make plan` (offline plan of a stack), `make test`
# (everything CI runs) and `make init-stack` (a real stack from a sample). `make test`
# installs what the tests need.

STACK ?= dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GOBIN := $(or $(shell go env GOBIN),$(firstword $(subst :, ,$(shell go env GOPATH)))/bin)
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := $(GOBIN)/actionlint

.PHONY: test tools plan bench golden init-stack

## test: install missing test tools, then go vet and go test every package, the same
## for the example consumer module (its own go.mod, built from the same module cache),
## and lint the GitHub workflows and the scripts
test: tools
	go vet ./...
	go test -timeout 30m ./...
	cd examples/consumer && GOFLAGS="$${GOFLAGS:+$$GOFLAGS }-mod=mod" go vet ./... && GOFLAGS="$${GOFLAGS:+$$GOFLAGS }-mod=mod" go test ./...
	$(ACTIONLINT) -no-color
	shellcheck scripts/*.sh

## tools: prometheus, promtool, prometheus-alertmanager and amtool, from Debian's
## prometheus and prometheus-alertmanager packages (the tests run all four), shellcheck
## (actionlint checks the workflows' scripts with it), the AWS CLI from Debian's awscli
## (its own parameter validation, run without credentials, checks the ECS platform's task
## definitions against AWS's API model), and actionlint at a pinned version, with go
## install into $(GOBIN)
TOOLS := prometheus promtool prometheus-alertmanager amtool prometheus-blackbox-exporter shellcheck aws
PACKAGES := prometheus prometheus-alertmanager prometheus-blackbox-exporter shellcheck awscli
tools:
	@missing=""; for tool in $(TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
		echo "missing:$$missing; installing Debian packages $(PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(PACKAGES) >/dev/null; \
	fi
	@if [ "$$($(ACTIONLINT) -version 2>/dev/null | head -n 1)" != "$(ACTIONLINT_VERSION)" ]; then \
		echo "installing actionlint $(ACTIONLINT_VERSION) into $(GOBIN)"; \
		GOBIN=$(GOBIN) go install github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION); \
	fi
	@promtool --version 2>&1 | head -n 1
	@amtool --version 2>&1 | head -n 1
	@aws --version 2>&1 | head -n 1
	@echo "actionlint $$($(ACTIONLINT) -version | head -n 1), shellcheck $$(shellcheck --version | sed -n "s/^version: //p")"

## plan: offline plan of STACK (default dev)
plan:
	go run ./cmd/vigil plan --stack $(STACK)

## init-stack: Pulumi.STACK.yaml from the sample SAMPLE without its placeholder
## ciphertexts, then the stack and its secrets (scripts/init-stack.sh). SAMPLE defaults
## to STACK itself when Pulumi.STACK.yaml exists (rewritten in place), otherwise dev;
## ACCOUNT=<12 digits> replaces the sample's account ID
init-stack:
	@[ "$(origin STACK)" != file ] || { echo "name the stack: make init-stack STACK=<name> [SAMPLE=dev|prod] [ACCOUNT=<id>]" >&2; exit 2; }
	scripts/init-stack.sh $(if $(SAMPLE),--from $(SAMPLE)) $(if $(ACCOUNT),--account $(ACCOUNT)) $(STACK)

## bench: plan generated estates of 10, 100 and 1000 services
bench:
	go test ./cmd/vigil -run '^$$' -bench Plan -benchmem

## golden: rewrite the golden files after a deliberate change (then read the diff), in
## every package whose tests declare the -update flag
GOLDEN = $(sort $(patsubst %/,%,$(dir $(shell grep -rl --include='*_test.go' 'flag\.Bool."update"' . 2>/dev/null))))
golden:
	go test $(filter-out ./examples/%,$(GOLDEN)) -update
