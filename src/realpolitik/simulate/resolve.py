"""Turn a :class:`~realpolitik.simulate.scenario.Scenario` into the numbers the engine runs on.

Resolution reads the bundled data (this is the only step of a forecast that does): the reference
year t0, each actor's log power at t0 under the scenario's index, drifts and volatilities
estimated over ``growth.window`` where the scenario leaves them ``null``, the regions table, the
region map, and Beaufre's Ψ of each actor at t0. The engine itself never reads a file.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from realpolitik._version import __version__
from realpolitik.data.provenance import data_versions
from realpolitik.data.states import resolve_states
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.models.leeway import LeewayParams, Regions
from realpolitik.models.plane import RegionMap, region_map
from realpolitik.simulate.scenario import Scenario

#: Year-on-year changes left out of growth estimates when ``growth.exclude_breaks`` is on:
#: index → years t whose change from t−1 crosses a source break.
BREAKS: dict[str, tuple[int, ...]] = {"cinc": (2017,), "cline": (), "haushofer": (2017,)}


@dataclass(frozen=True, eq=False)
class Resolved:
    """Everything the engine needs, as plain numbers (no data access after this point)."""

    scenario: Scenario
    t0: int
    years: np.ndarray
    names: tuple[str, str, str]
    ccodes: tuple[int, int, int]
    x0: np.ndarray  # (3,) log power at t0 (A, B, C)
    drift: np.ndarray  # (3,)
    volatility: np.ndarray  # (3,)
    estimated: dict[str, dict[str, bool]]
    policy: np.ndarray  # (T+1,) policy path in Ar units per year, 0 at t0
    region_map: RegionMap
    leeway: LeewayParams
    regions: Regions
    psi: np.ndarray  # (3,)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def n_years(self) -> int:
        return len(self.years)


def _power_series(index: str, ccodes: tuple[int, int, int]) -> pd.DataFrame:
    from realpolitik.measures.power import power_table

    table = power_table(index)
    sub = table[table["ccode"].isin(ccodes)][["ccode", "year", "power"]]
    return sub.pivot(index="year", columns="ccode", values="power")[list(ccodes)]


def estimate_growth(log_power: pd.DataFrame, window: tuple[int, int],
                    exclude: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof=1) of yearly log-power changes over ``window``.

    ``log_power`` has one column per actor, years as index. Changes ending in a year of
    ``exclude`` (source breaks) are left out, and so are changes with a missing end.
    Returns (drift, volatility, number of changes used), each of shape (n_actors,).
    """
    lo, hi = window
    sub = log_power.loc[(log_power.index >= lo) & (log_power.index <= hi)].sort_index()
    diffs = sub.diff()
    consecutive = pd.Series(sub.index, index=sub.index).diff() == 1
    diffs = diffs[consecutive.to_numpy() & ~np.isin(sub.index, exclude)]
    n = diffs.notna().sum().to_numpy()
    return diffs.mean().to_numpy(float), diffs.std(ddof=1).to_numpy(float), n


def policy_path(path: dict[int, float], t0: int, horizon: int) -> np.ndarray:
    """Policy intensity per year t0..horizon: 0 at t0, linear between the given years, held
    after the last one (values before the first given year interpolate from 0 at t0)."""
    years = np.arange(t0, horizon + 1)
    if not path:
        return np.zeros(len(years))
    xs = np.array([t0, *path.keys()], dtype=float)
    ys = np.array([0.0, *path.values()], dtype=float)
    return np.interp(years, xs, ys)


def resolve(scenario: Scenario) -> Resolved:
    """Resolve a scenario against the bundled data (see the module docstring)."""
    states = resolve_states([*scenario.tandem, scenario.adversary])
    ccodes = (states[0].ccode, states[1].ccode, states[2].ccode)
    names = (states[0].abb, states[1].abb, states[2].abb)
    series = _power_series(scenario.index, ccodes)
    complete = series.dropna()
    if complete.empty:
        raise InputError(f"no year has {scenario.index} power data for all of "
                         f"{', '.join(names)}", "choose other states or another index")
    latest = int(complete.index.max())
    t0 = scenario.t0 if scenario.t0 is not None else latest
    if t0 not in complete.index:
        years = complete.index
        raise InputError(f"t0 = {t0}: no {scenario.index} power for all of {', '.join(names)} "
                         f"that year", f"choose a year from {int(years.min())} to "
                         f"{int(years.max())}, or leave t0 null for {latest}")
    if scenario.horizon <= t0:
        raise InputError(f"horizon {scenario.horizon} must be after t0 {t0}",
                         f"e.g. horizon: {t0 + 18}")
    bad = [y for y in scenario.adversary_policy.path if not t0 < y <= scenario.horizon]
    if bad:
        raise InputError(f"adversary_policy.path years {bad} lie outside ({t0}, "
                         f"{scenario.horizon}]", "policy years come after t0")
    x0 = np.log(complete.loc[t0].to_numpy(float))
    logp = pd.DataFrame(np.log(series.to_numpy(float)), index=series.index,
                        columns=series.columns)
    exclude = BREAKS.get(scenario.index, ()) if scenario.growth.exclude_breaks else ()
    mu_hat, sd_hat, n_used = estimate_growth(logp, scenario.growth.window, exclude)
    drift = np.empty(3)
    vol = np.empty(3)
    estimated: dict[str, dict[str, bool]] = {}
    for i, role in enumerate(("A", "B", "C")):
        spec = getattr(scenario.growth, role)
        need = spec.drift is None or spec.volatility is None
        if need and n_used[i] < 3:
            raise InputError(f"growth.{role}: only {int(n_used[i])} yearly changes of "
                             f"{names[i]}'s {scenario.index} in {list(scenario.growth.window)}",
                             "widen growth.window or give drift and volatility")
        drift[i] = spec.drift if spec.drift is not None else mu_hat[i]
        vol[i] = spec.volatility if spec.volatility is not None else sd_hat[i]
        estimated[role] = {"drift": spec.drift is None, "volatility": spec.volatility is None}
    rm = dict(scenario.region_map)
    the_map = region_map(rm.pop("base", "default"), **rm)
    params = LeewayParams.coerce(scenario.leeway)
    if scenario.regions is None:
        from realpolitik.data.model_tables import regions_table

        regions = Regions.from_frame(regions_table())
    else:
        regions = Regions.from_frame(pd.DataFrame([r.model_dump() for r in scenario.regions]))
    psi = _psi(states, t0)
    versions = data_versions(["nmc", "states", "gdppop", "maddison"]
                             if scenario.index != "cinc" else ["nmc", "states"])
    prov = {"package": "realpolitik", "version": __version__, "data": versions,
            "scenario": scenario.to_dict(), "t0": t0,
            "estimates": {r: {"drift": float(drift[i]), "volatility": float(vol[i]),
                              "estimated": estimated[r]} for i, r in enumerate("ABC")}}
    return Resolved(scenario, t0, np.arange(t0, scenario.horizon + 1), names, ccodes, x0, drift,
                    vol, estimated, policy_path(scenario.adversary_policy.path, t0,
                                                scenario.horizon), the_map, params, regions, psi,
                    prov)


def _psi(states: list[Any], year: int) -> np.ndarray:
    """Beaufre's Ψ of each actor at ``year`` from the expert ideology/leader scores."""
    from realpolitik.measures.power import NEUTRAL, expert_scores
    from realpolitik.models.strategy import psi_from_scores

    table = expert_scores()
    out = []
    for s in states:
        vals = {}
        for crit in ("ideology", "leader"):
            rows = table[(table["ccode"] == s.ccode) & (table["criterion"] == crit)
                         & (table["first_year"] <= year) & (table["last_year"] >= year)]
            vals[crit] = float(rows["score"].iloc[-1]) if len(rows) else NEUTRAL
        out.append(float(psi_from_scores(vals["ideology"], vals["leader"])))
    arr = np.array(out)
    if not np.all(np.isfinite(arr)) or (arr <= 0).any():
        raise InputError("could not compute Beaufre's Ψ for every actor")
    return arr


# ---------------------------------------------------------------------------------------------
# Resolution with the data part cached (sweeps, the web server)
# ---------------------------------------------------------------------------------------------
#: Entries kept by the caches of resolved scenarios (least recently used first out).
CACHE_MAX = 64
_DATA: OrderedDict[str, Resolved | None] = OrderedDict()
_DATA_LOCK = threading.Lock()


def lru_put(cache: OrderedDict[str, Any], key: str, value: Any, size: int = CACHE_MAX) -> None:
    """Put ``key`` in an LRU ``cache`` (an OrderedDict), dropping the oldest beyond ``size``."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


def _data_key(sc: Scenario) -> str:
    """What resolution reads from the data for: the scenarios of a sweep that share it are
    resolved once per process (they differ in growth, policy, cohesion, map or leeway)."""
    return json.dumps({"tandem": sc.tandem, "adversary": sc.adversary, "t0": sc.t0,
                       "horizon": sc.horizon, "index": sc.index, "window": sc.growth.window,
                       "exclude_breaks": sc.growth.exclude_breaks,
                       "regions": None if sc.regions is None else
                       [r.model_dump() for r in sc.regions]}, sort_keys=True)


def resolve_cached(sc: Scenario) -> Resolved:
    """``resolve(sc)``, reading the data once per :func:`_data_key` in this process (a
    sweep's worker, the web server's threads: it is thread-safe).

    The data part (t0, log powers at t0, growth estimates, regions, Ψ) is resolved once for a
    copy of the scenario with every drift and volatility estimated; each scenario then takes
    its own drifts and volatilities (where given), policy path, region map and leeway
    parameters — the same numbers :func:`~realpolitik.simulate.resolve.resolve` gives (a test
    checks every field). If the copy cannot be resolved, ``resolve(sc)`` is used as it is.
    """
    from realpolitik.simulate.scenario import ActorGrowth

    key = _data_key(sc)
    with _DATA_LOCK:
        known = key in _DATA
        base = _DATA.get(key)
        if known:
            _DATA.move_to_end(key)
    if not known:  # resolved outside the lock: two threads may both do it, harmlessly
        free = sc.model_copy(update={
            "growth": sc.growth.model_copy(update={"A": ActorGrowth(), "B": ActorGrowth(),
                                                   "C": ActorGrowth()}),
            "adversary_policy": sc.adversary_policy.model_copy(update={"path": {}})})
        try:
            base = resolve(free)
        except RealpolitikError:
            base = None
        with _DATA_LOCK:
            lru_put(_DATA, key, base)
    if base is None:
        return resolve(sc)
    t0 = base.t0
    bad = [y for y in sc.adversary_policy.path if not t0 < y <= sc.horizon]
    if bad:
        raise InputError(f"adversary_policy.path years {bad} lie outside ({t0}, "
                         f"{sc.horizon}]", "policy years come after t0")
    drift, vol = base.drift.copy(), base.volatility.copy()
    estimated: dict[str, dict[str, bool]] = {}
    for i, role in enumerate("ABC"):
        spec = getattr(sc.growth, role)
        if spec.drift is not None:
            drift[i] = spec.drift
        if spec.volatility is not None:
            vol[i] = spec.volatility
        estimated[role] = {"drift": spec.drift is None, "volatility": spec.volatility is None}
    rm = dict(sc.region_map)
    prov = {**base.provenance, "scenario": sc.to_dict(),
            "estimates": {r: {"drift": float(drift[i]), "volatility": float(vol[i]),
                              "estimated": estimated[r]} for i, r in enumerate("ABC")}}
    return dataclasses.replace(
        base, scenario=sc, drift=drift, volatility=vol, estimated=estimated,
        policy=policy_path(sc.adversary_policy.path, t0, sc.horizon),
        region_map=region_map(rm.pop("base", "default"), **rm),
        leeway=LeewayParams.coerce(sc.leeway), provenance=prov)


__all__ = ["BREAKS", "CACHE_MAX", "Resolved", "estimate_growth", "lru_put", "policy_path",
           "resolve", "resolve_cached"]
