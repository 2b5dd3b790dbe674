#!/usr/bin/env bash
# Runs a command inside the current D-Bus session with an unlocked GNOME Keyring (Secret Service),
# so keytar talks to a real keychain. Call it through dbus-run-session (scripts/test.sh does).
set -euo pipefail
# A throwaway keyring in a throwaway home: never the developer's own keyring.
export HOME="$(mktemp -d)"
export XDG_DATA_HOME="$HOME/.local/share"
mkdir -p "$XDG_DATA_HOME/keyrings"
eval "$(printf 'brokervault-test-keyring' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
export GNOME_KEYRING_CONTROL
export BROKERVAULT_KEYCHAIN_TESTS=required
exec "$@"
