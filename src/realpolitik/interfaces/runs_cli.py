"""``realpolitik runs``: list, show, export and delete the runs kept in the results store.

Every command takes ``--store PATH`` (default: ``$REALPOLITIK_STORE``, else ``results.duckdb``
in the user's data directory). Run ids may be abbreviated to a unique prefix of four or more
characters. The sub-app is mounted by the main CLI as ``app.add_typer(runs_app, name="runs")``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from realpolitik.errors import InputError

console = Console()
err_console = Console(stderr=True)

runs_app = typer.Typer(
    help="The runs kept in the results store: list, show, export, delete.",
    no_args_is_help=True,
)

StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="The results store file (default: $REALPOLITIK_STORE, else "
                 "results.duckdb in the user data directory)."),
]
RunArg = Annotated[str, typer.Argument(help="Run id (or a unique prefix of 4+ characters).")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table, csv, json or parquet (default: from --output's "
                 "extension, else table)."),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]

_LABEL_SHORT = {"hedging": "hedg", "bandwagoning": "bandw", "soft_balancing": "soft",
                "hard_balancing": "hard", "chain_ganging": "chain", "buck_passing": "buck"}


def _store(path: Path | None) -> Any:
    from realpolitik.store import ResultsStore

    return ResultsStore(path)


def _when(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return "—"
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


@runs_app.command("list")
def runs_list(
    store: StoreOpt = None,
    status: Annotated[str | None, typer.Option("--status", help="Only runs with this status: "
                                               "running, complete, failed, interrupted.")
                      ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """The runs in the store, newest first. Example: realpolitik runs list --status complete"""
    from realpolitik.interfaces.cli import _emit

    st = _store(store)
    frame = st.list_runs()
    if status is not None:
        known = ("running", "complete", "failed", "interrupted")
        if status not in known:
            raise InputError(f"unknown status {status!r}", "use one of " + ", ".join(known))
        frame = frame[frame["status"] == status].reset_index(drop=True)
    if frame.empty and output is None and fmt in (None, "table"):
        err_console.print(f"no runs in {st.path}")
        return
    display = pd.DataFrame({
        "run": frame["run_id"], "status": frame["status"],
        "scenario": frame["scenario_name"].fillna("—"),
        "seed": frame["seed"].map(lambda v: "—" if v is None or v != v else str(int(v))),
        "n": frame["n_trajectories"],
        "years": [f"{a}–{h}" if pd.notna(a) and pd.notna(h) else "—"
                  for a, h in zip(frame["t0"], frame["horizon"], strict=True)],
        "started (UTC)": frame["started_at"].map(_when),
        "seconds": frame["elapsed_s"],
        "chunks": frame["chunks"],
    })
    _emit(frame, fmt, output, title=f"Runs in {st.path}", display=display, digits=1)


@runs_app.command("show")
def runs_show(
    run: RunArg,
    store: StoreOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table or json.")] = None,
) -> None:
    """A run's manifest, versions, timings and (if complete) its yearly label probabilities.

    Example: realpolitik runs show 3f2a9c
    """
    st = _store(store)
    record = st.get_run(run)
    if fmt not in (None, "table", "json"):
        raise InputError(f"unknown format {fmt!r} for `runs show`",
                         "use table or json; `runs export` writes the results to a file")
    if fmt == "json":
        from realpolitik.interfaces.output import _json_default

        sys.stdout.write(json.dumps(record, indent=1, default=_json_default) + "\n")
        return
    table = Table(title=f"Run {record['run_id']}", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    timings = dict(record["timings"])
    t0, horizon = record["t0"], record["horizon"]
    rows = [
        ("status", record["status"] + (f" — {record['error']}" if record["error"] else "")),
        ("scenario", record["scenario_name"] or "—"),
        ("seed", "—" if record["seed"] is None else str(record["seed"])),
        ("trajectories", "—" if record["n_trajectories"] is None
         else f"{record['n_trajectories']:,d}"),
        ("years", f"{t0}–{horizon}" if t0 is not None and horizon is not None else "—"),
        ("package", f"realpolitik {record['package_version']}"),
        ("data", ", ".join(f"{k} {v}" for k, v in record["data_versions"].items()) or "—"),
        ("config hash", str(record["config_hash"])[:16]),
        ("started (UTC)", str(timings.pop("started_at", "—"))),
        ("finished (UTC)", str(timings.pop("finished_at", None) or "—")),
        ("elapsed", "—" if timings.get("elapsed_s") is None
         else f"{timings.pop('elapsed_s'):.2f} s"),
        *((f"  {k}", f"{v:.2f} s" if isinstance(v, (int, float)) else str(v))
          for k, v in timings.items() if k != "elapsed_s"),
        ("process", f"pid {record['pid']} on {record['hostname']}"),
        ("chunks", str(record["chunks"])),
        ("store", record["store"]),
    ]
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)
    if record["status"] != "complete":
        return
    from realpolitik.interfaces.cli import _rich_table

    ds = st.load_dataset(record["run_id"])
    if "probability" in ds and {"year", "label"} <= set(ds["probability"].dims):
        wide = ds["probability"].transpose("year", "label").to_pandas()
        wide.columns = [_LABEL_SHORT.get(str(c), str(c)) for c in wide.columns]
        wide = wide.reset_index()
        for name in ("rg_mean", "ar_mean"):
            if name in ds and ds[name].dims == ("year",):
                wide[name] = ds[name].to_numpy()
        console.print(_rich_table(wide, "Label probability by year", digits=3))


@runs_app.command("export")
def runs_export(
    run: RunArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write: .csv, .json, "
                                         ".parquet or .nc.")],
    store: StoreOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv, json, parquet or "
                                            "netcdf (default: from the extension).")] = None,
) -> None:
    """Write a complete run's summaries as one tidy table (or the netCDF Dataset).

    Example: realpolitik runs export 3f2a9c -o run.parquet
    """
    n = _store(store).export_run(run, output, fmt)
    err_console.print(f"wrote {n:,d} rows to {output}")


@runs_app.command("delete")
def runs_delete(
    run: RunArg,
    store: StoreOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
                   ] = False,
    force: Annotated[bool, typer.Option("--force", help="Delete even a run that is still "
                                        "running in a live process.")] = False,
) -> None:
    """Delete a run, its summaries, chunks and trajectory files.

    Example: realpolitik runs delete 3f2a9c --yes
    """
    st = _store(store)
    record = st.get_run(run)
    rid = record["run_id"]
    if not yes:
        what = f"run {rid} ({record['scenario_name'] or 'no scenario'}, {record['status']})"
        if not typer.confirm(f"delete {what} from {st.path}?", default=False):
            err_console.print("nothing deleted")
            raise typer.Exit(1)
    st.delete_run(rid, force=force)
    err_console.print(f"deleted run {rid}")
