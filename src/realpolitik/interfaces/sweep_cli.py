"""``realpolitik sweep``: many scenarios, checkpointed in the store, in-process or on Dask.

The main CLI mounts the command with :func:`register` (``register(app, emit, console,
err_console)``). The work is :func:`realpolitik.simulate.sweep.run_sweep`; this module adds the
progress bar (standard error), the report of skipped triads, a Rich table of the label
probabilities at each scenario's horizon, and ``--format/--output`` like every command (json:
one record per scenario).
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from realpolitik.errors import InputError

_SHORT = {"hedging": "hedge", "bandwagoning": "bandw", "soft_balancing": "soft",
          "hard_balancing": "hard", "chain_ganging": "chain", "buck_passing": "buck"}


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _spec_for(spec: Path | None, triads: str | None) -> Any:
    from realpolitik.simulate.sweep import load_spec, parse_spec

    if spec is not None:
        return load_spec(spec, triads=triads)
    if triads is not None:
        return parse_spec({"triads": triads}, source="--triads")
    return None


def register(app: typer.Typer, emit: Any, console: Any, err_console: Any) -> None:
    """Add the ``sweep`` command to ``app``."""

    @app.command(name="sweep")
    def sweep(
        spec: Annotated[Path | None, typer.Argument(
            help="Sweep spec (YAML): base: a preset or scenario file, optional trajectories:, "
                 "seed:, years:, then grid: {key: list of values} or scenarios: a list of "
                 "{key: value}.")
        ] = None,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Dask worker processes "
                                             "on a local cluster on 127.0.0.1 (0: run in this "
                                             "process).")] = 0,
        scheduler: Annotated[str | None, typer.Option("--scheduler", help="Address of a "
                                                      "running Dask scheduler, e.g. "
                                                      "tcp://10.0.0.5:8786.")] = None,
        resume: Annotated[str | None, typer.Option("--resume", help="Resume the sweep run RUN "
                                                   "(id or a unique prefix).")] = None,
        triads: Annotated[str | None, typer.Option("--triads", help="Every triad of major "
                                                   "powers: FROM:TO (growth window FROM–TO, "
                                                   "t0 = TO).")] = None,
        chunk_size: Annotated[int | None, typer.Option("--chunk-size", help="Trajectories per "
                                                       "chunk (multiple of 1024; results do "
                                                       "not depend on it).")] = None,
        store: Annotated[Path | None, typer.Option("--store", help="The results store file "
                                                   "(default: $REALPOLITIK_STORE, else "
                                                   "results.duckdb in the user data "
                                                   "directory).")] = None,
        fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, csv, json or "
                                                "parquet.")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the results "
                                                    "table to this file.")] = None,
    ) -> None:
        """Run many scenarios (a grid, a list, or every triad), checkpointed and resumable.

        Example: realpolitik sweep drift.yaml --workers 2 --format json
        """
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from realpolitik.interfaces.output import infer_format
        from realpolitik.simulate.sweep import run_sweep
        from realpolitik.store import ResultsStore, default_store_path

        if workers < 0 or workers > 256:
            raise InputError(f"--workers {workers}: use 0 (in this process) to 256")
        if workers and scheduler:
            raise InputError("--workers starts a local cluster and --scheduler uses a running "
                             "one", "give one of them")
        if spec is None and resume is None and triads is None:
            raise InputError("give a sweep spec (YAML), --triads FROM:TO or --resume RUN",
                             "e.g. realpolitik sweep drift.yaml; see docs/how-to/sweeps.md")
        kind = infer_format(fmt, output)
        the_spec = _spec_for(spec, triads)
        st = ResultsStore(store or default_store_path())
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                          TextColumn("{task.completed:,.0f}/{task.total:,.0f} chunks"),
                          TimeElapsedColumn(), TimeRemainingColumn(), console=err_console,
                          transient=True, disable=not err_console.is_terminal) as bar:
                task = bar.add_task("sweep", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                result = run_sweep(the_spec, st, workers=workers, scheduler=scheduler,
                                   chunk_size=chunk_size, progress=progress,
                                   resume_run_id=resume)
        finally:
            signal.signal(signal.SIGTERM, previous)
        if result.skipped:
            err_console.print(f"skipped {len(result.skipped)} triad(s) that cannot be "
                              "resolved against the data:", highlight=False)
            for s in result.skipped:
                err_console.print(f"  {s['label']}: {s['reason']}", highlight=False,
                                  markup=False)
        table = result.table
        if kind != "table" or output is not None:
            emit(table, fmt, output, title="")
        else:
            runnable = table[table["status"] != "skipped"].reset_index(drop=True)
            # a grid shows its keys' values; a list or the triads their labels
            keys = list(table.columns[1:table.columns.get_loc("tandem")])
            grid = the_spec is not None and the_spec.grid is not None and keys
            display = runnable[keys].copy() if grid else runnable[["scenario"]].copy()
            if len(set(zip(runnable["t0"], runnable["horizon"], strict=True))) > 1:
                display["years"] = [f"{a}–{h}" for a, h in
                                    zip(runnable["t0"], runnable["horizon"], strict=True)]
            for lab, short in _SHORT.items():
                display[short] = runnable[lab].to_numpy()
            horizons = sorted(set(runnable["horizon"].dropna().astype(int)))
            when = f"in {horizons[0]}" if len(horizons) == 1 else "at each horizon"
            emit(display, None, None, digits=3, max_rows=60,
                 title=f"Sweep {result.table.attrs['provenance'].get('sweep', '')}: label "
                       f"probability {when} ({len(runnable)} scenarios)")
        what = (f"{result.n_computed} chunk(s) computed, {result.n_reused} reused"
                if result.n_computed else f"all {result.n_chunks} chunk(s) were already "
                "in the store")
        err_console.print(f"sweep run {result.run_id} in {st.path}: {what}, "
                          f"{result.seconds:.1f} s ({result.workers})", highlight=False,
                          soft_wrap=True)


__all__ = ["register"]
