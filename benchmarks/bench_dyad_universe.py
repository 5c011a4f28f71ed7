"""Benchmark: the whole COW directed dyad-year universe 1816–2022 with NMC and ATOP joined.

The same pipeline as peacesciencer's
``create_dyadyears() %>% add_nmc() %>% add_atop_alliance()`` (about 3.8 s and 1.4 GiB peak in a
warm R session on this kind of machine). Target: under 0.4 s and under 1 GiB.

Prints rows, seconds (in-process, best and median of N runs after a warm-up), the peak memory
traced during one build (tracemalloc: what the build allocates) and the process's peak RSS.

    python benchmarks/bench_dyad_universe.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc

import realpolitik
from realpolitik.measures import add_alliances, add_capabilities
from realpolitik.units import dyad_years


def build():  # type: ignore[no-untyped-def]
    return add_alliances(add_capabilities(dyad_years(directed=True, years=(1816, 2022))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    frame = build()  # warm-up: loads and indexes the bundled data once
    rows, ncols = frame.shape
    del frame
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        frame = build()
        times.append(time.perf_counter() - t0)
        del frame
    tracemalloc.start()
    frame = build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    frame_mb = frame.memory_usage(deep=True).sum() / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB → MiB on Linux
    print(f"realpolitik {realpolitik.__version__}: COW directed dyad-years 1816-2022 + NMC + ATOP")
    print(f"rows                 {rows:,d}  ({ncols} columns)")
    print(f"seconds best         {min(times):.3f}")
    print(f"seconds median       {statistics.median(times):.3f}  (runs={args.runs})")
    print(f"frame size MiB       {frame_mb:.0f}")
    print(f"traced peak MiB      {peak / 2**20:.0f}  (allocations during one build)")
    print(f"process peak RSS MiB {rss:.0f}  (whole process, imports and data included)")
    print(f"speed-up vs peacesciencer 3.8 s: {3.8 / min(times):.1f}x")


if __name__ == "__main__":
    main()
