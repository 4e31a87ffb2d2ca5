#!/usr/bin/env bash
# Entry point behind `npm start` and `npm test`: installs whatever is missing, then runs.
# Works on a fresh Debian machine that has only Node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9

log() { printf '\033[1mtelgate:\033[0m %s\n' "$*"; }

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == 10.* ]]; then
    PNPM=(pnpm)
    return
  fi
  if [ ! -x .tools/node_modules/.bin/pnpm ]; then
    log "installing pnpm $PNPM_VERSION into .tools/"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >/dev/null
  fi
  PNPM=("$PWD/.tools/node_modules/.bin/pnpm")
}

install_node_deps() {
  ensure_pnpm
  log "installing packages"
  CI=true "${PNPM[@]}" install --frozen-lockfile --prefer-offline --reporter=append-only | tail -n 3
}

cmd_start() {
  install_node_deps
  log "building"
  "${PNPM[@]}" run build
  if [ -f apps/gateway/dist/main.js ]; then
    exec node apps/gateway/dist/main.js "$@"
  fi
  log "the gateway is not part of this build yet: nothing to start"
}

cmd_test() {
  install_node_deps
  bash scripts/system-deps.sh
  log "lint"
  "${PNPM[@]}" run lint
  log "typecheck"
  "${PNPM[@]}" run typecheck
  mkdir -p .telgate/results
  rm -f .telgate/results/*.json
  log "unit and integration tests"
  "${PNPM[@]}" run test:unit --reporter=default --reporter=json --outputFile.json=.telgate/results/vitest.json
  if [ -f e2e/playwright.config.ts ]; then
    log "building the gateway and the web app for the end-to-end tests"
    "${PNPM[@]}" run build
    log "end-to-end tests (Chromium)"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/.telgate/results/playwright.json" \
      "${PNPM[@]}" --filter @telgate/e2e run test --reporter=list,json
  fi
  node scripts/test-summary.mjs .telgate/results
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: scripts/telgate.sh start|test" >&2; exit 2 ;;
esac
