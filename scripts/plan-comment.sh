#!/usr/bin/env bash
# plan-comment.sh: run `vigil plan` for every stack of the project (every
# Pulumi.<stack>.yaml in DIR) and write one Markdown comment with each summary, for the
# pull-request workflow to post. Each stack's artifacts go to OUT/<stack>/.
#
#   scripts/plan-comment.sh [--dir DIR] [--out OUT]     (defaults: . and plan)
#
# Exits 1 when any plan failed (invalid config), after writing the whole comment to
# OUT/comment.md. VIGIL names the command that plans (default: go run ./cmd/vigil).
set -euo pipefail

# The comment's first line: the workflow finds its own comment by it, to update it.
marker='<!-- vigil-plan -->'
dir=. out=plan
while [ $# -gt 0 ]; do
	case "$1" in
	--dir) dir=${2:?--dir needs a folder}; shift 2 ;;
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	*) echo "plan-comment: unknown argument $1" >&2; exit 2 ;;
	esac
done
read -r -a vigil <<<"${VIGIL:-go run ./cmd/vigil}"

stacks=()
for f in "$dir"/Pulumi.*.yaml; do
	[ -e "$f" ] || continue
	s=${f##*/Pulumi.}
	stacks+=("${s%.yaml}")
done
[ ${#stacks[@]} -gt 0 ] || { echo "plan-comment: no Pulumi.<stack>.yaml in $dir" >&2; exit 2; }

mkdir -p "$out"
comment=$out/comment.md
failed=()
{
	echo "$marker"
	echo "## vigil plan"
	echo
	echo "What each stack would create, planned offline by \`vigil plan\` (no cloud, no credentials)."
} >"$comment"
for stack in "${stacks[@]}"; do
	if summary=$("${vigil[@]}" plan --dir "$dir" --stack "$stack" --out "$out/$stack" 2>&1); then
		status="plans"
	else
		status="**does not plan**"
		failed+=("$stack")
	fi
	{
		echo
		echo "<details$([ "$status" = plans ] || echo ' open')><summary>Stack <code>$stack</code> $status</summary>"
		echo
		echo '```'
		echo "$summary"
		echo '```'
		echo "</details>"
	} >>"$comment"
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "plan-comment: ${#failed[@]} of ${#stacks[@]} stacks do not plan: ${failed[*]}" >&2
	exit 1
fi
echo "plan-comment: ${#stacks[@]} stacks planned; the comment is $comment"
