#!/usr/bin/env python3
"""Compares chapter 7's `mars` with exhaust-ma, the fast pMARS-compatible
MARS, battle by battle: every pairing of the shipped warriors (load files,
as `mars --assemble` writes them), forty groups of three and four of them,
then random warriors from fixed seeds.
Both run the same rounds at the same fixed positions (`-bkF`), and must
print the same wins and ties.

Usage: python3 ci/compare_exhaust.py [MARS [EXHAUST]]
  MARS     defaults to target/debug/mars (cargo test builds it)
  EXHAUST  defaults to tools/exhaust-ma-0.0.6/exhaust (ci/install-tools
           --linkcheck builds it; BOOK_TOOLS_DIR moves tools/)

exhaust-ma departs from pMARS in one corner, which the random warriors
avoid: with an immediate B-operand, pMARS reads the instruction after the
A-operand's side effects (an `<0` A-operand decrements the instruction's
own B-field first), exhaust-ma as it was fetched. We follow pMARS; the
test `pitfall_3_an_immediate_b_operand_sees_the_a_operands_side_effects`
shows the difference.
"""
import itertools
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("BOOK_TOOLS_DIR", ROOT / "tools"))
OPS = "DAT MOV ADD SUB MUL DIV MOD JMP JMZ JMN DJN SPL SLT SEQ SNE NOP".split()
MODIFIERS = "A B AB BA F X I".split()
MODES = "#$*@{<}>"


def random_warrior(rng):
    """A load file of up to 40 random instructions, with small offsets
    mostly (so that they hit each other) and a random start."""
    length = rng.randrange(1, 41)
    start = rng.randrange(length)
    lines = ["       ORG      START"]
    for at in range(length):
        a_mode, b_mode = rng.choice(MODES), rng.choice(MODES)
        if b_mode == "#" and a_mode in "{<}>":
            b_mode = "$"  # the corner where exhaust-ma departs from pMARS
        value = lambda: rng.randrange(-20, 21) if rng.random() < 0.8 else rng.randrange(-4000, 4001)
        label = "START " if at == start else "      "
        lines.append(f"{label} {rng.choice(OPS)}.{rng.choice(MODIFIERS):<2} {a_mode}{value():>6}, {b_mode}{value():>6}")
    return "\n".join(lines + ["       END"]) + "\n"


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"compare_exhaust: {' '.join(map(str, command))} failed: {result.stderr.strip()}")
    return result.stdout


def main():
    mars = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target/debug/mars"
    exhaust = Path(sys.argv[2]) if len(sys.argv) > 2 else TOOLS / "exhaust-ma-0.0.6/exhaust"
    for tool, hint in ((mars, "cargo test builds it"), (exhaust, "ci/install-tools --linkcheck builds it")):
        if not tool.exists():
            sys.exit(f"compare_exhaust: {tool} is missing ({hint})")
    scratch = Path(tempfile.mkdtemp())
    warriors = sorted((ROOT / "chapters-code/07-core-war/warriors").rglob("*.r[ce]*"))
    loads = []
    for path in warriors:
        load = scratch / (path.stem + ".rc")
        load.write_text(run([mars, "--assemble", path]))
        loads.append(load)
    rng = random.Random(94)
    battles = [(a, b, 50) for a, b in itertools.combinations_with_replacement(loads, 2)]
    for k in range(300):
        pair = []
        for side in "ab":
            path = scratch / f"random{k}{side}.rc"
            path.write_text(random_warrior(rng))
            pair.append(path)
        battles.append((*pair, 20))
    # Three and four warriors at once (groups drawn from the shipped ones):
    # pMARS's -k puts each warrior's score first, which exhaust-ma leaves out.
    for n in (3, 4):
        groups = list(itertools.combinations(loads, n))
        battles += [(*group, 20) for group in rng.sample(groups, min(20, len(groups)))]
    failed = 0
    for *group, rounds in battles:
        args = ["-bkF", "4000", "-r", str(rounds), *group]
        ours = run([mars, "--engine", "flat", *args])
        if len(group) > 2:
            ours = "".join(" ".join(line.split()[1:]) + "\n" for line in ours.splitlines())
        theirs = "".join(" ".join(line.split()) + "\n" for line in run([exhaust, *args]).splitlines())
        if ours != theirs:
            failed += 1
            names = " against ".join(path.name for path in group)
            print(f"differ: {names}: mars {ours.split()} exhaust-ma {theirs.split()}")
    print(f"compare_exhaust: {len(battles) - failed} of {len(battles)} battles agree with exhaust-ma")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
