"""State-level attributes joined onto every actor of a unit: power status, regime, military
expenditure and GDP (like peacesciencer's ``add_cow_majors``, ``add_democracy``,
``add_sdp_gdp``).

Each ``add_*`` step adds one column per actor with the actor's suffix: ``major`` on
state-years, ``major1``/``major2`` on dyad-years, ``major_a``/``major_b``/``major_c`` on
triad-years. A state-year the source does not cover is NA, never 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np
import pandas as pd

from realpolitik._arrays import spell_years
from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures._dispatch import actor_columns, assign
from realpolitik.measures.join import StateYearIndex, take


def _indicator_index(ccode: np.ndarray, first: np.ndarray, last: np.ndarray) -> StateYearIndex:
    """Index of the state-years inside any of the spells (ccode, first year, last year)."""
    idx, year = spell_years(first, last)
    keys = pd.DataFrame({"ccode": np.asarray(ccode)[idx], "year": year}).drop_duplicates()
    return StateYearIndex(keys["ccode"].to_numpy(), keys["year"].to_numpy())


def _add_indicators(
    frame: pd.DataFrame,
    indices: dict[str, StateYearIndex],
    years: tuple[int, int],
) -> dict[str, object]:
    """0/1 Int8 columns ``{name}{suffix}``: 1 where the state-year is in the index, NA outside
    ``years``."""
    _, codes, year = actor_columns(frame)
    year = np.asarray(year)
    outside = (year < years[0]) | (year > years[1])
    new: dict[str, object] = {}
    for name, index in indices.items():
        for sfx, cc in codes.items():
            found = (index.rows(cc, year) >= 0).astype(np.int8)
            new[f"{name}{sfx}"] = pd.arrays.IntegerArray(found, outside.copy())
    return new


def _add_values(
    frame: pd.DataFrame,
    table: pd.DataFrame,
    index: StateYearIndex,
    columns: dict[str, str],
) -> dict[str, object]:
    """Float64 columns ``{new name}{suffix}`` from a ``ccode, year`` table (NaN where absent)."""
    _, codes, year = actor_columns(frame)
    values = {new: table[src].to_numpy(dtype=np.float64, na_value=np.nan)
              for src, new in columns.items()}
    out: dict[str, object] = {}
    for sfx, cc in codes.items():
        rows = index.rows(cc, year)
        for new, vals in values.items():
            out[f"{new}{sfx}"] = take(vals, rows)
    return out


@cache
def _state_index(loader: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, StateYearIndex]:
    t = loader()
    return t, StateYearIndex(t["ccode"].to_numpy(), t["year"].to_numpy())


# --------------------------------------------------------------------------------------------
# Power status
# --------------------------------------------------------------------------------------------
#: Coverage of the COW major-power list v2024 and of Maoz's power designations.
MAJORS_YEARS = (loaders.SYSTEM_START_YEAR, 2024)
MAOZ_YEARS = (loaders.SYSTEM_START_YEAR, 2019)


@cache
def _majors_index() -> StateYearIndex:
    m = loaders.majors()
    return _indicator_index(m["ccode"].to_numpy(), m["styear"].to_numpy(),
                            m["endyear"].to_numpy())


def add_major_power(frame: pd.DataFrame) -> pd.DataFrame:
    """Join COW major-power status (v2024) for every actor of the unit.

    Adds ``major{suffix}`` (Int8): 1 if the state was a COW major power on any day of the year
    (so 1 for the USA in 1898, from 13 August; for Russia in 1917, to 5 December; 0 for
    Russia 1918–1921), else 0. Coverage 1816–2024; other years are NA.
    """
    out = assign(frame, _add_indicators(frame, {"major": _majors_index()}, MAJORS_YEARS))
    return stamp(out, datasets=["majors"], config={"major_power": "cow_majors_2024"})


@cache
def _maoz_indices() -> dict[str, StateYearIndex]:
    m = loaders.maoz_powers()
    out = {}
    for name, st, en in (("maoz_regional", "regstdate", "regenddate"),
                         ("maoz_global", "globstdate", "globenddate")):
        s = m[m[st].notna()]
        out[name] = _indicator_index(s["ccode"].to_numpy(), s[st].dt.year.to_numpy(),
                                     s[en].dt.year.to_numpy())
    return out


def add_maoz_power(frame: pd.DataFrame) -> pd.DataFrame:
    """Join Maoz's (2010) regional and global power status for every actor of the unit.

    Adds ``maoz_regional{suffix}`` and ``maoz_global{suffix}`` (Int8): 1 if the state held the
    status on any day of the year, else 0 (a state can hold both in a year of transition, e.g.
    Germany in 1867). As packaged by peacesciencer, coverage 1816–2019: later years are NA.
    Example: USA regional 1824–1898 and global from 1899; China regional from 1950, never global.
    """
    out = assign(frame, _add_indicators(frame, _maoz_indices(), MAOZ_YEARS))
    return stamp(out, datasets=["maoz_powers"], config={"maoz_power": True})


# --------------------------------------------------------------------------------------------
# Regime type
# --------------------------------------------------------------------------------------------
POLITY_COMPONENTS: tuple[str, ...] = ("polity2", "xconst", "polity", "democ", "autoc",
                                      "durable")
DEMOCRACY_MEASURES: tuple[str, ...] = ("euds", "aeuds", "polity2", "v2x_polyarchy")


def _check_choice(given: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    if isinstance(given, str):
        given = [given]
    bad = [c for c in given if c not in allowed]
    if bad or not given:
        raise InputError(f"unknown {what} {bad[0]!r}" if bad else f"no {what} given",
                         "choose from " + ", ".join(allowed))
    return list(dict.fromkeys(given))


def add_polity(
    frame: pd.DataFrame, components: Sequence[str] = ("polity2", "xconst")
) -> pd.DataFrame:
    """Join Polity5 (p5v2018) scores for every actor of the unit.

    Adds each of ``components`` with the actor's suffix (``polity2_a``), float64: ``polity2``
    (−10 autocracy … +10 democracy, interregna interpolated), ``xconst`` (executive constraints,
    1–7), ``polity``, ``democ``, ``autoc`` (NA for Polity's −66/−77/−88 codes) and ``durable``.
    Polity's USSR code 364 is COW 365 (1922–1991). Coverage to 2018 (the USA to 2020); years
    and states Polity lacks are NA. Polity5 uses its own state codes: where they differ from
    COW's (e.g. 769 Pakistan 1947–71, 818 Vietnam) the COW state gets NA.
    """
    comps = _check_choice(components, POLITY_COMPONENTS, "Polity component")
    table, index = _state_index(loaders.polity5)
    out = assign(frame, _add_values(frame, table, index, {c: c for c in comps}))
    return stamp(out, datasets=["polity5"], config={"polity": comps})


def add_democracy(
    frame: pd.DataFrame, measures: Sequence[str] = ("polity2", "v2x_polyarchy", "aeuds")
) -> pd.DataFrame:
    """Join democracy scores (isard's ``cw_democracy``) for every actor of the unit.

    Adds each of ``measures`` with the actor's suffix (``v2x_polyarchy1``), float64:
    ``v2x_polyarchy`` (V-Dem electoral democracy, 0–1, to 2025), ``aeuds``/``euds`` (extended
    Unified Democracy Scores; 0 in ``aeuds`` is the average cut-point of dichotomous democracy
    measures; to 2025), ``polity2`` (Polity5, −10…10, to 2018; Russia 1923–1991 filled from
    Polity's USSR rows). Coverage 1816–2025; state-years a measure lacks are NA.
    """
    ms = _check_choice(measures, DEMOCRACY_MEASURES, "democracy measure")
    table, index = _state_index(loaders.democracy)
    out = assign(frame, _add_values(frame, table, index, {m: m for m in ms}))
    return stamp(out, datasets=["democracy"], config={"democracy": ms})


# --------------------------------------------------------------------------------------------
# Military expenditure and GDP
# --------------------------------------------------------------------------------------------
def add_milex_sipri(frame: pd.DataFrame) -> pd.DataFrame:
    """Join SIPRI military expenditure (April 2024 release) for every actor of the unit.

    Adds ``sipri_milex{suffix}`` (millions of constant 2022 US$) and
    ``sipri_milex_share{suffix}`` (share of GDP, a fraction: 0.0336 = 3.36 %), float64.
    Coverage 1949–2023; a state-year SIPRI has no figure for (". .", "xxx", a spreadsheet zero,
    years before a series starts) is NA, never 0 — a 0 is kept only for states without an army
    (Costa Rica, Iceland, Panama from 1990, Haiti 1995–2017). The USSR is 365 up to 1991
    (SIPRI has no 1991 figure), Russia from 1992.
    """
    table, index = _state_index(loaders.sipri_milex)
    cols = {"milex_const2022_usd_m": "sipri_milex", "milex_share_gdp": "sipri_milex_share"}
    out = assign(frame, _add_values(frame, table, index, cols))
    return stamp(out, datasets=["sipri_milex"], config={"milex": "sipri_const2022"})


GDP_SOURCES: tuple[str, ...] = ("fariss", "maddison")


def add_gdp(frame: pd.DataFrame, sources: Sequence[str] = GDP_SOURCES) -> pd.DataFrame:
    """Join GDP estimates for every actor of the unit (float64, NaN where absent).

    ``"fariss"`` — latent estimates of Fariss et al. (2022), 1816–2019: ``pwtrgdp{suffix}``
    real GDP in **millions of 2017 int. $ PPP** (Penn World Table-anchored) and
    ``mrgdppc{suffix}`` GDP per capita in 2011 int. $ PPP (Maddison-anchored).
    ``"maddison"`` — Maddison Project 2023: ``maddison_gdppc{suffix}`` GDP per capita in 2011
    int. $ PPP, to 2022 (the former-USSR series is Russia to 1991).
    """
    srcs = _check_choice(sources, GDP_SOURCES, "GDP source")
    new: dict[str, object] = {}
    datasets = []
    if "fariss" in srcs:
        table, index = _state_index(loaders.gdppop)
        new.update(_add_values(frame, table, index,
                               {"pwtrgdp": "pwtrgdp", "mrgdppc": "mrgdppc"}))
        datasets.append("gdppop")
    if "maddison" in srcs:
        table, index = _state_index(loaders.maddison)
        new.update(_add_values(frame, table, index, {"gdppc": "maddison_gdppc"}))
        datasets.append("maddison")
    out = assign(frame, new)
    return stamp(out, datasets=datasets, config={"gdp": srcs})
