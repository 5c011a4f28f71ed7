"""The data layer: every loader against SOURCES.md (shapes, caveats, sanity figures), the bundle's
integrity check, ``sources()`` and ``cite()``.

Figures quoted here are those of /work/shared/data/SOURCES.md (the authority for the bundle).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import realpolitik
from realpolitik.data import bundle, catalog, cite, loaders, manifest, sources
from realpolitik.data.bundle import read_bundled
from realpolitik.errors import DataIntegrityError, InputError
from strategies import crosswalk_available

needs_unvotes = pytest.mark.skipif(not crosswalk_available("unvotes"),
                                   reason="crosswalks/unvotes_ccode.csv not written yet")
needs_sipri = pytest.mark.skipif(not crosswalk_available("sipri"),
                                 reason="crosswalks/sipri_ccode.csv not written yet")
needs_maddison = pytest.mark.skipif(not crosswalk_available("maddison"),
                                    reason="crosswalks/maddison_ccode.csv not written yet")

BUNDLE_DIR = Path(realpolitik.data.__file__).parent / "_bundled"

# ------------------------------------------------------------------------------------------
# shapes: rows and columns as SOURCES.md gives them (loader-added columns listed separately)
# ------------------------------------------------------------------------------------------
SHAPES: dict[str, tuple[int, list[str]]] = {
    "nmc": (17_121, ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc",
                     "upop_break"]),
    "states": (243, ["stateabb", "ccode", "statenme", "styear", "endyear"]),
    "majors": (14, ["stateabb", "ccode", "styear", "endyear"]),
    "false_dyads": (60, ["ccode1", "ccode2", "year"]),
    "atop_ddy": (273_296, ["ccode1", "ccode2", "year", "atop_defense", "atop_offense",
                           "atop_neutral", "atop_nonagg", "atop_consul"]),
    "idealpoints": (11_440, ["ccode", "year", "idealpointfp", "idealpointall",
                             "idealpointlegacy"]),
    "un_roll_calls": (6_203, ["rcid", "session", "importantvote", "date", "unres", "amend",
                              "para", "short", "descr"]),
    "un_roll_call_issues": (5_745, ["rcid", "short_name", "issue"]),
    "unsc_vetoes": (214, ["year", "date", "month", "draft", "meeting_record", "agenda_item",
                          "crisis_topic", "region", "member_veto1", "member_veto2",
                          "member_veto3", "single_veto", "multiple_vetoes", "China", "France",
                          "Russia", "USSR", "USA", "UK", "russia_china", "usa_uk",
                          "usa_france", "usa_france_uk", "france_uk"]),
    "gdppop": (16_536, ["ccode", "year", "mrgdppc", "sd_mrgdppc", "pwtrgdp", "sd_pwtrgdp",
                        "pwtpop", "sd_pwtpop"]),
    "tss_rivalries": (264, ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end",
                            "positional", "spatial", "ideological", "interventionary",
                            "principal", "aprin"]),
    "td_rivalries": (197, ["rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear",
                           "region", "type1", "type2", "type3"]),
    "trade_ndy": (366, ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1",
                        "smoothflow2"]),
    "contdir": (1_874, ["ccode1", "ccode2", "conttype", "stdate", "enddate"]),
    "capitals": (242, ["ccode", "statenme", "capital", "stdate", "enddate", "lat", "lng"]),
    "mindist": (952_244, ["ccode1", "ccode2", "year", "mindist"]),
    "gml_mid_ddy": (9_284, ["dispnum", "ccode1", "ccode2", "year", "midongoing", "midonset",
                            "sidea1", "sidea2", "fatality1", "fatality2", "fatalpre1",
                            "fatalpre2", "hiact1", "hiact2", "hostlev1", "hostlev2", "orig1",
                            "orig2", "fatality", "hostlev", "recip", "mindur", "maxdur",
                            "stmon"]),
    "cow_mid_ddy": (10_234, ["dispnum", "ccode1", "ccode2", "year", "midongoing", "midonset",
                             "sidea1", "sidea2", "fatality1", "fatality2", "fatalpre1",
                             "fatalpre2", "hiact1", "hiact2", "hostlev1", "hostlev2", "orig1",
                             "orig2", "fatality", "hostlev", "mindur", "maxdur", "recip",
                             "stmon"]),
    "archigos": (3_409, ["obsid", "gwcode", "leadid", "leader", "yrborn", "gender",
                         "startdate", "enddate", "entry", "exit", "exitcode"]),
    "democracy": (17_706, ["ccode", "year", "euds", "aeuds", "polity2", "v2x_polyarchy"]),
    # p5v2018 has 17,574 rows; the 76 rows of states with no COW code (Polity 89, 99, 564) go,
    # and 16 recoded rows that fall on a year the COW code already has (e.g. the USSR's 1922,
    # which belongs to Russia's own 365 row, as in COW) are dropped (see loaders.polity5).
    "polity5": (17_574 - 76 - 16, ["ccode", "year", "polity_code", "polity2", "xconst", "polity",
                                   "democ", "autoc", "durable"]),
    "maoz_powers": (20, ["ccode", "regstdate", "regenddate", "globstdate", "globenddate"]),
}

#: Year spans of SOURCES.md, by the loader's year column(s).
YEAR_SPANS: dict[str, tuple[str, int, int]] = {
    "nmc": ("year", 1816, 2022),
    "atop_ddy": ("year", 1815, 2018),
    "false_dyads": ("year", 1860, 1990),
    "idealpoints": ("year", 1946, 2024),
    "unsc_vetoes": ("year", 1946, 2022),
    "gdppop": ("year", 1816, 2019),
    "trade_ndy": ("year", 1870, 2014),
    "mindist": ("year", 1886, 2019),
    "gml_mid_ddy": ("year", 1816, 2010),
    "cow_mid_ddy": ("year", 1816, 2014),
    "democracy": ("year", 1816, 2025),
    "polity5": ("year", 1776, 2020),
    "un_roll_calls": ("year", 1946, 2020),
}


@pytest.mark.parametrize("key", sorted(SHAPES))
def test_loader_shape(key: str) -> None:
    rows, cols = SHAPES[key]
    df = loaders.load(key)
    assert len(df) == rows
    missing = [c for c in cols if c not in df.columns]
    assert not missing


@pytest.mark.parametrize("key", sorted(YEAR_SPANS))
def test_loader_year_span(key: str) -> None:
    col, lo, hi = YEAR_SPANS[key]
    df = loaders.load(key)
    assert (int(df[col].min()), int(df[col].max())) == (lo, hi)


@pytest.mark.parametrize(
    ("key", "unique"),
    [("nmc", ["ccode", "year"]), ("atop_ddy", ["ccode1", "ccode2", "year"]),
     ("idealpoints", ["ccode", "year"]), ("gdppop", ["ccode", "year"]),
     ("democracy", ["ccode", "year"]), ("polity5", ["ccode", "year"]),
     ("mindist", ["ccode1", "ccode2", "year"]), ("gml_mid_ddy", ["ccode1", "ccode2", "year"]),
     ("cow_mid_ddy", ["ccode1", "ccode2", "year"]), ("trade_ndy", ["ccode1", "ccode2", "year"]),
     ("states", ["ccode", "styear"]), ("archigos", ["obsid"]), ("un_roll_calls", ["rcid"])],
)
def test_loader_keys_are_unique(key: str, unique: list[str]) -> None:
    assert not loaders.load(key).duplicated(unique).any()


@pytest.mark.parametrize("key", ["maddison", "sipri_milex", "un_votes", "maddison_countries"])
def test_raw_bundles_behind_crosswalked_loaders(key: str) -> None:
    rows = {"maddison": 23_280, "sipri_milex": 13_050, "un_votes": 870_109,
            "maddison_countries": 169}[key]
    assert len(read_bundled(key)) == rows


CROSSWALKED = {"un_votes", "maddison", "sipri_milex"}


def test_every_loader_has_a_shape_test() -> None:
    dispute_and_lists = {"gml_mid_disps", "cow_mid_disps", "maddison_countries"}
    assert set(loaders.LOADERS) == set(SHAPES) | CROSSWALKED | dispute_and_lists


@pytest.mark.parametrize("key", ["gml_mid_disps", "cow_mid_disps", "maddison_countries"])
def test_every_listed_data_set_loads_by_its_key(key: str) -> None:
    assert len(loaders.load(key)) == int(manifest()[key]["rows"])


@pytest.mark.parametrize(("source", "rows", "years"),
                         [("gml", 2_174, (1816, 2010)), ("cow", 2_436, (1816, 2014))])
def test_mid_disputes_shape(source: str, rows: int, years: tuple[int, int]) -> None:
    d = loaders.mid_disputes(source)  # type: ignore[arg-type]
    assert len(d) == rows
    assert list(d.columns) == ["dispnum", "styear", "stmon", "outcome", "settle", "fatality",
                               "mindur", "maxdur", "hiact", "hostlev", "recip"]
    assert (int(d["styear"].min()), int(d["styear"].max())) == years


def test_every_loader_returns_a_fresh_frame() -> None:
    a = loaders.nmc()
    a.loc[a.index[0], "cinc"] = -1.0
    assert loaders.nmc().loc[0, "cinc"] != -1.0


def test_load_unknown_name_suggests() -> None:
    with pytest.raises(InputError, match="did you mean nmc"):
        loaders.load("nmcc")
    with pytest.raises(InputError):
        loaders.mid_dyad_years("xyz")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        loaders.mid_disputes("xyz")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# caveats
# ------------------------------------------------------------------------------------------
def test_no_minus_nine_left_in_nmc() -> None:
    nmc = loaders.nmc()
    for col in [*loaders.NMC_COMPONENTS, "cinc"]:
        assert not (nmc[col] == -9).any(), col
    assert (nmc[[*loaders.NMC_COMPONENTS, "cinc"]].dropna() >= 0).all().all()


@pytest.mark.parametrize("source", ["gml", "cow"])
def test_no_minus_nine_left_in_mids(source: str) -> None:
    raw = read_bundled(f"{source}_mid_ddy")
    assert (raw["fatalpre1"] == -9).any(), "the raw file should carry -9 codes"
    ddy = loaders.mid_dyad_years(source)  # type: ignore[arg-type]
    for col in ["hostlev", "hostlev1", "hostlev2", "fatality", "fatality1", "fatality2",
                "fatalpre1", "fatalpre2", "hiact1", "hiact2", "mindur", "maxdur"]:
        assert not (ddy[col] == -9).any(), col
    # -9 became NA, nothing else did
    for col in ["fatality1", "fatalpre1", "fatality"]:
        assert ddy[col].isna().sum() == raw[col].isna().sum() + (raw[col] == -9).sum()
    disps = loaders.mid_disputes(source)  # type: ignore[arg-type]
    for col in ["fatality", "hostlev", "outcome", "settle", "hiact"]:
        assert not (disps[col] == -9).any(), col


def test_mid_dispute_hostility_counts() -> None:
    gml = loaders.mid_disputes("gml")["hostlev"].value_counts().to_dict()
    cow = loaders.mid_disputes("cow")["hostlev"].value_counts().to_dict()
    assert gml == {2: 63, 3: 542, 4: 1_474, 5: 95}
    assert cow == {2: 74, 3: 653, 4: 1_603, 5: 106}


def test_mid_349_start_differs_between_gml_and_cow() -> None:
    gml = loaders.mid_disputes("gml").set_index("dispnum").loc[349]
    cow = loaders.mid_disputes("cow").set_index("dispnum").loc[349]
    assert (gml["styear"], gml["stmon"]) == (1968, 12)
    assert (cow["styear"], cow["stmon"]) == (1969, 3)
    assert pd.isna(gml["fatality"]) and cow["fatality"] == 3  # GML's -9 is NA
    assert gml["hostlev"] == cow["hostlev"] == 4


def test_gml_start_months_are_months() -> None:
    for frame in (loaders.mid_disputes("gml"), loaders.mid_dyad_years("gml")):
        months = frame["stmon"].dropna()
        assert months.between(1, 12).all()


def test_cinc_yearly_sums_as_documented() -> None:
    sums = loaders.nmc().groupby("year")["cinc"].sum()
    assert sums.min() == pytest.approx(1.000, abs=5e-4)
    assert sums.max() == pytest.approx(1.075, abs=5e-4) and sums.idxmax() == 1860
    assert sums[1816] == pytest.approx(1.054, abs=5e-4)
    assert sums[2016] == pytest.approx(1.007, abs=5e-4)


def test_un_roll_calls_stop_at_session_74() -> None:
    rc = loaders.un_roll_calls()
    assert (int(rc["session"].min()), int(rc["session"].max())) == (1, 74)
    assert rc["date"].min() == pd.Timestamp(1946, 1, 1)
    assert rc["date"].max() == pd.Timestamp(2020, 1, 14)
    assert (rc["year"] == rc["date"].dt.year).all()


def test_trade_flows_are_whole_millions() -> None:
    t = loaders.trade_ndy()
    for col in ["flow1", "flow2", "smoothflow1", "smoothflow2"]:
        vals = t[col].dropna()
        assert (vals % 1 == 0).all() and (vals >= 0).all()
    assert t[["flow1", "flow2", "smoothflow1", "smoothflow2"]].notna().any(axis=1).all()


def test_contiguity_dates_are_month_precision() -> None:
    c = loaders.contdir()
    assert (c["stdate"].dt.day == 1).all() and (c["enddate"].dt.day == 1).all()
    assert c["enddate"].max() == pd.Timestamp(2016, 12, 1)
    assert c["conttype"].value_counts().sort_index().to_dict() == {
        0: 180, 1: 948, 2: 50, 3: 50, 4: 256, 5: 390}


def test_nmc_upop_break_from_2017() -> None:
    nmc = loaders.nmc()
    assert (nmc["upop_break"] == (nmc["year"] >= 2017)).all()
    usa = nmc[nmc["ccode"] == 2].set_index("year")
    assert usa.loc[2016, "upop"] == 197_817 and usa.loc[2017, "upop"] == 109_994
    assert usa.loc[2017, "cinc"] == pytest.approx(0.1216, abs=1e-4)


def test_polity_ussr_364_is_recoded_to_365() -> None:
    p = loaders.polity5()
    assert not (p["ccode"] == 364).any()
    rus = p[p["ccode"] == 365].set_index("year")
    assert rus.index.is_unique
    assert rus.loc[1950, "polity2"] == -9 and rus.loc[1950, "xconst"] == 1
    assert rus.loc[1990, "polity2"] == 0 and rus.loc[1990, "xconst"] == 4
    assert rus.loc[1922, "polity2"] == -1  # Russia's own row; 1922 is not the USSR's
    assert rus.loc[1992, "polity2"] == 5


def test_polity_special_codes_are_na() -> None:
    raw = read_bundled("polity5")
    assert raw["xconst"].isin([-66, -77, -88]).any()
    p = loaders.polity5()
    for col in ["xconst", "polity", "democ", "autoc"]:
        assert not p[col].isin([-66, -77, -88]).any(), col


def test_russia_polity2_gap_filled_from_ussr() -> None:
    raw = read_bundled("democracy")
    assert raw.loc[(raw["ccode"] == 365) & raw["year"].between(1923, 1991), "polity2"].isna().all()
    dem = loaders.democracy()
    rus = dem[(dem["ccode"] == 365)].set_index("year")["polity2"]
    p5 = read_bundled("polity5")
    ussr = p5[p5["ccode"] == 364].set_index("year")["polity2"].astype(float)
    years = range(1923, 1992)
    assert rus.loc[years].notna().all()
    np.testing.assert_array_equal(rus.loc[years].to_numpy(), ussr.loc[years].to_numpy())
    assert rus.loc[1950] == -9  # USSR's polity2 in 1950 (Polity 364)
    # rows changed from isard's values are exactly those whose Polity code differs from COW's
    changed = dem[dem["polity2_source"] == "polity5"]
    assert set(changed["ccode"]) <= {325, 365, 770, 816, 530, 625, 626, 345, 341}
    # South Sudan no longer carries Polity's "Sudan-North" series; Sudan has its own again
    s15 = dem.set_index(["ccode", "year"])["polity2"]
    assert s15.loc[(626, 2015)] == 0 and s15.loc[(625, 2015)] == -4


@pytest.mark.parametrize(("polity_code", "cow_code", "years"),
                         [(769, 770, (1947, 1971)), (818, 816, (1976, 2018)),
                          (529, 530, (1993, 2018))])
def test_polity_codes_other_than_364_reach_cow_state_years(
    polity_code: int, cow_code: int, years: tuple[int, int]
) -> None:
    assert not (loaders.polity5()["ccode"] == polity_code).any()
    dem = loaders.democracy()
    sel = dem[(dem["ccode"] == cow_code) & dem["year"].between(*years)]
    assert len(sel) > 0 and sel["polity2"].notna().all()


def test_idealpoints_2024_has_only_fp() -> None:
    ip = loaders.idealpoints()
    y = ip[ip["year"] == 2024]
    assert len(y) == 191
    assert y["idealpointfp"].notna().all()
    assert y["idealpointall"].isna().all() and y["idealpointlegacy"].isna().all()
    assert ip.loc[ip["year"] == 2023, "idealpointall"].notna().any()


def test_atop_has_no_data_after_2018() -> None:
    assert loaders.atop_ddy()["year"].max() == loaders.ATOP_LAST_YEAR == 2018


def test_atop_is_directed_with_symmetric_presence() -> None:
    a = loaders.atop_ddy()
    back = a.merge(a.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"}),
                   on=["ccode1", "ccode2", "year"], how="left", indicator=True)
    assert (back["_merge"] == "both").all()


def test_states_spells_extend_to_2024() -> None:
    s = loaders.states()
    ext = s[s["end_extended"]]
    assert (ext["end"] == pd.Timestamp(2024, 12, 31)).all()
    assert (s.loc[~s["end_extended"], "end"] < pd.Timestamp(2016, 12, 31)).all()
    raw = read_bundled("states")
    assert ((raw["endyear"] == 2016) & (raw["endmonth"] == 12) & (raw["endday"] == 31)).sum() \
        == len(ext)


@needs_unvotes
def test_un_votes_keeps_every_vote_and_namibia() -> None:
    raw = read_bundled("un_votes")
    v = loaders.un_votes()
    assert len(v) == len(raw) == 870_109
    nam = v[v["country_code"] == "NA"]
    assert len(nam) == (raw["country_code"] == "NA").sum() == 2_455
    assert set(nam["country"]) == {"Namibia"} and set(nam["ccode"]) == {565}
    assert v["country_code"].notna().all()
    assert not v.duplicated(["rcid", "ccode"]).any()
    assert set(v["vote"]) == {"yes", "no", "abstain"}
    assert (v["vote_code"] == v["vote"].map({"yes": 1, "abstain": 2, "no": 3})).all()


@needs_unvotes
def test_un_votes_rows_without_code_are_mapped_by_name() -> None:
    v = loaders.un_votes()
    empty = v[v["country_code"] == ""]
    assert set(empty["country"]) == {"Yemen Arab Republic", "Zanzibar",
                                     "Federal Republic of Germany"}
    assert set(empty.loc[empty["country"] == "Zanzibar", "ccode"]) == {511}
    frg = empty[empty["country"] == "Federal Republic of Germany"]
    assert set(frg.loc[frg["year"] < 1990, "ccode"]) == {260}


@needs_unvotes
def test_un_votes_china_seat() -> None:
    """Before 1971-10-25 the Chinese seat ("Taiwan" in unvotes) is the Republic of China:
    COW 713 once Taiwan is a COW member (1949-12-08), COW 710 (the ROC as China) before;
    the People's Republic (710) votes only from 1971-11-03. The Soviet seat is 365."""
    v = loaders.un_votes().merge(loaders.un_roll_calls()[["rcid", "date"]], on="rcid")
    taiwan = v[v["country"] == "Taiwan"]
    assert taiwan["date"].max() < pd.Timestamp(1971, 10, 25)
    assert set(taiwan.loc[taiwan["date"] >= pd.Timestamp(1949, 12, 8), "ccode"]) == {713}
    assert set(taiwan.loc[taiwan["date"] < pd.Timestamp(1949, 12, 8), "ccode"]) <= {710}
    prc = v[v["ccode"] == 710]
    gap = prc[(prc["date"] >= pd.Timestamp(1949, 12, 8))
              & (prc["date"] < pd.Timestamp(1971, 10, 25))]
    assert gap.empty
    assert prc.loc[prc["country"] == "China", "date"].min() == pd.Timestamp(1971, 11, 3)
    assert v.loc[v["ccode"] == 713, "date"].max() < pd.Timestamp(1971, 10, 25)
    sov = v[v["country"] == "Russia"]
    assert set(sov["ccode"]) == {365} and sov["year"].min() == 1946


@needs_unvotes
def test_un_votes_agreement_session_74() -> None:
    """SOURCES.md: share of identical votes in the 2019 roll calls (session 74)."""
    rc = loaders.un_roll_calls()
    v = loaders.un_votes()
    s74 = v[v["rcid"].isin(rc.loc[rc["session"] == 74, "rcid"]) & v["ccode"].isin([2, 365, 710])]
    wide = s74.pivot(index="rcid", columns="ccode", values="vote")
    for (a, b), want in {(710, 365): 0.793, (710, 2): 0.135, (365, 2): 0.207}.items():
        both = wide[[a, b]].dropna()
        assert 85 <= len(both) <= 90
        assert (both[a] == both[b]).mean() == pytest.approx(want, abs=6e-4)


@needs_sipri
def test_sipri_russia_artefact_zeros_are_na() -> None:
    raw = read_bundled("sipri_milex")
    rus_raw = raw[raw["country"] == "Russia"]
    assert {1988, 1989, 1990, 1992} <= set(rus_raw.loc[rus_raw["milex_current_usd_m"] == 0,
                                                       "year"])
    s = loaders.sipri_milex()
    assert not s.duplicated(["ccode", "year"]).any()
    rus = s[s["sipri_name"] == "Russia"].set_index("year")
    assert not (rus["milex_current_usd_m"] == 0).any()
    for year in (1988, 1989, 1990, 1992):
        if year in rus.index:  # 1988–1990 belong to the USSR series for COW 365
            assert pd.isna(rus.loc[year, "milex_current_usd_m"])
            assert rus.loc[year, "milex_current_usd_m_flag"] == "zero_as_missing"
    r365 = s[s["ccode"] == 365].set_index("year")
    assert pd.isna(r365.loc[1992, "milex_current_usd_m"])
    assert r365.loc[1992, "milex_current_usd_m_flag"] == "zero_as_missing"
    assert (r365.loc[1988:1990, "sipri_name"] == "USSR").all()
    assert (r365.loc[1988:1990, "milex_current_usd_m"] > 0).all()
    assert pd.isna(r365.loc[1991, "milex_current_usd_m"])  # USSR 1991 unavailable in SIPRI


@needs_sipri
def test_sipri_real_zeros_kept_only_for_countries_without_army() -> None:
    raw = read_bundled("sipri_milex")
    s = loaders.sipri_milex()
    cr_raw = raw[(raw["country"] == "Costa Rica") & (raw["milex_current_usd_m"] == 0)]
    cr = s[(s["sipri_name"] == "Costa Rica") & (s["milex_current_usd_m"] == 0)]
    assert len(cr_raw) > 0 and len(cr) == len(cr_raw)
    assert (cr["milex_current_usd_m_flag"] == "").all()
    no_army = {"Costa Rica", "Iceland", "Panama", "Haiti"}
    for col in loaders.SIPRI_VALUE_COLUMNS:
        zeros = s[s[col] == 0]
        assert set(zeros["sipri_name"]) <= no_army, col
        flagged = s[s[f"{col}_flag"] == "zero_as_missing"]
        assert flagged[col].isna().all()


@needs_sipri
def test_sipri_2023_sanity() -> None:
    s = loaders.sipri_milex()
    y = s[s["year"] == 2023].set_index("ccode")
    assert y.loc[2, "milex_current_usd_m"] == pytest.approx(916_014.7, abs=0.1)
    assert y.loc[710, "milex_current_usd_m"] == pytest.approx(296_438.6, abs=0.1)
    assert y.loc[365, "milex_current_usd_m"] == pytest.approx(109_454.4, abs=0.1)
    assert y.loc[2, "milex_share_gdp"] == pytest.approx(0.0336, abs=5e-5)
    assert y.loc[710, "milex_share_gdp"] == pytest.approx(0.0167, abs=5e-5)
    assert y.loc[365, "milex_share_gdp"] == pytest.approx(0.0586, abs=5e-5)


@needs_maddison
def test_maddison_ussr_and_russia_series() -> None:
    m = loaders.maddison()
    assert not m.duplicated(["ccode", "year"]).any()
    rus = m[m["ccode"] == 365]
    assert set(rus.loc[rus["year"] <= 1991, "iso3"]) == {"SUN"}
    assert set(rus.loc[rus["year"] >= 1992, "iso3"]) == {"RUS"}
    y = m[m["year"] == 2022].set_index("ccode")
    assert y.loc[710, "gdppc"] == pytest.approx(19_238, abs=1)
    assert y.loc[365, "gdppc"] == pytest.approx(25_437, abs=1)
    assert y.loc[2, "gdppc"] == pytest.approx(58_487, abs=1)
    assert y.loc[710, "pop"] == pytest.approx(1_401_693, abs=1)
    assert y.loc[2, "pop"] == pytest.approx(333_288, abs=1)
    np.testing.assert_allclose(m["gdp"], m["gdppc"] * m["pop"] * 1000)


# ------------------------------------------------------------------------------------------
# sanity figures
# ------------------------------------------------------------------------------------------
def test_nmc_sanity_figures() -> None:
    n = loaders.nmc().set_index(["ccode", "year"])
    for (ccode, year), cinc in {(710, 2016): 0.230825, (2, 2016): 0.133254,
                                (365, 2016): 0.036467, (710, 2022): 0.234097,
                                (2, 2022): 0.123566, (365, 2022): 0.038197}.items():
        assert n.loc[(ccode, year), "cinc"] == pytest.approx(cinc, abs=5e-7)
    assert n.loc[(2, 2022), "milex"] == 838_814_000


def test_cinc_is_the_mean_of_component_shares_in_2016() -> None:
    n = loaders.nmc()
    y = n[n["year"] == 2016]
    shares = y[list(loaders.NMC_COMPONENTS)] / y[list(loaders.NMC_COMPONENTS)].sum()
    np.testing.assert_allclose(shares.mean(axis=1), y["cinc"], atol=1e-6)


def test_atop_sanity_figures() -> None:
    a = loaders.atop_ddy()
    rc = a[(a["ccode1"] == 365) & (a["ccode2"] == 710) & (a["year"] >= 1981)].set_index("year")
    assert rc.index[rc["atop_nonagg"] == 1].tolist() == list(range(1992, 2019))
    assert rc.index[rc["atop_consul"] == 1].tolist() == list(range(2001, 2019))
    assert (rc["atop_defense"] == 0).all()
    us_ru = a[(a["ccode1"] == 2) & (a["ccode2"] == 365)]
    assert len(us_ru) == 51 and us_ru["year"].min() == 1942 and us_ru["year"].max() == 2018
    assert len(a[(a["ccode1"] == 2) & (a["ccode2"] == 710)]) == 17


def test_rivalry_sanity_figures() -> None:
    tss = loaders.tss_rivalries().set_index("rivalry")
    cu2 = tss.loc["China-United States 2"]
    assert (cu2["ccode1"], cu2["ccode2"], cu2["start"], cu2["end"]) == (2, 710, 1996, 2020)
    assert cu2["positional"] == 1 and cu2["principal"] == 1
    ru = tss.loc["Russia-United States"]
    assert (ru["start"], ru["end"], ru["aprin"]) == (2007, 2020, 1)
    assert tuple(tss.loc["China-USSR", ["start", "end"]]) == (1958, 1989)
    assert tuple(tss.loc["United States-USSR 2", ["start", "end"]]) == (1945, 1989)
    assert tss["end"].max() == 2020 and tss["start"].min() == 1494
    td = loaders.td_rivalries().set_index("rivalryname")
    assert tuple(td.loc["China-Russia 1", ["styear", "endyear"]]) == (1816, 1949)
    assert tuple(td.loc["China-United States 2", ["styear", "endyear"]]) == (1996, 2010)
    assert (td["ccode1"] < td["ccode2"]).all()


def test_trade_gdp_idealpoint_sanity_figures() -> None:
    t = loaders.trade_ndy().set_index(["ccode1", "ccode2", "year"])
    assert t.loc[(2, 710, 2014), "flow1"] == 472_525
    assert t.loc[(2, 710, 2014), "flow2"] == 183_283
    assert t.loc[(365, 710, 2014), "flow1"] == 51_135
    g = loaders.gdppop().set_index(["ccode", "year"])
    # SOURCES.md rounds to 7 significant figures
    assert g.loc[(710, 2019), "pwtrgdp"] == pytest.approx(23_690_320, rel=1e-6)
    assert g.loc[(2, 2019), "pwtrgdp"] == pytest.approx(23_109_510, rel=1e-6)
    assert g.loc[(365, 2019), "pwtrgdp"] == pytest.approx(4_112_083, rel=1e-6)
    ip = loaders.idealpoints().set_index(["ccode", "year"])["idealpointfp"]
    for key, want in {(2, 2022): 2.146, (365, 2022): -0.809, (710, 2022): -1.351,
                      (2, 2016): 2.442, (365, 2016): 0.198, (710, 2016): -0.484}.items():
        assert ip.loc[key] == pytest.approx(want, abs=5e-4)


def test_regime_sanity_figures() -> None:
    d = loaders.democracy().set_index(["ccode", "year"])
    for ccode, (p2, poly) in {2: (8, 0.824), 365: (4, 0.264), 710: (-7, 0.076)}.items():
        assert d.loc[(ccode, 2018), "polity2"] == p2
        assert d.loc[(ccode, 2018), "v2x_polyarchy"] == pytest.approx(poly, abs=5e-4)
    for ccode, (poly, aeuds) in {2: (0.843, 1.011), 365: (0.171, -1.122),
                                 710: (0.073, -1.310)}.items():
        assert d.loc[(ccode, 2024), "v2x_polyarchy"] == pytest.approx(poly, abs=5e-4)
        assert d.loc[(ccode, 2024), "aeuds"] == pytest.approx(aeuds, abs=5e-4)
    p = loaders.polity5().set_index(["ccode", "year"])
    assert tuple(p.loc[(2, 2019), ["polity2", "xconst"]]) == (7, 6)
    assert tuple(p.loc[(2, 2020), ["polity2", "xconst"]]) == (5, 4)
    assert tuple(p.loc[(710, 1950), ["polity2", "xconst"]]) == (-8, 2)


@pytest.mark.parametrize(("source", "counts", "side_a_349"), [
    ("gml", {(2, 710): 36, (2, 365): 40, (365, 710): 47}, 365),
    ("cow", {(2, 710): 40, (2, 365): 41, (365, 710): 52}, 710),
])
def test_mid_sanity_figures(source: str, counts: dict, side_a_349: int) -> None:
    m = loaders.mid_dyad_years(source)  # type: ignore[arg-type]
    for (a, b), n in counts.items():
        assert ((m["ccode1"] == a) & (m["ccode2"] == b)).sum() == n
    d349 = m[(m["dispnum"] == 349) & (m["ccode1"] == side_a_349)]
    assert len(d349) > 0 and (d349["sidea1"] == 1).all()
    assert (d349["hostlev1"] == 4).all() and (d349["hostlev2"] == 4).all()


def test_state_and_power_lists_sanity() -> None:
    s = loaders.states().set_index("ccode")
    assert s.loc[2, "start"] == pd.Timestamp(1816, 1, 1)
    assert s.loc[710, "start"] == pd.Timestamp(1860, 10, 25)
    assert loaders.states()["ccode"].eq(365).sum() == 1
    mj = loaders.majors()
    assert mj.loc[mj["ccode"] == 2, "start"].min() == pd.Timestamp(1898, 8, 13)
    assert mj.loc[mj["ccode"] == 710, "start"].min() == pd.Timestamp(1950, 1, 1)
    for code in (2, 365, 710):
        assert mj.loc[mj["ccode"] == code, "end"].max() == pd.Timestamp(2024, 12, 31)
    mp = loaders.maoz_powers()
    chn = mp[mp["ccode"] == 710]
    assert chn["globstdate"].isna().all()
    assert chn["regstdate"].min() == pd.Timestamp(1950, 1, 1)


def test_geography_and_leaders_sanity() -> None:
    c = loaders.contdir()
    rc = c[(c["ccode1"] == 365) & (c["ccode2"] == 710)]
    assert rc["conttype"].tolist() == [1]
    assert c[(c["ccode1"] == 2) & (c["ccode2"] == 710)].empty
    md = loaders.mindist()
    assert (md.loc[(md["ccode1"] == 365) & (md["ccode2"] == 710), "mindist"] == 0).all()
    a = loaders.archigos()
    assert (a["gwcode"] == 2).sum() == 27 and (a["gwcode"] == 365).sum() == 13
    assert a["enddate"].max() == pd.Timestamp(2015, 12, 31)
    assert a["censored"].sum() == 168
    v = loaders.unsc_vetoes()
    assert v[["USSR", "Russia", "USA", "China", "russia_china"]].sum().to_dict() == {
        "USSR": 84, "Russia": 31, "USA": 71, "China": 17, "russia_china": 14}


# ------------------------------------------------------------------------------------------
# bundle integrity
# ------------------------------------------------------------------------------------------
def _clear_caches() -> None:
    bundle.manifest.cache_clear()
    bundle.catalog.cache_clear()
    bundle._verified.cache_clear()
    for fn in loaders.LOADERS.values():
        fn.cache_clear()  # type: ignore[attr-defined]


def _snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns,
                     hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(folder.iterdir())}


@pytest.fixture
def bundle_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of ``_bundled`` that the package reads instead of its own."""
    copy = tmp_path / "_bundled"
    shutil.copytree(BUNDLE_DIR, copy)
    real = bundle._data_path

    def fake(*parts: str) -> Path:
        if parts and parts[0] == "_bundled":
            return copy.joinpath(*parts[1:])
        return real(*parts)

    package_before = _snapshot(BUNDLE_DIR)
    monkeypatch.setattr(bundle, "_data_path", fake)
    _clear_caches()
    yield copy
    _clear_caches()
    assert _snapshot(BUNDLE_DIR) == package_before, "the package's bundle was modified"


def _flip_bytes(path: Path, at: float = 0.5, n: int = 8) -> None:
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    for i in range(start, min(start + n, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


CORRUPTIBLE: dict[str, Callable[[], pd.DataFrame]] = {
    "false_dyads": loaders.false_dyads,
    "nmc": loaders.nmc,
    "states": loaders.states,
    "atop_ddy": loaders.atop_ddy,
}


@pytest.mark.parametrize("key", sorted(CORRUPTIBLE))
def test_corrupt_file_raises_naming_the_file(bundle_copy: Path, key: str) -> None:
    name = manifest()[key]["file"]
    _flip_bytes(bundle_copy / name)
    after_corruption = _snapshot(bundle_copy)
    with pytest.raises(DataIntegrityError, match=re.escape(name)) as info:
        CORRUPTIBLE[key]()
    assert "corrupt" in str(info.value)
    assert info.value.hint and "reinstall" in info.value.hint
    with pytest.raises(DataIntegrityError, match=re.escape(name)):
        loaders.load(key)
    with pytest.raises(DataIntegrityError, match=re.escape(name)):
        read_bundled(key)
    assert _snapshot(bundle_copy) == after_corruption, "a file was written or repaired"
    # the other files of the bundle still load
    other = "majors" if key != "majors" else "false_dyads"
    assert len(loaders.load(other)) == SHAPES[other][0]


def test_truncated_file_raises(bundle_copy: Path) -> None:
    path = bundle_copy / "nmc.parquet"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DataIntegrityError, match=r"nmc\.parquet"):
        loaders.nmc()


def test_missing_file_raises(bundle_copy: Path) -> None:
    (bundle_copy / "majors.parquet").unlink()
    with pytest.raises(DataIntegrityError, match=r"majors\.parquet.*missing"):
        loaders.majors()


def test_unreadable_file_with_matching_hash_raises(bundle_copy: Path) -> None:
    garbage = b"not a parquet file" * 10
    (bundle_copy / "majors.parquet").write_bytes(garbage)
    man = json.loads((bundle_copy / "MANIFEST.json").read_text())
    man["majors"]["sha256"] = hashlib.sha256(garbage).hexdigest()
    (bundle_copy / "MANIFEST.json").write_text(json.dumps(man))
    with pytest.raises(DataIntegrityError, match=r"cannot read bundled data file majors\.parquet"):
        loaders.majors()


def test_unreadable_manifest_raises(bundle_copy: Path) -> None:
    (bundle_copy / "MANIFEST.json").write_text("{ not json")
    with pytest.raises(DataIntegrityError, match="manifest"):
        loaders.nmc()


def test_unknown_bundle_key_raises() -> None:
    with pytest.raises(DataIntegrityError, match="no bundled data set"):
        read_bundled("no_such_data")


def test_manifest_hashes_match_the_files() -> None:
    for key, entry in manifest().items():
        digest = hashlib.sha256((BUNDLE_DIR / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], key


# ------------------------------------------------------------------------------------------
# sources() and cite()
# ------------------------------------------------------------------------------------------
def test_sources_has_one_row_per_manifest_entry() -> None:
    s = sources()
    man = manifest()
    assert len(s) == len(man)
    assert s["key"].tolist() == sorted(man)
    assert list(s.columns) == ["key", "title", "version", "coverage", "rows", "citation"]
    assert (s["rows"] == [int(man[k]["rows"]) for k in s["key"]]).all()
    assert (s["title"] != s["key"]).all(), "a data set without catalog metadata"
    assert (s["citation"].str.len() > 0).all()
    assert (s["version"].astype(str).str.len() > 0).all()


#: Coverage spans SOURCES.md states for each data set.
SOURCE_SPANS = {
    "nmc": "1816–2022", "atop_ddy": "1815–2018", "idealpoints": "1946–2024",
    "gdppop": "1816–2019", "mindist": "1886–2019", "democracy": "1816–2025",
    "polity5": "1776–2020", "unsc_vetoes": "1946–2022", "trade_ndy": "1870–2014",
    "maddison": "1–2022", "sipri_milex": "1949–2023", "false_dyads": "1860–1990",
    "gml_mid_ddy": "1816–2010", "cow_mid_ddy": "1816–2014",
    "gml_mid_disps": "1816–2010", "cow_mid_disps": "1816–2014",
    "states": "1816–2016", "majors": "1816–2024", "tss_rivalries": "1494–2020",
    "td_rivalries": "1494–2010",
}


@pytest.mark.parametrize("key", sorted(SOURCE_SPANS))
def test_sources_coverage_matches_sources_md(key: str) -> None:
    s = sources().set_index("key")
    assert s.loc[key, "coverage"] == SOURCE_SPANS[key]


_ENTRY = re.compile(r"^@(\w+)\{([^,\s{}]+),\s*\n(.*)\n\}$", re.S)
_FIELD = re.compile(r"^\s*(\w+)\s*=\s*(\{.*\}|\d+),?\s*$")


def _parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """Split BibTeX into (type, key, fields); fails on anything that does not look like it."""
    entries = []
    for chunk in text.strip().split("\n\n"):
        m = _ENTRY.match(chunk.strip())
        assert m, f"not a BibTeX entry:\n{chunk}"
        fields = {}
        for line in m.group(3).splitlines():
            f = _FIELD.match(line)
            assert f, f"not a BibTeX field: {line!r}"
            value = f.group(2)
            assert value.count("{") == value.count("}"), f"unbalanced braces: {line!r}"
            fields[f.group(1).lower()] = value
        entries.append((m.group(1).lower(), m.group(2), fields))
    return entries


@pytest.mark.parametrize("key", sorted(catalog()))
def test_cite_each_key_is_bibtex(key: str) -> None:
    text = cite(key)
    assert text.endswith("\n")
    entries = _parse_bibtex(text)
    assert entries
    for kind, _, fields in entries:
        assert kind in {"article", "book", "incollection", "inbook", "manual", "misc",
                        "software", "techreport", "dataset", "online", "unpublished"}
        # SOURCES.md gives no title for some works (Singer 1987, Pemstein et al. 2010) and
        # the catalog adds nothing it was not given, so only "who" or "what" is required
        assert {"title", "author", "organization", "note"} & set(fields)
        assert "year" in fields or kind in {"manual", "misc", "software", "online"}
    keys = [k for _, k, _ in entries]
    assert len(keys) == len(set(keys))


def test_cite_all_dedups_and_adds_the_package() -> None:
    entries = _parse_bibtex(cite())
    keys = [k for _, k, _ in entries]
    assert len(keys) == len(set(keys))
    assert keys[-1] == "realpolitik"
    assert entries[-1][2]["version"] == f"{{{realpolitik.__version__}}}"
    each = {k for key in catalog() for _, k, _ in _parse_bibtex(cite(key))}
    assert set(keys) == each | {"realpolitik"}
    assert cite("nmc", "nmc") == cite("nmc")


def test_cite_unknown_key_suggests() -> None:
    with pytest.raises(InputError) as info:
        cite("nmcc")
    assert info.value.hint and "nmc" in info.value.hint
    with pytest.raises(InputError, match="atop_ddy"):
        cite("atop_dyy")
    with pytest.raises(InputError) as info:
        cite("nmc", "zzzzzz")
    assert "zzzzzz" in str(info.value)
    assert info.value.hint and "sources" in info.value.hint
