"""The benchmarks' baselines (``benchmarks/reference_python.py``, ``benchmarks/reference_mesa.py``)
compute the same thing as the engine: on a few trajectories with the same random draws, the
per-trajectory paths and the statistics agree (labels exactly, numbers to 1e-9 relative). This is
what makes the speed ratios printed by ``benchmarks/bench_engine.py`` apples to apples. No timing
is asserted here.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from realpolitik.simulate.engine import BIN, RANGES, _Model, _nbins, _quantiles, simulate
from realpolitik.simulate.resolve import resolve
from realpolitik.simulate.scenario import load_preset

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import reference_python as ref  # noqa: E402

SEED = 20261128
N = 5
RTOL = 1e-9
ATOL = 1e-12  # for values that are exactly 0 (Rg and Ar at t0)


@cache
def resolved(name: str) -> Any:
    return resolve(load_preset(name))


@cache
def engine_run(name: str, n: int) -> Any:
    return simulate(resolved(name), trajectories=n, seed=SEED, keep_trajectories=True)


def paths(res: ref.Result) -> dict[str, np.ndarray]:
    t = res.trajectories
    return {"rg": np.array([x.rg for x in t]), "ar": np.array([x.ar for x in t]),
            "label": np.array([x.label for x in t]),
            "cohesion": np.array([x.cohesion for x in t]),
            # (trajectory, year, partner, component)
            "leeway": np.array([[[a, b] for a, b in zip(x.leeway_a, x.leeway_b, strict=True)]
                                for x in t])}


def dense_hist(summary: ref.Summary, name: str) -> np.ndarray:
    out = np.zeros((summary.n_years, _nbins(name)), dtype=np.int64)
    for t, counts in enumerate(summary.hist[name]):
        for k, c in counts.items():
            out[t, k] = c
    return out


def check_against_engine(res: ref.Result, name: str, n: int) -> None:
    ds = engine_run(name, n)
    got = paths(res)
    assert got["label"].shape == ds["traj_label"].shape
    np.testing.assert_array_equal(got["label"], ds["traj_label"].to_numpy())
    for key in ("rg", "ar", "cohesion"):
        np.testing.assert_allclose(got[key], ds[f"traj_{key}"].to_numpy(), rtol=RTOL, atol=ATOL,
                                   err_msg=key)
    s = res.summary
    means = s.means()
    np.testing.assert_array_equal(np.array(s.label_counts),
                                  np.rint(ds["probability"].to_numpy() * n).astype(int))
    np.testing.assert_allclose(means["leeway"], ds["leeway_mean"].to_numpy(), rtol=RTOL,
                               atol=ATOL)
    np.testing.assert_allclose(np.mean(got["leeway"], axis=0), ds["leeway_mean"].to_numpy(),
                               rtol=RTOL, atol=ATOL)
    for key in ("rg", "ar", "cohesion"):
        np.testing.assert_allclose(means[key], ds[f"{key}_mean"].to_numpy(), rtol=RTOL,
                                   atol=ATOL, err_msg=key)
    entry = np.array(s.entry_counts)
    np.testing.assert_allclose(entry.sum(axis=1) / n,
                               ds["first_entry_probability"].to_numpy(), rtol=RTOL)
    qs = list(ds["quantile"].to_numpy())
    for key, var in (("rg", "rg_quantile"), ("ar", "ar_quantile")):
        np.testing.assert_allclose(_quantiles(dense_hist(s, key), key, qs),
                                   ds[var].to_numpy(), rtol=RTOL, atol=ATOL, err_msg=key)
    np.testing.assert_allclose(np.exp(_quantiles(dense_hist(s, "beaufre"), "beaufre", qs)),
                               ds["beaufre_quantile"].to_numpy(), rtol=RTOL)


def test_histogram_spec_matches_engine() -> None:
    p = ref.params_from(resolved("status-quo"))
    for name in ref.HIST_NAMES:
        assert p.hist[name] == (RANGES[name][0], BIN, _nbins(name))


def test_python_reference_equals_engine() -> None:
    res = ref.simulate_reference(resolved("status-quo"), SEED, N)
    check_against_engine(res, "status-quo", N)


def test_python_reference_across_blocks() -> None:
    """Trajectories of a second random block read their draws where the engine does."""
    n = 1024 + 3
    res = ref.simulate_reference(resolved("status-quo"), SEED, n)
    check_against_engine(res, "status-quo", n)


@pytest.mark.parametrize("name", ["containment", "detente-with-weaker"])
def test_python_reference_other_presets(name: str) -> None:
    """A policy path (containment) and front asymmetry (détente with the weaker partner)."""
    res = ref.simulate_reference(resolved(name), SEED, N)
    check_against_engine(res, name, N)


def test_python_reference_leeway_is_the_models() -> None:
    """The reference's per-trajectory leeway is the model functions' (models.leeway), through
    the engine's model-function path ``_Model.leeway``, at the reference's own states."""
    r = resolved("status-quo")
    p = ref.params_from(r)
    res = ref.simulate_reference(r, SEED, N)
    got = paths(res)
    m = _Model(r)
    draws = ref.trajectory_draws
    from realpolitik.simulate.engine import block_lengths, chunk_draws
    from realpolitik.simulate.scenario import BLOCK

    d = chunk_draws(SEED, block_lengths(N), 0, 1, r.n_years - 1)
    for j in range(N):
        eps = np.array(draws(d, j, BLOCK))  # (steps, 4)
        x = np.array(p.x0)[:, None] + np.concatenate(
            [np.zeros((3, 1)), np.cumsum(np.array(p.drift)[:, None]
                                         + np.array(p.vol)[:, None] * eps[:, :3].T, axis=1)],
            axis=1)  # (3, years)
        expected = m.leeway(np.exp(x), got["ar"][j], got["cohesion"][j])  # (2, years, K + 2)
        np.testing.assert_allclose(got["leeway"][j], expected.transpose(1, 0, 2), rtol=1e-9,
                                   atol=1e-12)


def test_mesa_reference_equals_engine() -> None:
    pytest.importorskip("mesa")
    import reference_mesa

    res = reference_mesa.simulate_mesa(resolved("status-quo"), SEED, N)
    check_against_engine(res, "status-quo", N)
    # and it is the plain reference, number for number
    plain = ref.simulate_reference(resolved("status-quo"), SEED, N)
    for a, b in zip(res.trajectories, plain.trajectories, strict=True):
        assert a == b
    assert res.summary == plain.summary
