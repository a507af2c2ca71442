#!/usr/bin/env bash
# Coverage-guided fuzzing of the scenario loader or the expression parser with libFuzzer
# (Swift's -sanitize=fuzzer). Not part of CI: run by hand, on a quiet machine, for an hour.
#
#   scripts/fuzz.sh scenario [SECONDS]     # default 3600
#   scripts/fuzz.sh expression [SECONDS]
#   scripts/fuzz.sh scenario FILE...       # replay inputs (a finding) through the fuzz target
#
# The corpus libFuzzer keeps is merged (minimised to the inputs that add coverage) into
# Fuzz/Corpus/TARGET, which is committed; it starts from the bundled scenarios and the bad-input
# fixtures. A trap, a timeout (an input over 5 s) or an input that needs over 1 GiB is written to
# Fuzz/findings/TARGET-KIND-HASH and the run goes on; turn each into a fixture in Tests/ once
# it is fixed, and replay it with the FILE form to see the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh scenario|expression [SECONDS | FILE...]}
shift
case "$target" in
    scenario) product=FuzzScenario ;;
    expression) product=FuzzExpression ;;
    *) echo "fuzz.sh: the target is 'scenario' or 'expression', not '$target'" >&2; exit 64 ;;
esac
scripts/install-deps.sh
scratch=.build-fuzz
mkdir -p "$scratch"
# Linked with the toolchain's lld: GNU gold stops with an internal error on libFuzzer's objects.
lld=$(dirname "$(realpath "$(command -v swift)")")/ld.lld
printf '{"schemaVersion": "1.0", "linker": {"path": "%s"}}\n' "$lld" > "$scratch/lld-toolset.json"
build=(-c release --scratch-path "$scratch" --toolset "$scratch/lld-toolset.json"
       -Xswiftc -sanitize=fuzzer -Xcc -fsanitize=fuzzer-no-link)
PROCSIM_FUZZ=1 swift build "${build[@]}" --product "$product" 2>&1 | grep -v -e '^    /' -e 'unhandled' >&2
binary=$(PROCSIM_FUZZ=1 swift build "${build[@]}" --show-bin-path)/$product
root=$PWD
flags=(-timeout=5 -rss_limit_mb=1024 -max_len=16384 "-dict=$root/Fuzz/$target.dict"
       "-artifact_prefix=$root/Fuzz/findings/$target-")
mkdir -p Fuzz/findings "Fuzz/Corpus/$target"

# Inputs are run in an empty folder: a fuzzed `extends:` or `arrivals:` finds nothing to read.
sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
if [[ $# -gt 0 && ! $1 =~ ^[0-9]+$ ]]; then
    files=(); for f in "$@"; do files+=("$(realpath "$f")"); done
    cd "$sandbox" && exec "$binary" "${flags[@]}" "${files[@]}"
fi
seconds=${1:-3600}

seeds=$sandbox/seeds work=$sandbox/work
mkdir -p "$seeds" "$work"
if [[ $target == scenario ]]; then
    cp scenarios/*.yaml Tests/SimScenarioTests/Fixtures/invalid/*.yaml "$seeds"/
else
    # Every expectation and target written in the bundled scenarios, docs and tests, one per file.
    python3 - "$seeds" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1]); seen = set()
pattern = re.compile(r'`([^`\n]*(?:p\d+|mean|rate|utilisation|on_time|lead_time|wait|queue)[^`\n]*)`')
for path in [*pathlib.Path('docs').glob('*.md'), pathlib.Path('README.md'), *pathlib.Path('scenarios').glob('*.yaml')]:
    for m in pattern.finditer(path.read_text()):
        seen.add(m.group(1).strip())
for i, text in enumerate(sorted(seen)):
    (out / f'seed-{i}').write_text(text)
PY
fi
log=$root/Fuzz/findings/$target-$(date -u +%Y%m%dT%H%M%SZ).log
cd "$sandbox"

# -fork=1: one child at a time, and a finding is written and the run goes on to the end.
"$binary" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -fork=1 -ignore_timeouts=1 -ignore_crashes=1 -ignore_ooms=1 \
    "$work" "$root/Fuzz/Corpus/$target" "$seeds" 2>&1 | tee "$log" | grep -E '^#[0-9]+(:|\s+(pulse|DONE))|INFO: fuzzed|^==[0-9]+==|^SUMMARY|Test unit written|^stat::' || true
# Keep the corpus minimal: only inputs that add coverage go back into the committed folder.
"$binary" -merge=1 "${flags[@]}" "$root/Fuzz/Corpus/$target" "$work" >>"$log" 2>&1 || { echo "fuzz.sh: merging the corpus failed; see $log" >&2; exit 1; }
echo "corpus: $(ls "$root/Fuzz/Corpus/$target" | wc -l) files, $(du -sh --apparent-size "$root/Fuzz/Corpus/$target" | cut -f1); log: $log"
