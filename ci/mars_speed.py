#!/usr/bin/env python3
"""Times chapter 7's two engines against exhaust-ma on exhaust-ma's own
benchmark (its four warriors, every pairing of its bench.sh, -bkF 4000 -r
1000), whole processes side by side in one run, and writes
book/measured/mars_speed.md; then the paper against itself under process
limits from 10 to 8000 (what a process costs as they grow in number), to
book/measured/mars_processes.md. Each battle runs RUNS times (default 3),
the three simulators interleaved; the table gives the median time and
instructions per second, counted by `mars --rounds` (the same battle on
every simulator executes the same instructions; exhaust-ma may stop a
round early once a tie is certain, which only makes it look faster).

Run by ci/measure; by hand: python3 ci/mars_speed.py [book/measured]
"""
import os
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

from ratios import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("BOOK_TOOLS_DIR", ROOT / "tools"))
EXHAUST = TOOLS / "exhaust-ma-0.0.6/exhaust"
WARRIORS = ROOT / "chapters-code/07-core-war/warriors/benchmark"
PAIRS = [("fixed", "fixed"), ("jaguar", "fixed"), ("jaguar", "jaguar"), ("stalker", "fixed"),
         ("stalker", "jaguar"), ("stalker", "stalker"), ("npaper2", "fixed"), ("npaper2", "jaguar"),
         ("npaper2", "stalker"), ("npaper2", "npaper2")]
ARGS = ["-bkF", "4000", "-r", os.environ.get("ROUNDS", "1000")]


PROCESS_LIMITS = [10, 100, 1000, 8000]


def cpu_seconds(command):
    """User plus system time of one child process."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"mars_speed: {' '.join(map(str, command))} failed: {child.stderr.read().decode()}")
    return usage.ru_utime + usage.ru_stime


def executed(mars, args, files):
    """Instructions the battle executes, all rounds, as `mars --rounds` counts them."""
    rounds = subprocess.run([mars, "--engine", "flat", "--rounds", *args, *files],
                            check=True, capture_output=True, text=True).stdout
    return sum(int(line.split()[-2]) for line in rounds.splitlines() if line.startswith("round"))


def build_without_prefetch():
    """`mars` built with chapter 2's prefetch turned off, in a target
    folder of its own."""
    target = ROOT / "target/no-prefetch"
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "ch07-core-war", "--bin", "mars",
                    "--target-dir", target], cwd=ROOT, check=True, env={**os.environ, "CH02_PREFETCH": "0"})
    return target / "release/mars"


def process_limits(simulators, mars, runs, machine, out_dir):
    """The paper against itself, each process limit a battle: nanoseconds
    per instruction on each simulator."""
    rounds = str(max(1, int(ARGS[-1]) // 10))
    files = [WARRIORS / "npaper2.rc"] * 2
    no_prefetch = build_without_prefetch()
    simulators = {**simulators, "no prefetch": [no_prefetch, "--engine", "tasklets"]}
    rows = ["| processes a warrior may have | exhaust-ma | flat engine | tasklet engine | tasklets / flat "
            "| tasklet engine without the prefetch |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for limit in PROCESS_LIMITS:
        args = ["-bkF", "4000", "-r", rounds, "-p", str(limit)]
        count = executed(mars, args, files)
        times = {name: [] for name in simulators}
        for _ in range(runs):
            for name, command in simulators.items():
                times[name].append(cpu_seconds([*command, *args, *files]))
        ns = {name: statistics.median(t) / count * 1e9 for name, t in times.items()}
        rows.append(f"| {limit} | {ns['exhaust-ma']:.1f} ns | {ns['flat engine']:.1f} ns | "
                    f"{ns['tasklet engine']:.1f} ns | {ns['tasklet engine'] / ns['flat engine']:.1f}× | {ns['no prefetch']:.1f} ns |")
    text = "\n".join(rows) + (
        f"\n\n*Time per executed instruction: `npaper2` against itself, `-bkF 4000 -r {rounds} -p N`; "
        f"the last column built with `CH02_PREFETCH=0` (`Tasklet::prefetch` does nothing); "
        f"each figure the median of {runs} run{'' if runs == 1 else 's'}, the simulators interleaved. "
        f"Written by `python3 ci/mars_speed.py` (part of `ci/measure`), on {machine}.*\n")
    (out_dir / "mars_processes.md").write_text(text)
    print(text)


def main():
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "book/measured"
    runs = int(os.environ.get("RUNS", "3"))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "ch07-core-war", "--bin", "mars"], cwd=ROOT, check=True)
    mars = ROOT / "target/release/mars"
    if not EXHAUST.exists():
        sys.exit(f"mars_speed: {EXHAUST} is missing; ci/install-tools --linkcheck builds it")
    simulators = {
        "exhaust-ma": [EXHAUST],
        "flat engine": [mars, "--engine", "flat"],
        "tasklet engine": [mars, "--engine", "tasklets"],
    }
    totals = {name: 0.0 for name in simulators}
    instructions = 0
    for a, b in PAIRS:
        files = [WARRIORS / f"{a}.rc", WARRIORS / f"{b}.rc"]
        instructions += executed(mars, ARGS, files)
        times = {name: [] for name in simulators}
        for _ in range(runs):
            for name, command in simulators.items():
                times[name].append(cpu_seconds([*command, *ARGS, *files]))
        for name in simulators:
            totals[name] += statistics.median(times[name])
    rows = ["| simulator | CPU time, all 10 battles | instructions per second | against exhaust-ma |",
            "| --- | ---: | ---: | ---: |"]
    for name, seconds in totals.items():
        rate = instructions / seconds
        rows.append(f"| {name} | {seconds:.2f} s | {rate / 1e6:.1f} million | {totals['exhaust-ma'] / seconds:.2f}× |")
    machine = f"{describe_machine()}, {date.today()}"
    text = "\n".join(rows) + (
        f"\n\n*exhaust-ma's benchmark: its four warriors, the ten pairings of its `bench.sh`, "
        f"`{' '.join(ARGS)}`, {instructions / 1e6:.0f} million instructions in all; each battle the "
        f"median of {runs} run{'' if runs == 1 else 's'}, the simulators interleaved. Written by `python3 ci/mars_speed.py` "
        f"(part of `ci/measure`), on {machine}.*\n")
    (out_dir / "mars_speed.md").write_text(text)
    print(text)
    process_limits(simulators, mars, runs, machine, out_dir)


if __name__ == "__main__":
    main()
