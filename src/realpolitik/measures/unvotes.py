"""UN General Assembly voting: ideal points, their distances and vote agreement.

* :func:`add_un_ideal_points` and :func:`add_un_distance` — ideal points of Bailey, Strezhnev &
  Voeten (2017), July 2025 release, state-years 1946–2024.
* :func:`un_agreement_table` and :func:`add_un_agreement` — dyadic vote agreement computed
  here from Voeten's roll-call votes (``{unvotes}`` data, sessions 1–74, 1946–2019), since
  Voeten's own agreement file is not bundled.

Years are **UNGA session years**, as in Voeten's data: session *s* opens in September of year
1945 + *s* and its votes (a few fall in the next January) count for that year. So "2019" is
session 74. The ideal points use the same convention.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures._dispatch import actor_columns, assign, require_pairs
from realpolitik.measures.join import DensePairYearIndex, StateYearIndex, take

IDEAL_POINT_VARIANTS: tuple[str, ...] = ("fp", "all", "legacy")
#: First session year of the General Assembly (session 1, 1946).
UN_FIRST_YEAR = 1946
#: Last session year of the bundled roll-call votes (session 74).
UN_VOTES_LAST_YEAR = 2019
#: Year the session numbering starts from: session s is year 1945 + s.
SESSION_YEAR_OFFSET = 1945


def _check_variant(variant: str) -> str:
    if variant not in IDEAL_POINT_VARIANTS:
        raise InputError(
            f"unknown ideal-point variant {variant!r}",
            "use 'fp' (free-preference, recommended; the only one for 2024), 'all' or 'legacy'",
        )
    return variant


@cache
def _ideal_points(variant: str) -> tuple[np.ndarray, StateYearIndex]:
    t = loaders.idealpoints()
    vals = t[f"idealpoint{variant}"].to_numpy(np.float64)
    return vals, StateYearIndex(t["ccode"].to_numpy(), t["year"].to_numpy())


def _ideal_point_columns(frame: pd.DataFrame, variant: str) -> dict[str, np.ndarray]:
    """{actor suffix: ideal point} for every actor of the unit (NaN where missing)."""
    vals, index = _ideal_points(_check_variant(variant))
    _, codes, year = actor_columns(frame)
    return {sfx: take(vals, index.rows(cc, year)) for sfx, cc in codes.items()}


def add_un_ideal_points(
    frame: pd.DataFrame, variant: Literal["fp", "all", "legacy"] = "fp"
) -> pd.DataFrame:
    """Join UNGA ideal points (Bailey, Strezhnev & Voeten 2017; July 2025) for every actor.

    Adds ``un_idealpoint{suffix}`` (float64; ``un_idealpoint1``, ``un_idealpoint_a`` …): the
    state's ideal point on the single dimension of UN voting, in the estimates' own units (about
    −3 … +3; high = close to the US-led liberal order: 2022 USA 2.15, Russia −0.81, China
    −1.35). ``variant`` picks the series: ``"fp"`` free-preference (default, recommended),
    ``"all"`` or ``"legacy"``. Session years 1946–2024; **2024 has only ``fp``**, so ``"all"``
    and ``"legacy"`` are NA in 2024. NA also for a state-year without votes (not a member, or
    absent) and outside 1946–2024.
    """
    vals = _ideal_point_columns(frame, variant)
    out = assign(frame, {f"un_idealpoint{sfx}": v for sfx, v in vals.items()})
    return stamp(out, datasets=["idealpoints"], config={"un_idealpoints": variant})


def add_un_distance(
    frame: pd.DataFrame, variant: Literal["fp", "all", "legacy"] = "fp"
) -> pd.DataFrame:
    """Join the distance between the UNGA ideal points of the members of every pair.

    Adds ``un_idealpoint_dist`` (``un_idealpoint_dist_ab`` … on triad-years), float64: the
    absolute difference of the two states' ideal points (:func:`add_un_ideal_points`), 0 for
    identical foreign-policy positions. Symmetric (same in both orders of a directed dyad).
    NA if either ideal point is missing: before 1946, after 2024, for non-members, and in 2024
    for ``variant="all"``/``"legacy"`` (only ``"fp"`` exists for 2024).
    """
    info = actor_columns(frame)[0]
    require_pairs(info, "an ideal-point distance")
    vals = _ideal_point_columns(frame, variant)
    new = {f"un_idealpoint_dist{psfx}": np.abs(vals[s1] - vals[s2])
           for psfx, (s1, s2) in info.pairs.items()}
    out = assign(frame, new)
    return stamp(out, datasets=["idealpoints"], config={"un_distance": variant})


# --------------------------------------------------------------------------------------------
# Vote agreement
# --------------------------------------------------------------------------------------------
AGREEMENT_COLUMNS: tuple[str, ...] = ("un_joint_votes", "un_agree", "un_agree3")


@cache
def _agreement_all() -> pd.DataFrame:
    """Agreement of every pair of states that voted together in a session (see
    :func:`un_agreement_table`). One matrix product per session: no loop over votes or pairs."""
    votes = loaders.un_votes()
    session = loaders.un_roll_calls().set_index("rcid")["session"]
    year = (session.reindex(votes["rcid"]).to_numpy(np.int64) + SESSION_YEAR_OFFSET)
    rcid = votes["rcid"].to_numpy()
    ccode = votes["ccode"].to_numpy(np.int64)
    code = votes["vote_code"].to_numpy(np.int64)  # 1 yes, 2 abstain, 3 no
    states = np.unique(ccode)  # sorted, so state index order = ccode order
    s_idx = np.searchsorted(states, ccode)
    n = len(states)
    iu, ju = np.triu_indices(n, k=1)
    parts = []
    order = np.argsort(year, kind="stable")
    bounds = np.flatnonzero(np.diff(year[order])) + 1
    for grp in np.split(order, bounds):
        rc, r_idx = np.unique(rcid[grp], return_inverse=True)
        # one-hot vote matrices, states × roll calls
        onehot = np.zeros((3, n, len(rc)))
        onehot[code[grp] - 1, s_idx[grp], r_idx] = 1.0
        yes, abstain, no = onehot
        present = yes + abstain + no
        joint = present @ present.T
        same = yes @ yes.T + abstain @ abstain.T + no @ no.T
        half = (yes + no) @ abstain.T
        half = half + half.T  # one abstains, the other votes yes or no
        j = joint[iu, ju]
        keep = j > 0
        parts.append(pd.DataFrame({
            "ccode1": states[iu[keep]].astype(np.int16),
            "ccode2": states[ju[keep]].astype(np.int16),
            "year": np.full(int(keep.sum()), year[grp[0]], dtype=np.int16),
            "un_joint_votes": j[keep].astype(np.int32),
            "un_agree": same[iu, ju][keep] / j[keep],
            "un_agree3": (same[iu, ju][keep] + 0.5 * half[iu, ju][keep]) / j[keep],
        }))
    return pd.concat(parts, ignore_index=True)


def _year_bounds(years: tuple[int, int] | int) -> tuple[int, int]:
    """(first, last) of a ``years`` argument: one year or a (first, last) pair."""
    if isinstance(years, (int, np.integer)):
        return int(years), int(years)
    try:
        lo, hi = (int(y) for y in years)
    except (TypeError, ValueError):
        raise InputError(f"years must be one year or (first, last), got {years!r}",
                         "e.g. years=(1991, 2019)") from None
    if lo > hi:
        raise InputError(f"first year {lo} is after last year {hi}",
                         "give years as (first, last)")
    return lo, hi


def un_agreement_table(years: tuple[int, int] | int | None = None) -> pd.DataFrame:
    """UNGA vote agreement of every pair of states, non-directed dyad-years 1946–2019.

    Computed from Voeten's roll-call votes (``{unvotes}``; yes/abstain/no, absences and
    non-members left out), by session year (session *s* = year 1945 + *s*). One row per pair
    ``ccode1 < ccode2`` that voted together on at least one roll call in the year:

    * ``un_joint_votes`` — number of roll calls on which both states voted (yes/abstain/no);
    * ``un_agree`` — share of those roll calls on which they voted identically;
    * ``un_agree3`` — Voeten's (2013) three-category agreement: yes = 1, abstain = 0.5,
      no = 0, and agreement = 1 − mean |vote₁ − vote₂| (identical vote 1, one abstains 0.5,
      yes against no 0). The unweighted Signorino–Ritter S-score on this scale is
      ``2 · un_agree3 − 1``.

    Example: 2019 (session 74) ``un_agree`` is China–Russia 0.793 (87 joint votes), China–USA
    0.135 (89), Russia–USA 0.207 (87). China's seat before 1971 is recorded as "Taiwan" in the
    votes: the crosswalk gives its 1946–1949 votes to China (710), whose government the ROC
    then was in COW, and those of 1950–1971 to Taiwan (713); the PRC (710) votes from 1971-11.

    ``years``: ``(first, last)`` or one year to keep; default all. Computed once per process
    and cached (one matrix product per session, about 0.3 s after the votes are loaded).
    """
    t = _agreement_all()
    if years is not None:
        lo, hi = _year_bounds(years)
        t = t[(t["year"] >= lo) & (t["year"] <= hi)]
    out = t.reset_index(drop=True)
    return stamp(out, datasets=["un_votes", "un_roll_calls"], config={"un_agreement": "session"})


@cache
def _agreement_index() -> tuple[pd.DataFrame, DensePairYearIndex]:
    t = _agreement_all()
    index = DensePairYearIndex(t["ccode1"].to_numpy(), t["ccode2"].to_numpy(),
                               t["year"].to_numpy(), symmetric=True)
    return t, index


def add_un_agreement(frame: pd.DataFrame) -> pd.DataFrame:
    """Join UNGA vote agreement (:func:`un_agreement_table`) for every pair of the unit.

    Adds ``un_agree``, ``un_agree3`` (float64, 0–1) and ``un_joint_votes`` (Int32), with the
    pair's suffix on triad-years (``un_agree_ab``). Session years 1946–2019 (the bundled votes
    end with session 74): ``un_joint_votes`` is 0 for a pair that never voted together that
    year (a non-member, an absent delegation, a year with no recorded vote by one of them) and
    the agreement scores are then NA; outside 1946–2019 all three are NA. For 2020–2024 use
    :func:`add_un_distance`. Symmetric (same in both orders of a directed dyad).
    """
    info, codes, year = actor_columns(frame)
    require_pairs(info, "UN vote agreement")
    table, index = _agreement_index()
    year = np.asarray(year)
    outside = (year < UN_FIRST_YEAR) | (year > UN_VOTES_LAST_YEAR)
    joint = np.append(table["un_joint_votes"].to_numpy(np.int32), 0)
    agree = table["un_agree"].to_numpy(np.float64)
    agree3 = table["un_agree3"].to_numpy(np.float64)
    new: dict[str, object] = {}
    for psfx, (s1, s2) in info.pairs.items():
        rows = index.rows(codes[s1], codes[s2], year)
        new[f"un_joint_votes{psfx}"] = pd.arrays.IntegerArray(joint[rows], outside.copy())
        new[f"un_agree{psfx}"] = take(agree, rows)
        new[f"un_agree3{psfx}"] = take(agree3, rows)
    out = assign(frame, new)
    return stamp(out, datasets=["un_votes", "un_roll_calls"],
                 config={"un_agreement": "session"})
