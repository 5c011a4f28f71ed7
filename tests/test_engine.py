"""The Monte Carlo engine (DESIGN §5): probabilities, reproducibility and chunk invariance,
exact reproduction of the deterministic model, the kernels against the model functions, the
feedback directions, and the statistics' definitions."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import example, given, settings
from hypothesis import strategies as st

from realpolitik.errors import InputError
from realpolitik.models import leeway as lw
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import classify, classify_path
from realpolitik.simulate import kernels
from realpolitik.simulate.engine import (
    BIN,
    RANGES,
    _Model,
    block_draws,
    block_lengths,
    chunk_draws,
    combine,
    plan_chunks,
    simulate,
    simulate_blocks,
)
from realpolitik.simulate.resolve import Resolved, resolve
from realpolitik.simulate.scenario import BLOCK, PRESETS, Scenario, load_preset, parse_scenario

N = 4096  # trajectories of the statistical tests: four blocks, a few hundredths of a second
LN2 = math.log(2.0)


@cache
def resolved(name: str, **overrides: object) -> Resolved:
    s = load_preset(name)
    return resolve(s.with_overrides(overrides) if overrides else s)


@cache
def run(name: str, n: int = N, seed: int | None = None) -> xr.Dataset:
    return simulate(resolved(name), trajectories=n, seed=seed)


def assert_bitwise_identical(a: xr.Dataset, b: xr.Dataset) -> None:
    """Every variable and coordinate equal bit for bit; attributes equal except timings."""
    assert set(a.data_vars) == set(b.data_vars)
    assert set(a.coords) == set(b.coords)
    for name in [*a.data_vars, *a.coords]:
        x, y = a[name].values, b[name].values
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if x.dtype.kind in "fiub":
            assert x.tobytes() == y.tobytes(), name
        else:
            assert (x == y).all(), name
    assert {k: v for k, v in a.attrs.items() if k != "timings"} == \
        {k: v for k, v in b.attrs.items() if k != "timings"}


# ------------------------------------------------------------------------------------------
# shape of the result, probabilities, the origin
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PRESETS)
def test_probabilities_sum_to_one_every_year(name: str) -> None:
    ds = run(name)
    p = ds["probability"]
    assert p.dims == ("year", "label") and list(ds.label.values) == list(LABELS)
    np.testing.assert_allclose(p.sum("label").values, 1.0, rtol=0, atol=1e-12)
    assert ((p >= 0) & (p <= 1)).all()
    # each probability is a count over N
    np.testing.assert_array_equal(p.values * N, np.round(p.values * N))


@pytest.mark.parametrize("name", PRESETS)
def test_the_t0_row_is_the_origin(name: str) -> None:
    ds = run(name)
    r = resolved(name)
    first = ds.isel(year=0)
    assert int(first.year) == r.t0 == ds.attrs["t0"]
    assert first.probability.sel(label="hedging") == 1.0
    assert float(first.rg_mean) == 0.0 and float(first.ar_mean) == 0.0
    assert float(first.cohesion_mean) == r.scenario.cohesion.initial
    # every trajectory sits in the first bin [0, BIN) of Rg and Ar
    qs = np.array(r.scenario.quantiles)
    np.testing.assert_allclose(first.rg_quantile.values, qs * BIN, rtol=0, atol=1e-12)
    np.testing.assert_allclose(first.ar_quantile.values, qs * BIN, rtol=0, atol=1e-12)
    assert float(ds.first_entry_expected_year.sel(label="hedging")) == r.t0
    assert float(ds.first_entry_probability.sel(label="hedging")) == 1.0


def test_dataset_layout() -> None:
    ds = run("status-quo")
    r = resolved("status-quo")
    assert ds.year.values.tolist() == list(range(r.t0, 2041))
    assert ds["quantile"].values.tolist() == list(r.scenario.quantiles)
    assert ds.partner.values.tolist() == ["A", "B"]
    assert ds.component.values.tolist() == ["macro", *r.regions.names, "total"]
    for v in ("rg_quantile", "ar_quantile", "beaufre_quantile"):
        assert ds[v].dims == ("year", "quantile")
    for v in ("rg_mean", "ar_mean", "cohesion_mean"):
        assert ds[v].dims == ("year",)
    assert ds.leeway_mean.dims == ("year", "partner", "component")
    assert ds.first_entry_expected_year.dims == ("label",)
    assert ds.attrs["n_trajectories"] == N and ds.attrs["seed"] == r.scenario.seed
    assert ds.attrs["tandem"] == "CHN-RUS" and ds.attrs["adversary"] == "USA"
    # total leeway is the sum of its components
    lee = ds.leeway_mean
    np.testing.assert_allclose(lee.sel(component="total"),
                               lee.drop_sel(component="total").sum("component"), rtol=1e-12)


@pytest.mark.parametrize("name", PRESETS)
def test_quantiles_are_monotone_in_q(name: str) -> None:
    ds = run(name)
    for v in ("rg_quantile", "ar_quantile", "beaufre_quantile"):
        assert (ds[v].diff("quantile") >= 0).all(), v
    assert (ds.beaufre_quantile > 0).all()


@pytest.mark.parametrize("name", PRESETS)
def test_first_entry_year_between_t0_and_horizon_or_nan(name: str) -> None:
    ds = run(name)
    year = ds.first_entry_expected_year.values
    prob = ds.first_entry_probability.values
    entered = prob > 0
    assert (np.isnan(year) == ~entered).all()
    assert ((year[entered] >= ds.attrs["t0"]) & (year[entered] <= ds.attrs["horizon"])).all()
    # entering by the horizon is at least as likely as being there in any one year
    assert (prob + 1e-12 >= ds.probability.max("year").values).all()
    assert (prob <= 1).all()


# ------------------------------------------------------------------------------------------
# seeds and chunks
# ------------------------------------------------------------------------------------------
def test_same_seed_identical() -> None:
    r = resolved("detente-with-weaker")
    a = simulate(r, trajectories=3000, seed=11)
    b = simulate(r, trajectories=3000, seed=11)
    assert_bitwise_identical(a, b)
    # the scenario's seed is the default
    c = simulate(r, trajectories=3000)
    d = simulate(r, trajectories=3000, seed=r.scenario.seed)
    assert_bitwise_identical(c, d)


def test_different_seeds_differ() -> None:
    a = run("status-quo", seed=1)
    b = run("status-quo", seed=2)
    for v in ("probability", "rg_quantile", "ar_quantile", "beaufre_quantile", "rg_mean",
              "ar_mean", "cohesion_mean", "leeway_mean"):
        assert not np.array_equal(a[v].isel(year=slice(1, None)).values,
                                  b[v].isel(year=slice(1, None)).values), v


def test_blocks_draw_from_spawned_child_seeds() -> None:
    """Block b's stream is the b-th child of the root SeedSequence, whatever its chunk."""
    seed, steps = 12345, 5
    root = np.random.SeedSequence(seed)
    child = root.spawn(3)[2]
    assert child.spawn_key == (2,)
    rng = np.random.Generator(np.random.SFC64(child))
    np.testing.assert_array_equal(block_draws(seed, 2, 100, steps),
                                  rng.standard_normal((steps, 4, 100)))
    lengths = block_lengths(2 * BLOCK + 100)
    assert lengths.tolist() == [BLOCK, BLOCK, 100]
    whole = chunk_draws(seed, lengths, 0, 3, steps)
    for b in range(3):
        np.testing.assert_array_equal(whole[b, :, :, :lengths[b]],
                                      block_draws(seed, b, int(lengths[b]), steps))
        np.testing.assert_array_equal(chunk_draws(seed, lengths, b, b + 1, steps)[0],
                                      whole[b])


@cache
def _hyst_detente() -> Resolved:
    return resolve(load_preset("detente-with-weaker").with_overrides(
        {"region_map.hysteresis": 0.05, "horizon": 2032}))


@cache
def _reference(which: str, n: int, seed: int) -> xr.Dataset:
    r = resolved("status-quo") if which == "status-quo" else _hyst_detente()
    return simulate(r, trajectories=n, seed=seed, chunk_size=BLOCK * -(-n // BLOCK))


@settings(max_examples=12, deadline=None)
@example(which="detente-hysteresis", n=5000, blocks=1, workers=2, seed=0)
@example(which="status-quo", n=3 * BLOCK + 1, blocks=2, workers=2, seed=20261128)
@example(which="status-quo", n=1, blocks=3, workers=1, seed=0)
@given(which=st.sampled_from(["status-quo", "detente-hysteresis"]),
       n=st.one_of(st.integers(1, 5000), st.sampled_from([BLOCK, 2 * BLOCK, 4 * BLOCK])),
       blocks=st.integers(1, 5), workers=st.sampled_from([1, 2]),
       seed=st.sampled_from([0, 20261128, 2**63 - 1]))
def test_chunking_and_workers_do_not_change_the_result(which: str, n: int, blocks: int,
                                                        workers: int, seed: int) -> None:
    r = resolved("status-quo") if which == "status-quo" else _hyst_detente()
    ds = simulate(r, trajectories=n, seed=seed, chunk_size=blocks * BLOCK, workers=workers)
    assert_bitwise_identical(ds, _reference(which, n, seed))


def test_partials_combine_in_any_order() -> None:
    r = resolved("containment")
    n = 3 * BLOCK + 17
    chunks = plan_chunks(n, BLOCK)
    assert chunks == [(0, 1), (1, 2), (2, 3), (3, 4)]
    parts = [simulate_blocks(r, 5, n, b0, b1) for b0, b1 in reversed(chunks)]
    assert sum(p.n for p in parts) == n
    ds = combine(r, parts, 5, n)
    assert_bitwise_identical(ds, simulate(r, trajectories=n, seed=5))
    with pytest.raises(InputError, match="every block exactly once"):
        combine(r, parts[1:], 5, n)
    with pytest.raises(InputError, match="every block exactly once"):
        combine(r, [*parts, parts[0]], 5, n)


def test_plan_chunks() -> None:
    assert plan_chunks(1, BLOCK) == [(0, 1)]
    assert plan_chunks(5 * BLOCK, 2 * BLOCK) == [(0, 2), (2, 4), (4, 5)]
    assert plan_chunks(5 * BLOCK + 1, 16 * BLOCK) == [(0, 6)]
    with pytest.raises(InputError, match="multiple of 1024"):
        plan_chunks(10, 1000)
    r = resolved("status-quo")
    with pytest.raises(InputError, match="blocks"):
        simulate_blocks(r, 1, BLOCK, 0, 2)


def test_bad_run_arguments() -> None:
    r = resolved("status-quo")
    with pytest.raises(InputError, match="at least 1"):
        simulate(r, trajectories=0)
    with pytest.raises(InputError, match="multiple of 1024"):
        simulate(r, trajectories=10, chunk_size=1500)


def test_keep_trajectories_is_refused_over_200000() -> None:
    r = resolved("status-quo")
    with pytest.raises(InputError, match="200,000") as info:
        simulate(r, trajectories=200_001, keep_trajectories=True)
    assert "200,001" in str(info.value)


# ------------------------------------------------------------------------------------------
# statistics: per-trajectory output agrees with the summaries
# ------------------------------------------------------------------------------------------
def _hist_quantile(values: np.ndarray, name: str, q: float) -> float:
    """The documented definition: fixed bins of width BIN over RANGES[name], values beyond
    clamped to the edge bins, the q-quantile interpolated linearly inside its bin."""
    lo, hi = RANGES[name]
    nb = round((hi - lo) / BIN)
    idx = np.clip(np.floor((values - lo) / BIN), 0, nb - 1).astype(int)
    counts = np.bincount(idx, minlength=nb)
    cum = np.cumsum(counts)
    target = q * len(values)
    k = int(np.argmax(cum >= target))
    before = cum[k - 1] if k else 0
    return lo + (k + (target - before) / counts[k]) * BIN


def test_kept_trajectories_agree_with_the_summaries() -> None:
    r = resolved("two-front-pressure")
    n = 2 * BLOCK + 300
    ds = simulate(r, trajectories=n, seed=3, chunk_size=BLOCK, keep_trajectories=True)
    assert ds.traj_rg.dims == ("trajectory", "year") and ds.traj_rg.shape == (n, r.n_years)
    assert ds.traj_label.dtype == np.int8
    counts = np.stack([(ds.traj_label.values == k).sum(axis=0) for k in range(len(LABELS))],
                      axis=1)
    np.testing.assert_array_equal(ds.probability.values, counts / n)
    for v in ("rg", "ar", "cohesion"):
        np.testing.assert_allclose(ds[f"{v}_mean"].values, ds[f"traj_{v}"].values.mean(axis=0),
                                   rtol=1e-12, atol=1e-14)
    for y in (1, 7, r.n_years - 1):
        for j, q in enumerate(r.scenario.quantiles):
            for v in ("rg", "ar"):
                vals = ds[f"traj_{v}"].values[:, y]
                got = float(ds[f"{v}_quantile"].values[y, j])
                assert got == pytest.approx(_hist_quantile(vals, v, q), abs=1e-12)
                assert abs(got - np.quantile(vals, q)) < 0.02
    # first entries
    lab = ds.traj_label.values
    for k in range(len(LABELS)):
        hit = (lab == k).any(axis=1)
        assert float(ds.first_entry_probability[k]) == hit.sum() / n
        if hit.any():
            first = r.years[np.argmax(lab[hit] == k, axis=1)]
            assert float(ds.first_entry_expected_year[k]) == pytest.approx(first.mean(),
                                                                         rel=1e-12)
    # the kept trajectories do not depend on the chunking either
    one = simulate(r, trajectories=n, seed=3, chunk_size=4 * BLOCK, keep_trajectories=True)
    assert_bitwise_identical(ds, one)


# ------------------------------------------------------------------------------------------
# deterministic reproduction of the model
# ------------------------------------------------------------------------------------------
ZERO = {"volatility": 0.0}
DET: dict[str, Any] = {
    "name": "deterministic", "t0": 2020, "horizon": 2040, "trajectories": 2000,
    "growth": {"A": {"drift": 0.0, "volatility": 0.0}, "B": {"drift": 0.012, "volatility": 0.0},
               "C": {"drift": 0.004, "volatility": 0.0}},
    "adversary_policy": {"mode": "path", "shock_sd": 0.0,
                         "path": {2023: 0.3, 2027: 0.7, 2031: 0.95, 2035: 0.1, 2040: -0.4}},
    "cohesion": {"rate": 0.0},
}
DET_CASES: dict[str, dict[str, Any]] = {
    # hedging → soft → hard balancing → chain-ganging → hedging → buck-passing
    "drifts-given": {},
    # estimated drifts (CINC 2002–2022), zero volatility: the weaker partner falls behind
    "drifts-estimated": {"t0": None, "growth": {"A": ZERO, "B": ZERO, "C": ZERO},
                         "adversary_policy": {"mode": "path", "shock_sd": 0.0,
                                              "path": {2025: 0.3, 2030: 0.7}}},
    # détente with B: fronts and front asymmetry
    "fronts": {"adversary_policy": {"mode": "path", "shock_sd": 0.0, "front_B": -0.5,
                                    "path": {2024: 0.6, 2032: 0.2}},
               "region_map": {"base": "default", "front_asymmetry": True}},
    # hysteresis: labels outlive their causes (classify_path)
    "hysteresis": {"region_map": {"base": "default", "hysteresis": 0.1}},
    # cohesion moves toward the label's target and scales the surplus
    "cohesion": {"cohesion": {"rate": 0.3, "initial": 0.4}},
    # the response rule, with a lag, on top of the path
    "response": {"adversary_policy": {"mode": "response", "shock_sd": 0.0, "gain": 1.5,
                                      "persistence": 0.7, "lag": 2,
                                      "path": {2023: 0.3, 2030: 0.5}},
                 "growth": {"A": {"drift": 0.03, "volatility": 0.0},
                            "B": {"drift": 0.0, "volatility": 0.0},
                            "C": {"drift": -0.01, "volatility": 0.0}}},
    # leeway parameters and custom regions
    "leeway-params": {"leeway": {"m": 0.6, "mu": 1.2, "gamma": 0.1, "kappa": 0.5, "lam": 2.0},
                      "regions": [{"region": "X", "value": 10, "advantage_a": 0.0,
                                   "advantage_b": 0.7, "advantage_c": 0.2},
                                  {"region": "Y", "value": 3, "advantage_a": 0.9,
                                   "advantage_b": 0.3}]},
}


def det_scenario(case: str) -> Scenario:
    return parse_scenario({**DET, **DET_CASES[case]})


def deterministic_path(r: Resolved) -> dict[str, np.ndarray]:
    """The model along the deterministic path, straight from the model functions."""
    sc = r.scenario
    pol = sc.adversary_policy
    k = np.arange(r.n_years)
    x = r.x0[:, None] + r.drift[:, None] * k[None, :]
    p = np.exp(x)
    rg = ((x[0] - x[1]) - (r.x0[0] - r.x0[1])) / LN2
    if pol.mode == "path":
        ar = r.policy.copy()
    else:
        threat = np.log(p[0] + p[1]) - np.log(p[2])
        threat -= threat[0]
        ar = np.zeros(r.n_years)
        for t in range(1, r.n_years):
            lagged = threat[t - pol.lag] if t - pol.lag >= 0 else 0.0
            ar[t] = pol.persistence * ar[t - 1] + (1 - pol.persistence) * (
                pol.gain * lagged + r.policy[t])
    fronts = (pol.front_A * ar, pol.front_B * ar)
    if r.region_map.hysteresis > 0:
        label = classify_path(rg, ar, r.region_map, ar_fronts=fronts)
    else:
        label = classify(rg, ar, r.region_map, ar_fronts=fronts)
    coh = np.empty(r.n_years)
    coh[0] = sc.cohesion.initial
    for t in range(1, r.n_years):
        target = sc.cohesion.targets[LABELS[label[t]]]
        coh[t] = coh[t - 1] + sc.cohesion.rate * (target - coh[t - 1])
    comps = ["macro", *r.regions.names, "total"]
    if sc.cohesion.rate == 0:
        res = lw.leeway(p[0], p[1], ar, r.regions, r.leeway, PC=p[2])
        frame = res.to_frame()
        assert frame["component"].tolist()[:len(comps)] == comps
        lee = frame["cooperative"].to_numpy().reshape(r.n_years, 2, len(comps))
        np.testing.assert_allclose(lee[:, :, -1], res.leeway_t1.T, rtol=1e-13)
    else:  # the surplus scaled by κ/κ0: one model call per year
        lee = np.empty((r.n_years, 2, len(comps)))
        for t in range(r.n_years):
            params = replace(r.leeway, sigma0=r.leeway.sigma0 * coh[t] / coh[0])
            res = lw.leeway(p[0, t], p[1, t], ar[t], r.regions, params, PC=p[2, t])
            lee[t] = res.to_frame()["cooperative"].to_numpy().reshape(2, len(comps))
    beaufre = np.log(r.psi[0] * p[0] + r.psi[1] * p[1]) - np.log(r.psi[2] * p[2])
    return {"rg": rg, "ar": ar, "label": label, "cohesion": coh, "leeway": lee,
            "beaufre": beaufre}


def test_deterministic_cases_cover_every_label() -> None:
    seen: set[int] = set()
    for case in DET_CASES:
        seen |= set(deterministic_path(resolve(det_scenario(case)))["label"].tolist())
    assert seen == set(range(len(LABELS)))


@pytest.mark.parametrize("case", list(DET_CASES))
def test_zero_volatility_reproduces_the_deterministic_model(case: str) -> None:
    r = resolve(det_scenario(case))
    assert not r.volatility.any()
    ref = deterministic_path(r)
    ds = simulate(r, seed=99)
    onehot = np.eye(len(LABELS))[ref["label"]]
    np.testing.assert_array_equal(ds.probability.values, onehot)
    np.testing.assert_allclose(ds.rg_mean.values, ref["rg"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ds.ar_mean.values, ref["ar"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ds.cohesion_mean.values, ref["cohesion"], rtol=1e-12)
    np.testing.assert_allclose(ds.leeway_mean.values, ref["leeway"], rtol=1e-12, atol=1e-15)
    if r.scenario.adversary_policy.mode == "path":
        np.testing.assert_allclose(ds.ar_mean.values, r.policy, rtol=1e-12, atol=1e-15)
    # a point mass at v is reported as lo + (bin(v) + q)·BIN: within one bin of v
    for v in ("rg", "ar", "beaufre"):
        q = ds[f"{v}_quantile"].values
        got = np.log(q) if v == "beaufre" else q
        assert (np.abs(got - ref[v][:, None]) <= BIN + 1e-12).all(), v
    # every label entered on the path is entered in the year the path first enters it
    for k in range(len(LABELS)):
        years = r.years[ref["label"] == k]
        want = years[0] if len(years) else np.nan
        np.testing.assert_equal(float(ds.first_entry_expected_year[k]), want)


@pytest.mark.parametrize("case", ["drifts-given", "hysteresis", "response"])
def test_every_kept_trajectory_is_the_deterministic_path(case: str) -> None:
    r = resolve(det_scenario(case))
    ref = deterministic_path(r)
    n = BLOCK + 5
    ds = simulate(r, trajectories=n, seed=1, keep_trajectories=True)
    np.testing.assert_array_equal(ds.traj_label.values, np.broadcast_to(ref["label"],
                                                                         (n, r.n_years)))
    for v in ("rg", "ar", "cohesion"):
        got = ds[f"traj_{v}"].values
        assert (got == got[0]).all(), v  # all trajectories identical
        np.testing.assert_allclose(got[0], ref[v], rtol=1e-12, atol=1e-14)
    if r.scenario.adversary_policy.mode == "path":
        np.testing.assert_array_equal(ds.traj_ar.values[0], r.policy)


def test_out_of_range_values_are_clamped_to_the_edge_bins() -> None:
    r = resolve(det_scenario("drifts-given").with_overrides({"growth.B.drift": -0.5}))
    ds = simulate(r, trajectories=BLOCK)
    rg_true = 0.5 * np.arange(r.n_years) / LN2
    np.testing.assert_allclose(ds.rg_mean.values, rg_true, rtol=1e-12)
    beyond = rg_true >= RANGES["rg"][1]
    assert beyond.any()
    qs = np.array(r.scenario.quantiles)
    top = RANGES["rg"][1] - BIN + qs * BIN  # the last bin, interpolated
    np.testing.assert_allclose(ds.rg_quantile.values[beyond],
                               np.broadcast_to(top, (beyond.sum(), len(qs))), rtol=0,
                               atol=1e-12)


# ------------------------------------------------------------------------------------------
# the kernel against the model function
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["drifts-given", "leeway-params"])
def test_kernel_leeway_equals_the_model(case: str) -> None:
    r = resolve(det_scenario(case))
    m = _Model(r)
    par = r.leeway
    rng = np.random.default_rng(7)
    n = 2000
    p = np.exp(rng.uniform(-7.0, 0.0, (3, n)))
    ar = rng.uniform(-2.0, 3.0, n)
    coh = rng.uniform(0.01, 1.0, n)
    ref = m.leeway(p, ar, coh)
    assert ref.shape == (2, n, len(r.regions) + 2)
    out = np.zeros_like(ref)
    kernels.leeway_points(p, ar, coh, m.k0, par.sigma0, par.lam, par.kappa, par.m, par.mu,
                          par.gamma, m._stake, np.ascontiguousarray(r.regions.advantage[0]),
                          np.ascontiguousarray(r.regions.advantage[1]), out)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-15)
    # and the engine's model is the leeway model itself at κ = κ0
    full = m.leeway(p, ar, np.full(n, m.k0))
    frame = lw.leeway(p[0], p[1], ar, r.regions, par, PC=p[2]).to_frame()
    coop = frame["cooperative"].to_numpy().reshape(n, 2, -1).transpose(1, 0, 2)
    np.testing.assert_allclose(full, coop, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------------------------------
# feedback directions
# ------------------------------------------------------------------------------------------
def test_adversary_responds_to_the_tandems_rise_in_proportion_to_gain() -> None:
    ends = []
    for gain in (0.0, 1.0, 2.0):
        ds = simulate(resolved("status-quo", **{"adversary_policy.gain": gain}),
                      trajectories=N)
        ends.append(ds.ar_mean.values)
    assert abs(ends[0][-1]) < 0.02  # no response: Ar is the mean of the shocks
    assert ends[0][-1] < ends[1][-1] < ends[2][-1]
    assert (ends[2][3:] > ends[1][3:]).all()
    # linear in the gain (the draws are shared): the gain-2 response is twice the gain-1 one
    np.testing.assert_allclose(ends[2] - ends[0], 2 * (ends[1] - ends[0]), atol=1e-9)


def test_adversary_eases_when_the_tandem_declines() -> None:
    ov = {"growth.A.drift": -0.03, "growth.B.drift": -0.03, "growth.C.drift": 0.02}
    lo = simulate(resolved("status-quo", **ov, **{"adversary_policy.gain": 0.5}),
                  trajectories=N)
    hi = simulate(resolved("status-quo", **ov, **{"adversary_policy.gain": 2.0}),
                  trajectories=N)
    assert hi.ar_mean.values[-1] < lo.ar_mean.values[-1] < 0


def test_containment_raises_ar_over_status_quo() -> None:
    sq, co = run("status-quo"), run("containment")
    assert (co.ar_mean.values[1:] > sq.ar_mean.values[1:]).all()
    assert (co.ar_quantile.values[-1] > sq.ar_quantile.values[-1]).all()
    # with shared draws the difference is the policy filtered by the response rule (step 2):
    # D(t) = ρ·D(t−1) + (1 − ρ)·policy(t)
    r = resolved("containment")
    rho = r.scenario.adversary_policy.persistence
    d = np.zeros(r.n_years)
    for t in range(1, r.n_years):
        d[t] = rho * d[t - 1] + (1 - rho) * r.policy[t]
    np.testing.assert_allclose(co.ar_mean.values - sq.ar_mean.values, d, atol=1e-9)


def test_containment_policy_moves_ar_by_the_stated_amount() -> None:
    diff = run("containment").ar_mean.values - run("status-quo").ar_mean.values
    assert diff[-1] == pytest.approx(0.6, abs=0.05)


def test_weaker_partners_stagnation_widens_the_gap() -> None:
    sq, ws = run("status-quo"), run("weaker-stagnation")
    assert (ws.rg_quantile.values[1:] >= sq.rg_quantile.values[1:]).all()
    assert (ws.rg_quantile.values[-1] > sq.rg_quantile.values[-1] + 0.1).all()
    assert ws.rg_mean.values[-1] > sq.rg_mean.values[-1]


def test_front_asymmetry_raises_buck_passing() -> None:
    det = run("detente-with-weaker")
    sym = simulate(resolved("detente-with-weaker", **{"region_map.front_asymmetry": False}),
                   trajectories=N)
    buck = "buck_passing"
    assert float(det.probability.sel(label=buck).mean()) > \
        float(sym.probability.sel(label=buck).mean()) + 0.3
    assert float(det.probability.sel(label=buck).mean()) > \
        float(run("status-quo").probability.sel(label=buck).mean()) + 0.3
    # the same Ar and Rg: only the labels differ
    np.testing.assert_array_equal(det.ar_mean.values, sym.ar_mean.values)
    np.testing.assert_array_equal(det.rg_mean.values, sym.rg_mean.values)


def test_cohesion_rises_under_hard_balancing_pressure() -> None:
    sq, tf = run("status-quo"), run("two-front-pressure")
    balancing = tf.probability.sel(label=["hard_balancing", "chain_ganging",
                                          "soft_balancing"]).sum("label")
    peak = int(np.argmax(balancing.values))
    assert float(balancing[peak]) > 0.4
    # in the years of balancing pressure the tandem grows more cohesive than under the status
    # quo (later both drift toward bandwagoning's lower target)
    assert float(tf.cohesion_mean[peak + 1]) > float(sq.cohesion_mean[peak + 1]) + 0.01
    assert float(tf.cohesion_mean.max()) > float(sq.cohesion_mean.max()) + 0.015


def test_cohesion_follows_the_outcome_exactly() -> None:
    """Held in hard balancing from the first year, κ(t) = τ + (κ0 − τ)(1 − rate)^t."""
    s = det_scenario("drifts-given").with_overrides({
        "growth.B.drift": 0.0, "growth.C.drift": 0.0, "adversary_policy.path": {2021: 0.7},
        "cohesion.rate": 0.25, "cohesion.initial": 0.5})
    r = resolve(s)
    ds = simulate(r, trajectories=BLOCK)
    hard = ds.probability.sel(label="hard_balancing").values
    assert hard[0] == 0.0 and (hard[1:] == 1.0).all()
    tau = s.cohesion.targets["hard_balancing"]
    t = np.arange(r.n_years)
    np.testing.assert_allclose(ds.cohesion_mean.values, tau + (0.5 - tau) * 0.75 ** t,
                               rtol=1e-12)
    # and the surplus grows with cohesion: A's macro leeway is above the rate-0 run's
    flat = simulate(resolve(s.with_overrides({"cohesion.rate": 0.0})), trajectories=BLOCK)
    macro = ds.leeway_mean.sel(component="macro").values
    macro0 = flat.leeway_mean.sel(component="macro").values
    assert (macro[1:] > macro0[1:]).all()


def test_micro_shares_follow_relative_power() -> None:
    """The stronger A grows against B, the larger its regional leeway (and B's smaller)."""
    base = det_scenario("drifts-given").with_overrides({"growth.B.drift": 0.0})
    slow = simulate(resolve(base.with_overrides({"growth.A.drift": 0.0})), trajectories=BLOCK)
    fast = simulate(resolve(base.with_overrides({"growth.A.drift": 0.05})), trajectories=BLOCK)
    regions = [c for c in slow.component.values if c not in ("macro", "total")]
    a_slow = slow.leeway_mean.sel(partner="A", component=regions).sum("component").values
    a_fast = fast.leeway_mean.sel(partner="A", component=regions).sum("component").values
    b_slow = slow.leeway_mean.sel(partner="B", component=regions).sum("component").values
    b_fast = fast.leeway_mean.sel(partner="B", component=regions).sum("component").values
    assert (a_fast[1:] > a_slow[1:]).all() and (b_fast[1:] < b_slow[1:]).all()
    assert a_fast[0] == a_slow[0]


# ------------------------------------------------------------------------------------------
# the fused block kernel: its normals, its labels and its statistics
# ------------------------------------------------------------------------------------------
def test_kernel_normals_are_numpys() -> None:
    """kernels.fill_normals (SFC64 + ziggurat, inlined) draws NumPy's numbers, tails
    included (≈ 0.3 % of draws leave the ziggurat's rectangles)."""
    from realpolitik.simulate.engine import _sfc64_words

    for seed, block in ((0, 0), (20261128, 7), (2**63 - 1, 123456)):
        words = _sfc64_words(seed, block)
        out = np.empty(3_000_000)
        kernels.fill_normals(words, out)
        ss = np.random.SeedSequence(seed, spawn_key=(block,))
        ref = np.random.Generator(np.random.SFC64(ss)).standard_normal(out.size)
        assert out.tobytes() == ref.tobytes()
        assert (np.abs(ref) > 3.6541528853610088).sum() > 100  # the tail branch ran
        # and the state advanced as NumPy's: the next draws agree too
        more = np.empty(1000)
        kernels.fill_normals(words, more)
        ref_bg = np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(block,)))
        g = np.random.Generator(ref_bg)
        g.standard_normal(out.size)
        np.testing.assert_array_equal(more, g.standard_normal(1000))


def _random_plane_points(rm: Any, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over the plane, many exactly on (or one ulp from) the thresholds."""
    rng = np.random.default_rng(seed)
    t = rm.thresholds()
    rg = rng.uniform(-1.5, 1.5, n)
    ar = rng.uniform(-1.0, 1.8, n)
    r_edges = np.array([t.r_P, t.r_C, t.r_B0, 0.0])
    a_edges = np.array([t.a_S, t.a_H, t.a_C, 0.0])
    k = n // 4
    rg[:k] = rng.choice(r_edges, k)
    ar[k:2 * k] = rng.choice(a_edges, k)
    # on the sloped bandwagoning boundary Rg = r_B(Ar)
    ar_s = ar[2 * k:3 * k]
    rg[2 * k:3 * k] = rm.r_B(ar_s)
    idx = rng.integers(0, n, n // 50)
    rg[idx] = np.nextafter(rg[idx], rng.choice([-np.inf, np.inf], idx.size))
    idx = rng.integers(0, n, n // 50)
    ar[idx] = np.nextafter(ar[idx], rng.choice([-np.inf, np.inf], idx.size))
    rg[:8] = [np.inf, -np.inf, 0.0, 0.0, 1e308, -1e308, np.inf, -np.inf]
    ar[:8] = [0.0, 0.0, np.inf, -np.inf, 1e308, -1e308, np.inf, -np.inf]
    return rg, ar


@pytest.mark.parametrize("base", ["default", "quadrant"])
@pytest.mark.parametrize("options", [
    {},
    {"offense_shift": 0.1},
    {"offense_shift": -0.15},
    {"front_asymmetry": True},
    {"front_asymmetry": True, "front_gap": 0.0, "offense_shift": 0.2},
    {"front_asymmetry": True, "front_gap": 0.3, "beta": 0.0},
    {"a_S": 0.1, "a_H": 0.3, "a_C": 0.3, "r_B0": 0.2, "r_C": 0.2, "r_P": -0.05, "beta": 1.5},
])
def test_kernel_labels_are_the_planes(base: str, options: dict[str, Any]) -> None:
    """The fused kernel's rule tree (kernels._code / _label) gives plane.classify's label at
    millions of points, exactly: both kinds, offense shift, front asymmetry with its gap."""
    from realpolitik.models.plane import region_map
    from realpolitik.simulate.engine import _plane_params

    rm = region_map(base, **options)
    lut, plane = _plane_params(rm)
    n = 2_000_000
    rg, ar = _random_plane_points(rm, n, seed=len(str(options)) + 7 * (base == "quadrant"))
    rng = np.random.default_rng(3)
    # fronts as the engine makes them, f·Ar, and free fronts around the thresholds
    half = n // 2
    with np.errstate(invalid="ignore"):  # 0·inf: NaN, replaced below
        f_a = np.concatenate([rng.choice([1.0, 0.5, -0.5, 0.0], half) * ar[:half],
                              rng.uniform(-1.0, 1.5, n - half)])
        f_b = np.concatenate([rng.choice([1.0, -0.5, -1.0, 0.25], half) * ar[:half],
                              rng.uniform(-1.0, 1.5, n - half)])
    f_a[np.isnan(f_a)] = 0.0
    f_b[np.isnan(f_b)] = 0.0
    f_b[:n // 20] = f_a[:n // 20] + rm.front_gap  # the gap exactly
    f_a[n // 20:n // 10] = rm.a_S - f_b[n // 20:n // 10] * 0.0  # a front exactly at a_S
    want = classify(rg, ar, rm, ar_fronts=(f_a, f_b))
    got = np.empty(n, dtype=np.int8)
    kernels.classify_points(rg, ar, f_a, f_b, rm.front_asymmetry, lut, plane, got)
    mismatch = np.flatnonzero(got != want)
    assert mismatch.size == 0, (mismatch[:5], rg[mismatch[:5]], ar[mismatch[:5]])
    assert len(np.unique(want)) >= 5  # the rules are exercised (options6 has no hard balancing)


@pytest.mark.parametrize(("name", "overrides"), [
    ("status-quo", {}),
    ("detente-with-weaker", {}),  # front asymmetry
    ("status-quo", {"region_map": {"base": "quadrant"}}),
    ("two-front-pressure", {"region_map.offense_shift": 0.15}),
    ("status-quo", {"adversary_policy.mode": "path", "adversary_policy.lag": 0}),
    ("containment", {"adversary_policy.lag": 3, "leeway.kappa": 0.7, "leeway.mu": 1.3}),
])
def test_fused_kernel_equals_the_year_by_year_path(name: str, overrides: dict[str, Any]) -> None:
    """kernels.run_block gives the Partial of the classic path (chunk_draws, advance,
    plane.classify, account) bit for bit, short last block and kept trajectories included."""
    from realpolitik.simulate.engine import _simulate_blocks

    r = resolve(load_preset(name).with_overrides(overrides)) if overrides else resolved(name)
    n = 2 * BLOCK + 77
    for keep in (False, True):
        a = _simulate_blocks(r, 8, n, 0, 3, keep, fused=True)
        b = _simulate_blocks(r, 8, n, 0, 3, keep, fused=False)
        assert a.n == b.n == n
        np.testing.assert_array_equal(a.label_counts, b.label_counts)
        np.testing.assert_array_equal(a.entry_counts, b.entry_counts)
        for key in a.hist:
            np.testing.assert_array_equal(a.hist[key], b.hist[key])
        for key in a.sums:
            assert a.sums[key].tobytes() == b.sums[key].tobytes(), key
        if keep:
            assert a.trajectories is not None and b.trajectories is not None
            for key in a.trajectories:
                assert a.trajectories[key].tobytes() == b.trajectories[key].tobytes(), key


def test_fused_kernel_refuses_hysteresis() -> None:
    from realpolitik.simulate.engine import _simulate_blocks

    with pytest.raises(InputError, match="hysteresis"):
        _simulate_blocks(_hyst_detente(), 1, BLOCK, 0, 1, False, fused=True)
