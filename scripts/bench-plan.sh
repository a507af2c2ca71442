#!/usr/bin/env bash
# The plan search against deciding every design, on the same two-area question, in one run:
# wall time and replications of each, and their ratios. Release build; not part of the tests.
#   scripts/bench-plan.sh [extra procsim plan options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-release.sh >/dev/null
procsim=.build/release/procsim
question=(scenarios/order-to-delivery.yaml --target "p95(lead_time) <= 50h"
          --vary areas.logistics.staff=1..8 --vary areas.warehouse.staff=2..9
          --cost logistics=3200/month --cost warehouse=2900/month --confirm 0 --json "$@")
measure() {
  local start end
  start=$(date +%s.%N)
  "$procsim" plan "${question[@]}" "$@" > "$tmp/out.json" || true
  end=$(date +%s.%N)
  python3 - "$tmp/out.json" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
chosen = d["chosen"]["staff"] if d["chosen"] else None
print(f'{float(sys.argv[3]) - float(sys.argv[2]):.3f} {d["designs_simulated"]} {d["replications"]} {json.dumps(chosen, separators=(",", ":"))}')
PY
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
read -r t_search d_search r_search c_search < <(measure)
read -r t_all d_all r_all c_all < <(measure --exhaustive)
echo "question: cheapest logistics (1..8) and warehouse (2..9) staff for p95(lead_time) <= 50h, order to delivery"
printf '%-22s %10s %10s %14s  %s\n' "" "seconds" "designs" "replications" "chosen"
printf '%-22s %10s %10s %14s  %s\n' "search" "$t_search" "$d_search" "$r_search" "$c_search"
printf '%-22s %10s %10s %14s  %s\n' "every design" "$t_all" "$d_all" "$r_all" "$c_all"
same=no; [ "$c_search" = "$c_all" ] && same=yes
python3 -c "print(f'search / every design: time {$t_search/$t_all:.2f}x, replications {$r_search/$r_all:.2f}x, same answer: $same')"
