"""The ``backtest`` and ``calibrate`` commands (registered on the main Typer app).

``realpolitik backtest [CASES.csv|dev]`` scores a parameter file (default: the one fitted on the
development cases that ships with the package) against labelled episodes: a per-case table,
the scores beside the baselines, the confusion matrix and the cases the data cannot cover.
``realpolitik calibrate CASES.csv --output PARAMS.yaml`` fits the parameters with
cross-validation and writes the file. The arithmetic is in :mod:`realpolitik.simulate.backtest`,
the data access in :mod:`realpolitik.measures.backtest_features`; see
``docs/discussion/backtest.md`` for what the numbers mean.
"""

from __future__ import annotations

import json
import math
import shlex
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from realpolitik.errors import InputError
from realpolitik.models.labels import LABELS

_SHORT = {"hedging": "hedge", "bandwagoning": "bandw", "soft_balancing": "soft",
          "hard_balancing": "hard", "chain_ganging": "chain", "buck_passing": "buck"}
_BASELINE_NAMES = {"majority": "majority class", "base_rates": "base rates",
                   "capability_ratio": "capability ratio", "default_params":
                   "defaults (unfitted)"}

CasesArg = Annotated[str, typer.Argument(
    help="Cases CSV with the columns of dev_cases.csv, or 'dev' for the development cases "
    "shipped with realpolitik.")]
IndexOpt = Annotated[str | None, typer.Option(
    "--index", "-i", help="Power index: cinc, cline or haushofer (backtest: default the "
    "parameter file's).")]


def _num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{digits}f}"


def _scores_table(title: str, model_name: str, scores: dict[str, dict[str, Any]],
                  baselines: dict[str, dict[str, dict[str, Any]]],
                  extra: list[tuple[str, dict[str, dict[str, Any]]]] | None = None,
                  subset: str = "high_medium") -> Table:
    """One row per classifier: accuracy, macro-F1, Brier, log loss and n on one subset."""
    tbl = Table(title=title, header_style="bold")
    tbl.add_column("classifier", no_wrap=True)
    for m in ("accuracy", "macro-F1", "Brier", "log loss", "n"):
        tbl.add_column(m, justify="right", no_wrap=True, min_width=len(m))

    def row(name: str, block: dict[str, dict[str, Any]], style: str | None = None,
            end: bool = False) -> None:
        b = block[subset]
        cells = [_num(b[k]) for k in ("accuracy", "macro_f1", "brier", "log_loss")]
        unscorable = f" (+{b['n_unscorable']})" if b["n_unscorable"] else ""
        tbl.add_row(name, *cells, f"{b['n_scored']}{unscorable}", style=style,
                    end_section=end)

    row(model_name, scores, "bold", end=True)
    for key, block in baselines.items():
        row(_BASELINE_NAMES.get(key, key), block)
    for name, block in extra or []:
        if subset in block:
            row(name, block, "dim")
    tbl.caption = ("n: cases scored (+ not scorable); Brier 0–2 and log loss: lower is better; "
                   "baselines scored on the same cases")
    return tbl


def _print_scores(console: Any, what: str, model_name: str, scores: dict[str, Any],
                  baselines: dict[str, Any], extra: list[tuple[str, Any]]) -> None:
    for subset, name in (("high_medium", "high + medium rows (headline)"),
                         ("all", "all rows")):
        console.print(_scores_table(f"{what}: {name}", model_name, scores, baselines, extra,
                                    subset))


def _confusion_table(title: str, matrix: list[list[int]]) -> Table:
    tbl = Table(title=title, header_style="bold")
    tbl.add_column("true \\ predicted", no_wrap=True)
    for lab in LABELS:
        tbl.add_column(_SHORT[lab], justify="right", no_wrap=True)
    tbl.add_column("recall", justify="right", no_wrap=True)
    for i, lab in enumerate(LABELS):
        n = sum(matrix[i])
        tbl.add_row(lab, *[str(v) if v else "·" for v in matrix[i]],
                    _num(matrix[i][i] / n, 2) if n else "—")
    return tbl


def _cases_table(frame: pd.DataFrame, title: str) -> Table:
    tbl = Table(title=title, header_style="bold")
    tbl.add_column("case", no_wrap=True, min_width=7)
    tbl.add_column("stronger–weaker vs adversary, year", overflow="fold")
    tbl.add_column("conf", no_wrap=True)
    tbl.add_column("outcome", no_wrap=True)
    tbl.add_column("predicted", no_wrap=True)
    tbl.add_column("p(out.)", justify="right", no_wrap=True)
    tbl.add_column("", no_wrap=True)
    for r in frame.to_dict("records"):
        advs = ";".join(a.split("/")[0] for a in str(r["adversary"]).split(";"))
        pair = f"{r['stronger']}–{r['weaker']} vs {advs}, {r['year_start']}"
        by = str(r["scored_by"])
        cv = " [dim]‡[/]" if "in-sample" in by else "" if by.startswith("cv") else " [dim]†[/]"
        if r["scorable"]:
            mark = "[green]✓[/]" if r["correct"] else "[red]✗[/]"
            tbl.add_row(str(r["case_id"]) + cv, pair, str(r["confidence"])[:3],
                        _SHORT[r["outcome"]], _SHORT[str(r["predicted"])], _num(r["p_true"], 2),
                        mark)
        else:
            tbl.add_row(str(r["case_id"]), pair, str(r["confidence"])[:3],
                        _SHORT[r["outcome"]], "[yellow]—[/]", "—", "[yellow]?[/]")
    tbl.caption = ("✓/✗ the predicted (hard) label is / is not the outcome; ? not scorable "
                   "(reasons below); unmarked: scored out of fold by its cross-validation "
                   "fit; † by the final fit, which never saw it; ‡ in-sample; p(out.): the "
                   "probability given to the outcome; the JSON/CSV output has g, Ar and every "
                   "probability")
    return tbl


def _params_source(params_path: Path | None) -> Any:
    from realpolitik.simulate.params import load_params, shipped_params

    return shipped_params() if params_path is None else load_params(params_path)


def _write_json(doc: dict[str, Any], output: Path | None) -> str:
    text = json.dumps(doc, indent=1, default=lambda v: None if v != v else str(v))
    if output is not None:
        from realpolitik.interfaces.output import atomic_write

        atomic_write(output, lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return text


def register(app: typer.Typer, emit: Any, console: Any, err_console: Any) -> None:
    """Add ``backtest`` and ``calibrate`` to ``app``."""

    @app.command(name="backtest")
    def backtest_cmd(
        cases: CasesArg = "dev",
        params: Annotated[Path | None, typer.Option(
            "--params", "-p", help="Parameter file from `realpolitik calibrate` (default: "
            "the parameters fitted on the development cases, shipped with realpolitik).")
                          ] = None,
        index: IndexOpt = None,
        fmt: Annotated[str | None, typer.Option(
            "--format", "-f", help="table, json (scores, baselines and cases), csv or parquet "
            "(the per-case table).")] = None,
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Write to this file (format from its extension).")] = None,
    ) -> None:
        """Score the alignment classifier against labelled episodes, beside baselines.

        Cases a parameter file held out in cross-validation are scored by that fold's fit (out
        of fold); other cases by the final fit. Example: realpolitik backtest dev --format json
        """
        from realpolitik.interfaces.output import infer_format
        from realpolitik.measures.backtest_features import case_features, read_cases
        from realpolitik.simulate.backtest import backtest

        kind = infer_format(fmt, output)
        p = _params_source(params)
        if index is not None and index.lower() != p.index:
            raise InputError(f"--index {index}: the parameters were fitted on the {p.index} "
                             "index", f"drop --index, or fit parameters for {index} with "
                             f"`realpolitik calibrate CASES --index {index} --output FILE`")
        table = read_cases(cases)
        with err_console.status("computing the level features of each case…"):
            features = case_features(table, p.index)
        report = backtest(features, p)
        if kind == "json":
            text = _write_json(report.to_dict(), output)
            if output is None:
                sys.stdout.write(text + "\n")
            else:
                err_console.print(f"wrote the backtest of {len(features)} cases to {output}")
            return
        if kind != "table" or output is not None:
            emit(report.cases, fmt, output, title="Backtest")
            return
        _print_backtest(console, report, p, table, params)

    @app.command(name="calibrate")
    def calibrate_cmd(
        cases: CasesArg = "dev",
        output: Annotated[Path | None, typer.Option(
            "--output", "-o", help="Parameter file to write (.yaml or .json).")] = None,
        folds: Annotated[str, typer.Option(
            "--folds", help="Cross-validation: loo (leave-one-out) or K stratified folds.")
                         ] = "loo",
        seed: Annotated[int, typer.Option("--seed", help="Root seed of the optimiser.")
                        ] = 20260101,
        index: IndexOpt = None,
        workers: Annotated[int, typer.Option(
            "--workers", "-w", help="Processes fitting folds in parallel (the result does not "
            "depend on it).")] = 2,
        maxiter: Annotated[int, typer.Option(
            "--maxiter", help="Generations of differential evolution per fit (fewer: faster, "
            "rougher).")] = 300,
        popsize: Annotated[int, typer.Option(
            "--popsize", help="Population of differential evolution, per parameter.")] = 15,
    ) -> None:
        """Fit the map's thresholds and the threat weights by cross-validation; write them.

        The headline is the cross-validated score; the in-sample score is shown beside it.
        Example: realpolitik calibrate dev --output params.yaml --folds loo --seed 20260101
        """
        from realpolitik.measures.backtest_features import case_features, read_cases
        from realpolitik.simulate.backtest import calibrate
        from realpolitik.simulate.params import save_params

        if output is None:
            raise InputError("calibrate needs --output FILE.yaml",
                             "e.g. realpolitik calibrate dev --output params.yaml")
        if output.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise InputError(f"--output {output.name}: a parameter file is .yaml or .json",
                             "e.g. --output params.yaml")
        if not (output.parent if str(output.parent) else Path(".")).is_dir():
            raise InputError(f"folder {str(output.parent)!r} does not exist",
                             "create it first or choose another --output path")
        k: int | str = folds.strip().lower()
        if k != "loo":
            if not str(k).isdigit() or int(k) < 2:
                raise InputError(f"--folds {folds}: use loo or a whole number ≥ 2",
                                 "e.g. --folds loo or --folds 5")
            k = int(k)
        if not 1 <= workers <= 64:
            raise InputError(f"--workers {workers}: use 1 to 64")
        if maxiter < 1 or popsize < 2:
            raise InputError(f"--maxiter {maxiter} / --popsize {popsize}: use maxiter ≥ 1 "
                             "and popsize ≥ 2", "the defaults are 300 and 15")
        from realpolitik.simulate.backtest import FitBudget

        budget = FitBudget(popsize=popsize, maxiter=maxiter)
        idx = (index or "cinc").lower()
        table = read_cases(cases)
        with err_console.status("computing the level features of each case…"):
            features = case_features(table, idx)
        command = shlex.join(["realpolitik", "calibrate", cases, "--output", str(output),
                              "--folds", str(k), "--seed", str(seed), "--index", idx,
                              "--maxiter", str(maxiter), "--popsize", str(popsize)])
        start = time.perf_counter()
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total} fits"), TimeElapsedColumn(),
                      console=err_console, transient=True,
                      disable=not err_console.is_terminal) as bar:
            task = bar.add_task("cross-validating", total=None)

            def progress(done: int, total: int, what: str) -> None:
                bar.update(task, completed=done, total=total, description=what)

            params = calibrate(features, folds=k, seed=seed, command=command,  # type: ignore[arg-type]
                               progress=progress, workers=workers, budget=budget)
        seconds = time.perf_counter() - start
        save_params(params, output)
        _print_calibration(console, params, features, seconds)
        err_console.print(f"wrote {output}; use it with: realpolitik backtest {cases} "
                          f"--params {output}")


def _print_backtest(console: Any, report: Any, params: Any, cases: pd.DataFrame,
                    params_path: Path | None) -> None:
    src = cases.attrs.get("source", "cases")
    which = "shipped parameters" if params_path is None else str(params_path)
    console.print(_cases_table(report.cases, f"Backtest of the {which} on {src} "
                                             f"({params.index})"))
    by = report.cases["scored_by"].astype(str)
    n_cv = int(by.str.startswith("cv").sum())
    mode = (f"{n_cv} case(s) scored out of fold by their cross-validation fit, "
            f"{int(by.str.contains('not fitted on').sum())} by the final fit (never fitted on "
            "them)")
    if not params.fitted:
        mode = "default parameters (nothing fitted); baselines cross-validated leave-one-out"
    extra = []
    if params.in_sample is not None and n_cv:
        extra.append(("in-sample (not skill)",
                      {k: v.model_dump() for k, v in params.in_sample.items()}))
    _print_scores(console, "Scores", "classifier (CV)" if n_cv else "classifier",
                  report.scores, report.baselines, extra)
    gp = report.scores["great_powers"]
    gp_cap = report.baselines["capability_ratio"]["great_powers"]
    console.print(f"{mode}. Great-power pairs: accuracy {_num(gp['accuracy'])} on "
                  f"{gp['n_scored']} (capability-ratio rule {_num(gp_cap['accuracy'])}).",
                  highlight=False)
    console.print(_confusion_table("Confusion, high+medium rows (rows: true label)",
                                   report.scores["high_medium"]["confusion_matrix"]))
    console.print(_confusion_table("Confusion, all rows", report.scores["all"]
                                   ["confusion_matrix"]))
    bad = report.cases[~report.cases["scorable"].astype(bool)]
    if len(bad):
        console.print(f"[yellow]{len(bad)} case(s) not scorable[/] (kept out of every score, "
                      "never guessed):", highlight=False)
        for r in bad.to_dict("records"):
            console.print(f"  {r['case_id']} (row {r['row']}): {r['reason']}", highlight=False)
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)


def _print_calibration(console: Any, params: Any, features: pd.DataFrame,
                       seconds: float) -> None:
    cv = params.cv
    scores = {"all": cv.all.model_dump(), "high_medium": cv.high_medium.model_dump()}
    baselines = {k: {s: b[s].model_dump() for s in ("all", "high_medium")}
                 for k, b in cv.baselines.items()}
    extra = [("in-sample (not skill)",
              {k: v.model_dump() for k, v in params.in_sample.items()})]
    n_fit = params.fitted_on.n_fit
    folds = "leave-one-out" if cv.folds == "loo" else f"{cv.folds}-fold stratified"
    console.print(f"Cross-validated ({folds}) on the {n_fit} scorable high+medium cases; the "
                  "low rows, never fitted on, are predicted by the final fit.",
                  highlight=False)
    _print_scores(console, "Cross-validated scores", "classifier (CV)", scores,
                  baselines, extra)
    m = params.region_map
    w = params.threat_weights
    t = params.transform
    console.print(
        f"final fit: c_g {t.c_g:.3f}, s_g {t.s_g:.3f}, c_a {t.c_a:.3f}, s_a {t.s_a:.3f}; "
        f"a_S {m.a_S:.3f}, a_H {m.a_H:.3f}, a_C {m.a_C:.3f}, r_B0 {m.r_B0:.3f}, "
        f"beta {m.beta:.3f}, r_P {m.r_P:.3f}, r_C {m.r_C:.3f}, T {m.temperature:.3f}; "
        f"weights power {w.power:.2f}, proximity {w.proximity:.2f}, offense {w.offense:.2f}, "
        f"intentions {w.intentions:.2f}; {len(params.folds)} folds in {seconds:.0f} s",
        highlight=False)
    from realpolitik.simulate.backtest import predict

    pred = predict(features, params)
    for r, why in zip(features.to_dict("records"), pred["reason"], strict=True):
        if why:
            console.print(f"[yellow]not scorable:[/] {r['case_id']} (row {r['row']}): {why}",
                          highlight=False)


__all__ = ["register"]
