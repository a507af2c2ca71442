#!/usr/bin/env bash
# Measures a sharded study on Slurm against the same study in one process, interleaved, several
# rounds: wall times (min and median), the overhead per shard, the merge's time and the size of
# the partial results per replication. Checks every round that the merged output is the
# one-process output byte for byte. Starts a single-node cluster (scripts/slurm-local.sh) unless
# SLURM_CONF names a running one. Root only when it starts the cluster.
#   scripts/bench-shards.sh [--rounds N] [--shards N] [--replications N] [--procsim PATH]
# Defaults: 3 rounds, 4 shards, 1200 replications per design point (9 points: 10,800 in all).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 shards=4 n=1200 procsim=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --shards) shards="$2"; shift 2 ;;
        --replications) n="$2"; shift 2 ;;
        --procsim) procsim="$2"; shift 2 ;;
        -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-shards: unknown option '$1'" >&2; exit 64 ;;
    esac
done
if [[ -z "$procsim" ]]; then scripts/build-release.sh >&2; procsim=.build/release/procsim; fi
procsim=$(realpath "$procsim")
work=$(mktemp -d /tmp/procsim-bench-shards.XXXXXX)
started=""
if [[ -z "${SLURM_CONF:-}" ]]; then
    scripts/slurm-local.sh start "$work/slurm" >/dev/null
    export SLURM_CONF="$work/slurm/slurm.conf"
    started=1
fi
cleanup() { [[ -n "$started" ]] && scripts/slurm-local.sh stop "$work/slurm"; rm -rf "$work"; }
trap cleanup EXIT

study=(study scenarios/order-to-delivery.yaml --vary areas.warehouse.staff=3..5 --vary areas.logistics.staff=2..4 -n "$n" --seed 7 --json)
cores=$(nproc)
now() { date +%s.%N; }
one=() sharded=() merge=()
for r in $(seq 1 "$rounds"); do
    t0=$(now)
    "$procsim" "${study[@]}" -q > "$work/whole.json"
    t1=$(now)
    # Each shard one thread: the node runs as many shards at once as it has cores.
    scripts/slurm-shards.sh --shards "$shards" --parts "$work/parts-$r" --procsim "$procsim" --sbatch --cpus-per-task=1 \
        -- "${study[@]}" --threads 1 -q > "$work/merged.json" 2>/dev/null
    t2=$(now)
    cmp -s "$work/whole.json" "$work/merged.json" || { echo "bench-shards: round $r: the merged study differs from one process" >&2; exit 1; }
    t3=$(now)
    "$procsim" merge "$work/parts-$r"/part-*.json > /dev/null
    t4=$(now)
    one+=("$(python3 -c "print($t1 - $t0)")") sharded+=("$(python3 -c "print($t2 - $t1)")") merge+=("$(python3 -c "print($t4 - $t3)")")
    echo "  round $r/$rounds: one process $(printf %.2f "${one[-1]}") s, $shards shards on Slurm $(printf %.2f "${sharded[-1]}") s" >&2
done
bytes=$(cat "$work/parts-1"/part-*.json | wc -c)
python3 - "$rounds" "$shards" "$n" "$cores" "$bytes" "${one[*]}" "${sharded[*]}" "${merge[*]}" <<'EOF'
import statistics, sys
rounds, shards, n, cores, size = map(int, sys.argv[1:6])
one, sharded, merge = ([float(x) for x in a.split()] for a in sys.argv[6:9])
reps = 9 * n
m = statistics.median
print(f"study of 9 design points x {n} replications = {reps:,} replications; {cores} cores; {rounds} rounds interleaved; merged output byte-identical every round")
print("| | min | median |")
print("|---|---:|---:|")
print(f"| one process ({cores} threads) | {min(one):.2f} s | {m(one):.2f} s |")
print(f"| {shards} shards on Slurm (1 thread each) + merge job | {min(sharded):.2f} s | {m(sharded):.2f} s |")
print(f"| `procsim merge` alone | {min(merge):.2f} s | {m(merge):.2f} s |")
print(f"overhead of Slurm per shard (median, sharded - one process, over {shards} shards): {(m(sharded) - m(one)) / shards:.2f} s")
print(f"partial results: {size / 1e6:.1f} MB for {reps:,} replications, {size / reps / 1024:.1f} KiB per replication")
EOF
