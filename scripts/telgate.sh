#!/usr/bin/env bash
# Entry point behind every npm script a user runs (`npm start`, `npm test`, `npm run bench`, …): installs
# whatever is missing, then runs. Works on a fresh Debian machine that has only Node 20 and npm.
#
# pnpm comes from .tools/ (installed there on first use) and is put first on PATH for everything this
# script runs, so a pnpm elsewhere on the machine — another version, or none at all — never matters.
# Installing and building are skipped when nothing they depend on changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

PNPM_VERSION=10.34.9
TOOLS_BIN="$ROOT/.tools/node_modules/.bin"
STAMPS="$ROOT/.telgate/stamps"

log() { printf '\033[1mtelgate:\033[0m %s\n' "$*" >&2; }

ensure_pnpm() {
  if [ ! -x "$TOOLS_BIN/pnpm" ] || [ "$("$TOOLS_BIN/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
    log "installing pnpm $PNPM_VERSION into .tools/"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --no-save --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
  fi
  export PATH="$TOOLS_BIN:$ROOT/node_modules/.bin:$PATH"
}

# A fingerprint of the named files and directories (contents and names), for "has anything changed".
fingerprint() { node scripts/fingerprint.mjs "$@"; }

# Runs "$@" unless the stamp NAME still holds FINGERPRINT; records it after a success.
unless_unchanged() {
  local name="$1" print="$2"
  shift 2
  if [ -f "$STAMPS/$name" ] && [ "$(cat "$STAMPS/$name")" = "$print" ]; then
    return 0
  fi
  rm -f "$STAMPS/$name"
  "$@"
  mkdir -p "$STAMPS"
  printf '%s' "$print" >"$STAMPS/$name"
}

do_install() {
  log "installing packages"
  CI=true pnpm install --frozen-lockfile --prefer-offline --reporter=append-only | tail -n 3 >&2
}

install_node_deps() {
  ensure_pnpm
  local print
  print="$PNPM_VERSION $(node --version) $(fingerprint pnpm-lock.yaml pnpm-workspace.yaml package.json \
    packages/*/package.json apps/*/package.json examples/*/package.json e2e/package.json bench/package.json)"
  [ -d node_modules ] || rm -f "$STAMPS/install"
  unless_unchanged install "$print" do_install
}

do_build_web() {
  log "building the web app"
  pnpm --filter @telgate/web run build >&2
}

# The TypeScript projects (incremental: tsc -b skips what is up to date) and the web app (skipped when
# neither its sources nor the packages it bundles changed).
build_all() {
  # One build at a time: tests start the product (and the benchmarks) while others may be building.
  mkdir -p .telgate
  exec 9>.telgate/build.lock
  flock 9
  log "building"
  tsc -b
  local print
  print="$(fingerprint apps/web packages/protocol/src packages/telnet-core/src packages/xterm-region-scroll/src)"
  [ -f apps/web/dist/index.html ] || rm -f "$STAMPS/web"
  unless_unchanged web "$print" do_build_web
  flock -u 9
}

cmd_start() {
  install_node_deps
  build_all
  exec node apps/gateway/dist/main.js "$@"
}

cmd_test() {
  install_node_deps
  bash scripts/system-deps.sh
  log "lint"
  pnpm run lint
  log "typecheck"
  bash scripts/typecheck.sh
  mkdir -p .telgate/results
  rm -f .telgate/results/*.json
  log "unit and integration tests"
  pnpm run test:unit --reporter=default --reporter=json --outputFile.json=.telgate/results/vitest.json
  log "building the gateway and the web app for the end-to-end tests"
  build_all
  log "end-to-end tests (Chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/.telgate/results/playwright.json" \
    pnpm --filter @telgate/e2e run test --reporter=list,json
  node scripts/test-summary.mjs .telgate/results
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  build) shift; install_node_deps; build_all ;;
  bench) shift; install_node_deps; exec bash bench/run.sh "$@" ;;
  mint-token)
    shift
    install_node_deps
    tsc -b apps/gateway
    exec node apps/gateway/dist/tools/mint-token.js "$@"
    ;;
  portal)
    shift
    install_node_deps
    tsc -b examples/admin-portal
    exec node examples/admin-portal/dist/main.js "$@"
    ;;
  web-dev) shift; install_node_deps; exec pnpm --filter @telgate/web run dev "$@" ;;
  pnpm) shift; install_node_deps; exec pnpm "$@" ;;
  *)
    echo "usage: scripts/telgate.sh start|test|build|bench|mint-token|portal|web-dev|pnpm [args]" >&2
    exit 2
    ;;
esac
