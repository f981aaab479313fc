#!/bin/sh
# Starts the server (`serve`, the default) or applies the migrations (`migrate`).
# V8 gets one garbage-collection helper per core but one, at least one (README: --v8-pool-size);
# V8_POOL_SIZE overrides it, e.g. when a CPU limit is lower than the cores the node sees.
set -eu
cpus=$(nproc 2>/dev/null || echo 1)
pool=${V8_POOL_SIZE:-$((cpus > 2 ? cpus - 1 : 1))}
case "${1:-serve}" in
  serve) exec node --v8-pool-size="$pool" /app/apps/server/dist/main.js ;;
  migrate) exec node /app/apps/server/dist/main.js migrate ;;
  *) exec "$@" ;;
esac
