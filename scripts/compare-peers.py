#!/usr/bin/env python3
"""Times the peer models in procsim, the C limit program, SimPy and Ciw, interleaved.

Called by scripts/compare-peers.sh, which builds and installs everything first. Standard library
and hyperfine. Each round is one hyperfine call that runs every (model, implementation) pair once,
in a rotated order, so that a change in the machine's load hits every implementation alike; the
table shows medians over the rounds. Every run uses the same seed; one untimed run per pair gives
its event count and result. Times are whole-process wall times (start-up included). Throughput is model events per
second: two per customer per station visit, the yardstick every implementation prints.
"""
import argparse
import json
import os
import re
import statistics
import shlex
import subprocess
import sys

MODELS = {
    "M1": ("M/M/1, utilisation 0.9", "mean time in system", "theory 10.0000"),
    "M2": ("M/M/5, utilisation 0.9", "mean wait in queue", "Erlang C 1.5250"),
    "M3": ("order flow with rework", "mean and p95 end-to-end time (h)", "no closed form"),
}
IMPLS = ["procsim", "C", "SimPy", "Ciw"]

# Customers per model and implementation: procsim against C at the target sizes; the
# Python libraries (about 100x slower) at smaller sizes, compared by throughput.
SEED = 1

SIZES = {
    "full": {
        "M1": {"procsim": 10_000_000, "C": 10_000_000, "SimPy": 1_000_000, "Ciw": 200_000},
        "M2": {"procsim": 1_000_000, "C": 1_000_000, "SimPy": 200_000, "Ciw": 100_000},
        "M3": {"procsim": 2_000_000, "C": 2_000_000, "SimPy": 200_000, "Ciw": 100_000},
    },
    "quick": {
        "M1": {"procsim": 200_000, "C": 200_000, "SimPy": 20_000, "Ciw": 10_000},
        "M2": {"procsim": 100_000, "C": 100_000, "SimPy": 20_000, "Ciw": 10_000},
        "M3": {"procsim": 50_000, "C": 50_000, "SimPy": 10_000, "Ciw": 5_000},
    },
}


def scenario_for(args, model, customers):
    """The bench scenario, or a copy of it with another `max_arrivals:`."""
    original = os.path.join(args.scenarios, model.lower() + ".yaml")
    with open(original) as f:
        text = f.read()
    new, n = re.subn(r"(?m)^(\s*max_arrivals:\s*)\d+\s*$", rf"\g<1>{customers}", text)
    if n != 1:
        sys.exit(f"{original}: expected exactly one 'max_arrivals:' line, found {n}")
    if new == text:
        return original
    path = os.path.join(args.work, f"{model.lower()}-{customers}.yaml")
    with open(path, "w") as f:
        f.write(new)
    return path


def command(args, model, impl, customers, seed):
    if impl == "procsim":
        return [args.procsim, "run", scenario_for(args, model, customers),
                "--replications", "1", "--threads", "1", "--seed", str(seed), "--json"]
    if impl == "C":
        return [args.limit, model, str(seed), str(customers)]
    script = "simpy_bench.py" if impl == "SimPy" else "ciw_bench.py"
    return [args.python, os.path.join(args.peers, script), model, str(seed), str(customers)]


def parse(model, impl, stdout):
    """(model events, result text) from one run's output."""
    if impl == "procsim":
        report = json.loads(stdout)
        events = report["kernel"]["model_events"]
        if model == "M1":
            x = report["system"]["lead_time"]["mean"]["estimate"] / 3600
            return events, f"mean_time_in_system={x:.4f}"
        if model == "M2":
            x = report["steps"]["visit/serve"]["wait"]["mean"]["estimate"] / 3600
            return events, f"mean_wait_in_queue={x:.4f}"
        lt = report["system"]["lead_time"]
        return events, f"mean_e2e_h={lt['mean']['estimate'] / 3600:.4f} p95_e2e_h={lt['p95']['estimate'] / 3600:.4f}"
    line = stdout.strip().splitlines()[-1]
    fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
    keep = ["mean_time_in_system", "mean_wait_in_queue", "mean_e2e_h", "p95_e2e_h"]
    return int(fields["model_events"]), " ".join(f"{k}={fields[k]}" for k in keep if k in fields)


def result_of(args, model, impl, customers, seed):
    """Runs once, untimed, for the event count and the result line (both fixed by the seed)."""
    cmd = command(args, model, impl, customers, seed)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"failed (exit {done.returncode}): {' '.join(cmd)}\n{done.stderr}")
    return parse(model, impl, done.stdout)


def time_round(args, commands):
    """One round: hyperfine runs each command once, in the order given, and reports wall times."""
    report = os.path.join(args.work, "round.json")
    cmd = [args.hyperfine, "--runs", "1", "-N", "--output=pipe", "--style", "none", "--export-json", report]
    cmd += [" ".join(shlex.quote(part) for part in c) for c in commands]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"hyperfine failed (exit {done.returncode}):\n{done.stderr}")
    with open(report) as f:
        return [r["times"][0] for r in json.load(f)["results"]]


def rate(x):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} "


# The sizes of the table procsim's speed work is judged by (issue 15): procsim against C only.
LIMIT_SIZES = [("M1", 10_000_000), ("M1", 1_000_000), ("M2", 1_000_000), ("M3", 2_000_000), ("M3", 200_000)]


def limit_table(args):
    """C time / procsim time per (model, size), each round running every command once in a
    rotated order; the ratio is taken within each round (same machine state), then its minimum
    and median over the rounds are shown."""
    cases = [(m, n) for m, n in LIMIT_SIZES if m in args.models.split(",")]
    commands = [(case, impl) for case in cases for impl in ("procsim", "C")]
    for (m, n), impl in commands:
        result_of(args, m, impl, n, SEED)  # fails early, and warms the file cache
    walls = {c: [] for c in commands}
    for r in range(args.rounds):
        shift = (2 * r) % len(commands)
        order = commands[shift:] + commands[:shift]
        for c, wall in zip(order, time_round(args, [command(args, c[0][0], c[1], c[0][1], SEED) for c in order])):
            walls[c].append(wall)
        print(f"  round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"C / procsim, whole process, {args.rounds} rounds interleaved (ratio within each round); seed {SEED}")
    print("| model, size | C / procsim (min) | C / procsim (median) | procsim (median) | C (median) |")
    print("|---|---:|---:|---:|---:|")
    for m, n in cases:
        ps, cs = walls[((m, n), "procsim")], walls[((m, n), "C")]
        ratios = [c / p for p, c in zip(ps, cs)]
        size = f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1000} k"
        print(f"| {m} {size} | {min(ratios):.2f} | {statistics.median(ratios):.2f} | "
              f"{statistics.median(ps):.3f} s | {statistics.median(cs):.3f} s |")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--procsim", required=True)
    p.add_argument("--limit", required=True)
    p.add_argument("--python", help="the venv's python; omit to skip SimPy and Ciw")
    p.add_argument("--peers", required=True)
    p.add_argument("--scenarios", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--models", default="M1,M2,M3")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--hyperfine", default="hyperfine")
    p.add_argument("--limit-table", action="store_true", help="procsim against C at the sizes of LIMIT_SIZES")
    args = p.parse_args()
    if args.limit_table:
        return limit_table(args)

    models = args.models.split(",")
    impls = IMPLS if args.python else IMPLS[:2]
    sizes = SIZES["quick" if args.quick else "full"]
    pairs = [(m, i) for m in models for i in impls]
    runs = {pair: [] for pair in pairs}  # (wall, events, result) per round

    print(f"{args.rounds} rounds, timed by hyperfine; each round runs every model and implementation once "
          f"(rotated order), so the noise of a shared machine falls on all of them alike; seed {SEED}", flush=True)
    results = {pair: result_of(args, *pair, sizes[pair[0]][pair[1]], SEED) for pair in pairs}
    for r in range(args.rounds):
        shift = r % len(pairs)
        order = pairs[shift:] + pairs[:shift]
        walls = time_round(args, [command(args, m, i, sizes[m][i], SEED) for m, i in order])
        for pair, wall in zip(order, walls):
            runs[pair].append((wall, *results[pair]))
        print(f"  round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    for model in models:
        title, result_name, theory = MODELS[model]
        print(f"\n{model}: {title}. Result: {result_name}, {theory}")
        print(f"  {'implementation':<15}{'customers':>12}{'model events':>14}{'median wall':>13}"
              f"{'min-max wall':>17}{'events/s':>12}   result")
        throughput = {}
        for impl in impls:
            rs = runs[(model, impl)]
            walls = [w for w, _, _ in rs]
            throughput[impl] = statistics.median(e / w for w, e, _ in rs)
            events = statistics.median(e for _, e, _ in rs)
            print(f"  {impl:<15}{sizes[model][impl]:>12,}{int(events):>14,}{statistics.median(walls):>11.3f} s"
                  f"{min(walls):>8.3f}-{max(walls):.3f} s{rate(throughput[impl]):>11}/s   {rs[0][2]}")
        ratios = [f"procsim/{peer} {throughput['procsim'] / throughput[peer]:.2f}x" for peer in impls[1:]]
        print("  throughput ratios (>1: procsim faster): " + ", ".join(ratios))
    print("\nWall times are whole processes (start-up included); events/s = model events / wall, median over rounds.")
    print("procsim runs `run SCENARIO --replications 1 --threads 1 --json` and keeps every lead time (exact percentiles).")


if __name__ == "__main__":
    main()
