"""The engine's dynamics as a Mesa 3 agent-based model (the ABM baseline of ``bench_engine.py``;
checked against the engine by ``tests/test_benchmarks_reference.py``).

One :class:`TandemModel` per trajectory, with each state an agent: the partners A and B
(:class:`Partner`) and the adversary C (:class:`Adversary`), each holding its log power. A model
step is one year, on the SAME random normals as the engine
(``chunk_draws(seed, block_lengths(n), 0, nblocks, steps)``):

1. every state grows its log power (``model.agents.do("grow")``: the three updates are
   independent, so activation order does not matter and no Mesa randomness is used);
2. the adversary responds (``model.agents_by_type[Adversary].do("respond")``): it updates Ar from
   the tandem's power relative to its own, with a lag;
3. the model classifies the point (Rg, Ar) on the plane, moves the tandem's cohesion toward the
   label's target, and evaluates the leeway game.

The plane, the leeway game and the bookkeeping are the plain reference's scalar functions
(:mod:`reference_python`), so the two baselines differ only by the Mesa machinery (model and
agent objects, agent registration, AgentSet dispatch, the step wrapper). Outputs are recorded in
plain lists rather than with ``mesa.DataCollector`` (which would only make this baseline
slower). Requires the ``bench`` extra (``pip install -e '.[bench]'``).

    python benchmarks/reference_mesa.py [-n 100]
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

import mesa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reference_python import (
    LN2,
    Params,
    Result,
    Summary,
    Trajectory,
    classify_point,
    params_from,
    record,
    trajectory_draws,
)


class State(mesa.Agent):
    """A state of the triad: its log power x and power P = exp(x)."""

    def __init__(self, model: TandemModel, index: int, x0: float, drift: float, vol: float
                 ) -> None:
        super().__init__(model)
        self.index = index  # 0 = A, 1 = B, 2 = C: which normal of the year it draws
        self.x = x0
        self.power = math.exp(x0)
        self.drift = drift
        self.vol = vol

    def grow(self) -> None:
        """x ← x + drift + volatility·ε."""
        eps = self.model.eps[self.index]
        self.x = self.x + self.drift + self.vol * eps
        self.power = math.exp(self.x)


class Partner(State):
    """A partner of the tandem (A or B)."""


class Adversary(State):
    """The common adversary C; it also holds its offensive response Ar."""

    def __init__(self, model: TandemModel, x0: float, drift: float, vol: float) -> None:
        super().__init__(model, 2, x0, drift, vol)
        self.ar = 0.0
        self.threat = [0.0] * model.P.n_years  # T(t): the tandem's power relative to C's

    def respond(self) -> None:
        """Ar(t) = ρ·Ar(t−1) + (1 − ρ)·(g·T(t − lag) + policy(t)) + s·ε (response mode) or
        policy(t) + s·ε (path mode)."""
        m = self.model
        P = m.P
        t = m.steps
        a, b = m.partner_a, m.partner_b
        self.threat[t] = math.log(a.power + b.power) - self.x - P.t0_rel
        shock = P.shock * m.eps[3]
        if P.response:
            lagged = self.threat[t - P.lag] if t - P.lag > 0 else 0.0
            self.ar = P.rho * self.ar + (1.0 - P.rho) * (P.gain * lagged + P.policy[t]) + shock
        else:
            self.ar = P.policy[t] + shock


class TandemModel(mesa.Model):
    """One trajectory: the tandem (A, B) against the adversary C, one step per year."""

    def __init__(self, P: Params, eps: list[list[float]], summary: Summary,
                 seed: int | None = None) -> None:
        super().__init__(seed=seed)
        self.P = P
        self.draws = eps
        self.eps = eps[0]
        self.summary = summary
        self.partner_a = Partner(self, 0, P.x0[0], P.drift[0], P.vol[0])
        self.partner_b = Partner(self, 1, P.x0[1], P.drift[1], P.vol[1])
        self.adversary = Adversary(self, P.x0[2], P.drift[2], P.vol[2])
        self.cohesion = P.k0
        self.rg = 0.0
        self.label = classify_point(0.0, 0.0, 0.0, 0.0, P)
        self.trajectory = Trajectory()
        self.entered = [False] * len(P.targets)
        self._record()

    def _record(self) -> None:
        a, b, c = self.partner_a, self.partner_b, self.adversary
        record(self.trajectory, self.summary, self.entered, self.steps, self.rg, c.ar,
               self.label, self.cohesion, a.power, b.power, c.power, a.x, b.x, c.x, self.P)

    def step(self) -> None:
        P = self.P
        self.eps = self.draws[self.steps - 1]  # steps was advanced by Mesa's step wrapper
        self.agents.do("grow")
        self.agents_by_type[Adversary].do("respond")
        a, b = self.partner_a, self.partner_b
        ar = self.adversary.ar
        self.rg = ((a.x - b.x) - P.g0) / LN2
        self.label = classify_point(self.rg, ar, P.front_a * ar, P.front_b * ar, P)
        self.cohesion = self.cohesion + P.rate * (P.targets[self.label] - self.cohesion)
        self._record()
        if self.steps >= P.n_years - 1:
            self.running = False


def simulate_mesa(r: Any, seed: int, n: int) -> Result:
    """Run ``n`` trajectories of a resolved scenario, one :class:`TandemModel` each."""
    from realpolitik.simulate.engine import block_lengths, chunk_draws
    from realpolitik.simulate.scenario import BLOCK

    P = params_from(r)
    lengths = block_lengths(n)
    draws = chunk_draws(seed, lengths, 0, len(lengths), P.n_years - 1)
    summary = Summary(n, P.n_years, len(P.stake) + 2)
    out = []
    for j in range(n):
        model = TandemModel(P, trajectory_draws(draws, j, BLOCK), summary, seed=j)
        model.run_model()
        out.append(model.trajectory)
    return Result(out, summary)


def main() -> None:
    import argparse

    from realpolitik.simulate.resolve import resolve
    from realpolitik.simulate.scenario import load_preset

    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--scenario", default="status-quo")
    args = ap.parse_args()
    sc = load_preset(args.scenario)
    r = resolve(sc)
    t0 = time.perf_counter()
    res = simulate_mesa(r, sc.seed, args.n)
    dt = time.perf_counter() - t0
    ty = args.n * (r.n_years - 1)
    print(f"Mesa {mesa.__version__} reference: {args.n} trajectories x {r.n_years - 1} years in "
          f"{dt:.3f} s = {ty / dt:,.0f} trajectory-years/s")
    last = res.summary.means()["probability"][-1]
    print("P(label) at the horizon:", [round(p, 3) for p in last])


if __name__ == "__main__":
    main()
