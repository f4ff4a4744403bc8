#!/usr/bin/env python3
"""Proves every exercise honest, as rustlings' own check does.

For each exercise `chapters-code/NN-topic/exercises/KK-name/`:

* the stub (package in `stub/`) compiles, and its tests, run with
  `--no-fail-fast` under a time limit, show 0 passed and at least 1 failed,
  summed over every test binary, doctests included: no exercise ships
  solved, and no test passes on an unfinished stub;
* the solution (package in `solution/`) passes the very same test file.
  Its clippy run is part of the workspace clippy in `ci/check`;
* a plausible wrong solution (package in `wrong/`: a real mistake, said in
  its module doc) compiles and fails at least one of those tests, so the
  tests catch wrong answers, not only missing ones.

Exits 1 and says what is wrong if any exercise breaks a rule.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 300  # seconds per cargo run; a hanging stub test fails, not CI
RESULT = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed")


def package(dir: Path) -> str:
    with open(dir / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["package"]["name"]


def cargo_test(packages: list[str]) -> tuple[int, int, str, bool]:
    """Runs `cargo test` on packages; returns (passed, failed, output, timed out)."""
    args = ["cargo", "test", "--no-fail-fast"]
    for p in packages:
        args += ["-p", p]
    try:
        run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return 0, 0, out, True
    output = run.stdout + run.stderr
    passed = failed = 0
    for m in RESULT.finditer(output):
        passed += int(m.group(1))
        failed += int(m.group(2))
    return passed, failed, output, False


def main() -> int:
    exercises = sorted(ROOT.glob("chapters-code/*/exercises/*/"))
    problems = []
    solutions = []
    for ex in exercises:
        rel = ex.relative_to(ROOT)
        for part in ("stub", "solution", "wrong", "tests", "README.md"):
            if not (ex / part).exists():
                problems.append(
                    f"{rel}: missing {part}; every exercise has stub/, solution/, wrong/, tests/ and README.md"
                )
        if problems:
            continue
        stub = package(ex / "stub")
        solutions.append(package(ex / "solution"))
        passed, failed, output, timed_out = cargo_test([stub])
        if timed_out:
            problems.append(f"{rel}: the stub's tests did not finish within {TIME_LIMIT} s; a test must fail, not hang")
        elif passed == 0 and failed == 0:
            tail = "\n".join(output.splitlines()[-15:])
            problems.append(f"{rel}: the stub {stub} ran no test (does it compile?):\n{tail}")
        elif passed != 0:
            problems.append(
                f"{rel}: {passed} test(s) pass on the stub {stub}; a test that passes on an "
                "unfinished stub checks nothing (look for should_panic without expected, or a "
                "trivial assertion)"
            )
        else:
            print(f"exercise {rel}: stub fails as it should ({failed} failed, 0 passed)")
    for ex in exercises:
        rel = ex.relative_to(ROOT)
        if not (ex / "wrong").exists():
            continue  # already reported
        wrong = package(ex / "wrong")
        passed, failed, output, timed_out = cargo_test([wrong])
        if timed_out:
            problems.append(f"{rel}: the wrong solution's tests did not finish within {TIME_LIMIT} s")
        elif failed == 0:
            tail = "\n".join(output.splitlines()[-15:])
            problems.append(
                f"{rel}: the wrong solution {wrong} fails no test; the tests let a wrong answer "
                f"through (or it does not compile):\n{tail}"
            )
        else:
            print(f"exercise {rel}: the wrong solution fails as it should ({failed} failed)")
    if solutions:
        passed, failed, output, timed_out = cargo_test(solutions)
        if timed_out or failed or not passed:
            tail = "\n".join(output.splitlines()[-30:])
            problems.append(f"the reference solutions do not all pass their tests:\n{tail}")
        else:
            print(f"exercise solutions: {passed} passed, 0 failed")
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if not exercises:
        print("error: no exercises found under chapters-code/*/exercises/", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
