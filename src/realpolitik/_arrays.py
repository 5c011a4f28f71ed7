"""Small array helpers shared across layers (no I/O, no domain knowledge)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def spell_years(first: ArrayLike, last: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Expand inclusive year spells: (spell index, year) of every year of every spell."""
    lo = np.asarray(first, dtype=np.int64)
    hi = np.asarray(last, dtype=np.int64)
    n = np.clip(hi - lo + 1, 0, None)
    idx = np.repeat(np.arange(len(lo)), n)
    offs = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return idx, lo[idx] + offs
