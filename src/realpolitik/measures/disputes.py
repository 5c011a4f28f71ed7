"""Militarized interstate disputes joined onto dyad- and triad-years (like peacesciencer's
``add_gml_mids`` and ``add_cow_mids``).

Sources (peacesciencer's directed dispute dyad-years, whittled to one dispute per directed
dyad-year — unique onsets first, then the highest fatality, hostility, duration…):

* ``"gml"`` — Gibler, Miller & Little MID v2.2.1, 1816–**2010** (default);
* ``"cow"`` — Correlates of War MID 5.0, 1816–**2014**.

The two codings differ even on well-known cases: for MID #349 (China–USSR, 1969) GML puts the
USSR on side A and COW puts China there. The dyads are "naive": any two states on opposite
sides of a dispute form a dyad, whether or not they fought each other.

The source is directed (each dyad in both orders), so ``mid_sidea`` keeps the right initiator
in both orders of a directed dyad; the other columns are the same in both orders. Inside a
source's coverage a pair-year with no dispute is 0; after its last year every column is NA.
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
from realpolitik.measures.join import DensePairYearIndex

#: Coverage of each MID source (first and last year).
MID_YEARS: dict[str, tuple[int, int]] = {"gml": (1816, 2010), "cow": (1816, 2014)}
_DATASET = {"gml": "gml_mid_ddy", "cow": "cow_mid_ddy"}
MID_COLUMNS: tuple[str, ...] = ("mid_onset", "mid_ongoing", "mid_hostlev", "mid_sidea",
                                "mid_dispnum")


def _int_parts(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values with NA as 0, NA mask) of a nullable integer column, plus a trailing 0 / unmasked
    slot for "no dispute" rows (index -1)."""
    arr = series.array
    mask = np.asarray(series.isna().to_numpy(), dtype=bool)
    vals = np.asarray(arr.to_numpy(dtype="float64", na_value=0.0)).astype(np.int32)
    return np.append(vals, 0), np.append(mask, False)


@cache
def _mid_table(source: str) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]],
                                     DensePairYearIndex]:
    m = loaders.mid_dyad_years(source)  # type: ignore[arg-type]
    hostlev = m[["hostlev1", "hostlev2"]].max(axis=1, skipna=True).astype("Int32")
    cols = {
        "mid_onset": _int_parts(m["midonset"]),
        "mid_ongoing": _int_parts(m["midongoing"]),
        "mid_hostlev": _int_parts(hostlev),
        "mid_sidea": _int_parts(m["sidea1"]),
        "mid_dispnum": _int_parts(m["dispnum"].astype("Int32")),
    }
    index = DensePairYearIndex(m["ccode1"].to_numpy(), m["ccode2"].to_numpy(),
                               m["year"].to_numpy())
    return cols, index


def add_disputes(frame: pd.DataFrame, source: Literal["gml", "cow"] = "gml") -> pd.DataFrame:
    """Join militarized interstate disputes (MIDs) for every pair of the unit.

    Adds, with the pair's suffix on triad-years (``mid_onset_ab``), nullable Int8/Int32:

    * ``mid_onset`` — 1 if a dispute between the two began in the year, else 0;
    * ``mid_ongoing`` — 1 if the two were on opposite sides of a dispute in the year, else 0;
    * ``mid_hostlev`` — the dyad's own hostility level, the higher of the two participants'
      (``hostlev1``/``hostlev2``, not the dispute-wide ``hostlev``): 1 no militarized action,
      2 threat, 3 display, 4 use of force, 5 war; 0 if no dispute, NA if both are unknown;
    * ``mid_sidea`` — 1 if the first state of the pair (``ccode1``, or ``_a`` of ``_ab``) is on
      side A, the side that took the first militarized action (the usual "initiator"), 0 if it
      is on side B *or there is no dispute* (read it with ``mid_ongoing``); directed: the two
      orders of a dyad in a dispute have opposite values;
    * ``mid_dispnum`` — the dispute number (NA if no dispute), to join dispute-level data.

    One dispute per directed dyad-year (peacesciencer's whittling rules). Coverage 1816–2010
    (``source="gml"``, default) or 1816–2014 (``"cow"``): later years are NA, not 0.
    """
    if source not in MID_YEARS:
        raise InputError(f"unknown MID source {source!r}",
                         "use 'gml' (Gibler–Miller–Little, to 2010) or 'cow' (MID 5.0, to 2014)")
    info, codes, year = actor_columns(frame)
    require_pairs(info, "a militarized dispute")
    cols, index = _mid_table(source)
    first, last = MID_YEARS[source]
    year = np.asarray(year)
    outside = (year < first) | (year > last)
    new: dict[str, object] = {}
    for psfx, (s1, s2) in info.pairs.items():
        rows = index.rows(codes[s1], codes[s2], year)
        for name, (vals, mask) in cols.items():
            na = mask[rows] | outside
            if name == "mid_dispnum":
                na |= rows < 0
                new[f"{name}{psfx}"] = pd.arrays.IntegerArray(vals[rows], na)
            else:
                new[f"{name}{psfx}"] = pd.arrays.IntegerArray(vals[rows].astype(np.int8), na)
    out = assign(frame, new)
    return stamp(out, datasets=[_DATASET[source]], config={"disputes": source})
