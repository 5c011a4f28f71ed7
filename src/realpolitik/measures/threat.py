"""The adversary's offensive response Ar, empirical (level) mode (DESIGN §3.3).

A threat score of the adversary C towards the tandem (A, B) in the spirit of Walt's balance of
threat (1985, 1987): four components — **aggregate power**, **proximity**, **offensive
capability** and **(revealed) intentions** — each measured by one or two indicators, each
indicator standardised (z-scored) against a reference distribution, and combined with weights:

    z_k(t)       = (x_k(t) − mean_R(t)) / sd_R(t)             (indicator k, reference R)
    z_c(t)       = mean of the available z_k(t) of component c
    Ar_level(t)  = Σ_c w_c z_c(t)                              (combine_components)
    Ar(t)        = (Ar_level(t) − Ar_level(t0)) / s_A          (relative)

The two fronts are kept apart: C→A and C→B give ``ar_level_A`` and ``ar_level_B``; the pair as
a whole gives ``ar_level``. The forecast mode (a scenario path of policy intensities A(t),
Ar(t) = (A(t) − A(t0)) / s_A) uses the same :func:`combine_components` and :func:`relative`
(:func:`scenario_threat`).

Indicators (x ↦ value standardised; front X ∈ {A, B}; "pair" is the combined value):

=============  ==================  ===================================  =======================
component      indicator           front C→X                            pair
=============  ==================  ===================================  =======================
power          ``power``           ln(P_C / P_X)                        ln(P_C / (P_A + P_B))
proximity      ``distance``        −ln(1 + d_CX / 100 km)               nearest front (max)
proximity      ``contiguity``      (6 − COW contiguity type) / 5        closest front (max)
offense        ``milex_growth``    C's annualised log growth of its share of system military
                                   expenditure over ``offense_window`` years (same on both fronts)
offense        ``milper_growth``   the same for military personnel
intentions     ``disputes``        ln(1 + n), n = years of the trailing  n summed over fronts
                                   ``dispute_window`` in which C began
                                   an MID against X on side A
intentions     ``rivalry``         1 if C and X are strategic rivals    either front (max)
=============  ==================  ===================================  =======================

Several adversaries (a coalition, listed by salience): power and offense sum the adversaries'
capabilities; proximity takes the nearest adversary; disputes count those of any adversary
(summed); rivalry is 1 if any adversary is a rival (max).

Standardisation (the reference distribution R, ``reference=``): by default the directed
dyad-years in which **both states are COW major powers** (for the dyadic indicators: power,
proximity, intentions; the pair's value is placed on the same dyadic scale) and the
**major-power state-years** (for C's own build-up, offense): the threat C poses is measured
against what great powers have posed to one another. ``"relevant"`` (politically relevant dyads,
Lemke & Reed 2001) and ``"all"`` are options. With ``causal=True`` (the default) the moments at
year t use only reference rows of years ≤ t (an expanding window from 1816, or the last
``reference_window`` years), and every indicator at t is computed from data of years ≤ t, so a
level score at an episode's start year uses no later data. ``causal=False`` uses one fixed
reference: the whole record.

Missing data: a component's z is the mean of its available indicators' z (the CINC convention;
``partial`` names the missing ones) and NA if none is available; Ar_level is NA wherever a
component with a positive weight is NA (``missing``). The relative Ar compares like with like:
an indicator missing in year t or in the base year is left out of both, so the end of a source
(MIDs after 2010) does not show up as a change in threat.

>>> from realpolitik.measures.threat import threat
>>> ar = threat("CHN", "RUS", "USA", years=(2006, 2008), base=2008)
>>> ar[["year", "ar"]].round(2).to_numpy().tolist()[-1]
[2008.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_states
from realpolitik.errors import InputError, StateYearError, positive_scale
from realpolitik.measures.disputes import MID_YEARS, add_disputes
from realpolitik.measures.geography import (
    CONTIGUITY_FIRST_YEAR,
    CONTIGUITY_LAST_YEAR,
    MINDIST_FIRST_YEAR,
    MINDIST_LAST_YEAR,
    NOT_CONTIGUOUS,
    add_contiguity,
    add_distance,
)
from realpolitik.measures.join import StateYearIndex
from realpolitik.measures.power import _check_index, _power_table, _year_bounds
from realpolitik.measures.rivalry import RIVALRY_LAST_YEAR, add_rivalry
from realpolitik.references import cites

#: Walt's four sources of threat, in the order of the last axis of every z array.
COMPONENTS: tuple[str, ...] = ("power", "proximity", "offense", "intentions")
#: Indicators of each component (a component's z is the mean of its available indicators' z).
INDICATORS: dict[str, tuple[str, ...]] = {
    "power": ("power",),
    "proximity": ("distance", "contiguity"),
    "offense": ("milex_growth", "milper_growth"),
    "intentions": ("disputes", "rivalry"),
}
#: Indicators measured on the adversary alone (the same on both fronts).
STATE_INDICATORS: tuple[str, ...] = ("milex_growth", "milper_growth")
#: Indicators measured on a directed pair (C, X).
DYAD_INDICATORS: tuple[str, ...] = ("power", "distance", "contiguity", "disputes", "rivalry")
#: Column suffix of each front; the pair as a whole has none.
FRONTS: tuple[str, ...] = ("_A", "_B", "")
#: Distance scale d0 of the proximity transform −ln(1 + d / d0), km.
DISTANCE_SCALE_KM = 100.0
#: Largest COW contiguity type counted as "contiguous" for politically relevant dyads
#: (4 = separated by at most 150 miles of water).
RELEVANT_CONTIGUITY = 4
#: First year of NMC's military expenditure in US dollars (pounds sterling before).
MILEX_USD_FROM = 1914

Reference = Literal["relevant", "major", "all"]
Adversaries = str | int | State | Sequence[str | int | State]


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------
class ThreatWeights(BaseModel):
    """Weights w_c of the four components in Ar_level = Σ_c w_c z_c (finite, ≥ 0, not all 0).

    The defaults are equal weights summing to 1, so Ar_level is on the z scale (a weighted mean
    of standardised components). They are **not** fitted: DESIGN §3.3 leaves the weights to be
    fitted on development cases only.

    >>> ThreatWeights().as_array().tolist()
    [0.25, 0.25, 0.25, 0.25]
    >>> ThreatWeights(power=1, proximity=0, offense=0, intentions=0).as_array().tolist()
    [1.0, 0.0, 0.0, 0.0]
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    power: float = 0.25
    proximity: float = 0.25
    offense: float = 0.25
    intentions: float = 0.25

    @field_validator("power", "proximity", "offense", "intentions")
    @classmethod
    def _finite_non_negative(cls, v: float) -> float:
        if not math.isfinite(v) or v < 0:
            raise ValueError("a weight must be a finite number ≥ 0")
        return float(v)

    @model_validator(mode="after")
    def _not_all_zero(self) -> ThreatWeights:
        if sum(self.as_array()) <= 0:
            raise ValueError("at least one weight must be > 0")
        return self

    def as_array(self) -> np.ndarray:
        """The weights in the order of :data:`COMPONENTS`."""
        return np.array([getattr(self, c) for c in COMPONENTS], dtype=float)


class ThreatOptions(BaseModel):
    """How the indicators and their reference distribution are built (all have defaults).

    * ``reference`` — ``"major"`` (directed dyad-years of two COW major powers and major-power
      state-years, default), ``"relevant"`` (politically relevant directed dyad-years — contiguous
      or at least one major power — and major-power state-years) or ``"all"`` (every directed
      dyad-year and state-year);
    * ``reference_window`` — with ``causal=True``, standardise on the last so many years
      (t − window, t]; ``None`` (default): every year from 1816 to t;
    * ``min_reference`` — fewest reference values for a z-score (else NA), default 30;
    * ``distance`` — ``"capital"`` (great-circle distance between capitals, 1816–2024,
      default) or ``"minimum"`` (between territories, CShapes, 1886–2019);
    * ``mid_source`` — ``"gml"`` (Gibler–Miller–Little, to 2010, default) or ``"cow"`` (MID 5.0,
      to 2014); ``dispute_window`` — trailing years counted (default 10);
      ``dispute_measure`` — ``"count"`` (ln(1 + years with an initiated MID), default) or
      ``"hostility"`` (highest hostility level, 0–5, of those MIDs);
    * ``rivalry_source`` — ``"tss"`` (to 2020, default) or ``"td"`` (to 2010);
    * ``offense`` — ``"share"`` (growth of C's share of the system total, default: immune to
      NMC's switch from pounds to dollars in 1914 and to inflation) or ``"level"`` (growth of
      the NMC figure itself; military-expenditure windows spanning 1913/1914 are NA);
      ``offense_window`` — years of growth (default 5);
    * ``carry_years`` — slow structural data (contiguity, minimum distance, rivalry) are
      carried forward from their source's last year for at most this many years (default 8,
      enough to reach 2024 from contiguity's 2016); MIDs are never carried. Carrying uses only
      earlier data, so it is causal.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: Reference = "major"
    reference_window: int | None = Field(default=None, ge=5)
    min_reference: int = Field(default=30, ge=2)
    distance: Literal["capital", "minimum"] = "capital"
    mid_source: Literal["gml", "cow"] = "gml"
    dispute_window: int = Field(default=10, ge=1, le=50)
    dispute_measure: Literal["count", "hostility"] = "count"
    rivalry_source: Literal["tss", "td"] = "tss"
    offense: Literal["share", "level"] = "share"
    offense_window: int = Field(default=5, ge=1, le=30)
    carry_years: int = Field(default=8, ge=0, le=50)


def _pydantic_error(what: str, exc: ValidationError) -> InputError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    msg = str(first.get("msg", exc)).removeprefix("Value error, ")
    return InputError(f"invalid {what}: {where + ': ' if where else ''}{msg}",
                      f"see realpolitik.measures.threat.{what}")


def check_weights(weights: ThreatWeights | Mapping[str, float] | None) -> ThreatWeights:
    """A :class:`ThreatWeights` from ``None`` (defaults), a model or a mapping.

    A mapping may name some components only; the others keep their defaults. Unknown names,
    negative, infinite or NaN weights and all-zero weights are an :class:`InputError`.

    >>> check_weights({"intentions": 0.5}).intentions
    0.5
    """
    if weights is None:
        return ThreatWeights()
    if isinstance(weights, ThreatWeights):
        return weights
    if not isinstance(weights, Mapping):
        raise InputError(f"weights must be a ThreatWeights or a mapping, not {weights!r}",
                         "e.g. weights={'power': 0.4, 'intentions': 0.4}")
    try:
        return ThreatWeights(**{str(k): v for k, v in weights.items()})
    except ValidationError as exc:
        raise _pydantic_error("ThreatWeights", exc) from exc


def check_options(options: ThreatOptions | Mapping[str, Any] | None) -> ThreatOptions:
    """A :class:`ThreatOptions` from ``None``, a model or a mapping (errors: InputError)."""
    if options is None:
        return ThreatOptions()
    if isinstance(options, ThreatOptions):
        return options
    if not isinstance(options, Mapping):
        raise InputError(f"options must be a ThreatOptions or a mapping, not {options!r}")
    try:
        return ThreatOptions(**{str(k): v for k, v in options.items()})
    except ValidationError as exc:
        raise _pydantic_error("ThreatOptions", exc) from exc


def _check_scale(scale: object) -> float:
    return positive_scale(scale, "s_A",
                          "the default is 1 (Ar = 1: one weighted standard deviation)")


# --------------------------------------------------------------------------------------------
# The combination code shared by the empirical and the forecast mode
# --------------------------------------------------------------------------------------------
def _weights_array(weights: Any, n: int) -> np.ndarray:
    if isinstance(weights, ThreatWeights):
        w = weights.as_array()
    elif isinstance(weights, Mapping):
        w = check_weights(weights).as_array()
    else:
        try:
            w = np.asarray(weights, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"weights {weights!r} are not numbers") from exc
    if w.ndim != 1 or len(w) != n:
        raise InputError(f"{w.size} weight(s) given for {n} component(s)",
                         "give one weight per component (the last axis of z)")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise InputError(f"weights {w.tolist()} must be finite, ≥ 0 and not all 0")
    return w


def combine_components(
    z: ArrayLike,
    weights: ThreatWeights | Mapping[str, float] | ArrayLike | None = None,
    *,
    na: Literal["propagate", "renormalise"] = "propagate",
) -> np.ndarray:
    """Σ_c w_c z_c over the last axis of ``z`` (shape ``(..., n_components)``).

    Used by both modes: the empirical mode passes the four standardised components in the
    order of :data:`COMPONENTS` (``weights`` a :class:`ThreatWeights`, a mapping or ``None``
    for the defaults); the forecast mode passes policy intensities in [0, 1] and one weight per
    instrument (an array). ``na="propagate"`` (default): NA wherever a component with a
    positive weight is NA (a zero weight ignores its component, NA or not);
    ``"renormalise"``: the weighted mean of the available components times Σ w (NA only if
    none is available).

    >>> combine_components([[1.0, 2.0, 0.0, -1.0]]).tolist()
    [0.5]
    >>> combine_components([0.5, float("nan")], [1.0, 0.0]).tolist()
    0.5
    """
    arr = np.asarray(z, dtype=float)
    if arr.ndim == 0:
        raise InputError("z must have a last axis of components")
    n = arr.shape[-1]
    if weights is None:
        if n != len(COMPONENTS):
            raise InputError(f"default weights are for the {len(COMPONENTS)} threat components, "
                             f"z has {n}", "pass one weight per component")
        weights = ThreatWeights()
    w = _weights_array(weights, n)
    used = w > 0
    vals = arr[..., used]
    wu = w[used]
    if na == "propagate":
        return np.asarray(vals @ wu)
    if na != "renormalise":
        raise InputError(f"unknown na policy {na!r}", "use 'propagate' or 'renormalise'")
    ok = ~np.isnan(vals)
    wsum = (ok * wu).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(ok, vals, 0.0) @ wu / wsum * wu.sum()
    return np.where(wsum > 0, out, np.nan)


def relative(series: ArrayLike, base_index: int, scale: float = 1.0) -> np.ndarray:
    """(x(t) − x(t0)) / scale along the last axis, t0 = position ``base_index``.

    The origin of the alignment plane is the reference year: ``relative`` of a level series is
    0 there. Shared by the empirical mode (Ar_level by year) and the forecast mode (policy
    intensity A(t), trajectories × years).

    >>> relative([1.0, 2.0, 4.0], base_index=1, scale=2.0).tolist()
    [-0.5, 0.0, 1.0]
    """
    s = _check_scale(scale)
    arr = np.asarray(series, dtype=float)
    if arr.ndim == 0:
        raise InputError("series must have a time axis (the last one)")
    n = arr.shape[-1]
    if isinstance(base_index, bool) or not isinstance(base_index, (int, np.integer)) or not (
            -n <= int(base_index) < n):
        raise InputError(f"base_index {base_index!r} is not a position on an axis of {n}")
    return (arr - arr[..., [int(base_index)]]) / s


def scenario_threat(
    intensity: ArrayLike,
    weights: ArrayLike,
    base_index: int = 0,
    scale: float = 1.0,
) -> np.ndarray:
    """Forecast-mode Ar(t) = (A(t) − A(t0)) / s_A from policy intensities (DESIGN §3.3).

    ``intensity`` has shape ``(..., n_years, n_instruments)``, each instrument (sanctions,
    forward deployment, alliance building, arms-control exits, hostile designation …) scaled to
    [0, 1]; A(t) = Σ_i w_i intensity_i(t) (:func:`combine_components`), and Ar is
    :func:`relative` to year position ``base_index``. Returns shape ``(..., n_years)``.

    >>> scenario_threat([[0.2, 0.0], [0.6, 0.5]], [1.0, 1.0]).tolist()
    [0.0, 0.9]
    """
    arr = np.asarray(intensity, dtype=float)
    if arr.ndim < 2:
        raise InputError("intensity must have shape (..., n_years, n_instruments)")
    finite = arr[~np.isnan(arr)]
    if ((finite < 0) | (finite > 1)).any():
        raise InputError("policy intensities must lie in [0, 1]",
                         "scale each instrument to [0, 1] before weighting")
    return relative(combine_components(arr, weights), base_index, scale)


# --------------------------------------------------------------------------------------------
# Data access: every read of a data set goes through _source (one place to audit causality)
# --------------------------------------------------------------------------------------------
@cache
def _major_lut() -> tuple[int, np.ndarray]:
    m = loaders.majors()
    y0, y1 = loaders.SYSTEM_START_YEAR, loaders.SYSTEM_END_YEAR
    lut = np.zeros((1000, y1 - y0 + 1), dtype=bool)
    for code, a, b in m[["ccode", "styear", "endyear"]].itertuples(index=False):
        lut[int(code), max(int(a), y0) - y0:min(int(b), y1) - y0 + 1] = True
    return y0, lut


@cache
def _nmc_index() -> tuple[pd.DataFrame, StateYearIndex]:
    nmc = loaders.nmc()
    return nmc, StateYearIndex(nmc["ccode"].to_numpy(), nmc["year"].to_numpy())


@cache
def _nmc_totals(col: str) -> pd.Series:
    n = loaders.nmc()
    return n.groupby("year")[col].sum(min_count=1).astype(float)


def _as_float(values: Any) -> np.ndarray:
    return np.asarray(pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))


def _dyad_frame(c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"ccode1": np.asarray(c1, np.int16), "ccode2": np.asarray(c2, np.int16),
                         "year": np.asarray(year, np.int16)})


def _source(kind: str, c1: np.ndarray, c2: np.ndarray | None, year: np.ndarray,
            option: str = "") -> np.ndarray:
    """Raw data at (c1[, c2], year) as float64 (NaN = not covered), the year's data only.

    ``kind``: ``power`` (index ``option``), ``milex``/``milper`` (NMC level, ``option="share"``
    for the share of the year's system total), ``major`` (1/0), ``contiguity`` (COW type 1–6),
    ``capdist``/``mindist`` (km), ``mid_initiated`` (1 if c1 began an MID against c2 on side A
    in the year, source ``option``), ``mid_hostility`` (its hostility level, 0 if none),
    ``rivalry`` (1/0, source ``option``).
    """
    c1 = np.asarray(c1, dtype=np.int64)
    year = np.asarray(year, dtype=np.int64)
    if len(c1) == 0:
        return np.empty(0)
    if kind == "power":
        table, sidx = _power_table(option, {})
        rows = sidx.rows(c1, year)
        return np.where(rows >= 0, np.append(table["power"].to_numpy(float), np.nan)[rows],
                        np.nan)
    if kind in ("milex", "milper"):
        nmc, sidx = _nmc_index()
        vals = np.append(nmc[kind].to_numpy(float), np.nan)[sidx.rows(c1, year)]
        if option == "share":
            tot = _nmc_totals(kind).reindex(year).to_numpy(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                vals = np.where(tot > 0, vals / tot, np.nan)
        return vals
    if kind == "major":
        y0, lut = _major_lut()
        y = year - y0
        ok = (y >= 0) & (y < lut.shape[1])
        major = np.full(len(c1), np.nan)
        major[ok] = lut[c1[ok], y[ok]]
        return major
    if c2 is None:
        raise InputError(f"data kind {kind!r} needs a pair of states")
    frame = _dyad_frame(c1, c2, year)
    if kind == "contiguity":
        return _as_float(add_contiguity(frame)["contiguity"])
    if kind in ("capdist", "mindist"):
        dist = add_distance(frame, "capital" if kind == "capdist" else "minimum")
        return np.asarray(dist[kind].to_numpy(float))
    if kind in ("mid_initiated", "mid_hostility"):
        d = add_disputes(frame, option)  # type: ignore[arg-type]
        onset = _as_float(d["mid_onset"])
        init = np.where(np.isnan(onset), np.nan, (onset == 1) & (_as_float(d["mid_sidea"]) == 1))
        if kind == "mid_initiated":
            return init.astype(float)
        return np.where(init == 1, _as_float(d["mid_hostlev"]), np.where(np.isnan(init),
                                                                       np.nan, 0.0))
    if kind == "rivalry":
        return _as_float(add_rivalry(frame, option)["rivalry"])  # type: ignore[arg-type]
    raise InputError(f"unknown data kind {kind!r}")


def _carried(kind: str, c1: np.ndarray, c2: np.ndarray, year: np.ndarray, last: int,
             carry: int, option: str = "") -> np.ndarray:
    """``_source`` with years after ``last`` (by at most ``carry``) read at ``last``."""
    y = np.asarray(year, dtype=np.int64)
    q = np.where((y > last) & (y - last <= carry), last, y)
    return _source(kind, c1, c2, q, option)


# --------------------------------------------------------------------------------------------
# Indicators (vectorised over rows; adversaries on a second axis padded with -1)
# --------------------------------------------------------------------------------------------
def _pair_values(c: np.ndarray, x: np.ndarray, year: np.ndarray, fn: Any) -> np.ndarray:
    """``fn(c1, c2, year)`` for every (adversary, x) pair: shape (n, k), NaN in padding."""
    n, k = c.shape
    valid = c >= 0
    xx = np.broadcast_to(np.asarray(x)[:, None], (n, k))[valid]
    yy = np.broadcast_to(np.asarray(year)[:, None], (n, k))[valid]
    out = np.full((n, k), np.nan)
    out[valid] = fn(c[valid], xx, yy)
    return out


def _agg(values: np.ndarray, valid: np.ndarray, how: str) -> np.ndarray:
    """Aggregate over the adversary axis; NaN if a listed adversary's value is NaN."""
    if how == "sum":
        return np.where(valid, values, 0.0).sum(axis=1)
    return np.where(valid, values, -np.inf).max(axis=1)


def _dispute_counts(c1: np.ndarray, c2: np.ndarray, year: np.ndarray,
                    opts: ThreatOptions) -> np.ndarray:
    """Over the trailing window (t − w, t]: number of years in which c1 began an MID against c2
    (``count``) or the highest hostility of those MIDs (``hostility``); NaN if the window
    reaches past the source's last year; years before its first year count as none."""
    first, last = MID_YEARS[opts.mid_source]
    kind = "mid_initiated" if opts.dispute_measure == "count" else "mid_hostility"
    year = np.asarray(year, dtype=np.int64)
    acc = np.zeros(len(year))
    for lag in range(opts.dispute_window):
        y = year - lag
        inside = y >= first
        vals = np.zeros(len(year))
        if inside.any():
            vals[inside] = _source(kind, c1[inside], c2[inside], y[inside], opts.mid_source)
        if kind == "mid_initiated":
            acc = acc + vals
        else:  # unknown hostility of an initiated MID is ignored in the maximum
            acc = np.where(np.isnan(vals) & (y <= last), acc, np.fmax(acc, vals))
    acc[year > last] = np.nan
    return acc


def _raw_pairs(c: np.ndarray, x: np.ndarray, year: np.ndarray,
               opts: ThreatOptions) -> dict[str, np.ndarray]:
    """Front C→X before the transform, aggregated over the adversaries: ``distance_km``,
    ``contiguity_type``, ``disputes_raw`` (count or hostility), ``rivalry``."""
    valid = c >= 0
    carry = opts.carry_years
    if opts.distance == "capital":
        dist = _pair_values(c, x, year,
                            lambda a, b, y: _source("capdist", a, b, y))
    else:
        dist = _pair_values(c, x, year, lambda a, b, y: np.where(
            y >= MINDIST_FIRST_YEAR,
            _carried("mindist", a, b, y, MINDIST_LAST_YEAR, carry), np.nan))
    cont = _pair_values(c, x, year, lambda a, b, y: np.where(
        y >= CONTIGUITY_FIRST_YEAR,
        _carried("contiguity", a, b, y, CONTIGUITY_LAST_YEAR, carry), np.nan))
    disp = _pair_values(c, x, year,
                        lambda a, b, y: _dispute_counts(a, b, y, opts))
    src = opts.rivalry_source
    riv = _pair_values(c, x, year, lambda a, b, y: _carried(
        "rivalry", a, b, y, RIVALRY_LAST_YEAR[src], carry, src))
    neg_dist = _agg(-dist, valid, "max")
    return {
        "distance_km": -neg_dist,
        "contiguity_type": -_agg(-cont, valid, "max"),
        "disputes_raw": _agg(disp, valid, "sum" if opts.dispute_measure == "count" else "max"),
        "rivalry": _agg(riv, valid, "max"),
    }


def _transform_pairs(raw: Mapping[str, np.ndarray], opts: ThreatOptions) -> dict[str, np.ndarray]:
    with np.errstate(invalid="ignore"):
        disputes = (np.log1p(raw["disputes_raw"]) if opts.dispute_measure == "count"
                    else raw["disputes_raw"])
        return {
            "distance": -np.log1p(raw["distance_km"] / DISTANCE_SCALE_KM),
            "contiguity": (NOT_CONTIGUOUS - raw["contiguity_type"]) / (NOT_CONTIGUOUS - 1),
            "disputes": disputes,
            "rivalry": raw["rivalry"],
        }


def _merge_fronts(ra: Mapping[str, np.ndarray], rb: Mapping[str, np.ndarray],
                  opts: ThreatOptions) -> dict[str, np.ndarray]:
    """The pair's raw values from the two fronts' (nearest, closest, summed, either)."""
    stack = {k: np.stack([ra[k], rb[k]], axis=1) for k in ra}
    ok = np.ones((len(ra["rivalry"]), 2), dtype=bool)
    return {
        "distance_km": -_agg(-stack["distance_km"], ok, "max"),
        "contiguity_type": -_agg(-stack["contiguity_type"], ok, "max"),
        "disputes_raw": _agg(stack["disputes_raw"], ok,
                             "sum" if opts.dispute_measure == "count" else "max"),
        "rivalry": _agg(stack["rivalry"], ok, "max"),
    }


def _coalition_power(c: np.ndarray, year: np.ndarray, index: str) -> np.ndarray:
    p = _pair_values(c, np.zeros(len(c)), year,
                     lambda a, b, y: _source("power", a, None, y, index))
    p = np.where(p > 0, p, np.nan)
    return _agg(p, c >= 0, "sum")


def _growth(c: np.ndarray, year: np.ndarray, opts: ThreatOptions) -> dict[str, np.ndarray]:
    """Annualised log growth of the coalition's milex and milper (share or level)."""
    w = opts.offense_window
    option = "share" if opts.offense == "share" else ""
    out: dict[str, np.ndarray] = {}
    year = np.asarray(year, dtype=np.int64)
    for col in ("milex", "milper"):
        def level(y: np.ndarray, col: str = col) -> np.ndarray:
            v = _pair_values(c, np.zeros(len(c)), y,
                             lambda a, b, yy: _source(col, a, None, yy, option))
            return _agg(np.where(v > 0, v, np.nan), c >= 0, "sum")

        with np.errstate(invalid="ignore", divide="ignore"):
            g = (np.log(level(year)) - np.log(level(year - w))) / w
        if col == "milex" and opts.offense == "level":
            g[(year >= MILEX_USD_FROM) & (year - w < MILEX_USD_FROM)] = np.nan
        out[f"{col}_growth"] = g
    return out


def _indicators(a: np.ndarray, b: np.ndarray, c: np.ndarray, year: np.ndarray, index: str,
                opts: ThreatOptions) -> dict[str, np.ndarray]:
    """Every raw and transformed indicator of rows (a, b, adversaries c (n, k), year)."""
    year = np.asarray(year, dtype=np.int64)
    pc = _coalition_power(c, year, index)
    pa = _source("power", a, None, year, index)
    pb = _source("power", b, None, year, index)
    pa, pb = np.where(pa > 0, pa, np.nan), np.where(pb > 0, pb, np.nan)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        out["power_A"] = np.log(pc / pa)
        out["power_B"] = np.log(pc / pb)
        out["power"] = np.log(pc / (pa + pb))
    ra = _raw_pairs(c, a, year, opts)
    rb = _raw_pairs(c, b, year, opts)
    rab = _merge_fronts(ra, rb, opts)
    for sfx, raw in (("_A", ra), ("_B", rb), ("", rab)):
        out[f"distance_km{sfx}"] = raw["distance_km"]
        out[f"mid_{opts.dispute_measure}{sfx}"] = raw["disputes_raw"]
        for k, v in _transform_pairs(raw, opts).items():
            out[f"{k}{sfx}"] = v
    out.update(_growth(c, year, opts))
    return out


# --------------------------------------------------------------------------------------------
# Reference distribution and z-scores
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceDistribution:
    """Yearly sums (n, Σx, Σx²) of each indicator over the reference rows.

    Build it with :func:`reference_distribution` (cached) or :meth:`from_values` (e.g. from a
    perturbed copy of :attr:`values`). :meth:`moments` gives the mean and standard deviation
    each year would be standardised with.
    """

    years: np.ndarray
    sums: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    values: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    description: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, pd.DataFrame],
                    description: str = "") -> ReferenceDistribution:
        """From frames ``year`` + indicator columns (``{"dyad": …, "state": …}``)."""
        ys = [int(v["year"].min()) for v in values.values() if len(v)]
        ye = [int(v["year"].max()) for v in values.values() if len(v)]
        if not ys:
            raise InputError("a reference distribution needs at least one row")
        y0, y1 = min(ys), max(ye)
        ny = y1 - y0 + 1
        sums: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for frame in values.values():
            yr = frame["year"].to_numpy(np.int64) - y0
            for col in frame.columns:
                if col == "year":
                    continue
                x = frame[col].to_numpy(float)
                ok = np.isfinite(x)
                sums[col] = (np.bincount(yr[ok], minlength=ny).astype(float),
                             np.bincount(yr[ok], weights=x[ok], minlength=ny),
                             np.bincount(yr[ok], weights=x[ok] ** 2, minlength=ny))
        return cls(np.arange(y0, y1 + 1), sums, dict(values), description)

    def moments(self, indicator: str, year: ArrayLike, causal: bool = True,
                window: int | None = None, min_n: int = 30) -> tuple[np.ndarray, np.ndarray]:
        """(mean, sd) of ``indicator`` for standardising values of each ``year``.

        ``causal``: reference rows of years ≤ t (the last ``window`` years if given);
        otherwise every row. NaN where fewer than ``min_n`` values or sd = 0.
        """
        n, s1, s2 = self.sums[indicator]
        y = np.asarray(year, dtype=np.int64)
        if causal:
            cn, c1, c2 = (np.concatenate(([0.0], np.cumsum(v))) for v in (n, s1, s2))
            hi = np.clip(y - self.years[0] + 1, 0, len(self.years))
            lo = np.zeros_like(hi) if window is None else np.clip(
                y - window - self.years[0] + 1, 0, len(self.years))
            m_n, m_1, m_2 = cn[hi] - cn[lo], c1[hi] - c1[lo], c2[hi] - c2[lo]
        else:
            m_n = np.full(len(y), n.sum())
            m_1 = np.full(len(y), s1.sum())
            m_2 = np.full(len(y), s2.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = m_1 / m_n
            var = m_2 / m_n - mean ** 2
        sd = np.sqrt(np.clip(var, 0.0, None))
        bad = (m_n < min_n) | ~(sd > 1e-12 * np.maximum(1.0, np.abs(mean)))
        return np.where(bad, np.nan, mean), np.where(bad, np.nan, sd)


def _reference_rows(reference: str, opts: ThreatOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(directed dyad-years, state-years) of the reference population."""
    from realpolitik.units import dyad_years, state_years

    last = int(_power_table("cinc", {})[0]["year"].max())
    majors = sorted(int(x) for x in loaders.majors()["ccode"].unique())
    dy = dyad_years(directed=True, years=(loaders.SYSTEM_START_YEAR, last),
                    states=majors if reference == "major" else None)
    c1 = dy["ccode1"].to_numpy(np.int64)
    c2 = dy["ccode2"].to_numpy(np.int64)
    yr = dy["year"].to_numpy(np.int64)
    sy = state_years(years=(loaders.SYSTEM_START_YEAR, last))
    sc = sy["ccode"].to_numpy(np.int64)
    syr = sy["year"].to_numpy(np.int64)
    if reference == "all":
        keep_d = np.ones(len(c1), dtype=bool)
        keep_s = np.ones(len(sc), dtype=bool)
    else:
        m1 = _source("major", c1, None, yr) == 1
        m2 = _source("major", c2, None, yr) == 1
        keep_s = _source("major", sc, None, syr) == 1
        if reference == "major":
            keep_d = m1 & m2
        else:
            cont = _carried("contiguity", c1, c2, yr, CONTIGUITY_LAST_YEAR, opts.carry_years)
            keep_d = m1 | m2 | (cont <= RELEVANT_CONTIGUITY)
    dyads = pd.DataFrame({"c1": c1[keep_d], "c2": c2[keep_d], "year": yr[keep_d]})
    states = pd.DataFrame({"c": sc[keep_s], "year": syr[keep_s]})
    return dyads, states


def build_reference(index: str = "cinc", options: ThreatOptions | Mapping[str, Any] | None = None,
                    ) -> ReferenceDistribution:
    """Compute the reference distribution (uncached; see :func:`reference_distribution`)."""
    idx = _check_index(index)
    opts = check_options(options)
    dyads, states = _reference_rows(opts.reference, opts)
    c1 = dyads["c1"].to_numpy(np.int64)
    c2 = dyads["c2"].to_numpy(np.int64)
    yr = dyads["year"].to_numpy(np.int64)
    p1 = _source("power", c1, None, yr, idx)
    p2 = _source("power", c2, None, yr, idx)
    with np.errstate(invalid="ignore", divide="ignore"):
        power = np.log(np.where((p1 > 0) & (p2 > 0), p1 / p2, np.nan))
    raw = _raw_pairs(c1[:, None], c2, yr, opts)
    dyad_vals = pd.DataFrame({"year": yr, "power": power, **_transform_pairs(raw, opts)})
    sc = states["c"].to_numpy(np.int64)
    state_vals = pd.DataFrame({"year": states["year"].to_numpy(np.int64),
                               **_growth(sc[:, None], states["year"].to_numpy(np.int64), opts)})
    what = {"relevant": "politically relevant directed dyad-years and major-power state-years",
            "major": "major-power directed dyad-years and major-power state-years",
            "all": "all directed dyad-years and all state-years"}[opts.reference]
    return ReferenceDistribution.from_values({"dyad": dyad_vals, "state": state_vals}, what)


@cache
def _reference_cached(index: str, opts: ThreatOptions) -> ReferenceDistribution:
    return build_reference(index, opts)


def reference_distribution(
    index: str = "cinc", options: ThreatOptions | Mapping[str, Any] | None = None
) -> ReferenceDistribution:
    """The reference distribution for ``index`` and ``options`` (built once per process)."""
    opts = check_options(options)
    # the standardisation settings do not change the reference rows: one build serves them all
    key = opts.model_copy(update={"reference_window": None, "min_reference": 30})
    return _reference_cached(_check_index(index), key)


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------
def _adversaries(c: Adversaries) -> list[str | int | State]:
    if isinstance(c, (str, int, np.integer, State)):
        return [int(c) if isinstance(c, np.integer) else c]
    cs = [int(x) if isinstance(x, np.integer) else x for x in c]
    if not cs:
        raise InputError("no adversary given", "name at least one state as c")
    return cs


def _grid(states: Sequence[State], bounds: tuple[int, int] | None, last_data: int
          ) -> np.ndarray:
    lo, hi = bounds if bounds is not None else (loaders.SYSTEM_START_YEAR, last_data)
    years = np.arange(lo, hi + 1)
    member = np.ones(len(years), dtype=bool)
    for s in states:
        member &= np.array([s.is_member(int(y)) for y in years], dtype=bool)
    out = years[member]
    if len(out) == 0:
        names = "; ".join(f"{s.abb} {s.membership()}" for s in states)
        raise InputError(f"{', '.join(s.abb for s in states)} were never system members "
                         f"together in {lo}–{hi}", f"memberships: {names}")
    return out


def _zscores(ind: Mapping[str, np.ndarray], year: np.ndarray, ref: ReferenceDistribution,
             opts: ThreatOptions, causal: bool) -> tuple[dict[str, np.ndarray],
                                                         dict[str, np.ndarray]]:
    """(indicator z columns, component z columns), per front."""
    z: dict[str, np.ndarray] = {}
    mom: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def zs(name: str, col: str) -> np.ndarray:
        if name not in mom:
            mom[name] = ref.moments(name, year, causal, opts.reference_window,
                                    opts.min_reference)
        mean, sd = mom[name]
        return (ind[col] - mean) / sd

    for name in STATE_INDICATORS:
        z[f"z_{name}"] = zs(name, name)
    for sfx in FRONTS:
        for name in DYAD_INDICATORS:
            z[f"z_{name}{sfx}"] = zs(name, f"{name}{sfx}")
    comp: dict[str, np.ndarray] = {}
    for sfx in FRONTS:
        for cname, names in INDICATORS.items():
            cols = [z[f"z_{n}"] if n in STATE_INDICATORS else z[f"z_{n}{sfx}"] for n in names]
            arr = np.stack(cols, axis=-1)
            n_ok = (~np.isnan(arr)).sum(axis=-1)
            with np.errstate(invalid="ignore"):
                comp[f"z_{cname}{sfx}"] = np.where(
                    n_ok > 0, np.nansum(arr, axis=-1) / np.maximum(n_ok, 1), np.nan)
    return z, comp


def _relative_like_for_like(z: Mapping[str, np.ndarray], pos: int, scale: float,
                            weights: ThreatWeights, sfx: str) -> np.ndarray:
    """Ar of one front: Σ_c w_c · mean over the indicators k of c present both in t and in the
    base year of (z_k(t) − z_k(t0)) / scale. Equals relative(Ar_level, pos, scale) wherever
    both years have every indicator (the combination is linear)."""
    diffs = []
    for cname in COMPONENTS:
        cols = [z[f"z_{k}"] if k in STATE_INDICATORS else z[f"z_{k}{sfx}"]
                for k in INDICATORS[cname]]
        d = relative(np.stack(cols), pos, scale)  # (indicators, years)
        n_ok = (~np.isnan(d)).sum(axis=0)
        with np.errstate(invalid="ignore"):
            diffs.append(np.where(n_ok > 0, np.nansum(d, axis=0) / np.maximum(n_ok, 1),
                                  np.nan))
    return combine_components(np.stack(diffs, axis=-1), weights)


def _missing_text(comp: Mapping[str, np.ndarray], z: Mapping[str, np.ndarray],
                  weights: ThreatWeights, sfx: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Per row: components NA (with positive weight) and indicators NA inside available ones."""
    n = len(next(iter(comp.values())))
    missing = [[] for _ in range(n)]  # type: list[list[str]]
    partial = [[] for _ in range(n)]  # type: list[list[str]]
    w = weights.as_array()
    for i, cname in enumerate(COMPONENTS):
        if w[i] <= 0:
            continue
        cna = np.isnan(comp[f"z_{cname}{sfx}"])
        for r in np.flatnonzero(cna):
            missing[r].append(cname)
        for name in INDICATORS[cname]:
            col = f"z_{name}" if name in STATE_INDICATORS else f"z_{name}{sfx}"
            for r in np.flatnonzero(np.isnan(z[col]) & ~cna):
                partial[r].append(name)
    return (np.array([", ".join(m) for m in missing], dtype=object),
            np.array([", ".join(p) for p in partial], dtype=object))


def _compute(states: Sequence[State], year: np.ndarray, index: str, opts: ThreatOptions,
             reference: ReferenceDistribution | None, causal: bool
             ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray],
                        ReferenceDistribution]:
    n = len(year)
    a = np.full(n, states[0].ccode, dtype=np.int64)
    b = np.full(n, states[1].ccode, dtype=np.int64)
    c = np.tile(np.array([s.ccode for s in states[2:]], dtype=np.int64), (n, 1))
    ref = reference if reference is not None else reference_distribution(index, opts)
    ind = _indicators(a, b, c, year, index, opts)
    z, comp = _zscores(ind, year, ref, opts, causal)
    return ind, z, comp, ref


def _prepare(a: Any, b: Any, c: Adversaries, years: Any, index: str,
             options: Any) -> tuple[list[State], tuple[int, int] | None, str, ThreatOptions,
                                    int]:
    idx = _check_index(index)
    states = resolve_states([int(x) if isinstance(x, np.integer) else x
                             for x in (a, b, *_adversaries(c))])
    bounds = _year_bounds(years)
    opts = check_options(options)
    last = int(_power_table(idx, {})[0]["year"].max())
    return states, bounds, idx, opts, last


def _config(states: Sequence[State], index: str, opts: ThreatOptions, causal: bool,
            ref: ReferenceDistribution) -> dict[str, Any]:
    return {"a": states[0].ccode, "b": states[1].ccode, "c": [s.ccode for s in states[2:]],
            "index": index, "causal": causal, "options": opts.model_dump(),
            "reference": ref.description}


def _datasets(index: str, opts: ThreatOptions) -> list[str]:
    from realpolitik.measures.power import _datasets as power_datasets

    geo = "capitals" if opts.distance == "capital" else "mindist"
    mids = {"gml": "gml_mid_ddy", "cow": "cow_mid_ddy"}[opts.mid_source]
    riv = {"tss": "tss_rivalries", "td": "td_rivalries"}[opts.rivalry_source]
    return sorted({*power_datasets(index, False), "nmc", "contdir", geo, mids, riv, "majors",
                   "states"})


def threat_components(
    a: str | int | State,
    b: str | int | State,
    c: Adversaries,
    years: int | Sequence[int] | None = None,
    index: str = "cinc",
    *,
    causal: bool = True,
    options: ThreatOptions | Mapping[str, Any] | None = None,
    reference: ReferenceDistribution | None = None,
) -> pd.DataFrame:
    """The threat indicators of C towards (A, B) by year, raw and standardised.

    Parameters
    ----------
    a, b:
        The tandem's partners. ``c``: the adversary, or a list of adversaries (a coalition,
        principal threat first; see the module docstring for how they are combined).
    years:
        One year or ``(first, last)``; default every year 1816–2022 (the power data's last
        year) in which all the states are system members. Years outside the membership of any
        of them are left out; years without data are kept with NA.
    index:
        Power index of the aggregate-power indicator (``cinc``, ``cline``, ``haushofer``).
    causal:
        Standardise each year on reference rows of years ≤ t (default) or on the whole record.
    options, reference:
        :class:`ThreatOptions` (or a mapping of them); a :class:`ReferenceDistribution` to use
        instead of the default one (e.g. a perturbed one in a test).

    Returns
    -------
    DataFrame, one row per year: ``year``; for each front suffix (``_A``: C→A, ``_B``: C→B,
    none: the pair) the indicator values ``power, distance, contiguity, disputes, rivalry``,
    the readable ``distance_km`` and ``mid_count`` (or ``mid_hostility``); C's
    ``milex_growth, milper_growth``; their z-scores ``z_<indicator>[_A|_B]``; the component
    z-scores ``z_power, z_proximity, z_offense, z_intentions`` per front; ``missing``
    (components NA in the pair's score) and ``partial`` (indicators NA inside available
    components). ``attrs``: provenance, ``index``, ``reference``.
    """
    states, bounds, idx, opts, last = _prepare(a, b, c, years, index, options)
    year = _grid(states, bounds, last)
    ind, z, comp, ref = _compute(states, year, idx, opts, reference, causal)
    missing, partial = _missing_text(comp, z, ThreatWeights())
    out = pd.DataFrame({"year": year.astype(np.int16), **ind, **z, **comp,
                        "missing": missing, "partial": partial})
    stamp(out, datasets=_datasets(idx, opts),
          config={"threat_components": _config(states, idx, opts, causal, ref)})
    out.attrs.update({"index": idx, "reference": ref.description,
                      "a": states[0].abb, "b": states[1].abb,
                      "c": [s.abb for s in states[2:]]})
    return out


@cites("walt1985", "walt1987", "boulding1962", "lemke2001", "singer1972", "stinnett2002",
       "gibler2016", "thompson2022", kind="measure", name="threat")
def threat(
    a: str | int | State,
    b: str | int | State,
    c: Adversaries,
    years: int | Sequence[int] | None = None,
    base: int | None = None,
    weights: ThreatWeights | Mapping[str, float] | None = None,
    index: str = "cinc",
    scale: float = 1.0,
    causal: bool = True,
    *,
    options: ThreatOptions | Mapping[str, Any] | None = None,
    reference: ReferenceDistribution | None = None,
) -> pd.DataFrame:
    """The adversary's offensive response Ar of C towards (A, B), empirical mode (DESIGN §3.3).

    Ar_level(t) = Σ_c w_c z_c(t) over Walt's four components (:func:`threat_components`,
    :func:`combine_components`), per front and for the pair; Ar(t) = (Ar_level(t) −
    Ar_level(t0)) / ``scale`` (:func:`relative`) with t0 = ``base``.

    ``base``: reference year t0 (Ar = 0 there); ``None``: the last year in ``years`` with a
    complete score. The base year need not lie inside ``years``. Other parameters as in
    :func:`threat_components`; ``weights`` a :class:`ThreatWeights` or a mapping (default:
    equal), ``scale`` s_A > 0 (default 1).

    Returns
    -------
    DataFrame ``year, ar_level, ar_level_A, ar_level_B, ar, ar_A, ar_B, missing, partial``:
    NA wherever a component with a positive weight is NA (``missing`` names those of the pair's
    score; ``partial`` names indicators missing inside the available components, whose z is
    then the mean of the others). ``attrs``: provenance, ``base``, ``weights``, ``scale``.

    Raises
    ------
    StateYearError
        The base year has no complete score (the message lists the years that do).
    InputError
        Bad weights, options, scale, years or states.
    """
    w = check_weights(weights)
    s = _check_scale(scale)
    if base is not None and (isinstance(base, bool) or not isinstance(base, (int, np.integer))):
        raise InputError(f"base year must be a whole number, not {base!r}", "e.g. base=2008")
    states, bounds, idx, opts, last = _prepare(a, b, c, years, index, options)
    year = _grid(states, bounds, last)
    extra = base is not None and int(base) not in set(year.tolist())
    if extra:
        if not all(st.is_member(int(base)) for st in states):  # type: ignore[arg-type]
            raise StateYearError(f"base year {base} is outside the system membership of "
                                 + ", ".join(st.abb for st in states),
                                 "; ".join(f"{st.abb} {st.membership()}" for st in states))
        calc = np.append(year, int(base))  # type: ignore[arg-type]
    else:
        calc = year
    _ind, z, comp, ref = _compute(states, calc, idx, opts, reference, causal)
    levels = {sfx: combine_components(np.stack([comp[f"z_{k}{sfx}"] for k in COMPONENTS],
                                               axis=-1), w) for sfx in FRONTS}
    ok = ~np.isnan(levels[""][: len(year)])
    if base is None:
        if not ok.any():
            raise StateYearError("no year has a complete threat score for "
                                 + ", ".join(st.abb for st in states),
                                 "see threat_components() for the missing components")
        base_year = int(year[ok][-1])
    else:
        base_year = int(base)
    pos = int(np.flatnonzero(calc == base_year)[0])
    if np.isnan(levels[""][pos]):
        from realpolitik.measures.gap import _ranges

        raise StateYearError(
            f"base year {base_year} has no complete threat score for "
            + ", ".join(st.abb for st in states),
            f"years with one: {_ranges(year[ok])}")
    missing, partial = _missing_text(comp, z, w)
    rel = {sfx: _relative_like_for_like(z, pos, s, w, sfx) for sfx in FRONTS}
    vs_base = np.isnan(rel[""]) & ~np.isnan(levels[""])
    missing = np.where(vs_base, "no indicator in common with the base year", missing)
    n = len(year)
    out = pd.DataFrame({
        "year": year.astype(np.int16),
        "ar_level": levels[""][:n],
        "ar_level_A": levels["_A"][:n],
        "ar_level_B": levels["_B"][:n],
        "ar": rel[""][:n],
        "ar_A": rel["_A"][:n],
        "ar_B": rel["_B"][:n],
        "missing": missing[:n],
        "partial": partial[:n],
    })
    stamp(out, datasets=_datasets(idx, opts), config={"threat": {
        **_config(states, idx, opts, causal, ref), "base": base_year,
        "weights": w.model_dump(), "scale": s}})
    out.attrs.update({"base": base_year, "index": idx, "weights": w.model_dump(), "scale": s,
                      "a": states[0].abb, "b": states[1].abb, "c": [st.abb for st in states[2:]],
                      "reference": ref.description})
    return out


def threat_for_cases(
    cases: Iterable[tuple[Any, Any, Adversaries, int]],
    weights: ThreatWeights | Mapping[str, float] | None = None,
    index: str = "cinc",
    causal: bool = True,
    *,
    options: ThreatOptions | Mapping[str, Any] | None = None,
    reference: ReferenceDistribution | None = None,
) -> pd.DataFrame:
    """Level-mode threat for many (a, b, adversaries, year) cases at once (for backtests).

    Each case is ``(a, b, c, year)`` with ``c`` one adversary or a list (principal first).
    Vectorised over the cases: one pass over the data for all of them. With ``causal=True``
    (default) a case's score uses only data of years ≤ its year.

    Returns one row per case, in order: ``case`` (position), ``a, b, c`` (abbreviations, c
    joined by ``;``), ``year``, ``ar_level, ar_level_A, ar_level_B``, the component z-scores
    ``z_<component>[_A|_B]``, ``missing``, ``partial``.
    """
    w = check_weights(weights)
    idx = _check_index(index)
    opts = check_options(options)
    rows: list[tuple[State, State, list[State], int]] = []
    for i, case in enumerate(cases):
        try:
            ca, cb, cc, cy = case
        except (TypeError, ValueError) as exc:
            raise InputError(f"case {i} is not (a, b, c, year): {case!r}") from exc
        if isinstance(cy, bool) or not isinstance(cy, (int, np.integer)):
            raise InputError(f"case {i}: year must be a whole number, not {cy!r}")
        st = resolve_states([int(x) if isinstance(x, np.integer) else x
                             for x in (ca, cb, *_adversaries(cc))])
        rows.append((st[0], st[1], st[2:], int(cy)))
    if not rows:
        raise InputError("no cases given", "pass a list of (a, b, c, year)")
    k = max(len(r[2]) for r in rows)
    a = np.array([r[0].ccode for r in rows], dtype=np.int64)
    b = np.array([r[1].ccode for r in rows], dtype=np.int64)
    c = np.full((len(rows), k), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        c[i, : len(r[2])] = [s.ccode for s in r[2]]
    year = np.array([r[3] for r in rows], dtype=np.int64)
    ref = reference if reference is not None else reference_distribution(idx, opts)
    ind = _indicators(a, b, c, year, idx, opts)
    z, comp = _zscores(ind, year, ref, opts, causal)
    levels = {sfx: combine_components(np.stack([comp[f"z_{k}{sfx}"] for k in COMPONENTS],
                                               axis=-1), w) for sfx in FRONTS}
    missing, partial = _missing_text(comp, z, w)
    out = pd.DataFrame({
        "case": np.arange(len(rows)),
        "a": [r[0].abb for r in rows], "b": [r[1].abb for r in rows],
        "c": [";".join(s.abb for s in r[2]) for r in rows],
        "year": year.astype(np.int16),
        "ar_level": levels[""], "ar_level_A": levels["_A"], "ar_level_B": levels["_B"],
        **{f"z_{cname}{sfx}": comp[f"z_{cname}{sfx}"] for sfx in FRONTS for cname in COMPONENTS},
        "missing": missing, "partial": partial,
    })
    stamp(out, datasets=_datasets(idx, opts), config={"threat_for_cases": {
        "index": idx, "causal": causal, "options": opts.model_dump(), "weights": w.model_dump(),
        "reference": ref.description, "n_cases": len(rows)}})
    out.attrs.update({"index": idx, "weights": w.model_dump(), "reference": ref.description})
    return out
