#!/usr/bin/env bash
# The whole test suite: type check, lint, build, vitest (inside a session bus with an unlocked
# GNOME Keyring where one can be started, so the keychain tests use the real Secret Service), Playwright.
# Ends with one summary line: "total: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
results="$(mktemp -d)"
status=0

step() { echo "==> $*"; "$@" || status=1; }

step npm run --silent typecheck
step npm run --silent lint
step npm run --silent build
if [ "$status" -ne 0 ]; then
  echo "total: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

vitest=(npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json")
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  step dbus-run-session -- bash scripts/with-keyring.sh "${vitest[@]}"
else
  echo "(no dbus-run-session/gnome-keyring here: keychain tests will skip)"
  step "${vitest[@]}"
fi

playwright=(npx playwright test --reporter=list,json)
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then playwright=(xvfb-run -a "${playwright[@]}"); fi
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" step "${playwright[@]}"

node scripts/summarize-tests.mjs "$results/vitest.json" "$results/playwright.json" || status=1
exit "$status"
