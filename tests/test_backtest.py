"""The backtest: cases files, level features, metrics, baselines, fitting, parameter files, CLI."""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from realpolitik.errors import InputError
from realpolitik.interfaces.cli import main
from realpolitik.measures import backtest_features as bf
from realpolitik.measures import threat as threat_mod
from realpolitik.measures.join import StateYearIndex
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import classify_soft
from realpolitik.simulate import backtest as bt
from realpolitik.simulate import params as pm

ROOT = Path(__file__).resolve().parents[1]
SHARED_CASES = ROOT.parent / "shared" / "cases" / "dev_cases.csv"
CHEAP = bt.FitBudget(popsize=4, maxiter=8, polish=False)
GREAT_POWER_ROWS = {"DEV-003", "DEV-004", "DEV-007", "DEV-008", "DEV-009", "DEV-022",
                    "DEV-024", "DEV-025", "DEV-034", "DEV-035"}


@pytest.fixture(scope="module")
def dev_text() -> str:
    return bf.dev_cases_path().read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dev_features() -> pd.DataFrame:
    return bf.case_features(bf.read_cases("dev"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def edited(text: str, row: int, column: str, value: str) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    return frame


# ------------------------------------------------------------------------------------------
# cases files
# ------------------------------------------------------------------------------------------
def test_shipped_cases_are_a_byte_copy_of_the_shared_file() -> None:
    if not SHARED_CASES.exists():
        pytest.skip("shared/cases is not beside the repository")
    assert bf.dev_cases_path().read_bytes() == SHARED_CASES.read_bytes()


def test_dev_cases_parse(dev_features: pd.DataFrame) -> None:
    cases = bf.read_cases("dev")
    assert len(cases) == 47 and cases["row"].tolist() == list(range(1, 48))
    assert cases.loc[2, "adversaries"] == ("RUS/365", "YUG/345")
    assert set(cases["outcome"]) == set(LABELS)
    assert set(dev_features.loc[dev_features["great_power"], "case_id"]) == GREAT_POWER_ROWS


@pytest.mark.parametrize(("row", "column", "value", "expected"), [
    (3, "state_a", "XYZ/999", "row 3 (DEV-003): state_a 'XYZ/999': unknown state code"),
    (5, "state_b", "RUS/2", "row 5 (DEV-005): state_b 'RUS/2': COW code 2 is USA"),
    (7, "adversary", "RUS/365;", "row 7 (DEV-007): adversary 'RUS/365;' has an empty entry"),
    (9, "year_end", "1900", "row 9 (DEV-009): year_end 1900 is before year_start 1931"),
    (10, "year_start", "19x6", "row 10 (DEV-010): year_start '19x6' is not a year"),
    (12, "outcome", "appeasement", "row 12 (DEV-012): unknown outcome label 'appeasement'"),
    (13, "confidence", "certain", "row 13 (DEV-013): unknown confidence 'certain'"),
    (2, "case_id", "DEV-001", "row 2 (DEV-001): case_id repeats row 1"),
    (22, "who_bandwagons_toward_whom", "UKG/200->FRN/220",
     "row 22 (DEV-022): who_bandwagons_toward_whom is set"),
    (15, "who_bandwagons_toward_whom", "BUL/355->USA/2",
     "row 15 (DEV-015): who_bandwagons_toward_whom 'BUL/355->USA/2' does not name"),
    (4, "adversary", "ITA/325", "row 4 (DEV-004): ITA/325 is named twice"),
])
def test_bad_rows_fail_with_row_number_and_reason(dev_text: str, row: int, column: str,
                                                  value: str, expected: str) -> None:
    with pytest.raises(InputError) as exc:
        bf.parse_cases(edited(dev_text, row, column, value))
    assert str(exc.value).startswith(expected), str(exc.value)


def test_missing_column_and_empty_file(dev_text: str, tmp_path: Path) -> None:
    frame = pd.read_csv(io.StringIO(dev_text), dtype=str, keep_default_na=False)
    with pytest.raises(InputError, match=r"missing column.*outcome"):
        bf.parse_cases(frame.drop(columns=["outcome"]))
    # the optional columns may be left out
    assert len(bf.parse_cases(frame.drop(columns=["note", "source"]))) == 47
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(bf.REQUIRED_COLUMNS) + "\n")
    with pytest.raises(InputError, match="no cases"):
        bf.read_cases(empty)
    with pytest.raises(InputError, match="not found"):
        bf.read_cases(tmp_path / "nothing.csv")


def test_cli_bad_file_is_one_line_with_the_row(dev_text: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    edited(dev_text, 6, "year_end", "1900").to_csv(bad, index=False)
    code, out, err = run(capsys, "backtest", str(bad))
    assert code == 2 and out == ""
    assert "row 6 (DEV-006): year_end 1900 is before year_start 1964" in " ".join(err.split())


# ------------------------------------------------------------------------------------------
# level features
# ------------------------------------------------------------------------------------------
def test_orientation_ignores_labels_and_listed_order(dev_text: str) -> None:
    frame = pd.read_csv(io.StringIO(dev_text), dtype=str, keep_default_na=False).iloc[14:16]
    swapped = frame.copy()
    swapped[["state_a", "state_b"]] = frame[["state_b", "state_a"]].to_numpy()
    swapped["outcome"] = "hedging"
    swapped["who_bandwagons_toward_whom"] = ""
    a = bf.case_features(bf.parse_cases(frame))
    b = bf.case_features(bf.parse_cases(swapped))
    assert a["stronger"].tolist() == b["stronger"].tolist() == ["GMY", "RUS"]
    cols = ["g", "z_power", "z_proximity", "z_offense", "z_intentions", "ar_level"]
    np.testing.assert_allclose(a[cols].to_numpy(float), b[cols].to_numpy(float))


def test_ar_level_recombines_the_components(dev_features: pd.DataFrame) -> None:
    z = dev_features[[f"z_{c}" for c in threat_mod.COMPONENTS]].to_numpy(float)
    np.testing.assert_allclose(z.mean(axis=1), dev_features["ar_level"].to_numpy(float))


def _perturbed_power(cut: int, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    table = threat_mod._power_table("cinc", {})[0].copy()
    later = table["year"].to_numpy() > cut
    table.loc[later, "power"] = table.loc[later, "power"].to_numpy(float) * rng.uniform(
        0.2, 5.0, later.sum())
    index = StateYearIndex(table["ccode"].to_numpy(), table["year"].to_numpy())
    return lambda index_name, options: (table, index)


def test_predictions_use_no_data_after_the_start_year(monkeypatch: pytest.MonkeyPatch,
                                                      dev_features: pd.DataFrame) -> None:
    """Replace every input of years after a cut-off by noise: the features and predictions of
    episodes starting at or before it do not move (and later ones do)."""
    cut = 1945
    rng = np.random.default_rng(7)
    original = threat_mod._source

    def noisy(kind, c1, c2, year, option=""):  # type: ignore[no-untyped-def]
        out = np.array(original(kind, c1, c2, year, option), dtype=float)
        later = np.asarray(year) > cut
        if later.any():
            if kind in ("contiguity",):
                out[later] = rng.integers(1, 7, later.sum())
            elif kind in ("mid_initiated", "rivalry", "major"):
                out[later] = rng.integers(0, 2, later.sum())
            elif kind == "mid_hostility":
                out[later] = rng.integers(0, 6, later.sum())
            else:
                out[later] = out[later] * rng.uniform(0.2, 5.0, later.sum())
        return out

    monkeypatch.setattr(threat_mod, "_source", noisy)
    power = _perturbed_power(cut, rng)
    monkeypatch.setattr(threat_mod, "_power_table", power)
    monkeypatch.setattr(bf, "_power_table", power)
    reference = threat_mod.build_reference("cinc")
    cases = bf.read_cases("dev")
    noisy_features = bf.case_features(cases, reference=reference)
    early = (dev_features["year_start"] <= cut).to_numpy()
    assert early.sum() >= 20
    cols = ["g", *(f"z_{c}" for c in threat_mod.COMPONENTS)]
    before = dev_features.loc[early, cols].to_numpy(float)
    after = noisy_features.loc[early, cols].to_numpy(float)
    np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert not np.allclose(noisy_features.loc[~early, cols].to_numpy(float),
                           dev_features.loc[~early, cols].to_numpy(float), equal_nan=True)
    shipped = pm.shipped_params()
    p0 = bt.predict(dev_features[early].reset_index(drop=True), shipped)
    p1 = bt.predict(noisy_features[early].reset_index(drop=True), shipped)
    assert p0["predicted"].tolist() == p1["predicted"].tolist()
    probs = [f"p_{lab}" for lab in LABELS]
    np.testing.assert_allclose(p1[probs].to_numpy(float), p0[probs].to_numpy(float),
                               equal_nan=True)


def test_unscorable_cases_are_reported_with_reasons(dev_text: str,
                                                    dev_features: pd.DataFrame) -> None:
    row = dev_features.set_index("case_id").loc["DEV-026"]
    assert row["threat_missing"] == "offense" and np.isnan(row["ar_level"])
    pred = bt.predict(dev_features, pm.shipped_params()).set_index("case_id")
    assert not pred.loc["DEV-026", "scorable"]
    assert "offense has no data" in str(pred.loc["DEV-026", "reason"])
    frame = pd.read_csv(io.StringIO(dev_text), dtype=str, keep_default_na=False).iloc[:2].copy()
    frame.loc[0, ["state_a", "year_start", "year_end"]] = ["GMY/255", "1950", "1951"]
    frame.loc[1, ["year_start", "year_end"]] = ["2023", "2023"]
    feats = bf.case_features(bf.parse_cases(frame))
    assert "GMY/255 was not a member of the state system in 1950" in str(feats.loc[0, "reason"])
    assert "no cinc power value for PER/135 in 2023" in str(feats.loc[1, "reason"])
    report = bt.backtest(feats, pm.shipped_params())
    assert not report.cases["scorable"].any()
    assert report.scores["all"]["n_scored"] == 0 and report.scores["all"]["n_unscorable"] == 2
    assert report.scores["all"]["accuracy"] is None


# ------------------------------------------------------------------------------------------
# metrics and baselines
# ------------------------------------------------------------------------------------------
def test_metrics_on_hand_examples() -> None:
    y = ["hedging", "hedging", "bandwagoning", "hard_balancing"]
    pred = ["hedging", "bandwagoning", "bandwagoning", "soft_balancing"]
    assert bt.accuracy(y, pred) == 0.5
    # F1: hedging 2/3, bandwagoning 2/3, hard 0, soft (predicted only) 0 → mean 1/3
    assert bt.macro_f1(y, pred) == pytest.approx(1 / 3)
    cm = bt.confusion_matrix(y, pred)
    assert cm.shape == (6, 6) and cm.sum() == 4
    assert cm[0, 0] == 1 and cm[0, 1] == 1 and cm[3, 2] == 1
    probs = np.zeros((4, 6))
    probs[0, 0] = 1.0                      # certain and right: Brier 0, loss 0
    probs[1, :] = 1 / 6                    # uniform: Brier 5/6, loss ln 6
    probs[2, [1, 2]] = 0.5                 # half right: Brier 0.5, loss ln 2
    probs[3, 2] = 1.0                      # certain and wrong: Brier 2, loss −ln 1e-6
    assert bt.brier_score(y, probs) == pytest.approx((0 + 5 / 6 + 0.5 + 2) / 4)
    assert bt.log_loss(y, probs) == pytest.approx(
        (0 + math.log(6) + math.log(2) - math.log(1e-6)) / 4)
    s = bt.score(y, pred, probs, n_unscorable=3)
    assert s["n_scored"] == 4 and s["n_unscorable"] == 3
    assert s["confusion_matrix"] == cm.tolist()


def test_baselines() -> None:
    g = np.array([0.2, 0.3, 0.4, 1.5, 1.6, 1.7, 3.0, 3.2, 3.4, 3.6])
    y = ["buck_passing"] * 3 + ["hard_balancing"] * 3 + ["bandwagoning"] * 4
    fits = bt.fit_baselines(g, y)
    assert fits.majority == "bandwagoning"
    assert fits.base_rates["bandwagoning"] == pytest.approx(5 / 16)
    assert fits.base_rates["hedging"] == pytest.approx(1 / 16)
    rule = fits.capability
    assert rule.cuts == pytest.approx([0.95, 2.35])
    assert rule.labels == ["buck_passing", "hard_balancing", "bandwagoning"]
    pred = bt.baseline_probabilities(fits, np.array([0.0, 2.0, 9.0, np.nan]))
    labels, probs = pred["capability_ratio"]
    assert labels.tolist() == [5, 3, 1, -1] and np.isnan(probs[3]).all()
    assert probs[1, 3] == pytest.approx(4 / 9)
    assert pred["majority"][1][0].tolist() == [0, 1, 0, 0, 0, 0]
    np.testing.assert_allclose(pred["base_rates"][1].sum(axis=1), 1.0)


def test_vectorised_soft_classifier_equals_classify_soft() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        theta = np.array([rng.uniform(lo, hi) for *_, lo, hi in bt.THETA])
        model = bt._theta_to_model(theta, float(np.exp(rng.uniform(-3, 1))), None)
        g, z = rng.normal(2, 1.5, 40), rng.normal(0, 1, (40, 4))
        x, y, thr = bt._plane_batch(theta[:, None], g, z)
        mine = bt.soft_probabilities(x[0], y[0], {k: v[0] for k, v in thr.items()},
                                     np.asarray(model.region_map.temperature))
        theirs = classify_soft(x[0], y[0], model.region_map.region_map())
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_fold_assignment() -> None:
    y = ["hedging"] * 3 + ["hard_balancing"] * 7 + ["chain_ganging"]
    assert bt.fold_assignment(y, "loo", 1).tolist() == list(range(11))
    f = bt.fold_assignment(y, 3, 1)
    assert sorted(np.bincount(f).tolist()) == [3, 4, 4]
    for lab in ("hedging", "hard_balancing"):
        rows = [i for i, v in enumerate(y) if v == lab]
        assert len(set(f[rows].tolist())) == min(3, len(rows))
    with pytest.raises(InputError, match="folds"):
        bt.fold_assignment(y, 20, 1)


# ------------------------------------------------------------------------------------------
# fitting: cross-validation never sees the held-out case
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_features(dev_features: pd.DataFrame) -> pd.DataFrame:
    keep = ["DEV-008", "DEV-011", "DEV-015", "DEV-016", "DEV-017", "DEV-020", "DEV-022",
            "DEV-024", "DEV-025", "DEV-028", "DEV-045", "DEV-047", "DEV-034"]
    out = dev_features[dev_features["case_id"].isin(keep)].reset_index(drop=True)
    out.attrs = dict(dev_features.attrs)
    return out


def test_cv_fold_never_uses_its_test_case(small_features: pd.DataFrame) -> None:
    base = bt.calibrate(small_features, folds="loo", seed=5, budget=CHEAP)
    assert len(base.folds) == 12 and base.fitted_on is not None
    assert base.fitted_on.n_fit == 12  # DEV-034 is low: never fitted on
    k = 4
    held = base.folds[k].test
    assert len(held) == 1
    flipped = small_features.copy()
    i = int(np.flatnonzero(np.array(bf.case_keys(flipped)) == held[0])[0])
    flipped.loc[i, "outcome"] = "chain_ganging" if flipped.loc[i, "outcome"] != \
        "chain_ganging" else "hedging"
    again = bt.calibrate(flipped, folds="loo", seed=5, budget=CHEAP)
    assert again.folds[k].model == base.folds[k].model
    assert again.folds[k].baselines == base.folds[k].baselines
    # every other fold trained on the flipped label, and at least one of them noticed
    others = [j for j in range(12) if j != k]
    assert any(again.folds[j].model != base.folds[j].model for j in others)
    assert again.model() != base.model()


def test_calibrate_is_deterministic_and_scores_out_of_fold(small_features: pd.DataFrame
                                                           ) -> None:
    a = bt.calibrate(small_features, folds=3, seed=11, budget=CHEAP)
    b = bt.calibrate(small_features, folds=3, seed=11, budget=CHEAP, workers=2)
    assert a.folds == b.folds and a.model() == b.model()
    report = bt.backtest(small_features, a)
    by = report.cases.set_index("case_id")["scored_by"]
    assert by["DEV-034"] == "final fit (not fitted on)"
    assert by.drop("DEV-034").str.startswith("cv fold").all()
    assert a.cv is not None and a.cv.high_medium.accuracy == report.scores["high_medium"][
        "accuracy"]
    # without its folds the same file scores its fitting cases in-sample, and says so
    insample = bt.backtest(small_features, a.model_copy(update={"folds": []}))
    assert (insample.cases["scored_by"] == "final fit (in-sample)").sum() == 12
    assert any("in-sample" in n for n in insample.notes)


def test_fit_model_chooses_the_penalty_on_training_cases_only(
        small_features: pd.DataFrame) -> None:
    arr = bt._arrays(small_features)
    ok = np.isfinite(arr.z).all(axis=1)
    budget = bt.FitBudget(popsize=4, maxiter=5, polish=False, penalties=(0.1, 10.0),
                          inner_folds=3)
    m = bt.fit_model(arr.g[ok], arr.z[ok], arr.y[ok], seed=1, budget=budget)
    assert m.penalty in (0.1, 10.0)
    assert m == bt.fit_model(arr.g[ok], arr.z[ok], arr.y[ok], seed=1, budget=budget)


# ------------------------------------------------------------------------------------------
# parameter files
# ------------------------------------------------------------------------------------------
def test_params_round_trip_and_accessors(small_features: pd.DataFrame, tmp_path: Path) -> None:
    fitted = bt.calibrate(small_features, folds=3, seed=2, budget=CHEAP, command="test")
    for name in ("p.yaml", "p.json"):
        path = pm.save_params(fitted, tmp_path / name)
        assert pm.load_params(path) == fitted
    m = pm.region_map_of(fitted)
    assert m.a_H == fitted.region_map.a_H and m.temperature == fitted.region_map.temperature
    assert pm.threat_weights_of(fitted).as_array().sum() == pytest.approx(1.0)
    from realpolitik.simulate.scenario import load_preset

    sc = pm.apply_to_scenario(load_preset("status-quo").with_overrides(
        {"region_map": {"base": "default", "hysteresis": 0.05}}), fitted)
    assert sc.region_map["a_H"] == fitted.region_map.a_H
    assert sc.region_map["hysteresis"] == 0.05
    from realpolitik.simulate.resolve import resolve

    assert resolve(sc).region_map.r_P == pytest.approx(fitted.region_map.r_P)


@pytest.mark.parametrize(("edit", "message"), [
    ({"region_map": {"a_S": 0.5, "a_H": 0.2}}, "region_map: a_H (0.2) must be greater"),
    ({"threat_weights": {"power": -1}}, "threat_weights.power"),
    ({"transform": {"s_g": 0}}, "transform.s_g"),
    ({"colour": "red"}, "unknown key 'colour'"),
    ({"transform": {"s_gg": 1.0}}, "unknown key 'transform.s_gg': did you mean s_g"),
    ({"kind": "scenario"}, "is not a backtest parameter file"),
])
def test_bad_parameter_files_name_the_key(tmp_path: Path, edit: dict[str, object],
                                          message: str) -> None:
    data = pm.default_params().to_dict()
    data.update(edit)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=re.escape(message.split(": did")[0])) as err:
        pm.load_params(path)
    if ": did" in message:  # the hint suggests the key meant
        assert message.split(": ")[-1] in str(err.value.hint)


def test_shipped_params_reproduce_their_cross_validated_scores(
        dev_features: pd.DataFrame) -> None:
    shipped = pm.shipped_params()
    assert shipped.fitted and shipped.cv is not None and shipped.in_sample is not None
    assert shipped.fitted_on is not None
    assert shipped.fitted_on.sha256 == bf.read_cases("dev").attrs["sha256"]
    assert len(shipped.folds) == shipped.fitted_on.n_fit == 25
    assert shipped.command is not None and shipped.command.startswith("realpolitik calibrate")
    report = bt.backtest(dev_features, shipped)
    for subset in ("all", "high_medium"):
        recorded = getattr(shipped.cv, subset)
        for key in ("accuracy", "macro_f1", "brier", "log_loss", "n_scored", "n_unscorable"):
            assert report.scores[subset][key] == pytest.approx(getattr(recorded, key)), key
    # every fitting case is scored out of fold, every other one by a fit that never saw it
    by = report.cases["scored_by"]
    assert by.str.startswith("cv fold").sum() == 25
    assert not by.str.contains("in-sample").any()


# ------------------------------------------------------------------------------------------
# command line
# ------------------------------------------------------------------------------------------
def test_cli_backtest_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "backtest", "dev", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"all", "high_medium", "baselines", "cases"}
    for block in (doc["all"], doc["high_medium"]):
        assert {"accuracy", "macro_f1", "brier", "log_loss", "n_scored",
                "n_unscorable"} <= set(block)
    assert doc["all"]["n_scored"] + doc["all"]["n_unscorable"] == 47
    assert set(doc["baselines"]) == {"majority", "base_rates", "capability_ratio",
                                     "default_params"}
    assert set(doc["baselines"]["capability_ratio"]) == {"all", "high_medium"}
    assert len(doc["cases"]) == 47
    case = next(c for c in doc["cases"] if c["case_id"] == "DEV-026")
    assert case["scorable"] is False and "offense" in case["reason"]
    ok = next(c for c in doc["cases"] if c["case_id"] == "DEV-015")
    assert ok["predicted"] in LABELS
    assert sum(ok[f"p_{lab}"] for lab in LABELS) == pytest.approx(1.0)


def test_cli_backtest_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "backtest")
    assert code == 0, err
    text = " ".join(out.split())
    assert "classifier (CV)" in text and "capability ratio" in text
    assert "DEV-026 (row 26): threat: offense has no data" in text


def test_cli_calibrate_then_use_the_file(tmp_path: Path, dev_text: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.read_csv(io.StringIO(dev_text), dtype=str, keep_default_na=False)
    small = tmp_path / "cases.csv"
    frame[frame["case_id"].isin(["DEV-008", "DEV-011", "DEV-015", "DEV-016", "DEV-017",
                                 "DEV-020", "DEV-022", "DEV-024", "DEV-045", "DEV-047",
                                 "DEV-034"])].to_csv(small, index=False)
    out_file = tmp_path / "params.yaml"
    code, out, err = run(capsys, "calibrate", str(small), "--output", str(out_file),
                         "--folds", "3", "--maxiter", "5", "--popsize", "4", "--workers", "1")
    assert code == 0, err
    assert "Cross-validated" in out and out_file.exists()
    params = pm.load_params(out_file)
    assert params.cv is not None and params.settings is not None
    assert params.settings.folds == "3" and "--folds 3" in (params.command or "")
    code, out, err = run(capsys, "backtest", str(small), "--params", str(out_file),
                         "--format", "json")
    assert code == 0, err
    assert json.loads(out)["high_medium"]["accuracy"] == pytest.approx(
        params.cv.high_medium.accuracy)
    code, out, err = run(capsys, "plane", "CHN", "RUS", "USA", "--from", "2004", "--to", "2008",
                         "--base", "2008", "--params", str(out_file), "--format", "json")
    assert code == 0, err
    cfg = json.loads(out)["provenance"]["config"]
    assert cfg["region_map"]["a_H"] == pytest.approx(params.region_map.a_H)
    assert cfg["threat_weights"]["power"] == pytest.approx(params.threat_weights.power)
    code, _, err = run(capsys, "calibrate", str(small), "--output", str(tmp_path / "p.txt"))
    assert code == 2 and ".yaml" in err
    code, _, err = run(capsys, "backtest", "dev", "--index", "cline")
    assert code == 2 and "fitted on the cinc index" in " ".join(err.split())


def test_default_params_get_cross_validated_baselines(small_features: pd.DataFrame) -> None:
    report = bt.backtest(small_features, pm.default_params())
    assert set(report.cases["scored_by"]) == {"defaults"}
    cap = report.baselines["capability_ratio"]["high_medium"]
    assert cap["n_scored"] == 12 and cap["accuracy"] is not None
    assert report.scores["high_medium"] == report.baselines["default_params"]["high_medium"]


def test_cli_forecast_takes_the_fitted_map(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = pm.shipped_params_path()
    code, out, err = run(capsys, "forecast", "-n", "1024", "--seed", "3", "--years", "2030",
                         "--no-store", "--format", "json", "--params", str(shipped))
    assert code == 0, err
    region = json.loads(out)["provenance"]["scenario"]["region_map"]
    assert region["a_H"] == pytest.approx(pm.shipped_params().region_map.a_H)
