"""Sensitivity analysis (simulate.sensitivity) and the ``sensitivity`` command."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from realpolitik.errors import InputError
from realpolitik.interfaces.sensitivity_cli import register
from realpolitik.models.labels import LABELS
from realpolitik.simulate.engine import simulate
from realpolitik.simulate.resolve import resolve
from realpolitik.simulate.scenario import Scenario, load_preset
from realpolitik.simulate.sensitivity import (
    ParamSpec,
    _Evaluator,
    default_params,
    parse_params,
    sensitivity,
    top_drivers,
)

# B's drift moves the gap Rg across the bandwagoning and buck-passing lines; the shock to Ar
# matters a little; the leeway game's surplus Σ0 cannot reach the labels at all.
TINY = "growth.B.drift=-0.08:0.04,adversary_policy.shock_sd=0:0.1,leeway.sigma0=0:1"
KW: dict[str, Any] = {"n_base": 16, "trajectories": 256, "seed": 7}


@pytest.fixture(scope="module")
def status_quo() -> Scenario:
    return load_preset("status-quo")


@pytest.fixture(scope="module")
def tiny(status_quo: Scenario) -> pd.DataFrame:
    return sensitivity(status_quo, TINY, **KW)


def test_table_shape_and_provenance(tiny: pd.DataFrame) -> None:
    assert list(tiny.columns) == ["label", "parameter", "S1", "S1_conf", "ST", "ST_conf", "note"]
    assert len(tiny) == len(LABELS) * 3
    assert tiny["label"].unique().tolist() == list(LABELS)
    prov = tiny.attrs["provenance"]
    cfg = prov["config"]
    assert prov["seed"] == 7
    assert cfg["method"] == "sobol" and cfg["n_base"] == 16 and cfg["trajectories"] == 256
    assert cfg["n_evaluations"] == 16 * (3 + 2)
    assert cfg["salib"].startswith("1.") and cfg["year"] == 2040
    assert [p["key"] for p in cfg["params"]] == ["growth.B.drift", "adversary_policy.shock_sd",
                                                 "leeway.sigma0"]
    assert set(tiny.attrs["outputs"]) == set(LABELS)


def test_indices_finite_where_variance(tiny: pd.DataFrame) -> None:
    for label, rows in tiny.groupby("label", sort=False):
        out = tiny.attrs["outputs"][label]
        if out["max"] > out["min"]:
            assert np.isfinite(rows[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy()).all()
            assert (rows["note"] == "").all()
        else:  # e.g. chain-ganging never happens here: NaN with a note, no crash
            assert rows[["S1", "ST"]].isna().all().all()
            assert rows["note"].str.startswith("no variance").all()
    assert tiny.loc[tiny["label"] == "chain_ganging", "ST"].isna().all()


def test_inert_parameter_has_zero_index_and_strong_one_leads(tiny: pd.DataFrame) -> None:
    # labels depend on log powers and Ar only; with common random numbers Σ0 changes nothing
    inert = tiny[(tiny["parameter"] == "leeway.sigma0") & tiny["ST"].notna()]
    assert len(inert) > 0
    assert np.abs(inert[["S1", "ST"]].to_numpy()).max() < 1e-12
    band = tiny[tiny["label"] == "bandwagoning"].set_index("parameter")
    assert band["ST"].idxmax() == "growth.B.drift"
    st = band["ST"].to_dict()
    assert st["growth.B.drift"] > 0.5 > st["adversary_policy.shock_sd"]
    assert top_drivers(tiny, "bandwagoning", k=2)["parameter"].tolist() == [
        "growth.B.drift", "adversary_policy.shock_sd"]
    assert top_drivers(tiny, "chain_ganging").empty


def test_same_seed_same_table(status_quo: Scenario, tiny: pd.DataFrame) -> None:
    again = sensitivity(status_quo, TINY, **KW)
    pd.testing.assert_frame_equal(again, tiny)
    assert again.attrs["provenance"] == tiny.attrs["provenance"]
    other = sensitivity(status_quo, TINY, **{**KW, "seed": 8})
    assert not other[["S1", "ST"]].fillna(-1).equals(tiny[["S1", "ST"]].fillna(-1))


def test_workers_give_the_same_table(status_quo: Scenario, tiny: pd.DataFrame) -> None:
    seen: list[tuple[int, int]] = []
    par = sensitivity(status_quo, TINY, workers=2, progress=lambda d, t: seen.append((d, t)),
                      **KW)
    pd.testing.assert_frame_equal(par, tiny)
    assert seen[-1] == (80, 80) and len(seen) == 80


def test_evaluation_matches_engine_and_full_resolution(status_quo: Scenario) -> None:
    keys = ("growth.B.drift", "adversary_policy.gain", "region_map.r_B0", "leeway.sigma0")
    row = np.array([-0.03, 1.7, 0.35, 0.6])
    base = resolve(status_quo)
    fast = _Evaluator(status_quo, base, keys, (False,) * 4, 2035, 3000, 11, True)
    slow = _Evaluator(status_quo, base, keys, (False,) * 4, 2035, 3000, 11, False)
    sc = status_quo.with_overrides(dict(zip(keys, row.tolist(), strict=True)))
    ds = simulate(resolve(sc), trajectories=3000, seed=11)
    expected = ds["probability"].sel(year=2035).to_numpy()
    np.testing.assert_array_equal(fast(row), expected)
    np.testing.assert_array_equal(slow(row), expected)


def test_morris_runs(status_quo: Scenario) -> None:
    table = sensitivity(status_quo, TINY, method="morris", n_base=6, trajectories=256, seed=3)
    assert list(table.columns) == ["label", "parameter", "mu_star", "mu_star_conf", "mu",
                                   "sigma", "note"]
    assert table.attrs["provenance"]["config"]["n_evaluations"] == 6 * 4
    band = table[table["label"] == "bandwagoning"].set_index("parameter")
    assert band.loc["leeway.sigma0", "mu_star"] == 0.0
    assert band["mu_star"].idxmax() == "growth.B.drift"
    assert top_drivers(table, "bandwagoning", k=1)["parameter"].tolist() == ["growth.B.drift"]


def test_integer_parameter_is_rounded(status_quo: Scenario) -> None:
    table = sensitivity(status_quo, "adversary_policy.lag=0:3,growth.A.drift=0:0.04",
                        n_base=8, trajectories=256, seed=1)
    cfg = table.attrs["provenance"]["config"]
    assert [p["integer"] for p in cfg["params"]] == [True, False]
    assert cfg["n_distinct_evaluations"] <= cfg["n_evaluations"]
    assert table["ST"].notna().any()


def test_parse_params(status_quo: Scenario) -> None:
    specs = parse_params(" growth.B.drift = -0.03:0.01 , adversary_policy.gain=0:2,"
                         "region_map.a_S=2e-1:.3", status_quo)
    assert specs == [ParamSpec("growth.B.drift", -0.03, 0.01),
                     ParamSpec("adversary_policy.gain", 0.0, 2.0),
                     ParamSpec("region_map.a_S", 0.2, 0.3)]
    assert str(specs[0]) == "growth.B.drift=-0.03:0.01"


@pytest.mark.parametrize(("text", "bad", "says"), [
    ("growth.B.drift", "growth.B.drift", "KEY=LOW:HIGH"),
    ("growth.B.drift=0.01:-0.03", "growth.B.drift=0.01:-0.03", "less than high"),
    ("adversary_policy.gain=0:2,growth.B.drfit=0:0.1", "growth.B.drfit=0:0.1", "drift"),
    ("growth.B.drift=-0.7:0", "growth.B.drift=-0.7:0", "greater than or equal to -0.5"),
    ("adversary_policy.gain=0:12", "adversary_policy.gain=0:12", "less than or equal to 10"),
    ("region_map.a_S=0.1:0.9", "region_map.a_S=0.1:0.9", "a_H"),
    ("seed=0:5", "seed=0:5", "not a model parameter"),
    ("horizon=2030:2050", "horizon=2030:2050", "not a model parameter"),
    ("adversary_policy.mode=0:1", "adversary_policy.mode=0:1", "not a numeric"),
    ("adversary_policy.lag=0.5:2", "adversary_policy.lag=0.5:2", "whole numbers"),
    ("growth.B.drift=a:b", "growth.B.drift=a:b", "two numbers"),
    ("growth.B.drift=0:0.1,growth.B.drift=0:0.2", "growth.B.drift=0:0.2", "twice"),
])
def test_bad_params_name_the_item(status_quo: Scenario, text: str, bad: str, says: str) -> None:
    with pytest.raises(InputError) as info:
        parse_params(text, status_quo)
    assert repr(bad) in str(info.value)
    assert says in str(info.value)


def test_other_bad_arguments(status_quo: Scenario, tiny: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="empty item"):
        parse_params("growth.B.drift=0:0.1,,adversary_policy.gain=0:1")
    with pytest.raises(InputError, match="unknown method"):
        sensitivity(status_quo, TINY, method="fast", **KW)
    with pytest.raises(InputError, match="power of 2"):
        sensitivity(status_quo, TINY, n_base=12, trajectories=256)
    with pytest.raises(InputError, match="outside the forecast"):
        sensitivity(status_quo, TINY, year=2022, **KW)
    with pytest.raises(InputError, match="low 1 must be less than high 0"):
        sensitivity(status_quo, [("adversary_policy.gain", 1.0, 0.0)], **KW)
    with pytest.raises(InputError, match="invalid"):  # each bound valid, some combinations not
        sensitivity(status_quo, "region_map.a_S=0.3:0.55,region_map.a_H=0.5:0.9", **KW)
    with pytest.raises(InputError, match=r"'adversary_policy.path.2010=0:1'.*lie outside"):
        sensitivity(status_quo, "adversary_policy.path.2010=0:1", **KW)  # before t0 = 2022
    with pytest.raises(InputError, match="unknown label"):
        top_drivers(tiny, "balancing")


def test_default_params(status_quo: Scenario) -> None:
    r = resolve(status_quo)
    specs = default_params(status_quo, r)
    assert [s.key for s in specs] == [
        "growth.A.drift", "growth.B.drift", "growth.C.drift", "growth.B.volatility",
        "adversary_policy.gain", "adversary_policy.persistence", "adversary_policy.shock_sd",
        "region_map.a_S", "region_map.r_B0"]
    for i, s in enumerate(specs[:3]):
        assert math.isclose((s.low + s.high) / 2, r.drift[i], abs_tol=1e-4)
        assert math.isclose(s.high - s.low, 0.04, abs_tol=1e-4)
    path = status_quo.with_overrides({"adversary_policy.mode": "path"})
    keys = [s.key for s in default_params(path)]
    assert "adversary_policy.gain" not in keys and "adversary_policy.persistence" not in keys
    for s in specs:  # every default is a valid range for the scenario
        parse_params(str(s), status_quo)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test app."""

    register(app)
    return app


def test_cli_table_and_csv() -> None:
    runner = CliRunner()
    args = ["sensitivity", "status-quo", "--params", TINY, "--samples", "8",
            "--trajectories", "256", "--seed", "7"]
    res = runner.invoke(_app(), args, env={"COLUMNS": "140"})
    assert res.exit_code == 0, res.output
    assert "Sobol indices of P(label in 2040), status-quo" in res.stdout
    assert "growth.B.drift" in res.stdout and "bandwagoning" in res.stdout
    assert "chain_ganging (no variance" in " ".join(res.stdout.split())
    res = runner.invoke(_app(), [*args, "--format", "csv", "--year", "2035"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert frame.columns.tolist()[:4] == ["label", "parameter", "S1", "S1_conf"]
    assert len(frame) == 18
    res = runner.invoke(_app(), [*args, "--method", "morris", "--samples", "4", "-f", "json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["provenance"]["config"]["method"] == "morris"
    assert {"mu_star", "sigma"} <= set(payload["rows"][0])


@pytest.mark.parametrize(("extra", "says"), [
    (["--params", "growth.B.drift=0.1"], "'growth.B.drift=0.1'"),
    (["--method", "fast"], "unknown --method"),
    (["--samples", "10"], "power of 2"),
    (["--year", "1999"], "outside the forecast"),
])
def test_cli_errors_are_input_errors(extra: list[str], says: str) -> None:
    res = CliRunner().invoke(_app(), ["sensitivity", "status-quo", *extra])
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError)
    assert says in str(res.exception)
