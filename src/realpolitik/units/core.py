"""Unit builders (see :mod:`realpolitik.units`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from realpolitik._arrays import spell_years
from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.data.states import State, resolve_state, resolve_states
from realpolitik.errors import InputError

YearsArg = tuple[int, int] | Sequence[int] | int | None


@dataclass(frozen=True)
class UnitInfo:
    """What a unit frame is: its kind, the columns naming its actors and its pairs.

    ``actors`` maps a column suffix to the COW-code column (``{"1": "ccode1", "2": "ccode2"}``);
    ``pairs`` maps a pair suffix to two actor suffixes (``{"": ("1", "2")}`` for a dyad).
    """

    kind: str
    directed: bool = True
    actors: dict[str, str] = field(default_factory=dict)
    pairs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def to_attrs(self) -> dict[str, Any]:
        return {"kind": self.kind, "directed": self.directed, "actors": dict(self.actors),
                "pairs": {k: list(v) for k, v in self.pairs.items()}}


def unit_info(frame: pd.DataFrame) -> UnitInfo:
    """The :class:`UnitInfo` of a frame built by this module (or guessed from its columns).

    A frame that lost its ``attrs`` (after a merge, say) is recognised by its key columns:
    ``ccode, year`` (state-year), ``ccode1, ccode2, year`` (dyad-year, assumed directed unless
    ``ccode1 < ccode2`` on every row) or ``ccode_a, ccode_b, ccode_c, year`` (triad-year).
    """
    meta = frame.attrs.get("unit")
    if meta:
        return UnitInfo(meta["kind"], bool(meta["directed"]), dict(meta["actors"]),
                        {k: (v[0], v[1]) for k, v in meta["pairs"].items()})
    cols = set(frame.columns)
    if {"ccode_a", "ccode_b", "ccode_c", "year"} <= cols:
        return _TRIAD
    if {"ccode1", "ccode2", "year"} <= cols:
        directed = not bool((frame["ccode1"] < frame["ccode2"]).all())
        return _dyad(directed)
    if {"ccode", "year"} <= cols:
        return _STATE
    raise InputError(
        "this frame is not a unit of analysis: it needs columns ccode+year (state-year), "
        "ccode1+ccode2+year (dyad-year) or ccode_a+ccode_b+ccode_c+year (triad-year)",
        "build one with state_years(), dyad_years() or triad_years()",
    )


_STATE = UnitInfo("state_year", True, {"": "ccode"}, {})


def _dyad(directed: bool) -> UnitInfo:
    return UnitInfo("dyad_year", directed, {"1": "ccode1", "2": "ccode2"}, {"": ("1", "2")})


_TRIAD = UnitInfo(
    "triad_year", True,
    {"_a": "ccode_a", "_b": "ccode_b", "_c": "ccode_c"},
    {"_ab": ("_a", "_b"), "_ac": ("_a", "_c"), "_bc": ("_b", "_c")},
)


def _year_range(years: YearsArg) -> tuple[int, int]:
    lo, hi = loaders.SYSTEM_START_YEAR, loaders.SYSTEM_END_YEAR
    if years is None:
        return lo, hi
    if isinstance(years, (int, np.integer)):
        a = b = int(years)
    else:
        ys = list(years)
        if len(ys) != 2:
            raise InputError(f"years must be (first, last), got {years!r}")
        a, b = int(ys[0]), int(ys[1])
    if a > b:
        raise InputError(f"first year {a} is after last year {b}", "give years as (first, last)")
    if b < lo or a > hi:
        raise InputError(
            f"years {a}–{b} are outside the state system's coverage {lo}–{hi}",
            f"choose years between {lo} and {hi}",
        )
    return max(a, lo), min(b, hi)


def membership_years(years: YearsArg = None) -> pd.DataFrame:
    """Every state-year of system membership with the days of the year it was a member.

    Columns ``ccode, year`` (int16) and ``first_day, last_day`` (datetime64[D]): the part of the
    year inside a membership spell. Sorted by ``year, ccode``. Spells that reach the end of the
    COW list (2016-12-31) continue to :data:`realpolitik.data.loaders.SYSTEM_END_YEAR`.
    """
    lo, hi = _year_range(years)
    sp = loaders.states()
    start = sp["start"].to_numpy("datetime64[D]")
    end = sp["end"].to_numpy("datetime64[D]")
    idx, year = spell_years(np.maximum(sp["styear"].to_numpy(np.int32), lo),
                            np.minimum(sp["endyear"].to_numpy(np.int32), hi))
    jan1 = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    dec31 = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")
    out = pd.DataFrame(
        {
            "ccode": sp["ccode"].to_numpy(np.int16)[idx],
            "year": year.astype(np.int16),
            "first_day": np.maximum(start[idx], jan1),
            "last_day": np.minimum(end[idx], dec31),
        }
    )
    out = out.sort_values(["year", "ccode"], kind="stable").reset_index(drop=True)
    return out


def _restrict(frame: pd.DataFrame, ccodes: list[int] | None, col: str = "ccode") -> pd.DataFrame:
    if ccodes is None:
        return frame
    return frame[frame[col].isin(ccodes)]


def state_years(
    years: YearsArg = None, states: Sequence[str | int | State] | None = None
) -> pd.DataFrame:
    """State-years of COW system membership.

    Parameters
    ----------
    years:
        ``(first, last)`` inclusive, or one year; default 1816 to
        :data:`~realpolitik.data.loaders.SYSTEM_END_YEAR` (2024).
    states:
        Restrict to these states (any form :func:`~realpolitik.data.resolve_state` accepts).

    Returns
    -------
    DataFrame with ``ccode`` (int16), ``stateabb``, ``year`` (int16), sorted by year then code.
    """
    sy = membership_years(years)
    codes = [s.ccode for s in resolve_states(states)] if states is not None else None
    sy = _restrict(sy, codes)
    abb = loaders.states().drop_duplicates("ccode").set_index("ccode")["stateabb"]
    out = pd.DataFrame(
        {"ccode": sy["ccode"].to_numpy(), "stateabb": sy["ccode"].map(abb).to_numpy(),
         "year": sy["year"].to_numpy()}
    )
    out.attrs["unit"] = _STATE.to_attrs()
    return stamp(out, datasets=["states"], config={"unit": "state_year", "years": list(
        _year_range(years))})


def _pairs(sy: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of rows of ``sy`` (sorted by year) in the same year that
    overlap on at least one day. Vectorised over all years at once."""
    year = sy["year"].to_numpy()
    n_rows = len(year)
    # size of each row's year group and where the group starts
    change = np.flatnonzero(np.diff(year)) + 1
    starts = np.concatenate(([0], change))
    sizes = np.diff(np.concatenate((starts, [n_rows])))
    grp_start = np.repeat(starts, sizes)
    grp_size = np.repeat(sizes, sizes)
    total = int(grp_size.sum())
    i = np.repeat(np.arange(n_rows, dtype=np.int64), grp_size)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(grp_size) - grp_size, grp_size)
    j = np.repeat(grp_start, grp_size) + within
    first = sy["first_day"].to_numpy("datetime64[D]").view(np.int64)
    last = sy["last_day"].to_numpy("datetime64[D]").view(np.int64)
    keep = (i != j) & (np.maximum(first[i], first[j]) <= np.minimum(last[i], last[j]))
    return i[keep], j[keep]


def dyad_years(
    directed: bool = True,
    years: YearsArg = None,
    states: Sequence[str | int | State] | None = None,
) -> pd.DataFrame:
    """Dyad-years of the COW state system.

    A pair exists in a year only if both states were members on at least one common day of that
    year (so, e.g., China and Modena in 1860 do not form a dyad: peacesciencer's
    ``false_cow_dyads``). Directed frames hold both orders; undirected ones ``ccode1 < ccode2``.

    Parameters
    ----------
    directed:
        Both orders of each pair (default) or one row per unordered pair.
    years:
        ``(first, last)`` inclusive or one year; default 1816–2024 (states still members at the
        end of the COW v2016 list continue to 2024).
    states:
        Keep only dyads whose *both* members are among these states.

    Returns
    -------
    DataFrame ``ccode1, ccode2, year`` (int16), sorted by year, ccode1, ccode2.
    """
    sy = membership_years(years)
    if states is not None:
        sy = _restrict(sy, [s.ccode for s in resolve_states(states)]).reset_index(drop=True)
    i, j = _pairs(sy)
    if not directed:
        keep = sy["ccode"].to_numpy()[i] < sy["ccode"].to_numpy()[j]
        i, j = i[keep], j[keep]
    cc = sy["ccode"].to_numpy(np.int16)
    out = pd.DataFrame({"ccode1": cc[i], "ccode2": cc[j], "year": sy["year"].to_numpy()[i]})
    out.attrs["unit"] = _dyad(directed).to_attrs()
    return stamp(out, datasets=["states"], config={
        "unit": "dyad_year", "directed": directed, "years": list(_year_range(years))})


def triad_years(
    a: str | int | State,
    b: str | int | State,
    c: str | int | State,
    years: YearsArg = None,
) -> pd.DataFrame:
    """Years in which the triad (A, B, C) exists: all three members on at least one common day.

    ``a`` and ``b`` are the tandem's partners, ``c`` the adversary. Returns ``year, ccode_a,
    ccode_b, ccode_c`` (int16). Raises :class:`~realpolitik.errors.InputError` if the three
    never coexist in ``years``.
    """
    sa, sb, sc = resolve_states([a, b, c])
    sy = membership_years(years)
    sub = [
        sy.loc[sy["ccode"] == s.ccode, ["year", "first_day", "last_day"]].add_suffix(sfx)
        .rename(columns={f"year{sfx}": "year"})
        for s, sfx in ((sa, "_a"), (sb, "_b"), (sc, "_c"))
    ]
    common = sub[0].merge(sub[1], on="year").merge(sub[2], on="year")
    first = common[["first_day_a", "first_day_b", "first_day_c"]].max(axis=1)
    last = common[["last_day_a", "last_day_b", "last_day_c"]].min(axis=1)
    yrs = common.loc[(first <= last).to_numpy(), "year"].to_numpy(np.int16)
    if len(yrs) == 0:
        lo, hi = _year_range(years)
        raise InputError(
            f"{sa}, {sb} and {sc} were never system members together in {lo}–{hi}",
            f"memberships: {sa.abb} {sa.membership()}; {sb.abb} {sb.membership()}; "
            f"{sc.abb} {sc.membership()}",
        )
    n = len(yrs)
    out = pd.DataFrame({
        "year": yrs,
        "ccode_a": np.full(n, sa.ccode, np.int16),
        "ccode_b": np.full(n, sb.ccode, np.int16),
        "ccode_c": np.full(n, sc.ccode, np.int16),
    })
    out.attrs["unit"] = _TRIAD.to_attrs()
    return stamp(out, datasets=["states"], config={
        "unit": "triad_year", "triad": [sa.ccode, sb.ccode, sc.ccode],
        "years": list(_year_range(years))})


def resolve_one(q: str | int | State, year: int | None = None) -> State:
    """Alias of :func:`realpolitik.data.resolve_state` for unit-layer callers."""
    return resolve_state(q, year)
