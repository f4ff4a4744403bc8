#!/usr/bin/env python3
"""Chapter 9's echo benchmark: the tasklet server (one hub thread, and two
on the same core), tokio's current_thread server and a thread per
connection, each loaded by echo_load at 100, 1,000 and 10,000 connections
with 64-byte and 1-KiB messages. The server runs on core 0 and the load
generator on core 1 (taskset). Each figure is the median of RUNS runs
(default 3), interleaved; the memory is the server's peak resident set
(VmHWM). Also runs the naive hub against the real one (naive_latency).
Writes book/measured/echo.md and book/measured/naive.md.

Run by ci/measure; by hand: python3 ci/echo_bench.py [book/measured]
"""
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from ratios import machine as describe_machine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "target/release/examples"
SECONDS, WARMUP = os.environ.get("SECONDS_EACH", "3"), "1"
SERVERS = [
    ("tasklets, 1 hub", ["echo_server", "{addr}", "1"]),
    ("tasklets, 2 hubs on 1 core", ["echo_server", "{addr}", "2"]),
    ("tokio current_thread", ["echo_tokio", "{addr}"]),
    ("thread per connection", ["echo_threads", "{addr}"]),
]
THREAD_CAP = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, server):
    for _ in range(500):
        if server.poll() is not None:
            sys.exit(f"echo_bench: the server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.01)
    sys.exit("echo_bench: the server never listened")


def peak_rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User and system time of a process so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(command, connections, size):
    """Starts the server, loads it; returns requests per second, p50 and
    p99 latency, the server's peak KiB, and the share of the measured time
    that the server and the load generator each spent on a CPU."""
    port = free_port()
    addr = f"127.0.0.1:{port}"
    server = subprocess.Popen(["taskset", "-c", "0", EXAMPLES / command[0]]
                              + [a.format(addr=addr) for a in command[1:]])
    try:
        wait_listening(port, server)
        load = subprocess.Popen(["taskset", "-c", "1", EXAMPLES / "echo_load", addr, str(connections),
                                 str(size), SECONDS, WARMUP], stdout=subprocess.PIPE, text=True)
        # The server's CPU time over the measured seconds only.
        if load.stdout.readline().strip() != "measuring":
            sys.exit("echo_bench: echo_load failed before it measured")
        server_before, start = cpu_seconds(server.pid), time.perf_counter()
        report = load.stdout.read()
        server_busy = (cpu_seconds(server.pid) - server_before) / (time.perf_counter() - start)
        if load.wait(timeout=120) != 0:
            sys.exit(f"echo_bench: echo_load failed with {load.returncode}")
        figures = dict(kv.split("=") for kv in report.split())
        peak = peak_rss_kib(server.pid)
    finally:
        server.kill()
        server.wait()
    return (float(figures["rps"]), int(figures["p50_us"]), int(figures["p99_us"]), peak, server_busy,
            float(figures["cpu"]))


def main():
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "book/measured"
    runs = int(os.environ.get("RUNS", "3"))
    out_dir.mkdir(parents=True, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 10_100:
        sys.exit(f"echo_bench: 10,000 connections need `ulimit -n` of 10,100 or more; the hard limit is {hard}")
    # Raised here, for the servers and the load generator, never by tests.
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "ch09-stackless-io", "--examples"],
                   cwd=ROOT, check=True)
    cases = [(c, s) for c in (100, 1000, 10_000) for s in (64, 1024)]
    results = {}
    for _ in range(runs):
        for connections, size in cases:
            for name, command in SERVERS:
                if name.startswith("thread") and connections > THREAD_CAP:
                    continue
                results.setdefault((connections, size, name), []).append(one_run(command, connections, size))
    machine = f"{describe_machine()}, {date.today()}"
    lines = ["| connections | message | server | requests/s (range) | p50 | p99 | peak memory | per connection "
             "| server on CPU | load on CPU |",
             "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for connections, size in cases:
        for name, _ in SERVERS:
            got = results.get((connections, size, name))
            if got is None:
                lines.append(f"| {connections:,} | {size} B | {name} | capped at {THREAD_CAP:,} threads "
                             "| | | | | | |")
                continue
            rps, p50, p99, peak, server_busy, load_busy = (statistics.median(x[i] for x in got) for i in range(6))
            low, high = min(x[0] for x in got), max(x[0] for x in got)
            lines.append(f"| {connections:,} | {size} B | {name} | {rps / 1000:.0f} k ({low / 1000:.0f}–{high / 1000:.0f}) "
                         f"| {p50 / 1000:.1f} ms | {p99 / 1000:.1f} ms | {peak / 1024:.1f} MiB "
                         f"| {peak * 1024 / connections / 1000:.1f} kB | {server_busy:.0%} | {load_busy:.0%} |")
    text = "\n".join(lines) + (
        f"\n\n*Median of {runs} runs of `python3 ci/echo_bench.py` (part of `ci/measure`), with the lowest "
        f"and highest requests per second in brackets: each server on core 0, `echo_load` on core 1, "
        f"{WARMUP} s of warm-up and {SECONDS} s measured; memory is the server's peak resident set, per "
        f"connection including the server's fixed cost; \"on CPU\" is the share of the measured seconds that "
        f"each process spent on a CPU; on {machine}.*\n")
    (out_dir / "echo.md").write_text(text)
    print(text)
    naive = subprocess.run([EXAMPLES / "naive_latency"], check=True, capture_output=True, text=True).stdout
    (out_dir / "naive.md").write_text(
        f"```text\n{naive}```\n\n*Printed by `cargo run --release -p ch09-stackless-io --example "
        f"naive_latency`, on {machine}.*\n")
    print(naive)


if __name__ == "__main__":
    main()
