"""The adversary's offensive response Ar, empirical mode (DESIGN §3.3), and the empirical
trajectory of a triad on the alignment plane."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import realpolitik.measures.threat as threat_module
from realpolitik.errors import InputError, StateYearError
from realpolitik.measures.power import power
from realpolitik.measures.threat import (
    COMPONENTS,
    FRONTS,
    ReferenceDistribution,
    ThreatOptions,
    ThreatWeights,
    build_reference,
    check_weights,
    combine_components,
    reference_distribution,
    relative,
    scenario_threat,
    threat,
    threat_components,
    threat_for_cases,
)
from realpolitik.measures.trajectory import PROBABILITY_COLUMNS, trajectory
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import classify_path, region_map

finite = st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False)


def z_matrix(frame: pd.DataFrame, sfx: str = "") -> np.ndarray:
    """The component z-scores of a threat_components frame, (years, 4)."""
    return np.stack([frame[f"z_{c}{sfx}"].to_numpy(float) for c in COMPONENTS], axis=-1)


# --------------------------------------------------------------------------------------------
# components
# --------------------------------------------------------------------------------------------
def test_proximity_china_russia_border_and_usa_distance() -> None:
    # Russia as the adversary of China: a land border, Moscow–Beijing about 5,800 km
    rus = threat_components("CHN", "USA", "RUS", years=2000).iloc[0]
    assert rus["contiguity_A"] == 1.0
    assert rus["distance_km_A"] == pytest.approx(5776, abs=5)
    # the USA: not contiguous with China, contiguous across the Bering Strait with Russia
    # (COW type 2 → 0.8); Washington–Beijing about 11,100 km, Washington–Moscow 7,831 km
    usa = threat_components("CHN", "RUS", "USA", years=2000).iloc[0]
    assert usa["contiguity_A"] == 0.0 and usa["contiguity_B"] == 0.8
    assert usa["distance_km_A"] == pytest.approx(11116, abs=5)
    assert usa["distance_km_B"] == pytest.approx(7831, abs=1)
    # the pair: the nearer front and the closer contiguity
    assert usa["distance_km"] == usa["distance_km_B"] and usa["contiguity"] == 0.8
    # nearer is more threatening
    assert usa["distance_B"] > usa["distance_A"]
    assert rus["z_proximity_A"] > usa["z_proximity_A"]


def test_rivalry_usa_ussr_1945_1989_raises_intentions() -> None:
    tc = threat_components("RUS", "CHN", "USA", years=(1940, 1995)).set_index("year")
    riv = tc["rivalry_A"]
    assert (riv.loc[1945:1989] == 1).all()
    assert (riv.loc[1940:1944] == 0).all() and (riv.loc[1990:1995] == 0).all()
    z = tc["z_rivalry_A"]
    assert z.loc[1945:1989].min() > 0 > z.loc[[*range(1940, 1945), *range(1990, 1996)]].max()
    # the rivalry's onset and end move the intentions component (disputes held equal)
    assert tc.loc[1945, "z_intentions_A"] - tc.loc[1944, "z_intentions_A"] > 0.9
    assert tc.loc[1990, "z_intentions_A"] < tc.loc[1989, "z_intentions_A"]


def test_disputes_initiated_by_the_usa_against_china_1950s_vs_2000s() -> None:
    tc = threat_components("CHN", "RUS", "USA", years=(1950, 2010)).set_index("year")
    # GML: the USA is on side A against China in 1953, 1954 and 1955 (and 1960), never 2000–09
    assert tc.loc[1959, "mid_count_A"] == 3
    assert tc.loc[1960, "mid_count_A"] == 4
    assert tc.loc[2009, "mid_count_A"] == 0
    assert tc.loc[1959, "disputes_A"] == pytest.approx(math.log(4))
    assert tc.loc[1959, "z_disputes_A"] > 2 > 0 > tc.loc[2009, "z_disputes_A"]
    # MIDs where China is on side A do not count (1950: Korea, China joined as side B; 1958:
    # Taiwan Strait, China on side A)
    assert tc.loc[1950, "mid_count_A"] == 0


def test_mid_coverage_ends_and_is_reported() -> None:
    tc = threat_components("CHN", "RUS", "USA", years=(2009, 2012)).set_index("year")
    assert tc.loc[2010, "mid_count_A"] == 0 and np.isnan(tc.loc[2011, "mid_count_A"])
    assert tc.loc[2010, "partial"] == "" and tc.loc[2011, "partial"] == "disputes"
    # the intentions component then rests on rivalry alone
    assert tc.loc[2011, "z_intentions_A"] == pytest.approx(tc.loc[2011, "z_rivalry_A"])
    cow = threat_components("CHN", "RUS", "USA", years=2012, options={"mid_source": "cow"})
    assert cow["partial"].iloc[0] == "" and not np.isnan(cow["mid_count_A"].iloc[0])


def test_aggregate_power_and_offense() -> None:
    tc = threat_components("CHN", "RUS", "USA", years=(2000, 2001)).set_index("year")
    p = power(["CHN", "RUS", "USA"], 2000).set_index("stateabb")["power"]
    assert tc.loc[2000, "power"] == pytest.approx(math.log(p["USA"] / (p["CHN"] + p["RUS"])))
    assert tc.loc[2000, "power_A"] == pytest.approx(math.log(p["USA"] / p["CHN"]))
    assert tc.loc[2000, "power_B"] == pytest.approx(math.log(p["USA"] / p["RUS"]))
    # offense is the adversary's own: the same on both fronts
    assert tc.loc[2000, "z_offense_A"] == tc.loc[2000, "z_offense_B"] == tc.loc[2000, "z_offense"]


def test_milex_level_growth_is_na_across_the_pound_dollar_break() -> None:
    lvl = threat_components("FRN", "RUS", "GMY", years=(1910, 1922),
                            options={"offense": "level"}).set_index("year")
    assert lvl.loc[1914:1918, "milex_growth"].isna().all()
    assert lvl.loc[1913, "milex_growth"] == lvl.loc[1913, "milex_growth"]  # not NA
    assert lvl.loc[1919:1922, "milex_growth"].notna().any()
    share = threat_components("FRN", "RUS", "GMY", years=(1914, 1918)).set_index("year")
    assert share["milex_growth"].notna().all()  # shares of the year's total need no currency


def test_several_adversaries() -> None:
    tc = threat_components("FRN", "UKG", ["GMY", "AUH"], years=1913).iloc[0]
    p = power(["FRN", "UKG", "GMY", "AUH"], 1913).set_index("stateabb")["power"]
    assert tc["power"] == pytest.approx(
        math.log((p["GMY"] + p["AUH"]) / (p["FRN"] + p["UKG"])))
    alone = threat_components("FRN", "UKG", "GMY", years=1913).iloc[0]
    assert tc["distance_km_A"] <= alone["distance_km_A"]  # the nearest adversary
    assert tc["mid_count"] >= alone["mid_count"]


# --------------------------------------------------------------------------------------------
# standardisation: causal z-scores use no data after the year scored
# --------------------------------------------------------------------------------------------
def _perturbed_reference(ref: ReferenceDistribution, after: int,
                         rng: np.random.Generator) -> ReferenceDistribution:
    values = {}
    for key, frame in ref.values.items():
        f = frame.copy()
        late = f["year"].to_numpy() > after
        for col in f.columns:
            if col != "year":
                f.loc[late, col] = rng.normal(5.0, 3.0, int(late.sum()))
        values[key] = f
    return ReferenceDistribution.from_values(values, "perturbed")


def test_causal_zscores_ignore_the_reference_after_t() -> None:
    t = 1960
    ref = reference_distribution()
    pert = _perturbed_reference(ref, t, np.random.default_rng(1))
    years = (1950, 1975)
    base = threat("CHN", "RUS", "USA", years=years, base=1955)
    again = threat("CHN", "RUS", "USA", years=years, base=1955, reference=pert)
    early = base["year"] <= t
    cols = ["ar_level", "ar_level_A", "ar_level_B", "ar", "ar_A", "ar_B"]
    pd.testing.assert_frame_equal(base.loc[early, cols], again.loc[early, cols])
    assert not np.allclose(base.loc[~early, "ar_level"], again.loc[~early, "ar_level"])
    # the fixed (non-causal) reference uses the whole record, so it moves everywhere
    fixed = threat("CHN", "RUS", "USA", years=years, base=1955, causal=False)
    fixed_p = threat("CHN", "RUS", "USA", years=years, base=1955, causal=False, reference=pert)
    assert not np.allclose(fixed.loc[early, "ar_level"], fixed_p.loc[early, "ar_level"])


def test_causal_threat_uses_no_data_after_t(monkeypatch: pytest.MonkeyPatch) -> None:
    """Perturb every data value after year t (reference and triad alike): Ar at t unchanged."""
    t = 1962
    cases = [("CHN", "RUS", "USA", 1955), ("RUS", "CHN", "USA", t), ("FRN", "UKG", "GMY", 1913),
             ("USA", "UKG", ["GMY", "ITA"], 1941)]
    before = threat_for_cases(cases)
    ref = reference_distribution()
    original = threat_module._source
    rng = np.random.default_rng(7)

    def perturbed(kind: str, c1: np.ndarray, c2: np.ndarray | None, year: np.ndarray,
                  option: str = "") -> np.ndarray:
        vals = original(kind, c1, c2, year, option).astype(float)
        late = np.asarray(year) > t
        noise = rng.integers(0, 2, late.sum()) if kind in ("major", "rivalry", "mid_initiated") \
            else rng.uniform(0.5, 50.0, late.sum())
        vals[late] = noise
        return vals

    monkeypatch.setattr(threat_module, "_source", perturbed)
    pref = build_reference()
    after = threat_for_cases(cases, reference=pref)
    cols = ["ar_level", "ar_level_A", "ar_level_B", *[f"z_{c}" for c in COMPONENTS]]
    pd.testing.assert_frame_equal(before[cols], after[cols])
    # …and the perturbation does reach later years
    late = threat_for_cases([("CHN", "RUS", "USA", 1990)], reference=pref)
    monkeypatch.setattr(threat_module, "_source", original)
    assert not np.allclose(late["ar_level"], threat_for_cases([("CHN", "RUS", "USA", 1990)],
                                                              reference=ref)["ar_level"])


def test_moments_windows() -> None:
    frame = pd.DataFrame({"year": np.repeat(np.arange(2000, 2010), 40),
                          "x": np.tile(np.arange(40.0), 10) + np.repeat(np.arange(10.0), 40)})
    ref = ReferenceDistribution.from_values({"d": frame})
    mean, _sd = ref.moments("x", [2000, 2009, 2015], causal=True)
    assert mean.tolist() == pytest.approx([19.5, 24.0, 24.0])
    mean_w, _ = ref.moments("x", [2009], causal=True, window=2)
    assert mean_w.tolist() == pytest.approx([19.5 + 8.5])
    mean_f, _ = ref.moments("x", [2000], causal=False)
    assert mean_f.tolist() == pytest.approx([24.0])
    few, _ = ref.moments("x", [2000], causal=True, min_n=41)
    assert np.isnan(few).all()
    assert np.isnan(ref.moments("x", [1999], causal=True)[0]).all()


# --------------------------------------------------------------------------------------------
# relative Ar, weights, NA
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("base", [1950, 1989, 2008])
def test_relative_ar_is_zero_at_the_base_year(base: int) -> None:
    ar = threat("CHN", "RUS", "USA", years=(1950, 2022), base=base)
    row = ar.loc[ar["year"] == base].iloc[0]
    assert (row["ar"], row["ar_A"], row["ar_B"]) == (0.0, 0.0, 0.0)
    assert ar.attrs["base"] == base
    assert ar.attrs["provenance"]["config"]["threat"]["base"] == base


def test_base_outside_years_and_default_base() -> None:
    inside = threat("CHN", "RUS", "USA", years=(1990, 2010), base=2000)
    outside = threat("CHN", "RUS", "USA", years=(1990, 1995), base=2000)
    pd.testing.assert_frame_equal(inside.iloc[:6].reset_index(drop=True), outside,
                                  check_like=True)
    default = threat("CHN", "RUS", "USA", years=(1990, 2010))
    assert default.attrs["base"] == 2010


def test_base_without_a_score_is_a_state_year_error() -> None:
    with pytest.raises(StateYearError, match="no complete threat score"):
        threat("CHN", "RUS", "USA", years=(2000, 2024), base=2024)
    with pytest.raises(StateYearError):
        threat("CHN", "RUS", "USA", years=(2000, 2010), base=1850)  # China not a member


def test_scale_divides_ar() -> None:
    one = threat("CHN", "RUS", "USA", years=(1990, 2000), base=1990)
    two = threat("CHN", "RUS", "USA", years=(1990, 2000), base=1990, scale=2.0)
    assert np.allclose(two["ar"] * 2, one["ar"])
    assert np.allclose(two["ar_level"], one["ar_level"])
    for bad in (0, -1.0, float("nan"), float("inf"), True, "x"):
        with pytest.raises(InputError):
            threat("CHN", "RUS", "USA", years=2000, base=2000, scale=bad)  # type: ignore


@pytest.mark.parametrize("weights", [
    {"power": -0.1}, {"power": float("nan")}, {"offense": float("inf")},
    {"power": 0, "proximity": 0, "offense": 0, "intentions": 0}, {"menace": 1.0},
    {"power": "heavy"}, [0.25, 0.25, 0.25, 0.25], 1.0,
])
def test_weights_validation(weights: object) -> None:
    with pytest.raises(InputError):
        check_weights(weights)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        threat("CHN", "RUS", "USA", years=2000, base=2000, weights=weights)  # type: ignore


def test_weights_defaults_and_partial_mappings() -> None:
    w = ThreatWeights()
    assert w.as_array().tolist() == [0.25] * 4 and math.isclose(w.as_array().sum(), 1.0)
    assert check_weights({"intentions": 1}).as_array().tolist() == [0.25, 0.25, 0.25, 1.0]
    assert check_weights(None) == w
    only_power = threat("CHN", "RUS", "USA", years=(1990, 2000), base=1990,
                        weights={"power": 1, "proximity": 0, "offense": 0, "intentions": 0})
    tc = threat_components("CHN", "RUS", "USA", years=(1990, 2000))
    assert np.allclose(only_power["ar_level"], tc["z_power"])


def test_options_validation() -> None:
    for bad in ({"reference": "galaxy"}, {"dispute_window": 0}, {"carry_years": -1},
                {"offense_window": 0}, {"unknown": 1}, {"min_reference": 1}):
        with pytest.raises(InputError):
            threat("CHN", "RUS", "USA", years=2000, base=2000, options=bad)
    assert ThreatOptions().reference == "major"


def test_na_propagation_and_reporting() -> None:
    ar = threat("CHN", "RUS", "USA", years=(2020, 2024), base=2020).set_index("year")
    # NMC (power, military) ends in 2022: 2023–2024 have no power or offense component
    assert ar.loc[2023:2024, ["ar_level", "ar", "ar_A", "ar_B"]].isna().all().all()
    assert ar.loc[2023, "missing"] == "power, offense"
    assert ar.loc[2022, "missing"] == "" and ar.loc[2022, "partial"] == "disputes"
    # a component with weight 0 does not make the score NA
    w = {"power": 0, "offense": 0, "proximity": 1, "intentions": 1}
    ar0 = threat("CHN", "RUS", "USA", years=(2020, 2024), base=2020, weights=w)
    assert ar0["ar_level"].notna().all() and (ar0["missing"] == "").all()
    # unknown states or no common membership
    with pytest.raises(InputError):
        threat("CHN", "CHN", "USA", years=2000)


def test_contiguity_and_rivalry_are_carried_forward_causally() -> None:
    tc = threat_components("CHN", "RUS", "USA", years=(2016, 2024)).set_index("year")
    assert (tc["contiguity_B"] == 0.8).all()  # contiguity data end in 2016
    assert (tc["rivalry_A"] == 1).all()  # the tss rivalry list ends in 2020
    off = threat_components("CHN", "RUS", "USA", years=(2016, 2024),
                            options={"carry_years": 0}).set_index("year")
    assert off.loc[2017:, "contiguity_B"].isna().all() and off.loc[2021:, "rivalry_A"].isna().all()


@given(st.lists(st.tuples(finite, finite, finite, finite), min_size=1, max_size=8),
       st.tuples(*[st.floats(0, 5) for _ in range(4)]).filter(lambda w: sum(w) > 0))
def test_combine_components_is_the_weighted_sum(rows: list[tuple[float, ...]],
                                                w: tuple[float, ...]) -> None:
    z = np.array(rows)
    assert np.allclose(combine_components(z, w), z @ np.array(w))
    weights = ThreatWeights(**dict(zip(COMPONENTS, w, strict=True)))
    assert np.allclose(combine_components(z, weights), z @ np.array(w))


def test_combine_components_na_policies() -> None:
    z = np.array([[1.0, np.nan, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    assert np.isnan(combine_components(z)[0]) and combine_components(z)[1] == 1.0
    assert combine_components(z, [1, 0, 1, 1]).tolist() == [3.0, 3.0]
    ren = combine_components(z, None, na="renormalise")
    assert ren.tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(InputError):
        combine_components(z, [1.0, 1.0])
    with pytest.raises(InputError):
        combine_components(z, None, na="ignore")  # type: ignore[arg-type]


def test_relative_and_scenario_threat() -> None:
    x = np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 3.0]])
    assert relative(x, 0).tolist() == [[0.0, 1.0, 3.0], [0.0, 0.0, 3.0]]
    assert np.allclose(relative(x, -1, 3.0), [[-1.0, -2 / 3, 0.0], [-1.0, -1.0, 0.0]])
    for bad in (3, 1.5, True):
        with pytest.raises(InputError):
            relative(x, bad)  # type: ignore[arg-type]
    paths = np.array([[[0.0, 0.0], [0.5, 1.0]], [[1.0, 1.0], [0.0, 0.0]]])  # 2 × 2 years × 2
    assert scenario_threat(paths, [0.5, 0.5]).tolist() == [[0.0, 0.75], [0.0, -1.0]]
    with pytest.raises(InputError):
        scenario_threat([[1.5, 0.0]], [1, 1])


def test_combine_components_is_shared_by_both_modes() -> None:
    """threat() is relative(combine_components(z)) of the component z-scores, and the same
    functions on a forecast-shaped array (trajectories × years × components) give the same
    numbers."""
    years, base = (1992, 2010), 2008  # every indicator available in every year
    tc = threat_components("CHN", "RUS", "USA", years=years)
    ar = threat("CHN", "RUS", "USA", years=years, base=base)
    assert (tc["partial"] == "").all() and (tc["missing"] == "").all()
    pos = int(np.flatnonzero(tc["year"].to_numpy() == base)[0])
    w = ThreatWeights()
    for sfx in FRONTS:
        z = z_matrix(tc, sfx)
        level = combine_components(z, w)
        assert np.allclose(level, ar[f"ar_level{sfx}"], rtol=0, atol=1e-12)
        assert np.allclose(relative(level, pos), ar[f"ar{sfx}"], rtol=0, atol=1e-12)
        # forecast shape: 3 identical trajectories
        cube = np.broadcast_to(z, (3, *z.shape))
        fc = relative(combine_components(cube, w.as_array()), pos, 1.0)
        assert np.allclose(fc, np.broadcast_to(ar[f"ar{sfx}"].to_numpy(), (3, len(tc))),
                           rtol=0, atol=1e-12)


def test_like_for_like_relative_when_a_source_ends() -> None:
    ar = threat("CHN", "RUS", "USA", years=(2008, 2012), base=2008).set_index("year")
    tc = threat_components("CHN", "RUS", "USA", years=(2008, 2012)).set_index("year")
    # 2012: no MIDs; Ar compares rivalry with rivalry, not rivalry with (rivalry + disputes)
    w = 0.25
    expected = w * (
        (tc.loc[2012, "z_power"] - tc.loc[2008, "z_power"])
        + (tc.loc[2012, "z_proximity"] - tc.loc[2008, "z_proximity"])
        + (tc.loc[2012, "z_offense"] - tc.loc[2008, "z_offense"])
        + (tc.loc[2012, "z_rivalry"] - tc.loc[2008, "z_rivalry"]))
    assert ar.loc[2012, "ar"] == pytest.approx(expected)


def test_threat_for_cases_matches_threat() -> None:
    cases = [("CHN", "RUS", "USA", 2008), ("RUS", "CHN", "USA", 1960),
             ("GMY", "AUH", ["RUS", "YUG"], 1908), (710, 365, [2], 1995)]
    out = threat_for_cases(cases)
    assert out["case"].tolist() == [0, 1, 2, 3]
    assert out["c"].tolist() == ["USA", "USA", "RUS;YUG", "USA"]
    for i, (a, b, c, y) in enumerate(cases):
        one = threat(a, b, c, years=y, base=y)
        for col in ("ar_level", "ar_level_A", "ar_level_B"):
            assert out.loc[i, col] == pytest.approx(one[col].iloc[0])
    assert "threat_for_cases" in out.attrs["provenance"]["config"]
    with pytest.raises(InputError):
        threat_for_cases([("CHN", "RUS", "USA")])  # type: ignore[list-item]
    with pytest.raises(InputError):
        threat_for_cases([])


def test_provenance() -> None:
    ar = threat("CHN", "RUS", "USA", years=(2000, 2001), base=2000)
    prov = ar.attrs["provenance"]
    assert {"nmc", "gml_mid_ddy", "tss_rivalries", "contdir", "capitals"} <= set(prov["data"])
    cfg = prov["config"]["threat"]
    assert cfg["weights"] == ThreatWeights().model_dump() and cfg["causal"] is True
    assert cfg["options"]["reference"] == "major"
    assert list(ar.columns) == ["year", "ar_level", "ar_level_A", "ar_level_B", "ar", "ar_A",
                                "ar_B", "missing", "partial"]


# --------------------------------------------------------------------------------------------
# trajectory
# --------------------------------------------------------------------------------------------
def test_trajectory_china_russia_usa_1992_2022() -> None:
    tr = trajectory("CHN", "RUS", "USA", years=(1992, 2022), base=2008)
    assert len(tr) == 31 and tr["year"].tolist() == list(range(1992, 2023))
    origin = tr.loc[tr["year"] == 2008].iloc[0]
    assert (origin["rg"], origin["ar"], origin["ar_A"], origin["ar_B"]) == (0.0, 0.0, 0.0, 0.0)
    assert origin["label"] == "hedging" and origin["label_index"] == 0
    assert set(tr["label"].dropna()) <= set(LABELS)
    labelled = tr["label"].notna()
    assert (tr.loc[labelled, "label_index"] >= 0).all()
    p = tr.loc[labelled, list(PROBABILITY_COLUMNS)].to_numpy()
    assert np.allclose(p.sum(axis=1), 1.0) and (p >= 0).all()
    assert (tr.loc[labelled, "reason"] == "").all()
    cfg = tr.attrs["provenance"]["config"]
    assert cfg["region_map"]["name"] == "default"
    assert cfg["threat_weights"] == ThreatWeights().model_dump()
    assert cfg["trajectory"]["base"] == 2008 and tr.attrs["base"] == 2008
    assert {"nmc", "tss_rivalries"} <= set(tr.attrs["provenance"]["data"])


def test_trajectory_keeps_years_without_data() -> None:
    tr = trajectory("CHN", "RUS", "USA", years=(2020, 2024), base=2020).set_index("year")
    assert len(tr) == 5
    assert tr.loc[2023:2024, "label"].isna().all()
    assert (tr.loc[2023:2024, "label_index"] == -1).all()
    assert tr.loc[2023:2024, list(PROBABILITY_COLUMNS)].isna().all().all()
    assert "rg:" in tr.loc[2023, "reason"] and "ar: missing power, offense" in tr.loc[
        2023, "reason"]
    assert tr.loc[2020, "reason"] == ""


def test_trajectory_default_base_and_hysteresis() -> None:
    tr = trajectory("CHN", "RUS", "USA", years=(1980, 2010))
    assert tr.attrs["base"] == 2010
    m = region_map(hysteresis=0.3)
    hyst = trajectory("CHN", "RUS", "USA", years=(1980, 2010), region_map=m)
    expected = classify_path(hyst["rg"], hyst["ar"], m, nan="unclassified")
    assert hyst["label_index"].tolist() == expected.tolist()
    assert hyst.attrs["hysteresis"] == 0.3
    plain = trajectory("CHN", "RUS", "USA", years=(1980, 2010), region_map=m, hysteresis=False)
    assert plain.attrs["hysteresis"] == 0.0
    with pytest.raises(InputError):
        trajectory("CHN", "RUS", "USA", years=(1980, 2010), hysteresis=-1.0)


def test_trajectory_is_fast_once_warm() -> None:
    trajectory("CHN", "RUS", "USA", base=2008)
    start = time.perf_counter()
    tr = trajectory("CHN", "RUS", "USA", base=2008)
    assert time.perf_counter() - start < 1.0
    assert tr["year"].min() == 1860 and tr["year"].max() == 2022  # China joins COW in 1860
