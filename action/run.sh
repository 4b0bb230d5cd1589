#!/usr/bin/env bash
# Runs s3front check for the GitHub Action (action.yml): SARIF for code
# scanning, Markdown for the job summary, text in the log. It always exits
# 0 and records the check's exit status in GITHUB_OUTPUT (exit-code), so
# that the SARIF upload runs before the action fails.
#
# Inputs (environment): INPUT_PATH (paths, space-separated), INPUT_FAIL_ON,
# INPUT_ARGS (more flags, space-separated), INPUT_SARIF_FILE,
# INPUT_SUMMARY (true/false), GITHUB_WORKSPACE, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, RUNNER_TEMP; S3FRONT_BIN (default: s3front on PATH).
set -uo pipefail

bin="${S3FRONT_BIN:-s3front}"
sarif="${INPUT_SARIF_FILE:-s3front.sarif}"
markdown="${RUNNER_TEMP:?RUNNER_TEMP is not set}/s3front-summary.md"
fail_on="${INPUT_FAIL_ON:-error}"
read -r -a paths <<< "${INPUT_PATH:-.}"
read -r -a extra <<< "${INPUT_ARGS:-}"

cd "${GITHUB_WORKSPACE:-.}" || exit 1
rm -f "$sarif" "$markdown"
mkdir -p "$(dirname "$sarif")"
"$bin" check --format sarif -o "$sarif" --format markdown -o "$markdown" --format text \
  --fail-on "$fail_on" "${extra[@]}" -- "${paths[@]}"
code=$?

written=false
[ -f "$sarif" ] && written=true
{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
  echo "sarif-written=$written"
  echo "markdown-file=$markdown"
} >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"

if [ "${INPUT_SUMMARY:-true}" = true ] && [ -f "$markdown" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi

case "$code" in
  0) ;;
  1) echo "::error::s3front: findings at or above --fail-on $fail_on (see the log, the job summary and code scanning)" ;;
  *) echo "::error::s3front could not check ${paths[*]} (exit status $code; see the log)" ;;
esac
exit 0
