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


def one_run(command, connections, size):
    """Starts the server, loads it, returns (rps, p50, p99, peak KiB)."""
    port = free_port()
    addr = f"127.0.0.1:{port}"
    server = subprocess.Popen(["taskset", "-c", "0", EXAMPLES / command[0]]
                              + [a.format(addr=addr) for a in command[1:]])
    try:
        wait_listening(port, server)
        load = subprocess.run(["taskset", "-c", "1", EXAMPLES / "echo_load", addr, str(connections),
                               str(size), SECONDS, WARMUP],
                              check=True, capture_output=True, text=True, timeout=120)
        figures = dict(kv.split("=") for kv in load.stdout.split())
        peak = peak_rss_kib(server.pid)
    finally:
        server.kill()
        server.wait()
    return float(figures["rps"]), int(figures["p50_us"]), int(figures["p99_us"]), peak


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
    lines = ["| connections | message | server | requests/s | p50 | p99 | peak memory | per connection |",
             "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for connections, size in cases:
        for name, _ in SERVERS:
            got = results.get((connections, size, name))
            if got is None:
                lines.append(f"| {connections:,} | {size} B | {name} | capped at {THREAD_CAP:,} threads | | | | |")
                continue
            rps, p50, p99, peak = (statistics.median(x[i] for x in got) for i in range(4))
            lines.append(f"| {connections:,} | {size} B | {name} | {rps / 1000:.0f} k | {p50 / 1000:.1f} ms "
                         f"| {p99 / 1000:.1f} ms | {peak / 1024:.1f} MiB | {peak * 1024 / connections / 1000:.1f} kB |")
    text = "\n".join(lines) + (
        f"\n\n*Median of {runs} runs of `python3 ci/echo_bench.py` (part of `ci/measure`): each server "
        f"on core 0, `echo_load` on core 1, {WARMUP} s of warm-up and {SECONDS} s measured; memory is "
        f"the server's peak resident set, per connection including the server's fixed cost; on {machine}.*\n")
    (out_dir / "echo.md").write_text(text)
    print(text)
    naive = subprocess.run([EXAMPLES / "naive_latency"], check=True, capture_output=True, text=True).stdout
    (out_dir / "naive.md").write_text(
        f"```text\n{naive}```\n\n*Printed by `cargo run --release -p ch09-stackless-io --example "
        f"naive_latency`, on {machine}.*\n")
    print(naive)


if __name__ == "__main__":
    main()
