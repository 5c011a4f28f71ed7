"""Fast joins of state-year and dyad-year measures onto unit frames (NumPy gathers, no merges).

Two primitives serve every ``add_*`` step:

* :func:`gather_state_year` looks up (ccode, year) rows of a state-year table through a dense
  index (COW codes < 1000 × years), so a 2-million-row dyad frame takes two array gathers.
* :class:`DensePairYearIndex` looks up (ccode1, ccode2, year) rows of a dyad-year table through
  a dense (state × state × year) array.

Rows not found get NA (NaN for floats, ``<NA>`` for nullable integers); callers decide where
"not found" means 0 instead (e.g. ATOP inside its coverage).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from realpolitik.errors import InputError

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


class DensePairYearIndex:
    """Dense (ccode1, ccode2, year) → row of a dyad-year table, for million-row gathers.

    A lookup costs a few array operations over the query (no sort, no search): the table's
    state codes are numbered ``0..n-1`` and rows stored in an ``n × n × years`` int32 array.
    Sized for tables over a few hundred states and two centuries (a few tens of MB at most).
    With ``symmetric=True`` every row is also filed under (ccode2, ccode1, year), so a
    non-directed table (``ccode1 < ccode2``) answers queries in either order. Keys must be
    unique (a later duplicate overwrites an earlier one).
    """

    def __init__(
        self, c1: np.ndarray, c2: np.ndarray, year: np.ndarray, *, symmetric: bool = False
    ) -> None:
        c1 = np.asarray(c1, dtype=np.int64)
        c2 = np.asarray(c2, dtype=np.int64)
        year = np.asarray(year, dtype=np.int64)
        codes = np.union1d(c1, c2)
        self.pos = np.full(_MAX_CCODE, -1, dtype=np.int64)
        self.pos[codes] = np.arange(len(codes))
        self.n = len(codes)
        self.y0 = int(year.min()) if len(year) else 0
        self.ny = int(year.max()) - self.y0 + 1 if len(year) else 0
        self.lut = np.full(self.n * self.n * max(self.ny, 0), -1, dtype=np.int32)
        rows = np.arange(len(c1), dtype=np.int32)
        p1, p2, y = self.pos[c1], self.pos[c2], year - self.y0
        self.lut[(p1 * self.n + p2) * self.ny + y] = rows
        if symmetric:
            self.lut[(p2 * self.n + p1) * self.ny + y] = rows

    def rows(self, c1: np.ndarray, c2: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Row of each (ccode1, ccode2, year), -1 where the table has none."""
        c1 = np.asarray(c1)
        c2 = np.asarray(c2)
        if len(c1) == 0 or self.ny == 0:
            return np.full(len(c1), -1, dtype=np.int32)
        if min(c1.min(), c2.min()) < 0 or max(c1.max(), c2.max()) >= _MAX_CCODE:
            raise InputError("state codes must be COW codes between 0 and 999")
        p1 = self.pos[c1]
        p2 = self.pos[c2]
        y = np.asarray(year, dtype=np.int64) - self.y0
        ok = (p1 >= 0) & (p2 >= 0) & (y >= 0) & (y < self.ny)
        flat = np.where(ok, (p1 * self.n + p2) * self.ny + y, 0)
        return np.where(ok, self.lut[flat], -1)
