"""The alignment plane (DESIGN §4.1): region maps, hard and soft classifiers, margins, geometry.

A point of the plane is a pair (Rg, Ar): the power gap between the tandem's partners
(:mod:`realpolitik.measures.gap`) and the adversary's offensive response, both measured from the
reference year t0, which is the origin. A **region map** (:class:`RegionMap`) is configuration —
named thresholds, the kind of rules, and options — and the classifiers turn points into one of
the six labels of :mod:`realpolitik.models.labels`:

* :func:`classify` / :func:`classify_labels` — the hard label (int8 index / name);
* :func:`classify_path` — hard labels along years, with hysteresis (alliances outlive causes);
* :func:`classify_soft` — the probability of each label (logistic boundaries, temperature T);
* :func:`margins` / :func:`margin` — how far a point is inside (> 0) or outside (< 0) a region;
* :func:`region_polygons` / :func:`region_raster` — the regions as geometry, for figures.

Everything is vectorised over NumPy arrays of any shape (``rg`` and ``ar`` broadcast), pure (no
I/O) and fast: ten million points take a fraction of a second (large inputs are processed in
cache-sized chunks).

>>> from realpolitik.models.plane import classify_labels
>>> classify_labels([0.0, 0.1, 0.5, -0.5, -0.1, 0.1], [0.0, 0.4, 0.3, 0.1, 0.9, 0.7]).tolist()
['hedging', 'soft_balancing', 'bandwagoning', 'buck_passing', 'chain_ganging', 'hard_balancing']

The reference page is ``docs/reference/plane.md``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import product
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from realpolitik.errors import InputError
from realpolitik.models.labels import (
    BANDWAGONING,
    BUCK_PASSING,
    CHAIN_GANGING,
    HARD_BALANCING,
    HEDGING,
    LABELS,
    SOFT_BALANCING,
    label_index,
)
from realpolitik.references import WORKS, cites, register

__all__ = [
    "FIELD_HELP",
    "KINDS",
    "MAPS",
    "UNCLASSIFIED",
    "MapLike",
    "RegionMap",
    "RegionRaster",
    "Thresholds",
    "classify",
    "classify_labels",
    "classify_path",
    "classify_soft",
    "classify_table",
    "default_map",
    "get_map",
    "margin",
    "margins",
    "plot_box",
    "quadrant_map",
    "region_anchors",
    "region_map",
    "region_polygons",
    "region_raster",
]

#: Label code of a point that could not be classified (a NaN input with ``nan="unclassified"``).
UNCLASSIFIED = -1

#: The kinds of rules a region map can use.
KINDS: tuple[str, ...] = ("ordered-rules", "quadrant")

NanPolicy = Literal["raise", "unclassified"]

#: Works the default map rests on: Walt (threat → balancing), Schweller (bandwagoning for
#: profit), Christensen & Snyder (chain-ganging, buck-passing), Mearsheimer (buck-passing, hard
#: balancing), Pape and Paul (soft balancing), Kuik (hedging).
DEFAULT_SOURCES: tuple[str, ...] = (
    "walt1987", "schweller1994", "christensen1990", "mearsheimer2001", "pape2005", "paul2005",
    "kuik2008",
)

#: Meaning and allowed values of every field of a region map (used in error hints and docs).
FIELD_HELP: dict[str, str] = {
    "name": "the map's name (non-empty text)",
    "kind": "'ordered-rules' (DESIGN §4.1) or 'quadrant' (the four-quadrant alternative)",
    "description": "free text",
    "a_S": "adversary pressure Ar at which soft balancing starts; 0 < a_S < a_H",
    "a_H": "pressure at which hard balancing starts; a_S < a_H ≤ a_C",
    "a_C": "pressure at which chain-ganging risk starts; a_C ≥ a_H",
    "r_B0": "gap Rg beyond which the weaker partner bandwagons (at Ar ≤ a_S); r_B0 ≥ r_C",
    "beta": "how fast the bandwagoning gap falls as pressure rises above a_S; beta ≥ 0",
    "r_P": "gap recovery below which the weaker partner passes the buck; r_P < 0",
    "r_C": "largest gap at which chain-ganging is sustained; r_C ≤ r_B0",
    "hysteresis": "half-band h ≥ 0 within which a label outlives its causes (0 = off)",
    "front_asymmetry": "true/false: the partner the adversary accommodates passes the buck",
    "front_gap": "how much the two fronts must differ for front asymmetry; front_gap ≥ 0",
    "offense_shift": "δ: perceived offense dominance lowers a_H and a_C by δ (δ < 0: defense "
                     "dominance raises them); a_H − δ > a_S",
    "temperature": "T > 0 of the soft classifier, in units of Rg and Ar",
    "sources": "keys of realpolitik.references.WORKS",
}

#: One-line summary of all constraints (the hint of every constraint error).
CONSTRAINTS = ("a region map needs 0 < a_S < a_H − offense_shift, a_C ≥ a_H, r_P < 0, beta ≥ 0, "
               "r_C ≤ r_B0, hysteresis ≥ 0, front_gap ≥ 0, temperature > 0, all finite")

_NUMERIC = ("a_S", "a_H", "a_C", "r_B0", "beta", "r_P", "r_C", "hysteresis", "front_gap",
            "offense_shift", "temperature")


def _g(x: float) -> str:
    return f"{x:g}"


class Thresholds(NamedTuple):
    """The thresholds a map applies, after the offense-dominance shift (see
    :meth:`RegionMap.thresholds`)."""

    a_S: float
    a_H: float
    a_C: float
    r_B0: float
    beta: float
    r_P: float
    r_C: float


class RegionMap(BaseModel):
    """A region map of the alignment plane: named thresholds, the kind of rules, and options.

    Construct with :func:`region_map` (overrides of a named map) or :meth:`from_dict`; invalid
    maps raise :class:`~realpolitik.errors.InputError` naming the broken constraint. The map is
    frozen (hashable, safe to share) and round-trips through :meth:`to_dict`.

    >>> m = region_map(a_H=0.5)
    >>> m.a_H, RegionMap.from_dict(m.to_dict()) == m
    (0.5, True)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "default"
    kind: Literal["ordered-rules", "quadrant"] = "ordered-rules"
    description: str = ""
    a_S: float = 0.25
    a_H: float = 0.60
    a_C: float = 0.80
    r_B0: float = 0.40
    beta: float = 0.30
    r_P: float = -0.30
    r_C: float = 0.00
    hysteresis: float = 0.0
    front_asymmetry: bool = False
    front_gap: float = 0.5
    offense_shift: float = 0.0
    temperature: float = 0.05
    sources: tuple[str, ...] = DEFAULT_SOURCES

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _input_error(exc) from None

    @model_validator(mode="after")
    def _check(self) -> RegionMap:
        problems = _problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def thresholds(self) -> Thresholds:
        """The thresholds in force: a_H and a_C lowered by ``offense_shift`` (δ > 0: offense
        perceived dominant), the others as given.

        >>> region_map(offense_shift=0.1).thresholds().a_H
        0.5
        """
        d = self.offense_shift
        return Thresholds(self.a_S, self.a_H - d, self.a_C - d, self.r_B0, self.beta, self.r_P,
                          self.r_C)

    def r_B(self, ar: ArrayLike) -> NDArray[np.float64]:
        """The bandwagoning gap r_B(Ar) = r_B0 − beta·max(0, Ar − a_S).

        >>> round(float(default_map().r_B(0.6)), 3)
        0.295
        """
        a = _as_float(ar, "ar")
        return _rb(a.reshape(-1), self.thresholds()).reshape(a.shape)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON/TOML-ready dictionary (lists for tuples); :meth:`from_dict` reads it back."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RegionMap:
        """Validate a dictionary (as stored in scenario and parameter files).

        Unknown keys, wrong types and broken constraints raise
        :class:`~realpolitik.errors.InputError`.
        """
        if not isinstance(data, Mapping):
            raise InputError(f"a region map must be a table of named values, got "
                             f"{type(data).__name__}", "e.g. {'a_S': 0.25, 'a_H': 0.6}")
        return cls(**{str(k): v for k, v in data.items()})


#: What the classifiers accept as a map: a RegionMap, a name in MAPS, a dictionary, or None
#: (the default map).
MapLike: TypeAlias = RegionMap | str | Mapping[str, Any] | None


def _problems(m: RegionMap) -> list[str]:
    """Every broken constraint of ``m``, as messages naming it."""
    out: list[str] = []
    for f in _NUMERIC:
        v = getattr(m, f)
        if not math.isfinite(v):
            out.append(f"{f} ({v}) must be a finite number")
    if out:
        return out
    if not m.name.strip():
        out.append("name must not be empty")
    if m.a_S <= 0:
        out.append(f"a_S ({_g(m.a_S)}) must be greater than 0 (the origin, today's status quo, "
                   "is hedging)")
    if m.a_H <= m.a_S:
        out.append(f"a_H ({_g(m.a_H)}) must be greater than a_S ({_g(m.a_S)})")
    elif m.a_H - m.offense_shift <= m.a_S:
        out.append(f"a_H − offense_shift ({_g(m.a_H)} − {_g(m.offense_shift)} = "
                   f"{_g(m.a_H - m.offense_shift)}) must be greater than a_S ({_g(m.a_S)})")
    if m.a_C < m.a_H:
        out.append(f"a_C ({_g(m.a_C)}) must be greater than or equal to a_H ({_g(m.a_H)})")
    if m.r_P >= 0:
        out.append(f"r_P ({_g(m.r_P)}) must be less than 0 (the origin is hedging, not "
                   "buck-passing)")
    if m.beta < 0:
        out.append(f"beta ({_g(m.beta)}) must be greater than or equal to 0")
    if m.r_C > m.r_B0:
        out.append(f"r_C ({_g(m.r_C)}) must be less than or equal to r_B0 ({_g(m.r_B0)})")
    if m.hysteresis < 0:
        out.append(f"hysteresis ({_g(m.hysteresis)}) must be greater than or equal to 0")
    if m.front_gap < 0:
        out.append(f"front_gap ({_g(m.front_gap)}) must be greater than or equal to 0")
    if m.temperature <= 0:
        out.append(f"temperature ({_g(m.temperature)}) must be greater than 0")
    unknown = [w for w in m.sources if w not in WORKS]
    if unknown:
        out.append(f"sources: unknown work key(s) {unknown}")
    return out


def _input_error(exc: ValidationError) -> InputError:
    """Turn pydantic's error into one InputError naming each field and its allowed values."""
    fields = list(RegionMap.model_fields)
    msgs: list[str] = []
    hints: list[str] = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        field = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            msgs.append(f"unknown region-map key {loc!r}")
            close = difflib.get_close_matches(field, fields, n=1)
            hints.append((f"did you mean {close[0]!r}? " if close else "")
                         + "allowed keys: " + ", ".join(fields))
        elif not field and err["type"] == "value_error":
            msgs.append(str(err.get("ctx", {}).get("error", err["msg"])))
            hints.append(CONSTRAINTS)
        else:
            msgs.append(f"{loc} ({err.get('input')!r}): {err['msg']}")
            hints.append(f"{field}: {FIELD_HELP.get(field, 'see FIELD_HELP')}")
    hint = "; ".join(dict.fromkeys(hints))
    return InputError("invalid region map: " + "; ".join(msgs), hint)


def region_map(base: str | RegionMap = "default", /, **overrides: Any) -> RegionMap:
    """A named map (``"default"``, ``"quadrant"`` or a :class:`RegionMap`) with ``overrides``.

    >>> region_map("quadrant", a_S=0.3).kind
    'quadrant'
    >>> region_map(a_H=0.2)
    Traceback (most recent call last):
    ...
    realpolitik.errors.InputError: invalid region map: a_H (0.2) must be greater than a_S ...
    """
    start = get_map(base) if isinstance(base, str) else base
    if not isinstance(start, RegionMap):
        raise InputError(f"base must be a map name or a RegionMap, got {type(base).__name__}",
                         "use one of " + ", ".join(MAPS))
    return RegionMap.from_dict({**start.to_dict(), **overrides})


def get_map(name: str) -> RegionMap:
    """The map registered in :data:`MAPS` under ``name``."""
    key = str(name).strip().lower()
    if key not in MAPS:
        raise InputError(f"unknown region map {name!r}", "use one of " + ", ".join(MAPS))
    return MAPS[key]


def default_map() -> RegionMap:
    """The default map of DESIGN §4.1 (kind ``ordered-rules``)."""
    return MAPS["default"]


def quadrant_map() -> RegionMap:
    """The named four-quadrant alternative (kind ``quadrant``, straight boundaries: beta = 0).

    Pressure splits the plane at a_S. Above it the tandem balances when the gap is small
    (Rg ≤ r_B0; hard balancing from a_H, with the chain-ganging sub-zone Ar ≥ a_C, Rg ≤ r_C,
    soft balancing below a_H) and the weaker partner bandwagons when it is large (Rg > r_B0);
    below it the weaker partner hedges unless the gap has turned against the stronger one
    (Rg < r_P: buck-passing).
    """
    return MAPS["quadrant"]


MAPS: dict[str, RegionMap] = {
    "default": RegionMap(
        name="default",
        description="DESIGN §4.1: ordered rules derived from Walt, Schweller, Christensen & "
                    "Snyder, Mearsheimer, Pape, Paul and Kuik"),
    "quadrant": RegionMap(
        name="quadrant", kind="quadrant", beta=0.0,
        description="four quadrants cut at Ar = a_S and, above it, Rg = r_B0 (balancing | "
                    "bandwagoning), below it Rg = r_P (buck-passing | hedging); hard balancing "
                    "and chain-ganging as sub-zones of balancing"),
}

for _name, _m in MAPS.items():
    register(f"plane.map.{_name}", "region-map", list(_m.sources), _m.description, __name__)
register("plane.option.hysteresis", "plane-option", ["snyder1997"],
         "alliances outlive their causes: a label persists while within h of its region",
         __name__)
register("plane.option.front_asymmetry", "plane-option",
         ["christensen1990", "mearsheimer2001", "walt1987"],
         "the partner the adversary accommodates passes the buck", __name__)
register("plane.option.offense_shift", "plane-option", ["jervis1978", "christensen1990"],
         "perceived offense dominance lowers a_H and a_C (chain-ganging earlier); defense "
         "dominance raises them (buck-passing)", __name__)


# ------------------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------------------
def resolve_map(region_map: MapLike) -> RegionMap:
    """A region map from a :class:`RegionMap`, a map name (see ``MAPS``), a dict of its fields,
    or None (the default map)."""
    if region_map is None:
        return default_map()
    if isinstance(region_map, RegionMap):
        return region_map
    if isinstance(region_map, str):
        return get_map(region_map)
    if isinstance(region_map, Mapping):
        return RegionMap.from_dict(region_map)
    raise InputError(f"region_map must be a RegionMap, a map name or a dict, got "
                     f"{type(region_map).__name__}", "use one of " + ", ".join(MAPS))


def _as_float(x: ArrayLike, what: str) -> NDArray[np.float64]:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{what} must be numbers ({exc})", f"pass a number or an array of "
                         f"numbers as {what}") from None
    return a


class _Points(NamedTuple):
    shape: tuple[int, ...]
    rg: NDArray[np.float64]  # flat, contiguous, finite
    ar: NDArray[np.float64]
    fronts: tuple[NDArray[np.float64], NDArray[np.float64]] | None
    bad: NDArray[np.bool_] | None  # flat mask of NaN points (nan="unclassified")


_BIG = float(np.finfo(np.float64).max)


def _points(rg: ArrayLike, ar: ArrayLike | None, ar_fronts: Any, nan: str,
            use_fronts: bool) -> _Points:
    if nan not in ("raise", "unclassified"):
        raise InputError(f"nan={nan!r} is not a NaN policy", "use 'raise' or 'unclassified'")
    names = ["rg", "ar"]
    arrays: list[NDArray[np.float64]] = [_as_float(rg, "rg")]
    fr: list[NDArray[np.float64]] = []
    if ar_fronts is not None:
        if isinstance(ar_fronts, np.ndarray) and ar_fronts.ndim >= 1 and ar_fronts.shape[0] == 2:
            pair = [ar_fronts[0], ar_fronts[1]]
        elif isinstance(ar_fronts, Sequence) and not isinstance(ar_fronts, str) \
                and len(ar_fronts) == 2:
            pair = list(ar_fronts)
        else:
            raise InputError("ar_fronts must be a pair (ar_A, ar_B)",
                             "the adversary's pressure on partner A and on partner B")
        fr = [_as_float(pair[0], "ar_fronts[0]"), _as_float(pair[1], "ar_fronts[1]")]
    if ar is None:
        if not fr:
            raise InputError("ar is missing", "pass ar, or ar_fronts=(ar_A, ar_B) to use their "
                             "mean")
        with np.errstate(all="ignore"):
            arrays.append((fr[0] + fr[1]) / 2.0)
        names[1] = "ar (the mean of ar_fronts)"
    else:
        arrays.append(_as_float(ar, "ar"))
    if fr and use_fronts:
        arrays += fr
        names += ["ar_fronts[0]", "ar_fronts[1]"]
    try:
        b = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays, strict=False))
        raise InputError(f"shapes do not broadcast: {shapes}",
                         "pass arrays of the same shape (or scalars)") from None
    shape = b[0].shape
    flat = [np.ascontiguousarray(x).reshape(-1) for x in b]
    bad: NDArray[np.bool_] | None = None
    for i, (n, x) in enumerate(zip(names, flat, strict=False)):
        if np.isfinite(x).all():
            continue
        isnan = np.isnan(x)
        if isnan.any():
            if nan == "raise":
                pos = tuple(int(p) for p in np.unravel_index(int(np.flatnonzero(isnan)[0]),
                                                             shape))
                raise InputError(f"{n} is NaN at position {pos}",
                                 "drop or impute missing values first, or pass "
                                 "nan='unclassified' to get label -1 there")
            bad = isnan if bad is None else (bad | isnan)
            x = np.where(isnan, 0.0, x)
        # ±inf behaves as the largest finite number: every function sees finite arithmetic
        flat[i] = np.clip(x, -_BIG, _BIG)
    fronts = (flat[2], flat[3]) if len(flat) == 4 else None
    return _Points(shape, flat[0], flat[1], fronts, bad)


def _temperature(m: RegionMap, temperature: float | None) -> float:
    t = m.temperature if temperature is None else temperature
    try:
        tf = float(t)
    except (TypeError, ValueError):
        tf = float("nan")
    if isinstance(t, bool) or not (math.isfinite(tf) and tf > 0):
        raise InputError(f"temperature ({t!r}) must be a positive finite number",
                         f"the map's default is {m.temperature:g}")
    return tf


# ------------------------------------------------------------------------------------------
# chunked evaluation
# ------------------------------------------------------------------------------------------
_CHUNK = 1 << 13


def _run(n: int, work: Callable[[int, int], None]) -> None:
    """Call ``work(start, stop)`` on cache-sized chunks of ``range(n)``.

    One thread: the chunks are small enough that every temporary stays in cache and below the
    allocator's mmap threshold; on the development machine threads made it slower (many short
    NumPy calls contend for the GIL). Parallelism belongs one level up (Dask, processes).
    """
    for a in range(0, n, _CHUNK):
        work(a, min(a + _CHUNK, n))


# ------------------------------------------------------------------------------------------
# the rules, on slacks
# ------------------------------------------------------------------------------------------
# Every condition of the rule tree is written as a slack s = (x − threshold) with a sign, so
# that the condition holds when s > 0 (strict) or s ≥ 0 (non-strict). The hard classifier tests
# the sign, the soft classifier feeds s/T to the logistic, and the margins combine slacks with
# min (and) / max (or), so the three agree by construction.
#
#   uH = Ar − a_H    upper branch (Ar ≥ a_H)              [ordered-rules]
#   uS = Ar − a_S    upper half   (Ar ≥ a_S)              [quadrant]
#   sb = Rg − r_B(Ar)  bandwagoning gap passed (Rg > r_B)
#   ca = Ar − a_C, cb = r_C − Rg   chain-ganging (Ar ≥ a_C and Rg ≤ r_C)
#   sp = r_P − Rg    buck-passing (Rg < r_P)
#   ss = a_S − Ar    hedging (Ar < a_S)                    [ordered-rules]
#   front: fA = min(−ar_A, ar_B − a_S, ar_B − ar_A − gap), fB the same with A, B swapped.

_BUCK = np.int8(BUCK_PASSING)


def _rb(ar: NDArray[np.float64], t: Thresholds) -> NDArray[np.float64]:
    if t.beta == 0.0:
        return np.full(ar.shape, t.r_B0)
    with np.errstate(over="ignore"):
        x = np.subtract(ar, t.a_S)
        np.maximum(x, 0.0, out=x)
        x *= -t.beta
        x += t.r_B0
    return x


class _Slacks(NamedTuple):
    up: NDArray[np.float64]  # uH (ordered-rules) or uS (quadrant)
    uh: NDArray[np.float64]
    sb: NDArray[np.float64]
    ca: NDArray[np.float64]
    cb: NDArray[np.float64]
    sp: NDArray[np.float64]
    ss: NDArray[np.float64]


def _slacks(m: RegionMap, t: Thresholds, rg: NDArray[np.float64],
            ar: NDArray[np.float64]) -> _Slacks:
    uh = ar - t.a_H
    up = uh if m.kind == "ordered-rules" else ar - t.a_S
    sb = rg - _rb(ar, t)
    return _Slacks(up, uh, sb, ar - t.a_C, t.r_C - rg, t.r_P - rg, t.a_S - ar)


def _front_slack(m: RegionMap, t: Thresholds, fa: NDArray[np.float64],
                 fb: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    d = fb - fa
    sa = np.minimum(np.minimum(-fa, fb - t.a_S), d - m.front_gap)
    sb = np.minimum(np.minimum(-fb, fa - t.a_S), -d - m.front_gap)
    return sa, sb


def _lut_label(kind: str, u: bool, b: bool, c: bool, p: bool, x: bool) -> int:
    """The rule tree on five booleans (see :func:`_hard_chunk`)."""
    if kind == "ordered-rules":  # u: Ar ≥ a_H, x: Ar < a_S
        if u:
            return BANDWAGONING if b else CHAIN_GANGING if c else HARD_BALANCING
        return (BUCK_PASSING if p else HEDGING if x else BANDWAGONING if b
                else SOFT_BALANCING)
    # quadrant: u: Ar ≥ a_S, x: Ar ≥ a_H
    if u:
        if b:
            return BANDWAGONING
        return (CHAIN_GANGING if c else HARD_BALANCING) if x else SOFT_BALANCING
    return BUCK_PASSING if p else HEDGING


_LUT = {kind: np.array([_lut_label(kind, *(bool(code >> k & 1) for k in (4, 3, 2, 1, 0)))
                        for code in range(32)], dtype=np.int8) for kind in KINDS}


def _hard_chunk(m: RegionMap, t: Thresholds, rg: NDArray[np.float64], ar: NDArray[np.float64],
                fronts: tuple[NDArray[np.float64], NDArray[np.float64]] | None
                ) -> NDArray[np.int8]:
    # The conditions' signs, packed into five bits and looked up in the rule tree's table.
    # x ≥ c is tested directly rather than as x − c ≥ 0: the same for finite floats.
    ordered = m.kind == "ordered-rules"
    code = np.greater_equal(ar, t.a_H if ordered else t.a_S).view(np.uint8) << 4
    code |= np.greater(rg, _rb(ar, t)).view(np.uint8) << 3
    chain = np.greater_equal(ar, t.a_C)
    chain &= np.less_equal(rg, t.r_C)
    code |= chain.view(np.uint8) << 2
    code |= np.less(rg, t.r_P).view(np.uint8) << 1
    code |= (np.less(ar, t.a_S) if ordered else np.greater_equal(ar, t.a_H)).view(np.uint8)
    out = _LUT[m.kind].take(code)
    if fronts is not None:
        fa, fb = _front_slack(m, t, *fronts)
        out[(fa > 0) | (fb > 0)] = _BUCK
    return out


def _margin_chunk(m: RegionMap, t: Thresholds, rg: NDArray[np.float64], ar: NDArray[np.float64],
                  fronts: tuple[NDArray[np.float64], NDArray[np.float64]] | None,
                  out: NDArray[np.float64]) -> None:
    mn, mx = np.minimum, np.maximum
    s = _slacks(m, t, rg, ar)
    no_chain = mx(-s.ca, -s.cb)
    if m.kind == "ordered-rules":
        out[:, HEDGING] = mn(-s.sp, s.ss)
        out[:, BANDWAGONING] = mn(mn(s.sb, -s.ss), mx(s.up, -s.sp))
        out[:, SOFT_BALANCING] = mn(mn(-s.up, -s.sp), mn(-s.ss, -s.sb))
        out[:, HARD_BALANCING] = mn(mn(s.up, -s.sb), no_chain)
        out[:, CHAIN_GANGING] = mn(mn(s.up, -s.sb), mn(s.ca, s.cb))
        out[:, BUCK_PASSING] = mn(-s.up, s.sp)
    else:
        out[:, HEDGING] = mn(-s.up, -s.sp)
        out[:, BANDWAGONING] = mn(s.up, s.sb)
        out[:, SOFT_BALANCING] = mn(mn(s.up, -s.sb), -s.uh)
        out[:, HARD_BALANCING] = mn(mn(-s.sb, s.uh), no_chain)
        out[:, CHAIN_GANGING] = mn(mn(-s.sb, s.uh), mn(s.ca, s.cb))
        out[:, BUCK_PASSING] = mn(-s.up, s.sp)
    if fronts is not None:
        fa, fb = _front_slack(m, t, *fronts)
        front = mx(fa, fb)
        buck = mx(out[:, BUCK_PASSING], front)
        mn(out, -front[:, None], out=out)
        out[:, BUCK_PASSING] = buck


_ZMAX = 80.0  # |s/T| is clipped here: exp(±80) is finite in single precision


class _Workspace:
    """Buffers of the soft classifier, allocated once per call and reused for every chunk."""

    def __init__(self, size: int) -> None:
        self.z = np.empty(12 * size, dtype=np.float32)
        self.p = np.empty(12 * size)
        self.q = np.empty(12 * size)
        self.w = np.empty(4 * size)


def _logistic_rows(slacks: Sequence[NDArray[np.float64]], temperature: float, ws: _Workspace
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Row i: (σ(s_i/T), σ(−s_i/T)) from one exponential, both accurate in their tails.

    e = exp(−s/T) is evaluated in single precision (relative error below 1e-7, about twice as
    fast), with |s/T| capped at 80; p = 1/(1 + e) and q = e·p in double precision, so p + q = 1
    to rounding. All rows go through each NumPy call at once.
    """
    k, n = len(slacks), slacks[0].size
    z = ws.z[: k * n].reshape(k, n)
    scale = -1.0 / temperature
    for i, sl in enumerate(slacks):
        if math.isfinite(scale):
            np.multiply(sl, scale, out=z[i], casting="unsafe")
        else:  # a subnormal temperature: divide (0/T is 0, where 0·inf would be NaN)
            np.divide(sl, -temperature, out=z[i], casting="unsafe")
    np.clip(z, -_ZMAX, _ZMAX, out=z)
    np.exp(z, out=z)
    p = ws.p[: k * n].reshape(k, n)
    q = ws.q[: k * n].reshape(k, n)
    np.copyto(q, z)  # e, in double precision
    np.add(q, 1.0, out=p)
    np.reciprocal(p, out=p)
    np.multiply(q, p, out=q)
    return p, q


def _soft_chunk(m: RegionMap, t: Thresholds, rg: NDArray[np.float64], ar: NDArray[np.float64],
                fronts: tuple[NDArray[np.float64], NDArray[np.float64]] | None,
                temperature: float, out: NDArray[np.float64], ws: _Workspace) -> None:
    s = _slacks(m, t, rg, ar)
    last = s.ss if m.kind == "ordered-rules" else s.uh
    rows = [s.up, s.sb, s.ca, s.cb, s.sp, last]
    if fronts is not None:
        fa, fb = fronts
        d = fb - fa
        rows += [-fa, fb - t.a_S, d - m.front_gap, -fb, fa - t.a_S, -d - m.front_gap]
    P, Q = _logistic_rows(rows, temperature, ws)
    up, b, ca, cb, p, x = P[:6]
    upc, bc, cac, cbc, pc, xc = Q[:6]
    n = rg.size
    w = ws.w[: 4 * n].reshape(4, n)
    chain, no_chain, upb, low = w
    np.multiply(ca, cb, out=chain)
    np.multiply(ca, cbc, out=no_chain)
    no_chain += cac  # 1 − ca·cb without cancellation
    np.multiply(up, bc, out=upb)
    mul = np.multiply
    if m.kind == "ordered-rules":  # x: Ar < a_S
        np.multiply(upc, pc, out=low)
        mul(low, x, out=out[:, HEDGING])
        low *= xc
        mul(b, up + low, out=out[:, BANDWAGONING])
        mul(low, bc, out=out[:, SOFT_BALANCING])
    else:  # x: Ar ≥ a_H
        mul(upc, pc, out=out[:, HEDGING])
        mul(up, b, out=out[:, BANDWAGONING])
        mul(upb, xc, out=out[:, SOFT_BALANCING])
        upb *= x
    mul(upb, no_chain, out=out[:, HARD_BALANCING])
    mul(upb, chain, out=out[:, CHAIN_GANGING])
    mul(upc, p, out=out[:, BUCK_PASSING])
    if fronts is not None:
        qa, qb = w[0], w[1]
        mul(P[6], P[7], out=qa)
        qa *= P[8]
        mul(P[9], P[10], out=qb)
        qb *= P[11]
        keep = (1.0 - qa) * (1.0 - qb)
        out *= keep[:, None]
        out[:, BUCK_PASSING] += 1.0 - keep


# ------------------------------------------------------------------------------------------
# public classifiers
# ------------------------------------------------------------------------------------------
def _fronts_slice(pts: _Points, a: int, b: int
                  ) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    return None if pts.fronts is None else (pts.fronts[0][a:b], pts.fronts[1][a:b])


@cites(*DEFAULT_SOURCES, kind="classifier", name="plane.classify")
def classify(rg: ArrayLike, ar: ArrayLike | None, region_map: MapLike = None, *,
             ar_fronts: Any = None, nan: NanPolicy = "raise") -> NDArray[np.int8]:
    """Hard label index (into :data:`~realpolitik.models.labels.LABELS`) of each point (Rg, Ar).

    ``rg`` and ``ar`` broadcast; the result has their shape and dtype int8. Rules (default map,
    DESIGN §4.1), in order: if Ar ≥ a_H: bandwagoning if Rg > r_B(Ar), chain-ganging if
    Ar ≥ a_C and Rg ≤ r_C, else hard balancing; otherwise buck-passing if Rg < r_P, hedging if
    Ar < a_S, bandwagoning if Rg > r_B(Ar), else soft balancing.

    ``ar_fronts=(ar_A, ar_B)``: the adversary's pressure on each partner; used when the map has
    ``front_asymmetry`` on (a partner whose front is below 0 while the other's is above a_S,
    the fronts differing by more than ``front_gap``, passes the buck). If ``ar`` is None it is
    the mean of the fronts. NaN raises :class:`~realpolitik.errors.InputError` naming its
    position, or gives :data:`UNCLASSIFIED` (−1) with ``nan="unclassified"``; ±inf count as the
    largest finite numbers.

    >>> classify([[0.0, -0.5], [0.1, 0.1]], [[0.0, 0.1], [0.4, 0.7]]).tolist()
    [[0, 5], [2, 3]]
    """
    m = resolve_map(region_map)
    pts = _points(rg, ar, ar_fronts, nan, m.front_asymmetry)
    t = m.thresholds()
    out = np.empty(pts.rg.size, dtype=np.int8)

    def work(a: int, b: int) -> None:
        with np.errstate(all="ignore"):
            out[a:b] = _hard_chunk(m, t, pts.rg[a:b], pts.ar[a:b], _fronts_slice(pts, a, b))

    _run(out.size, work)
    if pts.bad is not None:
        out[pts.bad] = UNCLASSIFIED
    return out.reshape(pts.shape)


_LABEL_ARRAY = np.array([*LABELS, "unclassified"])


def classify_labels(rg: ArrayLike, ar: ArrayLike | None,
                    region_map: MapLike = None, *, ar_fronts: Any = None,
                    nan: NanPolicy = "raise") -> NDArray[np.str_]:
    """:func:`classify` as label names (``"unclassified"`` for code −1).

    >>> classify_labels(0.5, 0.3).item()
    'bandwagoning'
    """
    idx = classify(rg, ar, region_map, ar_fronts=ar_fronts, nan=nan)
    return _LABEL_ARRAY[idx.astype(np.intp)]


@cites(*DEFAULT_SOURCES, kind="classifier", name="plane.classify_soft")
def classify_soft(rg: ArrayLike, ar: ArrayLike | None, region_map: MapLike = None,
                  temperature: float | None = None, *, ar_fronts: Any = None,
                  nan: NanPolicy = "raise") -> NDArray[np.float64]:
    """Probability of each label, shape ``(..., 6)`` in the order of ``LABELS``.

    Each condition of the rule tree, an indicator 1[x > c], becomes the logistic
    σ((x − c)/T) (and its complement σ(−(x − c)/T)); a label's probability is the product along
    its branch, summed over the branches that lead to it. The rows sum to 1 (to rounding); the
    argmax is the hard label wherever :func:`margin` exceeds 2.3·T, and as T → 0 the rows
    converge to the one-hot hard label. ``temperature`` defaults to the map's. NaN rows are NaN
    with ``nan="unclassified"``.

    >>> p = classify_soft(0.1, 0.7, temperature=0.05)
    >>> p.round(3).tolist(), round(float(p.sum()), 12)
    ([0.0, 0.036, 0.115, 0.837, 0.012, 0.0], 1.0)
    """
    m = resolve_map(region_map)
    T = _temperature(m, temperature)
    pts = _points(rg, ar, ar_fronts, nan, m.front_asymmetry)
    t = m.thresholds()
    out = np.empty((pts.rg.size, len(LABELS)), dtype=np.float64)

    ws = _Workspace(min(_CHUNK, max(pts.rg.size, 1)))

    def work(a: int, b: int) -> None:
        with np.errstate(all="ignore"):
            _soft_chunk(m, t, pts.rg[a:b], pts.ar[a:b], _fronts_slice(pts, a, b), T, out[a:b],
                        ws)

    _run(pts.rg.size, work)
    if pts.bad is not None:
        out[pts.bad] = np.nan
    return out.reshape((*pts.shape, len(LABELS)))


@cites(*DEFAULT_SOURCES, kind="classifier", name="plane.margins")
def margins(rg: ArrayLike, ar: ArrayLike | None, region_map: MapLike = None, *,
            ar_fronts: Any = None, nan: NanPolicy = "raise") -> NDArray[np.float64]:
    """Signed margin of each point to each label's region, shape ``(..., 6)``.

    The margin of a label is the robustness of its rule formula: each condition contributes its
    slack (x − threshold, in units of Rg or Ar, signed so that it is positive when the
    condition holds), "and" takes the minimum and "or" the maximum. It is > 0 strictly inside
    the region, < 0 outside, and its size is how far every threshold would have to move for
    the point to change side: the Chebyshev distance to the region for its rectangular parts,
    the horizontal distance in Rg to the sloped bandwagoning boundary. The hard label's margin
    is ≥ 0 and every other label's ≤ 0.

    >>> margins(0.1, 0.4).round(3).tolist()
    [-0.15, -0.255, 0.15, -0.2, -0.4, -0.4]
    """
    m = resolve_map(region_map)
    pts = _points(rg, ar, ar_fronts, nan, m.front_asymmetry)
    t = m.thresholds()
    out = np.empty((pts.rg.size, len(LABELS)), dtype=np.float64)

    def work(a: int, b: int) -> None:
        with np.errstate(all="ignore"):
            _margin_chunk(m, t, pts.rg[a:b], pts.ar[a:b], _fronts_slice(pts, a, b), out[a:b])

    _run(pts.rg.size, work)
    if pts.bad is not None:
        out[pts.bad] = np.nan
    return out.reshape((*pts.shape, len(LABELS)))


def margin(rg: ArrayLike, ar: ArrayLike | None, region_map: MapLike = None, *,
           label: str | int | None = None, ar_fronts: Any = None,
           nan: NanPolicy = "raise") -> NDArray[np.float64]:
    """Signed distance of each point to the nearest boundary (see :func:`margins`).

    Without ``label``: how far the point is inside its own region (≥ 0; 0 on a boundary).
    With ``label``: the signed margin to that label's region (> 0 inside, < 0 outside).

    >>> float(margin(0.1, 0.4)), float(margin(0.1, 0.4, label="hedging"))
    (0.15, -0.15)
    """
    mg = margins(rg, ar, region_map, ar_fronts=ar_fronts, nan=nan)
    if label is None:
        return np.asarray(mg.max(axis=-1))
    k = label if isinstance(label, int) and not isinstance(label, bool) else label_index(
        str(label))
    if not 0 <= k < len(LABELS):
        raise InputError(f"label index {k} out of range", "use 0–5 or a label name")
    return np.asarray(mg[..., k])


def _initial_labels(initial: Any, shape: tuple[int, ...]) -> NDArray[np.int8]:
    if initial is None:
        return np.full(shape, UNCLASSIFIED, dtype=np.int8)
    arr = np.asarray(initial)
    if arr.dtype.kind in "USO":
        arr = np.vectorize(lambda s: label_index(str(s)), otypes=[np.int8])(arr)
    elif arr.dtype.kind not in "iu":
        raise InputError("initial must be label names or label indices",
                         "e.g. initial='hedging'")
    if arr.size and (arr.min() < UNCLASSIFIED or arr.max() >= len(LABELS)):
        raise InputError("initial label indices must be in −1…5", "see realpolitik.models."
                         "labels.LABELS")
    try:
        return np.broadcast_to(arr.astype(np.int8), shape).copy()
    except ValueError:
        raise InputError(f"initial has shape {arr.shape}, trajectories have shape {shape}",
                         "pass one label per trajectory, or one for all") from None


@cites("snyder1997", *DEFAULT_SOURCES, kind="classifier", name="plane.classify_path")
def classify_path(rg: ArrayLike, ar: ArrayLike | None, region_map: MapLike = None,
                  axis: int = -1, *, ar_fronts: Any = None, hysteresis: float | None = None,
                  initial: Any = None, nan: NanPolicy = "raise") -> NDArray[np.int8]:
    """Hard labels along trajectories, with hysteresis (alliances outlive their causes).

    Years run along ``axis`` of the broadcast inputs; any other dimensions are trajectories
    (vectorised). At each year a trajectory keeps its previous label while the point is within
    h of that label's region — its :func:`margin` for that label exceeds −h, i.e. the point
    would still get the label if every threshold moved by h toward it — and otherwise takes
    the hard label. h is ``hysteresis`` or the map's; with h = 0 the result equals
    :func:`classify`. ``initial``: the label(s) in force before the first year (default: none,
    so the first year is its hard label). With ``nan="unclassified"`` a NaN year is −1 and the
    memory carries the last label across it.

    >>> rg, ar = [0, 0, 0, 0], [0.1, 0.4, 0.22, 0.1]
    >>> classify_path(rg, ar, hysteresis=0.05).tolist(), classify(rg, ar).tolist()
    ([0, 2, 2, 0], [0, 2, 0, 0])
    """
    m = resolve_map(region_map)
    h = m.hysteresis if hysteresis is None else hysteresis
    if isinstance(h, bool) or not (isinstance(h, int | float) and math.isfinite(h) and h >= 0):
        raise InputError(f"hysteresis ({h!r}) must be a finite number ≥ 0",
                         "0 turns hysteresis off")
    pts = _points(rg, ar, ar_fronts, nan, m.front_asymmetry)
    shape = pts.shape
    if not shape:
        raise InputError("classify_path needs at least one axis of years",
                         "pass arrays with years along `axis`")
    ax = axis + len(shape) if isinstance(axis, int) and axis < 0 else axis
    if isinstance(axis, bool) or not isinstance(ax, int) or not 0 <= ax < len(shape):
        raise InputError(f"axis {axis} is out of range for inputs of shape {shape}",
                         "years run along axis=-1 by default")
    moved = (*(d for i, d in enumerate(shape) if i != ax), shape[ax])
    n_years = shape[ax]

    def years_first(x: NDArray[Any]) -> NDArray[Any]:
        """(n_years, n_trajectories), each year's row contiguous."""
        return np.ascontiguousarray(np.moveaxis(x.reshape(shape), ax, 0)).reshape(n_years, -1)

    rg2, ar2 = years_first(pts.rg), years_first(pts.ar)
    fr2 = None if pts.fronts is None else (years_first(pts.fronts[0]),
                                           years_first(pts.fronts[1]))
    bad2 = None if pts.bad is None else years_first(pts.bad)
    n_traj = rg2.shape[1]
    start = _initial_labels(initial, moved[:-1]).reshape(-1)
    out = np.empty((n_years, n_traj), dtype=np.int8)
    t = m.thresholds()

    def work(a: int, b: int) -> None:
        prev = start[a:b].copy()
        mg = np.empty((b - a, len(LABELS)))
        rows = np.arange(b - a)
        for y in range(n_years):
            r, v = rg2[y, a:b], ar2[y, a:b]
            f = None if fr2 is None else (fr2[0][y, a:b], fr2[1][y, a:b])
            with np.errstate(all="ignore"):
                hard = _hard_chunk(m, t, r, v, f)
                _margin_chunk(m, t, r, v, f, mg)
            if bad2 is not None:
                hard[bad2[y, a:b]] = UNCLASSIFIED
            keep = (prev >= 0) & (hard >= 0) & (mg[rows, np.maximum(prev, 0)] > -h)
            lab = np.where(keep, prev, hard)
            out[y, a:b] = lab
            prev = np.where(lab >= 0, lab, prev)

    _run(n_traj, work)
    return np.moveaxis(out.reshape((n_years, *moved[:-1])), 0, ax)


# ------------------------------------------------------------------------------------------
# geometry
# ------------------------------------------------------------------------------------------
# A half-plane is (a, b, c): a·Rg + b·Ar ≤ c; a clause is a conjunction of half-planes; a
# region is a list of clauses (disjoint interiors), each clipped from the box to a convex
# polygon.
_HalfPlane = tuple[float, float, float]
_Clause = tuple[_HalfPlane, ...]


def _and(*parts: list[_Clause]) -> list[_Clause]:
    return [tuple(hp for clause in combo for hp in clause) for combo in product(*parts)]


def _dnf(m: RegionMap) -> dict[int, list[_Clause]]:
    t = m.thresholds()

    def ar_ge(x: float) -> list[_Clause]:
        return [((0.0, -1.0, -x),)]

    def ar_le(x: float) -> list[_Clause]:
        return [((0.0, 1.0, x),)]

    def rg_ge(x: float) -> list[_Clause]:
        return [((-1.0, 0.0, -x),)]

    def rg_le(x: float) -> list[_Clause]:
        return [((1.0, 0.0, x),)]

    k = t.r_B0 + t.beta * t.a_S  # Rg + beta·Ar = k on the sloped part of r_B(Ar)
    band: list[_Clause] = [((0.0, 1.0, t.a_S), (-1.0, 0.0, -t.r_B0)),
                           ((0.0, -1.0, -t.a_S), (-1.0, -t.beta, -k))]
    no_band: list[_Clause] = [((0.0, 1.0, t.a_S), (1.0, 0.0, t.r_B0)),
                              ((0.0, -1.0, -t.a_S), (1.0, t.beta, k))]
    chain = _and(ar_ge(t.a_C), rg_le(t.r_C))
    no_chain = ar_le(t.a_C) + _and(ar_ge(t.a_C), rg_ge(t.r_C))
    if m.kind == "ordered-rules":
        up, low = ar_ge(t.a_H), ar_le(t.a_H)
        mid = _and(low, rg_ge(t.r_P), ar_ge(t.a_S))
        return {
            HEDGING: _and(low, rg_ge(t.r_P), ar_le(t.a_S)),
            BANDWAGONING: _and(up, band) + _and(mid, band),
            SOFT_BALANCING: _and(mid, no_band),
            HARD_BALANCING: _and(up, no_band, no_chain),
            CHAIN_GANGING: _and(up, no_band, chain),
            BUCK_PASSING: _and(low, rg_le(t.r_P)),
        }
    up, low = ar_ge(t.a_S), ar_le(t.a_S)
    return {
        HEDGING: _and(low, rg_ge(t.r_P)),
        BANDWAGONING: _and(up, band),
        SOFT_BALANCING: _and(up, no_band, ar_le(t.a_H)),
        HARD_BALANCING: _and(ar_ge(t.a_H), no_band, no_chain),
        CHAIN_GANGING: _and(ar_ge(t.a_H), no_band, chain),
        BUCK_PASSING: _and(low, rg_le(t.r_P)),
    }


def _clip(poly: list[tuple[float, float]], hp: _HalfPlane) -> list[tuple[float, float]]:
    """Sutherland–Hodgman: the part of convex ``poly`` where a·x + b·y ≤ c."""
    a, b, c = hp
    out: list[tuple[float, float]] = []
    n = len(poly)
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            w = fp / (fp - fq)
            out.append((p[0] + w * (q[0] - p[0]), p[1] + w * (q[1] - p[1])))
    return out


def _area(poly: NDArray[np.float64]) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _check_range(r: Iterable[float], what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in r)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a pair (low, high)", "e.g. (-2, 2)") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise InputError(f"{what} ({lo:g}, {hi:g}) must be finite with low < high",
                         "e.g. (-2, 2)")
    return lo, hi


def region_polygons(region_map: MapLike = None,
                    rg_range: tuple[float, float] = (-2.0, 2.0),
                    ar_range: tuple[float, float] = (-1.0, 1.5)
                    ) -> dict[str, list[NDArray[np.float64]]]:
    """Each label's region inside the box, as convex polygons (pure geometry, for shading).

    Returns ``{label: [polygon, ...]}`` for every label of ``LABELS`` (an empty list if the
    region misses the box); a polygon is a ``(k, 2)`` array of vertices (Rg, Ar),
    counter-clockwise from the lowest (then leftmost) one.
    The polygons of all labels tile the box without overlapping. Hysteresis and front
    asymmetry do not change the plane's regions; the offense shift does.

    >>> polys = region_polygons(rg_range=(-1, 1), ar_range=(0, 0.25))
    >>> {k: len(v) for k, v in polys.items() if v}
    {'hedging': 1, 'buck_passing': 1}
    >>> polys["buck_passing"][0].tolist()
    [[-1.0, 0.0], [-0.3, 0.0], [-0.3, 0.25], [-1.0, 0.25]]
    """
    m = resolve_map(region_map)
    x0, x1 = _check_range(rg_range, "rg_range")
    y0, y1 = _check_range(ar_range, "ar_range")
    box = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    tiny = 1e-12 * (x1 - x0) * (y1 - y0)
    out: dict[str, list[NDArray[np.float64]]] = {}
    for k, clauses in _dnf(m).items():
        polys = []
        for clause in clauses:
            poly = box
            for hp in clause:
                poly = _clip(poly, hp)
                if len(poly) < 3:
                    break
            if len(poly) < 3:
                continue
            arr = np.array(poly, dtype=np.float64)
            keep = np.r_[True, np.any(np.abs(np.diff(arr, axis=0)) > 1e-12, axis=1)]
            arr = arr[keep]
            if len(arr) > 3 and np.all(np.abs(arr[-1] - arr[0]) <= 1e-12):
                arr = arr[:-1]
            if len(arr) >= 3 and _area(arr) > tiny:
                first = int(np.lexsort((arr[:, 0], arr[:, 1]))[0])  # lowest, then leftmost
                polys.append(np.roll(arr, -first, axis=0))
        out[LABELS[k]] = polys
    return {label: out[label] for label in LABELS}


class RegionRaster(NamedTuple):
    """The plane on a grid: ``labels[i, j]`` is the label index at (``rg[j]``, ``ar[i]``)."""

    rg: NDArray[np.float64]
    ar: NDArray[np.float64]
    labels: NDArray[np.int8]


def region_raster(region_map: MapLike = None,
                  rg_range: tuple[float, float] = (-2.0, 2.0),
                  ar_range: tuple[float, float] = (-1.0, 1.5),
                  shape: tuple[int, int] = (251, 401)) -> RegionRaster:
    """Hard labels on a regular grid of ``shape = (n_ar, n_rg)`` points (ends included).

    >>> r = region_raster(shape=(3, 5))
    >>> r.rg.tolist(), r.ar.tolist()
    ([-2.0, -1.0, 0.0, 1.0, 2.0], [-1.0, 0.25, 1.5])
    >>> r.labels.tolist()
    [[5, 5, 0, 0, 0], [5, 5, 2, 1, 1], [4, 4, 4, 1, 1]]
    """
    m = resolve_map(region_map)
    x0, x1 = _check_range(rg_range, "rg_range")
    y0, y1 = _check_range(ar_range, "ar_range")
    try:
        n_ar, n_rg = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise InputError("shape must be a pair (n_ar, n_rg)", "e.g. (251, 401)") from None
    if n_ar < 2 or n_rg < 2:
        raise InputError(f"shape {tuple(shape)} needs at least 2 points per axis",
                         "e.g. (251, 401)")
    rg = np.linspace(x0, x1, n_rg)
    ar = np.linspace(y0, y1, n_ar)
    return RegionRaster(rg, ar, classify(rg[None, :], ar[:, None], m))


cites(*DEFAULT_SOURCES, kind="geometry", name="plane.region_polygons")(region_polygons)


def _centroid(poly: NDArray[np.float64]) -> tuple[float, float]:
    x, y = poly[:, 0], poly[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    a = cross.sum() / 2.0
    if abs(a) < 1e-15:
        return float(x.mean()), float(y.mean())
    cx = float(((x + np.roll(x, -1)) * cross).sum() / (6.0 * a))
    cy = float(((y + np.roll(y, -1)) * cross).sum() / (6.0 * a))
    return cx, cy


def region_anchors(region_map: MapLike = None,
                   rg_range: tuple[float, float] = (-2.0, 2.0),
                   ar_range: tuple[float, float] = (-1.0, 1.5)) -> dict[str, tuple[float, float]]:
    """A point inside each label's region where a figure can write its name: the centroid of
    the label's largest convex piece inside the box (labels absent from the box are left out).

    >>> region_anchors(rg_range=(-1, 1), ar_range=(0, 0.25))["buck_passing"]
    (-0.65, 0.125)
    """
    out: dict[str, tuple[float, float]] = {}
    for label, polys in region_polygons(region_map, rg_range, ar_range).items():
        if polys:
            biggest = max(polys, key=_area)
            cx, cy = _centroid(biggest)
            out[label] = (round(cx, 10), round(cy, 10))
    return out


def plot_box(rg: ArrayLike, ar: ArrayLike, *, pad_rg: float = 0.25, pad_ar: float = 0.15
             ) -> tuple[tuple[float, float], tuple[float, float]]:
    """A drawing box ((rg_min, rg_max), (ar_min, ar_max)) that holds the points (NaN ignored)
    with a margin and always shows the default map's thresholds (Rg −1…1, Ar −0.5…1).

    >>> plot_box([0.0, 0.5], [0.0, 0.2])
    ((-1.0, 1.0), (-0.5, 1.0))
    """
    r = np.asarray(rg, dtype=float)
    a = np.asarray(ar, dtype=float)
    r = r[np.isfinite(r)]
    a = a[np.isfinite(a)]
    rlo = min(-1.0, float(r.min()) - pad_rg) if r.size else -1.0
    rhi = max(1.0, float(r.max()) + pad_rg) if r.size else 1.0
    alo = min(-0.5, float(a.min()) - pad_ar) if a.size else -0.5
    ahi = max(1.0, float(a.max()) + pad_ar) if a.size else 1.0
    return (rlo, rhi), (alo, ahi)


def classify_table(rg: ArrayLike, ar: ArrayLike, region_map: MapLike = None, *,
                   temperature: float | None = None, soft: bool = False) -> Any:
    """Points of the plane with their hard label (and, with ``soft``, the probability of each
    label) as a pandas DataFrame: ``rg, ar, label`` [, ``p_hedging`` … ``p_buck_passing``].

    >>> classify_table([0.1], [0.4])["label"].tolist()
    ['soft_balancing']
    """
    import pandas as pd

    m = resolve_map(region_map)
    r = np.atleast_1d(np.asarray(rg, dtype=float))
    a = np.atleast_1d(np.asarray(ar, dtype=float))
    frame = pd.DataFrame({"rg": r, "ar": a, "label": classify_labels(r, a, m)})
    if soft:
        probs = classify_soft(r, a, m, temperature)
        for i, lab in enumerate(LABELS):
            frame[f"p_{lab}"] = probs[..., i]
    frame.attrs["region_map"] = m.to_dict()
    return frame
