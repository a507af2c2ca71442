#!/usr/bin/env bash
# Builds procsim (release) on a fresh machine and runs the bundled order-to-delivery scenario.
# Extra arguments go to `procsim run` (for example: scripts/demo.sh --json --replications 50).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-release.sh >&2
exec .build/release/procsim run scenarios/order-to-delivery.yaml "$@"
