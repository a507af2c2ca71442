#!/usr/bin/env bash
# Installs what procsim needs beyond the Swift toolchain, only when it is missing:
#   libopenblas-dev (BLAS/LAPACK for the statistics) and, for the release build, libopenblas0-serial
#   (the single-threaded OpenBLAS scripts/build-release.sh links; see there), and, with --test,
#   Python's jsonschema and
#   PyYAML (the JSON Schema checks of outputs and of the scenario format in the test suite) and
#   xmllint (libxml2-utils: the JUnit report is validated against the JUnit XSD) and Debian's
#   chromium (the HTML report is rendered headless), and pm4py in a virtual environment
#   (.build/pm4py: event logs are imported by a process-mining library), and, as root, Slurm's
#   slurmctld, slurmd and slurm-client (a sharded study runs on a single-node cluster).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! { [ -e /usr/include/x86_64-linux-gnu/cblas.h ] || [ -e /usr/include/cblas.h ] || [ -e /usr/include/aarch64-linux-gnu/cblas.h ]; } \
   || ! ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so'; then
  need_apt+=(libopenblas-dev)
fi
if [ "${1:-}" != "--test" ] && [ ! -e "/usr/lib/$(uname -m)-linux-gnu/openblas-serial/libopenblas.so.0" ]; then
  need_apt+=(libopenblas0-serial)
fi
if [ "${1:-}" = "--test" ] && ! command -v python3 >/dev/null 2>&1; then
  need_apt+=(python3 python3-pip)
fi
if [ "${1:-}" = "--test" ] && ! command -v xmllint >/dev/null 2>&1; then
  need_apt+=(libxml2-utils)
fi
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
  need_apt+=(chromium)
fi
if [ "${1:-}" = "--test" ] && [ "$(id -u)" -eq 0 ] && ! command -v slurmd >/dev/null 2>&1; then
  # A single-node Slurm cluster (scripts/slurm-local.sh) runs a sharded study in the tests.
  need_apt+=(slurmctld slurmd slurm-client)
fi
if [ "${1:-}" = "--test" ] && ! python3 -m venv --help >/dev/null 2>&1; then
  need_apt+=(python3-venv)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing ${need_apt[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ] && ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  echo "installing Python's jsonschema and PyYAML with pip" >&2
  python3 -m pip install --quiet jsonschema pyyaml 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages jsonschema pyyaml
fi

if [ "${1:-}" = "--test" ] && ! .build/pm4py/bin/python -c 'import pm4py' 2>/dev/null; then
  echo "installing pm4py into .build/pm4py (a virtual environment)" >&2
  mkdir -p .build
  python3 -m venv .build/pm4py
  .build/pm4py/bin/pip install --quiet pm4py
fi
