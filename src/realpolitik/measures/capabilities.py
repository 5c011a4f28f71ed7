"""COW National Material Capabilities joined onto any unit (like peacesciencer's ``add_nmc``)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd

from realpolitik.data import loaders
from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures._dispatch import actor_columns, assign
from realpolitik.measures.join import StateYearIndex, take


@cache
def _nmc_index() -> tuple[pd.DataFrame, StateYearIndex]:
    nmc = loaders.nmc()
    return nmc, StateYearIndex(nmc["ccode"].to_numpy(), nmc["year"].to_numpy())


def add_capabilities(
    frame: pd.DataFrame,
    components: Sequence[str] = loaders.NMC_COMPONENTS,
    cinc: bool = True,
) -> pd.DataFrame:
    """Join COW NMC v7.0 components and the published CINC for every actor of the unit.

    Column names take the actor's suffix: ``milex, …, cinc`` on state-years, ``milex1, cinc2``
    on dyad-years, ``cinc_a, cinc_c`` on triad-years. Units as in
    :func:`realpolitik.data.loaders.nmc`. Years outside NMC (after 2022) and ``-9`` codes are NA.
    State-year frames also get ``upop_break`` (True from 2017, the v7.0 urban-population break).
    """
    bad = [c for c in components if c not in loaders.NMC_COMPONENTS]
    if bad:
        raise InputError(f"unknown NMC component {bad[0]!r}",
                         "choose from " + ", ".join(loaders.NMC_COMPONENTS))
    info, codes, year = actor_columns(frame)
    nmc, idx = _nmc_index()
    cols = [*components, *(["cinc"] if cinc else [])]
    new: dict[str, object] = {}
    for sfx, cc in codes.items():
        rows = idx.rows(cc, year)
        for c in cols:
            new[f"{c}{sfx}"] = take(nmc[c], rows)
    if info.kind == "state_year":
        new["upop_break"] = year >= 2017
    out = assign(frame, new)
    return stamp(out, datasets=["nmc"], config={"capabilities": cols})
