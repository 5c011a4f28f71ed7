"""Argument checks shared by the vectorised model functions (leeway, strategy).

Each turns bad input into an :class:`~realpolitik.errors.InputError` naming the argument, the
first offending element and the allowed interval.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from realpolitik.errors import InputError

FloatArray = npt.NDArray[np.float64]


def as_floats(x: Any, name: str, hint: str) -> FloatArray:
    """``x`` as a float64 array; booleans, text and objects are an :class:`InputError`."""
    try:
        raw = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged sequences
        raise InputError(f"{name} must be a number or an array of numbers, not {x!r}",
                         hint) from exc
    if raw.dtype == bool or raw.dtype.kind not in "iuf":
        raise InputError(f"{name} must be a number or an array of numbers, not {x!r}", hint)
    return raw.astype(np.float64)


def checked(
    x: Any,
    name: str,
    lo: float = -math.inf,
    hi: float = math.inf,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    hint: str = "",
    allow_nan: bool = False,
    allow_neg_inf: bool = False,
) -> FloatArray:
    """``x`` as a float64 array whose every element is finite and inside the interval (bounds
    closed unless ``lo_open``/``hi_open``), else an :class:`InputError`. NaN passes through only
    with ``allow_nan`` (missing data stay missing); −inf only with ``allow_neg_inf`` (e.g. a log
    score of 0)."""
    a = as_floats(x, name, hint)
    with np.errstate(invalid="ignore"):
        inside = (a > lo if lo_open else a >= lo) & (a < hi if hi_open else a <= hi)
        inside &= np.isfinite(a) | (allow_neg_inf & (a == -math.inf))
    if allow_nan:
        inside |= np.isnan(a)
    if not inside.all():
        bad = ~inside
        first = float(a[bad].flat[0])
        lo_b = "(" if lo_open or lo == -math.inf else "["
        hi_b = ")" if hi_open or hi == math.inf else "]"
        lo_t = "-inf" if lo == -math.inf else f"{lo:g}"
        hi_t = "inf" if hi == math.inf else f"{hi:g}"
        where = f" (element {int(np.flatnonzero(bad.ravel())[0])})" if a.ndim else ""
        what = "a number" if allow_nan else "a finite number"
        raise InputError(f"{name}={first!r}{where} is outside {lo_b}{lo_t}, {hi_t}{hi_b}",
                         hint or f"{name} must be {what} in {lo_b}{lo_t}, {hi_t}{hi_b}")
    return a
