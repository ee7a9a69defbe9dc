# The two commands of the README: `make plan` (offline plan of a stack) and
# `make test` (everything CI runs). `make test` installs what the tests need.

STACK ?= dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: test tools plan bench golden

## test: install missing test tools, then go vet and go test every package
test: tools
	go vet ./...
	go test ./...

## tools: promtool and amtool, from Debian's prometheus and prometheus-alertmanager
tools:
	@if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1; then \
		echo "installing Debian packages prometheus and prometheus-alertmanager (promtool, amtool)"; \
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
