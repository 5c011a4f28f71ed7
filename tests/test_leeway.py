"""The two-level leeway game (DESIGN §4.3): Nash bargaining, Shapley value and core, the
wedge game, Tullock contests, the regions table, the coupled model and its data inputs."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from realpolitik.data.model_tables import (
    ESSAY_REGIONS,
    REGION_COLUMNS,
    check_regions,
    regions_table,
)
from realpolitik.errors import DataIntegrityError, InputError, RealpolitikError
from realpolitik.measures.leeway_inputs import leeway_consistency, leeway_inputs, leeway_table
from realpolitik.models.labels import LABELS
from realpolitik.models.leeway import (
    RULE_REASONS,
    ConsistencyRules,
    LeewayParams,
    Regions,
    bargaining_strength,
    consistency_report,
    core_check,
    core_nonempty,
    implied_labels,
    in_core,
    leeway,
    micro_game,
    nash_bargaining,
    shapley,
    standalone_leeway,
    surplus,
    tullock_equilibrium,
    tullock_shares,
    wedge_game,
)
from realpolitik.references import WORKS, components

finite = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0.0, max_value=100.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False)
advantage = st.floats(min_value=0.01, max_value=100.0, allow_nan=False, allow_infinity=False)


def region_frame(**overrides: object) -> pd.DataFrame:
    """A valid two-region table, with column overrides (lists of two values)."""
    data: dict[str, object] = {"region": ["Arctic", "Africa"], "value": [6, 5],
                               "advantage_a": [0.2, 0.75], "advantage_b": [0.9, 0.35],
                               "advantage_c": [0.55, None]}
    data.update(overrides)
    return pd.DataFrame(data)


# --------------------------------------------------------------------------------------------
# Macro level
# --------------------------------------------------------------------------------------------
def test_nash_hand_example() -> None:
    assert nash_bargaining((3, 1), 5, 0.5).tolist() == [3.5, 1.5]
    assert nash_bargaining((3, 1), 5, 1.0).tolist() == [4.0, 1.0]


@given(d_a=finite, d_b=finite, gain=nonneg, theta=unit)
def test_nash_individually_rational_and_efficient(d_a: float, d_b: float, gain: float,
                                                  theta: float) -> None:
    v = d_a + d_b + gain
    x = nash_bargaining((d_a, d_b), v, theta)
    tol = 1e-9 * max(1.0, abs(v), abs(d_a) + abs(d_b))
    assert x[0] >= d_a - tol and x[1] >= d_b - tol
    assert x.sum() == pytest.approx(v, abs=tol)


@given(st.lists(st.tuples(finite, finite, nonneg, unit), min_size=1, max_size=8))
def test_nash_is_vectorised(rows: list[tuple[float, float, float, float]]) -> None:
    d_a, d_b, gain, theta = (np.array(c) for c in zip(*rows, strict=True))
    x = nash_bargaining((d_a, d_b), d_a + d_b + gain, theta)
    assert x.shape == (2, len(rows))
    for i, (da, db, g, th) in enumerate(rows):
        assert np.allclose(x[:, i], nash_bargaining((da, db), da + db + g, th))


def test_nash_without_surplus_says_so() -> None:
    with pytest.raises(InputError, match="no surplus"):
        nash_bargaining((3, 1), 3.5, 0.5)
    with pytest.raises(InputError, match="element 1"):
        nash_bargaining(([3, 3], [1, 1]), [5, 3], 0.5)
    with pytest.raises(InputError, match="theta"):
        nash_bargaining((3, 1), 5, 1.5)
    with pytest.raises(InputError, match="two disagreement payoffs"):
        nash_bargaining((3, 1, 1), 5, 0.5)


@given(p_a=positive, p_b=positive, kappa=st.floats(0.0, 5.0))
def test_bargaining_strength(p_a: float, p_b: float, kappa: float) -> None:
    th = bargaining_strength(p_a, p_b, kappa)
    assert 0.0 <= th <= 1.0
    assert th + bargaining_strength(p_b, p_a, kappa) == pytest.approx(1.0)
    expected = p_a ** kappa / (p_a ** kappa + p_b ** kappa)
    assert th == pytest.approx(expected, rel=1e-9, abs=1e-12)
    if p_a > p_b and kappa > 0:
        assert th >= 0.5


def test_bargaining_strength_hand_values_and_errors() -> None:
    assert bargaining_strength(3.0, 1.0) == 0.75
    assert bargaining_strength(3.0, 1.0, kappa=0.0) == 0.5
    assert bargaining_strength(1e300, 1e-300, kappa=50.0) == 1.0  # no overflow
    with pytest.raises(InputError, match="p_b"):
        bargaining_strength(1.0, 0.0)
    with pytest.raises(InputError, match="kappa"):
        bargaining_strength(1.0, 1.0, kappa=-1.0)


def test_surplus_and_standalone_leeway() -> None:
    assert np.asarray(surplus([-2.0, -1.0, 0.0, 1.0], sigma0=0.25)).tolist() == [
        0.0, 0.0, 0.25, 0.5]
    assert surplus(0.5, sigma0=1.0, lam=2.0) == 2.0
    assert standalone_leeway(3.0, 1.0) == 0.75
    assert standalone_leeway(0.0, 1.0) == 0.0
    with pytest.raises(InputError, match="both 0"):
        standalone_leeway(0.0, 0.0)
    with pytest.raises(InputError, match="sigma0"):
        surplus(0.0, sigma0=-1.0)


# --------------------------------------------------------------------------------------------
# Shapley value and core
# --------------------------------------------------------------------------------------------
@st.composite
def games(draw: st.DrawFn, min_n: int = 1, max_n: int = 5
          ) -> tuple[tuple[str, ...], dict[frozenset[str], float]]:
    n = draw(st.integers(min_n, max_n))
    players = tuple("ABCDEFG"[:n])
    v: dict[frozenset[str], float] = {}
    for r in range(1, n + 1):
        for coal in itertools.combinations(players, r):
            v[frozenset(coal)] = draw(finite)
    return players, v


@given(games())
def test_shapley_is_efficient(game: tuple[tuple[str, ...], dict[frozenset[str], float]]) -> None:
    players, v = game
    phi = shapley(v, players)
    assert list(phi) == list(players)
    assert sum(phi.values()) == pytest.approx(v[frozenset(players)], abs=1e-9)


@given(n=st.integers(2, 5), data=st.data())
def test_shapley_symmetric_players_get_the_same(n: int, data: st.DataObject) -> None:
    players = tuple(range(n))
    # v depends on how many of players 0 and 1 a coalition holds, not on which
    table = {(k, rest): data.draw(finite) for k in range(3)
             for r in range(n - 1) for rest in itertools.combinations(players[2:], r)}

    def v(coal: frozenset[int]) -> float:
        if not coal:
            return 0.0
        return table[(len(coal & {0, 1}), tuple(sorted(coal - {0, 1})))]

    phi = shapley(v, players)
    assert phi[0] == pytest.approx(phi[1], abs=1e-9)


@given(st.lists(finite, min_size=1, max_size=6))
def test_shapley_of_an_additive_game_is_the_stand_alone_value(values: list[float]) -> None:
    players = tuple(range(len(values)))
    phi = shapley(lambda s: sum(values[i] for i in s), players)
    assert [phi[i] for i in players] == pytest.approx(values, abs=1e-9)


def test_shapley_hand_values_and_inputs() -> None:
    assert shapley({"A": 3, "B": 1, ("A", "B"): 5}) == {"A": 3.5, "B": 1.5}
    glove = {("L",): 0, ("R1",): 0, ("R2",): 0, ("L", "R1"): 1, ("L", "R2"): 1,
             ("R1", "R2"): 0, ("L", "R1", "R2"): 1}
    phi = shapley(glove, ("L", "R1", "R2"))
    assert phi["L"] == pytest.approx(2 / 3) and phi["R1"] == pytest.approx(1 / 6)
    with pytest.raises(InputError, match="no value for coalition"):
        shapley({"A": 1, "B": 1}, ("A", "B"))
    with pytest.raises(InputError, match="not among the players"):
        shapley({"A": 1, "Z": 1, ("A", "Z"): 2}, ("A", "B"))
    with pytest.raises(InputError, match="players must be given"):
        shapley(lambda s: 0.0)
    with pytest.raises(InputError, match="1 to 12"):
        shapley(lambda s: 0.0, tuple(range(13)))
    with pytest.raises(InputError, match="empty coalition"):
        shapley({(): 1, "A": 1})
    with pytest.raises(InputError, match="not a number"):
        shapley({"A": "x"})  # type: ignore[dict-item]


def test_core_on_the_glove_game() -> None:
    glove = {("L",): 0, ("R1",): 0, ("R2",): 0, ("L", "R1"): 1, ("L", "R2"): 1,
             ("R1", "R2"): 0, ("L", "R1", "R2"): 1}
    players = ("L", "R1", "R2")
    assert in_core(glove, {"L": 1, "R1": 0, "R2": 0})  # the unique core allocation
    check = core_check(glove, {"L": 0.5, "R1": 0.25, "R2": 0.25})
    assert not check.in_core and check.efficient
    assert check.coalition in ({"L", "R1"}, {"L", "R2"})
    assert check.excess == pytest.approx(0.25)
    assert check.blocking == check.coalition
    assert core_nonempty(glove, players)
    short = core_check(glove, [0.5, 0.0, 0.0], players)
    assert not short.in_core and not short.efficient and short.shortfall == pytest.approx(0.5)


def test_majority_game_has_an_empty_core() -> None:
    players = ("A", "B", "C")

    def majority(s: frozenset[str]) -> float:
        return 1.0 if len(s) >= 2 else 0.0

    assert not core_nonempty(majority, players)
    third = {p: 1 / 3 for p in players}
    check = core_check(majority, third)
    assert not check.in_core and check.excess == pytest.approx(1 / 3)
    assert len(check.coalition or ()) == 2


@given(games(min_n=2, max_n=4), st.data())
def test_core_check_agrees_with_the_definition(
        game: tuple[tuple[str, ...], dict[frozenset[str], float]], data: st.DataObject) -> None:
    players, v = game
    x = {p: data.draw(finite) for p in players}
    worst = max(v[frozenset(c)] - sum(x[p] for p in c) for r in range(1, len(players))
                for c in itertools.combinations(players, r))
    total = sum(x.values())
    check = core_check(v, x, players)
    assert check.excess == pytest.approx(worst, abs=1e-9)
    assert check.shortfall == pytest.approx(v[frozenset(players)] - total, abs=1e-9)
    expected = abs(check.shortfall) <= 1e-6 and worst <= 1e-6
    if abs(check.shortfall) > 1e-6 or abs(worst) > 1e-6:  # away from the tolerance boundary
        assert check.in_core == expected


# --------------------------------------------------------------------------------------------
# The wedge game
# --------------------------------------------------------------------------------------------
def test_wedge_example() -> None:
    v, report = wedge_game(3.0, 1.0, 1.0, wedge=0.4)
    assert report.in_core and report.blocking is None and report.threshold == 0.5
    assert v[frozenset("BC")] == 1.4 and v[frozenset("ABC")] == 5.0
    v, report = wedge_game(3.0, 1.0, 1.0, wedge=0.6)
    assert not report.in_core and report.blocking == frozenset("BC")
    assert report.excess == pytest.approx(0.1)
    assert report.tandem_efficient and report.core_nonempty
    assert "blocks it" in report.summary()
    v, report = wedge_game(3.0, 1.0, 1.0, wedge=1.5)
    assert not report.in_core and not report.tandem_efficient and report.core_nonempty
    assert "the tandem breaks" in report.summary()
    assert sum(report.shapley.values()) == pytest.approx(v[frozenset("ABC")])


@given(d_a=nonneg, d_b=nonneg, sigma=st.floats(0.01, 10.0), theta=unit,
       wedge=st.floats(0.0, 20.0))
def test_wedge_breaks_the_core_exactly_above_b_share(d_a: float, d_b: float, sigma: float,
                                                     theta: float, wedge: float) -> None:
    share_b = (1.0 - theta) * sigma
    assume(abs(wedge - share_b) > 1e-6 * max(1.0, d_a + d_b + sigma))
    _, report = wedge_game(d_a, d_b, sigma, wedge, theta)
    assert report.threshold == pytest.approx(share_b)
    assert report.in_core == (wedge < share_b)
    if not report.in_core:
        assert report.blocking == frozenset("BC")
        assert report.excess == pytest.approx(wedge - share_b, abs=1e-9)
    assert report.core_nonempty  # B can always be paid enough inside or outside the tandem


# --------------------------------------------------------------------------------------------
# Tullock contests
# --------------------------------------------------------------------------------------------
def test_tullock_hand_numbers() -> None:
    eq = tullock_equilibrium(1.0, (2.0, 1.0))
    assert eq.efforts.round(4).tolist() == [0.2222, 0.2222]
    assert eq.efforts[0] == pytest.approx(2 / 9)
    assert eq.shares[0] == pytest.approx(2 / 3) and round(float(eq.shares[0]), 4) == 0.6667
    assert eq.dissipation == pytest.approx(4 / 9) and round(float(eq.dissipation), 4) == 0.4444
    assert eq.payoffs.tolist() == pytest.approx([4 / 9, 1 / 9])
    sym = tullock_equilibrium(1.0, (1.0, 1.0, 1.0))  # n symmetric: e = V(n-1)/n^2
    assert sym.efforts.tolist() == pytest.approx([2 / 9] * 3)
    half = tullock_equilibrium(1.0, (1.0, 1.0), m=0.5)  # e = V m / 4
    assert half.efforts.tolist() == pytest.approx([0.125, 0.125])


@given(n=st.integers(2, 5), data=st.data())
def test_tullock_shares_are_zero_sum(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(1, 4))
    a = np.array(data.draw(st.lists(st.lists(advantage, min_size=k, max_size=k),
                                    min_size=n, max_size=n)))
    e = np.array(data.draw(st.lists(st.lists(nonneg, min_size=k, max_size=k),
                                    min_size=n, max_size=n)))
    v = np.array(data.draw(st.lists(nonneg, min_size=k, max_size=k)))
    m = data.draw(st.floats(0.1, 3.0))
    shares = tullock_shares(v, a, e, m)
    assert shares.shape == (n, k) and (shares >= 0).all()
    assert shares.sum(axis=0) == pytest.approx(v, rel=1e-9, abs=1e-12)
    eq = tullock_equilibrium(v, a)
    assert eq.shares.sum(axis=0) == pytest.approx(v, rel=1e-9, abs=1e-12)
    assert (eq.efforts >= 0).all()


@given(a1=advantage, a2=advantage, m=st.floats(0.05, 1.0))
def test_dissipation_peaks_at_parity(a1: float, a2: float, m: float) -> None:
    d = tullock_equilibrium(1.0, (a1, a2), m).dissipation
    parity = tullock_equilibrium(1.0, (a1, a1), m).dissipation
    assert parity == pytest.approx(m / 2)
    assert d <= parity + 1e-12
    r = (a1 / a2) ** m
    assert d == pytest.approx(2 * m * r / (1 + r) ** 2)


@given(n=st.integers(2, 4), data=st.data())
def test_tullock_equilibrium_is_a_best_response(n: int, data: st.DataObject) -> None:
    a = np.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=n, max_size=n)))
    eq = tullock_equilibrium(1.0, a)
    grid = np.linspace(0.0, 1.0, 2001)
    for i in range(n):
        others = np.delete(a * eq.efforts, i).sum()
        dev = np.where(a[i] * grid + others > 0, a[i] * grid / (a[i] * grid + others), 0.0)
        assert (dev - grid).max() <= eq.payoffs[i] + 1e-6


def test_tullock_is_vectorised_over_regions() -> None:
    v = np.array([1.0, 2.0, 0.0])
    a = np.array([[2.0, 1.0, 3.0], [1.0, 1.0, 1.0]])
    eq = tullock_equilibrium(v, a)
    for k in range(3):
        one = tullock_equilibrium(v[k], a[:, k])
        assert np.allclose(eq.efforts[:, k], one.efforts)
        assert np.allclose(eq.shares[:, k], one.shares)
    assert np.asarray(eq.dissipation).tolist() == pytest.approx([4 / 9, 0.5, 0.375])


def test_tullock_edge_cases_and_errors() -> None:
    alone = tullock_equilibrium(1.0, (1.0, 0.0))  # an uncontested region
    assert alone.shares.tolist() == [1.0, 0.0] and alone.efforts.tolist() == [0.0, 0.0]
    weak = tullock_equilibrium(1.0, (10.0, 10.0, 0.5))  # too weak to enter
    assert weak.efforts[2] == 0.0 and weak.shares.sum() == pytest.approx(1.0)
    assert tullock_shares(1.0, (3.0, 1.0), (0.0, 0.0)).tolist() == [0.75, 0.25]
    with pytest.raises(InputError, match="pure-strategy"):
        tullock_equilibrium(1.0, (1.0, 1.0), m=2.0)
    with pytest.raises(InputError, match="two players"):
        tullock_equilibrium(1.0, (1.0, 1.0, 1.0), m=0.5)
    with pytest.raises(InputError, match="positive advantage"):
        tullock_equilibrium(1.0, (0.0, 0.0))
    with pytest.raises(InputError, match="at least two players"):
        tullock_shares(1.0, (1.0,), (1.0,))


# --------------------------------------------------------------------------------------------
# Regions table
# --------------------------------------------------------------------------------------------
def test_shipped_regions_table() -> None:
    reg = regions_table()
    assert tuple(reg["region"]) == ESSAY_REGIONS
    assert list(reg.columns) == list(REGION_COLUMNS)
    assert reg["value"].between(0, 10).all()
    for col in ("advantage_a", "advantage_b"):
        assert reg[col].between(0, 1).all()
    assert (reg["source"].str.len() > 0).all() and (reg["note"].str.len() > 0).all()
    assert reg.attrs["regions_source"] == "default"
    regions = Regions.from_frame(reg)
    assert len(regions) == 8 and regions.advantage.shape == (3, 8)


@pytest.mark.parametrize(("override", "match"), [
    ({"value": [6, "lots"]}, r"row 1 \('Africa'\), column 'value': 'lots' is not a number"),
    ({"value": [6, 11]}, r"row 1 \('Africa'\), column 'value': '11' is outside 0-10"),
    ({"advantage_a": [-0.1, 0.5]}, r"row 0 \('Arctic'\), column 'advantage_a'.*outside 0-1"),
    ({"advantage_b": [0.9, None]}, r"row 1 \('Africa'\), column 'advantage_b': is empty"),
    ({"advantage_c": [2, None]}, r"row 0 \('Arctic'\), column 'advantage_c'"),
    ({"region": ["Arctic", " arctic "]}, r"row 1 \('arctic'\).*also row 0"),
    ({"region": ["Arctic", ""]}, r"row 1, column 'region' is empty"),
    ({"advantage_a": [0.0, 0.5], "advantage_b": [0.0, 0.5]}, r"row 0.*both 0"),
    ({"advantage_d": [0.1, 0.1]}, r"unknown column 'advantage_d'.*did you mean"),
])
def test_regions_validation_names_row_and_column(override: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        check_regions(region_frame(**override))


def test_regions_validation_of_whole_tables() -> None:
    with pytest.raises(InputError, match="lacks column"):
        check_regions(region_frame().drop(columns="advantage_b"))
    with pytest.raises(InputError, match="no rows"):
        check_regions(region_frame().iloc[:0])
    with pytest.raises(InputError, match="DataFrame"):
        check_regions("regions.csv")  # type: ignore[arg-type]
    ok = check_regions(region_frame().drop(columns="advantage_c"))
    assert ok["advantage_c"].isna().all() and (ok["source"] == "").all()


def test_user_regions_file(tmp_path: Path) -> None:
    good = tmp_path / "regions.csv"
    region_frame().to_csv(good, index=False)
    reg = regions_table(good)
    assert reg["region"].tolist() == ["Arctic", "Africa"]
    assert pd.isna(reg["advantage_c"].iloc[1]) and reg.attrs["regions_source"] == str(good)
    bad = tmp_path / "bad.csv"
    region_frame(value=[6, "x"]).to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"bad.csv.: row 1 \(.Africa., line 3\), "
                                         r"column 'value'"):
        regions_table(bad)
    with pytest.raises(InputError, match="does not exist"):
        regions_table(tmp_path / "missing.csv")


def test_package_table_errors_are_integrity_errors() -> None:
    assert issubclass(DataIntegrityError, RealpolitikError)
    with pytest.raises(InputError):  # a user's frame: InputError by default
        check_regions(region_frame(value=[6, -1]))
    with pytest.raises(DataIntegrityError):
        check_regions(region_frame(value=[6, -1]), err=DataIntegrityError)


# --------------------------------------------------------------------------------------------
# The coupled model
# --------------------------------------------------------------------------------------------
REGIONS = Regions.from_frame(regions_table())


@given(pa=positive, pb=positive, pc=positive, ar=st.floats(-0.99, 3.0))
def test_with_a_surplus_both_partners_gain(pa: float, pb: float, pc: float, ar: float) -> None:
    r = leeway(pa, pb, ar, REGIONS, PC=pc)
    assert (r.sigma > 0).all()
    assert (r.lr < r.lr_coop).all()
    assert (r.x >= r.d).all()
    theta = float(r.theta[0])
    if 1e-9 < theta < 1 - 1e-9:
        assert (r.x > r.d).all()
    assert np.allclose(r.x.sum(axis=0), r.lr_coop)


@given(pa=positive, pb=positive, pc=positive, ar=st.floats(-2.0, 3.0),
       mu=st.floats(0.0, 2.0))
def test_net_value_accounting(pa: float, pb: float, pc: float, ar: float, mu: float) -> None:
    r = leeway(pa, pb, ar, REGIONS, {"mu": mu}, PC=pc)
    assert np.allclose(r.net, r.leeway_t1 - r.leeway_t)
    assert np.allclose(r.net, r.shares * r.sigma - r.micro_loss - r.confrontation)
    assert np.allclose(r.micro.transfer.sum(axis=0), 0.0, atol=1e-12)  # zero-sum
    stakes = r.micro.stake[None]
    assert np.allclose(r.micro.shares_t.sum(axis=0), stakes[0])
    assert np.allclose(r.micro.shares_t1.sum(axis=0), stakes[0])
    frame = r.to_frame()
    total = frame[frame["component"] == "total"]
    assert np.allclose(total["net"].to_numpy(), r.net[:, 0])
    parts = frame[frame["component"] != "total"].groupby("partner")["net"].sum()
    assert np.allclose(parts.to_numpy(), r.net[:, 0])


def test_micro_level_is_neutral_without_resource_tilt() -> None:
    r = leeway([0.24, 0.5], [0.034, 0.5], 0.0, REGIONS, {"mu": 0.0}, PC=0.12)
    assert np.allclose(r.micro_loss, 0.0)
    even = micro_game(1.0, 1.0, REGIONS)
    assert np.allclose(even.loss, 0.0)
    tilted = micro_game(7.0, 1.0, REGIONS)
    assert (tilted.loss[1] > 0).all() and (tilted.loss[0] < 0).all()  # B loses ground to A


def test_leeway_hand_example_and_vectorisation() -> None:
    r = leeway(3.0, 1.0, 0.0, d=(0.6, 0.2))
    assert r.theta.tolist() == [0.75] and r.sigma.tolist() == [0.25]
    assert r.x[:, 0].tolist() == pytest.approx([0.7875, 0.2625])
    many = leeway([3.0, 1.0], [1.0, 1.0], [0.0, 1.0], REGIONS, PC=[2.0, 2.0])
    for i in range(2):
        one = leeway([3.0, 1.0][i], 1.0, [0.0, 1.0][i], REGIONS, PC=2.0)
        assert np.allclose(many.net[:, i], one.net[:, 0])
    assert len(many.summary_frame()) == 2
    with pytest.raises(InputError, match="exactly one of PC"):
        leeway(1.0, 1.0, 0.0)
    with pytest.raises(InputError, match="unknown leeway parameter"):
        leeway(1.0, 1.0, 0.0, params={"sigma": 1.0}, PC=1.0)
    with pytest.raises(InputError, match="m"):
        LeewayParams(m=1.5)


def test_wedge_in_the_coupled_model() -> None:
    r = leeway(3.0, 1.0, 0.0, d=(0.6, 0.2), wedge=[0.05, 0.07])
    share_b = 0.25 * 0.25  # (1 - θ) Σ
    assert r.core_broken.tolist() == [0.05 > share_b, 0.07 > share_b]


def test_implied_labels_follow_the_rules() -> None:
    cases = [  # rg, ar, net_a, net_b, sigma, lr, core_broken -> label, rule
        (0.0, 0.7, 0.1, 0.1, 0.4, 1.0, True, "buck_passing", 0),
        (0.0, 0.7, -0.1, 0.0, 0.4, 1.0, False, "buck_passing", 1),
        (1.0, 0.7, 0.1, -0.1, 0.4, 1.0, False, "bandwagoning", 2),
        (0.0, 0.7, 0.1, 0.1, 0.01, 1.0, False, "hedging", 3),
        (0.0, 0.1, 0.1, 0.1, 0.4, 1.0, False, "hedging", 4),
        (0.0, 0.7, 0.1, 0.1, 0.4, 1.0, False, "hard_balancing", 5),
        (0.0, 0.4, 0.1, 0.1, 0.4, 1.0, False, "soft_balancing", 6),
        (0.0, 0.4, 0.1, -0.1, 0.4, 1.0, False, "buck_passing", 7),
    ]
    for rg, ar, net_a, net_b, sigma, lr, broken, label, rule in cases:
        idx, why = implied_labels(rg, ar, net_a, net_b, sigma, lr, broken)
        assert (LABELS[int(idx[0])], int(why[0])) == (label, rule), (rg, ar, net_a, net_b)
    assert len(RULE_REASONS) == 8


def test_consistency_report_against_the_plane() -> None:
    r = leeway(0.5, 0.5, [0.0, 0.4, 0.7, 0.9], REGIONS, PC=0.5)
    rep = consistency_report(r, 0.0)
    assert list(rep.columns) == ["point", "rg", "ar", "sigma", "net_a", "net_b", "core_broken",
                                 "plane_label", "leeway_label", "agree", "reason"]
    assert rep["plane_label"].tolist() == ["hedging", "soft_balancing", "hard_balancing",
                                           "chain_ganging"]
    assert rep["leeway_label"].tolist() == ["hedging", "soft_balancing", "hard_balancing",
                                            "hard_balancing"]
    assert rep["agree"].all()  # chain-ganging is a sub-zone of hard balancing
    broken = consistency_report(leeway(0.5, 0.5, 0.7, d=(0.5, 0.5), wedge=1.0), 0.0)
    assert broken["leeway_label"].tolist() == ["buck_passing"] and not broken["agree"].all()
    rules = ConsistencyRules.from_map({"a_S": 0.3, "a_H": 0.7})
    assert (rules.a_S, rules.a_H, rules.r_B0) == (0.3, 0.7, 0.4)
    with pytest.raises(InputError, match="rg"):
        consistency_report(r, [0.0, 1.0])


# --------------------------------------------------------------------------------------------
# Inputs from data
# --------------------------------------------------------------------------------------------
def test_leeway_table_china_russia_usa_2020() -> None:
    t = leeway_table("CHN", "RUS", "USA", 2020)
    assert list(t.columns) == ["year", "partner", "ccode", "stateabb", "component",
                               "standalone", "cooperative", "macro_gain", "micro_transfer",
                               "dissipation", "confrontation_cost", "net"]
    assert len(t) == 2 * (len(ESSAY_REGIONS) + 2)
    assert set(t["stateabb"]) == {"CHN", "RUS"} and set(t["year"]) == {2020}
    prov = t.attrs["provenance"]
    assert prov["package"] == "realpolitik" and "nmc" in prov["data"]
    cfg = prov["config"]
    assert cfg["leeway_inputs"]["c"] == 2 and cfg["leeway_inputs"]["index"] == "cinc"
    assert cfg["leeway_params"] == LeewayParams().as_dict()
    assert len(prov["config_hash"]) == 64
    macro = t[t["component"] == "macro"].set_index("stateabb")
    p_chn, p_rus, p_usa = 0.237968, 0.034114, 0.124381  # NMC v7.0 CINC, 2020
    assert macro.loc["CHN", "standalone"] == pytest.approx(p_chn / (p_chn + p_usa), rel=1e-4)
    assert macro.loc["RUS", "standalone"] == pytest.approx(p_rus / (p_rus + p_usa), rel=1e-4)
    assert (macro["macro_gain"] > 0).all()  # Σ > 0 at Ar = 0: both gain at the macro level
    total = t[t["component"] == "total"]
    assert np.allclose(total["net"], total["cooperative"] - total["standalone"])


def test_leeway_inputs_and_consistency_from_data() -> None:
    inputs = leeway_inputs("China", "Russia", "United States", [2000, 2010, 2020], ar=0.7)
    assert inputs.base == 2000 and inputs.rg[0] == 0.0 and inputs.rg[-1] > 0.5
    assert inputs.ar.tolist() == [0.7, 0.7, 0.7] and inputs.d.shape == (2, 3)
    rep = leeway_consistency("CHN", "RUS", "USA", [2000, 2020], ar=0.7, base=2000)
    assert rep["year"].tolist() == [2000, 2020] and "provenance" in rep.attrs
    assert set(rep["plane_label"]) <= set(LABELS)
    with pytest.raises(RealpolitikError, match="2030"):
        leeway_inputs("CHN", "RUS", "USA", 2030)
    with pytest.raises(InputError, match="more than once"):
        leeway_inputs("CHN", "CHN", "USA", 2020)
    with pytest.raises(InputError, match="listed twice"):
        leeway_inputs("CHN", "RUS", "USA", [2020, 2020])


def test_components_cite_known_works() -> None:
    mine = [c for c in components() if c.name.startswith("leeway")]
    names = {c.name for c in mine}
    assert {"leeway", "leeway_nash_bargaining", "leeway_shapley", "leeway_core_check",
            "leeway_wedge_game", "leeway_tullock_equilibrium", "leeway_consistency",
            "leeway_regions_table"} <= names
    assert all(w in WORKS for c in mine for w in c.works)
    assert math.isclose(bargaining_strength(2.0, 2.0), 0.5)
