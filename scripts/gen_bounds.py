#!/usr/bin/env python3
"""Writes the large scenarios that scripts/bounds.sh times.

Usage: gen_bounds.py FOLDER CASE SIZE
  CASE  steps | areas | demand | variants | holidays | not-chain | minus-chain | arrivals | arrivals-typed | arrivals-many-types
  SIZE  a count of items (20000), or a file size in bytes with a suffix (2M = just under the 2 MiB limit)

Prints the path of the scenario written. Every file is valid unless the case is a chain, which
must be refused with a located error.
"""
import datetime
import os
import sys

LIMIT = 2 << 20  # Composition.maxBytes
HEAD = "version: 1\nhorizon: 30d\n"


def sized(items, budget, head="", tail=""):
    """Joins items (an iterator of lines) until the file would reach `budget` bytes."""
    out, size = [head], len(head) + len(tail)
    for line in items:
        if size + len(line) > budget:
            break
        out.append(line)
        size += len(line)
    out.append(tail)
    return "".join(out)


def counted(items, count, head="", tail=""):
    out = [head]
    for i, line in zip(range(count), items):
        out.append(line)
    out.append(tail)
    return "".join(out)


def steps():
    i = 0
    while True:
        yield f"      - {{name: s{i}, area: a, duration: 1m}}\n"
        i += 1


def areas():
    i = 0
    while True:
        yield f"  a{i}: {{staff: 1}}\n"
        i += 1


def demands():
    i = 0
    while True:
        yield f"  d{i}: {{rate: 1/day, journey: j}}\n"
        i += 1


def variants():
    i = 0
    while True:
        yield f"  v{i}: {{set: {{areas.a.staff: {i % 9 + 1}}}}}\n"
        i += 1


def scenario(case, size):
    """(scenario text, extra files) for a case; `size` is a count or ('bytes', n)."""
    budget = size[1] if isinstance(size, tuple) else None
    build = (lambda items, head, tail="": sized(items, budget - len(head) - len(tail), head, tail)) if budget \
        else (lambda items, head, tail="": counted(items, size, head, tail))
    one_step = "journeys:\n  j:\n    steps:\n      - {name: s, area: a, duration: 1m}\n"
    if case == "steps":
        return build(steps(), HEAD + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n"
                     "journeys:\n  j:\n    steps:\n"), {}
    if case == "areas":
        # Every area is used by one step of a single journey, so nothing is unused.
        n = size
        if budget:
            # An area line and a step line per area, whose lengths grow with the index.
            n, used = 0, 200
            while used + len(f"  a{n}: {{staff: 1}}\n") + len(f"      - {{name: s{n}, area: a{n}, duration: 1m}}\n") < budget:
                used += len(f"  a{n}: {{staff: 1}}\n") + len(f"      - {{name: s{n}, area: a{n}, duration: 1m}}\n")
                n += 1
        text = HEAD + "areas:\n" + "".join(f"  a{i}: {{staff: 1}}\n" for i in range(n))
        text += "demand:\n  d: {rate: 1/day, journey: j}\njourneys:\n  j:\n    steps:\n"
        text += "".join(f"      - {{name: s{i}, area: a{i}, duration: 1m}}\n" for i in range(n))
        return text, {}
    if case == "areas-unused":
        # Areas no step uses: one warning each.
        return build(areas(), HEAD + "demand:\n  d: {rate: 1/day, journey: j}\n" + one_step + "areas:\n  a: {staff: 1}\n"), {}
    if case == "demand":
        # On dates, with a campaign for every type: business hours and campaigns per type.
        return build(demands(), HEAD + "start: 2026-01-05\ncampaigns:\n  spring: {start: 7d, duration: 7d, multiplier: 2}\n"
                     "areas:\n  a: {staff: unlimited}\n" + one_step + "demand:\n"), {}
    if case == "variants":
        return build(variants(), HEAD + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n"
                     + one_step + "variants:\n"), {}
    if case == "holidays":
        return (HEAD + "start: 2026-01-05\ncalendars:\n  office:\n    hours: {mon-fri: 09:00-17:00}\n"
                "    holidays: [0001-01-01..2025-12-31, 2026-03-01..9999-12-31]\n"
                "areas:\n  a: {staff: 1, calendar: office}\ndemand:\n  d: {rate: 1/day, journey: j}\n" + one_step), {}
    if case == "not-chain":
        n = size
        chain = "not " * n
        return (HEAD + "areas:\n  a: {staff: 1}\ndemand:\n  d:\n    rate: 1/day\n    journey: j\n"
                "    attributes: {value: {dist: exponential, mean: 10}}\n"
                "journeys:\n  j:\n    steps:\n      - name: s\n        area: a\n        duration: 1m\n"
                f"        next:\n          - {{to: exit, when: \"{chain}value > 5\"}}\n          - {{to: exit}}\n"), {}
    if case == "minus-chain":
        n = size
        return (HEAD + "areas:\n  a: {staff: 1}\ndemand:\n  d: {rate: 1/day, journey: j}\n" + one_step
                + "expect:\n  - \"" + "- " * n + "mean(lead_time) <= 5d\"\n"), {}
    if case in ("arrivals", "arrivals-typed"):
        n = size
        typed = case == "arrivals-typed"
        book = f"{case}-{n}.csv"
        head = "time,demand\n" if typed else "time\n"
        rows = [head]
        start = datetime.datetime(2026, 1, 1)
        for i in range(n):
            # Every other row a local date-time (as an order book export has), the others a
            # duration after the start: one arrival every two seconds, in order.
            moment = start + datetime.timedelta(seconds=2 * i)
            t = moment.strftime("%Y-%m-%d %H:%M:%S") if i % 2 == 0 else f"{2 * i}s"
            rows.append(f"{t},{'d' if i % 2 == 0 else 'e'}\n" if typed else f"{t}\n")
        # Durations and dates must be in order: the durations are after the start too.
        text = (HEAD.replace("30d", "800d") + "start: 2026-01-01\n"
                "areas:\n  a: {staff: unlimited}\ndemand:\n  d: {arrivals: " + book + ", journey: j}\n"
                + ("  e: {arrivals: " + book + ", journey: j}\n" if typed else "") + one_step)
        return text, {book: "".join(rows)}
    if case == "arrivals-many-types":
        # One book for a thousand demand types, `size` rows in all: read once, not per type.
        types = 1000
        book = f"{case}-{size}.csv"
        rows = ["time,demand\n"] + [f"{2 * i}s,t{i % types}\n" for i in range(size)]
        text = (HEAD.replace("30d", "800d") + "areas:\n  a: {staff: unlimited}\ndemand:\n"
                + "".join(f"  t{k}: {{arrivals: {book}, journey: j}}\n" for k in range(types)) + one_step)
        return text, {book: "".join(rows)}
    raise SystemExit(f"unknown case {case}")


def main():
    folder, case, size = sys.argv[1], sys.argv[2], sys.argv[3]
    if size.endswith("M"):
        amount = ("bytes", int(float(size[:-1]) * (1 << 20)) - 4096)
        amount = ("bytes", min(amount[1], LIMIT - 4096))
    else:
        amount = int(size)
    if case == "devzero":
        print("/dev/zero")  # read, never written
        return
    if case == "fifo":
        name = os.path.join(folder, "fifo.yaml")
        os.mkfifo(name)
        print(name)
        return
    if case == "oversize":
        # Sparse: 100 MiB on disk costs nothing, and procsim must refuse it before reading.
        name = os.path.join(folder, "oversize.yaml")
        with open(name, "wb") as f:
            f.truncate(100 << 20)
        print(name)
        return
    text, extra = scenario(case, amount)
    name = f"{case}-{size}.yaml"
    with open(os.path.join(folder, name), "w") as f:
        f.write(text)
    for other, content in extra.items():
        with open(os.path.join(folder, other), "w") as f:
            f.write(content)
    print(os.path.join(folder, name))


if __name__ == "__main__":
    main()
