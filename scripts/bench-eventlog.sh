#!/usr/bin/env bash
# Event-log writing speed: one replication of M/M/1 with and without --event-log, interleaved,
# over several rounds; rows per second = rows / (time with the log − time without). Release
# build (or PROCSIM=path to use an existing binary); not part of the tests.
#   scripts/bench-eventlog.sh [ROUNDS] [HORIZON]     defaults: 5 rounds, 20000d (about 1.1 M rows)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
horizon=${2:-20000d}
procsim=${PROCSIM:-.build/release/procsim}
if [[ -z ${PROCSIM:-} ]]; then scripts/build-release.sh >/dev/null; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/procsim-eventlog.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
run=("$procsim" run scenarios/mm1.yaml -n 1 --threads 1 -q --json --set "horizon=$horizon")
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); python3 -c "print($e - $s)"; }
: > "$tmp/times"
for ((r = 1; r <= rounds; r++)); do
    plain=$(seconds "${run[@]}")
    csv=$(seconds "${run[@]}" --event-log "$tmp/log.csv")
    xes=$(seconds "${run[@]}" --event-log "$tmp/log.xes")
    echo "$plain $csv $xes" >> "$tmp/times"
done
rows=$(($(wc -l < "$tmp/log.csv") - 1))
python3 - "$tmp/times" "$rows" "$horizon" "$rounds" <<'PY'
import statistics, sys
rounds = [list(map(float, l.split())) for l in open(sys.argv[1])]
rows, horizon, n = int(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"M/M/1, horizon {horizon}: {rows:,} rows; {n} rounds, interleaved")
print("| | seconds (min) | seconds (median) | rows per second (median) |")
print("|---|---:|---:|---:|")
plain = [r[0] for r in rounds]
print(f"| run alone | {min(plain):.3f} | {statistics.median(plain):.3f} | |")
for i, name in ((1, "with --event-log log.csv"), (2, "with --event-log log.xes")):
    t = [r[i] for r in rounds]
    rate = statistics.median(rows / max(r[i] - r[0], 1e-9) for r in rounds)
    print(f"| {name} | {min(t):.3f} | {statistics.median(t):.3f} | {rate:,.0f} |")
PY
