"""The alignment plane (DESIGN §4.1): region maps, hard and soft classifiers, margins,
hysteresis, front asymmetry, the offense shift, the quadrant map and the geometry.

The hard classifier, the margins, the soft classifier and the polygons are four separate
encodings of the same rules; most properties below check one against another.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from realpolitik.errors import InputError
from realpolitik.models.labels import (
    BANDWAGONING,
    BUCK_PASSING,
    CHAIN_GANGING,
    HARD_BALANCING,
    HEDGING,
    LABELS,
    SOFT_BALANCING,
)
from realpolitik.models.plane import (
    MAPS,
    UNCLASSIFIED,
    RegionMap,
    classify,
    classify_labels,
    classify_path,
    classify_soft,
    default_map,
    margin,
    margins,
    quadrant_map,
    region_map,
    region_polygons,
    region_raster,
)
from realpolitik.references import components
from strategies import plane_coordinates, plane_points, region_map_dicts

DEFAULT = default_map()
QUADRANT = quadrant_map()


def maps() -> st.SearchStrategy[RegionMap]:
    """The named maps and random valid ones."""
    return st.one_of(st.sampled_from([DEFAULT, QUADRANT]),
                     region_map_dicts().map(lambda d: RegionMap(**d)))


def _label(rg: float, ar: float, m: RegionMap | None = None) -> str:
    return str(classify_labels(rg, ar, m).item())


# ------------------------------------------------------------------------------------------
# the rules, by hand
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("rg", "ar", "expected"), [
    # Ar < a_H, Rg ≥ r_P, Ar ≥ a_S, r_B(0.4) = 0.4 − 0.3·0.15 = 0.355 ≥ Rg
    (0.1, 0.4, "soft_balancing"),
    # Ar < a_H, Ar ≥ a_S, r_B(0.3) = 0.4 − 0.3·0.05 = 0.385 < 0.5
    (0.5, 0.3, "bandwagoning"),
    # Ar < a_H, Rg < r_P = −0.3
    (-0.5, 0.1, "buck_passing"),
    # Ar ≥ a_H, r_B(0.9) = 0.4 − 0.3·0.65 = 0.205 ≥ Rg, Ar ≥ a_C, Rg ≤ r_C = 0
    (-0.1, 0.9, "chain_ganging"),
    # Ar ≥ a_H, r_B(0.7) = 0.265 ≥ Rg, Ar < a_C
    (0.1, 0.7, "hard_balancing"),
    # Ar ≥ a_H, Rg > r_B(0.7) = 0.265
    (0.3, 0.7, "bandwagoning"),
    # Ar ≥ a_C but Rg > r_C: hard balancing, not chain-ganging
    (0.1, 0.9, "hard_balancing"),
    # Ar < a_S: hedging, even with a large gap (Rg > r_B0)
    (1.0, 0.1, "hedging"),
    # détente (Ar < 0) is hedging too
    (0.0, -0.8, "hedging"),
    # buck-passing beats hedging (rule order)
    (-0.31, -0.5, "buck_passing"),
    # but not above a_H: hard balancing
    (-0.5, 0.65, "hard_balancing"),
    # boundaries: Ar = a_H belongs to the upper branch, Rg = r_P is not buck-passing
    (0.0, 0.6, "hard_balancing"),
    (-0.3, 0.1, "hedging"),
    # Rg = r_B(Ar) is not bandwagoning (strict), Ar = a_S is not hedging
    (0.4, 0.25, "soft_balancing"),
])
def test_hand_checked_points_default(rg: float, ar: float, expected: str) -> None:
    assert _label(rg, ar) == expected


def test_origin_is_hedging() -> None:
    assert _label(0.0, 0.0) == "hedging"
    assert _label(0.0, 0.0, QUADRANT) == "hedging"


@given(maps())
def test_origin_is_hedging_under_every_valid_map(m: RegionMap) -> None:
    assert classify(0.0, 0.0, m).item() == HEDGING


@given(maps(), plane_points())
def test_every_point_gets_exactly_one_label(m: RegionMap, point: tuple[float, float]) -> None:
    rg, ar = point
    lab = int(classify(rg, ar, m).item())
    assert 0 <= lab < len(LABELS)
    mg = margins(rg, ar, m)
    assert not np.isnan(mg).any()
    # the label's formula holds (margin ≥ 0) and no other label's holds strictly
    assert mg[lab] >= 0
    assert (np.delete(mg, lab) <= 0).all()
    assert (mg > 0).sum() <= 1
    p = classify_soft(rg, ar, m)
    assert np.isfinite(p).all() and (p >= 0).all()
    assert abs(p.sum() - 1.0) < 1e-12


@given(maps(), plane_coordinates(), plane_coordinates(), plane_coordinates())
def test_raising_pressure_never_returns_to_hedging(m: RegionMap, rg: float, ar1: float,
                                                   ar2: float) -> None:
    lo, hi = sorted((ar1, ar2))
    a, b = classify(rg, [lo, hi], m).tolist()
    if a == HARD_BALANCING:
        assert b != HEDGING
    if a != HEDGING:  # once pressure has pushed a point out of hedging, more keeps it out
        assert b != HEDGING


@given(maps(), plane_coordinates(False), plane_coordinates(False), plane_coordinates(False))
def test_hard_balancing_at_fixed_gap_stays_balancing(m: RegionMap, rg: float, ar1: float,
                                                     ar2: float) -> None:
    lo, hi = sorted((ar1, ar2))
    a, b = classify(rg, [lo, hi], m).tolist()
    if a in (HARD_BALANCING, CHAIN_GANGING) and m.kind == "ordered-rules":
        assert b in (HARD_BALANCING, CHAIN_GANGING, BANDWAGONING)


# ------------------------------------------------------------------------------------------
# vectorisation, inputs
# ------------------------------------------------------------------------------------------
def test_two_dimensional_arrays_keep_their_shape() -> None:
    rng = np.random.default_rng(7)
    rg = rng.uniform(-2, 2, (40, 30))
    ar = rng.uniform(-1, 1.5, (40, 30))
    lab = classify(rg, ar)
    assert lab.shape == (40, 30) and lab.dtype == np.int8
    loop = np.array([[classify(rg[i, j], ar[i, j]).item() for j in range(30)]
                     for i in range(40)])
    np.testing.assert_array_equal(lab, loop)
    assert classify_soft(rg, ar).shape == (40, 30, 6)
    assert margins(rg, ar).shape == (40, 30, 6)
    assert margin(rg, ar).shape == (40, 30)
    assert classify_labels(rg, ar).shape == (40, 30)


def test_inputs_broadcast() -> None:
    rg = np.linspace(-2, 2, 9)[None, :]
    ar = np.linspace(-1, 1.5, 5)[:, None]
    lab = classify(rg, ar)
    assert lab.shape == (5, 9)
    np.testing.assert_array_equal(lab[2], classify(rg[0], np.full(9, ar[2, 0])))


def test_large_input_uses_chunks_and_agrees_with_small() -> None:
    rng = np.random.default_rng(3)
    rg, ar = rng.uniform(-2, 2, 600_000), rng.uniform(-1, 1.5, 600_000)
    lab = classify(rg, ar)
    idx = rng.integers(0, rg.size, 200)
    np.testing.assert_array_equal(lab[idx], classify(rg[idx], ar[idx]))
    p = classify_soft(rg, ar)
    np.testing.assert_allclose(p[idx], classify_soft(rg[idx], ar[idx]), rtol=0, atol=1e-15)


def test_nan_raises_naming_the_position() -> None:
    rg = np.zeros((3, 4))
    ar = np.zeros((3, 4))
    ar[1, 2] = np.nan
    with pytest.raises(InputError, match=r"ar is NaN at position \(1, 2\)"):
        classify(rg, ar)
    with pytest.raises(InputError, match="rg is NaN"):
        classify_soft([0.0, np.nan], 0.0)


def test_nan_unclassified() -> None:
    lab = classify([0.0, np.nan, -0.5], [0.0, 0.1, 0.1], nan="unclassified")
    assert lab.tolist() == [HEDGING, UNCLASSIFIED, BUCK_PASSING]
    assert classify_labels([np.nan], [0.0], nan="unclassified").tolist() == ["unclassified"]
    p = classify_soft([0.0, np.nan], [0.0, 0.0], nan="unclassified")
    assert np.isnan(p[1]).all() and abs(p[0].sum() - 1) < 1e-12
    with pytest.raises(InputError, match="NaN policy"):
        classify(0.0, 0.0, nan="ignore")  # type: ignore[arg-type]


def test_infinities_are_the_largest_numbers() -> None:
    inf = np.inf
    lab = classify([inf, -inf, 0.0, 0.0, -inf], [0.0, 0.0, inf, -inf, inf])
    # r_B(Ar) falls without bound as Ar grows (beta > 0): infinite pressure at Rg = 0 is
    # bandwagoning, at Rg = −inf chain-ganging
    assert lab.tolist() == [HEDGING, BUCK_PASSING, BANDWAGONING, HEDGING, CHAIN_GANGING]
    assert classify(0.0, inf, QUADRANT).item() == CHAIN_GANGING  # beta = 0, Rg ≤ r_C
    p = classify_soft([inf, -inf], [inf, -inf])
    assert np.isfinite(p).all()


def test_bad_inputs() -> None:
    with pytest.raises(InputError, match="must be numbers"):
        classify(["a"], [0.0])
    with pytest.raises(InputError, match="do not broadcast"):
        classify([0.0, 1.0], [0.0, 1.0, 2.0])
    with pytest.raises(InputError, match="unknown region map"):
        classify(0.0, 0.0, "nope")
    with pytest.raises(InputError, match="temperature"):
        classify_soft(0.0, 0.0, temperature=0.0)
    with pytest.raises(InputError, match="ar is missing"):
        classify(0.0, None)


def test_maps_by_name_and_dict() -> None:
    assert classify(-0.5, 0.4, "quadrant").item() == SOFT_BALANCING
    assert classify(-0.5, 0.4, {"kind": "quadrant", "beta": 0.0}).item() == SOFT_BALANCING
    assert set(MAPS) == {"default", "quadrant"}


# ------------------------------------------------------------------------------------------
# region maps as configuration
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("overrides", "message"), [
    ({"a_H": 0.2}, "a_H (0.2) must be greater than a_S (0.25)"),
    ({"a_C": 0.5}, "a_C (0.5) must be greater than or equal to a_H (0.6)"),
    ({"r_P": 0.0}, "r_P (0) must be less than 0"),
    ({"r_P": 0.1}, "r_P (0.1) must be less than 0"),
    ({"beta": -0.1}, "beta (-0.1) must be greater than or equal to 0"),
    ({"r_C": 0.5}, "r_C (0.5) must be less than or equal to r_B0 (0.4)"),
    ({"temperature": -1.0}, "temperature (-1) must be greater than 0"),
    ({"temperature": 0.0}, "temperature (0) must be greater than 0"),
    ({"hysteresis": -0.1}, "hysteresis (-0.1) must be greater than or equal to 0"),
    ({"front_gap": -1}, "front_gap (-1) must be greater than or equal to 0"),
    ({"a_S": 0.0, "a_H": 0.5}, "a_S (0) must be greater than 0"),
    ({"a_S": float("nan")}, "a_S (nan) must be a finite number"),
    ({"r_B0": float("inf")}, "r_B0 (inf) must be a finite number"),
    ({"offense_shift": 0.4}, "a_H − offense_shift (0.6 − 0.4 = 0.2) must be greater than a_S"),
    ({"a_X": 1.0}, "unknown region-map key 'a_X'"),
    ({"a_S": "low"}, "a_S ('low')"),
    ({"kind": "hexagon"}, "kind ('hexagon')"),
    ({"sources": ["nobody2020"]}, "unknown work key(s) ['nobody2020']"),
    ({"name": " "}, "name must not be empty"),
])
def test_invalid_maps_are_rejected(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as info:
        region_map(**overrides)
    assert message in info.value.message
    assert info.value.hint
    with pytest.raises(InputError):
        RegionMap.from_dict({**DEFAULT.to_dict(), **overrides})
    with pytest.raises(InputError):
        RegionMap(**overrides)


def test_unknown_key_suggests_the_right_one() -> None:
    with pytest.raises(InputError) as info:
        region_map(a_s=0.3)
    assert "did you mean 'a_S'?" in (info.value.hint or "")


def test_several_problems_are_reported_together() -> None:
    with pytest.raises(InputError) as info:
        region_map(r_P=0.1, beta=-1)
    assert "r_P (0.1)" in info.value.message and "beta (-1)" in info.value.message


def test_from_dict_needs_a_mapping() -> None:
    with pytest.raises(InputError, match="table of named values"):
        RegionMap.from_dict([("a_S", 0.3)])  # type: ignore[arg-type]


def test_maps_are_frozen() -> None:
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        DEFAULT.a_S = 0.3  # type: ignore[misc]
    assert hash(DEFAULT) == hash(region_map())


@given(region_map_dicts())
def test_to_dict_from_dict_round_trip(kwargs: dict[str, object]) -> None:
    m = RegionMap(**kwargs)
    d = json.loads(json.dumps(m.to_dict()))
    assert RegionMap.from_dict(d) == m
    assert region_map(m) == m


def test_named_maps_round_trip_and_defaults() -> None:
    for m in MAPS.values():
        assert RegionMap.from_dict(m.to_dict()) == m
    d = DEFAULT.to_dict()
    assert (d["a_S"], d["a_H"], d["a_C"], d["r_B0"], d["beta"], d["r_P"], d["r_C"]) == (
        0.25, 0.60, 0.80, 0.40, 0.30, -0.30, 0.00)
    assert d["kind"] == "ordered-rules" and QUADRANT.kind == "quadrant"
    assert "kuik2008" in d["sources"]


def test_components_are_registered() -> None:
    names = {c.name: c for c in components()}
    for key in ("plane.map.default", "plane.map.quadrant", "plane.option.hysteresis",
                "plane.option.front_asymmetry", "plane.option.offense_shift",
                "plane.classify", "plane.classify_soft"):
        assert key in names
    assert "snyder1997" in names["plane.option.hysteresis"].works
    assert "jervis1978" in names["plane.option.offense_shift"].works
    assert {"walt1987", "schweller1994", "christensen1990", "mearsheimer2001", "pape2005",
            "paul2005", "kuik2008"} <= set(names["plane.map.default"].works)


# ------------------------------------------------------------------------------------------
# soft classifier and margins
# ------------------------------------------------------------------------------------------
@given(maps(), st.lists(plane_points(), min_size=1, max_size=20),
       st.floats(1e-6, 5.0))
def test_soft_probabilities_sum_to_one(m: RegionMap, pts: list[tuple[float, float]],
                                       temperature: float) -> None:
    rg, ar = np.array(pts).T
    p = classify_soft(rg, ar, m, temperature)
    assert p.shape == (len(pts), 6)
    assert (p >= 0).all() and (p <= 1).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


@given(maps(), plane_points(extremes=False), st.floats(0.0, 6.0))
def test_soft_argmax_is_hard_label_away_from_boundaries(
        m: RegionMap, point: tuple[float, float], excess: float) -> None:
    rg, ar = point
    mg = float(margin(rg, ar, m))
    assume(mg > 1e-6)
    temperature = mg / (3.0 + excess)  # the margin is at least 3 temperatures
    p = classify_soft(rg, ar, m, temperature)
    assert int(np.argmax(p)) == int(classify(rg, ar, m).item())


@given(maps(), plane_points(extremes=False))
def test_soft_converges_to_hard_as_temperature_vanishes(
        m: RegionMap, point: tuple[float, float]) -> None:
    rg, ar = point
    mg = float(margin(rg, ar, m))
    assume(mg > 1e-6)
    one_hot = np.eye(6)[classify(rg, ar, m).item()]
    errors = [np.abs(classify_soft(rg, ar, m, mg / k) - one_hot).max()
              for k in (5.0, 20.0, 100.0, 1000.0)]
    assert errors[-1] < 1e-12
    assert errors[-1] <= errors[0] + 1e-15


@given(maps(), st.lists(plane_points(), min_size=1, max_size=10), st.data())
def test_soft_argmax_with_fronts(m: RegionMap, pts: list[tuple[float, float]],
                                 data: st.DataObject) -> None:
    m = region_map(m, front_asymmetry=True)
    rg, ar = np.array(pts).T
    fa = np.array(data.draw(st.lists(st.floats(-2, 2), min_size=len(pts), max_size=len(pts))))
    fb = np.array(data.draw(st.lists(st.floats(-2, 2), min_size=len(pts), max_size=len(pts))))
    hard = classify(rg, ar, m, ar_fronts=(fa, fb))
    mg = margins(rg, ar, m, ar_fronts=(fa, fb))
    assert (np.take_along_axis(mg, hard[:, None].astype(int), -1) >= 0).all()
    assert ((mg > 0).sum(axis=-1) <= 1).all()
    own = mg.max(axis=-1)
    for i in np.flatnonzero((own > 1e-6) & np.isfinite(own)):
        p = classify_soft(rg[i], ar[i], m, own[i] / 3.0, ar_fronts=(fa[i], fb[i]))
        assert abs(p.sum() - 1) < 1e-12
        assert int(np.argmax(p)) == int(hard[i])


def test_soft_example_values() -> None:
    p = classify_soft(0.1, 0.7, temperature=0.05)
    assert int(np.argmax(p)) == HARD_BALANCING
    # far from every boundary, the probability is one-hot to rounding
    q = classify_soft(0.0, -0.8, temperature=0.005)
    assert q[HEDGING] == pytest.approx(1.0, abs=1e-15)


def test_margin_values() -> None:
    # (0.1, 0.4): soft balancing; nearest boundary Ar = a_S, 0.15 away
    assert float(margin(0.1, 0.4)) == pytest.approx(0.15)
    assert float(margin(0.1, 0.4, label="hedging")) == pytest.approx(-0.15)
    assert float(margin(0.1, 0.4, label=BUCK_PASSING)) == pytest.approx(-0.4)
    # deep inside bandwagoning above and below a_H (the rule tree's internal split is no
    # boundary)
    assert float(margin(1.0, 0.6)) == pytest.approx(0.35)
    with pytest.raises(InputError, match="unknown alignment label"):
        margin(0.0, 0.0, label="neutrality")


# ------------------------------------------------------------------------------------------
# hysteresis
# ------------------------------------------------------------------------------------------
@given(maps(), st.integers(1, 4), st.integers(1, 12), st.data())
def test_path_without_hysteresis_equals_classify(m: RegionMap, n_traj: int, n_years: int,
                                                 data: st.DataObject) -> None:
    coords = st.lists(plane_coordinates(), min_size=n_traj * n_years,
                      max_size=n_traj * n_years)
    rg = np.array(data.draw(coords)).reshape(n_traj, n_years)
    ar = np.array(data.draw(coords)).reshape(n_traj, n_years)
    np.testing.assert_array_equal(classify_path(rg, ar, m, hysteresis=0.0), classify(rg, ar, m))


def test_hysteresis_keeps_a_label_near_its_region() -> None:
    ar = [0.1, 0.4, 0.22, 0.19, 0.1]
    rg = [0.0] * 5
    assert classify(rg, ar).tolist() == [HEDGING, SOFT_BALANCING, HEDGING, HEDGING, HEDGING]
    # 0.22 is 0.03 below a_S: soft balancing persists within h = 0.05, not at 0.19 (0.06 below)
    path = classify_path(rg, ar, hysteresis=0.05).tolist()
    assert path == [HEDGING, SOFT_BALANCING, SOFT_BALANCING, HEDGING, HEDGING]
    # the map's own h is used by default
    assert classify_path(rg, ar, region_map(hysteresis=0.05)).tolist() == path
    # a wide band also delays the switch: at Ar = 0.4 the point is 0.15 from hedging
    assert classify_path(rg, ar, hysteresis=0.2).tolist() == [HEDGING] * 5
    assert classify_path(rg, ar, hysteresis=0.2, initial="soft_balancing").tolist() == (
        [SOFT_BALANCING] * 5)  # Ar = 0.1 is 0.15 < h below a_S


def test_hysteresis_big_jump_switches() -> None:
    # from hedging straight into deep chain-ganging: no region is within h
    assert classify_path([0.0, -0.2], [0.0, 1.2], hysteresis=0.2).tolist() == [
        HEDGING, CHAIN_GANGING]


def test_hysteresis_oscillation_around_a_boundary() -> None:
    ar = 0.6 + 0.02 * np.array([-1, 1, -1, 1, -1, 1, -1])
    rg = np.zeros_like(ar)
    plain = classify(rg, ar).tolist()
    assert plain == [SOFT_BALANCING, HARD_BALANCING] * 3 + [SOFT_BALANCING]
    assert classify_path(rg, ar, hysteresis=0.05).tolist() == [SOFT_BALANCING] * 7
    assert classify_path(rg, ar, hysteresis=0.05, initial="hard_balancing").tolist() == (
        [HARD_BALANCING] * 7)


def test_path_axis_and_trajectories() -> None:
    rng = np.random.default_rng(11)
    steps = rng.normal(0, 0.1, (2, 3, 25))
    rg, ar = np.cumsum(steps, axis=-1), np.cumsum(steps[::-1], axis=-1) * 2
    out = classify_path(rg, ar, hysteresis=0.05)
    assert out.shape == (2, 3, 25) and out.dtype == np.int8
    moved = classify_path(np.moveaxis(rg, -1, 0), np.moveaxis(ar, -1, 0), hysteresis=0.05,
                          axis=0)
    np.testing.assert_array_equal(np.moveaxis(moved, 0, -1), out)
    one = classify_path(rg[1, 2], ar[1, 2], hysteresis=0.05)
    np.testing.assert_array_equal(one, out[1, 2])
    with pytest.raises(InputError, match="axis 3"):
        classify_path(rg, ar, axis=3)
    with pytest.raises(InputError, match="hysteresis"):
        classify_path(rg, ar, hysteresis=-1.0)


def test_path_nan_years_carry_the_memory() -> None:
    rg = [0.0, np.nan, 0.0]
    ar = [0.4, 0.4, 0.22]
    out = classify_path(rg, ar, hysteresis=0.05, nan="unclassified").tolist()
    assert out == [SOFT_BALANCING, UNCLASSIFIED, SOFT_BALANCING]


# ------------------------------------------------------------------------------------------
# front asymmetry and the offense shift
# ------------------------------------------------------------------------------------------
def test_front_asymmetry_accommodated_partner_passes_the_buck() -> None:
    on = region_map(front_asymmetry=True)
    fronts = ([-0.2], [0.8])  # détente with A, containment of B; mean 0.3
    assert classify([0.0], [0.3], on, ar_fronts=fronts).item() == BUCK_PASSING
    assert classify([0.0], None, on, ar_fronts=fronts).item() == BUCK_PASSING  # ar = mean
    # symmetric in the partners
    assert classify([0.0], [0.3], on, ar_fronts=fronts[::-1]).item() == BUCK_PASSING
    # off by default: the fronts are ignored
    assert classify([0.0], [0.3], ar_fronts=fronts).item() == SOFT_BALANCING
    # fronts that differ by less than front_gap, or no accommodation: no override
    assert classify(0.0, 0.3, region_map(front_asymmetry=True, front_gap=1.5),
                    ar_fronts=(-0.2, 0.8)).item() == SOFT_BALANCING
    assert classify(0.0, 0.5, on, ar_fronts=(0.1, 0.9)).item() == SOFT_BALANCING
    # the soft classifier agrees
    p = classify_soft(0.0, 0.3, on, ar_fronts=(-0.2, 0.8))
    assert int(np.argmax(p)) == BUCK_PASSING and abs(p.sum() - 1) < 1e-12


def test_offense_shift() -> None:
    # offense dominance: hard balancing and chain-ganging start lower
    offense = region_map(offense_shift=0.1)
    assert offense.thresholds().a_H == pytest.approx(0.5)
    assert _label(0.1, 0.55) == "soft_balancing"
    assert _label(0.1, 0.55, offense) == "hard_balancing"
    assert _label(-0.1, 0.75, offense) == "chain_ganging"
    # defense dominance: hard balancing starts higher, buck-passing reaches higher
    defense = region_map(offense_shift=-0.1)
    assert _label(-0.5, 0.65) == "hard_balancing"
    assert _label(-0.5, 0.65, defense) == "buck_passing"


# ------------------------------------------------------------------------------------------
# the quadrant map
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("rg", "ar", "expected"), [
    (0.0, 0.0, "hedging"),
    (1.0, 0.1, "hedging"),
    (-0.5, 0.1, "buck_passing"),
    (-0.5, 0.4, "soft_balancing"),  # default map: buck_passing (below a_H, Rg < r_P)
    (0.1, 0.4, "soft_balancing"),
    (0.5, 0.3, "bandwagoning"),
    (0.3, 0.7, "hard_balancing"),  # straight boundary at r_B0 = 0.4 (beta = 0)
    (0.5, 1.4, "bandwagoning"),
    (0.1, 0.7, "hard_balancing"),
    (-0.1, 0.9, "chain_ganging"),
])
def test_quadrant_map_points(rg: float, ar: float, expected: str) -> None:
    assert _label(rg, ar, QUADRANT) == expected


def test_quadrant_and_default_differ_where_documented() -> None:
    assert _label(-0.5, 0.4) == "buck_passing"
    assert _label(-0.5, 0.4, QUADRANT) == "soft_balancing"
    assert _label(0.3, 0.7) == "bandwagoning"
    assert _label(0.3, 0.7, QUADRANT) == "hard_balancing"


# ------------------------------------------------------------------------------------------
# geometry
# ------------------------------------------------------------------------------------------
def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


@given(maps())
def test_polygons_tile_the_box_and_match_the_classifier(m: RegionMap) -> None:
    polys = region_polygons(m, rg_range=(-2, 2), ar_range=(-1, 1.5))
    assert list(polys) == list(LABELS)
    total = sum(_area(p) for ps in polys.values() for p in ps)
    assert total == pytest.approx(4.0 * 2.5, rel=1e-9)
    for label, ps in polys.items():
        for p in ps:
            c = p.mean(axis=0)  # a convex polygon's vertex mean is inside it
            assert str(classify_labels(c[0], c[1], m).item()) == label


def test_default_polygons_cover_all_labels() -> None:
    polys = region_polygons()
    assert all(polys[label] for label in LABELS)
    with pytest.raises(InputError, match="rg_range"):
        region_polygons(rg_range=(1, -1))


def test_raster() -> None:
    r = region_raster(shape=(11, 21))
    assert r.labels.shape == (11, 21) and r.rg.shape == (21,) and r.ar.shape == (11,)
    np.testing.assert_array_equal(r.labels, classify(r.rg[None, :], r.ar[:, None]))
    assert r.labels[np.argmin(np.abs(r.ar)), np.argmin(np.abs(r.rg))] == HEDGING
