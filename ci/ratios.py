#!/usr/bin/env python3
"""Reads criterion's estimates and prints the ratios the book quotes.

Run the benchmarks first (by hand; CI only compiles them):

    cargo bench -p ch01-tasklets --bench stacks
    cargo bench -p ch02-scheduler --bench scheduler
    cargo bench -p ch02-scheduler --bench hackysack
    cargo bench -p ch03-channels --bench channels
    cargo bench -p ch04-lifecycle --bench lifecycle
    cargo bench -p ch05-boss-worker --bench mandelbrot
    cargo bench -p ch06-many-cores --bench cores
    cargo bench -p ch11-shared-stacks --bench shared
    python3 ci/ratios.py                  # prints the ratios
    python3 ci/ratios.py --markdown book/measured   # what the book includes
    python3 ci/ratios.py --profiles book/measured   # after ci/measure's profile runs

`ci/measure` does all of that, and measures the examples the book quotes.

Each ratio divides two benchmarks measured in the same run, so that a noisy
machine slows both alike. Criterion's median estimate is used throughout.

Figures at the scale of a few nanoseconds also move between runs of the
same binary, as the address-space layout changes from process to process.
So `ci/measure` runs the scheduler and channel benchmarks several times and
keeps each run's estimates in target/criterion-runs/N/; where those exist,
a ratio is computed within each run, and the median run's ratio is quoted
with the lowest and highest.
"""

import json
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

CRITERION = Path(__file__).resolve().parent.parent / "target" / "criterion"
RUNS = CRITERION.parent / "criterion-runs"

# (what, numerator, denominator, goal): goal is ("<=", x) or (">=", x) or None
RATIOS = [
    ("schedule() / raw resume+suspend", "switch/schedule", "switch/raw_resume_suspend", ("<=", 2.5)),
    ("bare trampoline / raw resume+suspend", "switch/trampoline", "switch/raw_resume_suspend", None),
    ("bare dispatcher / raw resume+suspend", "switch/bare_dispatcher", "switch/raw_resume_suspend", None),
    ("schedule() / bare dispatcher", "switch/schedule", "switch/bare_dispatcher", ("<=", 1.25)),
    ("tokio yield_now / schedule()", "switch/tokio_yield_now", "switch/schedule", None),
    ("thread spawn+join / tasklet spawn+run", "spawn_and_run/thread", "spawn_and_run/tasklet", (">=", 1000)),
    ("thread spawn+join / bare coroutine spawn+run", "spawn_and_run/thread", "spawn_and_run/bare_coroutine", None),
    ("tasklet spawn+run / bare coroutine spawn+run", "spawn_and_run/tasklet", "spawn_and_run/bare_coroutine", ("<=", 2)),
    ("fresh DefaultStack / pooled stack reused", "stack/fresh_default_stack", "stack/pooled_reuse", None),
    ("channel ping-pong round trip / raw resume+suspend", "channel/ping_pong", "channel/raw_resume_suspend", ("<=", 16)),
    ("bare ping-pong / raw resume+suspend", "channel/bare_ping_pong", "channel/raw_resume_suspend", None),
    ("channel ping-pong / bare ping-pong", "channel/ping_pong", "channel/bare_ping_pong", None),
    ("tokio ping-pong / channel ping-pong", "channel/tokio_ping_pong", "channel/ping_pong", None),
    ("kill of a blocked tasklet / one panic caught", "kill/blocked", "kill/resume_unwind_and_catch", None),
    ("round trip, select over 2 / plain receive", "select/round_trip/2", "select/round_trip/receive", None),
    ("round trip, select over 8 / plain receive", "select/round_trip/8", "select/round_trip/receive", None),
    ("Mandelbrot on one thread: pool of 8 tasklets / plain loop", "mandelbrot_one_thread/pool/8", "mandelbrot_one_thread/loop", None),
    ("Mandelbrot speed-up: one thread / two threads", "mandelbrot_cores/threads/1", "mandelbrot_cores/threads/2", (">=", 1.8)),
    ("cross-thread round trip: XChannel / std mpsc", "cross_thread_round_trip/xchannel", "cross_thread_round_trip/std_mpsc", None),
]


def estimate(root: Path, bench: str) -> float | None:
    path = root / bench / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def runs() -> list[Path]:
    return sorted(RUNS.glob("*"), key=lambda p: int(p.name)) if RUNS.exists() else []


def median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def median_ns(bench: str) -> float | None:
    """The median over the repeated runs if there are any, else the last run."""
    repeated = [v for v in (estimate(r, bench) for r in runs()) if v is not None]
    return median(repeated) if repeated else estimate(CRITERION, bench)


def ratio(num: str, den: str) -> tuple[float, float, float, int] | None:
    """num / den within each repeated run: (median, lowest, highest, runs);
    with no repeated runs, the last run's ratio, once."""
    pairs = [(estimate(r, num), estimate(r, den)) for r in runs()]
    ratios = [a / b for a, b in pairs if a is not None and b is not None]
    if not ratios:
        a, b = estimate(CRITERION, num), estimate(CRITERION, den)
        if a is None or b is None:
            return None
        ratios = [a / b]
    return median(ratios), min(ratios), max(ratios), len(ratios)


def ratio_table(rows: list[tuple], digits: int) -> str:
    """Ratios as the book quotes them: (what, numerator, denominator) each,
    optionally with its own number of digits, with the median over the
    repeated runs and the lowest and highest."""
    measured = [(row[0], ratio(row[1], row[2]), row[3] if len(row) > 3 else digits)
                for row in rows]
    missing = [what for what, r, _ in measured if r is None]
    if missing:
        raise SystemExit(f"not measured yet: {', '.join(missing)}; run the benchmarks first")
    n = max(r[3] for _, r, _ in measured)
    f = lambda x, d: f"{x:,.{d}f}×"
    if n == 1:
        out = ["| ratio | in the last run |", "| --- | ---: |"]
        out += [f"| {what} | **{f(r[0], d)}** |" for what, r, d in measured]
        return "\n".join(out)
    out = [f"| ratio | median of {n} runs | lowest | highest |", "| --- | ---: | ---: | ---: |"]
    out += [f"| {what} | **{f(r[0], d)}** | {f(r[1], d)} | {f(r[2], d)} |"
            for what, r, d in measured]
    out.append("")
    out.append(f"Each run is a process of its own; a ratio divides two figures of the same run, "
               f"and the table's times are medians over the {n} runs.")
    return "\n".join(out)


def human(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {cores} vCPUs, Linux {platform.release()}"


def table(rows: list[tuple[str, str]]) -> str:
    out = ["| benchmark | median time |", "| --- | ---: |"]
    out += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(out)


def footer(commands: list[str], repeated: bool = False) -> str:
    cmds = "; ".join(f"`{c}`" for c in commands)
    today = date.today().isoformat()
    n = len(runs())
    if repeated and n > 1:
        cmds = f"`ci/measure`, which runs {cmds} {n} times"
    return f"*Measured with {cmds}, then `python3 ci/ratios.py`, on {machine()}, {today}.*"


def profiles(folder: Path) -> None:
    """Writes profile.md: the switch benchmarks built with the workspace's
    release profile and with Cargo's default one, run in turn by ci/measure."""
    root = CRITERION.parent / "profile-runs"
    rows = [("`schedule()`", "switch/schedule"), ("bare dispatcher", "switch/bare_dispatcher"),
            ("raw corosensei resume + suspend", "switch/raw_resume_suspend")]
    out = ["| benchmark | this workspace's profile | Cargo's default profile | default / ours |",
           "| --- | ---: | ---: | ---: |"]
    for what, bench in rows:
        times = {}
        for profile in ("workspace", "default"):
            runs_ = sorted((root / profile).glob("*"))
            values = [v for v in (estimate(r, bench) for r in runs_) if v is not None]
            if not values:
                raise SystemExit(f"not measured yet: {profile} {bench}; run ci/measure")
            times[profile] = median(values)
        ours, default = times["workspace"], times["default"]
        out.append(f"| {what} | {human(ours)} | {human(default)} | {default / ours:.2f}× |")
    n = len(list((root / "workspace").glob("*")))
    out.append("")
    out.append(f"*Medians of {n} runs of `cargo bench -p ch02-scheduler --bench scheduler -- switch` "
               f"with each profile, in turn (`ci/measure`), on {machine()}, {date.today().isoformat()}. "
               "Cargo's default: `CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16`.*")
    (folder / "profile.md").write_text("\n".join(out) + "\n")


def markdown(folder: Path) -> None:
    """Writes the figures the book includes, one file per benchmark."""
    folder.mkdir(parents=True, exist_ok=True)
    t = {k: median_ns(k) for k in [
        "stack/fresh_default_stack", "stack/pooled_reuse", "switch/raw_resume_suspend",
        "switch/trampoline", "switch/bare_dispatcher", "switch/schedule", "switch/tokio_yield_now",
        "spawn_and_run/tasklet",
        "spawn_and_run/bare_coroutine", "spawn_and_run/thread",
        "channel/raw_resume_suspend", "channel/ping_pong", "channel/bare_ping_pong",
        "channel/tokio_ping_pong", "kill/blocked",
        "kill/resume_unwind_and_catch", "select/raw_resume_suspend", "select/round_trip/receive",
        "select/round_trip/2", "select/round_trip/8", "mandelbrot_one_thread/loop",
        "mandelbrot_one_thread/pool/1", "mandelbrot_one_thread/pool/8", "mandelbrot_cores/threads/1",
        "mandelbrot_cores/threads/2", "cross_thread_round_trip/xchannel", "cross_thread_round_trip/std_mpsc"]}
    missing = [k for k, v in t.items() if v is None]
    if missing:
        raise SystemExit(f"not measured yet: {', '.join(missing)}; run the benchmarks first")
    fresh, pooled = t["stack/fresh_default_stack"], t["stack/pooled_reuse"]
    (folder / "stacks.md").write_text(
        table([("a fresh `DefaultStack` (mmap + guard page)", human(fresh)),
               ("a stack reused from the pool", human(pooled))])
        + f"\n\nReusing a stack is **{fresh / pooled:,.0f}×** cheaper than mapping a new one.\n\n"
        + footer(["cargo bench -p ch01-tasklets --bench stacks"]) + "\n")
    raw, tramp, sched = t["switch/raw_resume_suspend"], t["switch/trampoline"], t["switch/schedule"]
    bare = t["switch/bare_dispatcher"]
    (folder / "switch.md").write_text(
        table([("raw corosensei resume + suspend", human(raw)),
               ("bare trampoline: two coroutines resumed in turn", human(tramp)),
               ("bare dispatcher: a `VecDeque` ring and nothing else", human(bare)),
               ("`schedule()`: one tasklet yields, the other runs", human(sched)),
               ("two tokio tasks taking turns with `yield_now` (`current_thread` runtime)",
                human(t["switch/tokio_yield_now"]))])
        + "\n\n" + ratio_table([
            ("`schedule()` / raw pair", "switch/schedule", "switch/raw_resume_suspend"),
            ("bare trampoline / raw pair", "switch/trampoline", "switch/raw_resume_suspend"),
            ("bare dispatcher / raw pair", "switch/bare_dispatcher", "switch/raw_resume_suspend"),
            ("`schedule()` / bare dispatcher", "switch/schedule", "switch/bare_dispatcher"),
            ("tokio `yield_now` / `schedule()`", "switch/tokio_yield_now", "switch/schedule")], 1)
        + "\n\n"
        + footer(["cargo bench -p ch02-scheduler --bench scheduler"], repeated=True) + "\n")
    tasklet, thread = t["spawn_and_run/tasklet"], t["spawn_and_run/thread"]
    bare = t["spawn_and_run/bare_coroutine"]
    (folder / "spawn.md").write_text(
        table([("`spawn` + `run` of an empty tasklet (pooled stack)", human(tasklet)),
               ("`std::thread::spawn` + `join` of an empty thread", human(thread)),
               ("a bare coroutine on a pooled stack, run to its end: no scheduler", human(bare))])
        + "\n\n" + ratio_table([
            ("thread / tasklet: how many times cheaper a tasklet is to start and finish",
             "spawn_and_run/thread", "spawn_and_run/tasklet"),
            ("thread / bare coroutine", "spawn_and_run/thread", "spawn_and_run/bare_coroutine"),
            ("tasklet / bare coroutine: what the scheduler adds to a coroutine's life",
             "spawn_and_run/tasklet", "spawn_and_run/bare_coroutine", 1)], 0)
        + "\n\n"
        + footer(["cargo bench -p ch02-scheduler --bench scheduler"], repeated=True) + "\n")
    raw, ping_pong = t["channel/raw_resume_suspend"], t["channel/ping_pong"]
    plain = t["channel/bare_ping_pong"]
    (folder / "channel.md").write_text(
        table([("raw corosensei resume + suspend", human(raw)),
               ("channel ping-pong: one round trip between two tasklets", human(ping_pong)),
               ("the same on a bare scheduler and channel (`bare.rs`)", human(plain)),
               ("the same with two tokio tasks over `tokio::sync::mpsc` (capacity 1)",
                human(t["channel/tokio_ping_pong"]))])
        + "\n\n" + ratio_table([
            ("ping-pong round trip / raw pair", "channel/ping_pong", "channel/raw_resume_suspend"),
            ("bare ping-pong round trip / raw pair", "channel/bare_ping_pong",
             "channel/raw_resume_suspend"),
            ("ping-pong / bare ping-pong", "channel/ping_pong", "channel/bare_ping_pong"),
            ("tokio ping-pong / ping-pong", "channel/tokio_ping_pong", "channel/ping_pong")], 1)
        + "\n\n"
        + footer(["cargo bench -p ch03-channels --bench channels"], repeated=True) + "\n")
    kill, unwind = t["kill/blocked"], t["kill/resume_unwind_and_catch"]
    (folder / "kill.md").write_text(
        table([("`kill` of a tasklet blocked on a channel", human(kill)),
               ("one `resume_unwind` caught by `catch_unwind`, on the thread's stack", human(unwind))])
        + f"\n\nA kill costs **{kill / unwind:.1f}×** one panic caught a few frames up.\n\n"
        + footer(["cargo bench -p ch04-lifecycle --bench lifecycle"]) + "\n")
    raw, plain = t["select/raw_resume_suspend"], t["select/round_trip/receive"]
    two, eight = t["select/round_trip/2"], t["select/round_trip/8"]
    (folder / "select.md").write_text(
        table([("raw corosensei resume + suspend", human(raw)),
               ("round trip, plain `receive`", human(plain)),
               ("round trip, `select` over 2 channels", human(two)),
               ("round trip, `select` over 8 channels", human(eight))])
        + f"\n\nOver 2 channels a round trip costs {two / plain:.2f}× the plain one, over 8 "
        + f"{eight / plain:.2f}× ({plain / raw:.0f}×, {two / raw:.0f}× and {eight / raw:.0f}× a raw "
        + "resume+suspend pair).\n\n"
        + footer(["cargo bench -p ch04-lifecycle --bench lifecycle"]) + "\n")
    plain, one, eight = (t[f"mandelbrot_one_thread/{k}"] for k in ("loop", "pool/1", "pool/8"))
    (folder / "mandelbrot_one_thread.md").write_text(
        table([("a plain loop over the rows", human(plain)),
               ("a pool of 1 worker tasklet, one row per job", human(one)),
               ("a pool of 8 worker tasklets", human(eight))])
        + f"\n\nEight workers take {eight / plain:.2f}× the time of the plain loop: on one thread, "
        + "work that never waits gains nothing from tasklets.\n\n"
        + footer(["cargo bench -p ch05-boss-worker --bench mandelbrot"]) + "\n")
    one, two = t["mandelbrot_cores/threads/1"], t["mandelbrot_cores/threads/2"]
    (folder / "mandelbrot_cores.md").write_text(
        table([("one thread, 4 worker tasklets", human(one)),
               ("two threads, 4 worker tasklets each", human(two))])
        + f"\n\nTwo threads render the picture **{one / two:.2f}×** as fast as one.\n\n"
        + footer(["cargo bench -p ch06-many-cores --bench cores"]) + "\n")
    x, std_mpsc = t["cross_thread_round_trip/xchannel"], t["cross_thread_round_trip/std_mpsc"]
    (folder / "cross_thread.md").write_text(
        table([("round trip between two threads, `XChannel` (a tasklet each side)", human(x)),
               ("round trip between two threads, `std::sync::mpsc`", human(std_mpsc))])
        + f"\n\nThe `XChannel` round trip costs {x / std_mpsc:.2f}× the `mpsc` one.\n\n"
        + footer(["cargo bench -p ch06-many-cores --bench cores"]) + "\n")
    games = {}
    for path in CRITERION.glob("hackysack/*/*/new/estimates.json"):
        kind, players = path.parts[-4], int(path.parts[-3])
        games.setdefault(players, {})[kind] = json.loads(path.read_text())["median"]["point_estimate"]
    lines = ["| players | tasklets | threads |", "| ---: | ---: | ---: |"]
    for players in sorted(games):
        row = games[players]
        cell = lambda k: human(row[k]) if k in row else "—"
        lines.append(f"| {players:,} | {cell('tasklets')} | {cell('threads')} |")
    (folder / "hackysack.md").write_text(
        "\n".join(lines) + "\n\nMedian time of one game of 10,000 kicks, players' start and "
        + "finish included; — means not run (threads stop at 10,000 players).\n\n"
        + footer(["cargo bench -p ch02-scheduler --bench hackysack"]) + "\n")


def shared(folder: Path) -> None:
    """Chapter 11: the switch and ping-pong on stacks of their own and on one
    shared region, by the bytes each tasklet keeps alive."""
    rows = []
    for group, sizes, what in (("shared_switch", (0, 256, 1024, 4096, 16384), "`schedule()`"),
                               ("shared_ping_pong", (0, 1024), "channel ping-pong round trip")):
        for size in sizes:
            own, region = (estimate(CRITERION, f"{group}/{on}/{size}") for on in ("own", "region"))
            if own is None or region is None:
                raise SystemExit(f"not measured yet: {group}/*/{size}; run "
                                 "cargo bench -p ch11-shared-stacks --bench shared")
            rows.append(f"| {what} | {size:,} | {human(own)} | {human(region)} | {region / own:.1f}× |")
    (folder / "shared_switch.md").write_text(
        "| operation | bytes kept alive by each tasklet | own stacks | one shared region "
        "| region / own |\n| --- | ---: | ---: | ---: | ---: |\n" + "\n".join(rows)
        + "\n\nEach row's two figures come from the same run.\n\n"
        + footer(["cargo bench -p ch11-shared-stacks --bench shared"]) + "\n")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--markdown":
        markdown(Path(sys.argv[2]))
        shared(Path(sys.argv[2]))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--profiles":
        profiles(Path(sys.argv[2]))
        return 0
    if not CRITERION.exists():
        print("no target/criterion: run the benchmarks first (see this script's docstring)", file=sys.stderr)
        return 1
    print(f"machine: {machine()}")
    missed = 0
    for what, num, den, goal in RATIOS:
        r = ratio(num, den)
        if r is None:
            print(f"{what}: not measured yet")
            continue
        mid, low, high, n = r
        verdict = ""
        if goal:
            op, target = goal
            met = mid <= target if op == "<=" else mid >= target
            missed += not met
            verdict = f"  (goal {op} {target}: {'met' if met else 'NOT met'})"
        over = f" over {n} runs: {low:,.1f}x to {high:,.1f}x" if n > 1 else ""
        print(f"{what}: {mid:,.1f}x{over}  [{human(median_ns(num))} / {human(median_ns(den))}]{verdict}")
    rows = sorted(CRITERION.glob("hackysack/*/*/new/estimates.json"))
    if rows:
        print("hackysack, 10,000 kicks per game (median time per game):")
        for path in rows:
            kind, players = path.parts[-4], path.parts[-3]
            ns = json.loads(path.read_text())["median"]["point_estimate"]
            print(f"  {kind:>8} {int(players):>7,} players: {human(ns)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
