#!/usr/bin/env python3
"""Times chapter 8's tournament of the shipped warriors (the book's twelve
and exhaust-ma's four: 120 battles of ROUNDS rounds, default 50, -F 4000)
on one thread and on two, with each engine, and exhaust-ma playing the
same battles one after another; writes book/measured/tournament.md.
Each figure is the median of RUNS runs (default 3), all interleaved; the
times are wall-clock times of whole processes, since the point is how
much sooner two cores finish.

Run by ci/measure; by hand: python3 ci/tournament_speed.py [book/measured]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ratios import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("BOOK_TOOLS_DIR", ROOT / "tools"))
EXHAUST = TOOLS / "exhaust-ma-0.0.6/exhaust"
WARRIORS = ROOT / "chapters-code/07-core-war/warriors"
ROUNDS = os.environ.get("ROUNDS", "50")


def wall_seconds(command):
    """Wall-clock time of one process (which must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main():
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "book/measured"
    runs = int(os.environ.get("RUNS", "3"))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "ch07-core-war", "-p", "ch08-live-view"],
                   cwd=ROOT, check=True)
    mars, tournament = ROOT / "target/release/mars", ROOT / "target/release/mars-tournament"
    if not EXHAUST.exists():
        sys.exit(f"tournament_speed: {EXHAUST} is missing; ci/install-tools --linkcheck builds it")
    with tempfile.TemporaryDirectory() as scratch:
        # exhaust-ma reads load files: the book's warriors, assembled by mars.
        loads = sorted((WARRIORS / "benchmark").glob("*.rc"))
        for source in sorted((WARRIORS / "book").glob("*.red")):
            load = Path(scratch) / f"{source.stem}.rc"
            load.write_text(subprocess.run([mars, "--assemble", source], check=True,
                                           capture_output=True, text=True).stdout)
            loads.append(load)
        pairs = [(a, b) for i, a in enumerate(loads) for b in loads[i + 1:]]
        args = ["-r", ROUNDS, "-F", "4000"]
        simulators = {}
        for engine in ["tasklets", "flat"]:
            for threads in [1, 2]:
                simulators[(engine, threads)] = [tournament, "--quiet", "--engine", engine,
                                                 "--threads", str(threads), *args, *loads]
        times = {name: [] for name in [*simulators, "exhaust"]}
        for _ in range(runs):
            for name, command in simulators.items():
                times[name].append(wall_seconds(command))
            start = time.perf_counter()
            for a, b in pairs:
                subprocess.run([EXHAUST, "-bk", *args, a, b], check=True, capture_output=True)
            times["exhaust"].append(time.perf_counter() - start)
    median = {name: statistics.median(t) for name, t in times.items()}
    rows = ["| who plays the 120 battles | threads | wall time | two threads against one |",
            "| --- | ---: | ---: | ---: |"]
    for engine, label in [("tasklets", "tasklet engine"), ("flat", "flat engine")]:
        one, two = median[(engine, 1)], median[(engine, 2)]
        rows.append(f"| `mars-tournament`, {label} | 1 | {one:.2f} s | |")
        rows.append(f"| `mars-tournament`, {label} | 2 | {two:.2f} s | **{one / two:.2f}×** |")
    rows.append(f"| exhaust-ma, one battle after another | 1 | {median['exhaust']:.2f} s | |")
    machine = f"{describe_machine()}, {date.today()}"
    text = "\n".join(rows) + (
        f"\n\n*The sixteen shipped warriors, every pair once, `-r {ROUNDS} -F 4000`, two worker tasklets "
        f"a thread; each time the median of {runs} run{'' if runs == 1 else 's'}, interleaved. Written by "
        f"`python3 ci/tournament_speed.py` (part of `ci/measure`), on {machine}.*\n")
    (out_dir / "tournament.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
