"""Loaders for the bundled data sets: checked schemas, caveats applied, missing values as NA.

Every loader returns a fresh pandas DataFrame (cheap: the parsed table is cached and shared
copy-on-write). Codes that mean "missing" in a source (``-9``, SIPRI's artefact zeros, Polity's
``-66/-77/-88``) are turned into NA here, never into 0; the rules and their sources are listed in
each docstring and in ``docs/reference/data.md``.

State identifiers: every table keyed by state carries the COW code ``ccode`` (int16). Sources
keyed otherwise (SIPRI names, Maddison ISO-3, UN vote country names, Archigos' Gleditsch–Ward
codes, Polity's codes) are mapped through the crosswalks in ``data/crosswalks``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from realpolitik.data.bundle import read_bundled, table_path
from realpolitik.errors import DataIntegrityError, InputError

#: Last year of state-system membership assumed for states still members at the end of the COW
#: v2016 list (2016-12-31); matches the last year of the COW major-powers list (v2024).
SYSTEM_END_YEAR = 2024
#: Last year of the COW list itself.
STATES_LIST_END_YEAR = 2016
#: First year of the COW state system.
SYSTEM_START_YEAR = 1816

NMC_COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")
ATOP_TYPES: tuple[str, ...] = ("defense", "offense", "neutral", "nonagg", "consul")
ATOP_LAST_YEAR = 2018


def check_schema(
    frame: pd.DataFrame,
    name: str,
    dtypes: Mapping[str, Any],
    key: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Check that ``frame`` has the columns of ``dtypes``, cast them, and check ``key`` is unique.

    Raises :class:`DataIntegrityError` naming the data set and the first problem found.
    """
    missing = [c for c in dtypes if c not in frame.columns]
    if missing:
        raise DataIntegrityError(f"data set {name!r} lacks column(s) {missing}")
    out = frame.copy()
    for col, dtype in dtypes.items():
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise DataIntegrityError(
                f"data set {name!r}: column {col!r} is not {dtype}: {exc}"
            ) from exc
    if key:
        dup = out.duplicated(list(key))
        if dup.any():
            first = out.loc[dup, list(key)].iloc[0].to_dict()
            raise DataIntegrityError(
                f"data set {name!r}: key {key} is not unique (e.g. {first}, {int(dup.sum())} rows)"
            )
    return out


def _na_codes(frame: pd.DataFrame, columns: list[str], codes: tuple[float, ...]) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        out[col] = out[col].mask(out[col].isin(codes))
    return out


def _cached(fn: Callable[[], pd.DataFrame]) -> Callable[[], pd.DataFrame]:
    """Cache a loader's frame and hand out copy-on-write copies of it."""
    cached = cache(fn)

    def wrapper() -> pd.DataFrame:
        return cached().copy(deep=False)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return wrapper


def _parse_ymd(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    return pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}))


# --------------------------------------------------------------------------------------------
# COW state system, major powers, false dyads
# --------------------------------------------------------------------------------------------
@_cached
def states() -> pd.DataFrame:
    """COW state system membership spells (v2016), one row per spell.

    Columns: ``stateabb, ccode, statenme, start, end`` (datetime64 days), ``styear, endyear`` and
    ``end_extended`` (bool). Spells that run to the end of the list (2016-12-31) are extended to
    :data:`SYSTEM_END_YEAR`-12-31 and flagged ``end_extended``: the list stops in 2016, not the
    states.
    """
    raw = read_bundled("states")
    df = check_schema(
        raw,
        "states",
        {"stateabb": "str", "ccode": "int16", "statenme": "str", "styear": "int16",
         "stmonth": "int8", "stday": "int8", "endyear": "int16", "endmonth": "int8",
         "endday": "int8"},
        key=("ccode", "styear"),
    )
    df["start"] = _parse_ymd(df.styear, df.stmonth, df.stday)
    df["end"] = _parse_ymd(df.endyear, df.endmonth, df.endday)
    ext = df["end"] == pd.Timestamp(STATES_LIST_END_YEAR, 12, 31)
    df["end_extended"] = ext
    df.loc[ext, "end"] = pd.Timestamp(SYSTEM_END_YEAR, 12, 31)
    df.loc[ext, "endyear"] = SYSTEM_END_YEAR
    cols = ["stateabb", "ccode", "statenme", "start", "end", "styear", "endyear", "end_extended"]
    return df[cols].sort_values(["ccode", "start"]).reset_index(drop=True)


@_cached
def majors() -> pd.DataFrame:
    """COW major powers (v2024): ``stateabb, ccode, start, end, styear, endyear``."""
    df = check_schema(
        read_bundled("majors"),
        "majors",
        {"stateabb": "str", "ccode": "int16", "styear": "int16", "stmonth": "int8",
         "stday": "int8", "endyear": "int16", "endmonth": "int8", "endday": "int8"},
        key=("ccode", "styear"),
    )
    df["start"] = _parse_ymd(df.styear, df.stmonth, df.stday)
    df["end"] = _parse_ymd(df.endyear, df.endmonth, df.endday)
    return df[["stateabb", "ccode", "start", "end", "styear", "endyear"]].reset_index(drop=True)


@_cached
def false_dyads() -> pd.DataFrame:
    """Directed pairs that share a calendar year of membership but no day (peacesciencer)."""
    df = check_schema(
        read_bundled("false_dyads"),
        "false_dyads",
        {"ccode1": "int16", "ccode2": "int16", "year": "int16"},
        key=("ccode1", "ccode2", "year"),
    )
    return df[["ccode1", "ccode2", "year"]]


# --------------------------------------------------------------------------------------------
# Capabilities
# --------------------------------------------------------------------------------------------
@_cached
def nmc() -> pd.DataFrame:
    """COW National Material Capabilities v7.0, one row per state-year 1816–2022.

    Units: ``milex`` thousands (GBP 1816–1913, current USD from 1914), ``milper`` thousands,
    ``irst`` thousand tons, ``pec`` thousand coal-ton equivalents, ``tpop``/``upop`` thousands.
    ``-9`` is NA. ``upop_break`` is True from 2017, where v7.0's urban population has a source
    break (USA 197,817 → 109,994): comparisons of ``upop`` or CINC across 2016/2017 mix sources.
    """
    df = check_schema(
        read_bundled("nmc"),
        "nmc",
        {"ccode": "int16", "year": "int16", **dict.fromkeys(NMC_COMPONENTS, "float64"),
         "cinc": "float64"},
        key=("ccode", "year"),
    )
    df = _na_codes(df, [*NMC_COMPONENTS, "cinc"], (-9.0,))
    df["upop_break"] = df["year"] >= 2017
    return df.sort_values(["year", "ccode"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Alliances
# --------------------------------------------------------------------------------------------
@_cached
def atop_ddy() -> pd.DataFrame:
    """ATOP v5.1 directed dyad-years with at least one alliance (1815–2018).

    Columns ``ccode1, ccode2, year`` and the five obligation dummies ``atop_defense, atop_offense,
    atop_neutral, atop_nonagg, atop_consul`` (int8). Absence of a dyad-year inside the coverage
    means no ATOP alliance; after 2018 it means *unknown* (see :data:`ATOP_LAST_YEAR`).
    """
    cols = {f"atop_{t}": "int8" for t in ATOP_TYPES}
    return check_schema(
        read_bundled("atop_ddy"),
        "atop_ddy",
        {"ccode1": "int16", "ccode2": "int16", "year": "int16", **cols},
        key=("ccode1", "ccode2", "year"),
    )


# --------------------------------------------------------------------------------------------
# Crosswalks
# --------------------------------------------------------------------------------------------
@cache
def crosswalk(name: Literal["sipri", "maddison", "unvotes", "iso3"]) -> pd.DataFrame:
    """A crosswalk table from ``data/crosswalks/{name}_ccode.csv`` (source id → COW ccode)."""
    path = table_path(f"{name}_ccode.csv")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataIntegrityError(f"cannot read crosswalk {path.name}: {exc}") from exc
    df["ccode"] = pd.to_numeric(df["ccode"]).astype("int16")
    for col in ("first_year", "last_year"):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col]).astype("int16")
    return df


def _apply_crosswalk(
    frame: pd.DataFrame, cw: pd.DataFrame, left_on: list[str], right_on: list[str]
) -> pd.DataFrame:
    """Attach ``ccode`` to rows of ``frame`` by source id and year range; unmatched rows go."""
    m = frame.merge(
        cw[[*right_on, "ccode", "first_year", "last_year"]],
        left_on=left_on,
        right_on=right_on,
        how="inner",
        suffixes=("", "_cw"),
    )
    keep = (m["year"] >= m["first_year"]) & (m["year"] <= m["last_year"])
    drop = [c for c in right_on if c not in left_on] + ["first_year", "last_year"]
    return m.loc[keep].drop(columns=drop).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# UN General Assembly and Security Council
# --------------------------------------------------------------------------------------------
@_cached
def idealpoints() -> pd.DataFrame:
    """UNGA ideal points (Bailey, Strezhnev & Voeten, July 2025 release), state-years 1946–2024.

    ``idealpointfp`` (free-preference, the recommended series), ``idealpointall``,
    ``idealpointlegacy``, vote counts. In 2024 only ``idealpointfp`` exists: the others are NA.
    """
    df = check_schema(
        read_bundled("idealpoints"),
        "idealpoints",
        {"ccode": "int16", "iso3c": "str", "countryname": "str", "year": "int16",
         "idealpointfp": "float64", "idealpointall": "float64",
         "idealpointlegacy": "float64", "nvotesfp": "Int32", "nvotesall": "Int32",
         "nvotesLegacy": "Int32"},
        key=("ccode", "year"),
    )
    return df


@_cached
def un_roll_calls() -> pd.DataFrame:
    """UNGA roll calls (unvotes): ``rcid, session, importantvote, date, year, …`` (1946–2019)."""
    df = check_schema(
        read_bundled("un_roll_calls"),
        "un_roll_calls",
        {"rcid": "int32", "session": "int16", "importantvote": "Int8", "date": "str"},
        key=("rcid",),
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    df["year"] = df["date"].dt.year.astype("int16")
    return df


@_cached
def un_roll_call_issues() -> pd.DataFrame:
    """Issue codes of UNGA roll calls (``rcid, short_name, issue``)."""
    return check_schema(
        read_bundled("un_roll_call_issues"), "un_roll_call_issues",
        {"rcid": "int32", "short_name": "str", "issue": "str"},
    )


VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}


@_cached
def un_votes() -> pd.DataFrame:
    """UNGA roll-call votes (Voeten, via unvotes), one row per state and roll call, 1946–2019.

    Columns ``rcid, year, ccode, country, country_code, vote`` (yes/abstain/no) and ``vote_code``
    (1 yes, 2 abstain, 3 no). The source's caveats are applied: Namibia's ISO-2 code ``"NA"`` is
    text, not missing; the Soviet seat ("Russia" from 1946) is COW 365; China's seat, recorded
    as "Taiwan" until 1971-10-25, is COW 710 up to 1949 (the Republic of China *was* COW's China
    until 713 starts on 1949-12-08) and 713 from 1950; the People's Republic (710) votes from
    1971-11. Rows without a code (Yemen Arab Republic, Zanzibar, Federal Republic of Germany) are
    mapped by name. Votes of seats outside COW membership (the Byelorussian and Ukrainian SSRs,
    369/370) are kept: filter with the unit builders if needed.
    """
    raw = check_schema(
        read_bundled("un_votes"), "un_votes",
        {"rcid": "int32", "country": "str", "vote": "str"},
    )
    raw["country_code"] = raw["country_code"].fillna("").astype("str")
    bad = ~raw["vote"].isin(list(VOTE_CODES))
    if bad.any():
        first = raw.loc[bad, "vote"].iloc[0]
        raise DataIntegrityError(f"un_votes: unexpected vote value {first!r}")
    years = un_roll_calls()[["rcid", "year"]]
    df = raw.merge(years, on="rcid", how="left")
    if df["year"].isna().any():
        raise DataIntegrityError("un_votes: votes on roll calls missing from un_roll_calls")
    cw = crosswalk("unvotes")
    df = _apply_crosswalk(df, cw, ["country", "country_code"], ["country", "country_code"])
    df["vote_code"] = df["vote"].map(VOTE_CODES).astype("int8")
    df["year"] = df["year"].astype("int16")
    return df[["rcid", "year", "ccode", "country", "country_code", "vote", "vote_code"]]


@_cached
def unsc_vetoes() -> pd.DataFrame:
    """UN Security Council vetoes 1946–2022-07 (World Politics Data Lab), one row per draft.

    Vetoer dummies ``China, France, Russia, USSR, USA, UK`` and ``date`` (datetime).
    """
    flags = ["China", "France", "Russia", "USSR", "USA", "UK", "russia_china"]
    df = check_schema(
        read_bundled("unsc_vetoes"), "unsc_vetoes",
        {"year": "int16", "date": "str", "draft": "str", **dict.fromkeys(flags, "int8")},
    )
    df["date"] = pd.to_datetime(df["date"], format="%m/%d/%Y")
    return df


# --------------------------------------------------------------------------------------------
# Economy and military expenditure
# --------------------------------------------------------------------------------------------
@_cached
def maddison() -> pd.DataFrame:
    """Maddison Project 2023: ``ccode, year, iso3, gdppc`` (2011 int. $ PPP), ``pop`` (thousands).

    Mapped to COW states through ``crosswalks/maddison_ccode.csv``; only years in which the
    ISO-3 series stands for the COW state are kept (e.g. the former USSR series ``SUN`` is 365
    to 1991, ``RUS`` from 1992). ``gdp`` = gdppc × pop × 1000 (2011 int. $).
    """
    df = check_schema(
        read_bundled("maddison"), "maddison",
        {"ISO": "str", "year": "int16", "gdppc": "float64", "pop": "float64"},
        key=("ISO", "year"),
    ).rename(columns={"ISO": "iso3"})
    df = _apply_crosswalk(df, crosswalk("maddison"), ["iso3"], ["iso3"])
    df["gdp"] = df["gdppc"] * df["pop"] * 1000.0
    return df[["ccode", "year", "iso3", "gdppc", "pop", "gdp"]].sort_values(
        ["ccode", "year"]).reset_index(drop=True)


@_cached
def maddison_countries() -> pd.DataFrame:
    """Maddison Project 2023 country list: ``iso3, country, region``."""
    return check_schema(
        read_bundled("maddison_countries"), "maddison_countries",
        {"ISO": "str", "country": "str", "region": "str"}, key=("ISO",),
    ).rename(columns={"ISO": "iso3"})


@_cached
def gdppop() -> pd.DataFrame:
    """Latent GDP and population (Fariss et al. 2022) for COW state-years 1816–2019.

    ``mrgdppc`` GDP per capita (2011 int. $, Maddison-anchored), ``pwtrgdp`` real GDP in millions
    of 2017 int. $ (PWT-anchored), ``pwtpop`` population in millions, with ``sd_`` columns.
    """
    num = ["mrgdppc", "sd_mrgdppc", "pwtrgdp", "sd_pwtrgdp", "pwtpop", "sd_pwtpop"]
    return check_schema(
        read_bundled("gdppop"), "gdppop",
        {"ccode": "int16", "year": "int16", **dict.fromkeys(num, "float64")},
        key=("ccode", "year"),
    )


#: Countries with no standing army, for which a SIPRI zero is a real zero (all other zeros in
#: SIPRI's money columns are artefacts of the spreadsheet, e.g. Russia 1988–1990 and 1992).
SIPRI_TRUE_ZEROS: dict[str, tuple[int, int]] = {
    "Costa Rica": (1949, 2023),  # army abolished 1948-12
    "Iceland": (1949, 2023),  # no armed forces
    "Panama": (1990, 2023),  # army abolished 1990
    "Haiti": (1995, 2017),  # army disbanded 1995, re-formed 2017
}

SIPRI_VALUE_COLUMNS = (
    "milex_const2022_usd_m", "milex_current_usd_m", "milex_share_gdp",
    "milex_per_capita_current_usd", "milex_share_govt_spending",
    "milex_local_currency_calendar_year",
)


@_cached
def sipri_milex() -> pd.DataFrame:
    """SIPRI military expenditure (April 2024 release), COW state-years 1949–2023.

    Money in millions of US$ (constant 2022 or current), shares as fractions. SIPRI's ". ." and
    "xxx" are NA with the reason in the ``*_flag`` column; a 0 is NA (flag ``zero_as_missing``)
    unless the country had no army that year (:data:`SIPRI_TRUE_ZEROS`). Russia's current-US$
    zeros for 1988–1990 and 1992 are therefore NA. "USSR" is 365 to 1991, "Russia" from 1992.
    """
    df = check_schema(
        read_bundled("sipri_milex"), "sipri_milex",
        {"country": "str", "year": "int16",
         **dict.fromkeys(SIPRI_VALUE_COLUMNS, "float64")},
    )
    for col in SIPRI_VALUE_COLUMNS:
        flag = f"{col}_flag"
        df[flag] = df[flag].astype("str").where(df[flag].notna(), "")
        zero = df[col] == 0
        true_zero = pd.Series(False, index=df.index)
        for name, (y0, y1) in SIPRI_TRUE_ZEROS.items():
            true_zero |= (df["country"] == name) & df["year"].between(y0, y1)
        artefact = zero & ~true_zero
        df.loc[artefact, col] = np.nan
        df.loc[artefact, flag] = "zero_as_missing"
    df = _apply_crosswalk(
        df.rename(columns={"country": "sipri_name"}), crosswalk("sipri"),
        ["sipri_name"], ["sipri_name"],
    )
    df = df.drop(columns=[c for c in df.columns if c == "note"])
    dup = df.duplicated(["ccode", "year"])
    if dup.any():
        raise DataIntegrityError("sipri_milex: two SIPRI series map to one COW state-year: "
                                 f"{df.loc[dup, ['ccode', 'year']].iloc[0].to_dict()}")
    first = ["ccode", "year", "sipri_name"]
    return df[first + [c for c in df.columns if c not in first]].sort_values(
        ["ccode", "year"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Rivalries, trade, geography
# --------------------------------------------------------------------------------------------
@_cached
def tss_rivalries() -> pd.DataFrame:
    """Thompson, Sakuwa & Suhas strategic rivalries 1494–2020 (types as 0/1 ints, NA = 0 here:
    the source marks a type with 1 and leaves other cells empty, so empty means "not this type").
    """
    types = ["positional", "spatial", "ideological", "interventionary", "principal", "aprin"]
    df = check_schema(
        read_bundled("tss_rivalries"), "tss_rivalries",
        {"tssr_id": "int16", "rivalry": "str", "ccode1": "int16", "ccode2": "int16",
         "start": "int16", "end": "int16"},
        key=("tssr_id",),
    )
    for t in types:
        df[t] = df[t].fillna(0).astype("int8")
    return df


@_cached
def td_rivalries() -> pd.DataFrame:
    """Thompson & Dreyer (2012) strategic rivalries 1494–2010 (right-censored in 2010)."""
    return check_schema(
        read_bundled("td_rivalries"), "td_rivalries",
        {"rivalryno": "int16", "rivalryname": "str", "ccode1": "int16", "ccode2": "int16",
         "styear": "int16", "endyear": "int16"},
        key=("rivalryno",),
    )


@_cached
def trade_ndy() -> pd.DataFrame:
    """COW Trade v4.0, non-directed dyad-years for the CHN/RUS/USA triangle (1870–2014).

    ``flow1`` imports of ccode1 from ccode2, ``flow2`` imports of ccode2 from ccode1, current
    million US$ (rounded by peacesciencer). Years where all flows are missing are absent.
    """
    num = ["flow1", "flow2", "smoothflow1", "smoothflow2"]
    df = check_schema(
        read_bundled("trade_ndy"), "trade_ndy",
        {"ccode1": "int16", "ccode2": "int16", "year": "int16", **dict.fromkeys(num, "float64")},
        key=("ccode1", "ccode2", "year"),
    )
    return _na_codes(df, num, (-9.0,))


@_cached
def contdir() -> pd.DataFrame:
    """COW direct contiguity v3.2 (directed spells, month precision, to 2016-12)."""
    df = check_schema(
        read_bundled("contdir"), "contdir",
        {"ccode1": "int16", "ccode2": "int16", "conttype": "int8", "stdate": "str",
         "enddate": "str"},
    )
    df["stdate"] = pd.to_datetime(df["stdate"], format="%Y-%m-%d")
    df["enddate"] = pd.to_datetime(df["enddate"], format="%Y-%m-%d")
    return df


@_cached
def capitals() -> pd.DataFrame:
    """Capitals of COW states with dates and coordinates (degrees)."""
    df = check_schema(
        read_bundled("capitals"), "capitals",
        {"ccode": "int16", "capital": "str", "stdate": "str", "enddate": "str",
         "lat": "float64", "lng": "float64"},
    )
    df["stdate"] = pd.to_datetime(df["stdate"], format="%Y-%m-%d")
    df["enddate"] = pd.to_datetime(df["enddate"], format="%Y-%m-%d")
    return df


@_cached
def mindist() -> pd.DataFrame:
    """Minimum distance (km) between territories on 1 January, non-directed, 1886–2019."""
    return check_schema(
        read_bundled("mindist"), "mindist",
        {"ccode1": "int16", "ccode2": "int16", "year": "int16", "mindist": "float64"},
        key=("ccode1", "ccode2", "year"),
    )


# --------------------------------------------------------------------------------------------
# Disputes
# --------------------------------------------------------------------------------------------
def mid_dyad_years(source: Literal["gml", "cow"] = "gml") -> pd.DataFrame:
    """Directed dispute dyad-years, one row per directed dyad-year (GML 2.2.1 or COW MID 5.0).

    ``-9`` (unknown) in fatality, fatalpre, hiact, hostlev and durations is NA. The dyads are
    "naive" (any two states on opposite sides). ``midonset``/``midongoing`` are unified names.
    """
    if source not in ("gml", "cow"):
        raise InputError(f"unknown MID source {source!r}", "use 'gml' or 'cow'")
    return _mid_ddy_gml() if source == "gml" else _mid_ddy_cow()


def _mid_ddy(key: str, prefix: str) -> pd.DataFrame:
    raw = read_bundled(key).rename(
        columns={f"{prefix}midongoing": "midongoing", f"{prefix}midonset": "midonset"}
    )
    ints = ["dispnum", "ccode1", "ccode2", "year"]
    df = check_schema(raw, key, dict.fromkeys(ints, "int32"), key=("ccode1", "ccode2", "year"))
    for c in ("ccode1", "ccode2", "year"):
        df[c] = df[c].astype("int16")
    codes = [c for c in df.columns if c not in ints]
    df = _na_codes(df, codes, (-9,))
    for c in codes:
        df[c] = df[c].astype("Int32")
    return _fix_stmon(df)


def _fix_stmon(df: pd.DataFrame) -> pd.DataFrame:
    """GML codes MID #1272 (Poland–Lithuania/Latvia) with start month 13; its participant file
    gives 1918-11-13, so the month is 11. Any other month outside 1–12 becomes NA."""
    if "stmon" not in df.columns:
        return df
    out = df.copy()
    out.loc[(out["dispnum"] == 1272) & (out["stmon"] == 13), "stmon"] = 11
    out["stmon"] = out["stmon"].where(out["stmon"].between(1, 12))
    return out


@_cached
def _mid_ddy_gml() -> pd.DataFrame:
    return _mid_ddy("gml_mid_ddy", "gml")


@_cached
def _mid_ddy_cow() -> pd.DataFrame:
    return _mid_ddy("cow_mid_ddy", "cow")


def mid_disputes(source: Literal["gml", "cow"] = "gml") -> pd.DataFrame:
    """Dispute-level MID table (start year/month, outcome, hostility, fatality…); -9 → NA."""
    if source not in ("gml", "cow"):
        raise InputError(f"unknown MID source {source!r}", "use 'gml' or 'cow'")
    return _mid_disps_gml() if source == "gml" else _mid_disps_cow()


@_cached
def _mid_disps_gml() -> pd.DataFrame:
    return _mid_disps("gml_mid_disps")


@_cached
def _mid_disps_cow() -> pd.DataFrame:
    return _mid_disps("cow_mid_disps")


def _mid_disps(key: str) -> pd.DataFrame:
    df = check_schema(read_bundled(key), key, {"dispnum": "int32", "styear": "int16"},
                      key=("dispnum",))
    codes = [c for c in df.columns if c not in ("dispnum", "styear")]
    df = _na_codes(df, codes, (-9,))
    return _fix_stmon(df)


# --------------------------------------------------------------------------------------------
# Leaders and regimes
# --------------------------------------------------------------------------------------------
def gw_to_cow(gwcode: pd.Series | np.ndarray, year: pd.Series | np.ndarray) -> np.ndarray:
    """Map Gleditsch–Ward codes to COW codes for given years (vectorised).

    Differences handled: G-W 260 (Germany, West Germany) is COW 255 from 1991 (COW's unified
    Germany restarts 1990-10-03); G-W 678 (Yemen) is COW 679 from 1991; G-W 340 (Serbia) is COW
    345; G-W 817 (South Vietnam) and 816 agree. USA 2, Russia 365 and China 710 agree.
    """
    g = np.asarray(gwcode, dtype=np.int32)
    y = np.asarray(year, dtype=np.int32)
    out = g.copy()
    out[(g == 260) & (y >= 1991)] = 255
    out[(g == 678) & (y >= 1991)] = 679
    out[g == 340] = 345
    return out.astype(np.int16)


@_cached
def archigos() -> pd.DataFrame:
    """Archigos 4.1 leader spells (G-W codes, to 2015-12-31), with dates parsed.

    Spells with ``exit == "Still in Office"`` end at the data's end (2015-12-31): they are
    right-censored, not finished. ``yrborn`` is NA for the source's -999.
    """
    df = check_schema(
        read_bundled("archigos"), "archigos",
        {"obsid": "str", "gwcode": "int16", "leader": "str", "startdate": "str",
         "enddate": "str", "entry": "str", "exit": "str"},
        key=("obsid",),
    )
    df["startdate"] = pd.to_datetime(df["startdate"], format="%Y-%m-%d")
    df["enddate"] = pd.to_datetime(df["enddate"], format="%Y-%m-%d")
    df["yrborn"] = pd.to_numeric(df["yrborn"]).astype("Int16")
    df.loc[df["yrborn"] < 1700, "yrborn"] = pd.NA
    df["censored"] = df["exit"] == "Still in Office"
    return df


#: Polity5 state codes that differ from COW's: Polity code -> (COW code, first year, last year).
#: Where a recoded row and a row that already had the COW code fall in the same year (1922
#: Russia/USSR, 1861 Sardinia/Italy, 1976 North Vietnam/Vietnam, 1993 Ethiopia, Serbia 1921–1991)
#: the row that already had the COW code is kept. Polity's 89 (United Provinces of Central
#: America), 99 (Gran Colombia) and 564 (Orange Free State) have no COW state and are dropped.
POLITY_TO_COW: dict[int, tuple[int, int, int]] = {
    364: (365, 1922, 1991),  # USSR
    324: (325, 1800, 1861),  # Sardinia -> COW 325 (Italy; Sardinia before 1861)
    342: (345, 1800, 2024),  # Serbia (COW 345 = Serbia / Yugoslavia / Serbia)
    348: (341, 2006, 2024),  # Montenegro
    525: (626, 2011, 2024),  # South Sudan (COW 626)
    626: (625, 2011, 2024),  # "Sudan-North" (COW 625 Sudan) — note the swap with 525
    529: (530, 1993, 2024),  # Ethiopia after Eritrea's secession
    769: (770, 1947, 1971),  # Pakistan before Bangladesh's secession
    818: (816, 1976, 2024),  # unified Vietnam
}
_POLITY_NO_COW = (89, 99, 564)


@_cached
def polity5() -> pd.DataFrame:
    """Polity5 (p5v2018) subset ``ccode, year, polity2, xconst, polity, democ, autoc, durable``.

    Polity's own state codes are recoded to COW codes (:data:`POLITY_TO_COW`: the USSR 364 → 365,
    Pakistan 769 → 770, Vietnam 818 → 816, Ethiopia 529 → 530, Sudan 626 → 625 and South Sudan
    525 → 626, Serbia 342 → 345, Montenegro 348 → 341, Sardinia 324 → 325); ``polity_code`` keeps
    the original. The special codes -66, -77, -88 (interruption, interregnum, transition) in
    ``xconst``, ``polity``, ``democ``, ``autoc`` are NA (``polity2`` already interpolates them).
    Covers to 2018 (USA to 2020).
    """
    df = check_schema(
        read_bundled("polity5"), "polity5",
        {"ccode": "int16", "year": "int16", "polity2": "Float64", "xconst": "Float64",
         "polity": "Float64", "democ": "Float64", "autoc": "Float64", "durable": "Float64"},
    )
    df = df[~df["ccode"].isin(_POLITY_NO_COW)].copy()
    df["polity_code"] = df["ccode"]
    code = df["ccode"].to_numpy().copy()
    year = df["year"].to_numpy()
    for pol, (cow, y0, y1) in POLITY_TO_COW.items():
        code[(df["polity_code"].to_numpy() == pol) & (year >= y0) & (year <= y1)] = cow
    df["ccode"] = code.astype("int16")
    df["recoded"] = df["ccode"] != df["polity_code"]
    df = df.sort_values(["ccode", "year", "recoded"]).drop_duplicates(["ccode", "year"])
    df = _na_codes(df, ["xconst", "polity", "democ", "autoc"], (-66, -77, -88))
    return df[["ccode", "year", "polity_code", "polity2", "xconst", "polity", "democ", "autoc",
               "durable"]].reset_index(drop=True)


@_cached
def democracy() -> pd.DataFrame:
    """Democracy scores for COW state-years 1816–2025 (isard ``cw_democracy``).

    ``euds``/``aeuds`` (extended UDS), ``polity2`` (Polity5), ``v2x_polyarchy`` (V-Dem).
    isard merged Polity5 on Polity's own state codes, which leaves Russia 1923–1991, Pakistan
    1947–1971, Vietnam from 1976 and Ethiopia from 1993 without polity2 and gives South Sudan
    (COW 626) the values of Polity's "Sudan-North" (626) while Sudan (625) has none after 2011.
    ``polity2`` is therefore taken from :func:`polity5` (COW-recoded) wherever Polity covers the
    state-year; ``polity2_source`` says which rows changed (``"polity5"`` vs ``"isard"``).
    """
    df = check_schema(
        read_bundled("democracy"), "democracy",
        {"ccode": "int16", "year": "int16", "euds": "float64", "aeuds": "float64",
         "polity2": "float64", "v2x_polyarchy": "float64"},
        key=("ccode", "year"),
    )
    p = polity5()
    key = df.set_index(["ccode", "year"]).index
    pol = p.set_index(["ccode", "year"])["polity2"].astype("float64")
    from_polity = pol.reindex(key).to_numpy()
    covered = ~np.isnan(from_polity)
    changed = covered & ~np.isclose(from_polity, df["polity2"].to_numpy(), equal_nan=True)
    df["polity2"] = np.where(covered, from_polity, df["polity2"].to_numpy())
    df["polity2_source"] = np.where(changed, "polity5", "isard")
    return df


@_cached
def maoz_powers() -> pd.DataFrame:
    """Maoz (2010) regional and global power spells, dates parsed (NaT = no such status)."""
    df = check_schema(read_bundled("maoz_powers"), "maoz_powers", {"ccode": "int16"})
    for c in ("regstdate", "regenddate", "globstdate", "globenddate"):
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
    return df


LOADERS: dict[str, Callable[[], pd.DataFrame]] = {
    "nmc": nmc, "states": states, "majors": majors, "false_dyads": false_dyads,
    "atop_ddy": atop_ddy, "idealpoints": idealpoints, "un_votes": un_votes,
    "un_roll_calls": un_roll_calls, "un_roll_call_issues": un_roll_call_issues,
    "unsc_vetoes": unsc_vetoes, "maddison": maddison, "gdppop": gdppop,
    "sipri_milex": sipri_milex, "tss_rivalries": tss_rivalries, "td_rivalries": td_rivalries,
    "trade_ndy": trade_ndy, "contdir": contdir, "capitals": capitals, "mindist": mindist,
    "gml_mid_ddy": _mid_ddy_gml, "cow_mid_ddy": _mid_ddy_cow, "archigos": archigos,
    "democracy": democracy, "polity5": polity5, "maoz_powers": maoz_powers,
    "gml_mid_disps": _mid_disps_gml, "cow_mid_disps": _mid_disps_cow,
    "maddison_countries": maddison_countries,
}


def load(name: str) -> pd.DataFrame:
    """Load a bundled data set by its catalog key (see ``realpolitik data sources``)."""
    if name not in LOADERS:
        import difflib

        close = difflib.get_close_matches(name, list(LOADERS), n=3)
        raise InputError(
            f"unknown data set {name!r}",
            ("did you mean " + ", ".join(close) + "?") if close
            else "known: " + ", ".join(sorted(LOADERS)),
        )
    return LOADERS[name]()
