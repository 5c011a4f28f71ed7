"""Load benchmark of the web API (``realpolitik serve``), loopback only and bounded.

Starts ``realpolitik serve`` as a subprocess on 127.0.0.1 at a free port (a temporary results
store, default limits: one uvicorn worker, 2 forecast slots), waits for ``/api/health``, warms
up, then drives a bounded load with httpx (asyncio, ``--clients`` concurrent connections, a
fixed number of requests and a time cap per phase) against

a. ``GET /api/classify?rg=0.1&ar=0.4&soft=true`` (one point, soft probabilities);
b. ``POST /api/forecast`` with a small forecast: the status-quo preset, ``--trajectories``
   (default 2,000) × 18 years, fixed seed. The server runs at most 2 forecasts at once and
   answers 429 to the rest (refused, never queued); 429s are counted apart from errors and the
   requests per second count answered forecasts (200) only.

Prints, per phase: clients, requests, answers by status, requests per second, latency p50, p90,
p99 and max in ms (wall time from sending to the complete response, client side), and the
machine (cores, load average before and after, Python, package versions). Client and server
share the machine, so the figures are a floor for the server alone.

    python benchmarks/bench_web.py [--clients 8] [--requests 3000] [--forecast-requests 300]
                                   [--forecast-clients 2] [--trajectories 2000] [--max-seconds 30]

A run on the development machine (2 cores, not idle: other work kept the load
average near 1.3 throughout), ``python benchmarks/bench_web.py``::

    machine: 2 cores, Linux 6.18.44-fc-v1252 x86_64, Python 3.11.7, realpolitik 0.1.0,
    fastapi 0.165.0, uvicorn 0.55.0, httpx 0.29.0; load average before 1.22 1.48 1.11
    phase                 clients  requests   200  429  other  req/s  p50 ms  p90 ms  p99 ms  max ms
    /api/classify               8      3000  3000    0      0  414.0    19.0    19.7    25.1   110.3
    /api/forecast (2000)        2       300   300    0      0   73.3    27.0    33.9    41.8    45.0
    /api/forecast (2000)        8       735   300  435      0   67.7    30.3    42.1    50.1    52.7
      /api/forecast (2000), 8 clients: 435 refusals (429) answered in p50 6.4 ms, p99 26.3 ms
      (refused at once, not queued; the client retried after 50 ms)
    load average after 1.38 1.50 1.12

A second run, on an otherwise idle machine (load average 0.9 — the benchmark's own client and
server)::

    /api/classify               8      3000  3000    0      0  421.5    18.5    19.8    25.6    46.0
    /api/forecast (2000)        2       300   300    0      0   70.5    27.8    34.9    42.1    53.8
    /api/forecast (2000)        8       781   300  481      0   60.4    34.8    46.4    56.0    60.2
      /api/forecast (2000), 8 clients: 481 refusals (429) answered in p50 7.8 ms, p99 24.1 ms

(the third line: 8 clients against the 2 forecast slots — the surplus is refused with 429 at
once, and the answered forecasts keep their rate and latency). See ``docs/how-to/web.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx

RETRY_SECONDS = 0.05
CLASSIFY = ("GET", "/api/classify", {"params": {"rg": 0.1, "ar": 0.4, "soft": "true"}})


def forecast_request(trajectories: int) -> tuple[str, str, dict[str, Any]]:
    return ("POST", "/api/forecast", {"json": {"preset": "status-quo", "trajectories":
                                               trajectories, "horizon": 2040, "seed": 1}})


@dataclass
class Phase:
    name: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    refusals_ms: list[float] = field(default_factory=list)
    status: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.status.values()) + self.errors

    def quantile(self, q: float) -> float:
        xs = sorted(self.latencies_ms)
        if not xs:
            return float("nan")
        k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
        return xs[k]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, store: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "realpolitik.interfaces.cli", "serve", "--host", "127.0.0.1",
           "--port", str(port), "--store", str(store), "--log-level", "warning"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited: " + (proc.stderr.read().decode()
                                                        if proc.stderr else ""))
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not answer /api/health within 60 s")


async def drive(base: str, request: tuple[str, str, dict[str, Any]], phase: Phase,
                total: int, max_seconds: float, ok_status: int = 200) -> Phase:
    """``phase.clients`` workers send ``total`` requests in all (or stop at ``max_seconds``)."""
    method, path, kwargs = request
    remaining = total
    deadline = time.perf_counter() + max_seconds
    limits = httpx.Limits(max_connections=phase.clients, max_keepalive_connections=phase.clients)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            t = time.perf_counter()
            try:
                resp = await client.request(method, path, **kwargs)
                await resp.aread()
            except httpx.HTTPError:
                phase.errors += 1
                continue
            ms = (time.perf_counter() - t) * 1000
            phase.status[resp.status_code] = phase.status.get(resp.status_code, 0) + 1
            if resp.status_code == ok_status:
                phase.latencies_ms.append(ms)
            elif resp.status_code == 429:
                phase.refusals_ms.append(ms)
                remaining += 1  # a refusal is not an answered request: back off, try again
                await asyncio.sleep(RETRY_SECONDS)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(phase.clients)))
        phase.seconds = time.perf_counter() - t0
    return phase


def warm_up(base: str, trajectories: int) -> None:
    with httpx.Client(base_url=base, timeout=120) as c:
        for _ in range(30):
            c.get(CLASSIFY[1], **CLASSIFY[2]).raise_for_status()
        method, path, kwargs = forecast_request(trajectories)
        for _ in range(5):
            c.request(method, path, **kwargs).raise_for_status()


def report(phases: list[Phase]) -> None:
    print(f"{'phase':<22}{'clients':>8}{'requests':>10}{'200':>7}{'429':>6}{'other':>7}"
          f"{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for p in phases:
        ok = p.status.get(200, 0)
        refused = p.status.get(429, 0)
        other = p.requests - ok - refused
        rps = ok / p.seconds if p.seconds > 0 else float("nan")
        print(f"{p.name:<22}{p.clients:>8}{p.requests:>10}{ok:>7}{refused:>6}{other:>7}"
              f"{rps:>9.1f}{p.quantile(0.5):>9.1f}{p.quantile(0.9):>9.1f}"
              f"{p.quantile(0.99):>9.1f}{max(p.latencies_ms, default=float('nan')):>9.1f}")
    for p in phases:
        if p.refusals_ms:
            refused = Phase(p.name, p.clients, latencies_ms=p.refusals_ms)
            print(f"  {p.name}, {p.clients} clients: {len(p.refusals_ms)} refusals (429) "
                  f"answered in p50 {refused.quantile(0.5):.1f} ms, p99 "
                  f"{refused.quantile(0.99):.1f} ms (refused at once, not queued; the client "
                  f"retried after {RETRY_SECONDS * 1000:.0f} ms)")


def machine() -> str:
    pkgs = ", ".join(f"{name} {version(name)}" for name in
                     ("realpolitik", "fastapi", "uvicorn", "httpx"))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} cores, {platform.system()} {platform.release()} "
            f"{platform.machine()}, Python {platform.python_version()}, {pkgs}; "
            f"load average before {load}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients for classify")
    ap.add_argument("--requests", type=int, default=3000, help="classify requests in all")
    ap.add_argument("--forecast-clients", type=int, default=2)
    ap.add_argument("--forecast-requests", type=int, default=300)
    ap.add_argument("--trajectories", type=int, default=2000)
    ap.add_argument("--max-seconds", type=float, default=30.0, help="time cap per phase")
    ap.add_argument("--no-overload", action="store_true",
                    help="skip the phase with more forecast clients than slots")
    args = ap.parse_args(argv)
    for name in ("clients", "requests", "forecast_clients", "forecast_requests"):
        if not 1 <= getattr(args, name) <= 100_000:
            ap.error(f"--{name.replace('_', '-')} must be 1 to 100000")
    if not 0 < args.max_seconds <= 300:
        ap.error("--max-seconds must be in (0, 300]")

    print(machine(), flush=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = start_server(port, Path(tmp) / "bench.duckdb")
        base = f"http://127.0.0.1:{port}"
        try:
            warm_up(base, args.trajectories)
            phases = [asyncio.run(drive(base, CLASSIFY, Phase("/api/classify", args.clients),
                                        args.requests, args.max_seconds))]
            fc = forecast_request(args.trajectories)
            name = f"/api/forecast ({args.trajectories})"
            phases.append(asyncio.run(drive(base, fc, Phase(name, args.forecast_clients),
                                            args.forecast_requests, args.max_seconds)))
            if not args.no_overload:
                phases.append(asyncio.run(drive(base, fc, Phase(name, 4 * args.forecast_clients
                                                                ), args.forecast_requests,
                                                args.max_seconds)))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    report(phases)
    print("load average after " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    bad = sum(p.requests - p.status.get(200, 0) - p.status.get(429, 0) for p in phases)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
