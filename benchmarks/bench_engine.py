"""Benchmark: the Monte Carlo engine on the default scenario (the status-quo preset).

Prints, then summarises against the targets (PASS / MISS, as measured):

a. engine throughput in trajectory-years per second (trajectories × simulated years), 2 worker
   threads and 1, best of N after a warm-up; the first call's cost (Numba's cache load) and a
   cold Numba compile (fresh ``NUMBA_CACHE_DIR``, in a subprocess) are reported separately;
b. peak memory of a run of 1e8 trajectory-years (≈ 5.56M trajectories × 18 years), each in a
   fresh subprocess so the RSS is the run's: ru_maxrss (whole process: interpreter, imports and
   data included; the baseline before the run is shown too) and, in a second subprocess, the
   tracemalloc peak of the run (what the run allocates);
c. the plain per-trajectory Python implementation (``reference_python.py``) and the ratio;
d. the Mesa 3 implementation (``reference_mesa.py``, each state an agent) and the ratio;
e. wall time of the default forecast: ``run_scenario("status-quo")`` (100,000 trajectories,
   resolution included) in this process and in a fresh Python process, and the
   ``realpolitik forecast`` command end to end if it exists (into a temporary store).

The ratios compare throughput per trajectory-year; the headline uses the engine on 2 workers
(the references are single-threaded), the per-core ratio uses 1 worker. That the references
compute the same numbers on the same draws is checked by ``tests/test_benchmarks_reference.py``.

    python benchmarks/bench_engine.py [--trajectories 1048576] [--repeats 3] [--quick]
                                      [--python-n 2000] [--mesa-n 1000]

The references are timed on 2,000 (Python) and 1,000 (Mesa) trajectories: their cost per
trajectory-year grows with the sample until the trajectories they keep no longer fit in the
caches, then levels off — plain Python here: 8.1 µs at 200 trajectories, 8.7 at 500, 9.0 at
1,000, 11.3 at 2,000, 11.9 at 5,000 — and a forecast runs 100,000. A smaller sample (200 and
100 were the first defaults) overstates the references' speed by about a third.

A run on an idle machine (2 vCPUs), 2026-12-05, the defaults:

    engine throughput, 2 workers (traj-years/s)       ≥ 2e+07          2.63e+07  PASS
    engine throughput, 1 worker (traj-years/s)         (info)          1.51e+07  info
    peak RSS, 1e8 trajectory-years (GiB)                  < 2             0.355  PASS
    speed-up vs plain Python (2 workers)               ≥ 300×              320×  PASS
    speed-up vs plain Python (1 worker)                (info)              184×  info
    speed-up vs Mesa (2 workers)                     ≥ 1,000×              650×  MISS
    default forecast, fresh process (s)                  < 60              2.30  PASS
    `realpolitik forecast` end to end (s)                < 60              2.67  PASS

(abridged; plain Python about 12 µs and Mesa about 25 µs per trajectory-year: Mesa's
scheduler and agent objects cost 2× plain Python for this model of three light agents).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PRESET = "status-quo"
TARGET_THROUGHPUT = 2e7
TARGET_MEMORY_GIB = 2.0
TARGET_TY_MEMORY = 1e8
TARGET_PY_RATIO = 300.0
TARGET_MESA_RATIO = 1000.0
TARGET_FORECAST_S = 60.0


def resolved() -> Any:
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_preset

    return resolve(load_preset(PRESET))


def best_of(fn: Any, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), times


def cpu_idle(seconds: float = 1.0) -> float | None:
    """Share of the machine's CPU time that was idle over ``seconds`` (Linux /proc/stat): other
    work on a shared machine makes every figure below slower."""
    def sample() -> list[int]:
        with open("/proc/stat") as f:
            return [int(v) for v in f.readline().split()[1:9]]

    try:
        a = sample()
        time.sleep(seconds)
        b = sample()
    except OSError:
        return None
    d = [y - x for x, y in zip(a, b, strict=True)]
    return (d[3] + d[4]) / max(1, sum(d))  # idle + iowait


def run_child(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run this script in a fresh interpreter (a ``--child`` mode); it prints one JSON line."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args],
                         capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------
# child modes (fresh processes)
# ------------------------------------------------------------------------------------------
def child_compile() -> dict[str, Any]:
    """First call with an empty Numba cache (set by the parent) minus a warm second call."""
    r = resolved()
    from realpolitik.simulate.engine import simulate

    t = time.perf_counter()
    simulate(r, trajectories=1024, seed=1)
    first = time.perf_counter() - t
    t = time.perf_counter()
    simulate(r, trajectories=1024, seed=1)
    second = time.perf_counter() - t
    return {"first": first, "second": second}


def child_memory(n: int, workers: int, trace: bool) -> dict[str, Any]:
    import tracemalloc

    r = resolved()
    from realpolitik.simulate.engine import simulate

    simulate(r, trajectories=1024, seed=1)  # Numba cache load, outside the measured run
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    ds = simulate(r, trajectories=n, workers=workers)
    dt = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"seconds": dt, "rss_peak": rss, "rss_before": base, "traced_peak": peak,
            "n": n, "trajectory_years": n * (r.n_years - 1),
            "p_last": ds["probability"].isel(year=-1).values.round(4).tolist()}


def child_forecast() -> dict[str, Any]:
    t = time.perf_counter()
    from realpolitik.simulate.engine import run_scenario

    ds = run_scenario(PRESET)
    return {"seconds": time.perf_counter() - t, "n": int(ds.attrs["n_trajectories"])}


# ------------------------------------------------------------------------------------------
# the benchmark
# ------------------------------------------------------------------------------------------
def fmt_rate(x: float) -> str:
    return f"{x:,.0f}" if x < 1e5 else f"{x:.3g}"


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trajectories", type=int, default=1 << 20,
                    help="engine throughput run (default 1,048,576)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--python-n", type=int, default=2000)
    ap.add_argument("--mesa-n", type=int, default=1000)
    ap.add_argument("--memory-ty", type=float, default=TARGET_TY_MEMORY,
                    help="trajectory-years of the memory run (default 1e8)")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes, no memory/compile/CLI subprocesses (a smoke test)")
    ap.add_argument("--child", choices=["compile", "memory", "memory-trace", "forecast"],
                    help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child == "compile":
        print(json.dumps(child_compile()))
        return
    if args.child in ("memory", "memory-trace"):
        print(json.dumps(child_memory(args.n, args.workers, args.child == "memory-trace")))
        return
    if args.child == "forecast":
        print(json.dumps(child_forecast()))
        return

    import numba
    import numpy as np

    import realpolitik
    from realpolitik.simulate.engine import run_scenario, simulate
    from realpolitik.simulate.scenario import BLOCK

    if args.quick:
        args.trajectories, args.repeats = min(args.trajectories, 1 << 16), 1
        args.python_n, args.mesa_n = min(args.python_n, 20), min(args.mesa_n, 10)

    rows: list[tuple[str, str, str, bool | None]] = []  # (what, target, measured, pass)
    print(f"realpolitik {realpolitik.__version__}, numpy {np.__version__}, numba "
          f"{numba.__version__} (SVML {'on' if numba.config.USING_SVML else 'off'}), Python "
          f"{platform.python_version()}, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()})")
    idle = cpu_idle()
    if idle is not None:
        print(f"machine idle before the benchmark: {idle:.0%} of {os.cpu_count()} CPUs "
              f"(load average {os.getloadavg()[0]:.2f}); figures assume an otherwise idle "
              f"machine")
    t = time.perf_counter()
    r = resolved()
    t_resolve = time.perf_counter() - t
    steps = r.n_years - 1
    print(f"scenario {PRESET}: {r.names[0]}-{r.names[1]} vs {r.names[2]}, t0 {r.t0} → "
          f"horizon {int(r.years[-1])} ({steps} simulated years); resolve {t_resolve:.2f} s")

    # -- (a) throughput ---------------------------------------------------------------------
    section("(a) engine throughput")
    t = time.perf_counter()
    simulate(r, trajectories=BLOCK, seed=1)
    first = time.perf_counter() - t
    t = time.perf_counter()
    simulate(r, trajectories=BLOCK, seed=1)
    second = time.perf_counter() - t
    print(f"first call (1,024 trajectories, Numba cache load): {first:.3f} s; warm: "
          f"{second:.3f} s")
    if not args.quick:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            c = run_child(["--child", "compile"], env)
        print(f"cold Numba compile (empty cache, fresh process): first call {c['first']:.2f} s, "
              f"then {c['second']:.3f} s → compile ≈ {c['first'] - c['second']:.2f} s")
    n = args.trajectories
    ty = n * steps
    rates: dict[int, float] = {}
    for workers in (2, 1):
        simulate(r, trajectories=min(n, 64 * BLOCK), workers=workers)  # warm-up
        best, times = best_of(lambda w=workers: simulate(r, trajectories=n, workers=w),
                              args.repeats)
        rates[workers] = ty / best
        print(f"{n:,d} trajectories × {steps} years = {ty:.3g} trajectory-years, "
              f"{workers} worker(s): best {best:.3f} s of {[round(x, 3) for x in times]} → "
              f"{fmt_rate(rates[workers])} trajectory-years/s")
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}×")
    rows.append(("engine throughput, 2 workers (traj-years/s)", f"≥ {TARGET_THROUGHPUT:.0e}",
                 fmt_rate(rates[2]), rates[2] >= TARGET_THROUGHPUT))
    rows.append(("engine throughput, 1 worker (traj-years/s)", "(info)", fmt_rate(rates[1]),
                 None))

    # -- (b) memory -------------------------------------------------------------------------
    section("(b) peak memory of 1e8 trajectory-years")
    if args.quick:
        print("skipped (--quick)")
    else:
        n_mem = math.ceil(args.memory_ty / steps)
        plain = run_child(["--child", "memory", "--n", str(n_mem), "--workers", "2"])
        traced = run_child(["--child", "memory-trace", "--n", str(n_mem), "--workers", "2"])
        gib = 2.0 ** 30
        print(f"{n_mem:,d} trajectories × {steps} years = {plain['trajectory_years']:.3g} "
              f"trajectory-years, 2 workers, chunk_size {r.scenario.chunk_size:,d}")
        print(f"run time {plain['seconds']:.2f} s → "
              f"{fmt_rate(plain['trajectory_years'] / plain['seconds'])} trajectory-years/s")
        print(f"peak RSS (ru_maxrss) {plain['rss_peak'] / gib:.3f} GiB (before the run: "
              f"{plain['rss_before'] / gib:.3f} GiB: interpreter, imports, data)")
        print(f"tracemalloc peak of the run {traced['traced_peak'] / gib:.3f} GiB "
              f"(run time with tracing {traced['seconds']:.2f} s)")
        rows.append(("peak RSS, 1e8 trajectory-years (GiB)", f"< {TARGET_MEMORY_GIB:g}",
                     f"{plain['rss_peak'] / gib:.3f}", plain["rss_peak"] < TARGET_MEMORY_GIB * gib))
        rows.append(("tracemalloc peak, same run (GiB)", "(info)",
                     f"{traced['traced_peak'] / gib:.3f}", None))

    # -- (c) plain Python -------------------------------------------------------------------
    section("(c) plain per-trajectory Python reference")
    from reference_python import simulate_reference

    simulate_reference(r, 1, 5)  # warm-up (imports)
    n_py = args.python_n
    best, times = best_of(lambda: simulate_reference(r, r.scenario.seed, n_py), args.repeats)
    py_rate = n_py * steps / best
    print(f"{n_py} trajectories: best {best:.3f} s of {[round(x, 3) for x in times]} → "
          f"{fmt_rate(py_rate)} trajectory-years/s ({1e6 / py_rate:.1f} µs per trajectory-year)")
    print(f"engine / Python: {rates[2] / py_rate:,.0f}× (2 workers), "
          f"{rates[1] / py_rate:,.0f}× per core (1 worker)")
    rows.append(("speed-up vs plain Python (2 workers)", f"≥ {TARGET_PY_RATIO:,.0f}×",
                 f"{rates[2] / py_rate:,.0f}×", rates[2] / py_rate >= TARGET_PY_RATIO))
    rows.append(("speed-up vs plain Python (1 worker)", "(info)", f"{rates[1] / py_rate:,.0f}×",
                 None))

    # -- (d) Mesa ---------------------------------------------------------------------------
    section("(d) Mesa reference (each state an agent)")
    try:
        import mesa
        from reference_mesa import simulate_mesa
    except ImportError as exc:
        print(f"skipped: {exc} (pip install -e '.[bench]')")
        rows.append(("speed-up vs Mesa (2 workers)", f"≥ {TARGET_MESA_RATIO:,.0f}×",
                     "not run (no mesa)", None))
    else:
        simulate_mesa(r, 1, 5)
        n_mesa = args.mesa_n
        best, times = best_of(lambda: simulate_mesa(r, r.scenario.seed, n_mesa), args.repeats)
        mesa_rate = n_mesa * steps / best
        print(f"Mesa {mesa.__version__}, {n_mesa} trajectories (one TandemModel each, 3 agents):"
              f" best {best:.3f} s of {[round(x, 3) for x in times]} → {fmt_rate(mesa_rate)} "
              f"trajectory-years/s ({1e6 / mesa_rate:.1f} µs per trajectory-year)")
        print(f"engine / Mesa: {rates[2] / mesa_rate:,.0f}× (2 workers), "
              f"{rates[1] / mesa_rate:,.0f}× per core (1 worker); Mesa / plain Python: "
              f"{py_rate / mesa_rate:.2f}× slower")
        rows.append(("speed-up vs Mesa (2 workers)", f"≥ {TARGET_MESA_RATIO:,.0f}×",
                     f"{rates[2] / mesa_rate:,.0f}×", rates[2] / mesa_rate >= TARGET_MESA_RATIO))
        rows.append(("speed-up vs Mesa (1 worker)", "(info)", f"{rates[1] / mesa_rate:,.0f}×",
                     None))

    # -- (e) the default forecast -----------------------------------------------------------
    section("(e) the default forecast (status-quo, 100,000 trajectories)")
    t = time.perf_counter()
    ds = run_scenario(PRESET)
    dt = time.perf_counter() - t
    print(f"run_scenario({PRESET!r}) in this process (resolve + simulate, workers=1): {dt:.2f} s "
          f"({int(ds.attrs['n_trajectories']):,d} trajectories)")
    rows.append(("default forecast, run_scenario in-process (s)", f"< {TARGET_FORECAST_S:g}",
                 f"{dt:.2f}", dt < TARGET_FORECAST_S))
    if not args.quick:
        t = time.perf_counter()
        c = run_child(["--child", "forecast"])
        total = time.perf_counter() - t
        print(f"fresh Python process: run_scenario {c['seconds']:.2f} s; process end to end "
              f"(interpreter + imports) {total:.2f} s")
        rows.append(("default forecast, fresh process (s)", f"< {TARGET_FORECAST_S:g}",
                     f"{total:.2f}", total < TARGET_FORECAST_S))
        exe = shutil.which("realpolitik", path=str(Path(sys.executable).parent)) \
            or shutil.which("realpolitik")
        helped = subprocess.run([exe, "forecast", "--help"], capture_output=True, text=True,
                                check=False) if exe else None
        if exe is None or helped is None or helped.returncode != 0:
            print("`realpolitik forecast`: not available yet")
            rows.append(("`realpolitik forecast` end to end (s)", f"< {TARGET_FORECAST_S:g}",
                         "no CLI yet", None))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                cmd = [exe, "forecast", "--scenario", PRESET]
                if "--store" in helped.stdout:
                    cmd += ["--store", str(Path(tmp) / "bench.duckdb")]
                t = time.perf_counter()
                out = subprocess.run(cmd, capture_output=True, text=True, check=False,
                                     env={**os.environ, "COLUMNS": "120"})
                total = time.perf_counter() - t
            print(f"`{' '.join(['realpolitik', *cmd[1:4]])} …`: exit {out.returncode}, "
                  f"{total:.2f} s end to end")
            if out.returncode != 0:
                print(out.stderr[-1500:])
            ok = out.returncode == 0 and total < TARGET_FORECAST_S
            rows.append(("`realpolitik forecast` end to end (s)", f"< {TARGET_FORECAST_S:g}",
                         f"{total:.2f}" + ("" if out.returncode == 0 else " (failed)"), ok))

    # -- summary ----------------------------------------------------------------------------
    section("summary")
    idle = cpu_idle()
    if idle is not None:
        print(f"machine idle after the benchmark: {idle:.0%} (load average "
              f"{os.getloadavg()[0]:.2f})")
    w = max(len(x[0]) for x in rows)
    print(f"{'measure':<{w}}  {'target':>10}  {'measured':>16}  result")
    for what, target, measured, verdict in rows:
        res = "info" if verdict is None and target == "(info)" else \
            "n/a" if verdict is None else "PASS" if verdict else "MISS"
        print(f"{what:<{w}}  {target:>10}  {measured:>16}  {res}")


if __name__ == "__main__":
    main()
