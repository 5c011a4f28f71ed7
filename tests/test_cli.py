"""The command line: outputs, files with provenance, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from realpolitik.interfaces.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("realpolitik 0.1.0")


def test_power_cinc_2016_matches_published(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "power", "CHN", "RUS", "USA", "--from", "2016", "--to", "2016")
    assert code == 0
    line = next(ln for ln in out.splitlines() if "2016" in ln)
    assert ["0.2308", "0.0365", "0.1333"] == [t for t in line.replace("│", " ").split()
                                                if t.startswith("0.")]


def test_power_columns_follow_the_order_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "power", "CHN", "RUS", "USA")
    assert code == 0
    header = next(ln for ln in out.splitlines() if "year" in ln)
    assert header.replace("┃", " ").split() == ["year", "CHN", "RUS", "USA"]


def test_power_json_carries_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "power", "china", "710", "--from", "2000", "--to", "2001",
                       "--format", "json")
    assert code == 2  # the same state twice is an error, not a silent duplicate
    code, out, _ = run(capsys, "power", "china", "RUS", "--from", "2000", "--to", "2001",
                       "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["provenance"]["package"] == "realpolitik"
    assert "nmc" in payload["provenance"]["data"]
    assert {r["year"] for r in payload["rows"]} == {2000, 2001}


def test_units_dyads_to_parquet_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "ddy.parquet"
    code, _, err = run(capsys, "units", "dyad-years", "--undirected", "--from", "2000", "--to",
                       "2000", "--with", "capabilities,alliances", "--output", str(out_file))
    assert code == 0, err
    table = pq.read_table(out_file)
    frame = table.to_pandas()
    assert len(frame) == 18145
    assert (frame["ccode1"] < frame["ccode2"]).all()
    assert {"cinc1", "cinc2", "atop_defense", "atop_any"} <= set(frame.columns)
    prov = json.loads(table.schema.metadata[b"realpolitik"])
    assert {"states", "nmc", "atop_ddy"} <= set(prov["data"])
    assert prov["config"]["directed"] is False


def test_units_triad_csv_sidecar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "triad.csv"
    code, _, _ = run(capsys, "units", "triad-years", "CHN", "RUS", "USA", "--from", "1990",
                     "--to", "2022", "--with", "capabilities", "-o", str(out_file))
    assert code == 0
    frame = pd.read_csv(out_file)
    assert len(frame) == 33 and frame["ccode_c"].eq(2).all()
    side = json.loads(out_file.with_name("triad.csv.provenance.json").read_text())
    assert side["config"]["triad"] == [710, 365, 2]


@pytest.mark.parametrize(
    "argv",
    [
        ["power"],
        ["power", "Atlantis"],
        ["power", "CHN", "--index", "vibes"],
        ["power", "CHN", "--from", "2020", "--to", "1990"],
        ["power", "CHN", "--from", "abc"],
        ["gap", "CHN"],
        ["gap", "CHN", "RUS", "--base", "1700"],
        ["gap", "CHN", "Narnia", "--base", "2008"],
        ["units", "dyad-years", "--from", "2100"],
        ["units", "dyad-years", "--bogus"],
        ["units", "dyad-years", "--from", "2000", "--to", "2000", "--with", "nonsense"],
        ["units", "state-years", "--with", "alliances", "--from", "2000", "--to", "2000"],
        ["units", "triad-years", "CHN", "RUS", "RUS"],
        ["units", "triad-years", "CHN", "XYZ", "USA"],
        ["units", "dyad-years", "--from", "2000", "--to", "2000", "-o", "/nonexistent/x.csv"],
        ["units", "dyad-years", "--from", "2000", "--to", "2000", "-o", "x.xlsx"],
        ["data", "cite", "nmcc"],
        ["data", "sources", "--format", "xml"],
        ["data", "states", "--format", "parquet"],
        ["data", "measures", "extra"],
        ["units", "state-years", "--states", "Atlantis", "--from", "2000", "--to", "2000"],
        ["units", "dyad-years", "--from", "2000", "--to", "2000", "--format", "table", "-o",
         "x.csv"],
        ["power", "CHN", "--from", "2000", "--to", "2001", "--plot", "figure.gif"],
        ["gap", "CHN", "RUS", "--index", "vibes"],
        ["data", "states", "--year", "1700"],
        ["nonsense-command"],
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:")
    assert "Traceback" not in err + out


def test_failed_write_keeps_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("precious\n")
    code, _, _ = run(capsys, "units", "dyad-years", "--from", "2000", "--to", "2000", "--with",
                     "capabilities,nonsense", "-o", str(target))
    assert code == 2
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]


def test_data_sources_lists_every_bundled_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "sources", "--format", "json")
    assert code == 0
    keys = {r["key"] for r in json.loads(out)["rows"]}
    assert {"nmc", "atop_ddy", "idealpoints", "un_votes", "sipri_milex", "maddison"} <= keys


def test_console_script_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "realpolitik.interfaces.cli", "units", "triad-years", "CHN",
         "Atlantis", "USA"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: unknown state 'Atlantis'")
    assert "Traceback" not in proc.stderr


# --- the tandem model's commands ----------------------------------------------------------------
def test_classify_json_matches_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "classify", "--rg", "0.1", "--ar", "0.4", "--rg", "0.0", "--ar",
                       "0.0", "--rg", "-0.1", "--ar", "0.9", "--soft", "--format", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert [r["label"] for r in rows] == ["soft_balancing", "hedging", "chain_ganging"]
    for r in rows:
        assert abs(sum(v for k, v in r.items() if k.startswith("p_")) - 1) < 1e-9


def test_plane_trajectory_and_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file, fig = tmp_path / "plane.csv", tmp_path / "plane.png"
    code, _, err = run(capsys, "plane", "CHN", "RUS", "USA", "--from", "1992", "--to", "2022",
                       "--base", "2008", "-o", str(out_file), "--plot", str(fig))
    assert code == 0, err
    frame = pd.read_csv(out_file)
    assert len(frame) == 31
    origin = frame[frame["year"] == 2008].iloc[0]
    assert (origin["rg"], origin["ar"], origin["label"]) == (0.0, 0.0, "hedging")
    assert fig.stat().st_size > 20_000 and fig.read_bytes()[:4] == b"\x89PNG"


def test_leeway_and_strategy_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "leeway", "CHN", "RUS", "USA", "--year", "2020", "--format",
                       "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    totals = {r["stateabb"]: r for r in rows if r["component"] == "total"}
    assert set(totals) == {"CHN", "RUS"}
    for r in totals.values():  # the macro level is Pareto: both gain from the surplus
        assert r["macro_gain"] > 0
    code, out, _ = run(capsys, "strategy", "CHN", "RUS", "USA", "--year", "2020", "--format",
                       "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert len(rows) == 12  # 3 actors x 4 domains
    for domain in {r["domain"] for r in rows}:
        assert abs(sum(r["F"] for r in rows if r["domain"] == domain) - 1) < 1e-9


@pytest.mark.parametrize(
    "argv",
    [
        ["classify", "--rg", "0.1"],
        ["classify", "--rg", "0.1", "--ar", "nan"],
        ["classify", "--rg", "0.1", "--ar", "0.2", "--map", "nonsense"],
        ["classify", "--rg", "0.1", "--ar", "0.2", "--soft", "--temperature", "-1"],
        ["plane", "CHN", "RUS", "Atlantis"],
        ["plane", "CHN", "RUS", "USA", "--base", "1700"],
        ["plane", "CHN", "RUS", "USA", "--plot", "x.bmp"],
        ["leeway", "CHN", "RUS", "USA"],
        ["leeway", "CHN", "RUS", "USA", "--year", "1700"],
        ["strategy", "CHN", "RUS", "USA", "--year", "2020", "--stakes", "7"],
        ["strategy", "CHN", "CHN", "USA", "--year", "2020"],
    ],
)
def test_model_commands_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err
