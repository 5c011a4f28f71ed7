"""ATOP v5.1 alliance obligations joined onto dyad- and triad-years (like ``add_atop_alliance``).

ATOP's directed dyad-years code the obligations of ``ccode1`` toward ``ccode2``; presence is
symmetric (an alliance between A and B is listed in both directions) but an obligation can run
one way only (e.g. a unilateral guarantee). Directed frames keep ATOP's direction; undirected
frames (and triad pairs) take an obligation as present if it runs in either direction.
Inside ATOP's coverage (1815–2018) an unlisted dyad-year is 0 (no alliance); outside it the
indicators are NA: ATOP says nothing about 2019 onwards.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.measures._dispatch import actor_columns, assign, require_pairs

ATOP_FIRST_YEAR = 1815
ATOP_COLUMNS = (*[f"atop_{t}" for t in loaders.ATOP_TYPES], "atop_any")


@cache
def _atop_lut() -> tuple[np.ndarray, np.ndarray, int]:
    """Dense (state index, state index, year) → bit-packed obligations (uint8).

    Bits 0–4 are defense, offense, neutral, nonagg, consul; bit 5 is "listed" (any alliance).
    """
    a = loaders.atop_ddy()
    codes = np.union1d(a["ccode1"].to_numpy(), a["ccode2"].to_numpy()).astype(np.int64)
    pos = np.full(1000, -1, dtype=np.int64)
    pos[codes] = np.arange(len(codes))
    n, ny = len(codes), loaders.ATOP_LAST_YEAR - ATOP_FIRST_YEAR + 1
    lut = np.zeros(n * n * ny, dtype=np.uint8)
    bits = np.full(len(a), 1 << 5, dtype=np.uint8)
    for k, t in enumerate(loaders.ATOP_TYPES):
        bits |= (a[f"atop_{t}"].to_numpy().astype(np.uint8) & 1) << k
    key = (pos[a["ccode1"].to_numpy()] * n + pos[a["ccode2"].to_numpy()]) * ny + (
        a["year"].to_numpy().astype(np.int64) - ATOP_FIRST_YEAR)
    lut[key] = bits
    return lut, pos, n


def _lookup(c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> np.ndarray:
    lut, pos, n = _atop_lut()
    ny = loaders.ATOP_LAST_YEAR - ATOP_FIRST_YEAR + 1
    p1, p2 = pos[c1], pos[c2]
    y = year.astype(np.int64) - ATOP_FIRST_YEAR
    ok = (p1 >= 0) & (p2 >= 0) & (y >= 0) & (y < ny)
    out = np.zeros(len(c1), dtype=np.uint8)
    out[ok] = lut[(p1[ok] * n + p2[ok]) * ny + y[ok]]
    return out


def add_alliances(frame: pd.DataFrame) -> pd.DataFrame:
    """Join ATOP obligations for every pair of the unit.

    Adds ``atop_defense, atop_offense, atop_neutral, atop_nonagg, atop_consul`` and ``atop_any``
    (any ATOP alliance links the pair) as nullable Int8, with the pair's suffix on triad-years
    (``atop_defense_ab``). NA outside 1815–2018.
    """
    info, codes, year = actor_columns(frame)
    require_pairs(info, "an alliance")
    year = np.asarray(year)
    mask = (year < ATOP_FIRST_YEAR) | (year > loaders.ATOP_LAST_YEAR)
    new: dict[str, object] = {}
    for psfx, (s1, s2) in info.pairs.items():
        c1 = codes[s1].astype(np.int64)
        c2 = codes[s2].astype(np.int64)
        bits = _lookup(c1, c2, year)
        if not info.directed or info.kind != "dyad_year":
            bits = bits | _lookup(c2, c1, year)
        for k, col in enumerate(ATOP_COLUMNS):
            vals = ((bits >> k) & 1).astype(np.int8)
            new[f"{col}{psfx}"] = pd.arrays.IntegerArray(vals, mask.copy())
    out = assign(frame, new)
    return stamp(out, datasets=["atop_ddy"], config={"alliances": "atop"})
