"""Power indices: CINC (recomputed), Cline's perceived power and Haushofer's four criteria.

Three indices of a state's power in a year, all on the COW state-years of NMC v7.0
(1816–2022), so that a user can compare them (DESIGN §3.1):

* **CINC** (:func:`cinc_table`): mean over the six NMC components of the state's share of the
  system total that year; a share of the system, in [0, 1].
* **Cline's perceived power** (:func:`cline_table`): Pp = (C + E + M) × (S + W) with the
  coefficients of ``data/tables/cline_coefficients.csv``; points, 0–500 × (S + W) ∈ [0, 2].
* **Haushofer's index** (:func:`haushofer_table`): weighted geometric mean of four criteria
  scored in (0, 1]; a score in (0, 1].

:func:`power` returns any of them in one schema (``ccode, stateabb, year, power, index,
partial, …``) and :func:`add_power` joins ``power{suffix}`` onto a state-, dyad- or triad-year
frame. Every table is data, not code: the Cline coefficients, the land areas and the expert
scores ship as CSV files in ``realpolitik/data/tables`` and each function accepts a user's
DataFrame instead (``coefficients=``, ``areas=``, ``expert=``).

>>> from realpolitik.measures.power import power
>>> p = power(["CHN", "RUS", "USA"], 2016)
>>> p[["stateabb", "power"]].round(4).to_numpy().tolist()
[['CHN', 0.2308], ['RUS', 0.0365], ['USA', 0.1333]]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.bundle import table_path
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_state, resolve_states
from realpolitik.errors import DataIntegrityError, InputError, RealpolitikError
from realpolitik.measures._dispatch import actor_columns, assign
from realpolitik.measures.join import StateYearIndex, take
from realpolitik.references import cites

#: Names accepted by ``index=``.
INDICES: tuple[str, ...] = ("cinc", "cline", "haushofer")
#: Haushofer's four criteria, in the order of the output columns.
HAUSHOFER_CRITERIA: tuple[str, ...] = ("economy", "military", "ideology", "leader")
#: Default Haushofer weights (equal).
DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(HAUSHOFER_CRITERIA, 0.25)
#: Criteria of the expert table.
EXPERT_CRITERIA: tuple[str, ...] = ("ideology", "leader", "strategic_purpose", "national_will")
#: Cline's terms and the scaling rules a coefficient row may use.
CLINE_TERMS: tuple[str, ...] = ("C", "E", "M")
CLINE_SCALINGS: tuple[str, ...] = ("max", "total")
#: Columns a Cline coefficient row may name (see :func:`cline_table`).
CLINE_COLUMNS: tuple[str, ...] = (*loaders.NMC_COMPONENTS, "gdp", "gdppc", "area_km2")
#: Indicator choices per Haushofer criterion (first = default).
HAUSHOFER_INDICATORS: dict[str, tuple[str, ...]] = {
    "economy": ("gdppc", "urban"),
    "military": ("share", "burden"),
    "leader": ("polity+archigos", "polity", "archigos"),
}
#: Last year of the Fariss et al. GDP estimates; later years use Maddison growth if available.
GDPPOP_LAST_YEAR = 2019
#: Neutral score for a criterion nobody has scored (ideology, leader) and default S and W.
NEUTRAL = 0.5

_EXPERT_COLUMNS = ("ccode", "first_year", "last_year", "criterion", "score")
_AREA_COLUMNS = ("ccode", "first_year", "last_year", "area_km2")
_COEF_COLUMNS = ("term", "indicator", "column", "points", "scaling")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _check_index(index: object) -> str:
    if not isinstance(index, str) or index.lower() not in INDICES:
        raise InputError(f"unknown power index {index!r}", "choose one of " + ", ".join(INDICES))
    return index.lower()


def _frame_tag(frame: pd.DataFrame) -> str:
    """Short description of a user table for the provenance record."""
    h = int(pd.util.hash_pandas_object(frame, index=False).sum()) & 0xFFFFFFFFFFFF
    return f"user table ({len(frame)} rows, hash {h:012x})"


def _read_table(name: str) -> pd.DataFrame:
    path = table_path(name)
    try:
        return pd.read_csv(path, keep_default_na=True)
    except (OSError, ValueError) as exc:
        raise DataIntegrityError(f"cannot read package table {name}: {exc}") from exc


def _to_ccodes(values: pd.Series, what: str, err: type[RealpolitikError]) -> np.ndarray:
    """COW codes of a column holding codes or any state name :func:`resolve_state` accepts."""
    num = pd.to_numeric(values, errors="coerce")
    for c in pd.unique(num.dropna()):  # codes must be COW states
        try:
            resolve_state(int(c))
        except (RealpolitikError, ValueError, OverflowError) as exc:
            raise err(f"{what}: {c!r} is not a COW state code", str(exc)) from exc
    if num.notna().all():
        return num.to_numpy(np.int64)
    mapping: dict[Any, int] = {}
    for v in pd.unique(values[num.isna()]):
        try:
            mapping[v] = resolve_state(str(v)).ccode
        except RealpolitikError as exc:
            raise err(f"{what}: state {v!r} is not recognised", str(exc)) from exc
    return np.where(num.notna(), num, values.map(mapping)).astype(np.int64)


def _periods(
    frame: pd.DataFrame, name: str, required: Sequence[str], err: type[RealpolitikError],
    group: Sequence[str] = ("ccode",),
) -> pd.DataFrame:
    """Validate a table of periods (``ccode, first_year, last_year`` …): types, order, overlap."""
    if not isinstance(frame, pd.DataFrame):
        raise err(f"{name} must be a pandas DataFrame, not {type(frame).__name__}",
                  "pass a DataFrame with columns " + ", ".join(required))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise err(f"{name} lacks column(s) {missing}",
                  "required columns: " + ", ".join(required))
    df = frame.reset_index(drop=True).copy()
    df["ccode"] = _to_ccodes(df["ccode"], name, err)
    for col in ("first_year", "last_year"):
        y = pd.to_numeric(df[col], errors="coerce")
        if y.isna().any() or (y != np.floor(y)).any():
            bad = int(np.flatnonzero((y.isna() | (y != np.floor(y))).to_numpy())[0])
            raise err(f"{name}: row {bad} has a non-integer {col} ({df[col].iloc[bad]!r})",
                      "years are whole numbers, e.g. 1949")
        df[col] = y.astype(np.int64)
        if not df[col].between(1500, 2200).all():
            bad = int(np.flatnonzero(~df[col].between(1500, 2200).to_numpy())[0])
            raise err(f"{name}: row {bad} has {col} {df[col].iloc[bad]}, outside 1500-2200",
                      "years are calendar years, e.g. 1949")
    bad_order = df["first_year"] > df["last_year"]
    if bad_order.any():
        r = df.loc[bad_order].iloc[0]
        raise err(f"{name}: first_year {r['first_year']} is after last_year {r['last_year']} "
                  f"(ccode {r['ccode']})", "give each period as first_year <= last_year")
    keys = [*group]
    s = df.sort_values([*keys, "first_year"], kind="stable")
    same = (s[keys].shift() == s[keys]).all(axis=1)
    overlap = same & (s["first_year"] <= s["last_year"].shift())
    if overlap.any():
        r = s.loc[overlap].iloc[0]
        what = ", ".join(f"{k} {r[k]}" for k in keys)
        raise err(f"{name}: periods overlap for {what} around {r['first_year']}",
                  "each state-year may be covered by one row only")
    return df


def _expand(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """One row per year of each period (vectorised): ``ccode, year, <value>``."""
    first = df["first_year"].to_numpy(np.int64)
    n = df["last_year"].to_numpy(np.int64) - first + 1
    idx = np.repeat(np.arange(len(df)), n)
    offs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return pd.DataFrame({"ccode": df["ccode"].to_numpy(np.int64)[idx],
                         "year": first[idx] + offs,
                         value: df[value].to_numpy()[idx]})


def _gather(table: pd.DataFrame, col: str, ccode: np.ndarray, year: np.ndarray) -> np.ndarray:
    """``table[col]`` at (ccode, year) as float64, NaN where absent."""
    if table.empty:
        return np.full(len(ccode), np.nan)
    idx = StateYearIndex(table["ccode"].to_numpy(), table["year"].to_numpy())
    out = take(table[col], idx.rows(ccode, year))
    return np.asarray(pd.array(out, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))


def _by_year(values: np.ndarray, year: np.ndarray, how: str | float) -> np.ndarray:
    """Per-year max, sum or quantile of ``values`` broadcast back to the rows."""
    s = pd.Series(values)
    g = s.groupby(year)
    if how == "max":
        return g.transform("max").to_numpy(float)
    if how == "sum":
        return g.transform("sum").to_numpy(float)
    if how == "median":
        return g.transform("median").to_numpy(float)
    return pd.Series(year).map(g.quantile(float(how))).to_numpy(float)


def _log_relative(
    values: np.ndarray, year: np.ndarray, reference: str | float, span: float, floor: float
) -> np.ndarray:
    """Log-scaled score relative to the year's reference: 1 at or above the reference, falling
    linearly in log to ``floor`` at 1/``span`` of it; NaN where ``values`` is NaN."""
    v = np.asarray(values, dtype=float)
    ref = _by_year(v, year, reference)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = 1.0 + np.log(v / ref) / math.log(span)
    s = np.clip(s, floor, 1.0)
    return np.where(np.isnan(v) | ~(ref > 0), np.nan, s)


def _labels(mask: np.ndarray, label: str) -> np.ndarray:
    """Object array: ``label`` where ``mask``, None elsewhere."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = label
    return out


def _maddison_or_none() -> pd.DataFrame | None:
    """Maddison 2023 if it can be loaded (it needs the ISO-3 crosswalk), else None."""
    try:
        return loaders.maddison()
    except (RealpolitikError, OSError, KeyError, ValueError):
        return None


def _extension_available() -> bool:
    return _maddison_or_none() is not None


# --------------------------------------------------------------------------------------------
# Editable tables
# --------------------------------------------------------------------------------------------
def _check_coefficients(frame: pd.DataFrame, err: type[RealpolitikError]) -> pd.DataFrame:
    name = "Cline coefficients"
    if not isinstance(frame, pd.DataFrame):
        raise err(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in _COEF_COLUMNS if c not in frame.columns]
    if missing:
        raise err(f"{name} lack column(s) {missing}", "required: " + ", ".join(_COEF_COLUMNS))
    df = frame.reset_index(drop=True).copy()
    df["term"] = df["term"].astype(str).str.strip().str.upper()
    df["scaling"] = df["scaling"].astype(str).str.strip().str.lower()
    df["column"] = df["column"].astype(str).str.strip()
    df["points"] = pd.to_numeric(df["points"], errors="coerce")
    checks = [
        (~df["term"].isin(CLINE_TERMS), "term", "terms are " + ", ".join(CLINE_TERMS)),
        (~df["column"].isin(CLINE_COLUMNS), "column",
         "columns are " + ", ".join(CLINE_COLUMNS)),
        (~df["scaling"].isin(CLINE_SCALINGS), "scaling",
         "scaling rules are " + ", ".join(CLINE_SCALINGS)),
        (~(df["points"] > 0) | ~np.isfinite(df["points"]), "points",
         "points are positive numbers"),
    ]
    for bad, col, hint in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise err(f"{name}: row {i} ({frame['indicator'].iloc[i]!r}) has an invalid {col} "
                      f"{frame[col].iloc[i]!r}", hint)
    absent = [t for t in CLINE_TERMS if t not in set(df["term"])]
    if absent:
        raise err(f"{name} have no row for term(s) {absent}",
                  "Pp = (C + E + M) x (S + W) needs at least one indicator per term")
    return df


def cline_coefficients() -> pd.DataFrame:
    """The shipped Cline coefficient table (``data/tables/cline_coefficients.csv``).

    One row per indicator: ``term`` (C, E or M), ``indicator``, ``column`` (an input column,
    see :data:`CLINE_COLUMNS`), ``points`` (maximum points), ``scaling`` (``max``: points × value
    / the year's largest value; ``total``: points × value / the year's system total), ``source``,
    ``note``. Edit a copy and pass it as ``coefficients=``.
    """
    return _check_coefficients(_read_table("cline_coefficients.csv"), DataIntegrityError)


def land_areas() -> pd.DataFrame:
    """The shipped land-area table (``data/tables/land_area.csv``): ``ccode, first_year,
    last_year, area_km2, source, note``, km², one row per state and border period.

    Covers the COW major powers and the G20 states (plus a few large states) for the years in
    which their borders were close to today's; FAO/World Bank land area (AG.LND.TOTL.K2), the
    USSR and Austria-Hungary from encyclopaedic total areas (marked in ``source``).
    """
    return _periods(_read_table("land_area.csv"), "land area table", _AREA_COLUMNS,
                    DataIntegrityError)


def _check_expert(frame: pd.DataFrame, err: type[RealpolitikError]) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame) and "criterion" in frame.columns:
        frame = frame.assign(criterion=frame["criterion"].astype(str).str.strip().str.lower())
    df = _periods(frame, "expert table", _EXPERT_COLUMNS, err, group=("ccode", "criterion"))
    bad = ~df["criterion"].isin(EXPERT_CRITERIA)
    if bad.any():
        raise err(f"expert table: unknown criterion {df['criterion'][bad].iloc[0]!r}",
                  "criteria are " + ", ".join(EXPERT_CRITERIA))
    score = pd.to_numeric(df["score"], errors="coerce")
    bad = ~((score > 0) & (score <= 1))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise err(f"expert table: score {df['score'].iloc[i]!r} of ccode {df['ccode'].iloc[i]} "
                  f"({df['criterion'].iloc[i]}, {df['first_year'].iloc[i]}) is not in (0, 1]",
                  "scores are numbers greater than 0 and at most 1")
    df["score"] = score.astype(float)
    for col in ("source", "note"):
        if col not in df.columns:
            df[col] = ""
    return df


def expert_scores() -> pd.DataFrame:
    """The shipped expert table (``data/tables/expert_scores.csv``).

    Columns ``ccode, first_year, last_year, criterion, score, source, note``; ``criterion`` is
    one of ``ideology``, ``leader`` (Haushofer) or ``strategic_purpose``, ``national_will``
    (Cline's S and W); ``score`` in (0, 1]. Periods are inclusive and may not overlap for a
    state and criterion. Sources marked ``[K]`` are the authors' recollection of the literature,
    not yet checked against the text. Pass an edited copy as ``expert=``; ``ccode`` may also hold
    state names (``"CHN"``, ``"Russia"``).
    """
    return _check_expert(_read_table("expert_scores.csv"), DataIntegrityError)


def _expert_lookup(
    expert: pd.DataFrame, criterion: str, ccode: np.ndarray, year: np.ndarray
) -> np.ndarray:
    sub = expert[expert["criterion"] == criterion]
    return _gather(_expand(sub, "score"), "score", ccode, year)


# --------------------------------------------------------------------------------------------
# Inputs shared by Cline and Haushofer
# --------------------------------------------------------------------------------------------
@cache
def _inputs(extend: bool) -> pd.DataFrame:
    """NMC state-years with GDP (``gdp``, millions of 2017 int. $) and GDP per capita
    (``gdppc``, 2011 int. $) from Fariss et al. (2022), extended after 2019 by Maddison growth
    when ``extend``; ``gdp_source`` says which."""
    nmc = loaders.nmc()
    base = nmc[["ccode", "year", *loaders.NMC_COMPONENTS]].reset_index(drop=True)
    cc = base["ccode"].to_numpy(np.int64)
    yr = base["year"].to_numpy(np.int64)
    g = loaders.gdppop()
    gdp = _gather(g, "pwtrgdp", cc, yr)
    gdppc = _gather(g, "mrgdppc", cc, yr)
    source = _labels(~np.isnan(gdp), "gdppop")
    if extend:
        mad = _maddison_or_none()
        if mad is not None:
            later = (yr > GDPPOP_LAST_YEAR) & np.isnan(gdp)
            last = np.full(len(yr), GDPPOP_LAST_YEAR)
            for col, own, mcol in (("gdp", gdp, "gdp"), ("gdppc", gdppc, "gdppc")):
                anchor = _gather(g, "pwtrgdp" if col == "gdp" else "mrgdppc", cc, last)
                growth = _gather(mad, mcol, cc, yr) / _gather(mad, mcol, cc, last)
                own[later] = (anchor * growth)[later]
            source[later & ~np.isnan(gdp)] = "maddison_growth"
    base["gdp"] = gdp
    base["gdppc"] = gdppc
    base["gdp_source"] = pd.array(source, dtype="string")
    return base


def _datasets(index: str, extend: bool) -> list[str]:
    if index == "cinc":
        return ["nmc"]
    out = ["nmc", "gdppop", *(["maddison"] if extend else [])]
    if index == "haushofer":
        out += ["polity5", "archigos"]
    return out


# --------------------------------------------------------------------------------------------
# CINC
# --------------------------------------------------------------------------------------------
@cache
def _cinc_cached() -> pd.DataFrame:
    nmc = loaders.nmc()
    comps = list(loaders.NMC_COMPONENTS)
    vals = nmc[comps].astype(float)
    totals = vals.groupby(nmc["year"]).transform("sum")
    v, t = vals.to_numpy(), totals.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(t > 0, v / t, np.where(np.isnan(v), np.nan, 0.0))
    n = (~np.isnan(v)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        cinc = np.where(n > 0, np.nansum(shares, axis=1) / np.maximum(n, 1), np.nan)
    out = pd.DataFrame({
        "ccode": nmc["ccode"].to_numpy(),
        "year": nmc["year"].to_numpy(),
        "cinc": cinc,
        "cinc_published": nmc["cinc"].to_numpy(float),
        "n_components": n.astype(np.int8),
        "cinc_partial": n < len(comps),
    })
    return stamp(out, datasets=["nmc"], config={"index": "cinc"})


@cites("singer1972", kind="power index", name="power.cinc")
def cinc_table() -> pd.DataFrame:
    """CINC recomputed from the six NMC v7.0 components, every state-year 1816–2022.

    ``cinc`` = mean over the available components (milex, milper, irst, pec, tpop, upop) of the
    state's share of the system total that year (share of all NMC states, in [0, 1]);
    ``cinc_published`` is NMC's own column, ``n_components`` (0–6) counts the available
    components and ``cinc_partial`` is True where fewer than six were available. On the rows
    with all six, ``cinc`` equals ``cinc_published`` within 1e-6 (it does to about 2.5e-8).
    Yearly sums are not exactly 1 in NMC either (1.000–1.075).
    """
    out = _cinc_cached().copy()
    out.attrs = dict(_cinc_cached().attrs)
    return out


# --------------------------------------------------------------------------------------------
# Cline
# --------------------------------------------------------------------------------------------
def _cline(
    coefficients: pd.DataFrame, areas: pd.DataFrame, expert: pd.DataFrame, extend: bool
) -> pd.DataFrame:
    base = _inputs(extend)
    cc = base["ccode"].to_numpy(np.int64)
    yr = base["year"].to_numpy(np.int64)
    cols: dict[str, np.ndarray] = {c: base[c].to_numpy(float) for c in CLINE_COLUMNS
                                   if c != "area_km2"}
    cols["area_km2"] = _gather(_expand(areas, "area_km2"), "area_km2", cc, yr)
    n_rows = len(base)
    got = {t: np.zeros(n_rows) for t in CLINE_TERMS}
    avail = {t: np.zeros(n_rows) for t in CLINE_TERMS}
    total = {t: 0.0 for t in CLINE_TERMS}
    n_ind = np.zeros(n_rows, dtype=np.int16)
    rows = zip(coefficients["term"].astype(str), coefficients["column"].astype(str),
               coefficients["points"].astype(float), coefficients["scaling"].astype(str),
               strict=True)
    for term, column, points, scaling in rows:  # a handful of indicator rows
        v = cols[column]
        denom = _by_year(v, yr, "max" if scaling == "max" else "sum")
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(denom > 0, v / denom, 0.0)
        frac = np.where(np.isnan(v), np.nan, frac)
        ok = ~np.isnan(frac)
        got[term] += np.where(ok, points * frac, 0.0)
        avail[term] += np.where(ok, points, 0.0)
        total[term] += points
        n_ind += ok
    terms = {}
    for t in CLINE_TERMS:
        with np.errstate(divide="ignore", invalid="ignore"):
            terms[t] = np.where(avail[t] > 0, got[t] * total[t] / avail[t], np.nan)
    s_exp = _expert_lookup(expert, "strategic_purpose", cc, yr)
    w_exp = _expert_lookup(expert, "national_will", cc, yr)
    s = np.where(np.isnan(s_exp), NEUTRAL, s_exp)
    w = np.where(np.isnan(w_exp), NEUTRAL, w_exp)
    pp = (terms["C"] + terms["E"] + terms["M"]) * (s + w)
    return pd.DataFrame({
        "ccode": base["ccode"].to_numpy(),
        "year": base["year"].to_numpy(),
        "cline": pp,
        "critical_mass": terms["C"],
        "economic": terms["E"],
        "military": terms["M"],
        "strategic_purpose": s,
        "national_will": w,
        "n_indicators": n_ind,
        "cline_partial": n_ind < len(coefficients),
        "area_known": ~np.isnan(cols["area_km2"]),
        "gdp_source": base["gdp_source"].to_numpy(),
        "s_source": np.where(np.isnan(s_exp), "default", "expert"),
        "w_source": np.where(np.isnan(w_exp), "default", "expert"),
    })


@cache
def _cline_cached(extend: bool) -> pd.DataFrame:
    out = _cline(cline_coefficients(), land_areas(), expert_scores(), extend)
    return stamp(out, datasets=_datasets("cline", extend), config={
        "index": "cline", "coefficients": "default", "areas": "default",
        "expert": "default", "maddison_extension": extend})


@cites("cline1977", kind="power index", name="power.cline")
def cline_table(
    coefficients: pd.DataFrame | None = None,
    areas: pd.DataFrame | None = None,
    expert: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cline's perceived power Pp = (C + E + M) × (S + W) for every NMC state-year 1816–2022.

    Cline (1975, 1977, 1980, *World Power Assessment*) scores critical mass C (population and
    territory), economic capability E and military capability M in points and multiplies their
    sum by strategic purpose S plus national will W. Here each indicator row of the coefficient
    table (:func:`cline_coefficients`; default C 100 = population 50 + territory 50, E 200 =
    GDP 100 + energy 50 + steel 50, M 200 = expenditure 150 + personnel 50) earns
    ``points × value / the year's largest value`` (or ``/ the year's total``); a term is the sum
    of its indicators' points. **Missing indicators**: a term is rescaled from the indicators
    available (e.g. a state with no land-area row gets C from population alone, scaled to C's
    100 points), and ``cline_partial`` is True; a term with no indicator at all makes Pp NA.
    Land areas (km²) come from :func:`land_areas`: only the COW major powers, the G20 states and
    a few others, for the years their borders were close to today's (``area_known``). GDP is
    Fariss et al. (2022) ``pwtrgdp`` to 2019, extended to 2022 with Maddison 2023 growth where
    Maddison can be loaded (``gdp_source``), else NA (E then comes from energy and steel).
    S and W (each in (0, 1]) come from the expert table, criteria ``strategic_purpose`` and
    ``national_will``; where it has no row both are 0.5, so S + W = 1 (``s_source``,
    ``w_source``). The shipped expert table has no S/W rows.

    Columns: ``ccode, year, cline`` (points, 0 to 500 × (S + W) with the default table),
    ``critical_mass, economic, military`` (points), ``strategic_purpose, national_will``,
    ``n_indicators, cline_partial, area_known, gdp_source, s_source, w_source``.
    """
    extend = _extension_available()
    if coefficients is None and areas is None and expert is None:
        cached = _cline_cached(extend)
        out = cached.copy()
        out.attrs = dict(cached.attrs)
        return out
    coefs = cline_coefficients() if coefficients is None else _check_coefficients(
        coefficients, InputError)
    ar = land_areas() if areas is None else _periods(areas, "areas", _AREA_COLUMNS, InputError)
    if areas is not None:
        bad = ~(pd.to_numeric(ar["area_km2"], errors="coerce") > 0)
        if bad.any():
            first = ar["area_km2"][bad].iloc[0]
            raise InputError(f"areas: area_km2 {first!r} is not a positive number",
                             "give areas in km2")
        ar["area_km2"] = ar["area_km2"].astype(float)
    ex = expert_scores() if expert is None else _check_expert(expert, InputError)
    out = _cline(coefs, ar, ex, extend)
    return stamp(out, datasets=_datasets("cline", extend), config={
        "index": "cline",
        "coefficients": "default" if coefficients is None else _frame_tag(coefficients),
        "areas": "default" if areas is None else _frame_tag(areas),
        "expert": "default" if expert is None else _frame_tag(expert),
        "maddison_extension": extend})


# --------------------------------------------------------------------------------------------
# Haushofer
# --------------------------------------------------------------------------------------------
def validate_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    """Haushofer weights as a dict over :data:`HAUSHOFER_CRITERIA` (missing keys are 0).

    Raises :class:`InputError` naming the weights if a key is unknown, a weight is negative or
    not a number, or the weights do not sum to 1 within 1e-9.
    """
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, Mapping):
        raise InputError(f"Haushofer weights must be a mapping, not {type(weights).__name__}",
                         "e.g. {'economy': 0.25, 'military': 0.25, 'ideology': 0.25, "
                         "'leader': 0.25}")
    unknown = [k for k in weights if k not in HAUSHOFER_CRITERIA]
    if unknown:
        raise InputError(f"unknown Haushofer weight(s) {unknown}",
                         "criteria are " + ", ".join(HAUSHOFER_CRITERIA))
    w = {}
    for k in HAUSHOFER_CRITERIA:
        try:
            w[k] = float(weights.get(k, 0.0))
        except (TypeError, ValueError) as exc:
            raise InputError(f"Haushofer weight {k}={weights.get(k)!r} is not a number",
                             "weights are non-negative numbers summing to 1") from exc
    text = ", ".join(f"{k}={v:g}" for k, v in w.items())
    if any(not math.isfinite(v) or v < 0 for v in w.values()):
        raise InputError(f"Haushofer weights must be non-negative numbers ({text})",
                         "weights are non-negative numbers summing to 1")
    total = math.fsum(w.values())
    if abs(total - 1.0) > 1e-9:
        raise InputError(f"Haushofer weights sum to {total:.12g}, not 1 ({text})",
                         "rescale the weights so that they sum to 1")
    return w


def haushofer_combine(
    scores: Mapping[str, Any] | pd.DataFrame, weights: Mapping[str, float] | None = None
) -> np.ndarray:
    """Weighted geometric mean H = Π s_k^{w_k} of criterion scores s_k in (0, 1].

    ``scores`` maps each criterion of :data:`HAUSHOFER_CRITERIA` to an array (or is a DataFrame
    with those columns); a missing key counts as missing everywhere. Where a score is NaN the
    weights of the available criteria are renormalised (and the caller should flag the row);
    where none is available H is NaN. Because H is geometric, a criterion near 0 drives H to 0
    whatever the others are (if its weight is positive). Result in (0, 1].

    >>> haushofer_combine({"economy": [0.5], "military": [0.5], "ideology": [0.5],
    ...                    "leader": [0.5]}).round(6).tolist()
    [0.5]
    """
    w = validate_weights(weights)
    arrays = {}
    length = None
    for k in HAUSHOFER_CRITERIA:
        if k in scores:
            a = np.atleast_1d(np.asarray(scores[k], dtype=float))
            length = len(a) if length is None else length
            if len(a) != length:
                raise InputError("Haushofer scores have different lengths",
                                 "give one score per row for every criterion")
            bad = ~np.isnan(a) & ~((a > 0) & (a <= 1))
            if bad.any():
                raise InputError(f"Haushofer score {k}={a[bad][0]!r} is not in (0, 1]",
                                 "scores are greater than 0 and at most 1")
            arrays[k] = a
    if length is None:
        raise InputError("no Haushofer scores given",
                         "criteria are " + ", ".join(HAUSHOFER_CRITERIA))
    logsum = np.zeros(length)
    wsum = np.zeros(length)
    for k, a in arrays.items():
        ok = ~np.isnan(a)
        logsum += np.where(ok, w[k] * np.log(np.where(ok, a, 1.0)), 0.0)
        wsum += np.where(ok, w[k], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(wsum > 0, np.exp(logsum / wsum), np.nan)


@cache
def _tenure() -> pd.DataFrame:
    """Years in office on 1 July of the leader then in office (Archigos 4.1, COW codes, to
    2015): ``ccode, year, tenure``."""
    a = loaders.archigos()
    start = a["startdate"].to_numpy("datetime64[D]")
    end = a["enddate"].to_numpy("datetime64[D]")
    y0 = a["startdate"].dt.year.to_numpy(np.int64)
    y1 = a["enddate"].dt.year.to_numpy(np.int64)
    n = y1 - y0 + 1
    idx = np.repeat(np.arange(len(a)), n)
    year = y0[idx] + (np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n))
    jul1 = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(6, "M")
    jul1 = jul1.astype("datetime64[D]")
    covers = (start[idx] <= jul1) & (end[idx] >= jul1)
    idx, year, jul1 = idx[covers], year[covers], jul1[covers]
    tenure = (jul1 - start[idx]).astype(np.int64) / 365.25
    out = pd.DataFrame({
        "ccode": loaders.gw_to_cow(a["gwcode"].to_numpy()[idx], year).astype(np.int64),
        "year": year,
        "start": start[idx],
        "tenure": tenure,
    })
    out = out.sort_values(["ccode", "year", "start"]).drop_duplicates(
        ["ccode", "year"], keep="last")
    return out[["ccode", "year", "tenure"]].reset_index(drop=True)


def _polity_table() -> pd.DataFrame:
    p = loaders.polity5()
    return pd.DataFrame({"ccode": p["ccode"].to_numpy(np.int64),
                         "year": p["year"].to_numpy(np.int64),
                         "xconst": p["xconst"].to_numpy(dtype=float, na_value=np.nan)})


def _sipri_burden() -> pd.DataFrame:
    try:
        s = loaders.sipri_milex()
    except (RealpolitikError, OSError, KeyError, ValueError) as exc:
        raise InputError(
            f"the military indicator 'burden' needs SIPRI data, which cannot be loaded: {exc}",
            "use indicators={'military': 'share'} (NMC expenditure)") from exc
    return pd.DataFrame({"ccode": s["ccode"].to_numpy(np.int64),
                         "year": s["year"].to_numpy(np.int64),
                         "burden": s["milex_share_gdp"].to_numpy(float)})


_HAUSHOFER_DEFAULTS: dict[str, Any] = {
    "window": 5, "trend_weight": 0.5, "trend_scale": 0.05, "econ_reference": 0.95,
    "econ_span": 50.0, "military_span": 1000.0, "tenure_weight": 0.25, "tenure_scale": 5.0,
    "floor": 0.01,
}


def _haushofer_params(**kw: Any) -> dict[str, Any]:
    p = dict(_HAUSHOFER_DEFAULTS)
    p.update({k: v for k, v in kw.items() if v is not None})

    def num(name: str, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> None:
        v = p[name]
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = float("nan")
        ok = math.isfinite(x) and (x > lo if lo_open else x >= lo) and (
            x < hi if hi_open else x <= hi)
        if isinstance(v, bool) or not ok:
            lo_b, hi_b = "(" if lo_open else "[", ")" if hi_open else "]"
            raise InputError(f"Haushofer option {name}={v!r} is out of range",
                             f"{name} must be in {lo_b}{lo:g}, {hi:g}{hi_b}")
        p[name] = x

    w = p["window"]
    if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or not 1 <= w <= 50:
        raise InputError(f"Haushofer option window={w!r} is not a whole number of years in 1-50",
                         "e.g. window=5")
    p["window"] = int(w)
    num("trend_weight", 0, 1)
    num("tenure_weight", 0, 1)
    num("trend_scale", 0, math.inf, lo_open=True, hi_open=True)
    num("tenure_scale", 0, math.inf, lo_open=True, hi_open=True)
    num("econ_span", 1, math.inf, lo_open=True, hi_open=True)
    num("military_span", 1, math.inf, lo_open=True, hi_open=True)
    num("floor", 0, 1, lo_open=True, hi_open=True)
    ref = p["econ_reference"]
    if ref != "max":
        num("econ_reference", 0, 1, lo_open=True)
    return p


def _haushofer_indicators(indicators: Mapping[str, str] | None) -> dict[str, str]:
    out = {k: v[0] for k, v in HAUSHOFER_INDICATORS.items()}
    if indicators is None:
        return out
    if not isinstance(indicators, Mapping):
        raise InputError("indicators must be a mapping criterion -> indicator",
                         "e.g. {'economy': 'urban'}")
    for k, v in indicators.items():
        if k not in HAUSHOFER_INDICATORS:
            raise InputError(f"no indicator choice for Haushofer criterion {k!r}",
                             "configurable: " + ", ".join(HAUSHOFER_INDICATORS)
                             + " (ideology comes from the expert table)")
        if v not in HAUSHOFER_INDICATORS[k]:
            raise InputError(f"unknown indicator {v!r} for Haushofer criterion {k!r}",
                             "choose " + ", ".join(HAUSHOFER_INDICATORS[k]))
        out[k] = v
    return out


def _haushofer(
    weights: dict[str, float], expert: pd.DataFrame, ind: dict[str, str],
    p: dict[str, Any], extend: bool,
) -> pd.DataFrame:
    base = _inputs(extend)
    cc = base["ccode"].to_numpy(np.int64)
    yr = base["year"].to_numpy(np.int64)
    floor = p["floor"]
    # economic development
    if ind["economy"] == "gdppc":
        x = base["gdppc"].to_numpy(float)
        econ_source = base["gdp_source"].to_numpy()
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            x = base["upop"].to_numpy(float) / base["tpop"].to_numpy(float)
        x = np.where(np.isfinite(x), x, np.nan)
        econ_source = _labels(~np.isnan(x), "nmc_urban")
    s_econ = _log_relative(x, yr, p["econ_reference"], p["econ_span"], floor)
    econ_source = np.asarray(econ_source, dtype=object).copy()
    econ_source[np.isnan(s_econ)] = None
    econ_labels = pd.array(econ_source, dtype="string")
    # (re)militarisation: level and trend
    milex = base["milex"].to_numpy(float)
    if ind["military"] == "share":
        level = _log_relative(milex, yr, "max", p["military_span"], floor)
    else:
        burden = _gather(_sipri_burden(), "burden", cc, yr)
        level = _log_relative(burden, yr, 0.95, 20.0, floor)
    lag = _gather(base, "milex", cc, yr - p["window"])
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = (np.log(milex) - np.log(lag)) / p["window"]
    growth = np.where((milex > 0) & (lag > 0), growth, np.nan)
    rel = growth - _by_year(growth, yr, "median")
    trend = np.clip(1.0 / (1.0 + np.exp(-rel / p["trend_scale"])), floor, 1.0)
    lam = p["trend_weight"]
    s_mil = np.where(np.isnan(trend), level, level ** (1 - lam) * trend ** lam)
    # ideology: expert table or neutral
    ideo_exp = _expert_lookup(expert, "ideology", cc, yr)
    s_ideo = np.where(np.isnan(ideo_exp), NEUTRAL, ideo_exp)
    ideo_source = np.where(np.isnan(ideo_exp), "neutral", "expert")
    # strong leader: expert table, else Polity xconst and Archigos tenure
    lead_exp = _expert_lookup(expert, "leader", cc, yr)
    sx = np.full(len(cc), np.nan)
    st = np.full(len(cc), np.nan)
    if ind["leader"] in ("polity+archigos", "polity"):
        xconst = _gather(_polity_table(), "xconst", cc, yr)
        sx = 1.0 - 0.125 * (xconst - 1.0)
    if ind["leader"] in ("polity+archigos", "archigos"):
        tenure = _gather(_tenure(), "tenure", cc, yr)
        st = 1.0 - 0.5 * np.exp(-tenure / p["tenure_scale"])
    mu = p["tenure_weight"] if ind["leader"] == "polity+archigos" else 0.5
    both = ~np.isnan(sx) & ~np.isnan(st)
    proxy = np.where(both, sx ** (1 - mu) * st ** mu, np.where(np.isnan(sx), st, sx))
    proxy_source = np.select(
        [both, ~np.isnan(sx), ~np.isnan(st)], ["polity+archigos", "polity", "archigos"],
        "neutral")
    s_lead = np.where(~np.isnan(lead_exp), lead_exp, np.where(np.isnan(proxy), NEUTRAL, proxy))
    lead_source = np.where(~np.isnan(lead_exp), "expert", proxy_source)
    h = haushofer_combine({"economy": s_econ, "military": s_mil, "ideology": s_ideo,
                           "leader": s_lead}, weights)
    partial = np.isnan(s_econ) | np.isnan(s_mil) | np.isnan(trend)
    return pd.DataFrame({
        "ccode": base["ccode"].to_numpy(),
        "year": base["year"].to_numpy(),
        "haushofer": h,
        "s_economy": s_econ,
        "s_military": s_mil,
        "s_ideology": s_ideo,
        "s_leader": s_lead,
        "military_level": level,
        "military_trend": trend,
        "economy_source": econ_labels,
        "ideology_source": ideo_source,
        "leader_source": lead_source,
        "haushofer_partial": partial,
    })


@cache
def _haushofer_cached(extend: bool) -> pd.DataFrame:
    p = _haushofer_params()
    ind = _haushofer_indicators(None)
    out = _haushofer(dict(DEFAULT_WEIGHTS), expert_scores(), ind, p, extend)
    return stamp(out, datasets=_datasets("haushofer", extend), config={
        "index": "haushofer", "weights": dict(DEFAULT_WEIGHTS), "indicators": ind,
        **p, "expert": "default", "maddison_extension": extend})


@cites("haushofer1927", kind="power index", name="power.haushofer")
def haushofer_table(
    weights: Mapping[str, float] | None = None,
    expert: pd.DataFrame | None = None,
    *,
    indicators: Mapping[str, str] | None = None,
    window: int | None = None,
    trend_weight: float | None = None,
    trend_scale: float | None = None,
    econ_reference: str | float | None = None,
    econ_span: float | None = None,
    military_span: float | None = None,
    tenure_weight: float | None = None,
    tenure_scale: float | None = None,
    floor: float | None = None,
) -> pd.DataFrame:
    """Haushofer's four-criteria index H = Π s_k^{w_k} for every NMC state-year 1816–2022.

    Criteria, each scored in (0, 1] (``floor``, default 0.01, is the lowest score):

    * **economy** — economic development. ``gdppc`` (default): GDP per capita (Fariss et al.
      2022, Maddison growth after 2019 when available) relative to the year's reference
      ``econ_reference`` (default the 0.95 quantile of all states, so that a few oil states do
      not set the scale; ``"max"`` for the leader), log-scaled: s = 1 + ln(x / ref) / ln(span),
      clipped to [floor, 1], so a state ``econ_span`` (default 50) times poorer than the
      reference gets the floor. ``urban``: NMC urban share upop/tpop, same scaling.
    * **military** — (re)militarisation, level and trend combined as
      level^(1−λ) · trend^λ, λ = ``trend_weight`` (default 0.5). Level ``share`` (default):
      military expenditure relative to the year's largest, log-scaled over ``military_span``
      (default 1000); ``burden``: SIPRI expenditure share of GDP relative to the year's 0.95
      quantile, log-scaled over 20 (1949–2023; needs SIPRI). Trend: annualised log growth of NMC
      expenditure over ``window`` years (default 5) minus the year's median growth (which
      removes inflation and the 1913/14 currency change), through a logistic with scale
      ``trend_scale`` (default 0.05): 0.5 = growing like the median state.
    * **ideology** — from the expert table (criterion ``ideology``); 0.5 where it has no row.
    * **leader** — strong leader, from the expert table; where it has no row a measured proxy:
      Polity5 executive constraints, s = 1 − (xconst − 1)/8 (1 for xconst 1, 0.25 for 7), and
      Archigos tenure on 1 July, s = 1 − 0.5·exp(−tenure/``tenure_scale``), combined
      geometrically with weight ``tenure_weight`` (default 0.25) on tenure; 0.5 if neither
      exists (Polity ends 2018, Archigos 2015).

    ``weights`` (default 0.25 each) must be non-negative and sum to 1 (:func:`validate_weights`).
    Where economy or military is missing the weights of the others are renormalised and
    ``haushofer_partial`` is True (also when the military trend is missing). ``*_source``
    columns say where each score came from (``expert``, ``neutral``, ``polity``, …).

    Columns: ``ccode, year, haushofer, s_economy, s_military, s_ideology, s_leader,
    military_level, military_trend, economy_source, ideology_source, leader_source,
    haushofer_partial``.
    """
    extend = _extension_available()
    opts = {"window": window, "trend_weight": trend_weight, "trend_scale": trend_scale,
            "econ_reference": econ_reference, "econ_span": econ_span,
            "military_span": military_span, "tenure_weight": tenure_weight,
            "tenure_scale": tenure_scale, "floor": floor}
    if weights is None and expert is None and indicators is None and all(
            v is None for v in opts.values()):
        cached = _haushofer_cached(extend)
        out = cached.copy()
        out.attrs = dict(cached.attrs)
        return out
    w = validate_weights(weights)
    p = _haushofer_params(**opts)
    ind = _haushofer_indicators(indicators)
    ex = expert_scores() if expert is None else _check_expert(expert, InputError)
    out = _haushofer(w, ex, ind, p, extend)
    data = _datasets("haushofer", extend) + (["sipri_milex"] if ind["military"] == "burden"
                                             else [])
    return stamp(out, datasets=data, config={
        "index": "haushofer", "weights": w, "indicators": ind, **p,
        "expert": "default" if expert is None else _frame_tag(expert),
        "maddison_extension": extend})


# --------------------------------------------------------------------------------------------
# One schema for all indices
# --------------------------------------------------------------------------------------------
_OPTIONS: dict[str, tuple[str, ...]] = {
    "cinc": (),
    "cline": ("coefficients", "areas", "expert"),
    "haushofer": ("weights", "expert", "indicators", *_HAUSHOFER_DEFAULTS),
}


def _standard(table: pd.DataFrame, index: str) -> pd.DataFrame:
    """``ccode, stateabb, year, power, index, partial`` + the index's own columns."""
    value, flag = {"cinc": ("cinc", "cinc_partial"), "cline": ("cline", "cline_partial"),
                   "haushofer": ("haushofer", "haushofer_partial")}[index]
    abb = loaders.states().drop_duplicates("ccode").set_index("ccode")["stateabb"]
    rest = [c for c in table.columns if c not in ("ccode", "year", value, flag)]
    out = pd.DataFrame({
        "ccode": table["ccode"].to_numpy(np.int16),
        "stateabb": table["ccode"].map(abb).to_numpy(),
        "year": table["year"].to_numpy(np.int16),
        "power": table[value].to_numpy(float),
        "index": index,
        "partial": table[flag].to_numpy(bool),
        **{c: table[c].to_numpy() for c in rest},
    })
    out.attrs = dict(table.attrs)
    return out


@cache
def _standard_default(index: str, extend: bool) -> tuple[pd.DataFrame, StateYearIndex]:
    if index == "cinc":
        table = _cinc_cached()
    elif index == "cline":
        table = _cline_cached(extend)
    else:
        table = _haushofer_cached(extend)
    out = _standard(table, index)
    return out, StateYearIndex(out["ccode"].to_numpy(), out["year"].to_numpy())


def power_table(index: str = "cinc", **options: Any) -> pd.DataFrame:
    """The whole table of one index in the common schema of :func:`power` (all state-years)."""
    return _power_table(_check_index(index), options)[0].copy()


def _power_table(index: str, options: Mapping[str, Any]) -> tuple[pd.DataFrame, StateYearIndex]:
    bad = [k for k in options if k not in _OPTIONS[index]]
    if bad:
        allowed = ", ".join(_OPTIONS[index]) or "none"
        raise InputError(f"option(s) {bad} do not apply to the {index} index",
                         f"options of {index}: {allowed}")
    if not options:
        return _standard_default(index, _extension_available() if index != "cinc" else False)
    table = cline_table(**options) if index == "cline" else haushofer_table(**options)
    out = _standard(table, index)
    return out, StateYearIndex(out["ccode"].to_numpy(), out["year"].to_numpy())


def _year_bounds(years: int | Sequence[int] | None) -> tuple[int, int] | None:
    if years is None:
        return None
    if isinstance(years, bool):
        raise InputError(f"years must be a year or (first, last), not {years!r}")
    if isinstance(years, (int, np.integer)):
        return int(years), int(years)
    try:
        ys = [int(y) for y in years]
    except (TypeError, ValueError) as exc:
        raise InputError(f"years must be a year or (first, last), not {years!r}",
                         "e.g. years=2016 or years=(1990, 2022)") from exc
    if len(ys) != 2:
        raise InputError(f"years must be (first, last), got {years!r}",
                         "e.g. years=(1990, 2022)")
    if ys[0] > ys[1]:
        raise InputError(f"first year {ys[0]} is after last year {ys[1]}",
                         "give years as (first, last)")
    return ys[0], ys[1]


def _state_codes(states: Sequence[str | int | State] | str | int | State | None
                 ) -> list[int] | None:
    if states is None:
        return None
    if isinstance(states, (str, int, np.integer, State)):
        states = [states]  # type: ignore[list-item]
    # NumPy integers (a frame's int16 ccode) are passed on as int
    clean = [int(s) if isinstance(s, np.integer) else s for s in states]
    return [s.ccode for s in resolve_states(clean)]  # naming a state twice is an InputError


def power(
    states: Sequence[str | int | State] | str | int | State | None = None,
    years: int | Sequence[int] | None = None,
    index: str = "cinc",
    **options: Any,
) -> pd.DataFrame:
    """Power of states by year under one index (``"cinc"``, ``"cline"`` or ``"haushofer"``).

    Parameters
    ----------
    states:
        One state or several (code, abbreviation, ISO code or name), each named once; default
        all.
    years:
        One year or ``(first, last)`` inclusive; default all (1816–2022, NMC's coverage).
    index:
        ``cinc`` (share of the system, [0, 1]), ``cline`` (points, see :func:`cline_table`)
        or ``haushofer`` (score in (0, 1], see :func:`haushofer_table`).
    **options:
        Passed to :func:`cline_table` (``coefficients, areas, expert``) or
        :func:`haushofer_table` (``weights, expert, indicators, window, …``); an option that
        does not apply to the index is an :class:`InputError`.

    Returns
    -------
    DataFrame ``ccode, stateabb, year, power, index, partial`` and the index's own columns
    (components, sources, flags), sorted by year and then in the order the states were named
    (by code when ``states`` is None), provenance in ``attrs``. The default
    configuration of each index is computed once per process and cached.
    """
    idx = _check_index(index)
    table, _ = _power_table(idx, options)
    codes = _state_codes(states)
    bounds = _year_bounds(years)
    keep = np.ones(len(table), dtype=bool)
    if codes is not None:
        keep &= table["ccode"].isin(codes).to_numpy()
    if bounds is not None:
        keep &= table["year"].between(*bounds).to_numpy()
    out = table.loc[keep]
    if codes is not None:  # keep the order in which the user named the states
        rank = out["ccode"].map({c: i for i, c in enumerate(codes)})
        out = out.assign(_rank=rank.to_numpy()).sort_values(["year", "_rank"], kind="stable")
        out = out.drop(columns="_rank")
    else:
        out = out.sort_values(["year", "ccode"], kind="stable")
    out = out.reset_index(drop=True)
    if out.empty:
        lo, hi = int(table["year"].min()), int(table["year"].max())
        who = "these states" if codes is not None else "any state"
        span = f" in {bounds[0]}–{bounds[1]}" if bounds else ""
        raise InputError(f"no {idx} power for {who}{span}",
                         f"the {idx} index covers COW state-years {lo}–{hi}")
    out.attrs = dict(table.attrs)
    return stamp(out, config={"states": codes, "years": list(bounds) if bounds else None})


def add_power(frame: pd.DataFrame, index: str = "cinc", **options: Any) -> pd.DataFrame:
    """Join a power index onto a state-, dyad- or triad-year frame.

    Adds ``power`` (state-years), ``power1, power2`` (dyad-years) or ``power_a, power_b,
    power_c`` (triad-years): the value of :func:`power` for each actor in that year, NA where
    the index has none (e.g. after 2022). ``options`` as in :func:`power`.
    """
    idx = _check_index(index)
    _info, codes, year = actor_columns(frame)
    table, sidx = _power_table(idx, options)
    new = {f"power{sfx}": take(table["power"], sidx.rows(cc, year)) for sfx, cc in codes.items()}
    out = assign(frame, new)
    prov = table.attrs.get("provenance", {})
    return stamp(out, datasets=list(prov.get("data", {})), config={
        "power_index": idx, "power_config": prov.get("config", {})})
