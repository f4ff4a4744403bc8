#!/usr/bin/env python3
"""Measures what two layout choices of chapter 2 are worth to chapter 5's
waiting jobs: records at different offsets below their stacks' tops, and
the prefetch hints. Builds `waiting_jobs` once per variant (the choices are
build-time knobs, `CH02_RECORD_OFFSETS` and `CH02_PREFETCH`, each in a
target directory of its own), runs every variant LAYOUT_RUNS times (default 11), interleaved,
each run a process of its own, and writes book/measured/layout.md.

Run by ci/measure; by hand: python3 ci/layout.py [book/measured]
"""
import os
import re
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

from ratios import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = [  # (name, environment of the build)
    ("as built: records at the top, prefetch", {}),
    ("records at 16 offsets", {"CH02_RECORD_OFFSETS": "16"}),
    ("records at 32 offsets", {"CH02_RECORD_OFFSETS": "32"}),
    ("no prefetch", {"CH02_PREFETCH": "0"}),
]
WORKLOADS = ["tasklets 10000 10", "tasklets 10000 0"]
LINE = re.compile(r": ([\d.]+) ms wall time .*peak resident memory ([\d.]+) MiB")


def build(name, env):
    target = ROOT / "target" / "layout" / re.sub(r"\W+", "-", name).strip("-")
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "-p", "ch05-boss-worker",
         "--example", "waiting_jobs"],
        cwd=ROOT, check=True,
        env={**os.environ, **env, "CARGO_TARGET_DIR": str(target)},
    )
    return target / "release" / "examples" / "waiting_jobs"


def run(binary, workload):
    out = subprocess.run([binary, *workload.split()], check=True,
                         capture_output=True, text=True).stdout
    match = LINE.search(out)
    if not match:
        sys.exit(f"layout.py: unexpected output from waiting_jobs: {out!r}")
    return float(match[1]), float(match[2])


def main():
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "book" / "measured"
    runs = int(os.environ.get("LAYOUT_RUNS", "11"))
    binaries = [(name, build(name, env)) for name, env in VARIANTS]
    results = {(name, w): [] for name, _ in VARIANTS for w in WORKLOADS}
    for _ in range(runs):  # interleaved, so a slow minute hurts every variant
        for name, binary in binaries:
            for workload in WORKLOADS:
                results[name, workload].append(run(binary, workload))
    rows = ["| Layout | " + " | ".join(
        f"`{w}`: ms, median (range) | peak MiB" for w in WORKLOADS) + " |",
        "|---|" + "---:|---:|" * len(WORKLOADS)]
    for name, _ in VARIANTS:
        cells = []
        for workload in WORKLOADS:
            times = [t for t, _ in results[name, workload]]
            peaks = [m for _, m in results[name, workload]]
            cells.append(f"{statistics.median(times):.1f} ({min(times):.1f}–{max(times):.1f})")
            cells.append(f"{statistics.median(peaks):.1f}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    machine = f"{describe_machine()}, {date.today()}"
    text = "\n".join(rows) + (
        f"\n\n*The warm batch of `waiting_jobs`, {runs} runs of each build, "
        f"interleaved; written by `python3 ci/layout.py` (part of `ci/measure`), "
        f"on {machine}.*\n")
    (out_dir / "layout.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
