"""``realpolitik report RUN|SCENARIO --output report.html``: the forecast report.

The content (every number and sentence) comes from :func:`realpolitik.report.build_report`; the
HTML and PNG files from :mod:`realpolitik.interfaces.report_html`. This module parses the
options, checks the output paths before any work, shows progress on standard error, and writes
the files atomically.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from realpolitik.errors import InputError
from realpolitik.interfaces.output import parse_years

__all__ = ["register"]


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _check_output(path: Path) -> None:
    if path.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"the report is HTML; {path.name!r} does not end in .html",
                         "e.g. --output report.html")
    if path.is_dir():
        raise InputError(f"--output {str(path)!r} is a folder", "give a file name ending .html")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"folder {str(parent)!r} does not exist",
                         "create it first or choose another --output path")


def register(app: typer.Typer, emit: Any, console: Any, err_console: Any) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command()
    def report(
        target: Annotated[str, typer.Argument(
            metavar="RUN|SCENARIO",
            help="A stored run id (or a unique prefix of 4+ characters), or a scenario preset "
                 "name or file; run:ID or scenario:NAME forces the choice.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")
                          ] = Path("report.html"),
        png: Annotated[Path | None, typer.Option("--png", help="Also write the figures as "
                                                 "PNG (300 dpi) into this folder.")] = None,
        store: Annotated[Path | None, typer.Option(
            "--store", help="Results store (DuckDB file); default: $REALPOLITIK_STORE or the "
            "user data directory.")] = None,
        no_store: Annotated[bool, typer.Option("--no-store", help="Do not record a scenario's "
                                               "forecast in the store.")] = False,
        trajectories: Annotated[int | None, typer.Option(
            "--trajectories", "-n", help="Trajectories of a scenario's forecast (default: "
            "the scenario's).")] = None,
        seed: Annotated[int | None, typer.Option("--seed", help="Root seed of a scenario's "
                                                 "forecast.")] = None,
        no_sensitivity: Annotated[bool, typer.Option(
            "--no-sensitivity", help="Skip the sensitivity screening (the drivers).")] = False,
        years: Annotated[str | None, typer.Option(
            "--years", help="Years the summary describes, e.g. 2030,2040 (default: every "
            "five years and the horizon).")] = None,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Threads of the "
                                             "simulation.")] = 2,
        sweep_scenario: Annotated[str | None, typer.Option(
            "--sweep-scenario", help="For a sweep run: the label of the scenario to report "
            "(without it, the error lists the labels).")] = None,
    ) -> None:
        """One self-contained HTML report of a forecast (opens offline), optionally PNGs.

        Example: realpolitik report status-quo --output report.html --png figures/
        """
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from realpolitik.interfaces.report_html import check_png_folder, write_html, write_pngs
        from realpolitik.report import build_report

        if workers < 1 or workers > 64:
            raise InputError(f"--workers {workers}: use 1 to 64")
        _check_output(output)
        if png is not None:
            check_png_folder(png)
        wanted = parse_years(years)
        t_start = time.perf_counter()
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                          TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
                          TimeElapsedColumn(), console=err_console, transient=True,
                          disable=not err_console.is_terminal) as bar:
                task = bar.add_task("report", total=None)

                def progress(step: str, done: int | None, total: int | None) -> None:
                    bar.update(task, description=step, completed=done or 0, total=total)

                content = build_report(target, store=store, record=not no_store,
                                       trajectories=trajectories, seed=seed, years=wanted,
                                       sensitivity=not no_sensitivity, workers=workers,
                                       progress=progress, sweep_scenario=sweep_scenario)
                progress("drawing the report", None, None)
                size = write_html(content, output)
                pngs = []
                if png is not None:
                    progress(f"drawing PNG figures into {png}", None, None)
                    pngs = write_pngs(content, png)
        finally:
            signal.signal(signal.SIGTERM, previous)
        info = content.info
        where = (f"run {info.run_id} in {info.store}" if info.run_id else "forecast not stored")
        err_console.print(f"wrote {output} ({size / 2**20:.1f} MiB, opens offline) for "
                          f"{escape(str(info.scenario_name))} ({where}) in "
                          f"{time.perf_counter() - t_start:.1f} s", highlight=False)
        if pngs:
            err_console.print(f"wrote {len(pngs)} PNG figures to {png}: "
                              + ", ".join(p.name for p in pngs), highlight=False)
        gaps = sorted(content.missing)
        if gaps:
            err_console.print("sections without data: " + "; ".join(
                f"{k}: {content.missing[k]}" for k in gaps), highlight=False, soft_wrap=True)
