"""`realpolitik report`: the content layer, the self-contained HTML, the PNGs, bad input, and
the report for the default forecast opened in headless Chromium."""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from realpolitik.errors import InputError
from realpolitik.interfaces import report_html
from realpolitik.interfaces.cli import main
from realpolitik.models.labels import LABELS
from realpolitik.report import (
    Driver,
    ReportContent,
    build_report,
    describe_parameter,
    fan_bands,
    identify,
    label_text,
    outcomes,
    summarize,
)
from realpolitik.report.content import check_years, spread_sentence
from realpolitik.store import ResultsStore

N_TRAJ = 100_000  # the status-quo preset's own: the report of the default forecast


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the default report, built once ---------------------------------------------------------
@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`realpolitik report status-quo` — the default forecast as it ships (100,000
    trajectories, with the sensitivity screening) — into a fresh store, with --png."""
    root = tmp_path_factory.mktemp("report")
    store = root / "results.duckdb"
    html = root / "report.html"
    png = root / "figures"
    code = main(["report", "status-quo", "--output", str(html), "--png", str(png),
                 "--store", str(store)])
    runs = ResultsStore(store).list_runs()
    run_id = str(runs["run_id"].iloc[0]) if len(runs) else ""
    ds = ResultsStore(store).load_dataset(run_id) if run_id else None
    return {"code": code, "root": root, "store": store, "html": html, "png": png,
            "run_id": run_id, "ds": ds, "runs": runs}


@pytest.fixture(scope="module")
def content(made: dict[str, Any]) -> ReportContent:
    """The content rebuilt from the stored run (no sensitivity: fast)."""
    return build_report(made["run_id"], store=made["store"], sensitivity=False)


def test_default_report_is_written_and_recorded(made: dict[str, Any]) -> None:
    assert made["code"] == 0
    assert made["html"].stat().st_size > 1_000_000  # plotly.js inline
    runs = made["runs"]
    assert len(runs) == 1 and runs["status"].iloc[0] == "complete"
    assert int(runs["n_trajectories"].iloc[0]) == N_TRAJ
    leftovers = [p.name for p in made["root"].iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_png_figures_exist_and_are_pngs(made: dict[str, Any]) -> None:
    files = sorted(p.name for p in made["png"].iterdir())
    assert files == sorted(f"{k}.png" for k in report_html.FIGURES)
    for name in files:
        data = (made["png"] / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(data[16:20], "big")
        assert width >= 2000  # 300 dpi


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "data", "poster", "srcset") and value is not None:
                self.refs.append((tag, name, value))


def test_html_is_self_contained(made: dict[str, Any]) -> None:
    text = made["html"].read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    external = [r for r in parser.refs if re.match(r"\s*(https?:)?//", r[2], re.I)]
    assert external == []
    assert "link" not in parser.tags  # no stylesheet or font from anywhere
    assert all(tag != "script" or name != "src" for tag, name, _ in parser.refs)
    assert len(re.findall(r"\* plotly\.js v\d", text)) == 1  # plotly.js embedded once
    assert "@import" not in text.split("<script", 1)[0]
    for key in report_html.FIGURES:
        assert f'id="fig-{key}"' in text


def test_provenance_block(made: dict[str, Any]) -> None:
    from realpolitik import __version__
    from realpolitik.data import catalog

    text = made["html"].read_text(encoding="utf-8")
    prov = text[text.index('<section id="provenance">'):]
    assert f"realpolitik {__version__}" in prov
    assert "20261128" in prov  # the preset's seed
    assert made["run_id"] in prov
    import html as html_mod

    nmc = " ".join(str(catalog()["nmc"]["citation_text"]).split())
    assert html_mod.escape(nmc) in prov
    assert "@" in prov and "BibTeX" in prov


def test_content_numbers_equal_the_dataset(made: dict[str, Any], content: ReportContent
                                           ) -> None:
    ds = made["ds"]
    prob = ds["probability"]
    assert content.info.run_id == made["run_id"] and content.info.n_trajectories == N_TRAJ
    for rec in content.table.to_dict("records"):
        y = int(rec["year"])
        for lab in LABELS:
            assert rec[lab] == float(prob.sel(year=y, label=lab))
        assert rec["rg_median"] == float(ds["rg_quantile"].sel(year=y, quantile=0.5))
        assert rec["beaufre_median"] == float(ds["beaufre_quantile"].sel(year=y, quantile=0.5))
    assert content.years == [2025, 2030, 2035, 2040]
    for o in content.summary.outcomes:
        row = prob.sel(year=o.year).to_series()
        assert o.label == row.idxmax() and o.p == float(row.max())
        assert o.base_p == float(prob.sel(year=2022, label=o.label))
    np.testing.assert_array_equal(content.fan["ar"].to_numpy(),
                                  ds["ar_quantile"].transpose("year", "quantile").values)
    # the sampled trajectories are the run's own: they start at the origin
    assert content.plane is not None and content.plane.lines is not None
    first = content.plane.lines[content.plane.lines["year"] == 2022]
    assert (first["rg"] == 0).all() and (first["ar"] == 0).all()
    assert len(content.plane.cloud) == 1024
    # history and measures
    assert content.plane.history is not None
    assert content.plane.history["year"].max() == 2022
    assert set(content.power["index"]) == {"cinc", "cline", "haushofer"}
    assert content.missing == {"sensitivity": "not computed (--no-sensitivity)"}
    assert "not computed" in content.summary.drivers_note


def test_html_summary_numbers_equal_the_dataset(made: dict[str, Any]) -> None:
    ds = made["ds"]
    text = made["html"].read_text(encoding="utf-8")
    items = re.findall(r'<li class="outcome" data-year="(\d+)" data-label="(\w+)" '
                       r'data-p="([^"]+)"[^>]*>([^<]*)</li>', text)
    assert [int(i[0]) for i in items] == [2025, 2030, 2035, 2040]
    for year, label, p, sentence in items:
        expected = float(ds["probability"].sel(year=int(year), label=label))
        assert float(p) == expected
        assert f"is {label_text(label)} (p = {expected:.2f})" in sentence
    # with the sensitivity on, each outcome names its drivers
    assert all("depends most on" in i[3] for i in items)


def test_render_and_pngs_with_missing_sections(content: ReportContent, tmp_path: Path) -> None:
    thin = dataclasses.replace(
        content, plane=None, power=None, gap=None, leeway=None, leeway_forecast=None,
        strategy=None, strategy_info={}, drivers=None,
        missing={"plane": "no data", "power": "no index has data", "gap": "no gap <here>",
                 "leeway": "no leeway", "beaufre.base": "no strategy"})
    text = report_html.render_html(thin)
    assert text.count('class="missing"') >= 5
    assert "no gap &lt;here&gt;" in text  # escaped
    assert 'id="fig-plane"' not in text and 'id="fig-probabilities"' in text
    written = report_html.write_pngs(thin, tmp_path / "png")
    assert sorted(p.stem for p in written) == ["beaufre", "gap", "probabilities"]


def test_na_stays_na_for_a_triad_with_gaps(tmp_path: Path) -> None:
    """Bhutan has no Cline power after 2001: its gap under Cline is left out (noted), the
    power series keeps NA, and the report is drawn."""
    sc = tmp_path / "small.yaml"
    sc.write_text("name: small\ntandem: [BHU, NEP]\nadversary: IND\nhorizon: 2026\n"
                  "trajectories: 1024\n", encoding="utf-8")
    c = build_report(str(sc), record=False, sensitivity=False)
    assert c.info.run_id is None and c.info.a == "BHU"
    cline = c.power[(c.power["index"] == "cline") & (c.power["stateabb"] == "BHU")]
    assert cline["power"].isna().any() and cline["power"].notna().any()
    assert "rg_cline" not in c.gap.columns and "rg_cinc" in c.gap.columns
    assert any("cline" in n for n in c.notes["gap"])
    text = report_html.render_html(c)
    assert "Rg (cline) left out" in text


# -- the summary from hand-made numbers -------------------------------------------------------
def prob_table(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(LABELS)).fillna(0.0)


def test_summary_down_up_and_unchanged() -> None:
    prob = prob_table({2024: {"hedging": 0.80, "bandwagoning": 0.2},
                       2030: {"hedging": 0.62, "bandwagoning": 0.38},
                       2035: {"hedging": 0.90, "bandwagoning": 0.10},
                       2040: {"hedging": 0.801, "bandwagoning": 0.199}})
    s = summarize(prob, [2030, 2035, 2040], 2024)
    assert s.sentences == (
        "In 2030 the most likely outcome is hedging (p = 0.62), down from 0.80 in 2024.",
        "In 2035 the most likely outcome is hedging (p = 0.90), up from 0.80 in 2024.",
        "In 2040 the most likely outcome is hedging (p = 0.80), unchanged from 2024.")
    assert "not computed" in s.drivers_note


def test_summary_new_leader_runner_up_and_drivers() -> None:
    prob = prob_table({2022: {"hedging": 1.0},
                       2035: {"hedging": 0.45, "bandwagoning": 0.51, "soft_balancing": 0.04},
                       2040: {"bandwagoning": 0.48, "soft_balancing": 0.44, "hedging": 0.08}})
    drivers = {2035: {"bandwagoning": [Driver("growth.A.drift", "CHN's power growth", 0.52),
                                       Driver("adversary_policy.gain", "the gain", 0.25)]},
               2040: {"bandwagoning": []}}
    s = summarize(prob, [2035, 2040], 2022, drivers=drivers)
    assert s.sentences[0] == (
        "In 2035 the most likely outcome is bandwagoning (p = 0.51), up from 0.00 in 2022. "
        "Hedging, the most likely outcome in 2022 (p = 1.00), is down to 0.45. The probability "
        "of bandwagoning in 2035 depends most on CHN's power growth (μ* = 0.52) and the gain "
        "(0.25).")
    assert s.sentences[1].startswith(
        "In 2040 the most likely outcome is bandwagoning (p = 0.48), up from 0.00 in 2022, "
        "closely followed by soft balancing (p = 0.44).")
    assert "does not change with any parameter" in s.sentences[1]
    assert "Morris" in s.drivers_note


def test_summary_na_years() -> None:
    prob = prob_table({2022: {"hedging": 1.0}, 2030: {"hedging": 0.7, "buck_passing": 0.3}})
    prob.loc[2030] = np.nan
    outs = outcomes(prob, [2030, 2031], 2022)
    assert [o.label for o in outs] == [None, None] and math.isnan(outs[0].p)
    s = summarize(prob, [2030], 2022, drivers_note="The drivers were not computed (test).")
    assert s.sentences == ("In 2030 the outcome probabilities are not available (NA).",)
    assert s.drivers_note == "The drivers were not computed (test)."
    nobase = prob_table({2030: {"buck_passing": 0.6, "hedging": 0.4}})
    assert summarize(nobase, [2030], 2022).sentences[0] == (
        "In 2030 the most likely outcome is buck-passing (p = 0.60); its probability in 2022 "
        "is not available.")


def test_ties_go_to_the_first_label_and_small_helpers() -> None:
    prob = prob_table({2022: {"hedging": 1.0}, 2030: {"soft_balancing": 0.5,
                                                      "bandwagoning": 0.5}})
    (o,) = outcomes(prob, [2030], 2022)
    assert (o.label, o.runner_up) == ("bandwagoning", "soft_balancing")
    assert fan_bands([0.1, 0.5, 0.9]) == [(0.1, 0.9)] and fan_bands([0.5]) == []
    assert describe_parameter("growth.C.volatility", ("A1", "B1", "C1")) == \
        "the volatility of C1's power"
    assert check_years([2040, 2030, 2030], 2022, 2040) == [2030, 2040]
    with pytest.raises(InputError, match="outside the forecast"):
        check_years([2022], 2022, 2040)
    q = pd.Series([np.nan, np.nan, np.nan], index=[0.05, 0.5, 0.95])
    assert spread_sentence(q, q, 2040, ("A", "B", "C"), 2022) == ""


# -- which forecast, and bad input ------------------------------------------------------------
def test_identify_run_scenario_and_ambiguity(made: dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store, rid = made["store"], made["run_id"]
    assert identify(rid[:6], store).kind == "run"
    assert identify(f"run:{rid}", store).value == rid
    assert identify("status-quo", store).kind == "scenario"
    assert identify("scenario:status-quo", store).value == "status-quo"
    assert identify("status-quo", tmp_path / "absent.duckdb").kind == "scenario"
    assert not (tmp_path / "absent.duckdb").exists()  # reading never creates a store
    monkeypatch.chdir(tmp_path)
    (tmp_path / rid[:6]).write_text("name: x\n", encoding="utf-8")
    with pytest.raises(InputError, match="both a scenario file and stored run"):
        identify(rid[:6], store)
    assert identify(f"scenario:{rid[:6]}", store).kind == "scenario"


@pytest.mark.parametrize(("argv", "message"), [
    (["no-such-thing"], "neither a run in the store"),
    (["run:abcdef12"], "no run 'abcdef12'"),
    (["missing.yaml"], "no scenario file 'missing.yaml'"),
    (["status-quo", "--years", "2010", "--trajectories", "1024"], "outside the forecast"),
    (["status-quo", "--output", "report.txt"], "does not end in .html"),
    (["status-quo", "--png", "/nonexistent-folder/figs"], "does not exist"),
    (["status-quo", "--workers", "0"], "--workers 0"),
])
def test_bad_input_one_line_exit_2_store_untouched(
        made: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        argv: list[str], message: str) -> None:
    store = made["store"]
    before = digest(store)
    files_before = sorted(p.name for p in store.parent.iterdir())
    out = tmp_path / "report.html"
    out.write_text("old report", encoding="utf-8")
    if "--output" not in argv:
        argv = [*argv, "--output", str(out)]
    code, stdout, err = run(capsys, "report", *argv, "--store", str(store))
    assert code == 2, err
    assert err.startswith("error: ") and message in " ".join(err.split())
    assert "Traceback" not in err and stdout == ""
    assert digest(store) == before
    assert sorted(p.name for p in store.parent.iterdir()) == files_before
    assert out.read_text(encoding="utf-8") == "old report"


def test_output_into_missing_folder_and_run_options(made: dict[str, Any], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", made["run_id"], "-o",
                       str(tmp_path / "no" / "report.html"), "--store", str(made["store"]))
    assert code == 2 and "folder" in err and "does not exist" in err
    assert not (tmp_path / "no").exists()
    code, _, err = run(capsys, "report", made["run_id"], "--seed", "3", "-o",
                       str(tmp_path / "r.html"), "--store", str(made["store"]))
    assert code == 2 and "applies to a scenario" in err
    assert not (tmp_path / "r.html").exists()


def test_a_failed_write_leaves_the_old_file(content: ReportContent, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    out.write_text("old report", encoding="utf-8")
    original = report_html.atomic_write

    def broken(path: Path, writer: Any) -> None:
        def half(p: Path) -> None:
            p.write_bytes(b"<!DOCTYPE html><html>half")
            raise OSError("disk full")

        original(path, half)

    monkeypatch.setattr(report_html, "atomic_write", broken)
    with pytest.raises(OSError, match="disk full"):
        report_html.write_html(content, out)
    assert out.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


# -- the browser ------------------------------------------------------------------------------
def test_default_report_in_headless_chromium(made: dict[str, Any], page: Any,
                                             artifacts_dir: str) -> None:
    ds = made["ds"]
    attempted: list[str] = []

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    page.route("**/*", gate)
    page.goto(made["html"].as_uri())
    page.wait_for_selector("#fig-beaufre .main-svg", timeout=60_000)
    for key in report_html.FIGURES:
        assert page.locator(f"#fig-{key} .main-svg").count() >= 1, key
    # figure 2: the six regions shaded, the fan and the cloud drawn
    legend = page.locator("#fig-plane .legendtext").all_text_contents()
    for lab in LABELS:
        assert label_text(lab) in legend
    assert any("sampled trajectories" in t for t in legend)
    assert any("trajectories in 2040" in t for t in legend)
    assert page.locator("#fig-plane .scatterlayer .js-fill").count() >= 6
    # the numbers in the summary are the Dataset's
    items = page.locator("li.outcome")
    assert items.count() == 4
    for i in range(items.count()):
        li = items.nth(i)
        year, label = int(li.get_attribute("data-year")), li.get_attribute("data-label")
        p = float(ds["probability"].sel(year=year, label=label))
        assert p == max(float(x) for x in ds["probability"].sel(year=year).values)
        text = li.inner_text()
        assert f"In {year} the most likely outcome is {label_text(label)} (p = {p:.2f})" in text
        base = float(ds["probability"].sel(year=2022, label=label))
        assert f"{base:.2f} in 2022" in text or "unchanged from 2022" in text
    page.screenshot(path=str(Path(artifacts_dir) / "report.png"), full_page=True)
    assert attempted == []
    assert page.problems == []  # type: ignore[attr-defined]


def test_report_of_one_scenario_of_a_sweep(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A sweep run needs --sweep-scenario (the error lists the labels); with it, the report is
    the scenario's Dataset rebuilt from the sweep's chunks, titled with its label."""
    from realpolitik.simulate.sweep import parse_spec, run_sweep, sweep_dataset

    store = tmp_path / "s.duckdb"
    spec = parse_spec({"name": "two", "base": "status-quo", "trajectories": 2048,
                       "grid": {"adversary_policy.gain": [0.5, 2.0]}})
    run_id = run_sweep(spec, store).run_id
    capsys.readouterr()
    out = tmp_path / "sweep.html"
    assert main(["report", run_id, "-o", str(out), "--store", str(store),
                 "--no-sensitivity"]) == 2
    err_text = capsys.readouterr().err
    assert "is a sweep of 2 scenario(s)" in err_text
    assert "adversary_policy.gain=0.5" in err_text and "--sweep-scenario" in err_text
    assert main(["report", run_id, "-o", str(out), "--store", str(store), "--no-sensitivity",
                 "--sweep-scenario", "gain=3"]) == 2
    assert "has no scenario 'gain=3'" in capsys.readouterr().err
    assert not out.exists()
    label = "adversary_policy.gain=2.0"
    assert main(["report", run_id, "-o", str(out), "--store", str(store), "--no-sensitivity",
                 "--sweep-scenario", label]) == 0
    assert f"[{label}]" in capsys.readouterr().err  # not eaten as console markup
    content = build_report(run_id, store=store, sensitivity=False, sweep_scenario=label)
    ds = sweep_dataset(store, run_id, label)
    assert content.info.scenario_name == f"status-quo [{label}]"
    assert content.info.n_trajectories == 2048
    horizon = int(ds.attrs["horizon"])
    final = {o.year: o for o in content.summary.outcomes}[horizon]
    assert final.label is not None
    assert final.p == float(ds["probability"].sel(year=horizon, label=final.label))
    assert label in out.read_text(encoding="utf-8")
    # a forecast run refuses the option
    fc = main(["forecast", "-n", "1024", "--store", str(store)])
    assert fc == 0
    runs = ResultsStore(store).list_runs()
    forecast_id = str(runs[runs["scenario_name"] == "status-quo"]["run_id"].iloc[0])
    capsys.readouterr()
    assert main(["report", forecast_id, "-o", str(out), "--store", str(store),
                 "--sweep-scenario", label]) == 2
    assert "applies to sweep runs" in capsys.readouterr().err
