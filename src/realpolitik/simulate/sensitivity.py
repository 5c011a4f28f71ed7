"""Global sensitivity of a forecast's label probabilities to scenario parameters (DESIGN §5).

Which parameters drive the probability of each alignment label at a year? :func:`sensitivity`
varies chosen scenario keys over ranges (:class:`ParamSpec`), runs the engine at every point of
a SALib design, and returns first-order and total Sobol indices (``method="sobol"``) or Morris
elementary-effect statistics (``method="morris"``) of P(label at ``year``) for each label and
parameter.

**Model evaluations.** The scenario is resolved once (resolution reads the bundled data). Each
design point then overrides the scenario's dotted keys (validated by
:meth:`~realpolitik.simulate.scenario.Scenario.with_overrides`) and maps them onto a copy of the
resolved numbers with :func:`dataclasses.replace`: ``growth.{A,B,C}.drift|volatility`` onto the
drift and volatility vectors; ``adversary_policy.*`` and ``cohesion.*`` through the scenario the
engine reads them from (``adversary_policy.path.*`` also recomputes the policy path);
``region_map.*`` and ``leeway.*`` rebuild the map and the leeway parameters. Any other key (e.g.
``growth.exclude_breaks``) falls back to re-resolving the scenario at every point — correct but
slower. Keys that change the time axis or the run itself (``t0``, ``horizon``, ``trajectories``,
``seed``, …) are not parameters.

**Common random numbers.** Every evaluation uses the same seed and the same number of
trajectories, so all design points see the same random draws and differences between them come
from the parameters, not from Monte Carlo noise. A parameter that cannot reach the labels (the
leeway game's ``leeway.*`` and ``cohesion.*``: the labels depend only on log powers and the
adversary's response) therefore gets indices of exactly 0. Each evaluation runs the engine's
block function (:func:`~realpolitik.simulate.engine.simulate_blocks`, the unit
:func:`~realpolitik.simulate.engine.simulate` is built from) and sums the label counts, which
gives the same probabilities as ``simulate(...).probability`` without assembling quantiles.

**Seeds.** The given seed is the engine's seed for every evaluation; SALib's sampling and
bootstrap seeds are spawned from it by :class:`numpy.random.SeedSequence`. The same arguments
give the same table, whatever ``workers``.

**Default parameters** (:func:`default_params`, when none are given), centred on the scenario's
resolved values:

* ``growth.A.drift``, ``growth.B.drift``, ``growth.C.drift``: resolved drift ± 0.02 (±2 % a
  year of power growth);
* ``growth.B.volatility``: the weaker partner's resolved volatility × ½ … × 2;
* ``adversary_policy.gain``: gain ± 1 (from 0), ``adversary_policy.persistence``: ± 0.15
  (within 0 … 0.95) — response mode only: in path mode they do not enter the model;
* ``adversary_policy.shock_sd``: × ½ … × 2 (0 … 0.05 if the scenario has none);
* ``region_map.a_S``: the pressure at which hedging ends, ± 0.05 (within ½·a_S … halfway to
  a_H), and ``region_map.r_B0``: the bandwagoning gap, ± 0.1 (not below ``r_C``) — how much the
  forecast rests on where the plane's lines are drawn rather than on the world's dynamics.

Nine parameters in response mode (seven in path mode): with the default N = 128 that is
128 × 11 = 1,408 evaluations of 2,048 trajectories, some twenty seconds on one core. The leeway
and cohesion parameters (``leeway.sigma0`` …) are left out: they do not feed back into the
labels.

>>> from realpolitik.simulate.sensitivity import parse_params
>>> parse_params("growth.B.drift=-0.03:0.01, adversary_policy.gain=0:2")
[ParamSpec(key='growth.B.drift', low=-0.03, high=0.01),
 ParamSpec(key='adversary_policy.gain', low=0.0, high=2.0)]
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError, RealpolitikError
from realpolitik.models.labels import LABELS
from realpolitik.simulate.resolve import Resolved, policy_path, resolve
from realpolitik.simulate.scenario import Scenario, load_scenario

__all__ = ["DEFAULT_N_BASE", "DEFAULT_TRAJECTORIES", "METHODS", "ParamSpec", "default_params",
           "parse_params", "sensitivity", "top_drivers"]

Method = Literal["sobol", "morris"]
METHODS: tuple[str, ...] = ("sobol", "morris")
#: Base sample size per method: Sobol' N (a power of 2; N·(d + 2) evaluations) and Morris
#: trajectories r (r·(d + 1) evaluations).
DEFAULT_N_BASE: dict[str, int] = {"sobol": 128, "morris": 32}
#: Trajectories per evaluation (each evaluation sees the same draws).
DEFAULT_TRAJECTORIES = 2048
#: Grid levels of the Morris design.
MORRIS_LEVELS = 4
#: Bootstrap resamples for the confidence intervals (95 %).
RESAMPLES = 100

#: Top-level keys that are not model parameters (they change the run, the time axis or the
#: actors rather than the dynamics).
_NOT_PARAMS = ("name", "description", "tandem", "adversary", "t0", "horizon", "index",
               "trajectories", "seed", "chunk_size", "quantiles", "growth.window")
#: Key prefixes mapped onto the resolved numbers without re-reading data.
_FAST = ("growth.A.", "growth.B.", "growth.C.", "adversary_policy.", "cohesion.", "region_map.",
         "leeway.")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_ITEM = re.compile(rf"^\s*(?P<key>[^=\s]+)\s*=\s*(?P<low>{_NUMBER})\s*:\s*(?P<high>{_NUMBER})\s*$")
_STAT_COLUMNS: dict[str, tuple[str, ...]] = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
}


@dataclass(frozen=True)
class ParamSpec:
    """One varied parameter: a dotted scenario key (e.g. ``growth.B.drift``) and its range.

    Values are drawn uniformly in [low, high]. A key whose scenario value is an integer (e.g.
    ``adversary_policy.lag``) is drawn over [low − ½, high + ½] and rounded, so each integer
    in [low, high] gets the same weight.
    """

    key: str
    low: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise InputError(f"parameter {self.key!r}: {name} = {v!r} must be a finite "
                                 "number", "write KEY=LOW:HIGH, e.g. growth.B.drift=-0.03:0.01")
            object.__setattr__(self, name, float(v))
        if not self.low < self.high:
            raise InputError(f"parameter {self.key!r}: low {self.low:g} must be less than high "
                             f"{self.high:g}", "write KEY=LOW:HIGH with LOW < HIGH")

    def __str__(self) -> str:
        return f"{self.key}={self.low:g}:{self.high:g}"


# -- parameters -----------------------------------------------------------------------------
def _current(scenario: Scenario, key: str) -> Any:
    """The scenario's value at a dotted key (None if unset or absent)."""
    node: Any = scenario.to_dict()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _is_integer(scenario: Scenario, key: str) -> bool:
    value = _current(scenario, key)
    return isinstance(value, int) and not isinstance(value, bool)


def _check_spec(spec: ParamSpec, scenario: Scenario, where: str) -> None:
    """Fail unless ``spec.key`` is a numeric scenario parameter valid at both bounds."""
    key = spec.key
    if key in _NOT_PARAMS or key.split(".")[0] in _NOT_PARAMS:
        raise InputError(f"{where}: {key!r} is not a model parameter",
                         "vary model settings such as growth.B.drift, adversary_policy.gain, "
                         "region_map.r_B0; set " + ", ".join(_NOT_PARAMS) + " in the scenario")
    if isinstance(_current(scenario, key), bool | str | list | dict):
        raise InputError(f"{where}: {key!r} is not a numeric setting",
                         "vary numbers, e.g. growth.B.drift or adversary_policy.gain")
    integer = _is_integer(scenario, key)
    for bound in (spec.low, spec.high):
        value: float | int = bound
        if integer:
            if bound != round(bound):
                raise InputError(f"{where}: {key} takes whole numbers, not {bound:g}",
                                 f"e.g. {key}={math.ceil(spec.low)}:{math.floor(spec.high)}")
            value = round(bound)
        try:
            scenario.with_overrides({key: value})
        except RealpolitikError as exc:
            raise InputError(f"{where}: {exc.message}", exc.hint) from None


def parse_params(text: str, scenario: Scenario | None = None) -> list[ParamSpec]:
    """Parse ``"KEY=LOW:HIGH,KEY=LOW:HIGH"`` into :class:`ParamSpec` s.

    With a ``scenario``, each key is checked against it by overriding it at both bounds, so an
    unknown key or a bound outside the key's allowed range fails with the scenario's message.
    Every error names the offending item.

    >>> from realpolitik.simulate.scenario import load_preset
    >>> parse_params("growth.B.drift=-0.7:0", load_preset("status-quo"))
    Traceback (most recent call last):
    ...
    realpolitik.errors.InputError: --params item 'growth.B.drift=-0.7:0': overrides:
    growth.B.drift = -0.7: Input should be greater than or equal to -0.5 ...
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("--params is empty", "e.g. --params growth.B.drift=-0.03:0.01,"
                         "adversary_policy.gain=0:2")
    specs: list[ParamSpec] = []
    for raw in text.split(","):
        item = raw.strip()
        where = f"--params item {item!r}"
        if not item:
            raise InputError(f"--params {text!r} has an empty item",
                             "separate items with single commas")
        m = _ITEM.match(item)
        if m is None:
            hint = ("write KEY=LOW:HIGH, e.g. growth.B.drift=-0.03:0.01" if "=" in item and
                    ":" in item else "each item is KEY=LOW:HIGH, e.g. adversary_policy.gain=0:2")
            raise InputError(f"{where} is not KEY=LOW:HIGH with two numbers", hint)
        key = m["key"]
        if any(s.key == key for s in specs):
            raise InputError(f"{where}: {key!r} is given twice", "give each key once")
        try:
            spec = ParamSpec(key, float(m["low"]), float(m["high"]))
        except InputError as exc:
            raise InputError(f"{where}: {exc.message}", exc.hint) from None
        if scenario is not None:
            _check_spec(spec, scenario, where)
        specs.append(spec)
    return specs


def default_params(scenario: Scenario | str | Path,
                   resolved: Resolved | None = None) -> list[ParamSpec]:
    """The default parameter set around the scenario's resolved values (module docstring).

    >>> from realpolitik.simulate.scenario import load_preset
    >>> [str(p) for p in default_params(load_preset("status-quo"))][3:]
    ['growth.B.volatility=0.0236:0.0943', 'adversary_policy.gain=0:2',
     'adversary_policy.persistence=0.65:0.95', 'adversary_policy.shock_sd=0.025:0.1',
     'region_map.a_S=0.2:0.3', 'region_map.r_B0=0.3:0.5']
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    r = resolved if resolved is not None else resolve(sc)
    out = []
    for i, role in enumerate("ABC"):
        d = float(r.drift[i])
        out.append(ParamSpec(f"growth.{role}.drift", round(max(-0.5, d - 0.02), 4),
                             round(min(0.5, d + 0.02), 4)))
    v = float(r.volatility[1])
    out.append(ParamSpec("growth.B.volatility", *((round(v / 2, 4), round(min(1.0, 2 * v), 4))
                                                  if v > 0 else (0.0, 0.02))))
    pol = sc.adversary_policy
    if pol.mode == "response":
        out.append(ParamSpec("adversary_policy.gain", round(max(0.0, pol.gain - 1.0), 4),
                             round(min(10.0, pol.gain + 1.0), 4)))
        lo = max(0.0, pol.persistence - 0.15)
        hi = min(0.95, pol.persistence + 0.15)
        if hi > lo:
            out.append(ParamSpec("adversary_policy.persistence", round(lo, 4), round(hi, 4)))
    s = pol.shock_sd
    out.append(ParamSpec("adversary_policy.shock_sd", *((round(s / 2, 4), round(min(2.0, 2 * s), 4))
                                                        if s > 0 else (0.0, 0.05))))
    t = r.region_map.thresholds()
    a_s = r.region_map.a_S
    out.append(ParamSpec("region_map.a_S", round(max(a_s / 2, a_s - 0.05), 4),
                         round(min(a_s + 0.05, (a_s + t.a_H) / 2), 4)))
    out.append(ParamSpec("region_map.r_B0", round(max(t.r_C, t.r_B0 - 0.1), 4),
                         round(t.r_B0 + 0.1, 4)))
    return out


def _coerce_params(params: str | Sequence[ParamSpec | tuple[str, float, float]] | None,
                   scenario: Scenario, resolved: Resolved) -> list[ParamSpec]:
    if params is None:
        return default_params(scenario, resolved)
    if isinstance(params, str):
        return parse_params(params, scenario)
    specs: list[ParamSpec] = []
    for item in params:
        spec = item if isinstance(item, ParamSpec) else ParamSpec(*item)
        if any(s.key == spec.key for s in specs):
            raise InputError(f"parameter {spec.key!r} is given twice", "give each key once")
        _check_spec(spec, scenario, f"parameter {str(spec)!r}")
        specs.append(spec)
    if not specs:
        raise InputError("no parameters to vary", "give at least one, or None for the defaults")
    return specs


# -- evaluation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Evaluator:
    """P(label at ``year``) for one point of the design (picklable, for worker processes)."""

    scenario: Scenario
    resolved: Resolved
    keys: tuple[str, ...]
    integer: tuple[bool, ...]
    year: int
    trajectories: int
    seed: int
    fast: bool

    def values(self, row: np.ndarray) -> dict[str, float | int]:
        return {k: (round(float(x)) if integer else float(x))
                for k, x, integer in zip(self.keys, row, self.integer, strict=True)}

    def resolved_at(self, row: np.ndarray) -> Resolved:
        values = self.values(row)
        try:
            sc = self.scenario.with_overrides(values)
            if not self.fast:
                return resolve(sc)
            return _apply(self.resolved, sc)
        except RealpolitikError as exc:
            shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
            raise InputError(f"the parameter combination {shown} is invalid: {exc.message}",
                             "narrow the ranges so that every combination is a valid scenario"
                             ) from None

    def __call__(self, row: np.ndarray) -> np.ndarray:
        from realpolitik.simulate.engine import plan_chunks, simulate_blocks

        r = self.resolved_at(row)
        t = self.year - r.t0
        counts = np.zeros(len(LABELS), dtype=np.int64)
        for b0, b1 in plan_chunks(self.trajectories, r.scenario.chunk_size):
            counts += simulate_blocks(r, self.seed, self.trajectories, b0, b1).label_counts[t]
        return counts / float(self.trajectories)


def _apply(base: Resolved, sc: Scenario) -> Resolved:
    """``base`` with the numbers that ``sc`` changes (keys under :data:`_FAST`), no data read."""
    from realpolitik.models.leeway import LeewayParams
    from realpolitik.models.plane import region_map

    drift = base.drift.copy()
    vol = base.volatility.copy()
    estimated = {role: dict(flags) for role, flags in base.estimated.items()}
    for i, role in enumerate("ABC"):
        spec = getattr(sc.growth, role)
        if spec.drift is not None:
            drift[i] = spec.drift
            estimated[role]["drift"] = False
        if spec.volatility is not None:
            vol[i] = spec.volatility
            estimated[role]["volatility"] = False
    bad = [y for y in sc.adversary_policy.path if not base.t0 < y <= sc.horizon]
    if bad:
        raise InputError(f"adversary_policy.path years {bad} lie outside ({base.t0}, "
                         f"{sc.horizon}]", "policy years come after t0")
    rm = dict(sc.region_map)
    the_map = region_map(rm.pop("base", "default"), **rm)
    return dataclasses.replace(
        base, scenario=sc, drift=drift, volatility=vol, estimated=estimated,
        policy=policy_path(sc.adversary_policy.path, base.t0, sc.horizon), region_map=the_map,
        leeway=LeewayParams.coerce(sc.leeway))


_WORKER: _Evaluator | None = None


def _init_worker(evaluator: _Evaluator) -> None:
    global _WORKER
    _WORKER = evaluator


def _run_worker(row: np.ndarray) -> np.ndarray:
    assert _WORKER is not None
    return _WORKER(row)


def _evaluate(evaluator: _Evaluator, rows: np.ndarray, workers: int,
              progress: Callable[[int, int], None] | None) -> np.ndarray:
    """Outputs (len(rows), 6), in row order; worker processes when ``workers`` > 1."""
    total = len(rows)
    out = np.empty((total, len(LABELS)))
    if workers > 1 and total > 1:
        # fork on Linux: workers inherit the imported, compiled engine and do not re-run the
        # caller's main module; spawn elsewhere (fork is unsafe on macOS)
        method = "fork" if sys.platform.startswith("linux") and \
            "fork" in get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method),
                                 initializer=_init_worker, initargs=(evaluator,)) as pool:
            chunk = max(1, min(16, total // (4 * workers)))
            for i, y in enumerate(pool.map(_run_worker, list(rows), chunksize=chunk)):
                out[i] = y
                if progress is not None:
                    progress(i + 1, total)
        return out
    for i, row in enumerate(rows):
        out[i] = evaluator(row)
        if progress is not None:
            progress(i + 1, total)
    return out


# -- analysis --------------------------------------------------------------------------------
def _salib_version() -> str:
    try:
        return version("SALib")
    except PackageNotFoundError:  # pragma: no cover
        return "?"


def _seeds(seed: int) -> tuple[int, int]:
    """SALib's sampling and bootstrap seeds, spawned from ``seed`` (both non-zero: SALib's
    Sobol analysis ignores a seed of 0)."""
    sample, analyze = (int(c.generate_state(1, np.uint32)[0]) + 1
                       for c in np.random.SeedSequence(seed).spawn(2))
    return sample, analyze


def sensitivity(scenario: Scenario | str | Path,
                params: str | Sequence[ParamSpec | tuple[str, float, float]] | None = None,
                method: str = "sobol", year: int | None = None, n_base: int | None = None,
                trajectories: int = DEFAULT_TRAJECTORIES, seed: int | None = None,
                workers: int = 1,
                progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Sobol or Morris indices of P(label at ``year``) for each label and parameter.

    ``scenario``: a :class:`Scenario`, a file or a preset name. ``params``: a ``--params``
    string, :class:`ParamSpec` s or ``(key, low, high)`` tuples; None: :func:`default_params`.
    ``year``: default the horizon. ``n_base``: Sobol' base sample N (a power of 2; N·(d + 2)
    evaluations) or Morris trajectories r (r·(d + 1) evaluations); default
    :data:`DEFAULT_N_BASE`. ``trajectories`` per evaluation and ``seed`` (default: the
    scenario's) are shared by every evaluation (common random numbers). ``workers`` > 1 runs
    evaluations in that many processes (same result). ``progress(done, total)`` is called after
    each evaluation.

    Returns one row per label × parameter: ``label``, ``parameter``, then ``S1, S1_conf, ST,
    ST_conf`` (Sobol; 95 % bootstrap half-widths) or ``mu_star, mu_star_conf, mu, sigma``
    (Morris; elementary effects per full range of the parameter, in probability units), and
    ``note`` (why a row is NaN: a label whose probability is the same at every design point has
    no variance to apportion). ``attrs["provenance"]`` records the configuration, seeds, sample
    size and SALib version; ``attrs["outputs"]`` the mean, sd, min and max of each label's
    probability over the design.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}", "use sobol or morris")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    for name, value, lo in (("trajectories", trajectories, 1), ("workers", workers, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
            raise InputError(f"{name} = {value!r}; a whole number ≥ {lo}")
    seed = sc.seed if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or \
            not 0 <= seed < 2**63:
        raise InputError(f"seed = {seed!r}; a whole number from 0 to 2^63 − 1")
    n = DEFAULT_N_BASE[method] if n_base is None else n_base
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise InputError(f"n_base = {n!r}; a whole number ≥ 2")
    if method == "sobol" and n & (n - 1):
        lo2 = 1 << (int(n).bit_length() - 1)
        raise InputError(f"Sobol' base sample N = {n} is not a power of 2",
                         f"use {lo2} or {2 * lo2}")
    t_start = time.perf_counter()
    r = resolve(sc)
    y = int(r.years[-1]) if year is None else year
    if isinstance(y, bool) or not isinstance(y, int | np.integer) or not r.t0 < y <= r.years[-1]:
        raise InputError(f"year {y!r} is outside the forecast ({r.t0}, {int(r.years[-1])}]",
                         f"choose a year from {r.t0 + 1} to {int(r.years[-1])}")
    specs = _coerce_params(params, sc, r)
    keys = tuple(s.key for s in specs)
    integer = tuple(_is_integer(sc, k) for k in keys)
    bounds = [[s.low - 0.5, s.high + 0.5] if i else [s.low, s.high]
              for s, i in zip(specs, integer, strict=True)]
    problem = {"num_vars": len(specs), "names": list(keys), "bounds": bounds}
    sample_seed, analyze_seed = _seeds(int(seed))
    if method == "sobol":
        x = sobol_sample.sample(problem, int(n), calc_second_order=False, seed=sample_seed)
    else:
        x = morris_sample.sample(problem, int(n), num_levels=MORRIS_LEVELS, seed=sample_seed)
    x = np.asarray(x, dtype=float)
    design = x.copy()
    for j, (spec, i) in enumerate(zip(specs, integer, strict=True)):
        if i:
            design[:, j] = np.clip(np.floor(design[:, j] + 0.5), spec.low, spec.high)
    fast = all(k.startswith(_FAST) for k in keys)
    evaluator = _Evaluator(sc, r, keys, integer, y, int(trajectories), int(seed), fast)
    for spec, i in zip(specs, integer, strict=True):  # bounds valid against the resolved run
        for bound in (spec.low, spec.high):
            try:
                one = sc.with_overrides({spec.key: round(bound) if i else bound})
                if fast:
                    _apply(r, one)
                else:
                    resolve(one)
            except RealpolitikError as exc:
                raise InputError(f"parameter {str(spec)!r}: {exc.message}", exc.hint) from None
    unique, inverse = np.unique(design, axis=0, return_inverse=True)
    ys = _evaluate(evaluator, unique, int(workers), progress)[np.asarray(inverse).reshape(-1)]

    stats = _STAT_COLUMNS[method]
    rows: list[dict[str, Any]] = []
    outputs: dict[str, dict[str, float]] = {}
    for k, label in enumerate(LABELS):
        out = ys[:, k]
        outputs[label] = {"mean": float(out.mean()), "sd": float(out.std()),
                          "min": float(out.min()), "max": float(out.max())}
        if np.ptp(out) == 0:
            note = f"no variance: P = {out[0]:.3g} at every design point"
            rows += [{"label": label, "parameter": key, **dict.fromkeys(stats, math.nan),
                      "note": note} for key in keys]
            continue
        if method == "sobol":
            si = sobol_analyze.analyze(problem, out, calc_second_order=False,
                                       num_resamples=RESAMPLES, conf_level=0.95,
                                       seed=analyze_seed)
        else:
            si = morris_analyze.analyze(problem, x, out, num_resamples=RESAMPLES,
                                        conf_level=0.95, num_levels=MORRIS_LEVELS,
                                        seed=analyze_seed)
        for j, key in enumerate(keys):
            rows.append({"label": label, "parameter": key,
                         **{s: float(np.asarray(si[s])[j]) for s in stats}, "note": ""})
    table = pd.DataFrame(rows, columns=["label", "parameter", *stats, "note"])
    config = {
        "analysis": "sensitivity", "method": method, "scenario": sc.name,
        "scenario_config": sc.to_dict(), "year": y, "t0": r.t0,
        "params": [{"key": s.key, "low": s.low, "high": s.high, "integer": i}
                   for s, i in zip(specs, integer, strict=True)],
        "n_base": int(n), "n_evaluations": len(design), "n_distinct_evaluations": len(unique),
        "trajectories": int(trajectories), "common_random_numbers": True,
        "salib": _salib_version(), "salib_sample_seed": sample_seed,
        "salib_analyze_seed": analyze_seed, "resamples": RESAMPLES, "conf_level": 0.95,
        "evaluation": "resolved once, overrides applied to the resolved numbers" if fast
        else "scenario re-resolved at every design point",
        **({"morris_levels": MORRIS_LEVELS} if method == "morris" else {}),
    }
    stamp(table, datasets=list(r.provenance.get("data", {})), config=config, seed=int(seed),
          merge=False)
    table.attrs["outputs"] = outputs
    table.attrs["seconds"] = time.perf_counter() - t_start
    return table


def top_drivers(table: pd.DataFrame, label: str, k: int = 3) -> pd.DataFrame:
    """The ``k`` parameters with the largest total index ST (Sobol) or μ* (Morris) for
    ``label``, largest first; labels without variance give an empty frame.

    >>> t = pd.DataFrame({"label": ["hedging"] * 3, "parameter": ["a", "b", "c"],
    ...                   "ST": [0.1, 0.7, 0.2], "ST_conf": [0.0] * 3, "note": [""] * 3})
    >>> top_drivers(t, "hedging", k=2)["parameter"].tolist()
    ['b', 'c']
    """
    if label not in LABELS:
        raise InputError(f"unknown label {label!r}", "use one of " + ", ".join(LABELS))
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"k = {k!r}; a whole number ≥ 1")
    col = "ST" if "ST" in table.columns else "mu_star" if "mu_star" in table.columns else None
    if col is None or not {"label", "parameter"} <= set(table.columns):
        raise InputError("not a sensitivity table (no label, parameter and ST or mu_star "
                         "columns)", "pass the frame returned by sensitivity()")
    rows = table[(table["label"] == label) & table[col].notna()]
    return rows.sort_values(col, ascending=False, kind="stable").head(k).reset_index(drop=True)
