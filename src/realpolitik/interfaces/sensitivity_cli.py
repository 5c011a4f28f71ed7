"""``realpolitik sensitivity``: Sobol or Morris indices of a scenario's label probabilities.

The main CLI mounts the command with :func:`register` (``register(app)``). The analysis itself
is :func:`realpolitik.simulate.sensitivity.sensitivity`; this module adds a progress bar
(standard error), a Rich table grouped by label, and ``--format/--output`` like every command.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from realpolitik.errors import InputError

console = Console()
err_console = Console(stderr=True)


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def _table(frame: pd.DataFrame, method: str, title: str) -> Table:
    """Rows grouped by label (largest ST or μ* first); labels without variance in the caption."""
    from realpolitik.models.labels import LABELS

    key = "ST" if method == "sobol" else "mu_star"
    cols = (["S1", "S1_conf", "ST", "ST_conf"] if method == "sobol"
            else ["mu_star", "mu_star_conf", "mu", "sigma"])
    heads = {"S1": "S1", "S1_conf": "± S1", "ST": "ST", "ST_conf": "± ST", "mu_star": "μ*",
             "mu_star_conf": "± μ*", "mu": "μ", "sigma": "σ"}
    outputs = frame.attrs.get("outputs", {})
    table = Table(title=title, header_style="bold")
    table.add_column("label (P mean)", no_wrap=True)
    table.add_column("parameter", overflow="fold")
    for c in cols:
        table.add_column(heads[c], justify="right", no_wrap=True, min_width=5)
    flat = []
    for label in LABELS:
        rows = frame[frame["label"] == label]
        if rows.empty:
            continue
        if rows[key].isna().all():
            flat.append(f"{label} ({rows['note'].iloc[0]})")
            continue
        rows = rows.sort_values(key, ascending=False, kind="stable")
        mean = outputs.get(label, {}).get("mean", math.nan)
        for i, d in enumerate(rows.to_dict("records")):
            first = f"{label}\n(P {_num(mean)})" if i == 0 else ""
            table.add_row(first, str(d["parameter"]), *[_num(d[c]) for c in cols],
                          end_section=i == len(rows) - 1)
    prov = frame.attrs.get("provenance", {}).get("config", {})
    caption = (f"{prov.get('n_evaluations', '?'):,} evaluations × "
               f"{prov.get('trajectories', 0):,} trajectories (common random numbers), "
               f"seed {frame.attrs.get('provenance', {}).get('seed')}, SALib "
               f"{prov.get('salib', '?')}, {frame.attrs.get('seconds', math.nan):.0f} s")
    caption += "; P mean: over the design"
    if method == "sobol":
        caption += "; ± is the 95 % bootstrap half-width"
    else:
        caption += "; μ*, μ: effect of moving a parameter across its whole range"
    if flat:
        caption += ". Not shown: " + "; ".join(flat)
    table.caption = caption
    return table


def register(app: typer.Typer) -> None:
    """Add the ``sensitivity`` command to ``app``."""

    @app.command(name="sensitivity")
    def sensitivity_cmd(
        scenario: Annotated[str, typer.Argument(help="Scenario file (.yaml/.toml) or preset "
                                                "name, e.g. status-quo.")],
        params: Annotated[str | None, typer.Option(
            "--params", "-p", help="Parameters to vary, KEY=LOW:HIGH separated by commas, "
            "e.g. growth.B.drift=-0.03:0.01,adversary_policy.gain=0:2 (default: drifts of A, "
            "B, C, B's volatility, the adversary's response and two plane thresholds).")
                          ] = None,
        method: Annotated[str, typer.Option("--method", "-m", help="sobol (first-order and "
                                            "total indices) or morris (screening).")
                          ] = "sobol",
        year: Annotated[int | None, typer.Option("--year", "-y", help="Year of the label "
                                                 "probabilities (default: the horizon).")
                        ] = None,
        samples: Annotated[int | None, typer.Option(
            "--samples", "-n", help="Sobol' base sample N, a power of 2 (N·(d+2) runs; "
            "default 128), or Morris trajectories (r·(d+1) runs; default 32).")] = None,
        trajectories: Annotated[int, typer.Option("--trajectories", help="Trajectories per "
                                                  "run (the same draws in every run).")
                                ] = 2048,
        seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: the "
                                                 "scenario's).")] = None,
        workers: Annotated[int, typer.Option("--workers", "-j", help="Worker processes (same "
                                             "result for any number).")] = 1,
        fmt: Annotated[str | None, typer.Option(
            "--format", "-f", help="table, csv, json or parquet (default: from --output's "
            "extension, else table).")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o",
                                                    help="Write to this file.")] = None,
    ) -> None:
        """Which parameters drive the probability of each label at a year (Sobol or Morris).

        Example: realpolitik sensitivity status-quo --params
        growth.B.drift=-0.03:0.01,adversary_policy.gain=0:2 --year 2035
        """
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from realpolitik.interfaces.output import infer_format
        from realpolitik.simulate.scenario import load_scenario
        from realpolitik.simulate.sensitivity import METHODS, parse_params, sensitivity

        if method not in METHODS:
            raise InputError(f"unknown --method {method!r}", "use sobol or morris")
        kind = infer_format(fmt, output)
        sc = load_scenario(scenario)
        specs = parse_params(params, sc) if params is not None else None
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                      console=err_console, transient=True) as bar:
            task = bar.add_task(f"{method}: resolving {sc.name}", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total,
                           description=f"{method}: running {sc.name}")

            frame = sensitivity(sc, specs, method=method, year=year, n_base=samples,
                                trajectories=trajectories, seed=seed, workers=workers,
                                progress=advance)
        cfg = frame.attrs["provenance"]["config"]
        title = (f"{'Sobol indices' if method == 'sobol' else 'Morris screening'} of "
                 f"P(label in {cfg['year']}), {sc.name}")
        if output is not None or kind != "table":
            from realpolitik.interfaces.cli import _emit

            _emit(frame, fmt, output, title=title)
            return
        console.print(_table(frame, method, title))


__all__ = ["register"]
