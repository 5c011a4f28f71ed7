"""Units of analysis (state-, dyad-, triad-years) and the ``add_*`` steps joined onto them.

Oracles: the COW v2016 membership spells read independently (``strategies.state_records``),
peacesciencer's ``false_cow_dyads`` (the 60 directed pairs that share a calendar year but no
day), the published NMC v7.0 state-years and ATOP v5.1 directed dyad-years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from realpolitik.data import loaders
from realpolitik.errors import InputError
from realpolitik.measures import add_alliances, add_capabilities
from realpolitik.units import (
    dyad_years,
    membership_years,
    state_years,
    triad_years,
    unit_info,
)
from strategies import (
    FIRST_YEAR,
    LAST_YEAR,
    reversed_year_ranges,
    state_queries,
    state_records,
    states,
    year_ranges,
    year_ranges_outside,
    year_ranges_straddling,
)

ATOP_COLS = ["atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul"]
KEY = ["ccode1", "ccode2", "year"]


def _flip(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})


# ------------------------------------------------------------------------------------------
# membership and state-years
# ------------------------------------------------------------------------------------------
def test_membership_years_match_spells_to_the_day() -> None:
    """One row per member state-year, with the part of the year inside the spell."""
    spells = loaders.states()
    want = []
    for row in spells.itertuples():
        for year in range(int(row.styear), int(row.endyear) + 1):
            first = max(row.start, pd.Timestamp(year, 1, 1))
            last = min(row.end, pd.Timestamp(year, 12, 31))
            want.append((int(row.ccode), year, first, last))
    want_df = pd.DataFrame(want, columns=["ccode", "year", "first_day", "last_day"])
    want_df = want_df.sort_values(["year", "ccode"]).reset_index(drop=True)
    got = membership_years()
    assert len(got) == len(want_df)
    assert not got.duplicated(["ccode", "year"]).any()
    np.testing.assert_array_equal(got["ccode"].to_numpy(), want_df["ccode"].to_numpy())
    np.testing.assert_array_equal(got["year"].to_numpy(), want_df["year"].to_numpy())
    for col in ("first_day", "last_day"):
        np.testing.assert_array_equal(
            got[col].to_numpy("datetime64[D]"), want_df[col].to_numpy("datetime64[D]"))
    assert (got["first_day"] <= got["last_day"]).all()


def test_membership_years_follow_the_oracle_spells() -> None:
    got = membership_years().groupby("ccode")["year"].apply(set)
    for rec in state_records():
        want = {y for a, b in rec.spells for y in range(a, b + 1)}
        assert got[rec.ccode] == want, rec.abb


def test_state_years_1816_2022_are_the_nmc_state_years() -> None:
    sy = state_years(years=(1816, 2022))
    assert len(sy) == 17_121
    nmc = loaders.nmc()[["ccode", "year"]]
    both = sy[["ccode", "year"]].merge(nmc, how="outer", indicator=True)
    assert (both["_merge"] == "both").all()


def test_state_years_shape_and_order() -> None:
    sy = state_years()
    assert list(sy.columns) == ["ccode", "stateabb", "year"]
    assert str(sy["ccode"].dtype) == "int16" and str(sy["year"].dtype) == "int16"
    assert sy["year"].min() == FIRST_YEAR and sy["year"].max() == LAST_YEAR
    assert sy.equals(sy.sort_values(["year", "ccode"]))
    assert not sy.duplicated(["ccode", "year"]).any()
    abb = {r.ccode: r.abb for r in state_records()}
    assert (sy["stateabb"] == sy["ccode"].map(abb)).all()
    assert unit_info(sy).kind == "state_year"


@given(year_ranges(max_width=60), states())
def test_state_years_restrict_to_the_named_states(years: tuple[int, int], rec) -> None:
    sy = state_years(years=years, states=[rec.ccode])
    want = [y for y in range(years[0], years[1] + 1) if rec.is_member(y)]
    assert sy["year"].tolist() == want
    assert set(sy["ccode"]) <= {rec.ccode}


# ------------------------------------------------------------------------------------------
# dyad-years
# ------------------------------------------------------------------------------------------
def test_full_directed_universe_matches_peacesciencer(universe: pd.DataFrame) -> None:
    """peacesciencer's cow_ddy (1816–2024) has 2,214,930 rows (SOURCES.md, 'Not bundled')."""
    assert len(universe) == 2_214_930
    assert list(universe.columns) == KEY
    assert all(str(universe[c].dtype) == "int16" for c in KEY)


def test_directed_universe_1816_2022_row_count(universe: pd.DataFrame) -> None:
    d = dyad_years(years=(1816, 2022))
    assert len(d) == 2_139_270
    assert d.reset_index(drop=True).equals(
        universe[universe["year"] <= 2022].reset_index(drop=True))
    assert unit_info(d).directed


def test_undirected_is_exactly_half_of_directed(universe: pd.DataFrame) -> None:
    u = dyad_years(directed=False, years=(1816, 2022))
    assert len(u) * 2 == 2_139_270
    assert (u["ccode1"] < u["ccode2"]).all()
    d = universe[(universe["year"] <= 2022) & (universe["ccode1"] < universe["ccode2"])]
    assert u.reset_index(drop=True).equals(d.reset_index(drop=True))
    assert not unit_info(u).directed


def test_directed_universe_is_symmetric_sorted_and_unique(universe: pd.DataFrame) -> None:
    assert not universe.duplicated().any()
    assert (universe["ccode1"] != universe["ccode2"]).all()
    assert universe.equals(
        universe.sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True))
    back = universe.merge(_flip(universe), on=KEY, how="left", indicator=True)
    assert (back["_merge"] == "both").all()


def test_every_dyad_year_shares_a_day_of_membership(universe: pd.DataFrame) -> None:
    m = membership_years()
    lut = np.full((1000, LAST_YEAR - FIRST_YEAR + 1), -1, dtype=np.int64)
    lut[m["ccode"].to_numpy(np.int64), m["year"].to_numpy(np.int64) - FIRST_YEAR] = np.arange(
        len(m))
    y = universe["year"].to_numpy(np.int64) - FIRST_YEAR
    r1 = lut[universe["ccode1"].to_numpy(np.int64), y]
    r2 = lut[universe["ccode2"].to_numpy(np.int64), y]
    assert (r1 >= 0).all() and (r2 >= 0).all(), "a dyad-year with a non-member"
    first = m["first_day"].to_numpy("datetime64[D]")
    last = m["last_day"].to_numpy("datetime64[D]")
    assert (np.maximum(first[r1], first[r2]) <= np.minimum(last[r1], last[r2])).all()


def test_universe_is_calendar_year_pairs_minus_false_dyads(universe: pd.DataFrame) -> None:
    """peacesciencer's construction: all pairs of same-year members, less false_cow_dyads."""
    sy = state_years(years=(1816, 2016))[["ccode", "year"]]
    naive = sy.merge(sy, on="year", suffixes=("1", "2"))
    naive = naive[naive["ccode1"] != naive["ccode2"]][KEY]
    ours = universe[universe["year"] <= 2016]
    both = naive.merge(ours, on=KEY, how="outer", indicator=True)
    assert (both["_merge"] != "right_only").all()
    extra = both[both["_merge"] == "left_only"][KEY]
    fd = loaders.false_dyads()
    assert len(fd) == 60
    pd.testing.assert_frame_equal(
        extra.sort_values(KEY).reset_index(drop=True).astype("int64"),
        fd.sort_values(KEY).reset_index(drop=True)[KEY].astype("int64"),
    )


def test_false_dyads_are_absent(universe: pd.DataFrame) -> None:
    fd = loaders.false_dyads()
    hit = universe.merge(fd, on=KEY)
    assert hit.empty


def test_china_enters_in_1860_without_modena_parma_tuscany(universe: pd.DataFrame) -> None:
    y1860 = universe[universe["year"] == 1860]
    china = y1860[y1860["ccode1"] == 710]
    assert len(china) > 0
    assert universe.loc[universe["ccode1"] == 710, "year"].min() == 1860
    partners = set(china["ccode2"])
    assert not partners & {332, 335, 337}
    assert not set(y1860.loc[y1860["ccode2"] == 710, "ccode1"]) & {332, 335, 337}
    # the three Italian states are members in 1860, and paired with others
    for code in (332, 335, 337):
        assert (y1860["ccode1"] == code).any()


@given(year_ranges(max_width=25))
def test_dyad_years_over_random_ranges(years: tuple[int, int]) -> None:
    d = dyad_years(years=years)
    assert not d.duplicated(KEY).any()
    assert d["year"].between(*years).all()
    u = dyad_years(directed=False, years=years)
    assert not u.duplicated(KEY).any()
    assert len(d) == 2 * len(u)


@given(year_ranges(max_width=25))
def test_dyad_years_of_a_range_are_the_universe_restricted(
    universe: pd.DataFrame, years: tuple[int, int]
) -> None:
    d = dyad_years(years=years).reset_index(drop=True)
    want = universe[universe["year"].between(*years)].reset_index(drop=True)
    assert d.equals(want)


def test_dyad_years_for_named_states(universe: pd.DataFrame) -> None:
    d = dyad_years(states=["USA", "prc", 365])
    assert set(map(tuple, d[["ccode1", "ccode2"]].drop_duplicates().to_numpy())) == {
        (2, 365), (365, 2), (2, 710), (710, 2), (365, 710), (710, 365)}
    want = universe[universe["ccode1"].isin([2, 365, 710]) & universe["ccode2"].isin(
        [2, 365, 710])]
    assert d.reset_index(drop=True).equals(want.reset_index(drop=True))
    assert d.loc[(d["ccode1"] == 2) & (d["ccode2"] == 710), "year"].tolist() == list(
        range(1860, 2025))


@given(year_ranges_outside())
def test_years_outside_coverage_are_input_errors(years: tuple[int, int]) -> None:
    for build in (state_years, dyad_years, membership_years):
        with pytest.raises(InputError):
            build(years=years)


@given(reversed_year_ranges())
def test_reversed_years_are_input_errors(years: tuple[int, int]) -> None:
    with pytest.raises(InputError, match="after"):
        state_years(years=years)


@given(year_ranges_straddling())
def test_straddling_years_are_clipped(years: tuple[int, int]) -> None:
    sy = state_years(years=years)
    lo, hi = max(years[0], FIRST_YEAR), min(years[1], LAST_YEAR)
    assert sy["year"].min() == lo and sy["year"].max() == hi


@pytest.mark.parametrize("years", [[1816], (1, 2, 3), "2000"])
def test_malformed_years_are_input_errors(years: object) -> None:
    with pytest.raises(InputError):
        state_years(years=years)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# triad-years
# ------------------------------------------------------------------------------------------
def test_chn_rus_usa_triad_1860_2024() -> None:
    t = triad_years("CHN", "RUS", "USA")
    assert len(t) == 165
    assert list(t.columns) == ["year", "ccode_a", "ccode_b", "ccode_c"]
    assert t["year"].tolist() == list(range(1860, 2025))
    assert (t["ccode_a"] == 710).all() and (t["ccode_b"] == 365).all()
    assert (t["ccode_c"] == 2).all()
    assert unit_info(t).kind == "triad_year"


@given(state_queries(next(r for r in state_records() if r.ccode == 710)),
       state_queries(next(r for r in state_records() if r.ccode == 365)),
       state_queries(next(r for r in state_records() if r.ccode == 2)))
def test_triad_accepts_any_form(a, b, c) -> None:
    t = triad_years(a[0], b[0], c[0], years=(1990, 2000))
    assert t["year"].tolist() == list(range(1990, 2001))


@pytest.mark.parametrize(
    ("a", "b", "c", "years"),
    [
        ("USA", "USA", "CHN", None),  # a state twice
        ("CHN", "prc", "USA", None),  # the same state under two names
        (365, "USSR", "USA", None),
        (332, 552, 2, None),  # Modena 1842–1860 and Zimbabwe 1965–: never together
        (332, 710, 2, None),  # same calendar year 1860, but never on the same day
        ("CHN", "RUS", "USA", (1816, 1859)),  # China not yet a member
    ],
)
def test_bad_triads_are_input_errors(a, b, c, years) -> None:
    with pytest.raises(InputError):
        triad_years(a, b, c, years=years)


# ------------------------------------------------------------------------------------------
# add_capabilities
# ------------------------------------------------------------------------------------------
def test_capabilities_on_dyads_rus_chn_2016() -> None:
    d = add_capabilities(dyad_years(years=(2016, 2016), states=["RUS", "CHN"]))
    row = d.set_index(["ccode1", "ccode2"])
    assert row.loc[(365, 710), "cinc1"] == pytest.approx(0.036467, abs=5e-7)
    assert row.loc[(365, 710), "cinc2"] == pytest.approx(0.230825, abs=5e-7)
    assert row.loc[(710, 365), "cinc1"] == pytest.approx(0.230825, abs=5e-7)
    assert row.loc[(710, 365), "cinc2"] == pytest.approx(0.036467, abs=5e-7)


def test_capabilities_on_dyads_are_both_sides_published_values() -> None:
    d = dyad_years(years=(1990, 2024))
    got = add_capabilities(d)
    nmc = loaders.nmc().set_index(["ccode", "year"])
    for side in ("1", "2"):
        idx = pd.MultiIndex.from_arrays([d[f"ccode{side}"], d["year"]])
        want = nmc.reindex(idx)
        for col in ("cinc", "milex", "tpop", "upop"):
            np.testing.assert_array_equal(got[f"{col}{side}"].to_numpy(),
                                          want[col].to_numpy())
    after = got[got["year"] > 2022]
    assert len(after) > 0
    assert after[["cinc1", "cinc2", "milex1", "milex2"]].isna().all().all()
    inside = got[got["year"] <= 2022]
    assert inside[["cinc1", "cinc2"]].notna().all().all()


def test_capabilities_on_state_years_flag_the_upop_break() -> None:
    s = add_capabilities(state_years(years=(2015, 2024), states=["USA"]))
    assert s["upop_break"].tolist() == [y >= 2017 for y in range(2015, 2025)]
    usa = s.set_index("year")
    assert usa.loc[2022, "milex"] == 838_814_000
    assert usa.loc[2016, "upop"] == 197_817 and usa.loc[2017, "upop"] == 109_994
    assert usa.loc[[2023, 2024], "cinc"].isna().all()


def test_capabilities_on_triads_use_actor_suffixes() -> None:
    t = add_capabilities(triad_years("CHN", "RUS", "USA"), components=["milex"])
    assert [c for c in t.columns if c.startswith(("cinc", "milex"))] == [
        "milex_a", "cinc_a", "milex_b", "cinc_b", "milex_c", "cinc_c"]
    y = t.set_index("year")
    assert y.loc[2016, "cinc_a"] == pytest.approx(0.230825, abs=5e-7)
    assert y.loc[2016, "cinc_b"] == pytest.approx(0.036467, abs=5e-7)
    assert y.loc[2016, "cinc_c"] == pytest.approx(0.133254, abs=5e-7)
    assert y.loc[[2023, 2024], ["cinc_a", "cinc_b", "cinc_c"]].isna().all().all()


def test_capabilities_reject_unknown_components() -> None:
    with pytest.raises(InputError, match="gdp"):
        add_capabilities(state_years(years=2000), components=["gdp"])


# ------------------------------------------------------------------------------------------
# add_alliances
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def allied(universe: pd.DataFrame) -> pd.DataFrame:
    return add_alliances(universe)


def test_alliance_columns_and_dtypes(allied: pd.DataFrame) -> None:
    cols = [*ATOP_COLS, "atop_any"]
    assert list(allied.columns) == [*KEY, *cols]
    assert all(str(allied[c].dtype) == "Int8" for c in cols)


def test_alliance_presence_is_symmetric(allied: pd.DataFrame) -> None:
    back = allied[[*KEY, "atop_any"]].merge(
        _flip(allied[[*KEY, "atop_any"]]), on=KEY, suffixes=("", "_back"))
    assert len(back) == len(allied)
    a = back["atop_any"].fillna(-1).to_numpy()
    b = back["atop_any_back"].fillna(-1).to_numpy()
    assert (a == b).all()


def test_alliance_obligations_as_atop_codes_them(allied: pd.DataFrame) -> None:
    atop = loaders.atop_ddy()
    m = allied.merge(atop, on=KEY, how="left", suffixes=("", "_atop"), indicator=True)
    listed = m[m["_merge"] == "both"]
    assert len(listed) > 250_000
    for c in ATOP_COLS:
        np.testing.assert_array_equal(listed[c].to_numpy(int), listed[f"{c}_atop"].to_numpy(int))
    assert (listed["atop_any"] == 1).all()
    # inside the coverage an unlisted dyad-year is no alliance: 0, not NA
    unlisted = m[(m["_merge"] == "left_only") & (m["year"] <= 2018)]
    assert len(unlisted) > 0
    vals = unlisted[[*ATOP_COLS, "atop_any"]]
    assert vals.notna().all().all()
    assert (vals == 0).all().all()


def test_alliances_are_na_after_2018(allied: pd.DataFrame) -> None:
    late = allied[allied["year"] >= 2019]
    assert len(late) > 0
    assert late[[*ATOP_COLS, "atop_any"]].isna().all().all()
    assert allied.loc[allied["year"] <= 2018, "atop_any"].notna().all()


def test_rus_chn_alliances() -> None:
    d = add_alliances(dyad_years(years=(1981, 2024), states=["RUS", "CHN"]))
    rc = d[(d["ccode1"] == 365) & (d["ccode2"] == 710)].set_index("year")
    inside = rc.loc[1981:2018]
    assert inside.index[inside["atop_nonagg"] == 1].tolist() == list(range(1992, 2019))
    assert inside.index[inside["atop_consul"] == 1].tolist() == list(range(2001, 2019))
    assert (inside["atop_defense"] == 0).all()
    assert rc.loc[2019:, [*ATOP_COLS, "atop_any"]].isna().all().all()


def test_undirected_alliances_take_either_direction(allied: pd.DataFrame) -> None:
    u = add_alliances(dyad_years(directed=False))
    fwd = u[KEY].merge(allied, on=KEY, how="left")  # obligations of ccode1 toward ccode2
    bwd = u[KEY].merge(_flip(allied), on=KEY, how="left")  # of ccode2 toward ccode1
    for c in [*ATOP_COLS, "atop_any"]:
        either = np.maximum(fwd[c].fillna(-1).to_numpy(int), bwd[c].fillna(-1).to_numpy(int))
        np.testing.assert_array_equal(u[c].fillna(-1).to_numpy(int), either)


def test_triad_alliances_have_pair_suffixes() -> None:
    t = add_alliances(triad_years("CHN", "RUS", "USA"))
    for sfx in ("_ab", "_ac", "_bc"):
        for c in [*ATOP_COLS, "atop_any"]:
            assert f"{c}{sfx}" in t.columns
    u = add_alliances(dyad_years(directed=False, states=["CHN", "RUS", "USA"]))
    for sfx, (a, b) in {"_ab": (365, 710), "_ac": (2, 710), "_bc": (2, 365)}.items():
        pair = u[(u["ccode1"] == a) & (u["ccode2"] == b)].set_index("year")
        tri = t.set_index("year")
        for c in [*ATOP_COLS, "atop_any"]:
            np.testing.assert_array_equal(
                tri[f"{c}{sfx}"].fillna(-1).to_numpy(int),
                pair.loc[tri.index, c].fillna(-1).to_numpy(int))
    y = t.set_index("year")
    assert y.loc[2001, "atop_consul_ab"] == 1 and y.loc[2001, "atop_defense_ab"] == 0
    assert y.loc[[2019, 2024], "atop_any_ab"].isna().all()


def test_alliances_need_pairs() -> None:
    with pytest.raises(InputError, match="pairs"):
        add_alliances(state_years(years=2000))


# ------------------------------------------------------------------------------------------
# any add_* step
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [add_capabilities, add_alliances])
@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"year": [2000]}),
        pd.DataFrame({"country": ["CHN"], "year": [2000]}),
        pd.DataFrame({"ccode1": [2], "year": [2000]}),
        pd.DataFrame({"ccode_a": [2], "ccode_b": [365], "year": [2000]}),
        pd.DataFrame(),
    ],
)
def test_frames_without_key_columns_are_input_errors(step, frame: pd.DataFrame) -> None:
    with pytest.raises(InputError):
        step(frame)


@given(year_ranges(max_width=10))
def test_add_steps_keep_rows_and_do_not_mutate(years: tuple[int, int]) -> None:
    d = dyad_years(years=years, states=["USA", "RUS", "CHN", "UKG", "FRN"])
    before = d.copy()
    for step in (add_capabilities, add_alliances):
        out = step(d)
        assert out.index.equals(d.index)
        pd.testing.assert_frame_equal(out[KEY], before[KEY])
        pd.testing.assert_frame_equal(d, before)
        assert out.attrs["unit"] == d.attrs["unit"]


def test_add_steps_work_on_frames_that_lost_their_attrs() -> None:
    d = dyad_years(years=(2010, 2012), states=["USA", "RUS", "CHN"])
    bare = pd.DataFrame(d.to_dict("list"))
    assert bare.attrs == {}
    pd.testing.assert_frame_equal(add_alliances(bare), add_alliances(d), check_dtype=False)
    pd.testing.assert_frame_equal(add_capabilities(bare), add_capabilities(d),
                                  check_dtype=False)
