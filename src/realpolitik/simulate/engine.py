"""The Monte Carlo engine: all trajectories of a scenario advance together, one year per step.

State of each trajectory: log power of A, B, C; the adversary's response Ar (and its two fronts);
the tandem's cohesion; per-region leeway of each partner. One step (year t−1 → t):

1. x_i ← x_i + drift_i + volatility_i·ε_i (log power, i = A, B, C);
2. T(t) = ln(P_A + P_B) − ln P_C − T(t0), the tandem's power relative to C since t0;
   Ar(t) = ρ·Ar(t−1) + (1 − ρ)·(g·T(t − lag) + policy(t)) + s·ε  (``response`` mode: Ar
   moves toward the level g·T + policy, so a policy path held at P adds P to Ar in the long
   run) or
   Ar(t) = policy(t) + s·ε (``path`` mode); fronts ar_A = f_A·Ar, ar_B = f_B·Ar;
3. Rg(t) = (ln(P_A/P_B) − ln(P_A0/P_B0)) / ln 2; the alignment label from the plane
   (:func:`realpolitik.models.plane.classify`, with hysteresis if the map has it);
4. cohesion κ ← κ + rate·(target(label) − κ);
5. the leeway game at (P_A, P_B, P_C, Ar) with the surplus scaled by κ/κ0
   (:mod:`realpolitik.models.leeway`'s functions, so a deterministic run reproduces the model);
6. Beaufre's ratio (Ψ_A P_A + Ψ_B P_B)/(Ψ_C P_C).

**Seeds and chunks.** Trajectories are grouped in blocks of :data:`BLOCK`; block b draws all
its random numbers from ``SeedSequence(seed, spawn_key=(b,))`` (the b-th child of the root
seed). A chunk is any run of whole blocks. Every statistic is accumulated per block (counts as
integers, sums per block) and combined in block order, so the result is identical, bit for bit,
whatever the chunk size, the order in which chunks run, or the process that runs them.

**Statistics.** Per year: the share of trajectories with each label; quantiles of Rg, Ar and
the log Beaufre ratio from fixed-bin histograms (bin width :data:`BIN`, values beyond the range
clamped to the edge bins); means of Rg, Ar, cohesion and of each partner's leeway per component
(macro, each region, total); per label the probability of entering it by the horizon and the
expected year of first entry.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from realpolitik.errors import InputError
from realpolitik.models import leeway as lw
from realpolitik.models.labels import LABELS, label_index
from realpolitik.models.plane import RegionMap, classify, classify_path
from realpolitik.simulate.resolve import Resolved
from realpolitik.simulate.scenario import BLOCK

LN2 = math.log(2.0)
#: Histogram bin width for quantiles (Rg, Ar, log Beaufre ratio).
BIN = 0.002
#: Histogram ranges: values beyond are clamped to the edge bins.
RANGES = {"rg": (-8.0, 8.0), "ar": (-6.0, 6.0), "beaufre": (-6.0, 6.0)}
N_DRAWS = 4  # ε for A, B, C and the Ar shock


@dataclass
class Partial:
    """Statistics of a run of blocks ``[block0, block1)``; combine with :func:`combine`."""

    block0: int
    block1: int
    n: int
    label_counts: np.ndarray  # (Y, 6) int64
    hist: dict[str, np.ndarray]  # name -> (Y, bins) int64
    sums: dict[str, np.ndarray]  # name -> (blocks, ...) float64 (per-block sums)
    entry_counts: np.ndarray  # (6, Y) int64: trajectories first entering label k in year y
    trajectories: dict[str, np.ndarray] | None = None


def block_lengths(n: int) -> np.ndarray:
    nb = -(-n // BLOCK)
    lengths = np.full(nb, BLOCK, dtype=np.int64)
    if n % BLOCK:
        lengths[-1] = n % BLOCK
    return lengths


def chunk_draws(seed: int, lengths: np.ndarray, block0: int, block1: int,
                steps: int) -> np.ndarray:
    """The normals of blocks ``[block0, block1)``: shape (blocks, steps, N_DRAWS, BLOCK); a
    short last block fills only the first entries of its slab."""
    out = np.zeros((block1 - block0, steps, N_DRAWS, BLOCK))
    for i, b in enumerate(range(block0, block1)):
        ln = int(lengths[b])
        ss = np.random.SeedSequence(seed, spawn_key=(b,))
        rng = np.random.Generator(np.random.SFC64(ss))
        if ln == BLOCK:
            rng.standard_normal(out=out[i])
        else:
            out[i, :, :, :ln] = rng.standard_normal((steps, N_DRAWS, ln))
    return out


def block_draws(seed: int, block: int, length: int, steps: int) -> np.ndarray:
    """The random normals of one block: shape (steps, N_DRAWS, length).

    Block b's generator is SFC64 seeded by ``SeedSequence(seed, spawn_key=(b,))``, the b-th
    child of the root seed (SFC64: a small, fast generator that passes PractRand; numpy's
    ziggurat turns its output into normals).
    """
    ss = np.random.SeedSequence(seed, spawn_key=(block,))
    rng = np.random.Generator(np.random.SFC64(ss))
    return rng.standard_normal((steps, N_DRAWS, length))


def _nbins(name: str) -> int:
    lo, hi = RANGES[name]
    return round((hi - lo) / BIN)


def _bin(values: np.ndarray, name: str) -> np.ndarray:
    lo, _ = RANGES[name]
    idx = np.floor((values - lo) / BIN)
    return np.clip(idx, 0, _nbins(name) - 1).astype(np.int64)


class _Model:
    """The per-year dynamics on arrays of trajectories (shared by every chunk)."""

    def __init__(self, r: Resolved) -> None:
        self.r = r
        pol = r.scenario.adversary_policy
        self.mode = pol.mode
        self.rho, self.gain, self.lag, self.shock = pol.persistence, pol.gain, pol.lag, \
            pol.shock_sd
        self.front = np.array([pol.front_A, pol.front_B])
        self.g0 = float(r.x0[0] - r.x0[1])
        self.t0_rel = float(np.logaddexp(r.x0[0], r.x0[1]) - r.x0[2])
        coh = r.scenario.cohesion
        self.k0, self.rate = coh.initial, coh.rate
        self.targets = np.array([coh.targets[lab] for lab in LABELS])
        self.components = ("macro", *r.regions.names, "total")
        self.hysteresis = r.region_map.hysteresis > 0
        self._stake = self.stake()

    def stake(self) -> np.ndarray:
        """Value at stake between the partners per region (lu), as in ``micro_game``."""
        par, reg = self.r.leeway, self.r.regions
        if len(reg) == 0:
            return np.zeros(0)
        powm = reg.advantage ** par.m
        return np.asarray(reg.value * par.value_unit * (powm[0] + powm[1]) / powm.sum(axis=0),
                          dtype=float)

    def leeway(self, p: np.ndarray, ar: np.ndarray, cohesion: np.ndarray) -> np.ndarray:
        """Leeway of each partner at t′ per component: (2, n, K + 2)."""
        par = self.r.leeway
        pa, pb, pc = p
        d = np.stack([np.asarray(lw.standalone_leeway(pa, pc)),
                      np.asarray(lw.standalone_leeway(pb, pc))])
        theta = np.asarray(lw.bargaining_strength(pa, pb, par.kappa), dtype=float)
        sig = np.asarray(lw.surplus(ar, par.sigma0, par.lam), dtype=float) * (cohesion / self.k0)
        x = lw.nash_bargaining(d, d.sum(axis=0) + sig, theta)
        conf = np.asarray(lw.confrontation_cost(ar[None, :], d, par.gamma), dtype=float)
        micro = lw.micro_game(pa, pb, self.r.regions, par)
        k = len(self.r.regions)
        out = np.empty((2, len(ar), k + 2))
        out[:, :, 0] = x - conf
        out[:, :, 1:k + 1] = micro.payoff_t1
        out[:, :, -1] = out[:, :, :-1].sum(axis=-1)
        return out


def simulate_blocks(r: Resolved, seed: int, n_total: int, block0: int, block1: int,
                    keep_trajectories: bool = False) -> Partial:
    """Run blocks ``[block0, block1)`` of a scenario with ``n_total`` trajectories.

    A pure function of its arguments: the same blocks give the same :class:`Partial`, in any
    process. This is the unit that chunked, threaded and distributed runs share.

    Without hysteresis each block runs in one fused kernel (:func:`kernels.run_block`: its
    normals, the dynamics, the plane's label and the statistics, year by year); with
    hysteresis (which needs the plane's margins, :func:`~realpolitik.models.plane.
    classify_path`) the chunk advances year by year through :func:`kernels.advance`, the plane
    and :func:`kernels.account`. Both give the same numbers (``tests/test_engine.py``).
    """
    return _simulate_blocks(r, seed, n_total, block0, block1, keep_trajectories,
                            fused=r.region_map.hysteresis == 0)


def _simulate_blocks(r: Resolved, seed: int, n_total: int, block0: int, block1: int,
                     keep_trajectories: bool, fused: bool) -> Partial:
    from realpolitik.simulate import kernels

    lengths = block_lengths(n_total)
    if not 0 <= block0 < block1 <= len(lengths):
        raise InputError(f"blocks [{block0}, {block1}) outside 0..{len(lengths)}")
    m = _Model(r)
    steps = r.n_years - 1
    lens = lengths[block0:block1]
    bounds = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
    n = int(bounds[-1])
    ny = r.n_years
    nbk = len(lens)
    k = len(r.regions)
    nl = len(LABELS)
    label_counts = np.zeros((ny, nl), dtype=np.int64)
    hist = {name: np.zeros((ny, _nbins(name)), dtype=np.int64) for name in RANGES}
    sums = {"rg": np.zeros((nbk, ny)), "ar": np.zeros((nbk, ny)),
            "cohesion": np.zeros((nbk, ny)), "leeway": np.zeros((nbk, ny, 2, k + 2))}
    entry = np.zeros((nl, ny), dtype=np.int64)
    keep: dict[str, np.ndarray] | None = None
    if keep_trajectories:
        keep = {"rg": np.empty((n, ny)), "ar": np.empty((n, ny)),
                "label": np.empty((n, ny), dtype=np.int8), "cohesion": np.empty((n, ny))}
    if fused:
        if m.hysteresis:
            raise InputError("the fused kernel has no hysteresis", "use fused=False")
        # the fused kernel: normals, advance, the plane's label and the statistics, block by
        # block (kernels.run_block); hysteresis needs the plane's margins: the path below.
        # P at t0 as the path below computes it (np.exp of the repeated x0)
        p0 = np.exp(np.repeat(r.x0[:, None], int(lens[0]), axis=1))[:, 0].copy()
        _run_fused(r, m, seed, block0, lens, bounds, p0, label_counts, hist, sums, entry, keep)
        return Partial(block0, block1, n, label_counts, hist, sums, entry, keep)
    entered = np.zeros((nl, n), dtype=np.bool_)

    par = r.leeway
    lo = np.array([RANGES[name][0] for name in ("rg", "ar", "beaufre")])
    nbins = np.array([_nbins(name) for name in ("rg", "ar", "beaufre")], dtype=np.int64)
    adv_a = np.ascontiguousarray(r.regions.advantage[0] ** par.m, dtype=float)
    adv_b = np.ascontiguousarray(r.regions.advantage[1] ** par.m, dtype=float)
    log_psi_c = float(np.log(r.psi[2]))
    x = np.ascontiguousarray(np.repeat(r.x0[:, None], n, axis=1))
    p = np.exp(x)
    draws = chunk_draws(seed, lengths, block0, block1, steps)
    ar = np.zeros(n)
    rg = np.zeros(n)
    cohesion = np.full(n, m.k0)
    t_hist = np.zeros((m.lag + 1, n))
    head = 0
    label = classify(rg, ar, r.region_map).astype(np.int8)

    def account(t: int, update: bool) -> None:
        kernels.account(t, label, cohesion, update, m.targets, m.rate, rg, ar, p, x, log_psi_c,
                        r.psi,
                        bounds, lo, BIN, nbins, hist["rg"], hist["ar"], hist["beaufre"],
                        label_counts, sums["rg"], sums["ar"], sums["cohesion"], sums["leeway"],
                        entered, entry, m.k0, par.sigma0, par.lam, par.kappa, par.m, par.mu,
                        par.gamma, m._stake, adv_a, adv_b)
        if keep is not None:
            keep["rg"][:, t], keep["ar"][:, t] = rg, ar
            keep["label"][:, t], keep["cohesion"][:, t] = label, cohesion

    account(0, False)
    response = m.mode == "response"
    for t in range(1, ny):
        head = kernels.advance(x, p, ar, t_hist, head, draws, t - 1, BLOCK, r.drift,
                               r.volatility, response, m.rho, m.gain, m.lag,
                               float(r.policy[t]), m.shock, m.g0, m.t0_rel, rg)
        fronts = (m.front[0] * ar, m.front[1] * ar)
        if m.hysteresis:
            label = classify_path(rg[:, None], ar[:, None], r.region_map,
                                  ar_fronts=(fronts[0][:, None], fronts[1][:, None]),
                                  initial=label)[:, 0].astype(np.int8)
        else:
            label = classify(rg, ar, r.region_map, ar_fronts=fronts).astype(np.int8)
        account(t, True)
    return Partial(block0, block1, n, label_counts, hist, sums, entry, keep)


def _plane_params(rm: RegionMap) -> tuple[np.ndarray, np.ndarray]:
    """The region map as :func:`kernels.run_block` reads it: the plane's own rule table
    (``plane._LUT``, then buck-passing for front asymmetry) and the thresholds in force
    (``RegionMap.thresholds``, offense shift applied), in the order of
    ``kernels.PLANE_FIELDS``."""
    from realpolitik.models import plane
    from realpolitik.simulate import kernels

    t = rm.thresholds()
    vals = {"ordered": float(rm.kind == "ordered-rules"), "a_S": t.a_S, "a_H": t.a_H,
            "a_C": t.a_C, "r_B0": t.r_B0, "beta": t.beta, "r_P": t.r_P, "r_C": t.r_C,
            "fronts": float(rm.front_asymmetry), "front_gap": rm.front_gap}
    if rm.kind not in ("ordered-rules", "quadrant"):  # pragma: no cover - KINDS guards this
        raise InputError(f"region map kind {rm.kind!r} has no kernel")
    # code 32: front asymmetry's buck-passing (kernels._code)
    lut = np.append(plane._LUT[rm.kind], np.int8(label_index("buck_passing"))).astype(np.int8)
    return lut, np.array([float(vals[k]) for k in kernels.PLANE_FIELDS])


def _sfc64_words(seed: int, block: int) -> np.ndarray:
    """The state of block ``block``'s bit generator, ``SFC64(SeedSequence(seed,
    spawn_key=(block,)))``, as the four words :func:`kernels.fill_normals` advances."""
    bg = np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(block,)))
    return np.array(bg.state["state"]["state"], dtype=np.uint64)


def _run_fused(r: Resolved, m: _Model, seed: int, block0: int, lens: np.ndarray,
               bounds: np.ndarray, p0: np.ndarray, label_counts: np.ndarray,
               hist: dict[str, np.ndarray], sums: dict[str, np.ndarray], entry: np.ndarray,
               keep: dict[str, np.ndarray] | None) -> None:
    """Run each block of a chunk through :func:`kernels.run_block` (no hysteresis)."""
    from realpolitik.simulate import kernels

    par = r.leeway
    lut, plane = _plane_params(r.region_map)
    d = {"response": float(m.mode == "response"), "rho": m.rho, "gain": m.gain,
         "shock": m.shock, "g0": m.g0, "t0_rel": m.t0_rel, "front_A": m.front[0],
         "front_B": m.front[1], "rate": m.rate, "k0": m.k0, "log_psi_c": float(np.log(r.psi[2])),
         "sigma0": par.sigma0, "lam": par.lam, "kappa": par.kappa, "m": par.m, "mu": par.mu,
         "gamma": par.gamma, "width": BIN}
    dyn = np.array([float(d[k]) for k in kernels.DYN_FIELDS])
    lo = np.array([RANGES[name][0] for name in ("rg", "ar", "beaufre")])
    nbins = np.array([_nbins(name) for name in ("rg", "ar", "beaufre")], dtype=np.int64)
    adv_a = np.ascontiguousarray(r.regions.advantage[0] ** par.m, dtype=float)
    adv_b = np.ascontiguousarray(r.regions.advantage[1] ** par.m, dtype=float)
    x0 = np.ascontiguousarray(r.x0, dtype=float)
    policy = np.ascontiguousarray(r.policy, dtype=float)
    targets = np.ascontiguousarray(m.targets, dtype=float)
    psi = np.ascontiguousarray(r.psi, dtype=float)
    ny = r.n_years
    empty = np.empty((0, ny))
    empty8 = np.empty((0, ny), dtype=np.int8)
    for i, ln in enumerate(lens):
        words = _sfc64_words(seed, block0 + i)
        a, b = int(bounds[i]), int(bounds[i + 1])
        if keep is not None:
            k_rg, k_ar, k_lab, k_coh = (keep["rg"][a:b], keep["ar"][a:b], keep["label"][a:b],
                                        keep["cohesion"][a:b])
        else:
            k_rg, k_ar, k_lab, k_coh = empty, empty, empty8, empty
        bad = kernels.run_block(words, int(ln), ny, m.lag, x0, p0, r.drift, r.volatility,
                                policy, dyn, lut, plane, targets, psi, lo, nbins, m._stake,
                                adv_a, adv_b, hist["rg"], hist["ar"], hist["beaufre"],
                                label_counts, entry, sums["rg"][i], sums["ar"][i],
                                sums["cohesion"][i], sums["leeway"][i], keep is not None,
                                k_rg, k_ar, k_lab, k_coh)
        if bad:
            raise InputError("a trajectory's Rg or Ar is NaN: the plane cannot classify it",
                             "check the scenario's growth and adversary parameters")


def plan_chunks(n_total: int, chunk_size: int) -> list[tuple[int, int]]:
    """Chunks as ``(block0, block1)`` runs of whole blocks of about ``chunk_size`` each."""
    if chunk_size % BLOCK:
        raise InputError(f"chunk_size {chunk_size} must be a multiple of {BLOCK}")
    nb = len(block_lengths(n_total))
    per = max(1, chunk_size // BLOCK)
    return [(b, min(b + per, nb)) for b in range(0, nb, per)]


def _quantiles(hist: np.ndarray, name: str, qs: Iterable[float]) -> np.ndarray:
    lo, _ = RANGES[name]
    cum = np.cumsum(hist, axis=1)
    total = cum[:, -1:].astype(float)
    out = []
    for q in qs:
        target = q * total  # (Y, 1)
        idx = (cum < target).sum(axis=1)  # first bin whose cumulative count reaches target
        idx = np.minimum(idx, hist.shape[1] - 1)
        prev = np.where(idx > 0, np.take_along_axis(cum, np.maximum(idx - 1, 0)[:, None],
                                                     axis=1)[:, 0], 0)
        inbin = np.take_along_axis(hist, idx[:, None], axis=1)[:, 0]
        frac = np.where(inbin > 0, (target[:, 0] - prev) / np.maximum(inbin, 1), 0.5)
        out.append(lo + (idx + np.clip(frac, 0.0, 1.0)) * BIN)
    return np.stack(out, axis=1)


class Accumulator:
    """Running totals of partial results: memory does not grow with the number of chunks.

    Counts (labels, histograms, first entries) are integers, so adding them in any order gives
    the same totals; per-block sums are kept per block and summed in block order at the end.
    """

    def __init__(self, r: Resolved, n_total: int) -> None:
        self.r, self.n_total = r, n_total
        nb = len(block_lengths(n_total))
        ny, k = r.n_years, len(r.regions)
        self.seen = np.zeros(nb, dtype=bool)
        self.label_counts = np.zeros((ny, len(LABELS)), dtype=np.int64)
        self.hist = {name: np.zeros((ny, _nbins(name)), dtype=np.int64) for name in RANGES}
        self.entry = np.zeros((len(LABELS), ny), dtype=np.int64)
        self.block_sums = {"rg": np.zeros((nb, ny)), "ar": np.zeros((nb, ny)),
                           "cohesion": np.zeros((nb, ny)),
                           "leeway": np.zeros((nb, ny, 2, k + 2))}

    def add(self, part: Partial) -> None:
        if self.seen[part.block0:part.block1].any():
            raise InputError(f"blocks [{part.block0}, {part.block1}) were added twice: results "
                             "must cover every block exactly once",
                             "run each chunk once (see plan_chunks)")
        self.seen[part.block0:part.block1] = True
        self.label_counts += part.label_counts
        for name in RANGES:
            self.hist[name] += part.hist[name]
        self.entry += part.entry_counts
        for name, arr in part.sums.items():
            self.block_sums[name][part.block0:part.block1] = arr

    def dataset(self, seed: int, timings: dict[str, float] | None = None) -> xr.Dataset:
        if not self.seen.all():
            missing = int((~self.seen).sum())
            raise InputError(f"{missing} block(s) of trajectories have no results: results "
                             "must cover every block exactly once",
                             "run every chunk of plan_chunks once")
        r, n_total = self.r, self.n_total
        label_counts, hist, entry = self.label_counts, self.hist, self.entry
        sums = {k: v.sum(axis=0) for k, v in self.block_sums.items()}
        n = float(n_total)
        years = r.years
        qs = list(r.scenario.quantiles)
        entry_arr = np.asarray(entry, dtype=np.int64)
        entered_total = entry_arr.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = (entry_arr * years[None, :]).sum(axis=1) / entered_total
        expected = np.where(entered_total > 0, expected, np.nan)
        components = ["macro", *r.regions.names, "total"]
        prov = dict(r.provenance)
        prov.update({"seed": seed, "n_trajectories": n_total, "block": BLOCK, "bin": BIN})
        ds = xr.Dataset(
            {
                "probability": (("year", "label"), np.asarray(label_counts) / n),
                "rg_quantile": (("year", "quantile"), _quantiles(hist["rg"], "rg", qs)),
                "ar_quantile": (("year", "quantile"), _quantiles(hist["ar"], "ar", qs)),
                "beaufre_quantile": (("year", "quantile"),
                                     np.exp(_quantiles(hist["beaufre"], "beaufre", qs))),
                "rg_mean": (("year",), sums["rg"] / n),
                "ar_mean": (("year",), sums["ar"] / n),
                "cohesion_mean": (("year",), sums["cohesion"] / n),
                "leeway_mean": (("year", "partner", "component"), sums["leeway"] / n),
                "first_entry_probability": (("label",), entered_total / n),
                "first_entry_expected_year": (("label",), expected),
            },
            coords={"year": years, "label": list(LABELS), "quantile": qs,
                    "partner": ["A", "B"], "component": components},
            attrs={"provenance": json.dumps(prov, default=str), "scenario_name": r.scenario.name,
                   "n_trajectories": n_total, "seed": seed, "t0": r.t0,
                   "horizon": int(years[-1]), "tandem": "-".join(r.names[:2]),
                   "adversary": r.names[2], "timings": json.dumps(timings or {})},
        )
        return ds




def combine(r: Resolved, partials: list[Partial], seed: int, n_total: int,
            timings: dict[str, float] | None = None) -> xr.Dataset:
    """Merge partials (any order, any chunking) into the result Dataset."""
    acc = Accumulator(r, n_total)
    for part in partials:
        acc.add(part)
    return acc.dataset(seed, timings)


_ENGINE_LOADED = False


def _load_engine(r: Resolved) -> float:
    """Load the compiled kernels once per process (Numba compiles them on the very first use
    after an install and caches them; later processes load the cache): a 16-trajectory run of
    ``r`` whose result is discarded. Returns the seconds it took (0 once loaded), so that the
    throughput a run reports is the engine's, not the compiler's."""
    global _ENGINE_LOADED
    if _ENGINE_LOADED:
        return 0.0
    t = time.perf_counter()
    simulate_blocks(r, 0, 16, 0, 1)
    _ENGINE_LOADED = True
    return time.perf_counter() - t


def simulate(r: Resolved, trajectories: int | None = None, seed: int | None = None,
             chunk_size: int | None = None, workers: int = 1,
             progress: Callable[[int], None] | None = None,
             keep_trajectories: bool = False) -> xr.Dataset:
    """Run a resolved scenario in chunks (threads when ``workers`` > 1) and combine.

    ``trajectories``, ``seed`` and ``chunk_size`` default to the scenario's. The result does
    not depend on ``chunk_size`` or ``workers`` (see the module docstring). With
    ``keep_trajectories`` the Dataset also holds per-trajectory ``traj_rg, traj_ar,
    traj_label, traj_cohesion`` (trajectory × year) — for small runs only.
    """
    n = int(trajectories if trajectories is not None else r.scenario.trajectories)
    s = int(seed if seed is not None else r.scenario.seed)
    cs = int(chunk_size if chunk_size is not None else r.scenario.chunk_size)
    if n < 1:
        raise InputError(f"trajectories = {n}; at least 1")
    if keep_trajectories and n > 200_000:
        raise InputError(f"keeping {n:,d} trajectories would need "
                         f"{n * r.n_years * 25 / 2**30:.1f} GiB",
                         "keep trajectories for at most 200,000, or summarise only")
    chunks = plan_chunks(n, cs)
    load_seconds = _load_engine(r)
    t_start = time.perf_counter()

    def run(chunk: tuple[int, int]) -> Partial:
        part = simulate_blocks(r, s, n, chunk[0], chunk[1], keep_trajectories)
        if progress is not None:
            progress(part.n)
        return part

    acc = Accumulator(r, n)
    kept: list[Partial] = []

    def take(part: Partial) -> None:
        acc.add(part)
        if keep_trajectories:
            kept.append(part)

    if workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[Partial]] = set()
            for chunk in chunks:  # at most 2 × workers chunks in flight: bounded memory
                if len(pending) >= 2 * workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        take(fut.result())
                pending.add(pool.submit(run, chunk))
            for fut in pending:
                take(fut.result())
    else:
        for chunk in chunks:
            take(run(chunk))
    elapsed = time.perf_counter() - t_start
    tyears = n * (r.n_years - 1)
    timings = {"simulate_seconds": elapsed, "trajectory_years": tyears,
               "trajectory_years_per_second": tyears / elapsed if elapsed > 0 else float("nan"),
               "chunks": len(chunks), "workers": workers, "engine_load_seconds": load_seconds}
    ds = acc.dataset(s, timings)
    if keep_trajectories:
        parts = sorted(kept, key=lambda p: p.block0)
        for key in ("rg", "ar", "label", "cohesion"):
            ds[f"traj_{key}"] = (("trajectory", "year"),
                                 np.concatenate([p.trajectories[key] for p in parts
                                                 if p.trajectories is not None]))
    return ds


def run_scenario(scenario: Any, **kwargs: Any) -> xr.Dataset:
    """Resolve (reads the bundled data) and simulate a scenario or preset name."""
    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import Scenario, load_scenario

    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    return simulate(resolve(sc), **kwargs)
