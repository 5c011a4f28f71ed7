"""Inputs of Beaufre's strategy formula for a triad and a year, from the bundled data (§4.2).

:func:`force_shares` measures F, each actor's share of the triad's material force per domain;
:func:`strategy_table` adds Ψ (from the expert table), τ and k, computes log S, the tandem's
ratio (S_A + S_B)/S_C per domain and overall, and Beaufre's pattern for the tandem against the
adversary. The arithmetic lives in :mod:`realpolitik.models.strategy`; this module only
gathers data and calls it.

**F per domain** is the mean, over the domain's indicators, of each actor's share of the
triad's total of the indicator, so the three shares of a domain sum to 1. An indicator is used
only if all three actors have a value in one year within ``max_lag`` years before ``year`` (the
latest such year; ``data_year`` says which) and the total is positive; otherwise it is left
out of the mean for all three (never counted as 0). Default indicators (:data:`INDICATORS`):

* military — ``milex``: military expenditure, SIPRI constant 2022 US$ (1949–2023), else NMC
  current US$; ``milper``: military personnel (NMC, to 2022).
* economic — ``gdp``: real GDP, Maddison 2023 (2011 int. $, to 2022), else Fariss et al.
  ``pwtrgdp`` (to 2019); ``energy``: primary energy consumption (NMC ``pec``, to 2022).
* diplomatic — ``un_following``: UN members whose UNGA ideal point (Bailey, Strezhnev &
  Voeten, free-preference, 1946–2024) is nearest to the actor's among the three (the actor's
  voting bloc; ties split, the three themselves left out); ``allies``: number of states with
  any ATOP v5.1 obligation toward the actor (to 2018, so later years need ``max_lag``).
  Optional: ``un_agreement`` (mean three-category UNGA vote agreement with every other member,
  to 2019) and ``vetoes`` (UNSC vetoes cast in the ten years to the year, 1946–2022).
* informational — nothing in the bundled data measures it: the shares are the user's
  ``informational=`` (normalised to sum 1) or, by default, 1/3 each, flagged
  ``assumed`` in the output.

>>> from realpolitik.measures.strategy_inputs import strategy_table
>>> t = strategy_table("CHN", "RUS", "USA", 2020)
>>> t.groupby("domain", sort=False)["F"].sum().round(6).tolist()
[1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_states
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.measures.power import INDICES, NEUTRAL, expert_scores, power
from realpolitik.measures.unvotes import un_agreement_table
from realpolitik.models.strategy import (
    DOMAINS,
    PatternThresholds,
    beaufre_pattern,
    domain_weights,
    psi_from_scores,
    strategy_score,
    tandem_ratio,
    thresholds_dict,
)

#: Roles of the triad, in row order.
ROLES: tuple[str, ...] = ("a", "b", "c")
#: Measures of Beaufre's "means" for the pattern (``index=``): the tandem's military force
#: ratio, its k-weighted force ratio over all domains, or a power index of
#: :mod:`realpolitik.measures.power`.
MEANS_INDICES: tuple[str, ...] = ("military", "forces", *INDICES)
#: Default stakes and freedom of action of the tandem against the adversary (assumptions).
DEFAULT_STAKES = 0.75
DEFAULT_FREEDOM = 0.25
#: Years an indicator may lag behind the requested year (e.g. ATOP ends in 2018).
DEFAULT_MAX_LAG = 3
#: Window of the ``vetoes`` indicator, years (ending with the data year).
VETO_WINDOW = 10


@dataclass(frozen=True)
class _Obs:
    """One indicator for the three actors: values, data year, source, data sets used."""

    values: np.ndarray
    data_year: int | None
    source: str
    datasets: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    """A measured proxy of one domain's material force."""

    name: str
    domain: str
    unit: str
    description: str
    measure: Callable[[list[int], int, int], _Obs]


def _none(source: str, datasets: tuple[str, ...] = ()) -> _Obs:
    return _Obs(np.full(3, np.nan), None, source, datasets)


def _latest_common(table: pd.DataFrame, column: str, codes: list[int], year: int,
                   max_lag: int) -> tuple[np.ndarray, int | None]:
    """Values of ``column`` for ``codes`` in the latest year in [year − max_lag, year] in which
    all of them have a value (NaN and None if there is none)."""
    sub = table.loc[table["ccode"].isin(codes) & table["year"].between(year - max_lag, year),
                    ["ccode", "year", column]]
    wide = sub.pivot_table(index="year", columns="ccode", values=column, aggfunc="first")
    wide = wide.reindex(columns=codes).astype(float).dropna()
    if wide.empty:
        return np.full(len(codes), np.nan), None
    last = int(wide.index.max())
    return wide.loc[last].to_numpy(float), last


def _first_source(codes: list[int], year: int, max_lag: int,
                  sources: Sequence[tuple[str, str, Callable[[], pd.DataFrame], str]]) -> _Obs:
    """The first of ``(label, dataset, loader, column)`` with a common year for all three."""
    for label, dataset, load, column in sources:
        try:
            table = load()
        except (RealpolitikError, OSError, KeyError, ValueError):
            continue
        values, data_year = _latest_common(table, column, codes, year, max_lag)
        if data_year is not None:
            return _Obs(values, data_year, label, (dataset,))
    return _none("no data", tuple(d for _, d, _, _ in sources))


def _milex(codes: list[int], year: int, max_lag: int) -> _Obs:
    return _first_source(codes, year, max_lag, (
        ("SIPRI constant 2022 US$", "sipri_milex", loaders.sipri_milex, "milex_const2022_usd_m"),
        ("NMC milex, current US$", "nmc", loaders.nmc, "milex"),
    ))


def _milper(codes: list[int], year: int, max_lag: int) -> _Obs:
    return _first_source(codes, year, max_lag, (("NMC milper", "nmc", loaders.nmc, "milper"),))


def _gdp(codes: list[int], year: int, max_lag: int) -> _Obs:
    return _first_source(codes, year, max_lag, (
        ("Maddison 2023 GDP, 2011 int. $", "maddison", loaders.maddison, "gdp"),
        ("Fariss et al. pwtrgdp, 2017 int. $", "gdppop", loaders.gdppop, "pwtrgdp"),
    ))


def _energy(codes: list[int], year: int, max_lag: int) -> _Obs:
    return _first_source(codes, year, max_lag, (("NMC pec", "nmc", loaders.nmc, "pec"),))


def _un_following(codes: list[int], year: int, max_lag: int) -> _Obs:
    ds = ("idealpoints",)
    ip = loaders.idealpoints()
    values, data_year = _latest_common(ip, "idealpointfp", codes, year, max_lag)
    if data_year is None:
        return _none("no data", ds)
    that = ip.loc[(ip["year"] == data_year) & ~ip["ccode"].isin(codes), "idealpointfp"]
    others = that.dropna().to_numpy(float)
    dist = np.abs(others[:, None] - values[None, :])  # members × 3
    nearest = dist == dist.min(axis=1, keepdims=True)
    counts = (nearest / nearest.sum(axis=1, keepdims=True)).sum(axis=0)
    return _Obs(counts, data_year, "UNGA ideal points (fp), nearest-bloc count", ds)


def _allies(codes: list[int], year: int, max_lag: int) -> _Obs:
    ds = ("atop_ddy",)
    last = min(year, loaders.ATOP_LAST_YEAR)
    if year - last > max_lag:
        return _none(f"no data (ATOP ends {loaders.ATOP_LAST_YEAR})", ds)
    a = loaders.atop_ddy()
    a = a[(a["year"] == last) & a["ccode1"].isin(codes)]
    n = a.groupby("ccode1")["ccode2"].nunique()
    return _Obs(n.reindex(codes).fillna(0).to_numpy(float), last,
                "ATOP v5.1, partners with any obligation", ds)


def _un_agreement(codes: list[int], year: int, max_lag: int) -> _Obs:
    ds = ("un_votes", "un_roll_calls")
    t = un_agreement_table((year - max_lag, year))
    rows = []
    for c in codes:
        mine = t[(t["ccode1"] == c) | (t["ccode2"] == c)]
        rows.append(mine.groupby("year")["un_agree3"].mean().rename(c))
    wide = pd.concat(rows, axis=1).reindex(columns=codes).dropna()
    if wide.empty:
        return _none("no data (UN votes end 2019)", ds)
    last = int(wide.index.max())
    return _Obs(wide.loc[last].to_numpy(float), last,
                "UNGA mean vote agreement (3-category) with all members", ds)


#: UNSC veto columns → COW codes (China: 710 before 1950 and from 1971, 713 for 1950–1971).
_VETO_COLUMNS = {"USA": 2, "UK": 200, "France": 220, "USSR": 365, "Russia": 365}


def _vetoes(codes: list[int], year: int, max_lag: int) -> _Obs:
    ds = ("unsc_vetoes",)
    v = loaders.unsc_vetoes()
    last = min(year, int(v["year"].max()))
    if year - last > max_lag or last < int(v["year"].min()):
        return _none("no data (vetoes 1946–2022)", ds)
    w = v[v["year"].between(last - VETO_WINDOW + 1, last)]
    counts = dict.fromkeys(codes, 0.0)
    for col, cc in _VETO_COLUMNS.items():
        if cc in counts:
            counts[cc] += float(w[col].sum())
    china = w["China"].to_numpy() > 0
    roc = (w["date"] >= pd.Timestamp(1950, 1, 1)) & (w["date"] < pd.Timestamp(1971, 10, 25))
    for cc, mask in ((710, china & ~roc.to_numpy()), (713, china & roc.to_numpy())):
        if cc in counts:
            counts[cc] += float(mask.sum())
    return _Obs(np.array([counts[c] for c in codes]), last,
                f"UNSC vetoes cast in {VETO_WINDOW} years", ds)


#: Every indicator a domain can use, by name.
INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("milex", "military", "US$ (SIPRI constant 2022, else NMC current)",
              "military expenditure", _milex),
    Indicator("milper", "military", "thousands", "military personnel (NMC)", _milper),
    Indicator("gdp", "economic", "int. $ (Maddison 2011, else Fariss 2017)", "real GDP", _gdp),
    Indicator("energy", "economic", "thousand coal-ton equivalents",
              "primary energy consumption (NMC)", _energy),
    Indicator("un_following", "diplomatic", "UN members",
              "UN members whose ideal point is nearest the actor's", _un_following),
    Indicator("allies", "diplomatic", "states", "states with an ATOP obligation", _allies),
    Indicator("un_agreement", "diplomatic", "share of votes",
              "mean UNGA vote agreement with all members", _un_agreement),
    Indicator("vetoes", "diplomatic", "vetoes", f"UNSC vetoes in {VETO_WINDOW} years", _vetoes),
)}

#: Indicators used per domain unless ``indicators=`` says otherwise.
DEFAULT_INDICATORS: dict[str, tuple[str, ...]] = {
    "military": ("milex", "milper"),
    "economic": ("gdp", "energy"),
    "diplomatic": ("un_following", "allies"),
    "informational": (),
}


# --------------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------------
def _triad(a: Any, b: Any, c: Any, year: Any) -> tuple[list[State], int]:
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"year must be a whole number, not {year!r}", "e.g. year=2020")
    y = int(year)
    if not loaders.SYSTEM_START_YEAR <= y <= loaders.SYSTEM_END_YEAR:
        raise InputError(f"year {y} is outside {loaders.SYSTEM_START_YEAR}–"
                         f"{loaders.SYSTEM_END_YEAR}", "the state system is covered 1816–2024")
    return resolve_states([a, b, c], y), y


def _check_lag(max_lag: Any) -> int:
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or not (
            0 <= max_lag <= 50):
        raise InputError(f"max_lag={max_lag!r} is not a whole number of years in 0-50",
                         "e.g. max_lag=3 (0: only the year itself)")
    return int(max_lag)


def _check_indicators(indicators: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    out = dict(DEFAULT_INDICATORS)
    if indicators is None:
        return out
    if not isinstance(indicators, Mapping):
        raise InputError("indicators must be a mapping domain -> indicator names",
                         "e.g. {'diplomatic': ('un_following', 'vetoes')}")
    for domain, names in indicators.items():
        if domain not in DOMAINS:
            raise InputError(f"indicators name unknown domain {domain!r}",
                             "domains are " + ", ".join(DOMAINS))
        names = (names,) if isinstance(names, str) else tuple(names)
        for n in names:
            if n not in INDICATORS:
                raise InputError(f"unknown indicator {n!r} for domain {domain!r}",
                                 "indicators are " + ", ".join(INDICATORS))
            if INDICATORS[n].domain != domain:
                raise InputError(f"indicator {n!r} measures the {INDICATORS[n].domain} domain, "
                                 f"not {domain}", f"use it under {INDICATORS[n].domain!r}")
        out[domain] = names
    return out


def _per_actor(value: Any, name: str, states: list[State], default: float) -> list[float | None]:
    """One value per role from None (→ ``default``), a number, three numbers, or a mapping
    keyed by role (``"a"``) or by any name of the state. Unnamed actors get ``default``."""
    if value is None:
        return [default] * 3
    if isinstance(value, Mapping):
        out: list[float | None] = [default] * 3
        codes = [s.ccode for s in states]
        for key, v in value.items():
            if isinstance(key, str) and key.lower() in ROLES:
                i = ROLES.index(key.lower())
            else:
                try:
                    cc = resolve_states([key])[0].ccode
                except RealpolitikError as exc:
                    raise InputError(f"{name}: {key!r} is not one of the triad", str(exc)) from exc
                if cc not in codes:
                    raise InputError(f"{name}: {key!r} is not one of the triad",
                                     "key by role ('a', 'b', 'c') or by the states' names")
                i = codes.index(cc)
            out[i] = v
        return out
    if isinstance(value, (str, bytes)):
        raise InputError(f"{name} must be a number, three numbers or a mapping, not {value!r}")
    if isinstance(value, Sequence) or isinstance(value, np.ndarray):
        vals = list(value)
        if len(vals) != 3:
            raise InputError(f"{name} has {len(vals)} values, expected 3 (a, b, c)",
                             "give one value, three values or a mapping by role")
        return vals
    return [value] * 3


def _informational(value: Any, states: list[State]) -> tuple[np.ndarray, str]:
    if value is None:
        return np.full(3, 1.0 / 3.0), "assumed equal (no measured indicator)"
    raw = _per_actor(value, "informational", states, math.nan)
    try:
        vals = np.array([float(v) for v in raw])  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"informational shares {value!r} are not numbers",
                         "give three numbers >= 0, e.g. (0.3, 0.2, 0.5)") from exc
    if np.isnan(vals).any():
        raise InputError("informational shares must name all three actors",
                         "give three numbers or a mapping with a, b and c")
    if not (np.isfinite(vals).all() and (vals >= 0).all() and vals.sum() > 0):
        raise InputError(f"informational shares {vals.tolist()} must be >= 0 and not all 0",
                         "they are normalised to sum 1")
    return vals / vals.sum(), "user"


# --------------------------------------------------------------------------------------------
# F: shares of material force
# --------------------------------------------------------------------------------------------
def _shares(values: np.ndarray) -> np.ndarray:
    total = values.sum()
    if not (np.isfinite(values).all() and total > 0):
        return np.full(3, np.nan)
    return values / total


def _force_long(states: list[State], year: int, indicators: dict[str, tuple[str, ...]],
                informational: Any, max_lag: int) -> tuple[pd.DataFrame, list[str]]:
    codes = [s.ccode for s in states]
    rows: list[dict[str, Any]] = []
    datasets: list[str] = []
    for domain in DOMAINS:
        if domain == "informational" and not indicators[domain]:
            shares, source = _informational(informational, states)
            for role, st, sh in zip(ROLES, states, shares, strict=True):
                rows.append({"role": role, "ccode": st.ccode, "stateabb": st.abb,
                             "domain": domain, "indicator": "informational", "value": sh,
                             "unit": "share", "share": sh, "data_year": pd.NA,
                             "source": source, "used": True})
            continue
        for name in indicators[domain]:
            ind = INDICATORS[name]
            obs = ind.measure(codes, year, max_lag)
            datasets.extend(obs.datasets if obs.data_year is not None else ())
            shares = _shares(obs.values)
            used = bool(np.isfinite(shares).all())
            for role, st, v, sh in zip(ROLES, states, obs.values, shares, strict=True):
                rows.append({"role": role, "ccode": st.ccode, "stateabb": st.abb,
                             "domain": domain, "indicator": name, "value": v, "unit": ind.unit,
                             "share": sh, "data_year": obs.data_year, "source": obs.source,
                             "used": used})
    out = pd.DataFrame(rows)
    out["data_year"] = out["data_year"].astype("Int16")
    return out, sorted(set(datasets))


def force_shares(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    year: int,
    *,
    indicators: Mapping[str, Sequence[str]] | None = None,
    informational: Any = None,
    max_lag: int = DEFAULT_MAX_LAG,
) -> pd.DataFrame:
    """Each actor's share of the triad's material force, per domain indicator (long table).

    One row per actor (roles ``a, b, c``) and indicator: ``role, ccode, stateabb, domain,
    indicator, value`` (in ``unit``), ``share`` (value / the triad's total, NaN if the indicator
    is unusable), ``data_year`` (the year the values come from, ≤ ``year``), ``source`` and
    ``used`` (all three actors have a value and the total is positive). ``indicators`` maps a
    domain to indicator names (:data:`INDICATORS`; default :data:`DEFAULT_INDICATORS`);
    ``informational`` gives the informational shares (three numbers or a mapping by role or
    state, normalised to sum 1; default 1/3 each, ``source`` "assumed equal"); ``max_lag``
    is the number of years an indicator may lag behind ``year``. Provenance in ``attrs``.

    >>> f = force_shares("CHN", "RUS", "USA", 2020)
    >>> f.loc[f["indicator"] == "milex", ["stateabb", "share"]].round(3).to_numpy().tolist()
    [['CHN', 0.222], ['RUS', 0.063], ['USA', 0.715]]
    """
    states, y = _triad(a, b, c, year)
    lag = _check_lag(max_lag)
    ind = _check_indicators(indicators)
    out, datasets = _force_long(states, y, ind, informational, lag)
    return stamp(out, datasets=datasets, config={
        "triad": [s.ccode for s in states], "year": y, "indicators": ind, "max_lag": lag,
        "informational": "assumed equal" if informational is None else str(informational)})


def _domain_f(long: pd.DataFrame) -> pd.DataFrame:
    """F per role and domain: mean share over the used indicators (NaN if none)."""
    used = long[long["used"]]
    f = used.groupby(["role", "domain"])["share"].mean()
    n = used.groupby(["role", "domain"])["indicator"].count()
    when = used["data_year"].astype("string").fillna(
        used["source"].where(used["source"] == "user", "assumed"))
    desc = used.assign(text=used["indicator"] + " (" + when + ")").groupby(
        ["role", "domain"])["text"].agg(", ".join)
    idx = pd.MultiIndex.from_product([ROLES, DOMAINS], names=["role", "domain"])
    return pd.DataFrame({"F": f.reindex(idx), "n_indicators": n.reindex(idx).fillna(0)
                         .astype(int), "indicators": desc.reindex(idx).fillna("")})


# --------------------------------------------------------------------------------------------
# Ψ, the means ratio, the table
# --------------------------------------------------------------------------------------------
def _expert_score(table: pd.DataFrame, criterion: str, ccode: int, year: int) -> float:
    row = table[(table["criterion"] == criterion) & (table["ccode"] == ccode)
                & (table["first_year"] <= year) & (table["last_year"] >= year)]
    return float(row["score"].iloc[0]) if len(row) else math.nan


def _means_ratios(states: list[State], year: int, f: pd.DataFrame, k: np.ndarray
                  ) -> tuple[dict[str, float], list[str]]:
    """Means ratio of the tandem to the adversary under every measure of MEANS_INDICES."""
    out: dict[str, float] = {}
    fm = f["F"].unstack("domain").reindex(index=list(ROLES), columns=list(DOMAINS))
    mil = fm["military"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["military"] = float((mil[0] + mil[1]) / mil[2])
        weighted = np.nansum(fm.to_numpy(float) * k, axis=1)  # unmeasured domains left out
        w_ok = (np.isfinite(fm.to_numpy(float)) * k).sum(axis=1) > 0
        out["forces"] = float((weighted[0] + weighted[1]) / weighted[2]) if w_ok.all() else (
            math.nan)
    datasets: list[str] = []
    for ix in INDICES:
        try:
            p = power([s.ccode for s in states], year, index=ix)
        except RealpolitikError:
            out[ix] = math.nan
            continue
        vals = p.set_index("ccode")["power"].reindex([s.ccode for s in states]).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[ix] = float((vals[0] + vals[1]) / vals[2])
        datasets.extend(p.attrs.get("provenance", {}).get("data", {}))
    return out, datasets


def strategy_table(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    year: int,
    index: str = "military",
    k: Mapping[str, float] | Sequence[float] | None = None,
    tau: Any = None,
    *,
    psi: Any = None,
    information: Any = None,
    informational: Any = None,
    indicators: Mapping[str, Sequence[str]] | None = None,
    synergy: float = 0.0,
    stakes: float = DEFAULT_STAKES,
    freedom: float = DEFAULT_FREEDOM,
    thresholds: PatternThresholds | None = None,
    max_lag: int = DEFAULT_MAX_LAG,
) -> pd.DataFrame:
    """Beaufre's S per actor and domain for the triad (a, b, c) in ``year``, with the tandem's
    ratio and Beaufre's pattern.

    Parameters
    ----------
    a, b, c:
        The tandem's partners and the adversary (any name or code a state accepts); each must
        be a system member in ``year``.
    index:
        The measure of Beaufre's *means* for the pattern: ``"military"`` (default: the
        tandem's military force ratio (F_A + F_B)/F_C — Beaufre's direct threat and violent
        conflict turn on military means), ``"forces"`` (k-weighted over all domains) or a
        power index ``"cinc"``, ``"cline"``, ``"haushofer"`` ((P_A + P_B)/P_C). All five are
        reported in ``attrs["strategy"]["means_ratios"]`` (the spread).
    k:
        Domain weights k_d ≥ 0: mapping domain → weight (missing → 0) or four numbers in
        :data:`~realpolitik.models.strategy.DOMAINS` order; default 1/4 each.
    tau:
        τ = time available / time required, > 0, per actor (one number, three, or a mapping by
        role or state); default 1.
    psi:
        Override Ψ ∈ (0, 2] per actor (same forms as ``tau``); default from the expert table:
        :func:`~realpolitik.models.strategy.psi_from_scores` of the ideology and leader scores
        (0.5 each where the table has none, ``psi_source`` "neutral default").
    information:
        Information effect on Ψ per actor (log-shift, see ``psi_from_scores``); default 0.
    informational, indicators, max_lag:
        As in :func:`force_shares`.
    synergy:
        Cooperation surplus of the tandem, > −1 (DESIGN §4.3); default 0.
    stakes, freedom:
        Stakes in [0, 1] and freedom of action in [0, 1] of the tandem against the adversary
        for the pattern — assumptions, not data (defaults 0.75 "important", 0.25 "limited":
        nuclear deterrence constrains both sides).
    thresholds:
        :class:`~realpolitik.models.strategy.PatternThresholds` of the pattern table.

    Returns
    -------
    DataFrame, 12 rows (roles a, b, c × the four domains): ``year, role, ccode, stateabb,
    domain, F, n_indicators, indicators`` (names and data years; "assumed" for default
    informational shares), ``F_assumed``, ``ideology, leader, information, psi, psi_source,
    tau, k, log_S``, ``tandem_ratio`` ((S_A + S_B)(1 + synergy)/S_C of the row's domain),
    ``tandem_ratio_overall`` (over all domains), ``means_ratio`` and ``pattern`` (the tandem
    against the adversary; the same on every row). ``attrs["strategy"]`` holds the ratios per
    domain, the means ratios under every measure, stakes, freedom and thresholds;
    ``attrs["provenance"]`` the data versions and configuration.
    """
    states, y = _triad(a, b, c, year)
    if not isinstance(index, str) or index.lower() not in MEANS_INDICES:
        raise InputError(f"unknown means index {index!r}",
                         "choose one of " + ", ".join(MEANS_INDICES))
    index = index.lower()
    lag = _check_lag(max_lag)
    ind = _check_indicators(indicators)
    kd = domain_weights(k)
    long, datasets = _force_long(states, y, ind, informational, lag)
    f = _domain_f(long)

    taus = np.array(_per_actor(tau, "tau", states, 1.0), dtype=object)
    infos = _per_actor(information, "information", states, 0.0)
    expert = expert_scores()
    ideology = np.array([_expert_score(expert, "ideology", s.ccode, y) for s in states])
    leader = np.array([_expert_score(expert, "leader", s.ccode, y) for s in states])
    measured = ~np.isnan(ideology) & ~np.isnan(leader)
    ideology_used = np.where(np.isnan(ideology), NEUTRAL, ideology)
    leader_used = np.where(np.isnan(leader), NEUTRAL, leader)
    try:
        info_arr = np.array(infos, dtype=float)
        tau_arr = np.array(taus, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError("tau and information must be numbers", "e.g. tau={'a': 0.8}") from exc
    psi_arr = np.asarray(psi_from_scores(ideology_used, leader_used, info_arr), dtype=float)
    psi_source = np.where(measured, "expert", "neutral default").astype(object)
    if psi is not None:
        override = _per_actor(psi, "psi", states, math.nan)
        try:
            over = np.array(override, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"psi {psi!r} is not numbers", "Ψ is in (0, 2], 1 = normal") from exc
        given = ~np.isnan(over)
        psi_arr = np.where(given, over, psi_arr)
        psi_source[given] = "user"

    fm = f["F"].unstack("domain").reindex(index=list(ROLES), columns=list(DOMAINS))
    log_s = np.asarray(strategy_score(fm.to_numpy(float), psi_arr[:, None], tau_arr[:, None],
                                      kd[None, :]), dtype=float)  # 3 × 4
    ratio = tandem_ratio(log_s[0], log_s[1], log_s[2], synergy=synergy)
    per_domain = np.asarray(ratio.per_domain, dtype=float)
    overall = float(np.asarray(ratio.overall))

    means, power_datasets = _means_ratios(states, y, f, kd)
    means_ratio = means[index]
    pattern = beaufre_pattern(means_ratio, stakes, freedom, thresholds)

    roles = np.repeat(np.arange(3), len(DOMAINS))
    doms = np.tile(np.arange(len(DOMAINS)), 3)
    out = pd.DataFrame({
        "year": np.full(len(roles), y, dtype=np.int16),
        "role": [ROLES[i] for i in roles],
        "ccode": np.array([states[i].ccode for i in roles], dtype=np.int16),
        "stateabb": [states[i].abb for i in roles],
        "domain": [DOMAINS[d] for d in doms],
        "F": fm.to_numpy(float).ravel(),
        "n_indicators": f["n_indicators"].to_numpy(),
        "indicators": f["indicators"].to_numpy(),
        "F_assumed": [DOMAINS[d] == "informational" and informational is None
                      and not ind["informational"] for d in doms],
        "ideology": ideology[roles],
        "leader": leader[roles],
        "information": info_arr[roles],
        "psi": psi_arr[roles],
        "psi_source": psi_source[roles],
        "tau": tau_arr[roles],
        "k": kd[doms],
        "log_S": log_s.ravel(),
        "tandem_ratio": per_domain[doms],
        "tandem_ratio_overall": np.full(len(roles), overall),
        "means_ratio": np.full(len(roles), means_ratio),
        "pattern": [pattern] * len(roles),
    })
    th = thresholds_dict(thresholds)
    out.attrs["strategy"] = {
        "tandem": [states[0].abb, states[1].abb], "adversary": states[2].abb, "year": y,
        "tandem_ratio": {**dict(zip(DOMAINS, per_domain.tolist(), strict=True)),
                         "overall": overall},
        "means_index": index, "means_ratio": means_ratio, "means_ratios": means,
        "patterns": {ix: beaufre_pattern(v, stakes, freedom, thresholds)
                     if np.isfinite(v) else None for ix, v in means.items()},
        "pattern": pattern, "stakes": stakes, "freedom": freedom, "thresholds": th,
        "synergy": synergy,
    }
    used = sorted(set(datasets) | set(power_datasets))
    return stamp(out, datasets=used, config={
        "model": "beaufre_strategy", "triad": [s.ccode for s in states], "year": y,
        "means_index": index, "k": kd.tolist(), "tau": tau_arr.tolist(),
        "psi": "expert" if psi is None else str(psi), "expert_table": "expert_scores.csv",
        "information": info_arr.tolist(),
        "informational": "assumed equal" if informational is None else str(informational),
        "indicators": ind, "max_lag": lag, "synergy": synergy, "stakes": stakes,
        "freedom": freedom, "thresholds": th})
