"""Benchmark: a 210-scenario sweep on 1 and on 2 Dask workers of a LocalCluster (DESIGN §5).

The sweep is a grid of 5 presets × 6 drifts of the weaker partner × 7 gains of the adversary's
response = 210 scenarios of ``--trajectories`` each (default 262,144, one chunk per scenario),
seed 7, each run into a fresh results store in a temporary folder:

a. pure compute, in-process: ``simulate_blocks`` of the chunk of every ``--sample``-th
   scenario (default every 5th: 42 chunks), timed in this process; C = the mean × the number of
   chunks (``--in-process`` runs the whole sweep in-process instead: C measured on every chunk,
   and the in-process wall time T0);
b. a ``LocalCluster`` of 1 worker process (1 thread) on 127.0.0.1: T1;
c. a ``LocalCluster`` of 2 worker processes: T2.

Each cluster is started, and its workers have loaded the engine, before its timer starts; the
timed call is the whole ``run_sweep`` (expansion, begin_run, every chunk computed, sent back,
written and committed by this process, the summary). Printed: T1, T2; the scaling efficiency
T1 / (2·T2) (target ≥ 0.8) and the speed-up T1/T2; the overhead per chunk in milliseconds,
(T1 − C) / chunks with 1 worker (what distribution adds to a chunk's pure compute on the
critical path) and (2·T2 − C) / chunks with 2 workers (core time per chunk not spent
computing: on this 2-core machine the parent — store commits, the scheduler — shares the two
cores with the workers); this process's CPU time per chunk (mostly the store commit); the
compute time measured inside the tasks with 1 and with 2 workers (it grows when two workers
and the parent share two cores); whether the results are identical. Other processes on the
machine slow every figure, T2 most: the load average, the cores that processes other than the
benchmark's used during each timed run, and a machine check before and after — how fast two
plain processes computing chunks at once each run relative to one alone, the bound on what two
workers can reach at that moment (1.0 on two free cores) — are printed too.

    python benchmarks/bench_sweep.py [--trajectories 262144] [--sample 5] [--in-process]
    python benchmarks/bench_sweep.py --quick      # 30 scenarios of 16,384: a smoke test

A run here on an idle machine (2 vCPUs), the defaults, about 3 minutes, after chunk commits
were batched (one store transaction per 32 chunks or per second, payloads serialised in the
workers):

    pure compute in-process, every 5th chunk (load average 1.00 0.56 0.23) …
      288 ms per chunk over 42 chunks: C = 60.5 s for the 210 chunks
    machine check: two plain processes computing at once each ran at 0.93 of the speed of one
    1 worker: T1 = 72.0 s (cluster start and warm-up before it: 1.8 s)
    2 workers: T2 = 42.1 s; chunks per worker process: [103, 107]
    machine check again: 0.93
    scaling efficiency T1/(2·T2) = 0.86 (target ≥ 0.8: PASS); speed-up T1/T2 = 1.71
    overhead per chunk: 1 worker (T1 − C)/chunks = 54 ms; 2 workers (2·T2 − C)/chunks = 112 ms
    this process's CPU per chunk (store commits, scheduler, client): 44 ms with 1 worker, 37 ms
    compute per chunk measured inside the tasks: 313 ms with 1 worker, 356 ms with 2
    efficiency relative to the machine's own scaling of two processes: 0.92
    results identical on 1 and 2 workers: True

(abridged; a second idle run: T1 = 76.8 s, T2 = 42.2 s, efficiency 0.91, machine check 0.91 /
0.95). Before the batching, each chunk was committed in its own transaction, opening and
closing the DuckDB file: the parent spent 100–120 ms of CPU per chunk on the workers' two cores,
and two runs on a busier machine gave efficiency 0.78 and 0.75 (T1 = 100.5 / 115.3 s, T2 = 64.8
/ 77.3 s).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PRESETS = ["status-quo", "containment", "detente-with-weaker", "two-front-pressure",
           "weaker-stagnation"]
DRIFTS = [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02]
GAINS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]
TARGET_EFFICIENCY = 0.8


def spec_for(trajectories: int, quick: bool) -> Any:
    from realpolitik.simulate.sweep import parse_spec

    grid = {"base": PRESETS, "growth.B.drift": DRIFTS, "adversary_policy.gain": GAINS}
    if quick:
        grid = {"base": PRESETS[:3], "growth.B.drift": DRIFTS[:5], "adversary_policy.gain":
                GAINS[:2]}
    return parse_spec({"name": "bench", "base": "status-quo", "trajectories": trajectories,
                       "seed": 7, "chunk_size": trajectories, "grid": grid})


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


class Others:
    """How many cores processes other than this one and its children (the workers) used
    while the block ran: the machine's busy CPU time minus ours, over the wall time."""

    def __enter__(self) -> Others:
        self.t, self.busy, self.ours = time.perf_counter(), self._busy(), self._ours()
        return self

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t
        self.cores = max(0.0, (self._busy() - self.busy) - (self._ours() - self.ours)) / wall

    @staticmethod
    def _busy() -> float:
        import psutil

        c = psutil.cpu_times()
        return float(sum(getattr(c, f) for f in ("user", "nice", "system", "irq", "softirq")
                         if hasattr(c, f)))

    @staticmethod
    def _ours() -> float:
        import psutil

        total = 0.0
        me = psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total


_MACHINE = """
import sys, time
from realpolitik.simulate.engine import simulate_blocks
from realpolitik.simulate.resolve import resolve
from realpolitik.simulate.scenario import load_preset
r = resolve(load_preset("status-quo"))
simulate_blocks(r, 0, 1024, 0, 1)
n, blocks = int(sys.argv[1]), int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
for i in range(n):
    simulate_blocks(r, i, blocks * 1024, 0, blocks)
print(time.perf_counter() - start, flush=True)
"""


def machine_scaling(blocks: int, n: int = 4) -> float:
    """How fast two plain processes computing chunks at once each run, relative to one alone
    (1.0: two real cores; 0.5: the two share one) — the most two workers can get here now."""
    import subprocess

    def run(k: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", _MACHINE, str(n), str(blocks)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                 for _ in range(k)]
        try:
            for proc in procs:  # all loaded, then all started together
                assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            return [float(proc.communicate(timeout=600)[0]) for proc in procs]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()

    alone = run(1)[0]
    return alone / max(run(2))


def pure_compute(spec: Any, every: int) -> tuple[float, int]:
    """Mean seconds of ``simulate_blocks`` per chunk over every ``every``-th scenario."""
    from realpolitik.simulate.engine import simulate_blocks
    from realpolitik.simulate.sweep import expand_spec, plan_sweep, resolve_cached

    tasks = plan_sweep(expand_spec(spec).items)
    sample = tasks[::every]
    items = {it.hash: it for it in expand_spec(spec).items}
    total = 0.0
    for task in sample:
        r = resolve_cached(items[task.scenario_hash].scenario)
        start = time.perf_counter()
        simulate_blocks(r, task.seed, task.n_total, task.block0, task.block1)
        total += time.perf_counter() - start
    return total / len(sample), len(sample)


def timed(spec: Any, folder: Path, name: str, scheduler: str | None = None
          ) -> tuple[float, Any, float]:
    from realpolitik.simulate.sweep import run_sweep

    cpu = cpu_seconds()
    start = time.perf_counter()
    result = run_sweep(spec, folder / f"{name}.duckdb", scheduler=scheduler)
    return time.perf_counter() - start, result, cpu_seconds() - cpu


def on_cluster(spec: Any, folder: Path, workers: int
               ) -> tuple[float, Any, float, float, float]:
    import dask
    from distributed import Client, LocalCluster

    from realpolitik.simulate.sweep import _warm_up

    t = time.perf_counter()
    # as run_sweep's own local cluster: tasks are sent to the workers when submitted
    with dask.config.set({"distributed.scheduler.worker-saturation": float("inf")}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None,
                         silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        client.wait_for_workers(workers, timeout=120)
        client.run(_warm_up)
        startup = time.perf_counter() - t
        with Others() as others:  # the workers are alive before and after: counted as ours
            seconds, result, cpu = timed(spec, folder, f"w{workers}", cluster.scheduler_address)
    return seconds, result, cpu, startup, others.cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=256 * 1024)
    parser.add_argument("--sample", type=int, default=5, help="time every N-th chunk "
                        "in-process for the pure compute time")
    parser.add_argument("--in-process", action="store_true", help="run the whole sweep "
                        "in-process too (C on every chunk, and T0)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    trajectories = 16 * 1024 if args.quick and args.trajectories == 256 * 1024 else \
        args.trajectories
    from realpolitik._version import __version__
    from realpolitik.simulate.sweep import expand_spec

    spec = spec_for(trajectories, args.quick)
    n = len(expand_spec(spec).items)
    print(f"realpolitik {__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cores; sweep: {n} scenarios × {trajectories:,d} trajectories, "
          "one chunk each")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        timed(spec_for(1024, True), folder, "warm")  # load the kernels and data once
        t0 = None
        if args.in_process:
            print(f"in-process sweep ({load()}) …", flush=True)
            t0, r0, _ = timed(spec, folder, "w0")
            per_chunk, sampled = r0.compute_seconds / r0.n_chunks, r0.n_chunks
            print(f"  T0 = {t0:.1f} s")
        else:
            print(f"pure compute in-process, every {args.sample}th chunk ({load()}) …",
                  flush=True)
            per_chunk, sampled = pure_compute(spec, args.sample)
        compute = per_chunk * n
        print(f"  {1e3 * per_chunk:.0f} ms per chunk over {sampled} chunks: C = {compute:.1f} s "
              f"for the {n} chunks")
        blocks = max(1, trajectories // 1024)
        before = machine_scaling(blocks)
        print(f"machine check: two plain processes computing at once each ran at {before:.2f} "
              "of the speed of one alone", flush=True)
        print(f"1 worker ({load()}) …", flush=True)
        t1, r1, cpu1, s1, o1 = on_cluster(spec, folder, 1)
        print(f"  T1 = {t1:.1f} s (cluster start and warm-up before it: {s1:.1f} s); other "
              f"processes used {o1:.2f} cores meanwhile")
        print(f"2 workers ({load()}) …", flush=True)
        t2, r2, cpu2, s2, o2 = on_cluster(spec, folder, 2)
        print(f"  T2 = {t2:.1f} s (cluster start and warm-up before it: {s2:.1f} s); chunks "
              f"per worker process: {sorted(r2.pids.values())}; other processes used "
              f"{o2:.2f} cores meanwhile")
        after = machine_scaling(blocks)
        print(f"machine check again: {after:.2f}", flush=True)
    identical = r1.table.equals(r2.table) and (not args.in_process or r0.table.equals(r1.table))
    efficiency = t1 / (2 * t2)
    chunks = r1.n_chunks
    print()
    print(f"scaling efficiency T1/(2·T2) = {efficiency:.2f} (target ≥ {TARGET_EFFICIENCY}: "
          f"{'PASS' if efficiency >= TARGET_EFFICIENCY else 'MISS'}); speed-up T1/T2 = "
          f"{t1 / t2:.2f}")
    print(f"overhead per chunk: 1 worker (T1 − C)/chunks = {1e3 * (t1 - compute) / chunks:.0f} "
          f"ms; 2 workers (2·T2 − C)/chunks = {1e3 * (2 * t2 - compute) / chunks:.0f} ms; "
          f"pure compute {1e3 * per_chunk:.0f} ms per chunk"
          + (f"; in-process (T0 − C)/chunks = {1e3 * (t0 - compute) / chunks:.0f} ms"
             if t0 is not None else ""))
    print(f"this process's CPU per chunk (store commits, scheduler, client): "
          f"{1e3 * cpu1 / chunks:.0f} ms with 1 worker, {1e3 * cpu2 / chunks:.0f} ms with 2")
    print(f"compute per chunk measured inside the tasks: "
          f"{1e3 * r1.compute_seconds / chunks:.0f} ms with 1 worker, "
          f"{1e3 * r2.compute_seconds / chunks:.0f} ms with 2")
    print(f"the machine's own scaling of two processes (the bound on the efficiency): "
          f"{before:.2f} before, {after:.2f} after; efficiency relative to it: "
          f"{efficiency / max(before, after):.2f}")
    print(f"results identical on 1 and 2 workers{' and in-process' if t0 else ''}: "
          f"{identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
