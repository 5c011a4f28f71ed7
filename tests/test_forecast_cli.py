"""`realpolitik forecast`, `scenarios` and `runs` from the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from realpolitik.errors import RealpolitikError
from realpolitik.interfaces.cli import main
from realpolitik.models.labels import LABELS
from realpolitik.store import ResultsStore


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forecast_json_probabilities_and_store(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "r.duckdb"
    code, out, err = run(capsys, "forecast", "-n", "4096", "--seed", "5", "--years",
                         "2030,2040", "--format", "json", "--store", str(store))
    assert code == 0, err
    payload = json.loads(out)
    rows = payload["rows"]
    assert [r["year"] for r in rows] == [2030, 2040]
    for r in rows:
        assert abs(sum(r[lab] for lab in LABELS) - 1) < 1e-12
    run_id = payload["provenance"]["run_id"]
    with ResultsStore(store) as st:
        info = st.get_run(run_id)
        ds = st.load_dataset(run_id)
    assert info["status"] == "complete"
    assert float(ds["probability"].sel(year=2040, label="bandwagoning")) == pytest.approx(
        rows[1]["bandwagoning"])
    # same seed, same numbers (no store)
    code, out2, _ = run(capsys, "forecast", "-n", "4096", "--seed", "5", "--years",
                        "2030,2040", "--format", "json", "--no-store")
    assert json.loads(out2)["rows"] == rows


@pytest.mark.parametrize("argv", [
    ["forecast", "--scenario", "no-such-preset", "--no-store"],
    ["forecast", "-n", "0", "--no-store"],
    ["forecast", "--years", "1999", "--no-store", "-n", "1024"],
    ["forecast", "--years", "soon", "--no-store"],
    ["forecast", "--chunk-size", "1000", "--no-store"],
    ["forecast", "--workers", "0", "--no-store"],
    ["scenarios", "show", "nonexistent.yaml"],
    ["scenarios", "new", "template.txt"],
    ["runs", "show", "zzzz", "--store", "/nonexistent-folder/x.duckdb"],
])
def test_forecast_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), err


def test_malformed_scenario_file_names_key(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tandem: [CHN, RUS]\ngrowth:\n  B: {drift: 0.9}\n")
    code, _, err = run(capsys, "forecast", "--scenario", str(bad), "--no-store")
    assert code == 2
    assert "growth.B.drift" in err and "0.9" in err and "0.5" in err


def test_scenarios_new_then_show_then_forecast(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.yaml"
    code, _, _ = run(capsys, "scenarios", "new", str(path), "--from", "containment")
    assert code == 0 and path.read_text().startswith("# realpolitik scenario")
    code, _, _ = run(capsys, "scenarios", "new", str(path))
    assert code == 2  # no silent overwrite
    code, out, _ = run(capsys, "scenarios", "show", str(path))
    assert code == 0 and "containment" in out and "estimated" in out
    code, _, err = run(capsys, "forecast", "--scenario", str(path), "-n", "1024", "--no-store")
    assert code == 0, err


def test_interrupted_forecast_leaves_no_summary(tmp_path: Path) -> None:
    """Ctrl-C in the middle of a long run: the run is recorded as failed, with no summaries."""
    store = tmp_path / "r.duckdb"
    env = {**os.environ, "REALPOLITIK_STORE": str(store)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "realpolitik.interfaces.cli", "forecast", "-n", "20000000",
         "--workers", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until the run is registered
        if store.exists():
            try:
                with ResultsStore(store, timeout=1) as st:
                    if len(st.list_runs()):
                        break
            except Exception:
                pass
        time.sleep(0.3)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    with ResultsStore(store) as st:
        runs = st.list_runs()
        assert len(runs) == 1 and runs.iloc[0]["status"] in ("failed", "interrupted")
        run_id = runs.iloc[0]["run_id"]
        with pytest.raises(RealpolitikError):
            st.load_dataset(run_id)
