#!/usr/bin/env python3
"""Times chapter 7's two engines against exhaust-ma on exhaust-ma's own
benchmark (its four warriors, every pairing of its bench.sh, -bkF 4000 -r
1000), whole processes side by side in one run, and writes
book/measured/mars_speed.md. Each battle runs RUNS times (default 3),
the three simulators interleaved; the table gives the median time and
instructions per second, counted by `mars --rounds` (the same battle on
every simulator executes the same instructions; exhaust-ma may stop a
round early once a tie is certain, which only makes it look faster).

Run by ci/measure; by hand: python3 ci/mars_speed.py [book/measured]
"""
import os
import platform
import resource
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("BOOK_TOOLS_DIR", ROOT / "tools"))
EXHAUST = TOOLS / "exhaust-ma-0.0.6/exhaust"
WARRIORS = ROOT / "chapters-code/07-core-war/warriors/benchmark"
PAIRS = [("fixed", "fixed"), ("jaguar", "fixed"), ("jaguar", "jaguar"), ("stalker", "fixed"),
         ("stalker", "jaguar"), ("stalker", "stalker"), ("npaper2", "fixed"), ("npaper2", "jaguar"),
         ("npaper2", "stalker"), ("npaper2", "npaper2")]
ARGS = ["-bkF", "4000", "-r", os.environ.get("ROUNDS", "1000")]


def cpu_seconds(command):
    """User plus system time of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
        rounds = subprocess.run([mars, "--engine", "flat", "--rounds", *ARGS, *files],
                                check=True, capture_output=True, text=True).stdout
        instructions += sum(int(line.split()[-2]) for line in rounds.splitlines() if line.startswith("round"))
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
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    machine = f"{cpu}, {os.cpu_count()} vCPUs, Linux {platform.release()}, {date.today()}"
    text = "\n".join(rows) + (
        f"\n\n*exhaust-ma's benchmark: its four warriors, the ten pairings of its `bench.sh`, "
        f"`{' '.join(ARGS)}`, {instructions / 1e6:.0f} million instructions in all; each battle the "
        f"median of {runs} run{'' if runs == 1 else 's'}, the simulators interleaved. Written by `python3 ci/mars_speed.py` "
        f"(part of `ci/measure`), on {machine}.*\n")
    (out_dir / "mars_speed.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
