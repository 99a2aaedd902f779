"""Load benchmark of the HTTP API: N concurrent clients post PTC-sized articles for a while.

Starts ``unspin``'s web app with uvicorn in a subprocess on 127.0.0.1, lets ``--clients``
clients post articles from ``--articles`` to ``/api/analyze`` back to back for ``--duration``
seconds (then waits for the requests in flight), and prints a markdown table: requests/s,
p50/p99 latency, errors and the server's peak resident memory.

    .venv/bin/python benchmarks/load_api.py --clients 50 --duration 30

A mix of large and small requests: ``--large-chars`` joins articles into texts of at least
that many characters, and ``--small-clients`` more clients each post one short sentence (the
first line of an article, cut to 80 characters) every ``--small-pause`` seconds; their
latencies are reported apart (p50/p99 of the small ones).

    .venv/bin/python benchmarks/load_api.py --clients 8 --large-chars 60000 \\
        --small-clients 4 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVER = """
import json, sys
import uvicorn
from unspin.web import WebSettings, create_app
options = json.loads(sys.argv[1])
host, port = options.pop("host"), options.pop("port")
uvicorn.run(create_app(settings=WebSettings(**options)), host=host, port=port,
            log_level="warning", access_log=False)
"""


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    spans: int = 0
    characters: int = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def read_articles(folder: Path, limit: int) -> list[str]:
    paths = sorted(folder.glob("*.txt"))[:limit]
    if not paths:
        sys.exit(f"no .txt articles in {folder}")
    return [p.read_text(encoding="utf-8") for p in paths]


def joined(articles: list[str], at_least: int) -> list[str]:
    """Texts of at least ``at_least`` characters, each made of consecutive articles."""
    if at_least <= 0:
        return articles
    texts, current = [], ""
    for article in articles * (1 + at_least * 2 // max(1, sum(map(len, articles)))):
        current = f"{current}\n\n{article}" if current else article
        if len(current) >= at_least:
            texts.append(current)
            current = ""
    return texts


def sentences(articles: list[str]) -> list[str]:
    """The first non-empty line of each article, cut to 80 characters."""
    firsts = (next((line for line in a.splitlines() if line.strip()), "") for a in articles)
    return [line.strip()[:80] for line in firsts if line.strip()]


def memory_kib(pid: int, field_name: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak) of a process, in KiB, from /proc (0 where unavailable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


async def wait_ready(base: str, process: subprocess.Popen[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"server exited with status {process.returncode}")
            try:
                health = (await client.get(f"{base}/api/health")).json()
                if health.get("model_loaded"):
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    sys.exit("server did not become ready")


async def client_loop(
    client: httpx.AsyncClient,
    base: str,
    articles: list[str],
    offset: int,
    stop_at: float,
    results: Results,
    pause: float = 0.0,
) -> None:
    n = offset
    while time.monotonic() < stop_at:
        await asyncio.sleep(pause)
        text = articles[n % len(articles)]
        n += 1
        started = time.perf_counter()
        try:
            response = await client.post(f"{base}/api/analyze", json={"text": text})
        except httpx.HTTPError as error:
            results.error(type(error).__name__)
            continue
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            results.error(f"HTTP {response.status_code}")
            continue
        results.latencies.append(elapsed)
        results.spans += len(response.json()["spans"])
        results.characters += len(text)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(args: argparse.Namespace) -> None:
    originals = read_articles(args.articles, args.limit)
    articles = joined(originals, args.large_chars)
    short = sentences(originals)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    options = {
        "host": "127.0.0.1",
        "port": port,
        "model": args.model,
        "max_chars": args.max_chars,
        "request_timeout": args.timeout,
    }
    if args.queue_timeout is not None:
        options["queue_timeout"] = args.queue_timeout
    if args.workers:
        options["workers"] = args.workers
    process = subprocess.Popen([sys.executable, "-c", SERVER, json.dumps(options)])
    try:
        await wait_ready(base, process, 300)
        idle_kib = memory_kib(process.pid, "VmRSS")
        results, small = Results(), Results()
        connections = args.clients + args.small_clients
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        timeout = httpx.Timeout(args.timeout + 30)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
            await client.post(f"{base}/api/analyze", json={"text": articles[0]})  # warm-up
            started = time.monotonic()
            stop_at = started + args.duration
            await asyncio.gather(
                *(
                    client_loop(client, base, articles, i * 7, stop_at, results)
                    for i in range(args.clients)
                ),
                *(
                    client_loop(client, base, short, i * 5, stop_at, small, args.small_pause)
                    for i in range(args.small_clients)
                ),
            )
            wall = time.monotonic() - started
        peak_kib = memory_kib(process.pid, "VmHWM")
    finally:
        process.terminate()
        process.wait(30)
    report(args, articles, results, wall, idle_kib, peak_kib)
    if args.small_clients:
        report_small(small)


def report(
    args: argparse.Namespace,
    articles: list[str],
    results: Results,
    wall: float,
    idle_kib: int,
    peak_kib: int,
) -> None:
    done = len(results.latencies)
    errors = sum(results.errors.values())
    sizes = [len(a) for a in articles]
    print(
        f"\n{args.clients} clients, {args.duration:g} s (+ requests in flight: {wall:.1f} s wall), "
        f"{len(articles)} PTC articles of median {statistics.median(sizes):,.0f} characters "
        f"(max {max(sizes):,}), {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
        "\n"
    )
    print("| metric | value |")
    print("| --- | --- |")
    print(f"| requests completed | {done} |")
    print(f"| requests/s | {done / wall:.2f} |")
    print(f"| characters/s | {results.characters / wall:,.0f} |")
    if done:
        print(f"| latency p50 | {percentile(results.latencies, 0.50) * 1000:.0f} ms |")
        print(f"| latency p99 | {percentile(results.latencies, 0.99) * 1000:.0f} ms |")
        print(f"| latency max | {max(results.latencies) * 1000:.0f} ms |")
    print(f"| errors | {errors} {results.errors if errors else ''} |")
    print(f"| server RSS idle (model loaded) | {idle_kib / 1024:.0f} MiB |")
    print(f"| server peak RSS | {peak_kib / 1024:.0f} MiB |")
    print(f"| spans returned | {results.spans} |")


def report_small(small: Results) -> None:
    done = len(small.latencies)
    errors = sum(small.errors.values())
    print(f"| small requests completed | {done} |")
    if done:
        print(f"| small latency p50 | {percentile(small.latencies, 0.50) * 1000:.0f} ms |")
        print(f"| small latency p99 | {percentile(small.latencies, 0.99) * 1000:.0f} ms |")
        print(f"| small latency max | {max(small.latencies) * 1000:.0f} ms |")
    print(f"| small errors | {errors} {small.errors if errors else ''} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--articles", type=Path, default=Path("../shared/data/ptc/train/train-articles")
    )
    parser.add_argument("--limit", type=int, default=400, help="Articles to cycle through.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds to send for.")
    parser.add_argument("--model", default=None, help="Model folder (default: shipped).")
    parser.add_argument("--workers", type=int, default=None, help="Server analysis threads.")
    parser.add_argument("--max-chars", type=int, default=200_000)
    parser.add_argument("--timeout", type=float, default=120.0, help="Server request timeout.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--queue-timeout", type=float, default=None, help="Server queue timeout.")
    parser.add_argument("--large-chars", type=int, default=0, help="Join articles to this size.")
    parser.add_argument("--small-clients", type=int, default=0, help="Clients of short texts.")
    parser.add_argument("--small-pause", type=float, default=0.5, help="Seconds between them.")
    args = parser.parse_args()
    if args.clients < 1 or args.duration <= 0:
        parser.error("--clients and --duration must be positive")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
