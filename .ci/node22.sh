# Sourced by .ci/run: puts a Node 22 (22.12 or later) first on PATH and points npm's native-addon builds
# at its headers. Uses the machine's Node when it is already recent enough.
node_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 22 && b >= 12 ? 0 : 1)' 2>/dev/null
}
if ! node_ok; then
  prefix="${BROKERVAULT_NODE_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/brokervault-ci/node22}"
  if [ ! -x "$prefix/node_modules/node/bin/node" ] || ! PATH="$prefix/node_modules/node/bin:$PATH" node_ok; then
    echo "Installing Node 22 from the npm registry into $prefix"
    mkdir -p "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error node@22
  fi
  export PATH="$prefix/node_modules/node/bin:$PATH"
  # npm builds native addons (better-sqlite3, keytar) against these headers, not the system Node's.
  for dir in "$prefix"/node_modules/node/node_modules/node-*-*; do
    [ -f "$dir/include/node/node_version.h" ] && export npm_config_nodedir="$dir"
  done
  node_ok || { echo "Node 22.12 or later could not be installed"; exit 1; }
fi
