"""The ``realpolitik`` command line (Typer + Rich).

Every command prints a Rich table by default, or writes ``--format csv|json|parquet`` (to
``--output FILE`` or, for csv/json, to standard output). Errors a user can cause print one line,
``error: …``, and exit with status 2; set ``REALPOLITIK_DEBUG=1`` to see tracebacks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from realpolitik._version import __version__
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.interfaces.output import infer_format, to_json, write_frame

try:  # recent Typer vendors Click; older releases depend on it
    from typer._click import exceptions as click_exc  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef,unused-ignore]

_EXIT: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(click_exc, "Exit", None), typer.Exit) if t is not None)
_ABORT: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(click_exc, "Abort", None), typer.Abort) if t is not None)

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="realpolitik",
    help="Measure, explain and forecast how two powers align against a common adversary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
data_app = typer.Typer(help="The bundled data sets: sources, citations, states.",
                       no_args_is_help=True)
units_app = typer.Typer(
    help="Build units of analysis (state-, dyad-, triad-years) and join measures onto them.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")
app.add_typer(units_app, name="units")

FromOpt = Annotated[int | None, typer.Option("--from", help="First year (inclusive).")]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year (inclusive).")]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table, csv, json or parquet (default: from --output's "
                 "extension, else table)."),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
PlotOpt = Annotated[
    Path | None, typer.Option("--plot", help="Also draw a figure: FILE.png|.pdf|.svg|.html.")
]


def _years(from_: int | None, to: int | None) -> tuple[int, int] | None:
    if from_ is None and to is None:
        return None
    from realpolitik.data.loaders import SYSTEM_END_YEAR, SYSTEM_START_YEAR

    return (from_ if from_ is not None else SYSTEM_START_YEAR,
            to if to is not None else SYSTEM_END_YEAR)


def _fmt(value: Any, digits: int) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def _rich_table(frame: pd.DataFrame, title: str | None = None, digits: int = 4,
                max_rows: int | None = None) -> Table:
    rows = frame if max_rows is None else frame.head(max_rows)
    cells = [[_fmt(v, digits) for v in rec] for rec in rows.itertuples(index=False)]
    widths = [max([len(str(col))] + [len(r[i]) for r in cells]) for i, col in
              enumerate(frame.columns)]
    too_wide = sum(widths) + 3 * len(widths) + 1 > console.width
    if (len(frame.columns) > 9 and max_rows is not None) or (too_wide and len(rows) <= 12):
        return _record_table(frame, title, digits, min(len(rows), 4 if max_rows else 12))
    table = Table(title=title, header_style="bold", show_lines=False)
    for i, col in enumerate(frame.columns):
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        cell_width = max([len(r[i]) for r in cells], default=1)
        table.add_column(str(col), justify="right" if numeric else "left", no_wrap=True,
                         min_width=cell_width, overflow="ellipsis")
    for row in cells:
        table.add_row(*row)
    if max_rows is not None and len(frame) > max_rows:
        table.caption = f"first {max_rows} of {len(frame):,d} rows; use --output to get them all"
    return table


def _record_table(frame: pd.DataFrame, title: str | None, digits: int, n: int) -> Table:
    """A wide frame shown column-per-row (its first ``n`` rows side by side)."""
    table = Table(title=title, header_style="bold")
    table.add_column("column", no_wrap=True)
    head = frame.head(n)
    for i in range(len(head)):
        table.add_column(f"row {i + 1}", justify="right")
    for col in frame.columns:
        table.add_row(str(col), *[_fmt(v, digits) for v in head[col].tolist()])
    if len(frame) > len(head):
        table.caption = (f"{len(frame):,d} rows × {len(frame.columns)} columns; first "
                         f"{len(head)} shown; use --output FILE to get them all")
    return table


def _emit(frame: pd.DataFrame, fmt: str | None, output: Path | None, *, title: str,
          display: pd.DataFrame | None = None, digits: int = 4,
          max_rows: int | None = None) -> None:
    """Show or write a result. ``display`` is the frame to show as a table (e.g. pivoted)."""
    kind = infer_format(fmt, output)
    if output is not None:
        if kind == "table":
            raise InputError("--format table cannot be written to a file",
                             "use --format csv, json or parquet")
        write_frame(frame, output, kind)
        err_console.print(f"wrote {len(frame):,d} rows to {output}")
        return
    if kind == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif kind == "json":
        sys.stdout.write(to_json(frame) + "\n")
    else:
        console.print(_rich_table(display if display is not None else frame, title, digits,
                                  max_rows))


def _version_cb(value: bool) -> None:
    if value:
        from realpolitik.data import manifest

        console.print(f"realpolitik {__version__} (data: {len(manifest())} bundled data sets)")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version_cb, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """realpolitik: neorealist alignment toolkit. Example: realpolitik power CHN RUS USA"""


# ----------------------------------------------------------------------------------------------
@app.command()
def power(
    states: Annotated[list[str], typer.Argument(help="States: COW code, abbreviation, ISO code "
                                                "or name, e.g. CHN RUS USA.")],
    from_: FromOpt = None,
    to: ToOpt = None,
    index: Annotated[str, typer.Option("--index", "-i",
                                       help="cinc, cline or haushofer.")] = "cinc",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """Power of states by year under one index.

    Example: realpolitik power CHN RUS USA --from 1990 --to 2022 --index cinc
    """
    from realpolitik.interfaces.figures import check_figure_path
    from realpolitik.measures.power import power as power_fn

    check_figure_path(plot)
    frame = power_fn(states, years=_years(from_, to), index=index)
    wide = frame.pivot(index="year", columns="stateabb", values="power").reset_index()
    wide.columns.name = None
    from realpolitik.data import resolve_states

    named = [s.abb for s in resolve_states(states)]
    wide = wide[["year", *[abb for abb in named if abb in wide.columns]]]
    _emit(frame, fmt, output, title=f"Power ({index})", display=wide)
    if plot is not None:
        from realpolitik.interfaces.figures import line_figure

        line_figure(frame, "year", "power", "stateabb", plot, f"Power by year ({index})", index)
        err_console.print(f"drew {plot}")


@app.command()
def gap(
    a: Annotated[str, typer.Argument(help="Stronger partner A, e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Weaker partner B, e.g. RUS.")],
    base: Annotated[int | None, typer.Option("--base", "-b", help="Reference year t0 (Rg = 0); "
                                             "default: the latest year with data.")] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    index: Annotated[str, typer.Option("--index", "-i", help="cinc, cline, haushofer, or all "
                                       "(the spread across indices).")] = "cinc",
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """The power gap Rg between two partners relative to a base year (Rg = 1: ratio doubled).

    Example: realpolitik gap CHN RUS --base 2008
    """
    import realpolitik.measures.gap as gap_mod
    from realpolitik.interfaces.figures import check_figure_path

    check_figure_path(plot)
    years = _years(from_, to)
    if index == "all":
        tidy, wide = gap_mod.power_gap_spread(a, b, base=base, years=years)
        shown = wide.attrs.get("base", base)
        _emit(wide, fmt, output, title=f"Power gap Rg across indices (base {shown})")
        frame, group, col = tidy, "index", "rg"
    else:
        frame = gap_mod.power_gap(a, b, base=base, years=years, index=index)
        _emit(frame, fmt, output,
              title=f"Power gap Rg, {index} (base {frame.attrs.get('base', base)})")
        group, col = None, "rg"
    if plot is not None:
        from realpolitik.interfaces.figures import line_figure

        line_figure(frame, "year", col, group, plot, f"Power gap Rg ({a} vs {b})", "Rg",
                    hline=0.0, vline=frame.attrs.get("base", base))
        err_console.print(f"drew {plot}")


# ----------------------------------------------------------------------------------------------
MapOpt = Annotated[str, typer.Option("--map", help="Region map: default or quadrant.")]


@app.command()
def plane(
    a: Annotated[str, typer.Argument(help="Partner A, e.g. CHN.")],
    b: Annotated[str, typer.Argument(help="Partner B, e.g. RUS.")],
    c: Annotated[str, typer.Argument(help="Adversary C, e.g. USA (several: USA,JPN).")],
    from_: FromOpt = None,
    to: ToOpt = None,
    base: Annotated[int | None, typer.Option("--base", "-b", help="Reference year t0, the "
                                             "origin (default: latest year with data).")] = None,
    index: Annotated[str, typer.Option("--index", "-i", help="Power index for Rg and the "
                                       "threat's power component.")] = "cinc",
    region_map: MapOpt = "default",
    params: Annotated[Path | None, typer.Option("--params", help="Backtest parameter file "
                                                "(realpolitik calibrate): its region map, "
                                                "threat weights and scales s_g, s_a; replaces "
                                                "--map.")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """The triad's yearly path on the alignment plane (Rg, Ar), classified (figure 2).

    Example: realpolitik plane CHN RUS USA --from 1992 --to 2022 --base 2008 --plot plane.png
    """
    from realpolitik.interfaces.figures import check_figure_path
    from realpolitik.measures.trajectory import trajectory
    from realpolitik.models import plane as plane_model

    check_figure_path(plot)
    adversary: str | list[str] = [x.strip() for x in c.split(",")] if "," in c else c
    the_map = plane_model.get_map(region_map)
    fitted: dict[str, Any] = {}
    if params is not None:
        from realpolitik.simulate.params import load_params, region_map_of, threat_weights_of

        pm = load_params(params)
        the_map = region_map_of(pm)
        fitted = {"threat_weights": threat_weights_of(pm), "gap_scale": pm.transform.s_g,
                  "threat_scale": pm.transform.s_a}
    frame = trajectory(a, b, adversary, years=_years(from_, to), base=base, index=index,
                       region_map=the_map, **fitted)
    shown_base = frame.attrs.get("base", base)
    display = frame[["year", "rg", "ar", "ar_A", "ar_B", "label", "p_label"]]
    _emit(frame, fmt, output, display=display,
          title=f"Alignment plane: {a}–{b} vs {c} (base {shown_base}, {index})")
    if plot is not None:
        from realpolitik.interfaces.figures import plane_figure

        box = plane_model.plot_box(frame["rg"].to_numpy(), frame["ar"].to_numpy())
        plane_figure(frame, plane_model.region_polygons(the_map, *box),
                     plane_model.region_anchors(the_map, *box), box,
                     plot, f"{a}–{b} against {c}: alignment plane (base {shown_base})")
        err_console.print(f"drew {plot}")


@app.command()
def classify(
    rg: Annotated[list[float], typer.Option("--rg", help="Power gap Rg (repeat for several "
                                            "points).")],
    ar: Annotated[list[float], typer.Option("--ar", help="Adversary's response Ar (as many as "
                                            "--rg).")],
    soft: Annotated[bool, typer.Option("--soft", help="Also print the probability of each "
                                       "label.")] = False,
    region_map: MapOpt = "default",
    temperature: Annotated[float | None, typer.Option("--temperature", "-t", help="Soft "
                           "classifier temperature (default: the map's).")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Classify points of the alignment plane. Example: realpolitik classify --rg 0.1 --ar 0.4
    --soft"""
    from realpolitik.models import plane as plane_model

    if len(rg) != len(ar):
        raise InputError(f"{len(rg)} --rg value(s) but {len(ar)} --ar value(s)",
                         "give one --ar for each --rg")
    frame = plane_model.classify_table(rg, ar, plane_model.get_map(region_map),
                                       temperature=temperature, soft=soft)
    _emit(frame, fmt, output, title="Alignment plane: classification")


@app.command()
def leeway(
    a: Annotated[str, typer.Argument(help="Partner A.")],
    b: Annotated[str, typer.Argument(help="Partner B.")],
    c: Annotated[str, typer.Argument(help="Adversary C.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Year of the data.")],
    index: Annotated[str, typer.Option("--index", "-i", help="Power index.")] = "cinc",
    ar: Annotated[float | None, typer.Option("--ar", help="Adversary pressure Ar (default 0, "
                                             "today's level).")] = None,
    regions: Annotated[bool, typer.Option("--regions", help="Show every region, not only the "
                                          "totals.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    plot: PlotOpt = None,
) -> None:
    """The two-level leeway game for a tandem in a year (figure 1).

    Example: realpolitik leeway CHN RUS USA --year 2020 --plot leeway.png
    """
    from realpolitik.interfaces.figures import check_figure_path
    from realpolitik.measures.leeway_inputs import leeway_consistency, leeway_table

    check_figure_path(plot)
    frame = leeway_table(a, b, c, year, index=index, ar=ar)
    shown = frame if regions else frame[frame["component"].isin(["macro", "total"])]
    cols = ["stateabb", "component", "standalone", "cooperative", "macro_gain",
            "micro_transfer", "dissipation", "confrontation_cost", "net"]
    _emit(frame, fmt, output, display=shown[cols],
          title=f"Leeway of {a} and {b} against {c}, {year} ({index})")
    if output is None and infer_format(fmt, None) == "table":
        report = leeway_consistency(a, b, c, year, index=index, ar=ar)
        rec = report.iloc[0]
        console.print(f"plane: [bold]{rec['plane_label']}[/]   leeway game: "
                      f"[bold]{rec['leeway_label']}[/]   "
                      f"{'agree' if bool(rec['agree']) else 'DISAGREE'} — {rec['reason']}")
    if plot is not None:
        from realpolitik.interfaces.figures import leeway_figure

        leeway_figure(frame[frame["component"] == "total"], plot,
                      f"Leeway of {a} and {b} against {c}, {year}: alone (t) vs together (t′)")
        err_console.print(f"drew {plot}")


@app.command()
def strategy(
    a: Annotated[str, typer.Argument(help="Partner A.")],
    b: Annotated[str, typer.Argument(help="Partner B.")],
    c: Annotated[str, typer.Argument(help="Adversary C.")],
    year: Annotated[int, typer.Option("--year", "-y", help="Year of the data.")],
    index: Annotated[str, typer.Option("--index", "-i", help="How Beaufre's 'means' are "
                                       "measured: military, forces, cinc, cline, haushofer.")
                     ] = "military",
    stakes: Annotated[float, typer.Option("--stakes", help="Stakes for the tandem, 0–1.")] = 0.75,
    freedom: Annotated[float, typer.Option("--freedom", help="Freedom of action, 0–1.")] = 0.25,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """Beaufre's S = k·F·Ψ·τ per actor and domain, the tandem's ratio and strategic pattern.

    Example: realpolitik strategy CHN RUS USA --year 2020
    """
    from realpolitik.measures.strategy_inputs import strategy_table

    frame = strategy_table(a, b, c, year, index=index, stakes=stakes, freedom=freedom)
    cols = ["stateabb", "domain", "F", "psi", "tau", "k", "log_S", "tandem_ratio"]
    _emit(frame, fmt, output, display=frame[cols],
          title=f"Beaufre strategy: {a}+{b} vs {c}, {year}")
    if output is None and infer_format(fmt, None) == "table":
        info = frame.attrs.get("strategy", {})
        ratio = info.get("tandem_ratio", {}).get("overall", float("nan"))
        console.print(f"tandem ratio (S_A + S_B)/S_C overall: [bold]{_fmt(ratio, 3)}[/]; "
                      f"means ratio ({info.get('means_index')}): "
                      f"{_fmt(info.get('means_ratio'), 3)} → pattern: "
                      f"[bold]{str(info.get('pattern', '')).replace('_', ' ')}[/]")


# ----------------------------------------------------------------------------------------------
WithOpt = Annotated[
    str | None,
    typer.Option("--with", "-w", help="Comma-separated measures to join, e.g. "
                 "capabilities,alliances (see `realpolitik data measures`)."),
]


def _with(frame: pd.DataFrame, steps: str | None) -> pd.DataFrame:
    from realpolitik.measures.registry import apply_steps

    names = [s.strip() for s in (steps or "").split(",") if s.strip()]
    return apply_steps(frame, names)


def _units_out(frame: pd.DataFrame, fmt: str | None, output: Path | None, title: str) -> None:
    _emit(frame, fmt, output, title=title, max_rows=20)


@units_app.command("state-years")
def units_state_years(
    from_: FromOpt = None, to: ToOpt = None,
    states: Annotated[str | None, typer.Option("--states", help="Comma-separated states.")] = None,
    with_: WithOpt = None, fmt: FormatOpt = None, output: OutputOpt = None,
) -> None:
    """State-years of COW membership. Example: realpolitik units state-years --from 1990 --with
    capabilities -o sy.parquet"""
    from realpolitik.units import state_years

    chosen = [s.strip() for s in states.split(",")] if states else None
    frame = _with(state_years(_years(from_, to), chosen), with_)
    _units_out(frame, fmt, output, "State-years")


@units_app.command("dyad-years")
def units_dyad_years(
    from_: FromOpt = None, to: ToOpt = None,
    undirected: Annotated[bool, typer.Option("--undirected", help="One row per unordered "
                                             "pair (ccode1 < ccode2).")] = False,
    states: Annotated[str | None, typer.Option("--states", help="Comma-separated states: keep "
                                               "dyads among them.")] = None,
    with_: WithOpt = None, fmt: FormatOpt = None, output: OutputOpt = None,
) -> None:
    """Dyad-years of COW membership. Example: realpolitik units dyad-years --from 1816 --to 2022
    --with capabilities,alliances --output ddy.parquet"""
    from realpolitik.units import dyad_years

    chosen = [s.strip() for s in states.split(",")] if states else None
    frame = _with(dyad_years(not undirected, _years(from_, to), chosen), with_)
    _units_out(frame, fmt, output, "Dyad-years")


@units_app.command("triad-years")
def units_triad_years(
    a: Annotated[str, typer.Argument(help="Partner A.")],
    b: Annotated[str, typer.Argument(help="Partner B.")],
    c: Annotated[str, typer.Argument(help="Adversary C.")],
    from_: FromOpt = None, to: ToOpt = None,
    with_: WithOpt = None, fmt: FormatOpt = None, output: OutputOpt = None,
) -> None:
    """Years in which a triad coexists. Example: realpolitik units triad-years CHN RUS USA
    --with capabilities,alliances"""
    from realpolitik.units import triad_years

    frame = _with(triad_years(a, b, c, _years(from_, to)), with_)
    _units_out(frame, fmt, output, "Triad-years")


# ----------------------------------------------------------------------------------------------
@data_app.command("sources")
def data_sources(fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """Each bundled data set with its version, coverage and citation."""
    from realpolitik.data import sources

    frame = sources()
    if infer_format(fmt, output) == "table" and output is None:
        table = Table(title="Bundled data sets", show_lines=True)
        for col in ("key", "title", "version", "coverage", "rows", "citation"):
            table.add_column(col, overflow="fold", justify="right" if col == "rows" else "left")
        for rec in frame.to_dict("records"):
            table.add_row(str(rec["key"]), str(rec["title"]), str(rec["version"]),
                          str(rec["coverage"]), f"{int(rec['rows']):,d}", str(rec["citation"]))
        console.print(table)
        return
    _emit(frame, fmt, output, title="Bundled data sets")


@data_app.command("cite")
def data_cite(keys: Annotated[list[str] | None, typer.Argument(
        help="Data set keys (default: all, plus the package).")] = None) -> None:
    """BibTeX for bundled data sets. Example: realpolitik data cite nmc atop_ddy"""
    from realpolitik.data import cite

    sys.stdout.write(cite(*(keys or [])))


@data_app.command("states")
def data_states(
    year: Annotated[int | None, typer.Option("--year", help="Only members in this year.")] = None,
    fmt: FormatOpt = None, output: OutputOpt = None,
) -> None:
    """The states the resolver knows (COW code, abbreviation, ISO-3, name, membership)."""
    from realpolitik.data import all_states

    rows = [{"ccode": s.ccode, "abb": s.abb, "iso3": s.iso3 or "", "name": s.name,
             "membership": s.membership()} for s in all_states()
            if year is None or s.is_member(year)]
    if not rows:
        raise InputError(f"no state was a member in {year}", "choose a year from 1816 to 2024")
    _emit(pd.DataFrame(rows), fmt, output, title="States")


@data_app.command("measures")
def data_measures() -> None:
    """The measures that `--with` can join onto units."""
    from realpolitik.measures.registry import describe

    table = Table(title="Measures for --with")
    table.add_column("name")
    table.add_column("what")
    for name, what in describe().items():
        table.add_row(name, what)
    console.print(table)


# ----------------------------------------------------------------------------------------------
def _register_subcommands() -> None:
    from realpolitik.interfaces.backtest_cli import register as register_backtest
    from realpolitik.interfaces.forecast_cli import register as register_forecast
    from realpolitik.interfaces.report_cli import register as register_report
    from realpolitik.interfaces.runs_cli import runs_app
    from realpolitik.interfaces.sensitivity_cli import register as register_sensitivity
    from realpolitik.interfaces.serve_cli import register as register_serve
    from realpolitik.interfaces.sweep_cli import register as register_sweep

    register_forecast(app, _emit, console, err_console)
    register_backtest(app, _emit, console, err_console)
    register_sensitivity(app)
    register_sweep(app, _emit, console, err_console)
    register_report(app, _emit, console, err_console)
    register_serve(app, _emit, console, err_console)
    app.add_typer(runs_app, name="runs")


_register_subcommands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning user errors into one line and exit status 2."""
    debug = os.environ.get("REALPOLITIK_DEBUG") == "1"
    try:
        rv = app(args=argv, standalone_mode=False, prog_name="realpolitik")
        if isinstance(rv, int) and not isinstance(rv, bool) and rv != 0:
            if rv == 130:  # Typer turns Ctrl-C into exit status 130
                err_console.print("interrupted: nothing was written for the unfinished work")
            return rv
    except RealpolitikError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        return 2
    except click_exc.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            return 0
        msg = exc.format_message()
        if exc.ctx is not None:
            msg += f" (see `{exc.ctx.command_path} --help`)"
        err_console.print(f"[bold red]error:[/] {msg}", highlight=False, soft_wrap=True)
        return 2
    except _ABORT:
        err_console.print("aborted")
        return 130
    except _EXIT as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except (BrokenPipeError, KeyboardInterrupt):
        return 130
    except Exception as exc:  # a bug, not a user error
        if debug:
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc} — please report it with "
            "the command you ran (REALPOLITIK_DEBUG=1 shows the traceback)",
            highlight=False, soft_wrap=True,
        )
        return 1
    return 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
