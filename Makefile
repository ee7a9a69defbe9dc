# The two commands of the README: `make plan` (offline plan of a stack) and
# `make test` (everything CI runs). `make test` installs what the tests need.

STACK ?= dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: test tools plan bench golden

## test: install missing test tools, then go vet and go test every package
test: tools
	go vet ./...
	go test ./...

## tools: prometheus, promtool, prometheus-alertmanager and amtool, from Debian's
## prometheus and prometheus-alertmanager packages (the tests run all four)
TOOLS := prometheus promtool prometheus-alertmanager amtool
tools:
	@missing=""; for tool in $(TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
		echo "missing:$$missing; installing Debian packages prometheus and prometheus-alertmanager"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			prometheus prometheus-alertmanager >/dev/null; \
	fi
	@promtool --version 2>&1 | head -n 1
	@amtool --version 2>&1 | head -n 1

## plan: offline plan of STACK (default dev)
plan:
	go run ./cmd/vigil plan --stack $(STACK)

## bench: plan generated estates of 10, 100 and 1000 services
bench:
	go test ./cmd/vigil -run '^$$' -bench Plan -benchmem

## golden: rewrite the golden files after a deliberate change (then read the diff)
golden:
	go test ./cmd/vigil ./alerts/slo ./alerts/catalog ./alerts/routing -update
