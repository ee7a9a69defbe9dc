#!/usr/bin/env bash
# init-stack.sh: make a real stack from one of vigil's sample stack files.
#
# The samples (Pulumi.dev.yaml, Pulumi.prod.yaml) hold placeholder ciphertexts that no
# secrets provider can decrypt, and no encryptionsalt. This script writes
# Pulumi.<stack>.yaml from a sample without them (optionally with your account ID in
# place of the sample's), then creates the stack and sets each secret again with
# `pulumi config set --secret --path`, which prompts for the value. Without the pulumi
# CLI on PATH, or with --print, it prints those commands instead of running them.
#
#   scripts/init-stack.sh [--from SAMPLE] [--account ID] [--secrets-provider P] [--dir D] [--print] [--force] STACK
#   make init-stack STACK=staging [SAMPLE=dev|prod] [ACCOUNT=123456789012]
set -euo pipefail

# Only bash builtins and go: the script runs wherever vigil builds.
usage() {
	printf '%s\n' "\
usage: scripts/init-stack.sh [flags] STACK

Writes Pulumi.STACK.yaml from a sample without its placeholder ciphertexts, then
creates the stack and sets every secret with pulumi config set --secret --path
(or prints those commands when pulumi is not on PATH, or with --print).

  --from SAMPLE            the sample stack to start from (default: STACK itself when
                           Pulumi.STACK.yaml exists, rewritten in place; otherwise dev)
  --account ID             a 12-digit AWS account ID that replaces the sample's
  --secrets-provider P     passed to pulumi stack select --create (default: the backend's)
  --dir DIR                the folder holding Pulumi.yaml (default: the repository root)
  --print                  print the pulumi commands, do not run them
  --force                  overwrite an existing Pulumi.STACK.yaml"
}

die() { echo "init-stack: $*" >&2; exit 1; }

repo=$(cd "${BASH_SOURCE[0]%/*}/.." && pwd)
from="" dir=$repo account="" provider="" print_only="" force="" stack=""
while [ $# -gt 0 ]; do
	case "$1" in
	--from) from=${2:?--from needs a sample}; shift 2 ;;
	--account) account=${2:?--account needs an ID}; shift 2 ;;
	--secrets-provider) provider=${2:?--secrets-provider needs a provider}; shift 2 ;;
	--dir) dir=${2:?--dir needs a folder}; shift 2 ;;
	--print) print_only=1; shift ;;
	--force) force=1; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; die "unknown flag $1" ;;
	*) [ -z "$stack" ] || die "one stack at a time, got $stack and $1"; stack=$1; shift ;;
	esac
done
[ -n "$stack" ] || { usage >&2; die "name the stack"; }
[[ "$stack" =~ ^[A-Za-z0-9_.-]+$ ]] || die "stack name $stack: use letters, digits, '-', '_' and '.' (the short name, without an organization)"
dir=$(cd "$dir" && pwd)
if [ -z "$from" ]; then
	if [ -f "$dir/Pulumi.$stack.yaml" ]; then from=$stack; else from=dev; fi
fi
sample=$dir/Pulumi.$from.yaml
target=$dir/Pulumi.$stack.yaml
[ -f "$dir/Pulumi.yaml" ] || die "$dir has no Pulumi.yaml"
[ -f "$sample" ] || die "no sample $sample"
if [ "$from" != "$stack" ] && [ -e "$target" ] && [ -z "$force" ]; then
	die "$target exists; pass --force to overwrite it"
fi

paths=$(cd "$repo" && go run ./scripts/stackinit -project "$dir/Pulumi.yaml" -in "$sample" -out "$target" \
	-account "$account") || die "nothing was set up"
secrets=()
while IFS= read -r p; do [ -z "$p" ] || secrets+=("$p"); done <<<"$paths"

echo "Wrote ${target#"$dir"/} from ${sample#"$dir"/} without its ${#secrets[@]} placeholder ciphertexts."

# The commands, as words (to run) and as one line each (to print).
select=(pulumi stack select --create "$stack")
[ -z "$provider" ] || select+=(--secrets-provider "$provider")
lines=("${select[*]}")
for p in "${secrets[@]}"; do
	lines+=("pulumi config set --stack $stack --secret --path '$p'")
done

hint() {
	case "$1" in
	*pagerduty*) echo "a PagerDuty integration URL, https://events.pagerduty.com/integration/<key>/enqueue" ;;
	*webhooks*) echo "an https:// webhook URL (chat or incident tool)" ;;
	*) echo "its value" ;;
	esac
}

if [ -n "$print_only" ] || ! command -v pulumi >/dev/null 2>&1; then
	echo "Run, in $dir (each config set prompts for the secret, so it never lands in your shell history):"
	for i in "${!lines[@]}"; do
		if [ "$i" -eq 0 ]; then
			echo "  ${lines[$i]}"
		else
			echo "  ${lines[$i]}    # $(hint "${secrets[$((i - 1))]}")"
		fi
	done
else
	echo "Creating stack $stack and setting its ${#secrets[@]} secrets (pulumi prompts for each value):"
	(cd "$dir" && echo "  ${lines[0]}" && "${select[@]}")
	for p in "${secrets[@]}"; do
		echo "  pulumi config set --stack $stack --secret --path '$p'    # $(hint "$p")"
		(cd "$dir" && pulumi config set --stack "$stack" --secret --path "$p")
	done
fi

if [ -z "$account" ]; then
	echo "Then replace the sample's made-up account (vigil:accountId, aws:allowedAccountIds, ARNs) and estate with yours."
else
	echo "Then replace the sample's estate (services, databases, ...) with yours."
fi
echo "Check it offline with: go run ./cmd/vigil plan --stack $stack"
