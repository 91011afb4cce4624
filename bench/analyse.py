#!/usr/bin/python3
"""Turns a bench run's raw records into the failover table.

Usage: analyse.py RUN_DIR

RUN_DIR holds trials.txt (one line per measured attraction of a trial: FAULT TRIAL INJECT CLEAR NS PREFIX
MATCH FLOW, times in epoch seconds, MATCH a word of the route with "_" for spaces, FLOW 1 when the client
flow counts), the
timestamped `ip -ts monitor route` logs mon-NS.txt of the namespaces watched, and ping.txt (`ping -D`).
A route's state changes at the kernel's notification; the withdrawal is the first notification after the
fault that leaves PREFIX without MATCH, the recovery the first after the clear that brings it back.
"""
import statistics
import sys
from datetime import datetime
from pathlib import Path


def blocks(path):
    """Yields (time, deleted, prefix, text) per route notification; nexthop lines are folded into text."""
    current = None
    for line in path.read_text().splitlines():
        if line.startswith("["):
            if current:
                yield current
            stamp, _, rest = line[1:].partition("] ")
            deleted = rest.startswith("Deleted ")
            rest = rest.removeprefix("Deleted ")
            current = [datetime.fromisoformat(stamp).timestamp(), deleted, rest.split()[0], rest]
        elif current:
            current[3] += " " + line.strip()
    if current:
        yield current


def normal(prefix, text):
    """The prefix as the trials name it: ip monitor prints a host route without its length and a default as
    "default" (an IPv6 one carries a "pref" field)."""
    if prefix == "default":
        return "::/0" if " pref " in f" {text} " else "0.0.0.0/0"
    return prefix if "/" in prefix else prefix + ("/128" if ":" in prefix else "/32")


def transitions(events, prefix, match):
    """The times at which PREFIX (with MATCH in its route) appeared (True) or vanished (False)."""
    present, changes = None, []
    mine = [event for event in events if normal(event[2], event[3]) == prefix]
    for index, (time, deleted, _, text) in enumerate(mine):
        replaced = index + 1 < len(mine) and not mine[index + 1][1] and mine[index + 1][0] - time < 0.005
        if deleted and (replaced or match not in text):
            continue
        state = not deleted and match in text
        if state != present:
            changes.append((time, state))
            present = state
    return changes


def first(changes, after, state, within):
    return next((t - after for t, s in changes if s == state and after <= t <= after + within), None)


def outage(replies, inject, within):
    """The client flow's longest gap between replies from just before the fault until WITHIN after it."""
    window = [t for t in replies if inject - 0.5 <= t <= inject + within]
    if len(window) < 2:
        return None
    gaps = [b - a for a, b in zip(window, window[1:]) if b >= inject]
    return max(gaps) if gaps else None


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(values):
    if not values:
        return "-"
    ms = [v * 1000 for v in values]
    return f"{pct(ms, 50):.0f} / {pct(ms, 95):.0f} / {max(ms):.0f}"


def main(run):
    events = {p.stem.removeprefix("mon-"): list(blocks(p)) for p in run.glob("mon-*.txt")}
    ping = run / "ping.txt"
    replies = [float(l[1:l.index("]")]) for l in ping.read_text().splitlines()
               if l.startswith("[") and "bytes from" in l] if ping.exists() else []
    rows = {}
    for line in (run / "trials.txt").read_text().splitlines():
        fault, _, inject, clear, ns, prefix, match, flow = line.split()
        inject, clear = float(inject), float(clear)
        changes = transitions(events[ns], prefix, match.replace("_", " "))
        row = rows.setdefault((fault, ns, prefix), {"n": 0, "gone": [], "outage": [], "back": []})
        row["n"] += 1
        gone = first(changes, inject, False, 60)
        if gone is not None:
            row["gone"].append(gone)
        back = first(changes, clear, True, 120)
        # ExaBGP guards the restarted Tayga only once the bench names it: its return is not a recovery.
        if back is not None and not fault.startswith("exabgp"):
            row["back"].append(back)
        if flow == "1":
            gap = outage(replies, inject, (gone or 3) + 1)
            if gap is not None:
                row["outage"].append(gap)
    print("| fault | watched at | trials | withdrawn | fault to gone, ms p50 / p95 / max "
          "| client outage, ms p50 / p95 / max | clear to back, ms p50 / p95 / max |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for (fault, ns, prefix), row in rows.items():
        print(f"| {fault} | {ns} {prefix} | {row['n']} | {len(row['gone'])} | {summary(row['gone'])} "
              f"| {summary(row['outage'])} | {summary(row['back'])} |")
    medians = {fault: statistics.median(row["gone"]) for (fault, _, _), row in rows.items() if row["gone"]}
    border = medians.get("tayga-kill@upstream")
    if border:
        for fault, median in medians.items():
            if fault.startswith("exabgp"):
                print(f"\n{fault}: median {median * 1000:.0f} ms, {median / border:.1f}x border's "
                      f"{border * 1000:.0f} ms", end="")
        print()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
