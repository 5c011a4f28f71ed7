"""Contiguity and distance between the members of every pair of a unit.

* :func:`add_contiguity` — COW Direct Contiguity v3.2 (Stinnett et al. 2002, as packaged by
  peacesciencer): the closest type of contiguity present on any day of the year.
* :func:`add_distance` — great-circle distance between capitals (peacesciencer's
  ``cow_capitals``, haversine) or minimum distance between territories (CShapes 2.0 via
  peacesciencer's ``cow_mindist``), in kilometres.

All three are symmetric (the same value in both orders of a directed dyad). Outside a source's
coverage the columns are NA, never 0 or "not contiguous".

"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from realpolitik._arrays import spell_years
from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures._dispatch import actor_columns, assign, require_pairs
from realpolitik.measures.join import DensePairYearIndex, StateYearIndex, take

# --------------------------------------------------------------------------------------------
# Contiguity
# --------------------------------------------------------------------------------------------
#: First and last year of COW Direct Contiguity v3.2 (its records end in 2016-12).
CONTIGUITY_FIRST_YEAR = 1816
CONTIGUITY_LAST_YEAR = 2016
#: ``contiguity`` value of a pair that is not contiguous in the year.
NOT_CONTIGUOUS = 6


@cache
def _contiguity_table() -> tuple[np.ndarray, DensePairYearIndex]:
    """Directed pair-years with some contiguity (types 1–5): closest type of the year."""
    c = loaders.contdir()
    c = c[c["conttype"] > 0]
    idx, year = spell_years(c["stdate"].dt.year.to_numpy(), c["enddate"].dt.year.to_numpy())
    t = pd.DataFrame({
        "ccode1": c["ccode1"].to_numpy()[idx], "ccode2": c["ccode2"].to_numpy()[idx],
        "year": year, "conttype": c["conttype"].to_numpy()[idx],
    }).groupby(["ccode1", "ccode2", "year"], as_index=False)["conttype"].min()
    index = DensePairYearIndex(t["ccode1"].to_numpy(), t["ccode2"].to_numpy(),
                               t["year"].to_numpy(), symmetric=True)
    return t["conttype"].to_numpy(np.int8), index


def add_contiguity(frame: pd.DataFrame) -> pd.DataFrame:
    """Join COW direct contiguity for every pair of the unit (like peacesciencer's
    ``add_contiguity``).

    Adds ``contiguity`` (nullable Int8; ``contiguity_ab`` … on triad-years): the closest
    contiguity type present on any day of the year — 1 land border, 2 separated by ≤ 12 miles
    of water, 3 ≤ 24 miles, 4 ≤ 150 miles, 5 ≤ 400 miles — and 6 for a pair not contiguous at
    any time of the year (COW's "no contiguity", which the source codes 0 or leaves out; 6 keeps
    the scale ordered, so ``contiguity <= 1`` is a land border, ``<= 5`` any contiguity).
    Month precision: a record ending 1959-12 counts for 1959, one starting 1959-01 for 1959.

    Coverage 1816–2016 (the records end in 2016-12); later years are NA, not 6. Contiguity is
    symmetric, so both orders of a directed dyad get the same value. Example: Russia–China
    (365–710) is 1 from 1860; USA–Russia is 6 to 1958 and 2 from 1959.
    """
    info, codes, year = actor_columns(frame)
    require_pairs(info, "contiguity")
    types, index = _contiguity_table()
    year = np.asarray(year)
    outside = (year < CONTIGUITY_FIRST_YEAR) | (year > CONTIGUITY_LAST_YEAR)
    new: dict[str, object] = {}
    for psfx, (s1, s2) in info.pairs.items():
        rows = index.rows(codes[s1], codes[s2], year)
        vals = np.where(rows >= 0, np.append(types, NOT_CONTIGUOUS)[rows], NOT_CONTIGUOUS)
        new[f"contiguity{psfx}"] = pd.arrays.IntegerArray(vals.astype(np.int8), outside.copy())
    out = assign(frame, new)
    return stamp(out, datasets=["contdir"], config={"contiguity": "cow_contdir"})


# --------------------------------------------------------------------------------------------
# Distance
# --------------------------------------------------------------------------------------------
EARTH_RADIUS_KM = 6371.0
#: Years of CShapes-based minimum distances (measured on 1 January of each year).
MINDIST_FIRST_YEAR = 1886
MINDIST_LAST_YEAR = 2019


def haversine_km(
    lat1: ArrayLike, lng1: ArrayLike, lat2: ArrayLike, lng2: ArrayLike
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (sphere of radius 6371 km).

    >>> round(float(haversine_km(38.895037, -77.036543, 55.625578, 37.606392)))
    7831
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(np.asarray(lng2) - np.asarray(lng1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@cache
def _capital_years() -> tuple[pd.DataFrame, StateYearIndex]:
    """One capital per state-year: the one in office on 1 July, else the latest of the year."""
    k = loaders.capitals()
    idx, year = spell_years(k["stdate"].dt.year.to_numpy(), k["enddate"].dt.year.to_numpy())
    st = k["stdate"].to_numpy("datetime64[D]")[idx]
    en = k["enddate"].to_numpy("datetime64[D]")[idx]
    jul1 = ((year - 1970) * 12 + 6).astype("datetime64[M]").astype("datetime64[D]")
    t = pd.DataFrame({
        "ccode": k["ccode"].to_numpy()[idx], "year": year,
        "midyear": (st <= jul1) & (jul1 <= en), "stdate": st,
        "capital": k["capital"].to_numpy()[idx],
        "lat": k["lat"].to_numpy()[idx], "lng": k["lng"].to_numpy()[idx],
    }).sort_values(["ccode", "year", "midyear", "stdate"], kind="stable")
    t = t.drop_duplicates(["ccode", "year"], keep="last").reset_index(drop=True)
    return t, StateYearIndex(t["ccode"].to_numpy(), t["year"].to_numpy())


@cache
def _mindist_index() -> tuple[np.ndarray, DensePairYearIndex]:
    m = loaders.mindist()
    index = DensePairYearIndex(m["ccode1"].to_numpy(), m["ccode2"].to_numpy(),
                               m["year"].to_numpy(), symmetric=True)
    return m["mindist"].to_numpy(np.float64), index


def add_distance(
    frame: pd.DataFrame, kind: Literal["capital", "minimum"] = "capital"
) -> pd.DataFrame:
    """Join the distance in km between the members of every pair of the unit.

    ``kind="capital"`` adds ``capdist`` (``capdist_ab`` … on triad-years): the great-circle
    distance between the two capitals (haversine, sphere of radius 6371 km), using each
    state's capital **in office on 1 July** of the year (so Moscow for Russia from 1918,
    Brasília for Brazil from 1960); a capital spell that does not reach 1 July is used only if
    no other covers the year. Coordinates from peacesciencer's ``cow_capitals`` (end 2024), so
    USA–Russia is 7,831 km. NA for a state-year without a listed capital or after 2024.

    ``kind="minimum"`` adds ``mindist``: the minimum distance between the two territories on
    **1 January** of the year (CShapes 2.0, computed by peacesciencer; 0 for land neighbours),
    e.g. USA–Russia 3,243.4 km to 1959 and 79.98 km from 1960 (Alaska). Coverage 1886–2019:
    NA before 1886, after 2019, and for pairs CShapes lacks.

    Both are symmetric (same value in both orders of a directed dyad). Float64, NaN for NA.
    """
    if kind not in ("capital", "minimum"):
        raise InputError(f"unknown distance kind {kind!r}", "use kind='capital' or 'minimum'")
    info, codes, year = actor_columns(frame)
    require_pairs(info, "distance")
    new: dict[str, object] = {}
    if kind == "capital":
        caps, sidx = _capital_years()
        # unit vectors of the capitals (NaN row for "no capital"): the haversine distance is
        # 2R·asin(chord / 2), the chord being the straight line between the two unit vectors
        lat = np.radians(np.append(caps["lat"].to_numpy(np.float64), np.nan))
        lng = np.radians(np.append(caps["lng"].to_numpy(np.float64), np.nan))
        xyz = (np.cos(lat) * np.cos(lng), np.cos(lat) * np.sin(lng), np.sin(lat))
        actor_rows = {sfx: sidx.rows(cc, year) for sfx, cc in codes.items()}
        for psfx, (s1, s2) in info.pairs.items():
            r1, r2 = actor_rows[s1], actor_rows[s2]
            chord2 = np.zeros(len(r1))
            for coord in xyz:  # three 1-D gathers (faster than one gather of an n × 3 array)
                diff = coord[r1] - coord[r2]
                chord2 += diff * diff
            new[f"capdist{psfx}"] = 2 * EARTH_RADIUS_KM * np.arcsin(
                np.minimum(np.sqrt(chord2) / 2, 1.0))
        out = assign(frame, new)
        return stamp(out, datasets=["capitals"], config={"distance": "capital"})
    dist, index = _mindist_index()
    for psfx, (s1, s2) in info.pairs.items():
        rows = index.rows(codes[s1], codes[s2], year)
        new[f"mindist{psfx}"] = take(dist, rows)
    out = assign(frame, new)
    return stamp(out, datasets=["mindist"], config={"distance": "minimum"})
