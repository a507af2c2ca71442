#!/usr/bin/env bash
# Builds the release binary, .build/release/procsim (or under --scratch-path DIR), with the Swift
# runtime and Foundation linked in (--static-swift-stdlib): a command starts in about 10 ms
# rather than 15 (no twenty shared libraries to load and bind), and the binary runs on machines
# without a Swift toolchain, such as a cluster's nodes. Only OpenBLAS and the C libraries stay
# shared. Every script that needs the release binary builds it here, so that the build flags,
# and with them SwiftPM's cache, are always the same.
#   scripts/build-release.sh [--scratch-path DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenBLAS: the single-threaded build where it is installed (libopenblas0-serial, which
# scripts/install-deps.sh installs), found first through the binary's run path. The statistics
# multiply matrices of a few hundred numbers, and the threaded build starts a pool of threads
# when the library loads that then spin on the cores the simulation needs (M3 at 2 M orders:
# 7% of the wall time, 87 ms of system time). Without the package, the system's OpenBLAS is used.
scripts/install-deps.sh >&2
serial=/usr/lib/$(uname -m)-linux-gnu/openblas-serial
exec swift build -c release --static-swift-stdlib --product procsim \
    -Xlinker -rpath -Xlinker "$serial" "$@"
