"""The power gap Rg between the tandem's partners (DESIGN §3.2).

g(t) = ln(P_A(t) / P_B(t)) and **Rg(t) = (g(t) − g(t0)) / s_g**, default s_g = ln 2, so that
Rg = 1 means the ratio P_A/P_B has doubled since the base year t0 and Rg = −1 that it has halved.
Rg > 0: the weaker partner B falls further behind A. Rg is dimensionless and does not depend on
the unit of the power index (a ratio of ratios), so the indices of
:mod:`realpolitik.measures.power` can be compared on it (:func:`power_gap_spread`).

>>> from realpolitik.measures.gap import power_gap
>>> gap = power_gap("CHN", "RUS", base=2016, years=(2016, 2016))
>>> gap[["power_a", "power_b", "rg"]].round(4).to_numpy().tolist()
[[0.2308, 0.0365, 0.0]]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_states
from realpolitik.errors import InputError, StateYearError, positive_scale
from realpolitik.measures.power import INDICES, _check_index, _power_table, _year_bounds

#: Default scale s_g of Rg: ln 2 (Rg = 1 is a doubling of P_A / P_B).
LN2 = math.log(2.0)


class GapSpread(NamedTuple):
    """Result of :func:`power_gap_spread`: a tidy and a wide frame."""

    #: One row per year and index: ``year, index, power_a, power_b, ratio, g, rg``.
    tidy: pd.DataFrame
    #: One row per year: ``year, rg_<index>…, rg_min, rg_max, rg_spread, n_indices``.
    summary: pd.DataFrame


def _check_scale(scale: object) -> float:
    return positive_scale(scale, "s_g",
                          "the default is ln 2 = 0.693 (Rg = 1 is a doubling of the ratio)")


def relative_gap(
    power_a: Any, power_b: Any, base_a: float, base_b: float, scale: float = LN2
) -> np.ndarray:
    """Rg = (ln(P_A/P_B) − ln(P_A0/P_B0)) / scale, element-wise (powers must be > 0).

    >>> relative_gap([2.0, 4.0], [1.0, 1.0], 2.0, 1.0).tolist()
    [0.0, 1.0]
    """
    s = _check_scale(scale)
    pa = np.asarray(power_a, dtype=float)
    pb = np.asarray(power_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(pa / pb)
    return (g - math.log(float(base_a) / float(base_b))) / s


def _ranges(years: Iterable[Any]) -> str:
    """``1816–1945, 1950–2022``: consecutive years as ranges."""
    ys = sorted(int(y) for y in years)
    if not ys:
        return "none"
    parts, start, prev = [], ys[0], ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            parts.append(f"{start}–{prev}" if prev > start else f"{start}")
            start = y
        prev = y
    parts.append(f"{start}–{prev}" if prev > start else f"{start}")
    return ", ".join(parts)


def _custom_table(table: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame) or not {"ccode", "year", "power"} <= set(
            table.columns):
        raise InputError("table must be a DataFrame with columns ccode, year, power",
                         "e.g. the output of realpolitik.measures.power.power()")
    out = pd.DataFrame({
        "ccode": pd.to_numeric(table["ccode"], errors="coerce"),
        "year": pd.to_numeric(table["year"], errors="coerce"),
        "power": pd.to_numeric(table["power"], errors="coerce"),
    })
    if out[["ccode", "year"]].isna().any().any():
        raise InputError("table has rows without a numeric ccode or year",
                         "ccode and year must be whole numbers")
    if out.duplicated(["ccode", "year"]).any():
        raise InputError("table has more than one row for a state-year",
                         "give one power value per ccode and year")
    out.attrs = dict(table.attrs)
    return out


def _pair(
    sa: State, sb: State, index: str, table: pd.DataFrame | None, options: Mapping[str, Any]
) -> tuple[pd.DataFrame, str, dict[str, Any]]:
    """(``power_a, power_b`` by year where both are > 0, index label, provenance)."""
    if table is None:
        label = _check_index(index)
        tab = _power_table(label, options)[0]
    else:
        if options:
            raise InputError(f"option(s) {sorted(options)} cannot be used with table=",
                             "options configure a named index; pass either table or index")
        label = "custom"
        tab = _custom_table(table)
    codes = tab["ccode"].to_numpy()
    pa = tab.loc[codes == sa.ccode].set_index("year")["power"]
    pb = tab.loc[codes == sb.ccode].set_index("year")["power"]
    both = pd.concat([pa.rename("power_a"), pb.rename("power_b")], axis=1, join="inner")
    both = both[(both["power_a"] > 0) & (both["power_b"] > 0)].sort_index()
    both.index = both.index.astype(int)
    if both.empty:
        raise StateYearError(
            f"the {label} index has no year with power values for both {sa.abb} and {sb.abb}",
            f"{sa.abb} has {_ranges(pa.dropna().index)}; {sb.abb} has {_ranges(pb.dropna().index)}")
    return both, label, dict(tab.attrs.get("provenance", {}))


def _check_base(base: object) -> int | None:
    if base is None:
        return None
    if isinstance(base, bool) or not isinstance(base, (int, np.integer)):
        raise InputError(f"base year must be a whole number, not {base!r}", "e.g. base=2016")
    return int(base)


def _window(both: pd.DataFrame, bounds: tuple[int, int] | None, label: str, sa: State,
            sb: State) -> pd.DataFrame:
    window = both if bounds is None else both.loc[bounds[0]:bounds[1]]
    if window.empty:
        asked = f"{bounds[0]}–{bounds[1]}" if bounds else "the years asked"
        raise InputError(
            f"no year in {asked} has {label} power for both {sa.abb} and {sb.abb}",
            f"years with values for both: {_ranges(both.index)}")
    return window


def power_gap(
    a: str | int | State,
    b: str | int | State,
    base: int | None,
    years: int | Sequence[int] | None = None,
    index: str = "cinc",
    scale: float = LN2,
    *,
    table: pd.DataFrame | None = None,
    **options: Any,
) -> pd.DataFrame:
    """The power gap Rg of partner ``b`` behind partner ``a`` relative to year ``base``.

    Parameters
    ----------
    a, b:
        The tandem's partners (A, B); Rg > 0 when B falls further behind A than in ``base``.
    base:
        Reference year t0 (Rg = 0 there); both states need a positive power value in it.
        ``None``: the last year of ``years`` (or of the data) with values for both.
    years:
        One year or ``(first, last)``; default every year in which both have a value.
    index:
        ``cinc``, ``cline`` or ``haushofer`` (:func:`realpolitik.measures.power.power`);
        ``options`` go to that index.
    scale:
        s_g > 0, default ln 2.
    table:
        Instead of a named index, a DataFrame ``ccode, year, power`` (power > 0), e.g. a
        user's own index or a scenario path; ``index`` is then reported as ``"custom"``.

    Returns
    -------
    DataFrame ``year, power_a, power_b, ratio`` (P_A/P_B), ``g`` (ln ratio), ``rg``, one row per
    year in which both powers are positive; ``attrs``: ``provenance``, ``base``, ``index``,
    ``a``, ``b``, ``scale``.

    Raises
    ------
    StateYearError
        ``base`` has no value for one of the states (the message lists the years that do).
    InputError
        Unknown index, an option the index does not take, a bad ``scale``, the same state twice,
        or no year with data in ``years``.
    """
    sa, sb = resolve_states([int(x) if isinstance(x, np.integer) else x for x in (a, b)])
    s = _check_scale(scale)
    base_year = _check_base(base)
    bounds = _year_bounds(years)
    both, label, prov = _pair(sa, sb, index, table, options)
    window = _window(both, bounds, label, sa, sb)
    if base_year is None:
        base_year = int(window.index.max())
    if base_year not in both.index:
        raise StateYearError(
            f"base year {base_year} has no {label} power value for both {sa.abb} and {sb.abb}",
            f"years with values for both: {_ranges(both.index)}")
    at_base = both.index.to_numpy() == base_year
    a0 = float(both["power_a"].to_numpy(float)[at_base][0])
    b0 = float(both["power_b"].to_numpy(float)[at_base][0])
    ratio = window["power_a"].to_numpy() / window["power_b"].to_numpy()
    g = np.log(ratio)
    out = pd.DataFrame({
        "year": window.index.to_numpy(np.int16),
        "power_a": window["power_a"].to_numpy(float),
        "power_b": window["power_b"].to_numpy(float),
        "ratio": ratio,
        "g": g,
        "rg": (g - math.log(a0 / b0)) / s,
    })
    out.attrs = {"provenance": prov}
    stamp(out, config={"gap": {"a": sa.ccode, "b": sb.ccode, "base": base_year, "index": label,
                               "scale": s, "years": list(bounds) if bounds else None}})
    out.attrs.update({"base": base_year, "index": label, "a": sa.abb, "b": sb.abb, "scale": s})
    return out


def power_gap_spread(
    a: str | int | State,
    b: str | int | State,
    base: int | None,
    years: int | Sequence[int] | None = None,
    indices: Sequence[str] = INDICES,
    scale: float = LN2,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> GapSpread:
    """Rg under several power indices at once, and how far they disagree.

    ``base`` as in :func:`power_gap`; ``None`` takes the last year in which every index has
    values for both states (within ``years``).
    ``options`` maps an index name to its options (e.g. ``{"haushofer": {"weights": …}}``).
    Returns :class:`GapSpread` ``(tidy, summary)``: ``tidy`` has one row per year and index
    (the columns of :func:`power_gap` plus ``index``); ``summary`` one row per year with
    ``rg_<index>`` for each index, ``rg_min``, ``rg_max``, ``rg_spread`` (= max − min, NA where
    fewer than two indices have a value) and ``n_indices``. Errors as in :func:`power_gap`, for
    the first index that fails.
    """
    if isinstance(indices, str):
        indices = [indices]
    names = [_check_index(i) for i in indices]
    if not names:
        raise InputError("no power index given", "choose from " + ", ".join(INDICES))
    if len(set(names)) != len(names):
        raise InputError(f"an index is named twice in {list(indices)}", "name each index once")
    opts = dict(options or {})
    unknown = [k for k in opts if k not in names]
    if unknown:
        raise InputError(f"options given for index(es) {unknown} not in {names}",
                         "key options by the names in indices")
    base_year = _check_base(base)
    if base_year is None:
        sa, sb = resolve_states([a, b])
        bounds = _year_bounds(years)
        common: set[int] | None = None
        for name in names:
            both, label, _ = _pair(sa, sb, name, None, dict(opts.get(name, {})))
            ys = set(_window(both, bounds, label, sa, sb).index)
            common = ys if common is None else common & ys
        if not common:
            raise StateYearError(f"no year has power values for {sa.abb} and {sb.abb} under "
                                 f"every index {names}", "pass fewer indices or a base year")
        base_year = max(common)
    parts = []
    prov: dict[str, Any] = {}
    for name in names:  # at most three indices
        gap = power_gap(a, b, base_year, years, name, scale, **dict(opts.get(name, {})))
        parts.append(gap.assign(index=name))
        prov[name] = gap.attrs["provenance"]
    tidy = pd.concat(parts, ignore_index=True)[
        ["year", "index", "power_a", "power_b", "ratio", "g", "rg"]]
    wide = tidy.pivot(index="year", columns="index", values="rg")[names]
    vals = wide.to_numpy(float)
    n = (~np.isnan(vals)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        lo = np.where(n > 0, np.nanmin(np.where(np.isnan(vals), np.inf, vals), axis=1), np.nan)
        hi = np.where(n > 0, np.nanmax(np.where(np.isnan(vals), -np.inf, vals), axis=1), np.nan)
    summary = pd.DataFrame({"year": wide.index.to_numpy(np.int16),
                            **{f"rg_{k}": wide[k].to_numpy(float) for k in names},
                            "rg_min": lo, "rg_max": hi,
                            "rg_spread": np.where(n >= 2, hi - lo, np.nan),
                            "n_indices": n.astype(np.int8)})
    meta = {"base": base_year, "indices": names, "a": parts[0].attrs["a"],
            "b": parts[0].attrs["b"], "scale": parts[0].attrs["scale"]}
    for frame in (tidy, summary):
        frame.attrs = {"provenance": {}}
        datasets = sorted({d for p in prov.values() for d in p.get("data", {})})
        stamp(frame, datasets=datasets, config={"gap_spread": meta, "indices": {
            k: p.get("config", {}) for k, p in prov.items()}})
        frame.attrs.update(meta)
    return GapSpread(tidy, summary)
