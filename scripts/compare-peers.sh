#!/usr/bin/env bash
# Runs the peer models M1, M2, M3 (shared/peers) in procsim, the C limit program, SimPy and Ciw
# side by side, interleaved round by round (each round timed by hyperfine), and prints median
# wall times, model events per second and the throughput ratios of procsim to each peer.
#
# usage: scripts/compare-peers.sh [--rounds N] [--models M1,M3] [--quick] [--no-python]
#                                  [--limit-table] [--procsim PATH]
#   --rounds N       rounds; each runs every model and implementation once (default 5; 2 with --quick)
#   --models LIST    comma-separated subset of M1,M2,M3 (default all)
#   --quick          small sizes: a smoke test of the whole pipeline
#   --no-python      skip SimPy and Ciw
#   --limit-table    only procsim against C, at M1 10 M and 1 M, M2 1 M, M3 2 M and 200 k
#                    customers: C time / procsim time, min and median of the per-round ratios
#   --procsim PATH   time this binary instead of building one (another commit's, for example)
# Environment: PEERS_DIR (default ../shared/peers from the repository root), XDG_CACHE_HOME.
#
# Needs Swift; installs what else is missing with apt-get (gcc, hyperfine, python3-venv, libopenblas-dev)
# and SimPy and Ciw with pip in ${XDG_CACHE_HOME:-$HOME/.cache}/procsim-peers-venv.
# procsim is built in release under .build-bench so as not to disturb .build.
set -euo pipefail

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

rounds="" models="M1,M2,M3" quick=0 no_python=0 limit_table=0 procsim=""
while (($#)); do
    case $1 in
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --rounds=*) rounds=${1#*=}; shift ;;
        --models) models=${2:?--models needs a value}; shift 2 ;;
        --models=*) models=${1#*=}; shift ;;
        --quick) quick=1; shift ;;
        --no-python) no_python=1; shift ;;
        --limit-table) limit_table=1; no_python=1; shift ;;
        --procsim) procsim=${2:?--procsim needs a path}; shift 2 ;;
        --procsim=*) procsim=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare-peers: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
[[ -z $rounds ]] && rounds=$((quick ? 2 : 5))
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "compare-peers: --rounds must be a positive integer, found '$rounds'" >&2; exit 2; }
IFS=, read -ra model_list <<<"$models"
for m in "${model_list[@]}"; do
    [[ $m == M1 || $m == M2 || $m == M3 ]] || { echo "compare-peers: unknown model '$m' (M1, M2, M3)" >&2; exit 2; }
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
peers=$(cd "${PEERS_DIR:-$root/../shared/peers}" && pwd) || { echo "compare-peers: no peers folder; set PEERS_DIR" >&2; exit 2; }
[[ -f $peers/limit.c ]] || { echo "compare-peers: $peers/limit.c not found; set PEERS_DIR" >&2; exit 2; }

log() { echo "compare-peers: $*" >&2; }
apt_updated=0
apt_install() {
    local sudo=""
    ((EUID == 0)) || sudo=sudo
    if ((!apt_updated)); then $sudo apt-get update -qq >&2; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

command -v python3 >/dev/null || apt_install python3
command -v gcc >/dev/null || apt_install gcc
command -v hyperfine >/dev/null || apt_install hyperfine
if command -v dpkg-query >/dev/null && ! have_deb libopenblas-dev && [[ ! -e /usr/include/x86_64-linux-gnu/cblas.h ]]; then
    apt_install libopenblas-dev
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/compare-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ -z $procsim ]]; then
    log "building procsim (release, --scratch-path .build-bench)"
    (cd "$root" && scripts/build-release.sh --scratch-path .build-bench >&2)
    procsim=$root/.build-bench/release/procsim
fi
[[ -x $procsim ]] || { echo "compare-peers: $procsim is not an executable" >&2; exit 2; }

log "compiling limit.c"
gcc -O2 -o "$work/limit" "$peers/limit.c" -lm

extra_args=() versions=""
((quick)) && extra_args+=(--quick)
((limit_table)) && extra_args+=(--limit-table)
if ((!no_python)); then
    venv=${XDG_CACHE_HOME:-$HOME/.cache}/procsim-peers-venv
    if ! "$venv/bin/python" -c 'import simpy, ciw' 2>/dev/null; then
        log "creating the Python venv in $venv (simpy, ciw)"
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        if ! python3 -m venv "$venv" >&2; then
            apt_install python3-venv
            rm -rf "$venv"
            python3 -m venv "$venv" >&2
        fi
        "$venv/bin/pip" install -q simpy ciw >&2
    fi
    extra_args+=(--python "$venv/bin/python")
    versions=$("$venv/bin/python" -c 'import importlib.metadata as m; print("SimPy", m.version("simpy"), "· Ciw", m.version("ciw"))')
fi
echo "$("$procsim" --version) · ${versions:+$versions · }$(gcc --version | head -1) -O2 · $(nproc) cores · $(date -u +%Y-%m-%dT%H:%MZ)"

python3 "$root/scripts/compare-peers.py" --procsim "$procsim" --limit "$work/limit" "${extra_args[@]}" \
    --peers "$peers" --scenarios "$root/scenarios/bench" --work "$work" \
    --rounds "$rounds" --models "$models"
