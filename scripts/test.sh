#!/usr/bin/env bash
# The whole test suite: type check, lint, build, vitest (inside a session bus with an unlocked
# GNOME Keyring where one can be started, so the keychain tests use the real Secret Service), Playwright.
# Prints how long each step took, the ten slowest test files and each failed test, then ends with one summary line:
# "total: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
results="$(mktemp -d)"
status=0

timings=()
# step LABEL COMMAND...: runs the command, records its time under the label.
step() {
  local label=$1 started=$SECONDS
  shift
  echo "==> $label: $*"
  "$@" || status=1
  timings+=("$(printf '%4d s  %s' "$((SECONDS - started))" "$label")")
}
report_times() {
  echo "==> step times"
  printf '  %s\n' "${timings[@]}"
}

step typecheck npm run --silent typecheck
step lint npm run --silent lint
step build npm run --silent build
if [ "$status" -ne 0 ]; then
  report_times
  echo "total: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

vitest=(npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json")
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  step vitest dbus-run-session -- bash scripts/with-keyring.sh "${vitest[@]}"
else
  echo "(no dbus-run-session/gnome-keyring here: keychain tests will skip)"
  step vitest "${vitest[@]}"
fi

playwright=(npx playwright test --reporter=list,json)
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then playwright=(xvfb-run -a "${playwright[@]}"); fi
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" step playwright "${playwright[@]}"

report_times
node scripts/summarize-tests.mjs "$results/vitest.json" "$results/playwright.json" || status=1
exit "$status"
