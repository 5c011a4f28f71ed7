"""Fast joins of state-year and dyad-year measures onto unit frames (NumPy gathers, no merges).

Two primitives serve every ``add_*`` step:

* :func:`gather_state_year` looks up (ccode, year) rows of a state-year table through a dense
  index (COW codes < 1000 × years), so a 2-million-row dyad frame takes two array gathers.
* :func:`gather_pair_year` looks up (ccode1, ccode2, year) rows through a sorted int64 key and
  ``searchsorted``.

Rows not found get NA (NaN for floats, ``<NA>`` for nullable integers); callers decide where
"not found" means 0 instead (e.g. ATOP inside its coverage).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_MAX_CCODE = 1000


class StateYearIndex:
    """Dense (ccode, year) → row index of a state-year table."""

    def __init__(self, ccode: np.ndarray, year: np.ndarray) -> None:
        ccode = np.asarray(ccode, dtype=np.int64)
        year = np.asarray(year, dtype=np.int64)
        self.y0 = int(year.min()) if len(year) else 0
        self.y1 = int(year.max()) if len(year) else -1
        self.lut = np.full((_MAX_CCODE, self.y1 - self.y0 + 1), -1, dtype=np.int32)
        self.lut[ccode, year - self.y0] = np.arange(len(ccode), dtype=np.int32)

    def rows(self, ccode: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Row of each (ccode, year) in the table, -1 where absent."""
        c = np.asarray(ccode)
        y = np.asarray(year)
        if len(c) == 0:
            return np.empty(0, dtype=np.int32)
        ny = self.lut.shape[1]
        if c.min() >= 0 and c.max() < _MAX_CCODE and y.min() >= self.y0 and y.max() <= self.y1:
            # fast path: every key inside the table's box, one flat gather
            flat = c.astype(np.int32) * np.int32(ny) + (y.astype(np.int32) - np.int32(self.y0))
            return self.lut.ravel()[flat]
        c64 = c.astype(np.int64)
        y64 = y.astype(np.int64) - self.y0
        ok = (y64 >= 0) & (y64 < ny) & (c64 >= 0) & (c64 < _MAX_CCODE)
        out = np.full(len(c), -1, dtype=np.int32)
        out[ok] = self.lut[c64[ok], y64[ok]]
        return out


def take(values: pd.Series | np.ndarray, rows: np.ndarray) -> Any:
    """Values at ``rows`` with NA where ``rows == -1``, keeping float / nullable-int / bool / str
    dtypes."""
    if isinstance(values, pd.Series):
        dtype = values.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) or dtype.kind == "O":
            arr = values.array
            return arr.take(rows, allow_fill=True)
        values = values.to_numpy()
    if values.dtype.kind == "f":
        return np.append(values, np.nan)[rows]
    if values.dtype.kind in "iub":
        data = np.append(values, values[:1] if len(values) else np.zeros(1, values.dtype))[rows]
        mask = rows < 0
        if values.dtype.kind == "b":
            return pd.arrays.BooleanArray(data.astype(bool), mask)
        return pd.arrays.IntegerArray(data, mask)
    return pd.array(values).take(rows, allow_fill=True)


def gather_state_year(
    table: pd.DataFrame,
    ccode: np.ndarray,
    year: np.ndarray,
    columns: Sequence[str],
    index: StateYearIndex | None = None,
) -> dict[str, object]:
    """Columns of a ``ccode, year`` table at the given state-years (NA where absent)."""
    idx = index or StateYearIndex(table["ccode"].to_numpy(), table["year"].to_numpy())
    rows = idx.rows(ccode, year)
    return {c: take(table[c], rows) for c in columns}


def pair_keys(c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Sortable int64 key of a directed dyad-year."""
    return (
        np.asarray(c1, dtype=np.int64) * _MAX_CCODE + np.asarray(c2, dtype=np.int64)
    ) * 4096 + np.asarray(year, dtype=np.int64)


class PairYearIndex:
    """Sorted (ccode1, ccode2, year) key → row index of a dyad-year table."""

    def __init__(self, c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> None:
        keys = pair_keys(c1, c2, year)
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]

    def rows(self, c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> np.ndarray:
        q = pair_keys(c1, c2, year)
        if len(self.keys) == 0:
            return np.full(len(q), -1, dtype=np.int64)
        pos = np.searchsorted(self.keys, q)
        pos_c = np.minimum(pos, len(self.keys) - 1)
        found = self.keys[pos_c] == q
        return np.where(found, self.order[pos_c], -1)
