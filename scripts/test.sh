#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what is missing, builds the release binary
# (the static one a cluster runs: a test runs it in a root without the toolchain), then
# `swift test`. Extra arguments go to `swift test` (for example: scripts/test.sh --filter
# QueueingTheoryTests); with them the release build is skipped, and the tests that need it use
# the one already built or say they are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
if [ $# -eq 0 ]; then scripts/build-release.sh; fi
swift test "$@"
