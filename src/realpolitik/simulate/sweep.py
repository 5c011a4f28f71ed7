"""Sweeps: many scenarios, chunked, checkpointed in the store, in-process or on Dask (DESIGN §5).

A **sweep spec** is a YAML file (or mapping)::

    name: drift-by-gain            # optional (default: the file's stem)
    base: status-quo               # preset name or scenario file (relative to the spec)
    trajectories: 16384            # optional: every scenario's ensemble size
    seed: 7                        # optional: every scenario's root seed
    chunk_size: 262144             # optional: trajectories per chunk (a multiple of 1024)
    years: [2030]                  # optional: years reported besides each horizon
    grid:                          # full factorial, the last key varying fastest …
      growth.B.drift: [-0.02, 0.0, 0.02]
      adversary_policy.gain: [0.5, 1.0]
    # … or an explicit list of overrides (``name`` labels a scenario, ``base`` changes its
    # base):
    # scenarios:
    #   - {name: hard-line, adversary_policy.gain: 2.0}
    #   - {base: containment, growth.B.drift: -0.02}
    # … or every triad of major powers (see below):
    # triads: "2002:2022"

Keys are the scenario's dotted keys (:meth:`Scenario.with_overrides
<realpolitik.simulate.scenario.Scenario.with_overrides>`); ``base`` may also be a grid key (a
grid over presets). Every error names the spec key, the value and what is allowed.

**Triads** (``triads: FROM:TO`` or ``--triads``): every ordered triad (A, B, C) of distinct COW
major powers (:func:`realpolitik.data.loaders.majors`) of year TO, with A stronger than B by the
scenario's power index at t0; each runs the base with ``tandem: [A, B]``, ``adversary: C``,
``t0: TO`` and ``growth.window: [FROM, TO]``. A triad whose scenario cannot be resolved against
the data (a state without power data in the window, …) is *skipped*: it is listed in the
result's ``skipped``, printed by the command, kept in the manifest and shown as a ``skipped`` row
of the results table — never dropped silently.

**Seeds.** Every scenario uses the sweep's ``seed`` (else its base's), unless the scenario
overrides ``seed`` itself — so by default all scenarios share common random numbers and their
differences come from the parameters, not from Monte Carlo noise. Each chunk is a run of whole
blocks of :data:`~realpolitik.simulate.scenario.BLOCK` trajectories; the parent gives every chunk
its (root seed, block range), and block b draws from ``SeedSequence(seed, spawn_key=(b,))``, the
b-th child spawned from the root. Nothing depends on which process runs a chunk, in which order,
or how trajectories are chunked: results are bit-identical in-process, on any number of Dask
workers, and with any chunk size.

**Store layout.** A sweep is **one run** of the results store (``realpolitik runs list`` shows
it as ``sweep NAME (N scenarios)``). Its manifest holds the spec, every base scenario, each
scenario's label, overrides and configuration hash, the skipped triads, the reporting years and
the chunk size. Its chunks are the checkpoints, one per (scenario × block range), with the stable
key ``f"{config_hash[:16]}:{block0}-{block1}"`` (the hash leaves out ``chunk_size``, which does not
change results). A chunk's row in the store (``commit_chunk``) holds the small frames ``meta``
and ``labels`` (label and first-entry counts); its bulky frames ``hist`` (the non-zero histogram
bins) and ``sums`` (per-block sums as exact float64 arrays) are Parquet files under
``trajectories/<run_id>/chunks/`` next to the DB, written atomically *before* the row is
committed — so a committed chunk always has them (DuckDB rewrites a table's large values at each
checkpoint: with them in the table, every commit grew slower with the chunks already stored).
All are integers or per-block floats, so combining chunks after any restart gives the same bits.
Only the parent process writes: workers compute and return frames; the parent writes and commits
each chunk as it arrives (results stream to disk; memory does not grow with the sweep). When
every chunk is in, one more transaction stores the sweep's summary — ``probability[LABEL]``
(year × label) of every scenario, in ``summary_extra`` — and marks the run complete.
:func:`sweep_results` reads the results table back (from a running or interrupted sweep too:
finished scenarios only) and :func:`sweep_dataset` rebuilds one scenario's full engine Dataset
from its chunks.

**Resuming.** Running the same sweep again (same scenarios, whatever its name, reporting years
or chunk size) finds its run by the configuration hash and skips the chunks already committed:
an interrupted or failed run is resumed, a complete one just reports its results, one still
running in a live process is refused. :func:`run_sweep` with ``resume_run_id`` (``realpolitik
sweep --resume RUN``) resumes by id without the spec: the scenarios are in the manifest.

>>> spec = parse_spec({"base": "status-quo", "trajectories": 2048,
...                    "grid": {"growth.B.drift": [-0.01, 0.01], "adversary_policy.gain": [1, 2]}})
>>> [name for name, _ in expand(spec)][:2]
['growth.B.drift=-0.01, adversary_policy.gain=1', 'growth.B.drift=-0.01, adversary_policy.gain=2']
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import json
import logging
import math
import os
import re
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from realpolitik._version import __version__
from realpolitik.data.provenance import config_hash, data_versions
from realpolitik.errors import DataIntegrityError, InputError, RealpolitikError
from realpolitik.models.labels import LABELS
from realpolitik.simulate.engine import (
    RANGES,
    Accumulator,
    Partial,
    _nbins,
    block_lengths,
    simulate_blocks,
)
from realpolitik.simulate.resolve import lru_put, resolve_cached
from realpolitik.simulate.scenario import BLOCK, Scenario, load_scenario, parse_scenario

if TYPE_CHECKING:
    import xarray as xr

    from realpolitik.simulate.resolve import Resolved
    from realpolitik.store import ResultsStore

__all__ = [
    "CHUNK_SIZE",
    "MAX_SCENARIOS",
    "ChunkResult",
    "ChunkTask",
    "SweepItem",
    "SweepResult",
    "SweepSpec",
    "chunk_key",
    "expand",
    "expand_spec",
    "frames_to_partial",
    "load_chunk_frames",
    "load_spec",
    "parse_spec",
    "partial_frames",
    "plan_sweep",
    "resolve_cached",
    "run_chunk",
    "run_sweep",
    "scenario_hash",
    "sweep_dataset",
    "sweep_results",
]

log = logging.getLogger(__name__)

#: The largest number of scenarios one sweep may expand to.
MAX_SCENARIOS = 100_000
#: How many times a chunk lost with a dead worker is submitted again (on top of Dask's own
#: rescheduling of the tasks of a worker that dies, and of ``retries`` for exceptions).
RESUBMITS = 3
#: Trajectories per chunk unless the spec or the caller says otherwise: 256 blocks, about half a
#: second of compute — well above the parent's work per chunk (the store commit, ~50 ms) and
#: Dask's per-task overhead, and still a fine grain for checkpoints.
CHUNK_SIZE = 256 * BLOCK
#: Chunks in flight per worker thread: enough that a worker always has the next one queued,
#: few enough that finished results wait in no one's memory for long.
RUN_AHEAD = 4
_TRIADS_RE = re.compile(r"^\s*(\d{4})\s*:\s*(\d{4})\s*$")
# keys of the scenario with a column of their own in the results table
_OWN_COLUMNS = ("name", "tandem", "adversary", "t0", "horizon", "trajectories", "seed")


# ---------------------------------------------------------------------------------------------
# The spec
# ---------------------------------------------------------------------------------------------
class SweepSpec(BaseModel):
    """A validated sweep spec (see the module docstring). Build it with :func:`parse_spec` or
    :func:`load_spec`, which name the offending key in every error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(None, min_length=1, max_length=80, description="the sweep's name")
    base: str = Field("status-quo", min_length=1, description="preset name or scenario file")
    trajectories: int | None = Field(None, ge=1, le=100_000_000)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)
    chunk_size: int | None = Field(None, ge=BLOCK, le=1024 * BLOCK)
    years: tuple[int, ...] = Field((), description="years reported besides each horizon")
    grid: dict[str, list[Any]] | None = None
    scenarios: list[dict[str, Any]] | None = None
    triads: str | None = Field(None, description="FROM:TO, e.g. 2002:2022")
    # where the spec came from (named in errors) and the folder relative ``base`` paths are
    # read from (the spec file's)
    _source: str = PrivateAttr("sweep spec")
    _folder: str | None = PrivateAttr(None)

    @property
    def source(self) -> str:
        return self._source

    @property
    def folder(self) -> str | None:
        return self._folder

    @field_validator("trajectories", "seed", "chunk_size", mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError(f"expected a number, not {str(v).lower()}")
        return v

    @field_validator("chunk_size")
    @classmethod
    def _chunk(cls, v: int | None) -> int | None:
        if v is not None and v % BLOCK:
            raise ValueError(f"chunk_size {v} must be a multiple of {BLOCK}, e.g. 16384")
        return v

    @field_validator("years")
    @classmethod
    def _years(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        bad = [y for y in v if not 1816 <= y <= 2200]
        if bad:
            raise ValueError(f"years {bad} must lie between 1816 and 2200")
        return tuple(sorted(set(v)))

    @field_validator("grid")
    @classmethod
    def _grid(cls, v: dict[str, list[Any]] | None) -> dict[str, list[Any]] | None:
        if v is None:
            return v
        if not v:
            raise ValueError("the grid is empty; give at least one key with a list of values")
        for key, values in v.items():
            if not values:
                raise ValueError(f"grid key {key!r} has no values; give a non-empty list")
            if len({json.dumps(x, sort_keys=True, default=str) for x in values}) != len(values):
                raise ValueError(f"grid key {key!r} repeats a value: {values}")
        return v

    @field_validator("scenarios")
    @classmethod
    def _scenarios(cls, v: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if v is not None and not v:
            raise ValueError("the scenario list is empty; give at least one entry (an empty "
                             "mapping {} runs the base as it is)")
        return v

    @field_validator("triads")
    @classmethod
    def _triads(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parse_triads(v)
        return v.strip()

    def mode(self) -> str:
        """``grid``, ``scenarios`` or ``triads``."""
        return "grid" if self.grid is not None else "scenarios" if self.scenarios is not None \
            else "triads"


def parse_triads(text: str) -> tuple[int, int]:
    """``"FROM:TO"`` → (FROM, TO), FROM < TO."""
    m = _TRIADS_RE.match(str(text))
    if not m:
        raise InputError(f"triads {text!r} is not a year range FROM:TO",
                         "e.g. --triads 2002:2022 (growth window FROM–TO, t0 = TO)")
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo >= hi:
        raise InputError(f"triads {text!r}: FROM must come before TO", "e.g. 2002:2022")
    return lo, hi


def _spec_error(exc: ValidationError, source: str) -> InputError:
    # a misspelt key first: it is usually what the other errors come from
    err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
    loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        fields = list(SweepSpec.model_fields)
        close = difflib.get_close_matches(key, fields, n=2)
        hint = ("did you mean " + ", ".join(close) + "?") if close else \
            "a sweep spec has the keys " + ", ".join(fields)
        if "." in key:
            hint = f"scenario keys go under grid: or scenarios:, e.g. grid: {{{key}: [...]}}"
        return InputError(f"{source}: unknown key {key!r}", hint)
    value = err.get("input")
    shown = json.dumps(value, default=str) if not isinstance(value, dict) else "{…}"
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return InputError(f"{source}: {loc} = {shown}: {msg}",
                      "see docs/how-to/sweeps.md for the keys of a sweep spec")


def parse_spec(data: Any, source: str = "sweep spec", folder: str | Path | None = None
               ) -> SweepSpec:
    """Validate a mapping as a :class:`SweepSpec`; errors name the key, value and range.

    >>> parse_spec({"base": "status-quo", "gird": {}})
    Traceback (most recent call last):
    ...
    realpolitik.errors.InputError: sweep spec: unknown key 'gird' (did you mean grid?)
    """
    if not isinstance(data, Mapping):
        raise InputError(f"{source}: a sweep spec is a mapping (base, grid or scenarios, …), "
                         f"not {type(data).__name__}", "see docs/how-to/sweeps.md")
    try:
        spec = SweepSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise _spec_error(exc, source) from None
    spec._source = source
    spec._folder = None if folder is None else str(folder)
    given = [k for k in ("grid", "scenarios", "triads") if getattr(spec, k) is not None]
    if len(given) != 1:
        raise InputError(f"{source}: give exactly one of grid, scenarios or triads"
                         + (f" (found {', '.join(given)})" if given else ""),
                         "grid: {key: list of values} for a full factorial, scenarios: a list "
                         "of {key: value} mappings, triads: FROM:TO for every triad of major "
                         "powers")
    return spec


def load_spec(path: str | Path, triads: str | None = None) -> SweepSpec:
    """Read a YAML sweep spec; relative ``base`` paths are read from its folder.

    ``triads`` (``FROM:TO``, the command's ``--triads``) makes it a sweep of every triad of
    major powers; the file then gives only the base, trajectories, seed, … (no grid or list).
    """
    p = Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"no sweep spec file {str(path)!r}",
                         "give a YAML file with base: and grid: or scenarios: (see "
                         "docs/how-to/sweeps.md), or use --triads FROM:TO")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the sweep spec {p}: {exc}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{p} is not valid YAML: {first}",
                         "check the indentation and quoting around that line") from None
    if data is None:
        data = {}
    if triads is not None and isinstance(data, dict):
        given = [k for k in ("grid", "scenarios") if k in data]
        if given:
            raise InputError(f"{p} has {given[0]}: and --triads replaces it",
                             "drop --triads, or use a spec with only base, trajectories, "
                             "seed, chunk_size and years")
        data = {**data, "triads": triads}
    if not data:
        raise InputError(f"{p} is empty", "see docs/how-to/sweeps.md")
    spec = parse_spec(data, source=str(p), folder=p.parent)
    if spec.name is None:
        spec = spec.model_copy(update={"name": p.stem[:80] or "sweep"})
        spec._source, spec._folder = str(p), str(p.parent)
    return spec


# ---------------------------------------------------------------------------------------------
# Expansion
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepItem:
    """One scenario of a sweep: its label, base, overrides and validated scenario."""

    label: str
    base: str
    overrides: dict[str, Any]
    scenario: Scenario
    hash: str

    @property
    def key_prefix(self) -> str:
        return self.hash[:16]


@dataclass(frozen=True)
class Expansion:
    items: list[SweepItem]
    skipped: list[dict[str, Any]]
    bases: dict[str, Scenario]


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's configuration without ``chunk_size`` (which cannot change
    results): the identity of a scenario's chunks."""
    data = scenario.to_dict()
    data.pop("chunk_size", None)
    return config_hash(data)


def chunk_key(scenario_hash_: str, block0: int, block1: int) -> str:
    """The stable key of a chunk: ``"<hash[:16]>:<block0>-<block1>"``."""
    return f"{scenario_hash_[:16]}:{block0}-{block1}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), default=str)


def _apply(base: Scenario, overrides: Mapping[str, Any], where: str) -> Scenario:
    try:
        return base.with_overrides(overrides) if overrides else base
    except InputError as exc:
        raise InputError(f"{where}: {exc.message.removeprefix('overrides: ')}", exc.hint) \
            from None


class _Bases:
    """Base scenarios by name (preset or file), loaded once, with the spec-level settings."""

    def __init__(self, spec: SweepSpec, source: str) -> None:
        self.spec, self.source = spec, source
        self.loaded: dict[str, Scenario] = {}
        self.common: dict[str, Any] = {k: v for k, v in (
            ("trajectories", spec.trajectories), ("seed", spec.seed)) if v is not None}

    def get(self, name: Any, where: str) -> Scenario:
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}: base = {_show(name)}: expected a preset name or a "
                             "scenario file", "e.g. base: status-quo")
        name = name.strip()
        if name not in self.loaded:
            path = Path(name).expanduser()
            if self.spec.folder is not None and not path.is_absolute() and \
                    (Path(self.spec.folder) / path).exists():
                path = Path(self.spec.folder) / path
            try:
                sc = load_scenario(path if path.exists() else name)
            except InputError as exc:
                raise InputError(f"{where}: base = {name!r}: {exc.message}", exc.hint) \
                    from None
            self.loaded[name] = _apply(sc, self.common, f"{self.source}: trajectories/seed")
        return self.loaded[name]


def _label_of(overrides: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={_show(v)}" for k, v in overrides.items()) or "base"


def _grid_items(spec: SweepSpec, bases: _Bases, source: str) -> list[SweepItem]:
    grid = spec.grid or {}
    n = math.prod(len(v) for v in grid.values())
    if n > MAX_SCENARIOS:
        raise InputError(f"{source}: the grid has {n:,d} points; at most {MAX_SCENARIOS:,d}",
                         "split the sweep or use fewer values")
    base_values = grid.get("base", [spec.base])
    keys = [k for k in grid if k != "base"]
    for b in base_values:  # each key and value alone first: errors name one key and value
        sc = bases.get(b, f"{source}: grid['base']")
        for key in keys:
            for value in grid[key]:
                _apply(sc, {key: value}, f"{source}: grid[{key!r}] value {_show(value)}")
    items = []
    for combo in itertools.product(*grid.values()):
        point = dict(zip(grid, combo, strict=True))
        base_name = point.pop("base", spec.base)
        label = _label_of({**({"base": base_name} if "base" in grid else {}), **point})
        sc = _apply(bases.get(base_name, f"{source}: grid['base']"), point,
                    f"{source}: grid point {label}")
        items.append(SweepItem(label, str(base_name), point, sc, scenario_hash(sc)))
    return items


def _list_items(spec: SweepSpec, bases: _Bases, source: str) -> list[SweepItem]:
    entries = spec.scenarios or []
    if len(entries) > MAX_SCENARIOS:
        raise InputError(f"{source}: {len(entries):,d} scenarios; at most {MAX_SCENARIOS:,d}")
    items = []
    for i, entry in enumerate(entries):
        where = f"{source}: scenarios[{i}]"
        if not isinstance(entry, Mapping):
            raise InputError(f"{where} = {_show(entry)}: expected a mapping of scenario keys to "
                             "values", "e.g. - {growth.B.drift: -0.02}")
        overrides = {str(k): v for k, v in entry.items() if k != "base"}
        base_name = entry.get("base", spec.base)
        sc = _apply(bases.get(base_name, where), overrides, where)
        label = str(overrides["name"]) if "name" in overrides else _label_of(
            {**({"base": base_name} if "base" in entry else {}), **overrides})
        items.append(SweepItem(label, str(base_name), overrides, sc, scenario_hash(sc)))
    return items


def _major_powers(year: int) -> list[str]:
    from realpolitik.data.loaders import majors

    m = majors()
    rows = m[(m["styear"] <= year) & (m["endyear"] >= year)]
    return list(dict.fromkeys(rows.sort_values("ccode")["stateabb"].astype(str)))


def _triad_items(spec: SweepSpec, bases: _Bases, source: str
                 ) -> tuple[list[SweepItem], list[dict[str, Any]]]:
    from realpolitik.simulate.resolve import resolve

    lo, hi = parse_triads(spec.triads or "")
    base = bases.get(spec.base, f"{source}: base")
    powers = _major_powers(hi)
    if len(powers) < 3:
        raise InputError(f"triads {lo}:{hi}: {len(powers)} COW major power(s) in {hi} "
                         f"({', '.join(powers) or 'none'}); a triad needs three",
                         "choose a range ending in another year")
    common = {"t0": hi, "growth.window": [lo, hi]}
    _apply(base, common, f"{source}: triads {lo}:{hi}")
    items: list[SweepItem] = []
    skipped: list[dict[str, Any]] = []
    for x, y in itertools.combinations(powers, 2):
        for c in powers:
            if c in (x, y):
                continue
            overrides = {"tandem": [x, y], "adversary": c, **common}
            try:
                r = resolve(_apply(base, overrides, f"{source}: triad {x}-{y} vs {c}"))
            except RealpolitikError as exc:
                skipped.append({"label": f"{x}/{y} vs {c}", "overrides": overrides,
                                "reason": str(exc)})
                continue
            if r.x0[0] == r.x0[1]:
                skipped.append({"label": f"{x}/{y} vs {c}", "overrides": overrides,
                                "reason": f"{x} and {y} have equal {base.index} power in {hi}"})
                continue
            a, b = (x, y) if r.x0[0] > r.x0[1] else (y, x)
            overrides = {"tandem": [a, b], "adversary": c, **common}
            sc = _apply(base, overrides, f"{source}: triad {a}-{b} vs {c}")
            items.append(SweepItem(f"{a}-{b} vs {c}", spec.base, overrides, sc,
                                   scenario_hash(sc)))
    items.sort(key=lambda it: it.label)
    return items, skipped


def expand_spec(spec: SweepSpec, source: str | None = None) -> Expansion:
    """The scenarios of a spec, with the triads skipped for lack of data and the bases."""
    source = source or spec.source
    bases = _Bases(spec, source)
    skipped: list[dict[str, Any]] = []
    mode = spec.mode()
    if mode == "grid":
        items = _grid_items(spec, bases, source)
    elif mode == "scenarios":
        items = _list_items(spec, bases, source)
    else:
        items, skipped = _triad_items(spec, bases, source)
    if not items:
        reasons = "; ".join(f"{s['label']}: {s['reason']}" for s in skipped[:3])
        raise InputError(f"{source}: no scenario to run ({len(skipped)} skipped: {reasons})",
                         "choose another year range or index")
    seen_label: dict[str, int] = {}
    seen_hash: dict[str, int] = {}
    for i, it in enumerate(items):
        if it.label in seen_label:
            raise InputError(f"{source}: two scenarios are labelled {it.label!r} (entries "
                             f"{seen_label[it.label]} and {i})", "give each a different name")
        if it.key_prefix in seen_hash:
            raise InputError(f"{source}: scenarios {items[seen_hash[it.key_prefix]].label!r} and "
                             f"{it.label!r} are the same scenario",
                             "remove one of them, or change a setting")
        seen_label[it.label] = i
        seen_hash[it.key_prefix] = i
    return Expansion(items, skipped, dict(bases.loaded))


def expand(spec: SweepSpec) -> list[tuple[str, Scenario]]:
    """The sweep's scenarios as ``(label, Scenario)`` in run order.

    Grid points come in the order of the keys' values (the last key varying fastest); list
    entries in their order; triads sorted by label. Skipped triads are reported with a
    :class:`UserWarning` (and by :func:`run_sweep`).
    """
    exp = expand_spec(spec)
    if exp.skipped:
        warnings.warn(f"{len(exp.skipped)} triad(s) skipped for lack of data: "
                      + "; ".join(f"{s['label']} ({s['reason']})" for s in exp.skipped),
                      UserWarning, stacklevel=2)
    return [(it.label, it.scenario) for it in exp.items]


# ---------------------------------------------------------------------------------------------
# Chunks: the task, its result, and its frames
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkTask:
    """One chunk to compute: blocks ``[block0, block1)`` of a scenario of ``n_total``
    trajectories with root seed ``seed`` (everything the worker needs, chosen in the parent)."""

    key: str
    scenario_hash: str
    scenario: dict[str, Any]
    seed: int
    n_total: int
    block0: int
    block1: int


@dataclass
class ChunkResult:
    """A computed chunk: its small frames (``meta``, ``labels``: committed to the store), the
    Parquet bytes of its bulky ones (``hist``, ``sums``: written next to the store), the compute
    time and the process that ran it; ``error`` is set instead when the scenario cannot be
    resolved."""

    key: str
    frames: dict[str, pd.DataFrame]
    files: dict[str, bytes]
    seconds: float
    pid: int
    error: str | None = None
    #: ``frames`` serialised for the store (:func:`realpolitik.store.chunk_payload`), made by
    #: the worker so the committing process only writes bytes
    payload: tuple[bytes, int, int] | None = None


#: A sweep commits the chunks it has received in one transaction when this many are waiting
#: or the oldest has waited this long (seconds), and at the end: each transaction opens,
#: checks and closes the store (tens of ms), a cost paid once per batch instead of per chunk.
#: A process killed meanwhile loses only the uncommitted chunks, which a resume computes again.
COMMIT_BATCH = 32
COMMIT_EVERY = 1.0

#: The frames of a chunk committed to the store (small), and those written as Parquet files
#: next to it (large: they grow with the chunk's blocks).
STORE_FRAMES = ("meta", "labels")
FILE_FRAMES = ("hist", "sums")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink,
                   compression="zstd")
    return sink.getvalue()


def chunk_files_dir(store: ResultsStore, run_id: str) -> Path:
    """Where a sweep run's chunk files live: ``trajectories/<run_id>/chunks/`` next to the
    store's DB file (removed with the run by ``delete_run``)."""
    return store.trajectories_dir / run_id / "chunks"


def _chunk_path(store: ResultsStore, run_id: str, key: str, name: str) -> Path:
    return chunk_files_dir(store, run_id) / f"{key.replace(':', '_')}.{name}.parquet"


def _write_chunk_files(store: ResultsStore, run_id: str, key: str,
                       files: Mapping[str, bytes]) -> None:
    """Write a chunk's files atomically (temporary file, then rename), before its commit."""
    folder = chunk_files_dir(store, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = _chunk_path(store, run_id, key, name)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def load_chunk_frames(store: ResultsStore, run_id: str, key: str) -> dict[str, pd.DataFrame]:
    """All frames of a committed sweep chunk: from the store and from its files."""
    import pyarrow.parquet as pq

    frames = store.load_chunk(run_id, key)
    for name in FILE_FRAMES:
        path = _chunk_path(store, run_id, key, name)
        try:
            frames[name] = pq.read_table(path).to_pandas()
        except (OSError, ValueError) as exc:
            raise DataIntegrityError(f"the {name} file of chunk {key} of run {run_id} cannot "
                                     f"be read ({exc})", "resume the sweep after deleting "
                                     "the run, or restore the file") from None
    return frames


_RESOLVED: OrderedDict[str, Resolved] = OrderedDict()


def _resolved(scenario: Mapping[str, Any], hash_: str) -> Resolved:
    """Resolve a scenario once per process (an LRU cache by configuration hash)."""
    r = _RESOLVED.get(hash_)
    if r is None:
        r = resolve_cached(parse_scenario(dict(scenario), source="sweep scenario"))
        lru_put(_RESOLVED, hash_, r)
    else:
        _RESOLVED.move_to_end(hash_)
    return r


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Compute one chunk (in any process): resolve (cached), simulate its blocks, frame it."""
    try:
        r = _resolved(task.scenario, task.scenario_hash)
    except RealpolitikError as exc:  # deterministic: no point in retrying
        return ChunkResult(task.key, {}, {}, 0.0, os.getpid(), error=str(exc))
    start = time.perf_counter()
    part = simulate_blocks(r, task.seed, task.n_total, task.block0, task.block1)
    seconds = time.perf_counter() - start
    frames = partial_frames(part, r, task.seed, task.n_total)
    small = {k: frames[k] for k in STORE_FRAMES}
    from realpolitik.store import chunk_payload

    return ChunkResult(task.key, small, {k: _parquet_bytes(frames[k]) for k in FILE_FRAMES},
                       seconds, os.getpid(), payload=chunk_payload(small))


def _warm_up() -> tuple[int, str]:
    """Import the engine and load its compiled kernels in a worker process; return the
    worker's pid and package version."""
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_preset

    r = resolve(load_preset("status-quo").with_overrides({"horizon": 2030}))
    simulate_blocks(r, 0, 16, 0, 1)
    return os.getpid(), __version__


_HIST_CODES = {name: i for i, name in enumerate(RANGES)}  # rg 0, ar 1, beaufre 2
_SUM_NAMES = ("rg", "ar", "cohesion", "leeway")


def partial_frames(part: Partial, r: Resolved, seed: int, n_total: int
                   ) -> dict[str, pd.DataFrame]:
    """A :class:`Partial` as the frames of a chunk checkpoint, exactly invertible by
    :func:`frames_to_partial`:

    * ``meta`` (one row): block range, trajectories, seed, t0, years, actors;
    * ``labels``: ``year, label`` (index in ``LABELS``), ``count`` (trajectories with that
      label that year) and ``entry`` (trajectories first entering it that year);
    * ``hist``: the non-zero histogram bins, ``variable`` (0 Rg, 1 Ar, 2 log Beaufre ratio),
      ``year, bin, count``;
    * ``sums``: one row per block, the block's sums of Rg, Ar, cohesion (per year) and leeway
      (per year × partner × component) as little-endian float64 arrays (bytes) — the exact
      per-block floats the engine combines in block order.
    """
    ny = part.label_counts.shape[0]
    nl = len(LABELS)
    k2 = part.sums["leeway"].shape[-1]
    nbk = part.block1 - part.block0
    years = np.arange(r.t0, r.t0 + ny, dtype=np.int16)
    meta = pd.DataFrame({
        "block0": [part.block0], "block1": [part.block1], "n": [part.n],
        "n_total": [n_total], "seed": [int(seed)], "t0": [r.t0], "n_years": [ny],
        "n_components": [k2], "a": [r.names[0]], "b": [r.names[1]], "c": [r.names[2]]})
    labels = pd.DataFrame({
        "year": np.repeat(years, nl), "label": np.tile(np.arange(nl, dtype=np.int8), ny),
        "count": part.label_counts.reshape(-1).astype(np.int64),
        "entry": part.entry_counts.T.reshape(-1).astype(np.int64)})
    codes, ys, bins, counts = [], [], [], []
    for name, code in _HIST_CODES.items():
        yi, bi = np.nonzero(part.hist[name])
        codes.append(np.full(len(yi), code, dtype=np.int8))
        ys.append(years[yi])
        bins.append(bi.astype(np.int32))
        counts.append(part.hist[name][yi, bi].astype(np.int64))
    hist = pd.DataFrame({"variable": np.concatenate(codes), "year": np.concatenate(ys),
                         "bin": np.concatenate(bins), "count": np.concatenate(counts)})
    sums = pd.DataFrame({"block": np.arange(part.block0, part.block1, dtype=np.int64)})
    for name in _SUM_NAMES:
        arr = np.ascontiguousarray(part.sums[name], dtype="<f8").reshape(nbk, -1)
        sums[name] = [row.tobytes() for row in arr]
    return {"meta": meta, "labels": labels, "hist": hist, "sums": sums}


def _block_range(frames: Mapping[str, pd.DataFrame]) -> tuple[int, int]:
    meta = frames["meta"].iloc[0]
    return int(meta["block0"]), int(meta["block1"])


def _label_counts(frames: Mapping[str, pd.DataFrame]) -> np.ndarray:
    """The chunk's label counts (year × label), int64."""
    meta = frames["meta"].iloc[0]
    lab = frames["labels"]
    out = np.zeros((int(meta["n_years"]), len(LABELS)), dtype=np.int64)
    out[lab["year"].to_numpy(np.int64) - int(meta["t0"]), lab["label"].to_numpy(np.int64)] = \
        lab["count"].to_numpy(np.int64)
    return out


def frames_to_partial(frames: Mapping[str, pd.DataFrame]) -> Partial:
    """The :class:`Partial` a chunk's frames were made from (bit for bit)."""
    try:
        meta = frames["meta"].iloc[0]
        b0, b1 = _block_range(frames)
        ny, t0, k2 = int(meta["n_years"]), int(meta["t0"]), int(meta["n_components"])
        nbk = b1 - b0
        lab = frames["labels"]
        yi = lab["year"].to_numpy(np.int64) - t0
        li = lab["label"].to_numpy(np.int64)
        entry = np.zeros((len(LABELS), ny), dtype=np.int64)
        entry[li, yi] = lab["entry"].to_numpy(np.int64)
        h = frames["hist"]
        code = h["variable"].to_numpy(np.int64)
        hist = {}
        for name, c in _HIST_CODES.items():
            sel = code == c
            arr = np.zeros((ny, _nbins(name)), dtype=np.int64)
            arr[h["year"].to_numpy(np.int64)[sel] - t0, h["bin"].to_numpy(np.int64)[sel]] = \
                h["count"].to_numpy(np.int64)[sel]
            hist[name] = arr
        s = frames["sums"]
        if s["block"].tolist() != list(range(b0, b1)):
            raise ValueError("the per-block sums do not cover the chunk's blocks in order")
        shapes = {"rg": (ny,), "ar": (ny,), "cohesion": (ny,), "leeway": (ny, 2, k2)}
        sums = {name: np.frombuffer(b"".join(s[name]), dtype="<f8").astype(np.float64)
                .reshape(nbk, *shapes[name]) for name in _SUM_NAMES}
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise DataIntegrityError(f"a sweep chunk's frames are malformed ({exc})",
                                 "delete the run and sweep again") from None
    return Partial(b0, b1, int(meta["n"]), _label_counts(frames), hist, sums, entry)


def plan_sweep(items: Sequence[SweepItem], chunk_size: int | None = None,
               done: Iterable[str] = ()) -> list[ChunkTask]:
    """The chunks still to compute: every block of every scenario not covered by the committed
    chunk keys ``done``, grouped into chunks of about ``chunk_size`` trajectories (default:
    :data:`CHUNK_SIZE`; a scenario's own ``chunk_size``, meant for the threads of one forecast,
    is not used). Uncovered runs of blocks are chunked on their own, so committed chunks of a
    different chunk size are reused as they are and no block is computed twice."""
    covered = _coverage(items, done)
    tasks = []
    for it in items:
        sc = it.scenario
        cs = int(chunk_size if chunk_size is not None else CHUNK_SIZE)
        if cs % BLOCK or cs < BLOCK:
            raise InputError(f"chunk size {cs} must be a positive multiple of {BLOCK}",
                             "e.g. --chunk-size 16384")
        nb = len(block_lengths(sc.trajectories))
        mask = covered.get(it.key_prefix, np.zeros(nb, dtype=bool))
        config = sc.to_dict()  # one dict shared by the scenario's tasks
        per = cs // BLOCK
        b = 0
        while b < nb:
            if mask[b]:
                b += 1
                continue
            end = b
            while end < nb and not mask[end]:
                end += 1
            for b0 in range(b, end, per):
                b1 = min(b0 + per, end)
                tasks.append(ChunkTask(chunk_key(it.hash, b0, b1), it.hash, config, sc.seed,
                                       sc.trajectories, b0, b1))
            b = end
    return tasks


def _parse_key(key: str) -> tuple[str, int, int] | None:
    m = re.fullmatch(r"([0-9a-f]{16}):(\d+)-(\d+)", key)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


def _coverage(items: Sequence[SweepItem], done: Iterable[str]) -> dict[str, np.ndarray]:
    nblocks = {it.key_prefix: len(block_lengths(it.scenario.trajectories)) for it in items}
    covered: dict[str, np.ndarray] = {}
    for key in done:
        parsed = _parse_key(key)
        if parsed is None or parsed[0] not in nblocks:
            continue  # not a chunk of these scenarios
        prefix, b0, b1 = parsed
        mask = covered.setdefault(prefix, np.zeros(nblocks[prefix], dtype=bool))
        if not 0 <= b0 < b1 <= len(mask) or mask[b0:b1].any():
            raise DataIntegrityError(f"sweep chunk {key!r} overlaps another chunk or lies "
                                     "outside its scenario", "delete the run and sweep again")
        mask[b0:b1] = True
    return covered


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """What :func:`run_sweep` did: the run, its results table and counts."""

    run_id: str
    table: pd.DataFrame
    skipped: list[dict[str, Any]]
    n_chunks: int
    n_computed: int
    n_reused: int
    seconds: float
    compute_seconds: float
    status: str = "complete"
    workers: str = "in-process"
    pids: dict[int, int] = field(default_factory=dict)  # pid → chunks computed there


@dataclass
class _ScenarioState:
    item: SweepItem
    n_blocks: int
    seen: np.ndarray
    counts: np.ndarray | None = None
    meta: dict[str, Any] | None = None

    def add(self, frames: Mapping[str, pd.DataFrame]) -> None:
        """Count a chunk's labels (integers: any order gives the same totals)."""
        b0, b1 = _block_range(frames)
        if self.seen[b0:b1].any():
            raise DataIntegrityError(f"blocks [{b0}, {b1}) of scenario {self.item.label!r} "
                                     "arrived twice", "delete the run and sweep again")
        self.seen[b0:b1] = True
        counts = _label_counts(frames)
        self.counts = counts if self.counts is None else self.counts + counts
        self.meta = _meta_of(frames)

    @property
    def complete(self) -> bool:
        return bool(self.seen.all())


def _meta_of(frames: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    row = frames["meta"].iloc[0]
    return {"t0": int(row["t0"]), "n_years": int(row["n_years"]),
            "names": [str(row["a"]), str(row["b"]), str(row["c"])]}


def _probability(state: _ScenarioState) -> np.ndarray:
    """Label probabilities (year × label), computed as the engine does (counts / n)."""
    assert state.counts is not None
    return np.asarray(state.counts) / float(state.item.scenario.trajectories)


def _sweep_dataset_of(config: Mapping[str, Any], states: Sequence[_ScenarioState],
                      seed: int | None, extra_attrs: Mapping[str, Any]) -> xr.Dataset:
    import xarray as xr

    done = [s for s in states if s.complete and s.meta is not None]
    years = sorted({int(s.meta["t0"]) + i for s in done if s.meta is not None
                    for i in range(int(s.meta["n_years"]))})
    index = {y: i for i, y in enumerate(years)}
    data_vars = {}
    info = []
    for s in done:
        assert s.meta is not None
        arr = np.full((len(years), len(LABELS)), np.nan)
        rows = [index[int(s.meta["t0"]) + i] for i in range(int(s.meta["n_years"]))]
        arr[rows] = _probability(s)
        data_vars[f"probability[{s.item.label}]"] = (("year", "label"), arr)
        info.append({"label": s.item.label, "hash": s.item.hash, "t0": s.meta["t0"],
                     "names": s.meta["names"]})
    sc0 = [s.item.scenario for s in states]
    uniform_n = {sc.trajectories for sc in sc0}
    uniform_h = {sc.horizon for sc in sc0}
    attrs: dict[str, Any] = {
        "scenario_name": config["run_name"], "seed": seed,
        "provenance": json.dumps({"package": "realpolitik", "version": __version__,
                                  "sweep": config["name"], "seed": seed,
                                  "config_hash": config["identity"],
                                  "data": config.get("data", {})}, default=str),
        "sweep": json.dumps({"scenarios": info}, default=str), **extra_attrs}
    if len(uniform_n) == 1:
        attrs["n_trajectories"] = next(iter(uniform_n))
    if len(uniform_h) == 1:
        attrs["horizon"] = next(iter(uniform_h))
    t0s = {s.meta["t0"] for s in done if s.meta is not None}
    if len(t0s) == 1:
        attrs["t0"] = next(iter(t0s))
    return xr.Dataset(data_vars, coords={"year": np.asarray(years, dtype=np.int64),
                                         "label": list(LABELS)}, attrs=attrs)


def _results_table(items: Sequence[SweepItem], skipped: Sequence[Mapping[str, Any]],
                   ds: xr.Dataset, years: Sequence[int]) -> pd.DataFrame:
    """One row per scenario (run order; skipped triads last): its label, overrides, actors,
    years, ensemble, seed, label probabilities at its horizon and at ``years``, status."""
    info = {d["label"]: d for d in json.loads(ds.attrs.get("sweep", "{}")).get(
        "scenarios", [])}
    keys = list(dict.fromkeys(k for it in items for k in it.overrides if k not in _OWN_COLUMNS))
    if any(it.base != items[0].base for it in items):
        keys.insert(0, "base")
    rows = []
    for it in items:
        sc = it.scenario
        row: dict[str, Any] = {"scenario": it.label}
        for k in keys:
            v = it.base if k == "base" else it.overrides.get(k)
            row[k] = v if v is None or isinstance(v, (int, float, str)) else _show(v)
        got = info.get(it.label)
        names = got["names"] if got else [*sc.tandem, sc.adversary]
        row.update({"tandem": f"{names[0]}-{names[1]}", "adversary": names[2],
                    "t0": got["t0"] if got else sc.t0, "horizon": sc.horizon,
                    "trajectories": sc.trajectories, "seed": sc.seed})
        var = f"probability[{it.label}]"
        have = var in ds.data_vars
        prob = ds[var] if have else None
        for lab in LABELS:
            row[lab] = float(prob.sel(year=sc.horizon, label=lab)) if prob is not None \
                else math.nan
        for y in years:
            ok = prob is not None and y in ds["year"].values
            for lab in LABELS:
                row[f"{lab}_{y}"] = float(prob.sel(year=y, label=lab)) \
                    if ok and prob is not None else math.nan
        row.update({"status": "complete" if have else "pending", "note": "",
                    "config_hash": it.hash[:16]})
        rows.append(row)
    for sk in skipped:
        ov = dict(sk["overrides"])
        tandem = ov.get("tandem", ["", ""])
        rows.append({"scenario": sk["label"], **dict.fromkeys(keys),
                     "tandem": f"{tandem[0]}-{tandem[1]}", "adversary": ov.get("adversary"),
                     "t0": ov.get("t0"), "status": "skipped", "note": sk["reason"],
                     "config_hash": ""})
    cols = ["scenario", *keys, "tandem", "adversary", "t0", "horizon", "trajectories", "seed",
            *LABELS, *[f"{lab}_{y}" for y in years for lab in LABELS], "status", "note",
            "config_hash"]
    frame = pd.DataFrame(rows, columns=cols)
    for col in ("t0", "horizon", "trajectories"):
        frame[col] = frame[col].astype("Int64")
    for col in [*LABELS, *[f"{lab}_{y}" for y in years for lab in LABELS]]:
        frame[col] = frame[col].astype(float)
    return frame


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------
def _config_of(spec: SweepSpec, exp: Expansion, chunk_size: int | None) -> dict[str, Any]:
    # overrides as [key, value] pairs: the store keeps JSON objects with sorted keys
    scenarios = [{"label": it.label, "base": it.base,
                  "overrides": [[k, v] for k, v in it.overrides.items()], "hash": it.hash}
                 for it in exp.items]
    identity = config_hash({"kind": "sweep", "scenarios": [[s["label"], s["hash"]]
                                                           for s in scenarios]})
    name = spec.name or "sweep"
    indices = sorted({it.scenario.index for it in exp.items})
    keys = ["nmc", "states"] + (["gdppop", "maddison"] if indices != ["cinc"] else [])
    return {
        "kind": "sweep", "name": name, "identity": identity,
        "run_name": f"sweep {name} ({len(scenarios)} scenarios)",
        "spec": json.loads(spec.model_dump_json()),
        "bases": {b: sc.to_dict() for b, sc in exp.bases.items()},
        "scenarios": scenarios, "skipped": exp.skipped, "years": list(spec.years),
        "chunk_size": chunk_size or spec.chunk_size or CHUNK_SIZE, "data": data_versions(keys),
    }


def _items_from_config(config: Mapping[str, Any]) -> list[SweepItem]:
    """Rebuild the scenarios of a stored sweep (checking that each hash still matches)."""
    bases = {b: parse_scenario(cfg, source=f"sweep base {b}")
             for b, cfg in config["bases"].items()}
    items = []
    for s in config["scenarios"]:
        overrides = {str(k): v for k, v in s["overrides"]}
        sc = _apply(bases[s["base"]], overrides, f"stored scenario {s['label']!r}")
        h = scenario_hash(sc)
        if h != s["hash"]:
            raise DataIntegrityError(f"stored scenario {s['label']!r} no longer has the "
                                     "configuration it was run with (the package's scenario "
                                     "defaults changed)", "start a new sweep")
        items.append(SweepItem(s["label"], s["base"], overrides, sc, h))
    return items


def _find_sweep(store: ResultsStore, identity: str) -> dict[str, Any] | None:
    runs = store.list_runs()
    for rid, name in zip(runs["run_id"], runs["scenario_name"], strict=True):
        if not isinstance(name, str) or not name.startswith("sweep "):
            continue
        record = store.get_run(rid)
        if record["config_hash"] == identity and record["config"].get("kind") == "sweep":
            return record
    return None


class _Cluster:
    """A Dask client (and the LocalCluster it owns, if any), closed on exit."""

    def __init__(self, workers: int, scheduler: str | None) -> None:
        from distributed import Client, LocalCluster

        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler {scheduler} ({exc})",
                                 "start it with `dask scheduler` and check the address") \
                    from None
            self.label = f"scheduler {scheduler}"
        else:
            import dask

            # tasks go to the workers as soon as they are submitted (at most the window of
            # RUN_AHEAD × threads): a worker never waits for the scheduler, which shares this
            # process — and its GIL — with the store commits
            with dask.config.set({"distributed.scheduler.worker-saturation": float("inf")}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, host="127.0.0.1",
                                            dashboard_address=None,
                                            silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.label = f"{workers} local worker process(es)"
        try:
            self.client.wait_for_workers(1, timeout=60)
            versions = self.client.run(_warm_up)
        except BaseException as exc:
            self.close()
            if isinstance(exc, Exception):
                raise InputError(f"the Dask workers could not run realpolitik "
                                 f"({type(exc).__name__}: {exc})",
                                 "install the same realpolitik on every worker machine") \
                    from None
            raise
        other = sorted({v for _, v in versions.values()} - {__version__})
        if other:
            self.close()
            raise InputError(f"Dask workers run realpolitik {', '.join(other)}, this process "
                             f"{__version__}", "install the same version everywhere")

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=10)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)


def _dask_results(cluster: _Cluster, tasks: Sequence[ChunkTask]) -> Iterable[ChunkResult]:
    """Submit the tasks with a bounded window and yield results as they complete. A task lost
    with a dead worker is rescheduled by Dask; one that still fails (``KilledWorker``) is
    submitted again, at most :data:`RESUBMITS` times."""
    from distributed import KilledWorker, as_completed

    client = cluster.client
    window = max(8, RUN_AHEAD * cluster.threads())
    queue = iter(tasks)
    inflight: dict[Any, tuple[ChunkTask, int]] = {}
    ac = as_completed()

    def submit(task: ChunkTask, attempt: int) -> None:
        fut = client.submit(run_chunk, task, retries=2, pure=False,
                            key=f"realpolitik-chunk-{task.key}-{os.urandom(4).hex()}")
        inflight[fut.key] = (task, attempt)
        ac.add(fut)

    for task in itertools.islice(queue, window):
        submit(task, 0)
    for fut in ac:
        task, attempt = inflight.pop(fut.key)
        try:
            result = fut.result()
        except KilledWorker:
            if attempt >= RESUBMITS:
                raise
            log.warning("chunk %s lost with its workers; submitting it again", task.key)
            submit(task, attempt + 1)
            continue
        finally:
            fut.release()
        yield result
        nxt = next(queue, None)
        if nxt is not None:
            submit(nxt, 0)


def run_sweep(spec: SweepSpec | str | Path | None, store: ResultsStore | str | Path,
              workers: int = 0, scheduler: str | None = None, chunk_size: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              resume_run_id: str | None = None,
              commit_batch: int = COMMIT_BATCH) -> SweepResult:
    """Run a sweep, checkpointing every chunk in ``store``, and return its results table.

    ``workers=0`` computes in this process; ``workers=N`` starts a Dask ``LocalCluster`` of N
    single-threaded worker processes on 127.0.0.1; ``scheduler="tcp://HOST:PORT"`` uses an
    existing Dask cluster. ``chunk_size`` (trajectories per chunk, a multiple of 1024; default
    the spec's, else :data:`CHUNK_SIZE`) never changes results. ``progress(done, total)`` is
    called with chunk counts as chunks are committed. Chunks are committed in batches of up to
    ``commit_batch`` (or every :data:`COMMIT_EVERY` seconds), one transaction each; 1 commits
    every chunk on its own (slower: each commit opens and closes the store).
    ``resume_run_id`` resumes a stored sweep (``spec`` may then be None). The same sweep run
    again resumes its run (see the module docstring). Results never depend on ``workers``,
    ``scheduler`` or ``chunk_size``.
    """
    from realpolitik.store import ResultsStore

    t_start = time.perf_counter()
    if workers < 0 or workers > 256:
        raise InputError(f"workers = {workers}: use 0 (in-process) to 256")
    if workers and scheduler:
        raise InputError("give either workers (a local cluster) or scheduler (an existing "
                         "cluster), not both")
    if chunk_size is not None and (chunk_size < BLOCK or chunk_size % BLOCK):
        raise InputError(f"chunk size {chunk_size} must be a positive multiple of {BLOCK}",
                         "e.g. --chunk-size 16384")
    if isinstance(commit_batch, bool) or not isinstance(commit_batch, int) or not \
            1 <= commit_batch <= 10_000:
        raise InputError(f"commit_batch = {commit_batch!r}: use a whole number from 1 to "
                         "10000", f"the default is {COMMIT_BATCH}")
    st = store if isinstance(store, ResultsStore) else ResultsStore(store)
    if spec is not None and not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    record: dict[str, Any] | None = None
    if resume_run_id is not None:
        record = st.get_run(resume_run_id)
        if record["config"].get("kind") != "sweep":
            raise InputError(f"run {record['run_id']} is not a sweep",
                             "resume a forecast with `realpolitik forecast` instead")
        config = dict(record["config"])
        items = _items_from_config(config)
        if spec is not None:
            exp = expand_spec(spec)
            if _config_of(spec, exp, chunk_size)["identity"] != config["identity"]:
                raise InputError(f"the spec does not describe run {record['run_id']}'s "
                                 "scenarios", "resume without the spec, or drop --resume")
    else:
        if spec is None:
            raise InputError("give a sweep spec or a run to resume",
                             "realpolitik sweep SPEC.yaml, or --resume RUN")
        exp = expand_spec(spec, source=spec.source)
        items = exp.items
        config = _config_of(spec, exp, chunk_size)
        record = _find_sweep(st, config["identity"])
    config["_scenarios"] = {it.label: it.scenario for it in items}
    years = [int(y) for y in config.get("years", [])]
    seed = config["spec"].get("seed")
    if seed is None:
        seed = items[0].scenario.seed
    cluster_label = (f"scheduler {scheduler}" if scheduler else
                     f"{workers} local worker process(es)" if workers else "in-process")

    if record is not None and record["status"] == "complete":
        ds = st.load_dataset(record["run_id"])
        table = _results_table(items, config.get("skipped", []), ds, years)
        table.attrs["provenance"] = _provenance(config, record["run_id"], st, seed)
        return SweepResult(record["run_id"], table, list(config.get("skipped", [])),
                           record["chunks"], 0, record["chunks"],
                           time.perf_counter() - t_start, 0.0, "complete", cluster_label)
    if record is not None and record["status"] == "running" and record["pid"] != os.getpid():
        raise InputError(f"sweep run {record['run_id']} is running in pid {record['pid']} "
                         f"on {record['hostname']}",
                         "wait for it to finish, or stop it and resume it with --resume")
    # the cluster first: a scheduler that cannot be reached leaves the store untouched
    cluster = _Cluster(workers, scheduler) if workers or scheduler else None
    try:
        return _start(st, record, config, items, cluster, chunk_size, progress, years, seed,
                      cluster_label if cluster is None else cluster.label, t_start,
                      commit_batch)
    finally:
        if cluster is not None:
            cluster.close()


def _start(st: ResultsStore, record: dict[str, Any] | None, config: dict[str, Any],
           items: list[SweepItem], cluster: _Cluster | None, chunk_size: int | None,
           progress: Callable[[int, int], None] | None, years: list[int], seed: int,
           cluster_label: str, t_start: float, commit_batch: int = COMMIT_BATCH
           ) -> SweepResult:
    """Begin (or take over) the sweep's run and execute it; a failure marks the run failed."""
    if record is not None:
        run_id = st.resume_run(record["run_id"])["run_id"]
    else:
        stored = {k: v for k, v in config.items() if not k.startswith("_")}
        uniform = {sc.trajectories for sc in config["_scenarios"].values()}
        horizons = {sc.horizon for sc in config["_scenarios"].values()}
        run_id = st.begin_run({
            "kind": "sweep", "scenario_name": config["run_name"], "config": stored,
            "config_hash": config["identity"], "seed": seed, "data": config["data"],
            "version": __version__,
            "n_trajectories": next(iter(uniform)) if len(uniform) == 1 else None,
            "horizon": next(iter(horizons)) if len(horizons) == 1 else None,
            "chunk_size": config["chunk_size"], "workers": cluster_label})
    try:
        return _execute(st, run_id, config, items, cluster, chunk_size, progress, years, seed,
                        cluster_label, t_start, commit_batch)
    except BaseException as exc:
        reason = ("interrupted (KeyboardInterrupt)" if isinstance(exc, KeyboardInterrupt)
                  else f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            st.fail_run(run_id, reason)
        raise


def _provenance(config: Mapping[str, Any], run_id: str, store: ResultsStore,
                seed: int | None) -> dict[str, Any]:
    return {"package": "realpolitik", "version": __version__, "run_id": run_id,
            "store": str(store.path), "sweep": config["name"], "seed": seed,
            "config_hash": config["identity"], "data": config.get("data", {}),
            "skipped": [f"{s['label']}: {s['reason']}" for s in config.get("skipped", [])]}


def _commit(st: ResultsStore, run_id: str,
            batch: Sequence[tuple[str, Mapping[str, pd.DataFrame] | tuple[bytes, int, int]]]
            ) -> None:
    """Commit a batch of chunks in one transaction; a chunk reported as a duplicate is checked
    against the store (and tried again if it is not there), so a run never counts a chunk it
    does not hold."""
    pending = list(batch)
    for _ in range(3):
        stored = st.commit_chunks(run_id, pending)
        if all(stored):
            return
        held = st.completed_chunks(run_id)
        pending = [c for c, ok in zip(pending, stored, strict=True)
                   if not ok and c[0] not in held]
        if not pending:
            return
        log.warning("chunk(s) %s reported as committed but not in the store; retrying",
                    ", ".join(c[0] for c in pending[:3]))
    raise DataIntegrityError(f"chunk {pending[0][0]} of run {run_id} cannot be committed to "
                             f"{st.path}", "check the store with `realpolitik runs show`, "
                             "then resume the sweep")




def _execute(st: ResultsStore, run_id: str, config: dict[str, Any], items: list[SweepItem],
             cluster: _Cluster | None, chunk_size: int | None,
             progress: Callable[[int, int], None] | None, years: list[int], seed: int,
             cluster_label: str, t_start: float, commit_batch: int = COMMIT_BATCH
             ) -> SweepResult:
    states = {it.key_prefix: _ScenarioState(it, len(block_lengths(it.scenario.trajectories)),
                                            np.zeros(len(block_lengths(
                                                it.scenario.trajectories)), dtype=bool))
              for it in items}
    done_keys = st.completed_chunks(run_id)
    _coverage(items, done_keys)  # refuses overlapping chunks
    reused = 0
    for key in sorted(done_keys):
        parsed = _parse_key(key)
        if parsed is None or parsed[0] not in states:
            continue
        states[parsed[0]].add(st.load_chunk(run_id, key))
        reused += 1
    cs = chunk_size if chunk_size is not None else config.get("chunk_size")
    tasks = plan_sweep(items, cs, done_keys)
    total = reused + len(tasks)
    if progress is not None:
        progress(reused, total)
    by_key = {t.key: t for t in tasks}
    committed: set[str] = set()
    compute = 0.0
    pids: dict[int, int] = {}

    waiting: dict[str, ChunkResult] = {}
    first_wait = 0.0

    def flush() -> None:
        if not waiting:
            return
        batch = [(k, r.payload if r.payload is not None else r.frames)
                 for k, r in waiting.items()]
        _commit(st, run_id, batch)
        for key, result in waiting.items():
            committed.add(key)
            states[key[:16]].add(result.frames)
        waiting.clear()
        if progress is not None:
            progress(reused + len(committed), total)

    def take(result: ChunkResult) -> None:
        nonlocal compute, first_wait
        if result.error is not None:
            task = by_key[result.key]
            label = states[task.scenario_hash[:16]].item.label
            raise InputError(f"scenario {label!r}: {result.error}",
                             "fix the scenario in the spec (the chunks already computed are "
                             "kept)")
        if result.key in committed or result.key in waiting:
            return  # delivered twice (a resubmitted chunk): counted once
        _write_chunk_files(st, run_id, result.key, result.files)
        if not waiting:
            first_wait = time.monotonic()
        waiting[result.key] = result
        compute += result.seconds
        pids[result.pid] = pids.get(result.pid, 0) + 1
        if len(waiting) >= commit_batch or time.monotonic() - first_wait >= COMMIT_EVERY:
            flush()

    if tasks:
        try:
            if cluster is None:
                for task in tasks:
                    take(run_chunk(task))
            else:
                for result in _dask_results(cluster, tasks):
                    take(result)
        except BaseException:  # an error or an interrupt keeps every chunk received so far
            try:
                flush()
            except Exception:  # the original error matters more; a resume recomputes these
                log.warning("could not commit %d received chunk(s)", len(waiting))
            raise
        flush()
    missing = [s.item.label for s in states.values() if not s.complete]
    if missing:
        raise DataIntegrityError(f"{len(missing)} scenario(s) lack chunks after the sweep: "
                                 + ", ".join(missing[:3]), "resume the sweep")
    lost = (committed | {k for k in done_keys if _parse_key(k) is not None}) - \
        st.completed_chunks(run_id)
    if lost:  # never complete a run whose chunks are not all in the store
        raise DataIntegrityError(f"{len(lost)} committed chunk(s) of run {run_id} are missing "
                                 f"from the store (e.g. {sorted(lost)[0]})",
                                 "resume the sweep: missing chunks are computed again")
    ordered = [states[it.key_prefix] for it in items]
    ds = _sweep_dataset_of(config, ordered, seed, {})
    elapsed = time.perf_counter() - t_start
    st.write_summary(run_id, ds, timings={"sweep": elapsed, "compute": compute})
    table = _results_table(items, config.get("skipped", []), ds, years)
    table.attrs["provenance"] = _provenance(config, run_id, st, seed)
    return SweepResult(run_id, table, list(config.get("skipped", [])), total, len(committed),
                       reused, elapsed, compute, "complete", cluster_label, pids)


# ---------------------------------------------------------------------------------------------
# Reading stored sweeps
# ---------------------------------------------------------------------------------------------
def _stored_sweep(store: ResultsStore | str | Path, run_id: str
                  ) -> tuple[ResultsStore, dict[str, Any], dict[str, Any], list[SweepItem]]:
    from realpolitik.store import ResultsStore

    st = store if isinstance(store, ResultsStore) else ResultsStore(store)
    record = st.get_run(run_id)
    if record["config"].get("kind") != "sweep":
        raise InputError(f"run {record['run_id']} is not a sweep",
                         "see `realpolitik runs show` for other runs")
    config = dict(record["config"])
    items = _items_from_config(config)
    config["_scenarios"] = {it.label: it.scenario for it in items}
    return st, record, config, items


def sweep_results(store: ResultsStore | str | Path, run_id: str,
                  years: Sequence[int] | None = None) -> pd.DataFrame:
    """The results table of a stored sweep: label probabilities at each scenario's horizon
    and at ``years`` (default: the sweep's). For a sweep not yet complete, the scenarios whose
    chunks are all in have numbers; the others are ``pending``."""
    st, record, config, items = _stored_sweep(store, run_id)
    wanted = [int(y) for y in (years if years is not None else config.get("years", []))]
    seed = config["spec"].get("seed")
    if seed is None:
        seed = items[0].scenario.seed
    if record["status"] == "complete":
        ds = st.load_dataset(record["run_id"])
    else:
        states = {it.key_prefix: _ScenarioState(it, len(block_lengths(
            it.scenario.trajectories)), np.zeros(len(block_lengths(it.scenario.trajectories)),
                                                 dtype=bool)) for it in items}
        for key in sorted(st.completed_chunks(record["run_id"])):
            parsed = _parse_key(key)
            if parsed is not None and parsed[0] in states:
                states[parsed[0]].add(st.load_chunk(record["run_id"], key))
        ds = _sweep_dataset_of(config, [states[it.key_prefix] for it in items], seed, {})
    table = _results_table(items, config.get("skipped", []), ds, wanted)
    table.attrs["provenance"] = {**_provenance(config, record["run_id"], st, seed),
                                 "status": record["status"]}
    return table


def sweep_scenarios(store: ResultsStore | str | Path, run_id: str) -> dict[str, Scenario]:
    """The scenarios of a stored sweep by label, in the sweep's order."""
    _st, _record, _config, items = _stored_sweep(store, run_id)
    return {it.label: it.scenario for it in items}


def sweep_dataset(store: ResultsStore | str | Path, run_id: str, scenario: str) -> xr.Dataset:
    """One scenario's full engine Dataset (probabilities, quantiles, means, first entries),
    rebuilt from its stored chunks: identical to ``simulate(resolve(scenario))``."""
    from realpolitik.simulate.resolve import resolve

    st, record, _config, items = _stored_sweep(store, run_id)
    item = next((it for it in items if it.label == scenario), None)
    if item is None:
        close = difflib.get_close_matches(scenario, [it.label for it in items], n=3)
        raise InputError(f"sweep {record['run_id']} has no scenario {scenario!r}",
                         ("did you mean " + "; ".join(close) + "?") if close else
                         "see sweep_results() for the scenario labels")
    r = resolve(item.scenario)
    acc = Accumulator(r, item.scenario.trajectories)
    for key in sorted(st.completed_chunks(record["run_id"])):
        parsed = _parse_key(key)
        if parsed is not None and parsed[0] == item.key_prefix:
            acc.add(frames_to_partial(load_chunk_frames(st, record["run_id"], key)))
    return acc.dataset(item.scenario.seed)
