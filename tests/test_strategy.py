"""Beaufre's strategy formula, his five patterns, the artichoke game (DESIGN §4.2), and the
strategy table built from the bundled data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from realpolitik.errors import InputError
from realpolitik.measures.strategy_inputs import (
    DEFAULT_INDICATORS,
    INDICATORS,
    MEANS_INDICES,
    force_shares,
    strategy_table,
)
from realpolitik.models.strategy import (
    DOMAINS,
    PATTERN_RULES,
    PATTERNS,
    PSI_MAX,
    PatternRule,
    PatternThresholds,
    adapt_threshold,
    beaufre_pattern,
    domain_weights,
    expected_step_value,
    information_offensive,
    optimal_step,
    pattern_table,
    psi_from_scores,
    response_probability,
    simulate_artichoke,
    strategy_score,
    tandem_ratio,
)
from realpolitik.references import components

positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
shares = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False)
psis = st.floats(min_value=1e-3, max_value=PSI_MAX, allow_nan=False)
scores = st.floats(min_value=1e-3, max_value=1.0, allow_nan=False)


# --------------------------------------------------------------------------------------------
# Range validation
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "argument"), [
    (lambda: strategy_score(-0.1, 1.0), "F"),
    (lambda: strategy_score(math.inf, 1.0), "F"),
    (lambda: strategy_score(0.5, 0.0), "psi"),
    (lambda: strategy_score(0.5, 2.01), "psi"),
    (lambda: strategy_score(0.5, [1.0, 3.0]), "psi"),
    (lambda: strategy_score(0.5, 1.0, tau=0.0), "tau"),
    (lambda: strategy_score(0.5, 1.0, tau=-1.0), "tau"),
    (lambda: strategy_score(0.5, 1.0, k=-1.0), "k"),
    (lambda: strategy_score(True, 1.0), "F"),
    (lambda: strategy_score("half", 1.0), "F"),
    (lambda: tandem_ratio(0.0, 0.0, 0.0, synergy=-1.0), "synergy"),
    (lambda: tandem_ratio(math.inf, 0.0, 0.0), "log_s_a"),
    (lambda: psi_from_scores(0.0, 0.5), "ideology"),
    (lambda: psi_from_scores(0.5, 1.5), "leader"),
    (lambda: psi_from_scores(0.5, 0.5, math.inf), "information"),
    (lambda: beaufre_pattern(-1.0, 0.5, 0.5), "means_ratio"),
    (lambda: beaufre_pattern(1.0, 1.5, 0.5), "stakes"),
    (lambda: beaufre_pattern(1.0, 0.5, -0.1), "freedom"),
    (lambda: response_probability(-0.1, 1.0, 0.1), "delta"),
    (lambda: response_probability(0.5, -1.0, 0.1), "theta"),
    (lambda: response_probability(0.5, 1.0, 0.0), "s"),
    (lambda: expected_step_value(0.5, 1.0, 0.1, -1.0), "cost"),
    (lambda: optimal_step(1.0, -0.1, 1.0), "s"),
    (lambda: information_offensive(1.0, -1.0), "effort"),
    (lambda: information_offensive(1.0, 1.0, -0.5), "elasticity"),
    (lambda: adapt_threshold(1.0, 0.5, -0.1), "eta"),
    (lambda: simulate_artichoke(0, 1.0, 0.1, 1.0, 0.1, np.random.default_rng(0)), "steps"),
    (lambda: simulate_artichoke(5, 1.0, 0.1, 1.0, 0.1, np.random.default_rng(0), paths=0),
     "paths"),
    (lambda: simulate_artichoke(5, [1.0, 2.0], 0.1, 1.0, 0.1, np.random.default_rng(0)),
     "theta0"),
    (lambda: simulate_artichoke(5, 1.0, 0.1, 1.0, 0.1, 42), "rng"),  # type: ignore[arg-type]
    (lambda: domain_weights([0.0, 0.0, 0.0, 0.0]), "k"),
    (lambda: domain_weights({"cyber": 1.0}), "k"),
    (lambda: PatternThresholds(stakes_high=1.5), "stakes_high"),
])
def test_out_of_range_arguments_are_named(call, argument):
    with pytest.raises(InputError) as info:
        call()
    assert argument in info.value.message
    assert info.value.hint


def test_range_messages_give_the_interval():
    with pytest.raises(InputError, match=r"psi=2\.5 is outside \(0, 2\]"):
        strategy_score(0.5, 2.5)
    with pytest.raises(InputError, match=r"tau=0\.0 is outside \(0, inf\)"):
        strategy_score(0.5, 1.0, 0.0)


def test_missing_values_propagate_and_zero_force_is_minus_infinity():
    out = strategy_score([np.nan, 0.0, 0.5], 1.0)
    assert np.isnan(out[0])
    assert out[1] == -math.inf
    assert out[2] == pytest.approx(math.log(0.5))


# --------------------------------------------------------------------------------------------
# The formula
# --------------------------------------------------------------------------------------------
@given(f=shares, psi=psis, tau=positive, k=positive, factor=st.floats(1.01, 10.0))
def test_score_is_monotone_in_each_factor(f, psi, tau, k, factor):
    base = strategy_score(f, psi, tau, k)
    assert strategy_score(f * factor, psi, tau, k) > base
    assert strategy_score(f, min(psi * factor, PSI_MAX), tau, k) >= base
    assert strategy_score(f, psi, tau * factor, k) > base
    assert strategy_score(f, psi, tau, k * factor) > base
    assert strategy_score(f / factor, psi, tau, k) < base


@given(f1=shares, f2=shares, p1=psis, p2=psis, t1=positive, t2=positive, k1=positive,
       k2=positive)
def test_log_comparison_equals_ratio_of_products(f1, f2, p1, p2, t1, t2, k1, k2):
    diff = strategy_score(f1, p1, t1, k1) - strategy_score(f2, p2, t2, k2)
    assert math.exp(diff) == pytest.approx((k1 * f1 * p1 * t1) / (k2 * f2 * p2 * t2), rel=1e-9)


def test_score_broadcasts_actor_by_domain():
    f = np.array([[0.4, 0.5], [0.1, 0.2], [0.5, 0.3]])  # actors × domains
    out = strategy_score(f, np.array([[1.5], [1.2], [0.8]]), 1.0, np.array([[0.7, 0.3]]))
    assert out.shape == (3, 2)
    assert out[2, 1] == pytest.approx(math.log(0.3 * 0.8 * 0.3))


def test_tandem_ratio_by_hand():
    s_a, s_b, s_c = np.array([0.4, 0.2]), np.array([0.2, 0.2]), np.array([0.4, 0.6])
    r = tandem_ratio(np.log(s_a), np.log(s_b), np.log(s_c))
    np.testing.assert_allclose(r.per_domain, (s_a + s_b) / s_c)
    assert r.overall == pytest.approx((s_a + s_b).sum() / s_c.sum())
    np.testing.assert_allclose(r.log_per_domain, np.log((s_a + s_b) / s_c))
    syn = tandem_ratio(np.log(s_a), np.log(s_b), np.log(s_c), synergy=0.2)
    np.testing.assert_allclose(syn.per_domain, 1.2 * (s_a + s_b) / s_c)
    assert syn.overall == pytest.approx(1.2 * r.overall)


def test_tandem_ratio_is_stable_in_logs():
    """Scores far below the floating-point range still compare correctly in logs."""
    r = tandem_ratio([-1000.0, -1000.0], [-1000.0, -1000.0], [-1000.0 + math.log(4), -1e4])
    assert r.per_domain[0] == pytest.approx(0.5)
    assert r.overall == pytest.approx(1.0)  # the second domain's S_C is negligible
    assert tandem_ratio(-math.inf, 0.0, 0.0).per_domain == pytest.approx(1.0)


def test_tandem_ratio_on_a_score_matrix_sums_over_domains():
    f = np.array([[0.3, 0.5, 0.2, 1 / 3], [0.2, 0.1, 0.4, 1 / 3], [0.5, 0.4, 0.4, 1 / 3]])
    k = domain_weights(None)
    log_s = strategy_score(f, np.array([[1.8], [1.6], [0.8]]), 1.0, k)
    r = tandem_ratio(log_s[0], log_s[1], log_s[2])
    s = np.exp(log_s)
    assert r.overall == pytest.approx((s[0] + s[1]).sum() / s[2].sum())
    assert np.asarray(r.per_domain).shape == (4,)


def test_psi_mapping():
    assert psi_from_scores(0.5, 0.5) == pytest.approx(1.0)
    assert psi_from_scores(1.0, 1.0) == pytest.approx(2.0)
    assert psi_from_scores(1.0, 1.0, information=1.0) == pytest.approx(PSI_MAX)  # capped
    assert psi_from_scores(0.5, 0.5, information=math.log(0.9)) == pytest.approx(0.9)
    assert psi_from_scores(0.25, 0.25) == pytest.approx(0.5)


@given(i=scores, ldr=scores, info=st.floats(-5.0, 5.0))
def test_psi_stays_in_range_and_rises_with_scores(i, ldr, info):
    psi = psi_from_scores(i, ldr, info)
    assert 0.0 < psi <= PSI_MAX
    assert psi_from_scores(min(1.0, i * 1.1), ldr, info) >= psi


# --------------------------------------------------------------------------------------------
# Beaufre's patterns
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("means", "stakes", "freedom", "pattern"), [
    (4.0, 0.2, 0.5, "direct_threat"),  # very large means, modest stakes
    (1.0, 0.2, 0.2, "indirect_pressure"),  # modest means, modest stakes, limited freedom
    (1.0, 0.8, 0.2, "successive_actions"),  # limited means and freedom, important stakes
    (0.3, 0.9, 0.8, "protracted_struggle"),  # weak means, high stakes, large freedom
    (2.0, 0.8, 0.2, "violent_conflict"),  # sufficient means, important stakes
])
def test_each_pattern_is_reachable(means, stakes, freedom, pattern):
    assert beaufre_pattern(means, stakes, freedom) == pattern


def test_pattern_rules_cover_every_case_exactly_once():
    m, s, f = np.meshgrid(np.linspace(0, 5, 41), np.linspace(0, 1, 21), np.linspace(0, 1, 21))
    th = PatternThresholds()
    values = {"means_ratio": m, "stakes": s, "freedom": f}
    hits = np.zeros(m.shape, dtype=int)
    ops = {"<": np.less, ">=": np.greater_equal}
    for rule in PATTERN_RULES:
        ok = np.ones(m.shape, dtype=bool)
        for var, op, thr in rule.conditions:
            ok &= ops[op](values[var], getattr(th, thr) if isinstance(thr, str) else thr)
        hits += ok
    assert (hits == 1).all()
    out = beaufre_pattern(m, s, f)
    assert set(out.ravel()) == set(PATTERNS)
    assert [r.pattern for r in PATTERN_RULES] == list(PATTERNS)


def test_pattern_thresholds_and_rules_are_data():
    assert beaufre_pattern(2.0, 0.2, 0.5) == "indirect_pressure"
    assert beaufre_pattern(2.0, 0.2, 0.5, PatternThresholds(means_large=2.0)) == "direct_threat"
    mine = (PatternRule("anything", ()),)
    assert beaufre_pattern(1.0, 0.5, 0.5, rules=mine) == "anything"
    with pytest.raises(InputError, match="unknown threshold"):
        beaufre_pattern(1.0, 0.5, 0.5, rules=(PatternRule("x", (("stakes", "<", "nope"),)),))
    table = pattern_table()
    assert table["pattern"].tolist() == list(PATTERNS)
    assert table["rule"].iloc[2] == "stakes >= 0.5 and means_ratio < 1.5 and freedom < 0.5"


def test_pattern_is_vectorised_and_missing_is_none():
    out = beaufre_pattern([np.nan, 4.0], 0.2, 0.5)
    assert out.tolist() == [None, "direct_threat"]


# --------------------------------------------------------------------------------------------
# The artichoke game
# --------------------------------------------------------------------------------------------
@given(theta=st.floats(0.0, 10.0), s=st.floats(0.01, 5.0))
def test_response_probability_is_one_half_at_the_threshold(theta, s):
    assert response_probability(theta, theta, s) == pytest.approx(0.5)
    assert response_probability(theta + s, theta, s) > 0.5


def test_response_probability_is_overflow_free():
    p = response_probability([0.0, 1e6], 1e3, 1e-3)
    assert p.tolist() == [0.0, 1.0]


def _numeric_argmax(theta: float, s: float, cost: float) -> float:
    grid = np.linspace(0.0, theta + cost + 20 * s, 200_001)
    return float(grid[np.argmax(expected_step_value(grid, theta, s, cost))])


@pytest.mark.parametrize(("theta", "s", "cost"), [
    (1.0, 0.1, 1.0), (2.0, 0.1, 1.0), (4.0, 0.2, 0.5), (1.0, 0.3, 2.0), (0.5, 0.05, 0.1),
    (3.0, 1.0, 0.0), (0.2, 1.0, 0.0),
])
def test_optimal_step_maximises_the_expected_value(theta, s, cost):
    best = optimal_step(theta, s, cost)
    grid_best = _numeric_argmax(theta, s, cost)
    assert best == pytest.approx(grid_best, abs=1e-3 * max(1.0, theta + cost))
    value = expected_step_value(best, theta, s, cost)
    for d in (best * 0.95, best * 1.05, best + s):
        assert expected_step_value(d, theta, s, cost) <= value + 1e-12


def test_optimal_step_agrees_with_scipy():
    optimize = pytest.importorskip("scipy.optimize")
    for theta, s, cost in [(1.0, 0.1, 1.0), (2.5, 0.3, 0.7)]:
        res = optimize.minimize_scalar(lambda d, t=theta, sp=s, c=cost:
                                       -expected_step_value(d, t, sp, c),
                                       bounds=(0.0, theta + cost), method="bounded",
                                       options={"xatol": 1e-10})
        assert optimal_step(theta, s, cost) == pytest.approx(res.x, abs=1e-6)


@given(theta=st.floats(0.05, 50.0), s=st.floats(0.001, 1.0), cost=st.floats(0.0, 10.0))
def test_optimal_step_sits_just_under_the_threshold(theta, s, cost):
    best = optimal_step(theta, s, cost)
    if theta + cost > 2 * s:
        assert best < theta
        p = response_probability(best, theta, s)
        assert p < 0.5
        if best > 0:  # interior optimum: (δ* + C)·p(δ*) = s
            assert p == pytest.approx(s / (best + cost), rel=1e-6, abs=1e-12)
            approx = theta - s * math.log((theta + cost) / s - 1)
            assert best == pytest.approx(approx, abs=s)  # "just under θ": within a spread


def test_optimal_step_is_vectorised_and_rises_with_theta():
    thetas = np.array([0.5, 1.0, 2.0, 4.0, 8.0])
    best = optimal_step(thetas, 0.1, 1.0)
    assert best.shape == thetas.shape
    assert (np.diff(best) > 0).all()
    assert (best < thetas).all()
    np.testing.assert_allclose(best, [optimal_step(t, 0.1, 1.0) for t in thetas])


def test_optimal_step_handles_extreme_ratios():
    assert optimal_step(1e6, 1e-3, 1.0) == pytest.approx(1e6 - 1e-3 * math.log(1e9), rel=1e-12)
    assert optimal_step(0.0, 1.0, 1e6) == 0.0  # a ruinous response: the best step is none


def test_information_offensive_raises_the_threshold_and_the_optimum():
    theta = 1.0
    raised = information_offensive(theta, effort=1.0, elasticity=0.5)
    assert raised == pytest.approx(math.sqrt(2.0))
    assert raised > theta
    assert optimal_step(raised, 0.1, 1.0) > optimal_step(theta, 0.1, 1.0)
    assert information_offensive(theta, 0.0) == theta
    assert information_offensive(theta, 5.0, 0.0) == theta


def test_adaptation_lowers_the_threshold():
    theta = 1.0
    after = adapt_threshold(theta, delta=0.6, eta=0.5)
    assert after == pytest.approx(0.7)
    assert after < theta
    assert adapt_threshold(theta, 0.6, 0.0) == theta
    assert adapt_threshold(0.1, 1.0, 1.0) == 0.0  # floored
    assert adapt_threshold(0.1, 1.0, 1.0, floor=0.05) == 0.05


def test_simulation_is_reproducible_with_the_same_seed():
    args = (40, 1.0, 0.2, 1.0, 0.05)
    one = simulate_artichoke(*args, np.random.default_rng(2024), paths=4)
    two = simulate_artichoke(*args, np.random.default_rng(2024), paths=4)
    other = simulate_artichoke(*args, np.random.default_rng(2025), paths=4)
    pd.testing.assert_frame_equal(one, two)
    assert not one["answered"].equals(other["answered"])
    assert one.attrs["provenance"]["config_hash"] == two.attrs["provenance"]["config_hash"]


def test_simulation_bookkeeping():
    sim = simulate_artichoke(50, 1.0, 0.2, 1.0, 0.05, np.random.default_rng(1), paths=3)
    assert len(sim) == 150
    assert list(sim.columns[:3]) == ["path", "step", "theta"]
    for _, path in sim.groupby("path"):
        np.testing.assert_allclose(path["leeway"], path["gain"].cumsum())
        np.testing.assert_allclose(path["net"], (path["gain"] - path["cost"]).cumsum())
        assert (np.diff(path["theta"]) <= 0).all()  # the defender only learns
        np.testing.assert_allclose(path["theta"].to_numpy()[1:], path["theta_next"].to_numpy()[:-1])
    moved = sim[sim["delta"] > 0]
    assert (moved["gain"] + moved["cost"] > 0).all()  # a step either gains or costs
    assert (sim.loc[sim["answered"], "gain"] == 0).all()
    assert (sim.loc[~sim["answered"], "cost"] == 0).all()
    paused = sim[sim["delta"] == 0]
    assert not paused["answered"].any()


def test_simulation_with_a_fixed_step_and_no_learning():
    sim = simulate_artichoke(200, 1.0, 0.1, 0.5, 0.0, np.random.default_rng(3), delta=1.0)
    assert (sim["theta"] == 1.0).all()
    assert sim["p_response"].iloc[0] == pytest.approx(0.5)
    assert 0.35 < sim["answered"].mean() < 0.65


# --------------------------------------------------------------------------------------------
# Literature
# --------------------------------------------------------------------------------------------
def test_components_cite_the_literature():
    comps = {c.name: c for c in components()}
    assert "beaufre1963" in comps["beaufre_strategy_score"].works
    assert "liddellhart1954" in comps["artichoke_optimal_step"].works
    assert "schelling1966" in comps["artichoke_adapt_threshold"].works
    for p in PATTERNS:
        assert comps[f"beaufre_pattern:{p}"].kind == "strategy_pattern"
    assert strategy_score.__references__[0].short == "Beaufre (1963)"  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------------
# The strategy table from the bundled data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def table_2020() -> pd.DataFrame:
    return strategy_table("CHN", "RUS", "USA", 2020)


def test_strategy_table_runs_for_china_russia_usa_2020(table_2020):
    t = table_2020
    assert len(t) == 12
    assert t["stateabb"].unique().tolist() == ["CHN", "RUS", "USA"]
    assert t["domain"].unique().tolist() == list(DOMAINS)
    assert t["F"].notna().all()
    assert np.isfinite(t["log_S"]).all()
    assert t["pattern"].iloc[0] in PATTERNS
    assert (t["pattern"] == t["pattern"].iloc[0]).all()
    assert set(t.attrs["strategy"]["means_ratios"]) == set(MEANS_INDICES)


def test_force_shares_sum_to_one_per_domain(table_2020):
    sums = table_2020.groupby("domain")["F"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)
    assert table_2020.loc[table_2020["domain"] == "informational", "F_assumed"].all()
    assert not table_2020.loc[table_2020["domain"] != "informational", "F_assumed"].any()


def test_strategy_table_is_stamped(table_2020):
    prov = table_2020.attrs["provenance"]
    assert {"nmc", "sipri_milex", "maddison", "idealpoints", "atop_ddy"} <= set(prov["data"])
    assert prov["config"]["year"] == 2020
    assert prov["config"]["triad"] == [710, 365, 2]
    assert len(prov["config_hash"]) == 64


def test_strategy_table_arithmetic_matches_the_model(table_2020):
    t = table_2020
    log_s = t["log_S"].to_numpy().reshape(3, 4)
    expected = strategy_score(t["F"].to_numpy(), t["psi"].to_numpy(), t["tau"].to_numpy(),
                              t["k"].to_numpy())
    np.testing.assert_allclose(t["log_S"], expected)
    s = np.exp(log_s)
    np.testing.assert_allclose(t["tandem_ratio"].to_numpy()[:4], (s[0] + s[1]) / s[2])
    assert t["tandem_ratio_overall"].iloc[0] == pytest.approx(
        (s[0] + s[1]).sum() / s[2].sum())
    psi = psi_from_scores(t["ideology"].to_numpy(), t["leader"].to_numpy())
    np.testing.assert_allclose(t["psi"], psi)


def test_strategy_table_options():
    t = strategy_table("CHN", "RUS", "USA", 2020, tau={"RUS": 0.5}, psi={"c": 1.0},
                       informational=(0.3, 0.2, 0.5), k={"military": 1.0}, synergy=0.1,
                       index="cinc")
    assert t.loc[t["stateabb"] == "RUS", "tau"].eq(0.5).all()
    usa = t[t["stateabb"] == "USA"]
    assert usa["psi"].eq(1.0).all() and usa["psi_source"].eq("user").all()
    info = t[t["domain"] == "informational"]
    assert info["F"].tolist() == pytest.approx([0.3, 0.2, 0.5])
    assert not info["F_assumed"].any()
    assert t.attrs["strategy"]["means_index"] == "cinc"
    mil = t[t["domain"] == "military"]
    s = np.exp(mil["log_S"].to_numpy())
    assert t["tandem_ratio_overall"].iloc[0] == pytest.approx(1.1 * (s[0] + s[1]) / s[2])


def test_force_shares_long_table():
    f = force_shares("CHN", "RUS", "USA", 2020,
                     indicators={"diplomatic": ("un_following", "vetoes")})
    assert set(f["indicator"]) == {*DEFAULT_INDICATORS["military"],
                                   *DEFAULT_INDICATORS["economic"], "un_following", "vetoes",
                                   "informational"}
    used = f[f["used"]]
    np.testing.assert_allclose(used.groupby("indicator")["share"].sum(), 1.0)
    assert (f["data_year"].dropna() <= 2020).all()
    assert set(f["indicator"]) - {"informational"} <= set(INDICATORS)


def test_indicator_out_of_coverage_is_left_out_not_zero():
    t = strategy_table("CHN", "RUS", "USA", 2024)  # ATOP ends in 2018: beyond max_lag
    dip = t[t["domain"] == "diplomatic"]
    assert (dip["n_indicators"] == 1).all()
    assert dip["indicators"].str.startswith("un_following").all()
    np.testing.assert_allclose(dip["F"].sum(), 1.0)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"a": "CHN", "b": "China", "c": "USA", "year": 2020}, "more than once"),
    ({"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "index": "gdp"}, "means index"),
    ({"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "stakes": 2.0}, "stakes"),
    ({"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "tau": {"FRN": 1.0}}, "tau"),
    ({"a": "CHN", "b": "RUS", "c": "USA", "year": 2020,
      "indicators": {"military": ("gdp",)}}, "economic domain"),
    ({"a": "CHN", "b": "RUS", "c": "USA", "year": 2020, "informational": (1, 1)},
     "informational"),
])
def test_strategy_table_rejects_bad_arguments(kwargs, match):
    with pytest.raises(InputError, match=match):
        strategy_table(**kwargs)
