"""The ``forecast`` and ``scenarios`` commands (registered on the main Typer app)."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from realpolitik.errors import InputError
from realpolitik.interfaces.output import parse_years
from realpolitik.models.labels import LABELS

scenarios_app = typer.Typer(help="Scenario files and the bundled presets.", no_args_is_help=True)

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help="Results store (DuckDB file); default: $REALPOLITIK_STORE or the user data "
    "directory.")]


def probability_table(ds: Any, years: list[int] | None = None) -> pd.DataFrame:
    """Label probabilities per year as a frame (selected years, or all)."""
    prob = ds["probability"].to_pandas()
    prob.columns = [str(c) for c in prob.columns]
    prob.index.name = "year"
    frame = prob.reset_index()
    if years:
        frame = frame[frame["year"].isin(years)]
    return frame.reset_index(drop=True)


def _default_years(t0: int, horizon: int) -> list[int]:
    years = [y for y in range(t0 + 1, horizon + 1) if y % 5 == 0]
    return sorted({t0, t0 + 1, *years, horizon})


def register(app: typer.Typer, emit: Any, console: Any, err_console: Any) -> None:
    """Add ``forecast`` and the ``scenarios`` sub-app to ``app``."""

    @app.command()
    def forecast(
        scenario: Annotated[str, typer.Option("--scenario", "-s", help="Scenario file (.yaml/"
                                              ".toml) or preset name.")] = "status-quo",
        trajectories: Annotated[int | None, typer.Option("--trajectories", "-n", help="Number "
                                                         "of trajectories.")] = None,
        seed: Annotated[int | None, typer.Option("--seed", help="Root seed.")] = None,
        years: Annotated[str | None, typer.Option("--years", help="Years to print, e.g. "
                                                  "2025,2030,2040 (default: every 5).")] = None,
        workers: Annotated[int, typer.Option("--workers", "-w", help="Threads (2 on this "
                                             "machine's 2 cores).")] = 2,
        chunk_size: Annotated[int | None, typer.Option("--chunk-size", help="Trajectories per "
                                                       "chunk (multiple of 1024).")] = None,
        fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, csv, json or "
                                                "parquet.")] = None,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the "
                                                    "probabilities to this file.")] = None,
        store: StoreOpt = None,
        no_store: Annotated[bool, typer.Option("--no-store", help="Do not record the run.")
                            ] = False,
        params: Annotated[Path | None, typer.Option("--params", help="Backtest parameter "
                                                    "file (realpolitik calibrate): use its "
                                                    "region map.")] = None,
    ) -> None:
        """Monte Carlo forecast of the tandem's alignment; records the run in the store.

        Example: realpolitik forecast --scenario containment --trajectories 200000 --seed 7
        """
        from realpolitik.simulate.engine import simulate
        from realpolitik.simulate.resolve import resolve
        from realpolitik.simulate.scenario import load_scenario

        if workers < 1 or workers > 64:
            raise InputError(f"--workers {workers}: use 1 to 64")
        sc = load_scenario(scenario)
        if params is not None:
            from realpolitik.simulate.params import apply_to_scenario, load_params

            sc = apply_to_scenario(sc, load_params(params))
        overrides: dict[str, Any] = {}
        if trajectories is not None:
            overrides["trajectories"] = trajectories
        if seed is not None:
            overrides["seed"] = seed
        if chunk_size is not None:
            overrides["chunk_size"] = chunk_size
        if overrides:
            sc = sc.with_overrides(overrides)
        wanted = parse_years(years)
        from realpolitik.interfaces.output import infer_format

        kind = infer_format(fmt, output)
        with err_console.status("resolving the scenario against the data…"):
            resolved = resolve(sc)
        bad = [y for y in wanted if not resolved.t0 <= y <= sc.horizon]
        if bad:
            raise InputError(f"--years {bad} outside the forecast {resolved.t0}–{sc.horizon}")
        store_obj = None
        run_id = None
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            with contextlib.ExitStack() as stack:  # a failed or interrupted run is marked so
                if not no_store:
                    from realpolitik.store import ResultsStore, default_store_path

                    store_obj = ResultsStore(store or default_store_path())
                    run_id = stack.enter_context(store_obj.recording({
                        "scenario_name": sc.name, "config": sc.to_dict(), "seed": sc.seed,
                        "data": resolved.provenance.get("data", {}),
                        "version": resolved.provenance.get("version"),
                        "n_trajectories": sc.trajectories, "t0": resolved.t0,
                        "horizon": sc.horizon, "provenance": resolved.provenance,
                        "workers": workers}))
                with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                              TextColumn("{task.completed:,.0f}/{task.total:,.0f} trajectories"),
                              TimeElapsedColumn(), TimeRemainingColumn(), console=err_console,
                              transient=True, disable=not err_console.is_terminal) as bar:
                    task = bar.add_task(f"forecast {sc.name}", total=sc.trajectories)
                    ds = simulate(resolved, workers=workers,
                                  progress=lambda k: bar.update(task, advance=k))
                if store_obj is not None and run_id is not None:
                    store_obj.write_summary(run_id, ds)
        finally:
            signal.signal(signal.SIGTERM, previous)
        table = probability_table(ds, wanted or _default_years(resolved.t0, sc.horizon))
        table.attrs["provenance"] = {"run_id": run_id, "scenario": sc.to_dict(),
                                     **resolved.provenance, "seed": sc.seed,
                                     "n_trajectories": sc.trajectories}
        if kind != "table" or output is not None:
            emit(table, fmt, output, title="")
        else:
            _print_forecast(console, ds, table, sc, resolved, run_id, store_obj)

    @scenarios_app.command("list")
    def scenarios_list() -> None:
        """The bundled presets."""
        from realpolitik.simulate.scenario import PRESETS, load_preset

        tbl = Table(title="Scenario presets", show_lines=True)
        tbl.add_column("name", no_wrap=True)
        tbl.add_column("description")
        for name in PRESETS:
            tbl.add_row(name, load_preset(name).description)
        console.print(tbl)

    @scenarios_app.command("show")
    def scenarios_show(
        scenario: Annotated[str, typer.Argument(help="Scenario file or preset name.")],
        resolve_data: Annotated[bool, typer.Option("--resolve/--no-resolve", help="Also show "
                                                   "t0 and the estimated growth.")] = True,
    ) -> None:
        """Validate a scenario and show it (with the values estimated from data)."""
        import yaml

        from realpolitik.simulate.scenario import load_scenario

        sc = load_scenario(scenario)
        console.print(yaml.safe_dump(sc.to_dict(), sort_keys=False, allow_unicode=True),
                      highlight=False, markup=False)
        if resolve_data:
            from realpolitik.simulate.resolve import resolve

            r = resolve(sc)
            tbl = Table(title=f"Resolved: t0 = {r.t0}, index {sc.index}")
            for col in ("role", "state", "log power at t0", "drift", "volatility", "source"):
                tbl.add_column(col)
            for i, role in enumerate("ABC"):
                est = r.estimated[role]
                src = "estimated " + "/".join(k for k, v in est.items() if v) if any(
                    est.values()) else "scenario"
                tbl.add_row(role, r.names[i], f"{r.x0[i]:.4f}", f"{r.drift[i]:+.4f}",
                            f"{r.volatility[i]:.4f}", src)
            console.print(tbl)

    @scenarios_app.command("new")
    def scenarios_new(
        path: Annotated[Path, typer.Argument(help="File to write (.yaml).")],
        base: Annotated[str, typer.Option("--from", help="Preset to start from.")
                        ] = "status-quo",
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")
                         ] = False,
    ) -> None:
        """Write a commented scenario template. Example: realpolitik scenarios new my.yaml"""
        from realpolitik.interfaces.output import atomic_write
        from realpolitik.simulate.scenario import scenario_template

        if path.suffix.lower() not in (".yaml", ".yml"):
            raise InputError(f"{path.name}: the template is YAML", "name the file *.yaml")
        if path.exists() and not force:
            raise InputError(f"{path} exists", "choose another name or add --force")
        text = scenario_template(base)
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
        err_console.print(f"wrote {path}; check it with: realpolitik scenarios show {path}")

    app.add_typer(scenarios_app, name="scenarios")


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _print_forecast(console: Any, ds: Any, table: pd.DataFrame, sc: Any, resolved: Any,
                    run_id: str | None, store: Any) -> None:
    tbl = Table(title=f"Forecast {sc.name}: {resolved.names[0]}–{resolved.names[1]} vs "
                f"{resolved.names[2]}, {sc.trajectories:,d} trajectories, seed {sc.seed}")
    short = {"hedging": "hedge", "bandwagoning": "bandw", "soft_balancing": "soft",
             "hard_balancing": "hard", "chain_ganging": "chain", "buck_passing": "buck"}
    tbl.add_column("year", justify="right", no_wrap=True, min_width=4)
    for lab in LABELS:
        tbl.add_column(short[lab], justify="right", no_wrap=True)
    tbl.add_column("Rg med", justify="right", no_wrap=True)
    tbl.add_column("Ar med", justify="right", no_wrap=True)
    tbl.caption = ("probability of each outcome per year (hedging, bandwagoning, soft and hard "
                   "balancing, chain-ganging, buck-passing); Rg/Ar med: medians of the power gap "
                   "and of the adversary's response")
    med_rg = ds["rg_quantile"].sel(quantile=0.5).to_pandas()
    med_ar = ds["ar_quantile"].sel(quantile=0.5).to_pandas()
    for rec in table.to_dict("records"):
        y = int(rec["year"])
        tbl.add_row(str(y), *[f"{rec[lab]:.3f}" for lab in LABELS],
                    f"{med_rg.loc[y]:+.2f}", f"{med_ar.loc[y]:+.2f}")
    console.print(tbl)
    timings = ds.attrs.get("timings", "{}")
    import json

    tm = json.loads(timings)
    rate = tm.get("trajectory_years_per_second", 0)
    where = f"run {run_id} in {store.path}" if run_id and store is not None else "not stored"
    load = tm.get("engine_load_seconds", 0.0)
    loaded = (f" (+{load:.1f} s loading the compiled engine, once per process; the first run "
              "after an install compiles it)" if load >= 0.5 else "")
    console.print(f"simulated {tm.get('trajectory_years', 0):,d} trajectory-years in "
                  f"{tm.get('simulate_seconds', 0):.2f} s ({rate:,.0f}/s){loaded}; {where}",
                  highlight=False)


__all__ = ["probability_table", "register", "scenarios_app"]
