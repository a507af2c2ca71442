#!/usr/bin/env bash
# Runs a procsim command on a Slurm cluster as a job array of N shards and a merge job that
# starts when every shard has ended, and waits for it: the script's exit code is the merge's,
# which is the command's (0, 1 a check failed, 2 inconclusive, 65 a shard is missing, …).
#   scripts/slurm-shards.sh --shards N [--parts DIR] [--procsim PATH] [--sbatch ARG]... [--no-wait]
#                           -- COMMAND ARGS...
# For example:
#   scripts/slurm-shards.sh --shards 4 -- study scenarios/order-to-delivery.yaml \
#       --vary areas.warehouse.staff=3..5 -n 20 --json > study.json
#   --shards N     the number of shards (array tasks), 1..100000
#   --parts DIR    where the job scripts, the partial results and the logs go (default
#                  procsim-parts/JOBNAME-TIMESTAMP); it must be on a file system every node sees
#   --procsim PATH the procsim binary the nodes run (default: .build/release/procsim, else the
#                  one on PATH); a static build (scripts/build-release.sh) needs no toolchain there
#   --sbatch ARG   passed to both sbatch calls (repeatable), e.g. --sbatch --partition=short
#   --no-wait      submit and print the job ids, without waiting for the merge
# The merge job's standard output (the report) is DIR/merge.out, printed at the end; outputs the
# command names (-o, --report, --csv) are written by the merge job, relative to this folder.
# The merge depends on the shards with afterany, not afterok: if a shard fails, the merge still
# runs and refuses the incomplete set (exit 65, naming the missing shards) instead of the
# dependency never being met and the merge job pending for ever.
set -euo pipefail

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
shards="" parts="" procsim="" wait=1 sbatch_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --shards) shards="${2:-}"; shift 2 ;;
        --parts) parts="${2:-}"; shift 2 ;;
        --procsim) procsim="${2:-}"; shift 2 ;;
        --sbatch) sbatch_args+=("${2:-}"); shift 2 ;;
        --no-wait) wait=0; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) echo "slurm-shards: unknown option '$1' (the procsim command goes after --)" >&2; usage >&2; exit 64 ;;
    esac
done
[[ $# -gt 0 ]] || { echo "slurm-shards: give the procsim command after --, such as: -- run scenarios/mm1.yaml -n 100" >&2; exit 64; }
[[ "$shards" =~ ^[0-9]+$ ]] && (( shards >= 1 && shards <= 100000 )) \
    || { echo "slurm-shards: --shards expects a number from 1 to 100000, found '$shards'" >&2; exit 64; }
for a in "$@"; do
    case "$a" in --shard|--shard=*|--partial|--partial=*)
        echo "slurm-shards: the command must not carry $a: the script gives each shard its own" >&2; exit 64 ;;
    esac
done
command -v sbatch >/dev/null || { echo "slurm-shards: sbatch not found; is this a Slurm submission host?" >&2; exit 66; }
if [[ -z "$procsim" ]]; then
    if [[ -x .build/release/procsim ]]; then procsim=.build/release/procsim; else procsim=$(command -v procsim || true); fi
fi
[[ -n "$procsim" && -x "$procsim" ]] || { echo "slurm-shards: no procsim binary; build one (scripts/build-release.sh) or give --procsim PATH" >&2; exit 66; }
procsim=$(realpath "$procsim")
[[ -n "$parts" ]] || parts="procsim-parts/$1-$(date +%Y%m%dT%H%M%S)-$$"
mkdir -p "$parts"
parts=$(realpath "$parts")
if compgen -G "$parts/part-*.json" >/dev/null; then
    echo "slurm-shards: $parts already holds partial results; give a new --parts folder" >&2; exit 73
fi

# The command, quoted for the job scripts' shell.
quoted=$(printf '%q ' "$procsim" "$@")
cat > "$parts/shard.sbatch" <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=procsim-shard
#SBATCH --array=1-$shards
#SBATCH --output=$parts/shard-%a.log
# Shard \$SLURM_ARRAY_TASK_ID of $shards of: procsim $*
set -euo pipefail
cd $(printf '%q' "$PWD")
exec $quoted--shard "\$SLURM_ARRAY_TASK_ID/$shards" --partial "$parts/part-\$SLURM_ARRAY_TASK_ID.json"
EOF
cat > "$parts/merge.sbatch" <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=procsim-merge
#SBATCH --output=$parts/merge.out
#SBATCH --error=$parts/merge.err
set -euo pipefail
cd $(printf '%q' "$PWD")
shopt -s nullglob
found=($(printf '%q' "$parts")/part-*.json)
if (( \${#found[@]} == 0 )); then
    echo "error: none of the $shards shards wrote its partial result (see $parts/shard-*.log); nothing to merge" >&2
    exit 65
fi
exec $(printf '%q' "$procsim") merge "\${found[@]}"
EOF

array=$(sbatch --parsable "${sbatch_args[@]}" "$parts/shard.sbatch")
array=${array%%;*}
echo "slurm-shards: shards submitted as job array $array ($shards tasks); parts in $parts" >&2
merge_args=(--parsable --dependency="afterany:$array" "${sbatch_args[@]}")
if (( ! wait )); then
    job=$(sbatch "${merge_args[@]}" "$parts/merge.sbatch")
    echo "slurm-shards: merge job ${job%%;*} runs when they end; its report goes to $parts/merge.out" >&2
    exit 0
fi
status=0
sbatch --wait "${merge_args[@]}" "$parts/merge.sbatch" >/dev/null || status=$?
[[ -f "$parts/merge.out" ]] && cat "$parts/merge.out"
[[ -s "$parts/merge.err" ]] && cat "$parts/merge.err" >&2
for i in $(seq 1 "$shards"); do
    [[ -f "$parts/part-$i.json" ]] || echo "slurm-shards: shard $i/$shards wrote no partial result; its log is $parts/shard-$i.log" >&2
done
exit "$status"
