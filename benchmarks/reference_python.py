"""A plain, per-trajectory Python implementation of the engine's yearly step (the baseline of
``bench_engine.py``; checked against the engine by ``tests/test_benchmarks_reference.py``).

It does what :mod:`realpolitik.simulate.engine` does, one trajectory and one year at a time,
with the ``math`` module only (no NumPy in the loop), on the SAME random normals:
``chunk_draws(seed, block_lengths(n), 0, nblocks, steps)`` — trajectory j reads entry
``j % BLOCK`` of block ``j // BLOCK``. The step (year t−1 → t):

1. x_i ← x_i + drift_i + volatility_i·ε_i for A, B, C (log power); P_i = exp(x_i);
2. T(t) = ln(P_A + P_B) − x_C − T0 (T(s) = 0 for s ≤ 0); ``response`` mode:
   Ar ← ρ·Ar + (1 − ρ)·(g·T(t − lag) + policy(t)) + s·ε, ``path`` mode: Ar = policy(t) + s·ε;
3. Rg = ((x_A − x_B) − g0)/ln 2 and the label from the plane's rule tree (a scalar transcription
   of :func:`realpolitik.models.plane.classify`: ordered-rules and quadrant maps, offense shift,
   front asymmetry; hysteresis is not implemented — the presets do not use it);
4. cohesion κ ← κ + rate·(target(label) − κ);
5. the leeway game as in :func:`realpolitik.simulate.kernels.account`: macro
   x_i − c_i with Nash bargaining over Σ(Ar)·κ/κ0, and per region the two-player Tullock
   equilibrium on advantages tilted by (P_A/P_B)^(±μ/2); total = macro + regions;
6. log Beaufre ratio ln(Ψ_A P_A + Ψ_B P_B) − ln(Ψ_C P_C).

Outputs per trajectory and year: rg, ar, label, cohesion and each partner's leeway per component
(macro, each region, total); the summaries the engine reports: label counts per year, first
entries per label and year, sums (→ means) of Rg, Ar, cohesion and leeway, and the fixed-bin
histograms of Rg, Ar and the log Beaufre ratio (sparse: ``{bin: count}`` per year).

    python benchmarks/reference_python.py [-n 200]
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

LN2 = math.log(2.0)
N_LABELS = 6
HEDGING, BANDWAGONING, SOFT_BALANCING, HARD_BALANCING, CHAIN_GANGING, BUCK_PASSING = range(6)
HIST_NAMES = ("rg", "ar", "beaufre")


@dataclass
class Params:
    """Everything the step needs, as plain Python floats, ints and lists (no NumPy)."""

    n_years: int
    x0: list[float]
    drift: list[float]
    vol: list[float]
    policy: list[float]
    response: bool
    rho: float
    gain: float
    lag: int
    shock: float
    front_a: float
    front_b: float
    g0: float
    t0_rel: float
    k0: float
    rate: float
    targets: list[float]
    # plane
    kind: str
    a_S: float
    a_H: float
    a_C: float
    r_B0: float
    beta: float
    r_P: float
    r_C: float
    front_asymmetry: bool
    front_gap: float
    # leeway
    sigma0: float
    lam: float
    kappa: float
    m: float
    mu: float
    gamma: float
    stake: list[float]
    adv_a_m: list[float]
    adv_b_m: list[float]
    # Beaufre
    psi: list[float]
    log_psi_c: float
    # histograms: (low edge, bin width, number of bins) per name
    hist: dict[str, tuple[float, float, int]]


def params_from(r: Any) -> Params:
    """Plain-number parameters of a :class:`realpolitik.simulate.resolve.Resolved` scenario
    (NumPy is used here, once, only to read the resolved arrays)."""
    import numpy as np

    from realpolitik.models.labels import LABELS
    from realpolitik.simulate import engine

    if r.region_map.hysteresis > 0:
        raise NotImplementedError("the plain reference does not implement hysteresis")
    pol = r.scenario.adversary_policy
    coh = r.scenario.cohesion
    x0 = [float(v) for v in r.x0]
    t = r.region_map.thresholds()
    par = r.leeway
    reg = r.regions
    k = len(reg)
    adv = [[float(reg.advantage[i][j]) for j in range(k)] for i in range(3)]
    value = [float(v) for v in reg.value]
    pm = [[a ** par.m for a in row] for row in adv]
    stake = [value[j] * par.value_unit * (pm[0][j] + pm[1][j]) / (pm[0][j] + pm[1][j] + pm[2][j])
             for j in range(k)]
    hist = {name: (engine.RANGES[name][0], engine.BIN, engine._nbins(name)) for name in HIST_NAMES}
    # T0 = ln(P_A0 + P_B0) − x_C0, computed as the engine does (np.logaddexp)
    t0_rel = float(np.logaddexp(r.x0[0], r.x0[1]) - r.x0[2])
    return Params(
        n_years=int(r.n_years), x0=x0, drift=[float(v) for v in r.drift],
        vol=[float(v) for v in r.volatility], policy=[float(v) for v in r.policy],
        response=pol.mode == "response", rho=float(pol.persistence), gain=float(pol.gain),
        lag=int(pol.lag), shock=float(pol.shock_sd), front_a=float(pol.front_A),
        front_b=float(pol.front_B), g0=x0[0] - x0[1], t0_rel=t0_rel, k0=float(coh.initial),
        rate=float(coh.rate), targets=[float(coh.targets[lab]) for lab in LABELS],
        kind=r.region_map.kind, a_S=t.a_S, a_H=t.a_H, a_C=t.a_C, r_B0=t.r_B0, beta=t.beta,
        r_P=t.r_P, r_C=t.r_C, front_asymmetry=bool(r.region_map.front_asymmetry),
        front_gap=float(r.region_map.front_gap), sigma0=par.sigma0, lam=par.lam,
        kappa=par.kappa, m=par.m, mu=par.mu, gamma=par.gamma, stake=stake,
        adv_a_m=pm[0], adv_b_m=pm[1], psi=[float(v) for v in r.psi],
        log_psi_c=math.log(float(r.psi[2])), hist=hist)


# ------------------------------------------------------------------------------------------
# the plane (scalar transcription of realpolitik.models.plane.classify)
# ------------------------------------------------------------------------------------------
def classify_point(rg: float, ar: float, ar_a: float, ar_b: float, P: Params) -> int:
    """Hard label of one point (Rg, Ar) with the fronts (ar_A, ar_B)."""
    r_b = P.r_B0 if P.beta == 0.0 else P.r_B0 - P.beta * max(0.0, ar - P.a_S)
    band = rg > r_b  # the weaker partner has fallen far enough behind to bandwagon
    chain = ar >= P.a_C and rg <= P.r_C
    if P.kind == "ordered-rules":
        if ar >= P.a_H:
            label = BANDWAGONING if band else CHAIN_GANGING if chain else HARD_BALANCING
        elif rg < P.r_P:
            label = BUCK_PASSING
        elif ar < P.a_S:
            label = HEDGING
        else:
            label = BANDWAGONING if band else SOFT_BALANCING
    else:  # quadrant
        if ar >= P.a_S:
            if band:
                label = BANDWAGONING
            elif ar >= P.a_H:
                label = CHAIN_GANGING if chain else HARD_BALANCING
            else:
                label = SOFT_BALANCING
        else:
            label = BUCK_PASSING if rg < P.r_P else HEDGING
    if P.front_asymmetry:
        d = ar_b - ar_a
        fa = min(min(-ar_a, ar_b - P.a_S), d - P.front_gap)
        fb = min(min(-ar_b, ar_a - P.a_S), -d - P.front_gap)
        if fa > 0 or fb > 0:
            label = BUCK_PASSING
    return label


# ------------------------------------------------------------------------------------------
# the leeway game (as in realpolitik.simulate.kernels.account)
# ------------------------------------------------------------------------------------------
def leeway_point(pa: float, pb: float, pc: float, xa: float, xb: float, ar: float, coh: float,
                 P: Params) -> tuple[list[float], list[float]]:
    """Leeway of A and of B per component: [macro, region 1 … K, total]."""
    da = pa / (pa + pc)
    db = pb / (pb + pc)
    lr = xa - xb
    z = P.kappa * lr
    if z >= 0:
        theta = 1.0 / (1.0 + math.exp(-z))
    else:
        ez = math.exp(z)
        theta = ez / (1.0 + ez)
    sig = P.sigma0 * max(0.0, 1.0 + P.lam * ar) * (coh / P.k0)
    v = (da + db) + sig  # value of the tandem v({A, B}) = Lr + Σ
    g = v - (da + db)
    pos = max(0.0, ar)
    ma = da + theta * g - P.gamma * (1.0 - da) * pos
    mb = db + (1.0 - theta) * g - P.gamma * (1.0 - db) * pos
    out_a = [ma]
    out_b = [mb]
    tot_a, tot_b = ma, mb
    u = math.exp(P.mu * P.m * lr)  # (ã_A/ã_B)^m = (a_A/a_B)^m · (P_A/P_B)^(μ·m)
    for w, aam, abm in zip(P.stake, P.adv_a_m, P.adv_b_m, strict=True):
        am = aam * u
        s = am + abm
        if s > 0.0:
            f = am / s
            sa = w * f
            sb = w - sa
            e = w * P.m * f * (1.0 - f)
        else:
            sa = sb = e = 0.0
        out_a.append(sa - e)
        out_b.append(sb - e)
        tot_a += sa - e
        tot_b += sb - e
    out_a.append(tot_a)
    out_b.append(tot_b)
    return out_a, out_b


def log_beaufre(pa: float, pb: float, xc: float, P: Params) -> float:
    return math.log(P.psi[0] * pa + P.psi[1] * pb) - (P.log_psi_c + xc)


def bin_index(v: float, spec: tuple[float, float, int]) -> int:
    lo, width, nbins = spec
    k = math.floor((v - lo) / width)
    return 0 if k < 0 else nbins - 1 if k >= nbins else int(k)


# ------------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------------
@dataclass
class Trajectory:
    """One trajectory, one entry per year t0..horizon."""

    rg: list[float] = field(default_factory=list)
    ar: list[float] = field(default_factory=list)
    label: list[int] = field(default_factory=list)
    cohesion: list[float] = field(default_factory=list)
    leeway_a: list[list[float]] = field(default_factory=list)  # per year: macro, regions, total
    leeway_b: list[list[float]] = field(default_factory=list)


@dataclass
class Summary:
    """The engine's statistics, accumulated trajectory by trajectory."""

    n: int
    n_years: int
    n_components: int
    label_counts: list[list[int]] = field(init=False)  # [year][label]
    entry_counts: list[list[int]] = field(init=False)  # [label][year]
    sum_rg: list[float] = field(init=False)
    sum_ar: list[float] = field(init=False)
    sum_cohesion: list[float] = field(init=False)
    sum_leeway: list[list[list[float]]] = field(init=False)  # [year][partner][component]
    hist: dict[str, list[dict[int, int]]] = field(init=False)  # name -> [year]{bin: count}

    def __post_init__(self) -> None:
        y, c = self.n_years, self.n_components
        self.label_counts = [[0] * N_LABELS for _ in range(y)]
        self.entry_counts = [[0] * y for _ in range(N_LABELS)]
        self.sum_rg = [0.0] * y
        self.sum_ar = [0.0] * y
        self.sum_cohesion = [0.0] * y
        self.sum_leeway = [[[0.0] * c, [0.0] * c] for _ in range(y)]
        self.hist = {name: [{} for _ in range(y)] for name in HIST_NAMES}

    def means(self) -> dict[str, Any]:
        n = float(self.n)
        return {"rg": [s / n for s in self.sum_rg], "ar": [s / n for s in self.sum_ar],
                "cohesion": [s / n for s in self.sum_cohesion],
                "leeway": [[[s / n for s in part] for part in year] for year in self.sum_leeway],
                "probability": [[c / n for c in year] for year in self.label_counts]}


@dataclass
class Result:
    trajectories: list[Trajectory]
    summary: Summary


# ------------------------------------------------------------------------------------------
# the simulation
# ------------------------------------------------------------------------------------------
def record(tr: Trajectory, summary: Summary, entered: list[bool], t: int, rg: float, ar: float,
           label: int, coh: float, pa: float, pb: float, pc: float, xa: float, xb: float,
           xc: float, P: Params) -> None:
    """Store year t of a trajectory and add it to the statistics."""
    lee_a, lee_b = leeway_point(pa, pb, pc, xa, xb, ar, coh, P)
    tr.rg.append(rg)
    tr.ar.append(ar)
    tr.label.append(label)
    tr.cohesion.append(coh)
    tr.leeway_a.append(lee_a)
    tr.leeway_b.append(lee_b)
    summary.label_counts[t][label] += 1
    if not entered[label]:
        entered[label] = True
        summary.entry_counts[label][t] += 1
    summary.sum_rg[t] += rg
    summary.sum_ar[t] += ar
    summary.sum_cohesion[t] += coh
    sums_a, sums_b = summary.sum_leeway[t]
    for c in range(len(lee_a)):
        sums_a[c] += lee_a[c]
        sums_b[c] += lee_b[c]
    for name, v in (("rg", rg), ("ar", ar), ("beaufre", log_beaufre(pa, pb, xc, P))):
        k = bin_index(v, P.hist[name])
        counts = summary.hist[name][t]
        counts[k] = counts.get(k, 0) + 1


def run_trajectory(eps: list[list[float]], P: Params, summary: Summary) -> Trajectory:
    """One trajectory; ``eps[t − 1]`` = [ε_A, ε_B, ε_C, ε_Ar] for the step into year t."""
    tr = Trajectory()
    entered = [False] * N_LABELS
    xa, xb, xc = P.x0
    pa, pb, pc = math.exp(xa), math.exp(xb), math.exp(xc)
    ar = 0.0
    rg = 0.0
    coh = P.k0
    t_rel = [0.0] * P.n_years  # T(t), 0 at t0 (and before)
    label = classify_point(0.0, 0.0, 0.0, 0.0, P)  # the origin (fronts 0: no front rule)
    record(tr, summary, entered, 0, rg, ar, label, coh, pa, pb, pc, xa, xb, xc, P)
    for t in range(1, P.n_years):
        e = eps[t - 1]
        xa = xa + P.drift[0] + P.vol[0] * e[0]
        xb = xb + P.drift[1] + P.vol[1] * e[1]
        xc = xc + P.drift[2] + P.vol[2] * e[2]
        pa, pb, pc = math.exp(xa), math.exp(xb), math.exp(xc)
        t_rel[t] = math.log(pa + pb) - xc - P.t0_rel
        if P.response:
            lagged = t_rel[t - P.lag] if t - P.lag > 0 else 0.0
            ar = P.rho * ar + (1.0 - P.rho) * (P.gain * lagged + P.policy[t]) + P.shock * e[3]
        else:
            ar = P.policy[t] + P.shock * e[3]
        rg = ((xa - xb) - P.g0) / LN2
        label = classify_point(rg, ar, P.front_a * ar, P.front_b * ar, P)
        coh = coh + P.rate * (P.targets[label] - coh)
        record(tr, summary, entered, t, rg, ar, label, coh, pa, pb, pc, xa, xb, xc, P)
    return tr


def trajectory_draws(draws: Any, j: int, block: int) -> list[list[float]]:
    """Trajectory j's normals as nested lists [step][ε_A, ε_B, ε_C, ε_Ar]."""
    return draws[j // block, :, :, j % block].tolist()


def simulate_reference(r: Any, seed: int, n: int) -> Result:
    """Run ``n`` trajectories of a resolved scenario one by one, on the engine's draws."""
    from realpolitik.simulate.engine import block_lengths, chunk_draws
    from realpolitik.simulate.scenario import BLOCK

    P = params_from(r)
    lengths = block_lengths(n)
    draws = chunk_draws(seed, lengths, 0, len(lengths), P.n_years - 1)
    summary = Summary(n, P.n_years, len(P.stake) + 2)
    trajectories = [run_trajectory(trajectory_draws(draws, j, BLOCK), P, summary)
                    for j in range(n)]
    return Result(trajectories, summary)


def main() -> None:
    import argparse

    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_preset

    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--scenario", default="status-quo")
    args = ap.parse_args()
    sc = load_preset(args.scenario)
    r = resolve(sc)
    t0 = time.perf_counter()
    res = simulate_reference(r, sc.seed, args.n)
    dt = time.perf_counter() - t0
    ty = args.n * (r.n_years - 1)
    print(f"plain Python reference: {args.n} trajectories x {r.n_years - 1} years in {dt:.3f} s"
          f" = {ty / dt:,.0f} trajectory-years/s")
    last = res.summary.means()["probability"][-1]
    print("P(label) at the horizon:", [round(p, 3) for p in last])


if __name__ == "__main__":
    main()
