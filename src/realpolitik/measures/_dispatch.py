"""Helpers shared by the ``add_*`` steps: find actor and pair columns of a unit frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from realpolitik.errors import InputError
from realpolitik.units import UnitInfo, unit_info


def actor_columns(frame: pd.DataFrame) -> tuple[UnitInfo, dict[str, np.ndarray], np.ndarray]:
    """(unit info, {suffix: ccode array}, year array) of a unit frame."""
    info = unit_info(frame)
    codes = {sfx: frame[col].to_numpy() for sfx, col in info.actors.items()}
    return info, codes, frame["year"].to_numpy()


def require_pairs(info: UnitInfo, measure: str) -> None:
    if not info.pairs:
        raise InputError(
            f"{measure} is a measure of pairs of states, and a {info.kind} frame has no pairs",
            "use dyad_years() or triad_years() as the unit",
        )


def assign(frame: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """A new frame with ``columns`` added (replacing same-named ones), attrs kept."""
    data: dict[str, object] = {c: frame[c] for c in frame.columns if c not in columns}
    data.update(columns)
    out = pd.DataFrame(data, index=frame.index, copy=False)
    out.attrs = dict(frame.attrs)
    return out
