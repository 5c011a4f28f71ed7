"""Power indices: CINC recomputation, Cline's perceived power, Haushofer's four criteria."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from realpolitik.data import loaders
from realpolitik.errors import DataIntegrityError, InputError, UnknownStateError
from realpolitik.measures.power import (
    DEFAULT_WEIGHTS,
    HAUSHOFER_CRITERIA,
    INDICES,
    add_power,
    cinc_table,
    cline_coefficients,
    cline_table,
    expert_scores,
    haushofer_combine,
    haushofer_table,
    land_areas,
    power,
    validate_weights,
)
from realpolitik.units import dyad_years, state_years, triad_years

CHN, RUS, USA = 710, 365, 2
scores01 = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)


def _row(frame: pd.DataFrame, ccode: int, year: int) -> pd.Series:
    sub = frame[(frame["ccode"] == ccode) & (frame["year"] == year)]
    assert len(sub) == 1
    return sub.iloc[0]


# --------------------------------------------------------------------------------------------
# CINC
# --------------------------------------------------------------------------------------------
def test_cinc_equals_published_on_every_complete_state_year() -> None:
    c = cinc_table()
    assert list(c.columns) == ["ccode", "year", "cinc", "cinc_published", "n_components",
                               "cinc_partial"]
    assert len(c) == 17121  # every NMC v7.0 state-year
    full = c[c["n_components"] == 6]
    assert len(full) == 17121 - 2804
    diff = (full["cinc"] - full["cinc_published"]).abs()
    assert diff.max() < 1e-6
    # the partial rows agree too (NMC also averages the available components)
    assert (c["cinc"] - c["cinc_published"]).abs().max() < 1e-6
    assert c["n_components"].between(0, 6).all()
    assert (c["cinc_partial"] == (c["n_components"] < 6)).all()
    assert c.attrs["provenance"]["data"]["nmc"].startswith("7.0")


def test_cinc_2016_figures() -> None:
    c = cinc_table()
    got = {cc: _row(c, cc, 2016)["cinc"] for cc in (CHN, RUS, USA)}
    assert got[CHN] == pytest.approx(0.230825, abs=1e-6)
    assert got[RUS] == pytest.approx(0.036467, abs=1e-6)
    assert got[USA] == pytest.approx(0.133254, abs=1e-6)
    assert round(got[CHN], 4) == 0.2308
    assert round(got[RUS], 4) == 0.0365
    assert round(got[USA], 4) == 0.1333


def test_cinc_partial_row_averages_available_components() -> None:
    nmc = loaders.nmc()
    comps = list(loaders.NMC_COMPONENTS)
    year = nmc[nmc["year"] == 1894]
    chn = year[year["ccode"] == CHN].iloc[0]
    avail = [k for k in comps if not math.isnan(chn[k])]
    assert len(avail) == 4  # milex and upop are missing for China in 1894
    expected = np.mean([chn[k] / year[k].sum() for k in avail])
    row = _row(cinc_table(), CHN, 1894)
    assert row["n_components"] == 4 and row["cinc_partial"]
    assert row["cinc"] == pytest.approx(expected, rel=1e-12)
    assert row["cinc"] == pytest.approx(0.154088, abs=1e-6)


def test_cinc_table_is_a_copy() -> None:
    a = cinc_table()
    a["cinc"] = 0.0
    assert cinc_table()["cinc"].max() > 0.3


# --------------------------------------------------------------------------------------------
# power() and add_power()
# --------------------------------------------------------------------------------------------
def test_power_schema_and_figures() -> None:
    p = power(["CHN", "Russia", 2], years=2016)
    assert list(p.columns[:6]) == ["ccode", "stateabb", "year", "power", "index", "partial"]
    assert p["stateabb"].tolist() == ["CHN", "RUS", "USA"]  # the order they were named in
    assert p["power"].round(4).tolist() == [0.2308, 0.0365, 0.1333]
    everyone = power(years=2016)
    assert everyone["ccode"].is_monotonic_increasing and len(everyone) == 195
    assert (p["index"] == "cinc").all() and not p["partial"].any()
    assert "provenance" in p.attrs


@pytest.mark.parametrize("index", INDICES)
def test_power_each_index_covers_the_triad(index: str) -> None:
    p = power(["CHN", "RUS", "USA"], years=(1990, 2022), index=index)
    assert len(p) == 3 * 33
    assert p["power"].notna().all()
    assert (p["power"] > 0).all()
    assert (p["index"] == index).all()


def test_power_unknown_index_lists_choices() -> None:
    with pytest.raises(InputError, match="unknown power index 'gdp'") as exc:
        power("CHN", 2016, index="gdp")
    assert "cinc, cline, haushofer" in str(exc.value)


def test_power_option_of_another_index_is_an_error() -> None:
    with pytest.raises(InputError, match="weights"):
        power("CHN", 2016, index="cinc", weights=DEFAULT_WEIGHTS)


def test_power_outside_coverage_and_unknown_state() -> None:
    with pytest.raises(InputError, match="1816–2022"):
        power("CHN", years=(1700, 1750))
    with pytest.raises(InputError, match="after last year"):
        power("CHN", years=(2000, 1990))
    with pytest.raises(UnknownStateError):
        power("Narnia", 2016)
    with pytest.raises(InputError, match="more than once"):
        power(["china", 710], 2016)
    assert power(np.int16(710), 2016)["stateabb"].tolist() == ["CHN"]


def test_add_power_suffixes_match_power() -> None:
    p = power(years=2016).set_index("ccode")["power"]
    sy = add_power(state_years(years=2016, states=["CHN", "USA"]))  # sorted by code
    assert sy["power"].tolist() == [p[USA], p[CHN]]
    dy = add_power(dyad_years(years=2016, states=["CHN", "RUS", "USA"]), "cinc")
    assert {"power1", "power2"} <= set(dy.columns)
    assert np.allclose(dy["power1"], dy["ccode1"].map(p))
    assert np.allclose(dy["power2"], dy["ccode2"].map(p))
    tri = add_power(triad_years("CHN", "RUS", "USA", years=(2016, 2024)), "haushofer")
    h = power(["CHN", "RUS", "USA"], (2016, 2022), "haushofer")
    h16 = h[h["year"] == 2016].set_index("ccode")["power"]
    row = tri[tri["year"] == 2016].iloc[0]
    assert (row["power_a"], row["power_b"], row["power_c"]) == (h16[CHN], h16[RUS], h16[USA])
    assert tri.loc[tri["year"] > 2022, ["power_a", "power_b", "power_c"]].isna().all().all()
    assert tri.attrs["provenance"]["config"]["power_index"] == "haushofer"


def test_add_power_rejects_non_unit_frames() -> None:
    with pytest.raises(InputError, match="not a unit of analysis"):
        add_power(pd.DataFrame({"x": [1]}))


# --------------------------------------------------------------------------------------------
# Haushofer
# --------------------------------------------------------------------------------------------
@given(s=scores01)
def test_haushofer_equal_weights_of_identical_scores_give_that_score(s: float) -> None:
    h = haushofer_combine({k: [s] for k in HAUSHOFER_CRITERIA})
    assert h[0] == pytest.approx(s, rel=1e-12)


@given(s=scores01, w=st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4).filter(
    lambda v: sum(v) > 0.1))
def test_haushofer_identical_scores_any_weights(s: float, w: list[float]) -> None:
    total = math.fsum(w)
    weights = {k: v / total for k, v in zip(HAUSHOFER_CRITERIA, w, strict=True)}
    h = haushofer_combine({k: [s] for k in HAUSHOFER_CRITERIA}, weights)
    assert h[0] == pytest.approx(s, rel=1e-9)


@given(others=st.lists(scores01, min_size=3, max_size=3))
def test_haushofer_one_criterion_to_zero_drives_h_to_zero(others: list[float]) -> None:
    eps = np.array([1e-2, 1e-4, 1e-8, 1e-16])
    scores = {"economy": eps, **{k: np.full(4, v) for k, v in
                                 zip(HAUSHOFER_CRITERIA[1:], others, strict=True)}}
    h = haushofer_combine(scores)
    assert np.all(np.diff(h) < 0)  # strictly decreasing as the criterion goes to 0
    assert h[-1] <= 1e-4  # (1e-16)^0.25 = 1e-4, others <= 1
    # the others cannot make up for it: even perfect scores leave H = eps^0.25
    perfect = haushofer_combine({"economy": eps, **{k: np.ones(4) for k in
                                                     HAUSHOFER_CRITERIA[1:]}})
    assert np.allclose(perfect, eps ** 0.25)


def test_haushofer_weighted_geometric_mean_value() -> None:
    w = {"economy": 0.4, "military": 0.3, "ideology": 0.2, "leader": 0.1}
    s = {"economy": [0.9], "military": [0.5], "ideology": [0.25], "leader": [1.0]}
    expected = 0.9 ** 0.4 * 0.5 ** 0.3 * 0.25 ** 0.2
    assert haushofer_combine(s, w)[0] == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.5902, abs=1e-4)


def test_haushofer_missing_criterion_renormalises() -> None:
    s = {"economy": [np.nan], "military": [0.25], "ideology": [0.5], "leader": [1.0]}
    expected = (0.25 * 0.5 * 1.0) ** (1 / 3)
    assert haushofer_combine(s)[0] == pytest.approx(expected)
    assert math.isnan(haushofer_combine({k: [np.nan] for k in HAUSHOFER_CRITERIA})[0])


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ({"economy": 0.5, "military": 0.5, "ideology": 0.5, "leader": -0.5}, "non-negative"),
        ({"economy": 0.3, "military": 0.3, "ideology": 0.3, "leader": 0.3}, "sum to 1.2"),
        ({"economy": 0.25, "military": 0.25, "ideology": 0.25}, "sum to 0.75"),
        ({"economy": 0.25, "military": 0.25, "ideology": 0.25, "charisma": 0.25}, "charisma"),
        ({"economy": float("nan"), "military": 0.5, "ideology": 0.25, "leader": 0.25},
         "non-negative"),
        ({"economy": "a lot", "military": 0.5, "ideology": 0.25, "leader": 0.25}, "economy"),
    ],
)
def test_haushofer_weights_validation(weights: dict[str, float], match: str) -> None:
    with pytest.raises(InputError, match=match) as exc:
        validate_weights(weights)
    if "charisma" not in weights and "a lot" not in weights.values():
        assert "economy=" in str(exc.value)  # the message names the weights
    with pytest.raises(InputError):
        haushofer_table(weights=weights)


def test_haushofer_weights_tolerance() -> None:
    ok = {"economy": 0.25 + 5e-10, "military": 0.25, "ideology": 0.25, "leader": 0.25}
    assert validate_weights(ok)["economy"] == pytest.approx(0.25)
    bad = {"economy": 0.25 + 1e-8, "military": 0.25, "ideology": 0.25, "leader": 0.25}
    with pytest.raises(InputError, match="sum to"):
        validate_weights(bad)


def test_haushofer_scores_out_of_range() -> None:
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        haushofer_combine({"economy": [0.0], "military": [0.5], "ideology": [0.5],
                           "leader": [0.5]})
    with pytest.raises(InputError, match=r"\(0, 1\]"):
        haushofer_combine({"economy": [1.5]})


def test_haushofer_table_scores_and_sources() -> None:
    h = haushofer_table()
    crit = ["s_economy", "s_military", "s_ideology", "s_leader", "haushofer"]
    vals = h[crit].to_numpy()
    ok = ~np.isnan(vals)
    assert ((vals[ok] > 0) & (vals[ok] <= 1)).all()
    chn = _row(h, CHN, 2016)
    assert chn["ideology_source"] == "expert" and chn["s_ideology"] == 0.85
    assert chn["leader_source"] == "expert" and chn["s_leader"] == 0.85
    assert chn["haushofer"] == pytest.approx(
        (chn["s_economy"] * chn["s_military"] * 0.85 * 0.85) ** 0.25)
    assert chn["haushofer"] == pytest.approx(0.7929, abs=1e-4)
    usa = _row(h, USA, 2016)
    assert usa["s_economy"] == 1.0 and usa["military_level"] == 1.0  # richest large, top spender
    # no expert row: ideology neutral, leader from Polity xconst (7) and Archigos tenure
    ukg = _row(h, 200, 1990)
    assert ukg["ideology_source"] == "neutral" and ukg["s_ideology"] == 0.5
    assert ukg["leader_source"] == "polity+archigos"
    tenure = (pd.Timestamp("1990-07-01") - pd.Timestamp("1979-05-04")).days / 365.25
    expected = 0.25 ** 0.75 * (1 - 0.5 * math.exp(-tenure / 5)) ** 0.25  # Thatcher
    assert ukg["s_leader"] == pytest.approx(expected, rel=1e-9)
    # after Polity (2018) and Archigos (2015): neutral leader where no expert row
    assert _row(h, 200, 2021)["leader_source"] == "neutral"


def test_haushofer_expert_override_and_validation() -> None:
    mine = pd.DataFrame({"ccode": ["CHN"], "first_year": [2016], "last_year": [2016],
                         "criterion": ["leader"], "score": [0.1]})
    h = haushofer_table(expert=mine)
    row = _row(h, CHN, 2016)
    assert row["s_leader"] == 0.1 and row["leader_source"] == "expert"
    assert row["s_ideology"] == 0.5 and row["ideology_source"] == "neutral"  # my table only
    assert h.attrs["provenance"]["config"]["expert"].startswith("user table (1 rows")
    overlap = pd.concat([mine, mine.assign(first_year=2010)])
    with pytest.raises(InputError, match="overlap"):
        haushofer_table(expert=overlap)
    with pytest.raises(InputError, match=r"not in \(0, 1\]"):
        haushofer_table(expert=mine.assign(score=0.0))
    with pytest.raises(InputError, match="unknown criterion"):
        haushofer_table(expert=mine.assign(criterion="charisma"))
    with pytest.raises(InputError, match="lacks column"):
        haushofer_table(expert=mine.drop(columns="score"))
    with pytest.raises(InputError, match="not a COW state code"):
        haushofer_table(expert=mine.assign(ccode=9999))
    with pytest.raises(InputError, match="not recognised"):
        haushofer_table(expert=mine.assign(ccode="Narnia"))
    with pytest.raises(InputError, match="after last_year"):
        haushofer_table(expert=mine.assign(first_year=2017))


def test_haushofer_options_validation() -> None:
    with pytest.raises(InputError, match="window"):
        haushofer_table(window=0)
    with pytest.raises(InputError, match="trend_weight"):
        haushofer_table(trend_weight=1.5)
    with pytest.raises(InputError, match="unknown indicator"):
        haushofer_table(indicators={"economy": "happiness"})
    urban = haushofer_table(indicators={"economy": "urban"}, window=3)
    assert _row(urban, USA, 2016)["economy_source"] == "nmc_urban"


def test_expert_table_covers_the_triad_1946_2024() -> None:
    ex = expert_scores()
    assert ex["source"].str.len().gt(10).all()
    for cc in (CHN, RUS, USA):
        for crit in ("ideology", "leader"):
            sub = ex[(ex["ccode"] == cc) & (ex["criterion"] == crit)]
            years = np.concatenate([np.arange(a, b + 1) for a, b in
                                    zip(sub["first_year"], sub["last_year"], strict=True)])
            assert sorted(years) == list(range(1946, 2025)), (cc, crit)


# --------------------------------------------------------------------------------------------
# Cline
# --------------------------------------------------------------------------------------------
def test_cline_us_leads_in_1990_and_china_above_russia_in_2020() -> None:
    c = cline_table()
    y90 = c[c["year"] == 1990].set_index("ccode")["cline"]
    assert y90.idxmax() == USA
    assert y90[USA] == pytest.approx(391.5, abs=0.5)
    assert y90[USA] > y90[RUS] > y90[CHN]
    y20 = c[c["year"] == 2020].set_index("ccode")["cline"]
    assert y20[CHN] > y20[RUS]
    assert y20[CHN] > 2 * y20[RUS]


def test_cline_bounds_and_default_s_w() -> None:
    c = cline_table()
    ok = c["cline"].notna()
    assert (c.loc[ok, "cline"] >= 0).all() and (c.loc[ok, "cline"] <= 500 + 1e-9).all()
    assert c["critical_mass"].max() <= 100 + 1e-9
    assert (c["strategic_purpose"] == 0.5).all() and (c["national_will"] == 0.5).all()
    # the year's largest population earns 50 points: China 2016
    chn = _row(c, CHN, 2016)
    area_share = 9388211 / 16376870
    assert chn["critical_mass"] == pytest.approx(50 + 50 * area_share, rel=1e-9)


def test_cline_population_only_critical_mass_when_area_unknown() -> None:
    c = cline_table()
    gmy = _row(c, 255, 1900)  # the German Reich: no land-area row
    assert not gmy["area_known"] and gmy["cline_partial"]
    nmc = loaders.nmc()
    y = nmc[nmc["year"] == 1900]
    share = y.loc[y["ccode"] == 255, "tpop"].iloc[0] / y["tpop"].max()
    assert gmy["critical_mass"] == pytest.approx(100 * share, rel=1e-9)


def test_cline_coefficients_are_data() -> None:
    coef = cline_coefficients()
    assert set(coef["term"]) == {"C", "E", "M"}
    assert coef.groupby("term")["points"].sum().to_dict() == {"C": 100, "E": 200, "M": 200}
    doubled = cline_table(coefficients=coef.assign(points=coef["points"] * 2))
    base = cline_table()
    ok = base["cline"].notna()
    assert np.allclose(doubled.loc[ok, "cline"], 2 * base.loc[ok, "cline"])
    with pytest.raises(InputError, match="scaling"):
        cline_table(coefficients=coef.assign(scaling="cube"))
    with pytest.raises(InputError, match="column"):
        cline_table(coefficients=coef.assign(column="gold"))


def test_cline_strategic_purpose_and_will_from_expert_table() -> None:
    sw = pd.DataFrame({"ccode": [USA, USA], "first_year": [1990, 1990], "last_year": [1990, 1990],
                       "criterion": ["strategic_purpose", "national_will"], "score": [1.0, 1.0]})
    c = cline_table(expert=sw)
    base = cline_table()
    assert _row(c, USA, 1990)["cline"] == pytest.approx(2 * _row(base, USA, 1990)["cline"])
    assert _row(c, USA, 1990)["s_source"] == "expert"
    assert _row(c, USA, 1991)["cline"] == pytest.approx(_row(base, USA, 1991)["cline"])


def test_land_area_table_covers_majors_and_g20() -> None:
    areas = land_areas()
    g20 = [160, 900, 140, 20, 710, 220, 255, 750, 850, 325, 740, 70, 365, 670, 560, 732, 640,
           200, 2]
    in_2020 = areas[(areas["first_year"] <= 2020) & (areas["last_year"] >= 2020)]
    assert set(g20) <= set(in_2020["ccode"])
    assert 300 in set(areas["ccode"])  # Austria-Hungary, the last COW major power
    assert (areas["area_km2"] > 0).all()
    assert in_2020.set_index("ccode").loc[[USA, RUS, CHN], "area_km2"].tolist() == [
        9147420, 16376870, 9388211]


def test_user_tables_with_missing_columns_are_input_errors() -> None:
    with pytest.raises(InputError, match="lack column"):
        cline_table(coefficients=pd.DataFrame({"term": ["C"]}))
    with pytest.raises(InputError, match="lacks column"):
        cline_table(areas=pd.DataFrame({"ccode": [2]}))
    assert issubclass(DataIntegrityError, Exception)  # shipped tables raise this instead
