#!/usr/bin/env bash
# Type-checks the build (project references) and then every package's tests, which use Node types the
# builds themselves must not see.
set -euo pipefail
cd "$(dirname "$0")/.."
tsc -b
for config in scripts/architecture/tsconfig.json packages/*/tsconfig.test.json apps/*/tsconfig.test.json examples/*/tsconfig.test.json e2e/tsconfig.json bench/tsconfig.json; do
  [ -f "$config" ] || continue
  tsc -p "$config"
done
