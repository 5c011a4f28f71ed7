"""Pair-level measures: UN voting, rivalry, geography and disputes (sanity figures from
shared/data/SOURCES.md, directed symmetry, NA outside coverage, triad suffixes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from realpolitik.data import loaders
from realpolitik.errors import InputError
from realpolitik.measures.disputes import add_disputes
from realpolitik.measures.geography import add_contiguity, add_distance, haversine_km
from realpolitik.measures.rivalry import add_rivalry
from realpolitik.measures.unvotes import add_un_agreement, add_un_distance, un_agreement_table
from realpolitik.units import dyad_years, state_years, triad_years

USA, RUS, CHN = 2, 365, 710

# every pair-level add_* step with the columns it adds (pair suffix "" on dyads)
PAIR_STEPS: dict[str, tuple[Callable[..., pd.DataFrame], dict[str, Any], list[str]]] = {
    "un_distance": (add_un_distance, {}, ["un_idealpoint_dist"]),
    "un_agreement": (add_un_agreement, {}, ["un_joint_votes", "un_agree", "un_agree3"]),
    "rivalry_tss": (add_rivalry, {"source": "tss"},
                    ["rivalry", "rivalry_id", "rivalry_positional", "rivalry_spatial",
                     "rivalry_ideological", "rivalry_interventionary"]),
    "rivalry_td": (add_rivalry, {"source": "td"}, ["rivalry", "rivalry_positional"]),
    "contiguity": (add_contiguity, {}, ["contiguity"]),
    "capdist": (add_distance, {"kind": "capital"}, ["capdist"]),
    "mindist": (add_distance, {"kind": "minimum"}, ["mindist"]),
    "disputes_gml": (add_disputes, {"source": "gml"},
                     ["mid_onset", "mid_ongoing", "mid_hostlev", "mid_sidea", "mid_dispnum"]),
    "disputes_cow": (add_disputes, {"source": "cow"}, ["mid_onset", "mid_sidea"]),
}
# measures whose value does not depend on the order of the pair
SYMMETRIC = ["un_distance", "un_agreement", "rivalry_tss", "rivalry_td", "contiguity",
             "capdist", "mindist"]


@pytest.fixture(scope="module")
def big3() -> pd.DataFrame:
    """Directed dyad-years of the USA, Russia and China, 1816–2024."""
    return dyad_years(states=[USA, RUS, CHN])


@pytest.fixture(scope="module")
def directed() -> pd.DataFrame:
    """All directed dyad-years 1885–1890 and 2008–2021 (around several coverage ends)."""
    early = dyad_years(years=(1885, 1890))
    out = pd.concat([early, dyad_years(years=(2008, 2021))], ignore_index=True)
    out.attrs = dict(early.attrs)
    return out


def _row(frame: pd.DataFrame, c1: int, c2: int, year: int) -> pd.Series:
    hit = frame[(frame["ccode1"] == c1) & (frame["ccode2"] == c2) & (frame["year"] == year)]
    assert len(hit) == 1, (c1, c2, year)
    return hit.iloc[0]


# ---------------------------------------------------------------------------------------------
# UN voting
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("c1", "c2", "share", "n"),
    [(RUS, CHN, 0.793, 87), (USA, CHN, 0.135, 89), (USA, RUS, 0.207, 87)],
)
def test_un_agreement_2019_matches_sources(c1: int, c2: int, share: float, n: int) -> None:
    t = un_agreement_table(years=2019)
    row = _row(t, min(c1, c2), max(c1, c2), 2019)
    assert row["un_agree"] == pytest.approx(share, abs=0.002)
    assert 87 <= row["un_joint_votes"] <= 89
    assert row["un_joint_votes"] == n
    assert row["un_agree"] <= row["un_agree3"] <= 1


def test_un_agreement_table_is_nondirected_and_bounded() -> None:
    t = un_agreement_table()
    assert (t["ccode1"] < t["ccode2"]).all()
    assert not t.duplicated(["ccode1", "ccode2", "year"]).any()
    assert t["year"].between(1946, 2019).all()
    assert (t["un_joint_votes"] > 0).all()
    assert t["un_agree"].between(0, 1).all() and t["un_agree3"].between(0, 1).all()
    assert "un_votes" in t.attrs["provenance"]["data"]


def test_china_seat_before_1971_is_not_the_prc() -> None:
    """China's seat before 1971-10-25 is recorded as "Taiwan": no PRC vote before 1971-11.

    The crosswalk gives the 1946–1949 "Taiwan" votes to COW 710 (the ROC then governed
    China) and 1950–1971 to Taiwan (713); votes recorded as "China" (the PRC) start in 1971.
    """
    v = loaders.un_votes()
    dates = loaders.un_roll_calls().set_index("rcid")["date"]
    china = v[v["ccode"] == CHN]
    prc = china[china["country"] == "China"]
    assert dates.reindex(prc["rcid"]).min() >= pd.Timestamp(1971, 11, 1)
    assert not china["year"].between(1950, 1970).any()
    assert set(china.loc[china["year"] < 1971, "country"]) <= {"Taiwan"}
    assert china.loc[china["year"] < 1971, "year"].max() <= 1949
    roc = v[v["ccode"] == 713]
    assert dates.reindex(roc["rcid"]).max() < pd.Timestamp(1971, 10, 25)


def test_un_agreement_coverage(big3: pd.DataFrame) -> None:
    o = add_un_agreement(big3)
    assert o.loc[o["year"] > 2019, ["un_joint_votes", "un_agree"]].isna().all().all()
    assert o.loc[o["year"] < 1946, ["un_joint_votes", "un_agree"]].isna().all().all()
    # inside coverage: joint votes known (0 if none), agreement NA exactly when no joint vote
    inside = o[o["year"].between(1946, 2019)]
    assert inside["un_joint_votes"].notna().all()
    assert (inside["un_agree"].isna() == (inside["un_joint_votes"] == 0)).all()
    # the PRC did not vote with the USA in 1950–1970 (the seat was Taiwan's)
    prc_usa = inside[(inside["ccode1"] == CHN) & (inside["ccode2"] == USA)]
    assert (prc_usa.loc[prc_usa["year"].between(1950, 1970), "un_joint_votes"] == 0).all()
    assert _row(o, CHN, USA, 2019)["un_agree"] == pytest.approx(0.135, abs=0.002)


def test_un_distance_values_and_2024() -> None:
    t = triad_years(USA, RUS, CHN, years=(2016, 2024))
    fp = add_un_distance(t)
    ip = loaders.idealpoints().set_index(["ccode", "year"])["idealpointfp"]
    y22 = fp[fp["year"] == 2022].iloc[0]
    assert y22["un_idealpoint_dist_ab"] == pytest.approx(abs(ip[USA, 2022] - ip[RUS, 2022]))
    assert y22["un_idealpoint_dist_ab"] == pytest.approx(2.146 + 0.809, abs=0.002)
    assert y22["un_idealpoint_dist_bc"] == pytest.approx(1.351 - 0.809, abs=0.002)
    assert fp[["un_idealpoint_dist_ab", "un_idealpoint_dist_ac", "un_idealpoint_dist_bc"]
              ].notna().all().all()
    for variant in ("all", "legacy"):
        o = add_un_distance(t, variant=variant)
        assert o.loc[o["year"] == 2024, "un_idealpoint_dist_ab"].isna().all()
        assert o.loc[o["year"] == 2023, "un_idealpoint_dist_ab"].notna().all()
    with pytest.raises(InputError, match="variant"):
        add_un_distance(t, variant="bogus")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Rivalry
# ---------------------------------------------------------------------------------------------
def test_rivalry_tss_sanity(big3: pd.DataFrame) -> None:
    o = add_rivalry(big3, source="tss")
    cu = o[(o["ccode1"] == CHN) & (o["ccode2"] == USA)].set_index("year")
    assert (cu.loc[1996:2020, "rivalry"] == 1).all()
    assert (cu.loc[1996:2020, "rivalry_positional"] == 1).all()
    assert (cu.loc[1996:2020, "rivalry_ideological"] == 0).all()
    assert (cu.loc[1996:2020, "rivalry_id"] == 211).all()
    assert (cu.loc[1973:1995, "rivalry"] == 0).all()
    assert cu.loc[1973:1995, "rivalry_id"].isna().all()
    assert cu.loc[2021:, ["rivalry", "rivalry_positional"]].isna().all().all()  # right-censored
    cr = o[(o["ccode1"] == CHN) & (o["ccode2"] == RUS)].set_index("year")
    on = cr.index[cr["rivalry_id"] == 128]
    assert (on.min(), on.max(), len(on)) == (1958, 1989, 32)
    assert (cr.loc[1958:1989, ["rivalry_spatial", "rivalry_ideological"]] == 1).all().all()
    assert (cr.loc[1950:1957, "rivalry"] == 0).all()


def test_rivalry_td_ends_2010(big3: pd.DataFrame) -> None:
    o = add_rivalry(big3, source="td")
    cr = o[(o["ccode1"] == RUS) & (o["ccode2"] == CHN)].set_index("year")
    on = cr.index[cr["rivalry"] == 1]
    assert set(range(1958, 1990)) <= set(on)
    assert (cr.loc[1958:1989, "rivalry_ideological"] == 1).all()
    ur = o[(o["ccode1"] == USA) & (o["ccode2"] == RUS)].set_index("year")
    assert (ur.loc[2007:2010, "rivalry"] == 1).all()
    assert ur.loc[2011:, "rivalry"].isna().all()
    with pytest.raises(InputError, match="rivalry source"):
        add_rivalry(big3, source="xyz")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------------------------
def test_contiguity_sanity(big3: pd.DataFrame) -> None:
    o = add_contiguity(big3)
    rc = o[(o["ccode1"] == RUS) & (o["ccode2"] == CHN)].set_index("year")["contiguity"]
    assert (rc.loc[1860:2016] == 1).all()
    ur = o[(o["ccode1"] == USA) & (o["ccode2"] == RUS)].set_index("year")["contiguity"]
    assert (ur.loc[:1958] == 6).all() and (ur.loc[1959:2016] == 2).all()
    uc = o[(o["ccode1"] == USA) & (o["ccode2"] == CHN)].set_index("year")["contiguity"]
    assert (uc.loc[:2016] == 6).all()
    assert o.loc[o["year"] > 2016, "contiguity"].isna().all()
    assert o.loc[o["year"] <= 2016, "contiguity"].notna().all()


def test_capital_distance_sanity(big3: pd.DataFrame) -> None:
    o = add_distance(big3, kind="capital")
    for (a, b), km in {(USA, RUS): 7831, (USA, CHN): 11116, (RUS, CHN): 5776}.items():
        assert _row(o, a, b, 2020)["capdist"] == pytest.approx(km, abs=1)
        assert _row(o, b, a, 2000)["capdist"] == pytest.approx(km, abs=1)
    # Saint Petersburg until 1918-03-11: capital on 1 July, so Moscow from 1918
    assert _row(o, USA, RUS, 1917)["capdist"] != pytest.approx(7831, abs=1)
    assert _row(o, USA, RUS, 1918)["capdist"] == pytest.approx(7831, abs=1)
    assert float(haversine_km(38.895037, -77.036543, 55.625578, 37.606392)) == pytest.approx(
        7831, abs=1)


def test_minimum_distance_sanity(big3: pd.DataFrame) -> None:
    o = add_distance(big3, kind="minimum")
    ur = o[(o["ccode1"] == RUS) & (o["ccode2"] == USA)].set_index("year")["mindist"]
    assert ur.loc[1886:1959].to_numpy() == pytest.approx(3243.4, abs=0.1)
    assert ur.loc[1960:2019].to_numpy() == pytest.approx(79.98, abs=0.01)
    assert ur.loc[:1885].isna().all() and ur.loc[2020:].isna().all()
    rc = o[(o["ccode1"] == CHN) & (o["ccode2"] == RUS)].set_index("year")["mindist"]
    assert (rc.loc[1886:2019] == 0).all()
    with pytest.raises(InputError, match="distance kind"):
        add_distance(big3, kind="euclid")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Disputes
# ---------------------------------------------------------------------------------------------
def test_mid_349_sides_differ_between_gml_and_cow(big3: pd.DataFrame) -> None:
    gml = add_disputes(big3, source="gml")
    cow = add_disputes(big3, source="cow")
    for o in (gml, cow):
        for a, b in ((RUS, CHN), (CHN, RUS)):
            r = _row(o, a, b, 1969)
            assert (r["mid_dispnum"], r["mid_ongoing"], r["mid_hostlev"]) == (349, 1, 4)
    # GML: the USSR on side A; COW: China on side A; directed, so the reverse order flips
    assert (_row(gml, RUS, CHN, 1969)["mid_sidea"], _row(gml, CHN, RUS, 1969)["mid_sidea"]) == (
        1, 0)
    assert (_row(cow, RUS, CHN, 1969)["mid_sidea"], _row(cow, CHN, RUS, 1969)["mid_sidea"]) == (
        0, 1)
    # GML starts MID #349 in 1968-12, COW in 1969-03
    assert _row(gml, RUS, CHN, 1969)["mid_onset"] == 0
    assert _row(cow, RUS, CHN, 1969)["mid_onset"] == 1


def test_disputes_counts_and_coverage(big3: pd.DataFrame) -> None:
    for source, last, n_us_cn in (("gml", 2010, 36), ("cow", 2014, 40)):
        o = add_disputes(big3, source=source)  # type: ignore[arg-type]
        uc = o[(o["ccode1"] == USA) & (o["ccode2"] == CHN)]
        assert int(uc["mid_ongoing"].sum()) == n_us_cn
        inside = o[o["year"] <= last]
        assert inside[["mid_onset", "mid_ongoing", "mid_sidea"]].notna().all().all()
        quiet = inside[inside["mid_ongoing"] == 0]
        assert (quiet[["mid_onset", "mid_hostlev", "mid_sidea"]] == 0).all().all()
        assert quiet["mid_dispnum"].isna().all()
        cols = ["mid_onset", "mid_ongoing", "mid_hostlev", "mid_sidea", "mid_dispnum"]
        assert o.loc[o["year"] > last, cols].isna().all().all()
    us_cn_1950 = _row(add_disputes(big3), CHN, USA, 1950)
    assert (us_cn_1950["mid_dispnum"], us_cn_1950["mid_sidea"], us_cn_1950["mid_hostlev"]) == (
        51, 1, 5)
    assert _row(add_disputes(big3), USA, CHN, 1950)["mid_sidea"] == 0


# ---------------------------------------------------------------------------------------------
# Properties shared by every pair measure
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SYMMETRIC)
def test_symmetric_measures_agree_in_both_orders(name: str, directed: pd.DataFrame) -> None:
    fn, kw, cols = PAIR_STEPS[name]
    o = fn(directed, **kw)
    a = o.set_index(["ccode1", "ccode2", "year"])[cols]
    b = o.set_index(["ccode2", "ccode1", "year"])[cols]
    b.index.names = a.index.names
    pd.testing.assert_frame_equal(a, b.reindex(a.index))


def test_disputes_directed_consistency(directed: pd.DataFrame) -> None:
    o = add_disputes(directed, source="cow")
    a = o.set_index(["ccode1", "ccode2", "year"])
    b = o.set_index(["ccode2", "ccode1", "year"])
    b.index.names = a.index.names
    b = b.reindex(a.index)
    for col in ("mid_onset", "mid_ongoing", "mid_hostlev", "mid_dispnum"):
        pd.testing.assert_series_equal(a[col], b[col])
    both_a = (a["mid_sidea"] == 1) & (b["mid_sidea"] == 1)
    assert not both_a.fillna(False).any()


@pytest.mark.parametrize("name", list(PAIR_STEPS))
def test_pair_measures_on_triads_and_undirected(name: str) -> None:
    fn, kw, cols = PAIR_STEPS[name]
    t = fn(triad_years("USA", "RUS", "CHN", years=(1950, 2024)), **kw)
    for col in cols:
        for psfx in ("_ab", "_ac", "_bc"):
            assert f"{col}{psfx}" in t.columns
        assert col not in t.columns
    assert t.attrs["unit"]["kind"] == "triad_year"
    assert t.attrs["provenance"]["data"]
    # a triad pair carries the same value as the dyad of the same two states
    d = fn(dyad_years(directed=False, states=[USA, RUS, CHN], years=(1950, 2024)), **kw)
    ab = d[(d["ccode1"] == USA) & (d["ccode2"] == RUS)].set_index("year")[cols]
    tab = t.set_index("year")[[f"{c}_ab" for c in cols]]
    tab.columns = cols
    pd.testing.assert_frame_equal(tab, ab.reindex(tab.index), check_names=False)


@pytest.mark.parametrize("name", list(PAIR_STEPS))
def test_pair_measures_refuse_state_years(name: str) -> None:
    fn, kw, _ = PAIR_STEPS[name]
    with pytest.raises(InputError, match="pairs"):
        fn(state_years(years=2000), **kw)


@pytest.mark.parametrize("name", list(PAIR_STEPS))
def test_pair_measures_keep_rows_and_attrs(name: str, big3: pd.DataFrame) -> None:
    fn, kw, _ = PAIR_STEPS[name]
    o = fn(big3, **kw)
    assert len(o) == len(big3)
    pd.testing.assert_frame_equal(o[["ccode1", "ccode2", "year"]], big3)
    assert o.attrs["unit"] == big3.attrs["unit"]
    assert np.isin(list(big3.attrs["provenance"]["data"]),
                   list(o.attrs["provenance"]["data"])).all()
