#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, then `swift test`.
# Extra arguments go to `swift test` (for example: scripts/test.sh --filter QueueingTheoryTests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
swift test "$@"
