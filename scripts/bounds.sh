#!/usr/bin/env bash
# Times `procsim validate` on generated large scenarios (and one run with many replications),
# to check that loading and checking stay linear in the file's size. Nothing large is kept:
# the files are written to a temporary folder at run time and removed afterwards.
#
# Usage: scripts/bounds.sh [ROUNDS] [CASE-FILTER]
#   ROUNDS       runs per case (default 3); the table shows the minimum and the median
#   CASE-FILTER  only the cases whose label contains this text
# Environment: PROCSIM (the binary; default .build/release/procsim, built if missing),
#              BOUNDS_TIMEOUT (seconds before a run is stopped; default 60).
set -euo pipefail

cd "$(dirname "$0")/.."
rounds=${1:-3}
filter=${2:-}
timeout=${BOUNDS_TIMEOUT:-60}
procsim=${PROCSIM:-.build/release/procsim}
if [[ ! -x $procsim ]]; then scripts/build-release.sh >&2; fi
if [[ ! -x /usr/bin/time ]]; then
    echo "bounds.sh: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/procsim-bounds.XXXXXX")
trap 'rm -rf "$work"' EXIT

# label | generator case | generator size (a count, or 2M for just under the 2 MiB limit)
cases=(
    "steps 1,000|steps|1000"
    "steps 4,000|steps|4000"
    "steps 20,000|steps|20000"
    "steps 40,000 (near the size limit)|steps|40000"
    "steps at 2 MiB|steps|2M"
    "a file over the limit (100 MiB)|oversize|0"
    "/dev/zero as the scenario|devzero|0"
    "a FIFO as the scenario|fifo|0"
    "areas 10,000 (a step each)|areas|10000"
    "areas at 2 MiB (a step each)|areas|2M"
    "unused areas at 2 MiB (a warning each)|areas-unused|2M"
    "demand types 4,000|demand|4000"
    "demand types at 2 MiB|demand|2M"
    "variants 5,000|variants|5000"
    "variants at 2 MiB|variants|2M"
    "arrivals CSV 10^6 rows|arrivals|1000000"
    "arrivals CSV 10^6 rows, two types|arrivals-typed|1000000"
    "arrivals CSV 10^6 rows, 1,000 types|arrivals-many-types|1000000"
    "arrivals CSV near 64 MiB (4.5 * 10^6 rows, 1,000 types)|arrivals-many-types|4500000"
    "holidays over all but two months of 10,000 years|holidays|1"
    "when: 10^5 chained not|not-chain|100000"
    "expect: 10^5 chained minus|minus-chain|100000"
    "run mm1 -n 1000000 horizon=1s|run|0"
)

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '| case | file size | seconds (min) | seconds (median) | max RSS MB | exit |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for entry in "${cases[@]}"; do
    IFS='|' read -r label kind size <<<"$entry"
    [[ -n $filter && $label != *"$filter"* ]] && continue
    if [[ $kind == run ]]; then
        file=scenarios/mm1.yaml
        command=("$procsim" run "$file" -n 1000000 --set horizon=1s --quiet)
        bytes=$(stat -c %s "$file")
    else
        file=$(python3 scripts/gen_bounds.py "$work" "$kind" "$size")
        command=("$procsim" validate "$file")
        bytes=$(stat -L -c %s "$file")
        for book in "$work"/*.csv; do [[ -f $book ]] && bytes=$(( bytes + $(stat -c %s "$book") )); done
    fi
    times=() rss=0 code=0
    for ((r = 0; r < rounds; r++)); do
        set +e
        timeout "$timeout" /usr/bin/time -o "$work/time" -f '%e %M' "${command[@]}" >/dev/null 2>"$work/stderr"
        code=$?
        set -e
        if [[ $code == 124 ]]; then times+=(">$timeout"); break; fi
        # With a non-zero exit, time writes "Command exited with non-zero status N" first.
        read -r seconds kilobytes < <(tail -n 1 "$work/time")
        times+=("$seconds")
        (( kilobytes > rss )) && rss=$kilobytes
    done
    if [[ ${times[0]} == ">"* ]]; then
        low=${times[0]} mid=${times[0]} code="timeout"
    else
        low=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
        mid=$(printf '%s\n' "${times[@]}" | median)
    fi
    if (( bytes >= 1 << 20 )); then shown="$(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }')"
    else shown="$(awk -v b="$bytes" 'BEGIN { printf "%.0f KiB", b / 1024 }')"; fi
    memory=$(( rss / 1024 ))
    [[ $code == timeout ]] && memory="?"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "$shown" "$low" "$mid" "$memory" "$code"
    rm -f "$work"/*.yaml "$work"/*.csv
done
