#!/usr/bin/env bash
# `npm run bench`: builds what the benchmarks run (the gateway and telnet-core from their build output, the
# web app if it was never built), raises the open-file limit for the scale benchmark, installs
# websockify when it is missing and this runs as root, then runs the suite (src/main.ts).
# BENCH_SMOKE=1 runs every benchmark with tiny sizes in seconds and installs nothing. Sizes, other
# settings and the figures: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd .. && pwd)"

say() { printf 'bench: %s\n' "$*" >&2; }

# Two descriptors per gateway session: take everything the hard limit allows.
hard="$(ulimit -Hn)"
if [ "$hard" = unlimited ]; then ulimit -n 1048576 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi
say "open-file limit $(ulimit -n)"

say "building the gateway and telnet-core"
(cd "$root" && node_modules/.bin/tsc -b apps/gateway packages/telnet-core)

if [ ! -f "$root/apps/web/dist/index.html" ]; then
  say "building the web app"
  bash "$root/scripts/telgate.sh" build >&2
fi

if ! command -v websockify >/dev/null 2>&1 && [ "${BENCH_SMOKE:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing websockify (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends websockify >&2 ||
      { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends websockify >&2; } ||
      say "websockify could not be installed: its row is skipped"
  else
    say "websockify is not installed and installing it needs root: its row is skipped"
  fi
fi

exec node --import tsx src/main.ts
