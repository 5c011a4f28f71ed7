"""Strategic rivalries joined onto dyad- and triad-years (like peacesciencer's
``add_strategic_rivalries``).

Two sources, both non-directed lists of rivalry spells (first and last year, inclusive):

* ``"tss"`` — Thompson, Sakuwa & Suhas (2022), *Analyzing Strategic Rivalries in World
  Politics*: 264 rivalries 1494–2020, each with 0/1 type codes. Coverage ends in **2020**.
* ``"td"`` — Thompson & Dreyer (2012), *Handbook of International Rivalries*: 197 rivalries
  1494–2010, each with up to three types. Coverage ends in **2010**; rivalries still going
  then are right-censored, so later years are unknown, not "no rivalry".

A rivalry between A and B applies to both orders of a directed dyad. Inside a source's coverage
a pair-year with no rivalry is 0; after its last year every column is NA.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from realpolitik._arrays import spell_years
from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures._dispatch import actor_columns, assign, require_pairs
from realpolitik.measures.join import DensePairYearIndex

RIVALRY_TYPES: tuple[str, ...] = ("positional", "spatial", "ideological", "interventionary")
#: Last year each source covers (later years are NA).
RIVALRY_LAST_YEAR: dict[str, int] = {"tss": 2020, "td": 2010}
_DATASET = {"tss": "tss_rivalries", "td": "td_rivalries"}
#: The tables are read from the first year of the state system on.
_FIRST_YEAR = loaders.SYSTEM_START_YEAR


def _spells(source: str) -> pd.DataFrame:
    """Rivalry spells as ``ccode1, ccode2, first, last, rivalry_id`` and the four 0/1 types."""
    if source == "tss":
        t = loaders.tss_rivalries()
        out = pd.DataFrame({"ccode1": t["ccode1"], "ccode2": t["ccode2"], "first": t["start"],
                            "last": t["end"], "rivalry_id": t["tssr_id"]})
        for k in RIVALRY_TYPES:
            out[k] = t[k].to_numpy(np.int8)
        return out
    t = loaders.td_rivalries()
    out = pd.DataFrame({"ccode1": t["ccode1"], "ccode2": t["ccode2"], "first": t["styear"],
                        "last": t["endyear"], "rivalry_id": t["rivalryno"]})
    named = t[["type1", "type2", "type3"]].astype("object").to_numpy()
    for k in RIVALRY_TYPES:
        out[k] = (named == k).any(axis=1).astype(np.int8)
    return out


@cache
def _rivalry_table(source: str) -> tuple[pd.DataFrame, DensePairYearIndex]:
    """Non-directed rivalry pair-years from 1816 on (one row per pair-year)."""
    sp = _spells(source)
    idx, year = spell_years(np.maximum(sp["first"].to_numpy(), _FIRST_YEAR), sp["last"])
    t = sp.iloc[idx].reset_index(drop=True)
    t["year"] = year
    lo = np.minimum(t["ccode1"], t["ccode2"])
    t["ccode2"] = np.maximum(t["ccode1"], t["ccode2"])
    t["ccode1"] = lo
    # two rivalries of one pair in the same year (none in the bundled data): the types of both,
    # the id of the later-numbered one
    t = t.groupby(["ccode1", "ccode2", "year"], as_index=False)[
        ["rivalry_id", *RIVALRY_TYPES]].max()
    index = DensePairYearIndex(t["ccode1"].to_numpy(), t["ccode2"].to_numpy(),
                               t["year"].to_numpy(), symmetric=True)
    return t, index


def add_rivalry(frame: pd.DataFrame, source: Literal["tss", "td"] = "tss") -> pd.DataFrame:
    """Join strategic rivalries (Thompson et al.) for every pair of the unit.

    Adds, with the pair's suffix on triad-years (``rivalry_ab``):

    * ``rivalry`` — 1 if the two states are strategic rivals in the year, else 0 (Int8);
    * ``rivalry_id`` — the source's rivalry number (``tssr_id`` or ``rivalryno``), NA if none;
    * ``rivalry_positional``, ``rivalry_spatial``, ``rivalry_ideological``,
      ``rivalry_interventionary`` — the rivalry's types, 0/1, 0 when there is no rivalry.

    ``source="tss"`` (Thompson, Sakuwa & Suhas 2022, default) covers to 2020, ``"td"``
    (Thompson & Dreyer 2012) to 2010: later years are NA in every column (the lists are
    right-censored, not ended). Non-directed: both orders of a directed dyad get the same
    values. Example (tss): China–USA (710–2) is a positional rivalry 1996–2020 (#211), China–USSR
    (710–365) a positional, spatial and ideological one 1958–1989 (#128).
    """
    if source not in RIVALRY_LAST_YEAR:
        raise InputError(f"unknown rivalry source {source!r}",
                         "use 'tss' (Thompson, Sakuwa & Suhas, to 2020) or 'td' (to 2010)")
    info, codes, year = actor_columns(frame)
    require_pairs(info, "a rivalry")
    table, index = _rivalry_table(source)
    year = np.asarray(year)
    outside = year > RIVALRY_LAST_YEAR[source]
    ids = np.append(table["rivalry_id"].to_numpy(np.int32), 0)
    types = {k: np.append(table[k].to_numpy(np.int8), 0) for k in RIVALRY_TYPES}
    new: dict[str, object] = {}
    for psfx, (s1, s2) in info.pairs.items():
        rows = index.rows(codes[s1], codes[s2], year)
        found = rows >= 0
        new[f"rivalry{psfx}"] = pd.arrays.IntegerArray(found.astype(np.int8), outside.copy())
        new[f"rivalry_id{psfx}"] = pd.arrays.IntegerArray(ids[rows], ~found | outside)
        for k in RIVALRY_TYPES:
            new[f"rivalry_{k}{psfx}"] = pd.arrays.IntegerArray(types[k][rows], outside.copy())
    out = assign(frame, new)
    return stamp(out, datasets=[_DATASET[source]], config={"rivalry": source})
