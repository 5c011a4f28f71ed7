"""The empirical trajectory of a triad on the alignment plane (DESIGN §3.2, §3.3, §4.1).

For each year t: the power gap Rg(t) between the partners (:func:`~realpolitik.measures.gap.
power_gap`), the adversary's offensive response Ar(t) in level mode (:func:`~realpolitik.
measures.threat.threat`), both relative to the same reference year t0 — so the base year is
the origin (0, 0), hedging under the default map — and the label of the point (Rg, Ar) under a
region map (:mod:`realpolitik.models.plane`): the hard label (with hysteresis along the years
when the map, or ``hysteresis=``, gives a half-band h > 0) and the probability of each of the
six labels (the soft classifier).

>>> from realpolitik.measures.trajectory import trajectory
>>> tr = trajectory("CHN", "RUS", "USA", years=(2007, 2009), base=2008)
>>> tr.loc[tr["year"] == 2008, ["rg", "ar", "label"]].to_numpy().tolist()
[[0.0, 0.0, 'hedging']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.data.provenance import stamp
from realpolitik.data.states import State
from realpolitik.errors import InputError, StateYearError
from realpolitik.measures.gap import LN2, power_gap
from realpolitik.measures.threat import (
    Adversaries,
    ThreatOptions,
    ThreatWeights,
    check_weights,
    threat,
)
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import (
    UNCLASSIFIED,
    RegionMap,
    classify,
    classify_path,
    classify_soft,
    resolve_map,
)

#: Columns of the label probabilities, in the order of :data:`~realpolitik.models.labels.LABELS`.
PROBABILITY_COLUMNS: tuple[str, ...] = tuple(f"p_{k}" for k in LABELS)


_region_map = resolve_map


def _half_band(hysteresis: bool | float, m: RegionMap) -> float:
    if isinstance(hysteresis, bool):
        return float(m.hysteresis) if hysteresis else 0.0
    try:
        h = float(hysteresis)
    except (TypeError, ValueError):
        h = float("nan")
    if not (np.isfinite(h) and h >= 0):
        raise InputError(f"hysteresis={hysteresis!r} must be True, False or a half-band ≥ 0",
                         "True uses the region map's own half-band")
    return h


def _reasons(rg: np.ndarray, ar: np.ndarray, fronts_bad: np.ndarray, missing: np.ndarray,
             index: str) -> np.ndarray:
    out = []
    for r, a, f, miss in zip(np.isnan(rg), np.isnan(ar), fronts_bad, missing, strict=True):
        parts = []
        if r:
            parts.append(f"rg: no {index} power for both partners")
        if a:
            parts.append(f"ar: missing {miss}" if miss else "ar: missing")
        if f and not (r or a):
            parts.append("ar_A/ar_B: a front's score is missing (front asymmetry needs both)")
        out.append("; ".join(parts))
    return np.array(out, dtype=object)


def trajectory(
    a: str | int | State,
    b: str | int | State,
    c: Adversaries,
    years: int | Sequence[int] | None = None,
    base: int | None = None,
    index: str = "cinc",
    region_map: RegionMap | str | Mapping[str, Any] | None = None,
    threat_weights: ThreatWeights | Mapping[str, float] | None = None,
    hysteresis: bool | float = True,
    *,
    gap_scale: float = LN2,
    threat_scale: float = 1.0,
    temperature: float | None = None,
    causal: bool = True,
    threat_options: ThreatOptions | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The triad's path on the alignment plane, year by year, from data.

    Parameters
    ----------
    a, b, c:
        The partners and the adversary (or a list of adversaries, principal first).
    years:
        One year or ``(first, last)``; default every year to 2022 in which all are system
        members (:func:`~realpolitik.measures.threat.threat_components`).
    base:
        Reference year t0, the origin of the plane for both Rg and Ar; ``None``: the last year
        with both a power gap and a complete threat score.
    index:
        Power index of Rg and of the threat's aggregate-power component.
    region_map:
        A :class:`~realpolitik.models.plane.RegionMap`, a map name or a dict (default map).
    threat_weights:
        Component weights of Ar (:class:`~realpolitik.measures.threat.ThreatWeights`).
    hysteresis:
        ``True``: hard labels along the years with the map's half-band h
        (:func:`~realpolitik.models.plane.classify_path`; no effect when h = 0); ``False``: the
        year-by-year hard label; a number: that half-band.
    gap_scale, threat_scale:
        s_g of Rg (default ln 2) and s_A of Ar (default 1).
    temperature:
        Of the soft classifier (default: the map's).
    causal, threat_options:
        Passed to :func:`~realpolitik.measures.threat.threat`.

    Returns
    -------
    DataFrame, one row per year: ``year, rg, ar, ar_A, ar_B, ar_level, label`` (categorical
    with the six labels, NA where unclassified), ``label_index`` (int8, −1 where
    unclassified), ``p_label`` (the soft probability of the hard label), ``p_hedging …
    p_buck_passing`` (the soft classifier; rows sum to 1, NA where
    unclassified), ``ar_partial`` (threat indicators missing inside available components) and
    ``reason`` (why a row is unclassified; empty otherwise). ``attrs``: provenance (data
    versions; configuration including the region map and the threat weights), ``base``,
    ``index``, ``region_map``, ``threat_weights``, ``hysteresis``.
    """
    m = _region_map(region_map)
    h = _half_band(hysteresis, m)
    w = check_weights(threat_weights)
    if base is None:
        first = threat(a, b, c, years, None, w, index, threat_scale, causal,
                       options=threat_options)
        gap0 = power_gap(a, b, None, years, index, gap_scale)
        g_years = set(gap0["year"].astype(int).tolist())
        ok = first["ar_level"].notna().to_numpy() & first["year"].astype(int).isin(
            g_years).to_numpy()
        if not ok.any():
            raise StateYearError("no year has both a power gap and a complete threat score",
                                 "see threat_components() and power_gap() for coverage")
        base_year = int(first["year"].to_numpy()[ok][-1])
    else:
        base_year = base
    th = threat(a, b, c, years, base_year, w, index, threat_scale, causal,
                options=threat_options)
    gap = power_gap(a, b, base_year, None, index, gap_scale)
    year = th["year"].to_numpy(np.int64)
    rg = gap.set_index(gap["year"].astype(np.int64))["rg"].reindex(year).to_numpy(float)
    ar = th["ar"].to_numpy(float)
    ar_a = th["ar_A"].to_numpy(float)
    ar_b = th["ar_B"].to_numpy(float)
    fronts = (ar_a, ar_b)
    if h > 0:
        idx = classify_path(rg, ar, m, ar_fronts=fronts, hysteresis=h, nan="unclassified")
    else:
        idx = classify(rg, ar, m, ar_fronts=fronts, nan="unclassified")
    probs = classify_soft(rg, ar, m, temperature, ar_fronts=fronts, nan="unclassified")
    names = np.array([*LABELS, None], dtype=object)[np.where(idx >= 0, idx, len(LABELS))]
    fronts_bad = m.front_asymmetry & (np.isnan(ar_a) | np.isnan(ar_b))
    out = pd.DataFrame({
        "year": year.astype(np.int16),
        "rg": rg, "ar": ar, "ar_A": ar_a, "ar_B": ar_b,
        "ar_level": th["ar_level"].to_numpy(float),
        "label": pd.Categorical(names, categories=list(LABELS)),
        "label_index": idx.astype(np.int8),
        **{col: probs[:, i] for i, col in enumerate(PROBABILITY_COLUMNS)},
        "p_label": np.where(idx >= 0, probs[np.arange(len(idx)), np.maximum(idx, 0)], np.nan),
        "ar_partial": th["partial"].to_numpy(),
        "reason": np.where(idx == UNCLASSIFIED,
                           _reasons(rg, ar, np.broadcast_to(fronts_bad, rg.shape),
                                    th["missing"].to_numpy(), th.attrs["index"]), ""),
    })
    data = {**gap.attrs.get("provenance", {}).get("data", {}),
            **th.attrs.get("provenance", {}).get("data", {})}
    out.attrs = {"provenance": {"data": data}}
    stamp(out, config={
        "trajectory": {"a": th.attrs["a"], "b": th.attrs["b"], "c": th.attrs["c"],
                       "years": [int(year.min()), int(year.max())] if len(year) else None,
                       "base": base_year, "index": th.attrs["index"], "hysteresis": h,
                       "temperature": temperature, "gap_scale": gap_scale,
                       "threat_scale": threat_scale, "causal": causal},
        "region_map": m.to_dict(),
        "threat_weights": w.model_dump(),
        "threat": th.attrs["provenance"]["config"].get("threat", {}),
        "gap": gap.attrs["provenance"]["config"].get("gap", {}),
    })
    out.attrs.update({"base": base_year, "index": th.attrs["index"], "region_map": m.name,
                      "threat_weights": w.model_dump(), "hysteresis": h,
                      "a": th.attrs["a"], "b": th.attrs["b"], "c": th.attrs["c"]})
    return out
