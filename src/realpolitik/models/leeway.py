"""The two-level leeway game: Nash bargaining, Shapley value and core, Tullock contests
(DESIGN §4.3, the essay's figure 1).

Pure functions on NumPy arrays; nothing here reads a file. The inputs drawn from data (power,
the regions table) are gathered by :mod:`realpolitik.measures.leeway_inputs`.

**Unit.** Leeway is measured in *leeway units* (lu): 1 lu is a state's entire freedom of action
against the adversary C. A partner's stand-alone leeway is d_i = P_i/(P_i + P_C) ∈ [0, 1]
(:func:`standalone_leeway`): its share of the partner–adversary dyad's power, which is the
ratio-form contest success function at equal efforts (Hirshleifer 1989, Skaperdas 1996).

**Macro level** (the tandem against C). Stand-alone, Lr = d_A + d_B; cooperating, the tandem is
worth v({A, B}) = L′r = Lr + Σ(Ar) with the surplus Σ(Ar) = Σ0·max(0, 1 + λ·Ar) (:func:`surplus`:
a common threat makes cooperation worth more, Walt 1987). The surplus is split by the asymmetric
Nash bargaining solution (Nash 1950, Kalai 1977) with the power-weighted bargaining strength
θ = P_A^κ/(P_A^κ + P_B^κ) (:func:`bargaining_strength`): x_A = d_A + θ·Σ, x_B = d_B + (1 − θ)·Σ
(:func:`nash_bargaining`), so x_i ≥ d_i — with Σ > 0 both partners gain (Lr < L′r, the essay's
Pareto claim). With three or more players (C's wedge offer to B, Crawford 2011) the Shapley
value (:func:`shapley`) and the core (:func:`core_check`, :func:`wedge_game`) take over.

**Micro level** (the partners against each other, region by region). In region k of value V_k
a Tullock contest gives l_i = V_k (a_i e_i)^m / Σ_j (a_j e_j)^m (:func:`tullock_shares`; a_i
structural advantage, e_i effort, m decisiveness): zero-sum, the shares sum to V_k.
:func:`tullock_equilibrium` gives equilibrium efforts, shares, payoffs and rent dissipation
(Tullock 1980, Hillman & Riley 1989, Stein 2002), which peaks at parity.

**Coupling.** Partner i's net value of the tandem is N_i = s_i·Σ(Ar) − D_i − c_i(Ar)
(:func:`leeway`, :class:`LeewayResult`); :func:`consistency_report` checks it against the
alignment plane (:mod:`realpolitik.models.plane`).

>>> from realpolitik.models.leeway import nash_bargaining, tullock_equilibrium
>>> nash_bargaining((3.0, 1.0), 5.0, 0.5).tolist()
[3.5, 1.5]
>>> eq = tullock_equilibrium(1.0, (2.0, 1.0))
>>> eq.efforts.round(4).tolist(), round(float(eq.shares[0]), 4), round(eq.dissipation, 4)
([0.2222, 0.2222], 0.6667, 0.4444)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import linprog
from scipy.special import expit

from realpolitik.errors import InputError
from realpolitik.models._checks import as_floats, checked
from realpolitik.models.labels import (
    BANDWAGONING,
    BUCK_PASSING,
    CHAIN_GANGING,
    HARD_BALANCING,
    HEDGING,
    LABELS,
    SOFT_BALANCING,
)
from realpolitik.references import cites, register

__all__ = [
    "MAX_PLAYERS", "PARTNERS", "RULE_REASONS", "CharacteristicFunction", "ConsistencyRules",
    "CoreCheck", "LeewayParams", "LeewayResult", "MicroGame", "Regions", "TullockEquilibrium",
    "WedgeGame", "WedgeReport", "bargaining_strength", "confrontation_cost", "consistency_report",
    "core_check", "core_nonempty", "implied_labels", "in_core", "leeway", "micro_game",
    "nash_bargaining", "shapley", "standalone_leeway", "surplus", "tullock_equilibrium",
    "tullock_shares", "wedge_game",
]

FloatArray = npt.NDArray[np.float64]
#: A characteristic function: coalition (frozenset of players) → value, as a mapping or callable.
CharacteristicFunction = Mapping[Any, float] | Callable[[frozenset[Any]], float]

#: The tandem's partners, in the order of every partner axis (axis 0).
PARTNERS: tuple[str, str] = ("A", "B")
#: Largest number of players for the exact Shapley value and core (2**n coalitions).
MAX_PLAYERS = 12
#: Absolute tolerance of the core and surplus checks, relative to the game's largest value.
TOL = 1e-9

_PLAYER_HINT = "players are the tandem's partners and the adversary, e.g. ('A', 'B', 'C')"


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------
_floats = as_floats
_checked = checked


def _broadcast(names: Sequence[str], *arrays: FloatArray) -> list[FloatArray]:
    try:
        return [np.asarray(a, dtype=np.float64) for a in np.broadcast_arrays(*arrays)]
    except ValueError as exc:
        shapes = ", ".join(f"{n} {np.shape(a)}" for n, a in zip(names, arrays, strict=True))
        raise InputError(f"shapes do not broadcast: {shapes}",
                         "give arrays of one shape, or scalars") from exc


def _out(a: FloatArray) -> FloatArray | float:
    """A Python float for a 0-d result, the array otherwise."""
    return float(a) if np.ndim(a) == 0 else a


def _scalar(x: Any, name: str, lo: float = -math.inf, hi: float = math.inf, *,
            lo_open: bool = False, hint: str = "") -> float:
    a = _checked(x, name, lo, hi, lo_open=lo_open, hint=hint)
    if a.ndim:
        raise InputError(f"{name} must be a single number, not an array of shape {a.shape}",
                         hint or f"give one value of {name}")
    return float(a)


# --------------------------------------------------------------------------------------------
# Macro level: stand-alone leeway, surplus, bargaining
# --------------------------------------------------------------------------------------------
#: Default Σ0: the surplus of cooperation at today's pressure (Ar = 0), leeway units.
DEFAULT_SIGMA0 = 0.25
#: Default λ: Σ doubles at Ar = 1 and vanishes at Ar = −1 (détente).
DEFAULT_LAMBDA = 1.0


@cites("hirshleifer1989", "skaperdas1996", "waltz1979", kind="model",
       name="leeway_standalone")
def standalone_leeway(power: Any, power_c: Any) -> FloatArray | float:
    """A partner's stand-alone leeway against the adversary: d = P / (P + P_C), in [0, 1] lu.

    ``power`` (P_i) and ``power_c`` (P_C) are ≥ 0 in the same unit (any index of
    :func:`realpolitik.measures.power.power`: only the ratio matters), not both 0. d is the
    partner's share of the dyad's power — the ratio-form contest success function at equal
    efforts (Hirshleifer 1989; Skaperdas 1996): 1/2 at parity, → 1 as C's power vanishes.

    >>> standalone_leeway(3.0, 1.0)
    0.75
    >>> standalone_leeway([0.238, 0.034], 0.124).round(3).tolist()
    [0.657, 0.215]
    """
    hint = "powers are non-negative numbers in the unit of one power index"
    p = _checked(power, "power", 0.0, hint=hint)
    pc = _checked(power_c, "power_c", 0.0, hint=hint)
    p, pc = _broadcast(("power", "power_c"), p, pc)
    total = p + pc
    if (total <= 0).any():
        raise InputError("power and power_c are both 0: the leeway is undefined",
                         "at least one of the partner and the adversary must have power")
    return _out(p / total)


@cites("walt1987", "snyder1997", kind="model", name="leeway_surplus")
def surplus(ar: Any, sigma0: float = DEFAULT_SIGMA0, lam: float = DEFAULT_LAMBDA
            ) -> FloatArray | float:
    """The cooperation surplus Σ(Ar) = Σ0·max(0, 1 + λ·Ar), leeway units, ≥ 0.

    ``ar`` is the adversary's offensive response Ar (DESIGN §3.3, 0 = today, > 0 containment,
    < 0 détente); ``sigma0`` (Σ0 ≥ 0, lu) the surplus today; ``lam`` (λ) how strongly a common
    threat raises the value of cooperation (Walt 1987): with λ = 1 the surplus doubles at
    Ar = 1 and vanishes at Ar ≤ −1.

    >>> surplus([-2.0, -1.0, 0.0, 1.0], sigma0=0.25).tolist()
    [0.0, 0.0, 0.25, 0.5]
    """
    a = _checked(ar, "ar", hint="Ar is a finite number (0 = today's pressure)")
    s0 = _scalar(sigma0, "sigma0", 0.0, hint="Σ0 is the surplus today: a number >= 0 (lu)")
    lm = _scalar(lam, "lam", hint="λ is a finite number (1: the surplus doubles at Ar = 1)")
    return _out(s0 * np.maximum(0.0, 1.0 + lm * a))


@cites("kalai1977", "nash1950", kind="model", name="leeway_bargaining_strength")
def bargaining_strength(p_a: Any, p_b: Any, kappa: float = 1.0) -> FloatArray | float:
    """Partner A's bargaining weight θ = P_A^κ / (P_A^κ + P_B^κ) ∈ (0, 1); B's is 1 − θ.

    ``p_a``, ``p_b`` > 0 are the partners' powers (any index; only the ratio matters);
    ``kappa`` (κ ≥ 0) how strongly power turns into bargaining strength: 0 gives the symmetric
    Nash solution (θ = ½), 1 weights in proportion to power. Computed as the logistic of
    κ·ln(P_A/P_B), so extreme ratios or κ neither over- nor underflow. Vectorised.

    >>> bargaining_strength(3.0, 1.0)
    0.75
    >>> bargaining_strength([3.0, 1.0], 1.0, kappa=0.0).tolist()
    [0.5, 0.5]
    """
    hint = "powers are positive numbers in the unit of one power index"
    a = _checked(p_a, "p_a", 0.0, lo_open=True, hint=hint)
    b = _checked(p_b, "p_b", 0.0, lo_open=True, hint=hint)
    k = _scalar(kappa, "kappa", 0.0, hint="κ >= 0 (0: symmetric Nash, 1: power-proportional)")
    a, b = _broadcast(("p_a", "p_b"), a, b)
    return _out(expit(k * (np.log(a) - np.log(b))))


@cites("nash1950", "kalai1977", kind="model", name="leeway_nash_bargaining")
def nash_bargaining(d: Any, v: Any, theta: Any = 0.5) -> FloatArray:
    """The asymmetric (generalised) Nash bargaining solution of a two-player surplus game.

    Maximises (x_A − d_A)^θ (x_B − d_B)^(1−θ) subject to x_A + x_B = v (transferable
    utility; Nash 1950, Kalai 1977):

        x_A = d_A + θ·(v − d_A − d_B),   x_B = d_B + (1 − θ)·(v − d_A − d_B)

    Parameters
    ----------
    d:
        Disagreement (stand-alone) payoffs, first axis of length 2: ``(d_A, d_B)``, each a
        number or an array (vectorised over points).
    v:
        Value of the agreement v({A, B}), same unit as ``d``; must be ≥ d_A + d_B (an
        :class:`InputError` says there is no surplus otherwise).
    theta:
        A's bargaining weight θ ∈ [0, 1] (B's is 1 − θ), e.g. :func:`bargaining_strength`.

    Returns an array ``[x_A, x_B]`` (first axis the partners, then the broadcast shape of the
    inputs). Individually rational (x_i ≥ d_i) and efficient (x_A + x_B = v).

    >>> nash_bargaining((3.0, 1.0), 5.0, 0.5).tolist()
    [3.5, 1.5]
    >>> nash_bargaining(([3.0, 3.0], [1.0, 1.0]), [5.0, 6.0], [0.5, 0.75]).tolist()
    [[3.5, 4.5], [1.5, 1.5]]
    """
    dd = _checked(d, "d", hint="d = (d_A, d_B): the partners' stand-alone payoffs")
    if dd.ndim == 0 or dd.shape[0] != 2:
        raise InputError(f"d must hold two disagreement payoffs (d_A, d_B), got shape "
                         f"{dd.shape}", "e.g. d=(3.0, 1.0), or two arrays")
    vv = _checked(v, "v", hint="v is the value of cooperation v({A, B}), a finite number")
    th = _checked(theta, "theta", 0.0, 1.0, hint="θ is A's bargaining weight in [0, 1]")
    d_a, d_b, vv, th = _broadcast(("d_A", "d_B", "v", "theta"), dd[0], dd[1], vv, th)
    gain = vv - d_a - d_b
    scale = np.maximum(1.0, np.maximum(np.abs(vv), np.abs(d_a) + np.abs(d_b)))
    short = gain < -TOL * scale
    if short.any():
        i = int(np.flatnonzero(short.ravel())[0])
        raise InputError(
            f"no surplus to bargain over: v = {vv.ravel()[i]:g} is less than d_A + d_B = "
            f"{(d_a + d_b).ravel()[i]:g}" + (f" (element {i})" if short.size > 1 else ""),
            "cooperation must be worth at least the stand-alone payoffs (v >= d_A + d_B); "
            "otherwise the partners do not cooperate")
    gain = np.maximum(gain, 0.0)
    return np.stack([d_a + th * gain, d_b + (1.0 - th) * gain])


# --------------------------------------------------------------------------------------------
# Cooperative games: Shapley value and core
# --------------------------------------------------------------------------------------------
def _as_coalition(key: Any) -> frozenset[Any]:
    if isinstance(key, frozenset):
        return key
    if isinstance(key, (str, bytes)) or not isinstance(key, Iterable):
        return frozenset([key])  # a bare player name is a one-player coalition
    return frozenset(key)


def _game_players(v: CharacteristicFunction, players: Sequence[Hashable] | None
                  ) -> tuple[Hashable, ...]:
    if players is None:
        if not isinstance(v, Mapping):
            raise InputError("players must be given when v is a function",
                             "e.g. shapley(v, players=('A', 'B', 'C'))")
        seen: dict[Hashable, None] = {}
        for key in v:
            for p in sorted(_as_coalition(key), key=repr):
                seen.setdefault(p, None)
        out = tuple(seen)
    else:
        if isinstance(players, (str, bytes)):
            raise InputError(f"players must be a sequence of player names, not {players!r}",
                             _PLAYER_HINT)
        out = tuple(players)
    if len(set(out)) != len(out):
        raise InputError(f"players {out!r} name a player more than once", _PLAYER_HINT)
    if not 1 <= len(out) <= MAX_PLAYERS:
        raise InputError(f"{len(out)} players: the exact computation handles 1 to "
                         f"{MAX_PLAYERS}", "it enumerates all 2**n coalitions")
    return out


def _tabulate(v: CharacteristicFunction, players: Sequence[Hashable] | None
              ) -> tuple[tuple[Hashable, ...], FloatArray]:
    """(players, values) with ``values[mask]`` = v(coalition of the bits set in ``mask``)."""
    pl = _game_players(v, players)
    n = len(pl)
    table: dict[frozenset[Any], float] | None = None
    if isinstance(v, Mapping):
        table = {}
        for key, val in v.items():
            coal = _as_coalition(key)
            stray = coal - set(pl)
            if stray:
                raise InputError(f"coalition {sorted(coal, key=repr)} names player(s) "
                                 f"{sorted(stray, key=repr)} that are not among the players "
                                 f"{list(pl)}", _PLAYER_HINT)
            if coal in table:
                raise InputError(f"coalition {sorted(coal, key=repr)} is given twice",
                                 "give one value per coalition")
            table[coal] = val
    elif not callable(v):
        raise InputError(f"v must be a mapping coalition -> value or a function, not "
                         f"{type(v).__name__}", "e.g. {frozenset({'A'}): 1.0, ...}")
    values = np.empty(2 ** n)
    for mask in range(2 ** n):
        coal = frozenset(pl[i] for i in range(n) if mask >> i & 1)
        if table is not None:
            if coal not in table:
                if mask == 0:
                    values[0] = 0.0
                    continue
                raise InputError(f"v has no value for coalition {sorted(coal, key=repr)}",
                                 "give a value for every non-empty coalition, or pass a "
                                 "function of the coalition")
            raw = table[coal]
        else:
            raw = v(coal)  # type: ignore[operator]
        try:
            val = float(raw)
        except (TypeError, ValueError) as exc:
            raise InputError(f"v({sorted(coal, key=repr)}) = {raw!r} is not a number",
                             "coalition values are real numbers") from exc
        if not math.isfinite(val) or isinstance(raw, bool):
            raise InputError(f"v({sorted(coal, key=repr)}) = {raw!r} is not a finite number",
                             "coalition values are finite real numbers")
        values[mask] = val
    if values[0] != 0.0:
        raise InputError(f"v(empty coalition) = {values[0]:g}, not 0",
                         "the empty coalition is worth nothing by definition")
    return pl, values


def _masks(n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    masks = np.arange(2 ** n, dtype=np.int64)
    sizes = np.zeros_like(masks)
    for i in range(n):
        sizes += (masks >> i) & 1
    return masks, sizes


@cites("shapley1953", kind="game", name="leeway_shapley")
def shapley(v: CharacteristicFunction, players: Sequence[Hashable] | None = None
            ) -> dict[Hashable, float]:
    """The Shapley value of an n-player transferable-utility game (Shapley 1953), exactly.

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))

    ``v`` is the characteristic function: a mapping from coalitions (frozensets, or any
    iterable of players; a bare name is a one-player coalition) to values — every non-empty
    coalition must have one, the empty one may be left out (it is worth 0) — or a function of
    a frozenset. ``players`` fixes the order (required for a function; by default the players
    named in the mapping). Exact over all 2^n coalitions, n ≤ :data:`MAX_PLAYERS`.

    Returns ``{player: φ_i}``; the values sum to v(N) (efficiency) and symmetric players get
    the same value.

    >>> v = {"A": 3, "B": 1, ("A", "B"): 5}
    >>> shapley(v)
    {'A': 3.5, 'B': 1.5}
    """
    pl, values = _tabulate(v, players)
    n = len(pl)
    masks, sizes = _masks(n)
    weights = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
                        for s in range(n)])
    out: dict[Hashable, float] = {}
    for i, p in enumerate(pl):
        without = masks[(masks >> i) & 1 == 0]
        marginal = values[without | (1 << i)] - values[without]
        out[p] = float(np.sum(weights[sizes[without]] * marginal))
    return out


class CoreCheck(NamedTuple):
    """Result of :func:`core_check`."""

    #: Whether the allocation is in the core (efficient and no coalition blocks it).
    in_core: bool
    #: Whether Σ_i x_i = v(N) (within the tolerance).
    efficient: bool
    #: v(N) − Σ_i x_i: > 0 the allocation leaves value undistributed, < 0 it is infeasible.
    shortfall: float
    #: The most violated proper coalition (largest excess v(S) − x(S)); None for one player.
    coalition: frozenset[Any] | None
    #: Its excess v(S) − x(S): > 0 means S can do better on its own — it blocks x.
    excess: float

    @property
    def blocking(self) -> frozenset[Any] | None:
        """The most violated coalition if it blocks the allocation (excess > 0), else None."""
        return self.coalition if self.excess > TOL * max(1.0, abs(self.excess)) else None


def _allocation(x: Mapping[Any, Any] | Sequence[Any] | Any, pl: tuple[Hashable, ...]
                ) -> FloatArray:
    if isinstance(x, Mapping):
        missing = [p for p in pl if p not in x]
        extra = [p for p in x if p not in pl]
        if missing or extra:
            raise InputError(f"allocation x does not match the players {list(pl)}: "
                             f"missing {missing}, unknown {extra}",
                             "give one payoff per player, e.g. {'A': 3.5, 'B': 1.5}")
        raw: Any = [x[p] for p in pl]
    else:
        raw = x
    arr = _checked(raw, "x", hint="x holds one finite payoff per player")
    if arr.shape != (len(pl),):
        raise InputError(f"allocation x has shape {arr.shape}, expected one payoff for each of "
                         f"the {len(pl)} players {list(pl)}", "give x as a mapping player ->"
                         " payoff, or a sequence in the order of players")
    return arr


@cites("gillies1959", "shapley1953", kind="game", name="leeway_core_check")
def core_check(v: CharacteristicFunction, x: Mapping[Any, Any] | Sequence[Any],
               players: Sequence[Hashable] | None = None, tol: float = TOL) -> CoreCheck:
    """Is the allocation ``x`` in the core of ``v`` (Gillies 1959)? And if not, why not.

    The core: Σ_{i∈N} x_i = v(N) and Σ_{i∈S} x_i ≥ v(S) for every coalition S. The excess
    e(S) = v(S) − x(S) measures how much S would gain by leaving; the most violated coalition
    is the proper non-empty S with the largest excess. ``x`` is a mapping player → payoff, or a
    sequence in the order of ``players`` (default: the order of :func:`shapley`). ``tol`` is
    relative to the game's largest absolute value.

    >>> v = {"A": 3, "B": 1, "C": 0, ("A", "B"): 5, ("A", "C"): 3, ("B", "C"): 1.6,
    ...      ("A", "B", "C"): 5}
    >>> check = core_check(v, {"A": 3.5, "B": 1.5, "C": 0.0})
    >>> check.in_core, sorted(check.coalition), round(check.excess, 4)
    (False, ['B', 'C'], 0.1)
    """
    if players is None and not isinstance(v, Mapping) and isinstance(x, Mapping):
        players = tuple(x)
    pl, values = _tabulate(v, players)
    alloc = _allocation(x, pl)
    n = len(pl)
    masks, _ = _masks(n)
    xs = np.zeros(len(masks))
    for i in range(n):
        xs += np.where((masks >> i) & 1, alloc[i], 0.0)
    t = float(tol) * max(1.0, float(np.max(np.abs(values))), float(np.max(np.abs(alloc))))
    full = 2 ** n - 1
    shortfall = float(values[full] - xs[full])
    efficient = abs(shortfall) <= t
    if n == 1:
        return CoreCheck(efficient, efficient, shortfall, None, 0.0)
    proper = masks[1:full]
    excess = values[proper] - xs[proper]
    k = int(np.argmax(excess))
    worst = int(proper[k])
    coal = frozenset(pl[i] for i in range(n) if worst >> i & 1)
    exc = float(excess[k])
    return CoreCheck(bool(efficient and exc <= t), bool(efficient), shortfall, coal, exc)


def in_core(v: CharacteristicFunction, x: Mapping[Any, Any] | Sequence[Any],
            players: Sequence[Hashable] | None = None, tol: float = TOL) -> bool:
    """Whether ``x`` is in the core of ``v`` (see :func:`core_check`).

    >>> in_core({"A": 3, "B": 1, ("A", "B"): 5}, {"A": 3.5, "B": 1.5})
    True
    """
    return core_check(v, x, players, tol).in_core


@cites("bondareva1963", "shapley1967", "gillies1959", kind="game", name="leeway_core_nonempty")
def core_nonempty(v: CharacteristicFunction, players: Sequence[Hashable] | None = None,
                  tol: float = TOL) -> bool:
    """Whether the core of ``v`` has any allocation at all (a linear programme).

    The core is non-empty iff min Σ_i x_i subject to x(S) ≥ v(S) for every proper coalition
    is ≤ v(N) (Bondareva 1963, Shapley 1967). Solved with SciPy's HiGHS.

    >>> majority = lambda s: 1.0 if len(s) >= 2 else 0.0   # three-player majority game
    >>> core_nonempty(majority, players=("A", "B", "C"))
    False
    >>> core_nonempty({"A": 3, "B": 1, ("A", "B"): 5})
    True
    """
    pl, values = _tabulate(v, players)
    n = len(pl)
    if n == 1:
        return True
    masks, _ = _masks(n)
    full = 2 ** n - 1
    proper = masks[1:full]
    a_ub = -((proper[:, None] >> np.arange(n)[None, :]) & 1).astype(float)
    res = linprog(np.ones(n), A_ub=a_ub, b_ub=-values[proper], bounds=[(None, None)] * n,
                  method="highs")
    if res.status != 0:  # pragma: no cover - the programme is always feasible and bounded
        raise InputError(f"the core programme failed: {res.message}")
    t = float(tol) * max(1.0, float(np.max(np.abs(values))))
    return bool(res.fun <= values[full] + t)


# --------------------------------------------------------------------------------------------
# The wedge game: C's side payment to B
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WedgeReport:
    """What :func:`wedge_game` found (values in the unit of the inputs, e.g. lu)."""

    d_a: float
    d_b: float
    surplus: float
    wedge: float
    theta: float
    #: The tandem's Nash allocation {A: d_A + θΣ, B: d_B + (1 − θ)Σ, C: 0}.
    tandem_allocation: dict[str, float]
    #: B's share of the surplus inside the tandem, (1 − θ)·Σ: the wedge that breaks the core.
    threshold: float
    #: Whether the tandem allocation is in the core of the three-player game.
    in_core: bool
    #: The coalition that blocks it ({B, C} when the wedge is too large), or None.
    blocking: frozenset[str] | None
    #: The blocking coalition's excess v(S) − x(S) (> 0: by how much it is better off alone).
    excess: float
    #: Shapley value of the three-player game.
    shapley: dict[str, float]
    #: Whether the tandem is still the most valuable partition (wedge ≤ surplus).
    tandem_efficient: bool
    #: Whether the three-player game has a core at all.
    core_nonempty: bool

    def summary(self) -> str:
        """One paragraph in words."""
        head = (f"C offers B a wedge of {self.wedge:g}; inside the tandem B's share of the "
                f"surplus {self.surplus:g} is {self.threshold:g} (theta = {self.theta:g}).")
        if self.in_core:
            return head + " The wedge does not exceed it: the tandem allocation is in the core."
        tail = (" The tandem allocation is outside the core: {B, C} blocks it with excess "
                f"{self.excess:g}")
        tail += (" (the tandem is still the efficient partition: B can demand more of the "
                 "surplus)." if self.tandem_efficient else
                 " and B-with-C is now worth more than the tandem: the tandem breaks.")
        return head + tail


class WedgeGame(NamedTuple):
    """Result of :func:`wedge_game`: the characteristic function and the report."""

    v: dict[frozenset[str], float]
    report: WedgeReport


@cites("crawford2011", "gillies1959", "shapley1953", "nash1950", kind="game",
       name="leeway_wedge_game")
def wedge_game(d_a: float, d_b: float, surplus: float, wedge: float, theta: float = 0.5
               ) -> WedgeGame:
    """A three-player game in which the adversary C drives a wedge into the tandem.

    Players A, B (the partners) and C (the adversary, its status-quo payoff normalised to 0).
    C offers B a side payment ``wedge`` (w ≥ 0): the most C would pay to split the tandem, so
    the coalition {B, C} is worth B's stand-alone leeway plus the payment (Crawford 2011 on
    wedge strategies). The characteristic function:

    ======================  ==========================================
    coalition               value
    ======================  ==========================================
    {A}, {B}, {C}           d_A, d_B, 0
    {A, B}                  d_A + d_B + Σ  (the tandem)
    {B, C}                  d_B + w        (the wedge)
    {A, C}                  d_A            (C makes A no offer)
    {A, B, C}               d_A + d_B + max(Σ, w)  (the better partition)
    ======================  ==========================================

    The tandem's Nash allocation x = (d_A + θΣ, d_B + (1 − θ)Σ, 0) — θ = ½ is also the
    two-player Shapley value — is in the core iff w ≤ (1 − θ)·Σ: once C's wedge exceeds B's
    share of the surplus, {B, C} blocks it. Up to w = Σ the tandem remains efficient and the
    core is not empty (B can renegotiate a larger share); beyond Σ the tandem breaks.

    >>> v, report = wedge_game(3.0, 1.0, 1.0, wedge=0.4)
    >>> report.in_core, report.threshold
    (True, 0.5)
    >>> v, report = wedge_game(3.0, 1.0, 1.0, wedge=0.6)
    >>> report.in_core, sorted(report.blocking), round(report.excess, 4)
    (False, ['B', 'C'], 0.1)
    """
    hint_d = "stand-alone leeways d_A, d_B are finite numbers (lu)"
    da = _scalar(d_a, "d_a", hint=hint_d)
    db = _scalar(d_b, "d_b", hint=hint_d)
    sig = _scalar(surplus, "surplus", 0.0, hint="Σ is the surplus of cooperation, >= 0")
    w = _scalar(wedge, "wedge", 0.0, hint="the wedge is C's side payment to B, >= 0")
    th = _scalar(theta, "theta", 0.0, 1.0, hint="θ is A's bargaining weight in [0, 1]")
    f = frozenset
    v: dict[frozenset[str], float] = {
        f(): 0.0, f("A"): da, f("B"): db, f("C"): 0.0,
        f("AB"): da + db + sig, f("BC"): db + w, f("AC"): da,
        f("ABC"): da + db + max(sig, w),
    }
    x_a, x_b = nash_bargaining((da, db), da + db + sig, th).tolist()
    alloc = {"A": x_a, "B": x_b, "C": 0.0}
    check = core_check(v, alloc, players=("A", "B", "C"))
    report = WedgeReport(
        d_a=da, d_b=db, surplus=sig, wedge=w, theta=th, tandem_allocation=alloc,
        threshold=(1.0 - th) * sig, in_core=check.in_core,
        blocking=None if check.in_core else check.blocking, excess=check.excess,
        shapley={str(k): val for k, val in shapley(v, ("A", "B", "C")).items()},
        tandem_efficient=w <= sig, core_nonempty=core_nonempty(v, ("A", "B", "C")),
    )
    return WedgeGame(v, report)


# --------------------------------------------------------------------------------------------
# Micro level: Tullock contests
# --------------------------------------------------------------------------------------------
def _advantages(a: Any, name: str = "a") -> FloatArray:
    arr = _checked(a, name, 0.0, hint="structural advantages are numbers >= 0 (one per "
                   "player along the first axis)")
    if arr.ndim == 0 or arr.shape[0] < 2:
        raise InputError(f"{name} must hold the advantages of at least two players along its "
                         f"first axis, got shape {arr.shape}", "e.g. a=(2.0, 1.0)")
    none = ~(arr > 0).any(axis=0)
    if none.any():
        raise InputError(f"{name}: a region where no player has a positive advantage "
                         f"(element {int(np.flatnonzero(none.ravel())[0])})",
                         "a contest needs at least one player with an advantage > 0")
    return arr


def _decisiveness(m: Any) -> float:
    return _scalar(m, "m", 0.0, lo_open=True,
                   hint="m (decisiveness) is a positive number, 1 = the classic Tullock contest")


@cites("tullock1980", "skaperdas1996", kind="game", name="leeway_tullock_shares")
def tullock_shares(V: Any, a: Any, e: Any, m: float = 1.0) -> FloatArray:
    """Shares of a region's value in a Tullock contest: l_i = V (a_i e_i)^m / Σ_j (a_j e_j)^m.

    Parameters
    ----------
    V:
        Value of the region(s), ≥ 0 (any unit; lu in :func:`leeway`): a number or an array of
        regions.
    a:
        Structural advantages a_i ≥ 0, players along the first axis (shape ``(n, ...)``).
    e:
        Efforts e_i ≥ 0, same layout as ``a`` (broadcast).
    m:
        Decisiveness m > 0: 1 the classic lottery, → ∞ all-pay auction, → 0 equal split.

    Returns shares with players along the first axis; they sum to V over the players
    (zero-sum). Where nobody makes an effort the split is the limit of equal efforts,
    a_i^m / Σ a_j^m.

    >>> tullock_shares(1.0, (2.0, 1.0), (1.0, 1.0)).round(4).tolist()
    [0.6667, 0.3333]
    >>> tullock_shares([10.0, 4.0], [[1.0, 1.0], [1.0, 3.0]], 1.0).tolist()
    [[5.0, 1.0], [5.0, 3.0]]
    """
    aa = _advantages(a)
    ee = _checked(e, "e", 0.0, hint="efforts are numbers >= 0")
    vv = _checked(V, "V", 0.0, hint="the value of a region is a number >= 0")
    mm = _decisiveness(m)
    try:
        aa, ee = np.broadcast_arrays(aa, ee)
        shape = np.broadcast_shapes(aa.shape[1:], vv.shape)
    except ValueError as exc:
        raise InputError(f"shapes do not broadcast: a {np.shape(a)}, e {np.shape(e)}, "
                         f"V {vv.shape}", "players along the first axis of a and e, "
                         "regions along the rest (and in V)") from exc
    weight = (aa * ee) ** mm
    total = weight.sum(axis=0)
    base = aa ** mm
    prob = np.where(total > 0, weight / np.where(total > 0, total, 1.0),
                    base / base.sum(axis=0))
    return np.broadcast_to(vv, shape) * np.broadcast_to(prob, (aa.shape[0], *shape))


class TullockEquilibrium(NamedTuple):
    """Result of :func:`tullock_equilibrium`; players along the first axis of each array."""

    #: Equilibrium efforts e_i* (unit of V; the cost of effort is linear, 1 per unit).
    efforts: FloatArray
    #: Equilibrium shares l_i = V·p_i (sum to V over the players).
    shares: FloatArray
    #: Expected payoffs l_i − e_i*.
    payoffs: FloatArray
    #: Rent dissipation Σ_i e_i* / V, in [0, 1] (V-free; defined also for V = 0).
    dissipation: FloatArray | float


def _equilibrium_unit(a: FloatArray, m: float) -> tuple[FloatArray, FloatArray]:
    """Efforts and win probabilities at V = 1 (both scale linearly with V)."""
    n = a.shape[0]
    if m != 1.0:
        if n != 2:
            raise InputError(f"a contest of {n} players with m = {m:g}: the equilibrium is "
                             "solved in closed form for two players when m != 1",
                             "use m=1 for more than two players")
        big = a ** m
        total = big.sum(axis=0)
        effort = m * big[0] * big[1] / total ** 2
        return np.stack([effort, effort]), big / total
    # m = 1, n players (Hillman & Riley 1989; Stein 2002): with costs c_i = 1/a_i sorted
    # ascending, the active set is the longest prefix with (j − 2)·c_j < Σ_{i<j} c_i; then
    # Y = (k − 1)/Σ_active c, y_i = Y(1 − c_i Y), e_i = y_i / a_i, p_i = y_i / Y.
    with np.errstate(divide="ignore"):
        cost = np.where(a > 0, 1.0 / np.where(a > 0, a, 1.0), np.inf)
    order = np.argsort(cost, axis=0, kind="stable")
    c = np.take_along_axis(cost, order, axis=0)
    j = np.arange(n).reshape((n,) + (1,) * (a.ndim - 1))
    prev = np.concatenate([np.zeros_like(c[:1]), np.cumsum(c, axis=0)[:-1]], axis=0)
    with np.errstate(invalid="ignore"):
        ok = np.where(j < 2, np.isfinite(c), (j - 1) * c < prev)
    active = np.cumprod(ok, axis=0).astype(bool)
    k = active.sum(axis=0)
    csum = np.where(active, c, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y_total = np.where(k >= 2, (k - 1) / np.where(csum > 0, csum, 1.0), 0.0)
        y = np.where(active, y_total * (1.0 - np.where(active, c, 0.0) * y_total), 0.0)
        y = np.maximum(y, 0.0)
        e_sorted = np.where(active, y * np.where(active, c, 0.0), 0.0)
        p_sorted = np.where(y_total > 0, y / np.where(y_total > 0, y_total, 1.0), np.nan)
    efforts = np.empty_like(e_sorted)
    prob = np.empty_like(p_sorted)
    np.put_along_axis(efforts, order, e_sorted, axis=0)
    np.put_along_axis(prob, order, p_sorted, axis=0)
    # one active player (all others without advantage): it takes the region without effort
    prob = np.where(np.isnan(prob), a / a.sum(axis=0), prob)
    return efforts, prob


@cites("tullock1980", "hillman1989", "stein2002", "baye1994", "konrad2009", kind="game",
       name="leeway_tullock_equilibrium")
def tullock_equilibrium(V: Any, a: Any, m: float = 1.0) -> TullockEquilibrium:
    """Pure-strategy Nash equilibrium of a Tullock contest with linear costs, per region.

    Player i chooses effort e_i ≥ 0 to maximise V·p_i − e_i with
    p_i = (a_i e_i)^m / Σ_j (a_j e_j)^m. Closed forms:

    * two players, 0 < m ≤ 1: efforts are equal, e_1* = e_2* = V·m·a_1^m a_2^m/(a_1^m + a_2^m)^2,
      shares V·a_i^m/(a_1^m + a_2^m); with m = 1, e* = V·a_1 a_2/(a_1 + a_2)^2. Dissipation
      2m·a_1^m a_2^m/(a_1^m + a_2^m)^2 peaks at parity (m/2).
    * n players, m = 1 (Hillman & Riley 1989; Stein 2002): players with too small an advantage
      stay out (e = 0); with costs c_i = 1/a_i over the active set, total effective effort
      Y = (k − 1)V/Σ c_i, a_i e_i = Y(1 − c_i Y/V).

    For m > 1 a pure-strategy equilibrium need not exist (Baye, Kovenock & de Vries 1994), so
    m must be in (0, 1].

    Parameters
    ----------
    V:
        Value of the region(s), ≥ 0 — a number or an array of regions.
    a:
        Structural advantages ≥ 0, players along the first axis, regions along the rest;
        each region needs one positive advantage. A player without advantage stays out.
    m:
        Decisiveness, 0 < m ≤ 1.

    >>> eq = tullock_equilibrium(1.0, (2.0, 1.0))
    >>> eq.efforts.round(4).tolist(), eq.shares.round(4).tolist(), round(eq.dissipation, 4)
    ([0.2222, 0.2222], [0.6667, 0.3333], 0.4444)
    >>> tullock_equilibrium([1.0, 2.0], [[1.0, 3.0], [1.0, 1.0]]).dissipation.tolist()
    [0.5, 0.375]
    """
    aa = _advantages(a)
    vv = _checked(V, "V", 0.0, hint="the value of a region is a number >= 0")
    mm = _decisiveness(m)
    if mm > 1.0:
        raise InputError(f"m = {mm:g} > 1: a pure-strategy equilibrium need not exist",
                         "use 0 < m <= 1 (Baye, Kovenock & de Vries 1994 for m > 1)")
    try:
        shape = np.broadcast_shapes(aa.shape[1:], vv.shape)
    except ValueError as exc:
        raise InputError(f"shapes do not broadcast: a {aa.shape} (players first), V "
                         f"{vv.shape}", "give one value per region") from exc
    aa = np.broadcast_to(aa, (aa.shape[0], *shape))
    unit_e, prob = _equilibrium_unit(np.asarray(aa, dtype=np.float64), mm)
    val = np.broadcast_to(vv, shape)
    efforts = val * unit_e
    shares = val * prob
    return TullockEquilibrium(efforts, shares, shares - efforts, _out(unit_e.sum(axis=0)))


# --------------------------------------------------------------------------------------------
# Regions, parameters, the coupled model
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Regions:
    """The regions of the micro game: names, values (points) and advantages of A, B, C.

    ``value`` (shape ``(K,)``) is each region's importance in points, 0–10 (the scale of
    ``data/tables/regions.csv``); ``advantage`` (shape ``(3, K)``) the structural advantages
    of A, B and C in [0, 1], C's 0 where C has no stake. Build one from the regions table with
    :meth:`from_frame` (which validates it) or directly.
    """

    names: tuple[str, ...]
    value: FloatArray
    advantage: FloatArray

    def __post_init__(self) -> None:
        k = len(self.names)
        val = _checked(self.value, "regions.value", 0.0, hint="values are points >= 0")
        adv = _checked(self.advantage, "regions.advantage", 0.0,
                       hint="advantages are numbers >= 0 (rows A, B, C)")
        if val.shape != (k,) or adv.shape != (3, k):
            raise InputError(f"regions: {k} names, value of shape {val.shape}, advantage of "
                             f"shape {adv.shape}", "value has one entry per region, advantage "
                             "three rows (A, B, C) of one entry per region")
        if k and ((adv[0] + adv[1]) <= 0).any():
            bad = self.names[int(np.flatnonzero((adv[0] + adv[1]) <= 0)[0])]
            raise InputError(f"region {bad!r}: neither partner has an advantage",
                             "drop the region or give A or B a positive advantage")
        object.__setattr__(self, "value", val)
        object.__setattr__(self, "advantage", adv)

    def __len__(self) -> int:
        return len(self.names)

    @classmethod
    def empty(cls) -> Regions:
        """No regions: the model runs on the macro level only."""
        return cls((), np.zeros(0), np.zeros((3, 0)))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Regions:
        """From a regions table (columns ``region, value, advantage_a, advantage_b`` and
        optionally ``advantage_c``), validated by
        :func:`realpolitik.data.model_tables.check_regions`."""
        from realpolitik.data.model_tables import check_regions

        df = check_regions(frame)
        adv_c = df["advantage_c"].astype("Float64").fillna(0.0).to_numpy(dtype=float)
        return cls(tuple(df["region"].astype(str)), df["value"].to_numpy(dtype=float),
                   np.stack([df["advantage_a"].to_numpy(dtype=float),
                             df["advantage_b"].to_numpy(dtype=float), adv_c]))

    @classmethod
    def coerce(cls, regions: Regions | pd.DataFrame | None) -> Regions:
        if regions is None:
            return cls.empty()
        if isinstance(regions, Regions):
            return regions
        if isinstance(regions, pd.DataFrame):
            return cls.from_frame(regions)
        raise InputError(f"regions must be a Regions object or a DataFrame, not "
                         f"{type(regions).__name__}",
                         "use realpolitik.data.model_tables.regions_table()")


@dataclass(frozen=True)
class LeewayParams:
    """Parameters of the coupled leeway model (defaults are illustrative, not calibrated).

    * ``sigma0`` Σ0 ≥ 0 — surplus of cooperation at Ar = 0, lu (default 0.25: a quarter of one
      state's full freedom of action).
    * ``lam`` λ — slope of the surplus in Ar (default 1: doubles at Ar = 1, 0 at Ar ≤ −1).
    * ``kappa`` κ ≥ 0 — power → bargaining strength exponent (default 1: proportional).
    * ``m`` 0 < m ≤ 1 — decisiveness of the regional contests (default 1).
    * ``mu`` μ ≥ 0 — how much resources tilt a regional contest once the tandem opens the
      partners' spheres to each other: effective advantages a_A·r^(μ/2), a_B·r^(−μ/2),
      r = P_A/P_B (default 0.5; 0: the micro level is neutral, D = 0).
    * ``gamma`` γ ≥ 0 — cost of confronting C per unit of Ar > 0 and of exposure 1 − d_i
      (default 0.05 lu).
    * ``value_unit`` > 0 — lu per point of region value (default 0.01: a vital region, 10
      points, is worth 0.1 lu).
    """

    sigma0: float = DEFAULT_SIGMA0
    lam: float = DEFAULT_LAMBDA
    kappa: float = 1.0
    m: float = 1.0
    mu: float = 0.5
    gamma: float = 0.05
    value_unit: float = 0.01

    def __post_init__(self) -> None:
        rules = {"sigma0": (0.0, math.inf, False, "Σ0 >= 0 (lu)"),
                 "lam": (-math.inf, math.inf, False, "λ is a finite number"),
                 "kappa": (0.0, math.inf, False, "κ >= 0"),
                 "m": (0.0, 1.0, True, "0 < m <= 1"),
                 "mu": (0.0, math.inf, False, "μ >= 0"),
                 "gamma": (0.0, math.inf, False, "γ >= 0 (lu)"),
                 "value_unit": (0.0, math.inf, True, "value_unit > 0 (lu per point)")}
        for name, (lo, hi, lo_open, hint) in rules.items():
            object.__setattr__(self, name, _scalar(getattr(self, name), name, lo, hi,
                                                   lo_open=lo_open, hint=hint))

    @classmethod
    def coerce(cls, params: LeewayParams | Mapping[str, Any] | None) -> LeewayParams:
        """``params`` as :class:`LeewayParams` (a mapping overrides the defaults)."""
        if params is None:
            return cls()
        if isinstance(params, LeewayParams):
            return params
        if isinstance(params, Mapping):
            known = {f.name for f in fields(cls)}
            bad = [k for k in params if k not in known]
            if bad:
                raise InputError(f"unknown leeway parameter(s) {bad}",
                                 "known: " + ", ".join(sorted(known)))
            return replace(cls(), **dict(params))
        raise InputError(f"params must be LeewayParams or a mapping, not "
                         f"{type(params).__name__}", "e.g. params={'sigma0': 0.3}")

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class MicroGame(NamedTuple):
    """The partners' regional contests (:func:`micro_game`); arrays ``(2, N, K)`` unless noted.

    At t (stand-alone) each partner guards its sphere: the region is a Tullock contest on the
    structural advantages alone. At t′ the tandem opens the partners' spheres to each other and
    resources count too (effective advantages tilted by (P_A/P_B)^(±μ/2)).
    """

    #: Value at stake between the partners, V_k·value_unit·(1 − C's structural share), (N, K).
    stake: FloatArray
    #: Equilibrium shares at t (structural advantages).
    shares_t: FloatArray
    #: Equilibrium efforts at t.
    efforts_t: FloatArray
    #: Equilibrium shares at t′ (tilted advantages).
    shares_t1: FloatArray
    #: Equilibrium efforts at t′.
    efforts_t1: FloatArray
    #: Transfer to the partner, shares_t − shares_t1 (zero-sum over the partners).
    transfer: FloatArray
    #: Extra rent dissipated, efforts_t1 − efforts_t (< 0: a clearer hierarchy wastes less).
    dissipation: FloatArray
    #: D_i = Σ_k (transfer + dissipation), shape (2, N): the partner's expected micro loss.
    loss: FloatArray

    @property
    def payoff_t(self) -> FloatArray:
        """Regional leeway at t, shares − efforts, (2, N, K)."""
        return self.shares_t - self.efforts_t

    @property
    def payoff_t1(self) -> FloatArray:
        """Regional leeway at t′, (2, N, K)."""
        return self.shares_t1 - self.efforts_t1


@cites("tullock1980", "hillman1989", "konrad2009", kind="model", name="leeway_micro_game")
def micro_game(PA: Any, PB: Any, regions: Regions | pd.DataFrame | None,
               params: LeewayParams | Mapping[str, Any] | None = None) -> MicroGame:
    """The partners' regional contests for N points (powers ``PA``, ``PB``) and K regions.

    * stake W_k = V_k·value_unit·(a_A^m + a_B^m)/(a_A^m + a_B^m + a_C^m) — the part of the
      region C does not hold (C's advantage empty or 0: the whole region);
    * t (stand-alone): :func:`tullock_equilibrium` on W_k with the structural advantages
      (a_A, a_B): shares l_i, efforts e_i;
    * t′ (cooperation): the same with ã_A = a_A·r^(μ/2), ã_B = a_B·r^(−μ/2), r = P_A/P_B:
      shares l′_i, efforts e′_i;
    * transfer_i = l_i − l′_i (zero-sum), dissipation_i = e′_i − e_i, and
      D_i = Σ_k (transfer_i + dissipation_i) = Σ_k [(l_i − e_i) − (l′_i − e′_i)].

    With μ = 0 (or equal powers) the two contests coincide and D = 0. Moving away from parity
    transfers value to the stronger partner but dissipates less (dissipation peaks at parity).

    >>> regions = Regions(("X",), np.array([10.0]), np.array([[1.0], [1.0], [0.0]]))
    >>> g = micro_game(4.0, 1.0, regions, {"mu": 1.0})
    >>> g.shares_t[:, 0, 0].tolist(), g.shares_t1[:, 0, 0].round(4).tolist()
    ([0.05, 0.05], [0.08, 0.02])
    >>> g.dissipation[:, 0, 0].round(4).tolist(), g.loss[:, 0].round(4).tolist()
    ([-0.009, -0.009], [-0.039, 0.021])
    """
    p = LeewayParams.coerce(params)
    reg = Regions.coerce(regions)
    hint = "powers are positive numbers in the unit of one power index"
    pa, pb = _broadcast(("PA", "PB"), _checked(PA, "PA", 0.0, lo_open=True, hint=hint),
                        _checked(PB, "PB", 0.0, lo_open=True, hint=hint))
    pa, pb = np.atleast_1d(pa).ravel(), np.atleast_1d(pb).ravel()
    n, k = pa.size, len(reg)
    if k == 0:
        z = np.zeros((2, n, 0))
        return MicroGame(np.zeros((n, 0)), z, z, z, z, z, z, np.zeros((2, n)))
    adv = reg.advantage
    powm = adv ** p.m
    stake_k = reg.value * p.value_unit * (powm[0] + powm[1]) / powm.sum(axis=0)
    stake = np.broadcast_to(stake_k, (n, k)).astype(float)
    base = tullock_equilibrium(stake, np.broadcast_to(adv[:2, None, :], (2, n, k)), p.m)
    tilt = np.exp(0.5 * p.mu * (np.log(pa) - np.log(pb)))[:, None]
    tilted = np.stack([adv[0][None, :] * tilt, adv[1][None, :] / tilt])
    coop = tullock_equilibrium(stake, tilted, p.m)
    transfer = base.shares - coop.shares
    dissipation = coop.efforts - base.efforts
    loss = (transfer + dissipation).sum(axis=-1)
    return MicroGame(stake, base.shares, base.efforts, coop.shares, coop.efforts, transfer,
                     dissipation, loss)


def confrontation_cost(ar: Any, d: Any, gamma: float = 0.05) -> FloatArray | float:
    """c_i(Ar) = γ·(1 − d_i)·max(0, Ar): the cost of confronting C, lu.

    Zero at or below today's pressure; grows with C's containment (Ar > 0) and with the
    partner's exposure 1 − d_i = P_C/(P_i + P_C) (the weaker against C, the costlier).

    >>> confrontation_cost(2.0, [0.75, 0.25], gamma=0.1).tolist()
    [0.05, 0.15]
    """
    a = _checked(ar, "ar", hint="Ar is a finite number")
    dd = _checked(d, "d", 0.0, 1.0, hint="stand-alone leeways are in [0, 1] lu")
    g = _scalar(gamma, "gamma", 0.0, hint="γ >= 0")
    a, dd = _broadcast(("ar", "d"), a, dd)
    return _out(g * (1.0 - dd) * np.maximum(0.0, a))


@dataclass(frozen=True, eq=False)
class LeewayResult:
    """The two-level leeway game at N points (:func:`leeway`). Partner axis first (A, B).

    All values in leeway units (lu). At t a partner has its stand-alone leeway d_i plus its
    regional payoffs at t; at t′ its Nash allocation x_i = d_i + s_i·Σ plus its regional
    payoffs at t′, minus the cost of confronting C. ``net`` = t′ − t = N_i = s_i·Σ − D_i − c_i.
    """

    regions: tuple[str, ...]
    params: LeewayParams
    #: Adversary pressure Ar per point, (N,).
    ar: FloatArray
    #: A's bargaining weight θ per point, (N,).
    theta: FloatArray
    #: The surplus Σ(Ar), (N,).
    sigma: FloatArray
    #: Stand-alone leeways d_i, (2, N).
    d: FloatArray
    #: Nash allocations x_i = d_i + s_i·Σ, (2, N).
    x: FloatArray
    #: The regional contests.
    micro: MicroGame
    #: c_i(Ar), (2, N).
    confrontation: FloatArray
    #: C's wedge offer to B per point, (N,), or None.
    wedge: FloatArray | None
    #: Whether the wedge exceeds B's share of the surplus (the tandem leaves the core), (N,).
    core_broken: npt.NDArray[np.bool_]

    @property
    def n_points(self) -> int:
        return int(self.ar.size)

    @property
    def lr(self) -> FloatArray:
        """Lr = d_A + d_B, (N,)."""
        return np.asarray(self.d.sum(axis=0))

    @property
    def lr_coop(self) -> FloatArray:
        """L′r = v({A, B}) = Lr + Σ(Ar), (N,)."""
        return self.lr + self.sigma

    @property
    def shares(self) -> FloatArray:
        """Surplus shares s_A = θ, s_B = 1 − θ, (2, N)."""
        return np.stack([self.theta, 1.0 - self.theta])

    @property
    def macro_gain(self) -> FloatArray:
        """s_i·Σ = x_i − d_i ≥ 0, (2, N)."""
        return self.x - self.d

    @property
    def micro_loss(self) -> FloatArray:
        """D_i, (2, N)."""
        return self.micro.loss

    @property
    def net(self) -> FloatArray:
        """N_i = s_i·Σ(Ar) − D_i − c_i(Ar), (2, N)."""
        return self.macro_gain - self.micro.loss - self.confrontation

    @property
    def leeway_t(self) -> FloatArray:
        """Leeway at t (stand-alone): d_i + Σ_k (l_ik − e_ik), (2, N)."""
        return self.d + self.micro.payoff_t.sum(axis=-1)

    @property
    def leeway_t1(self) -> FloatArray:
        """Leeway at t′ (cooperating): x_i + Σ_k (l′_ik − e′_ik) − c_i, (2, N)."""
        return self.x + self.micro.payoff_t1.sum(axis=-1) - self.confrontation

    def summary_frame(self) -> pd.DataFrame:
        """One row per point: the macro and net figures of both partners."""
        out = {"point": np.arange(self.n_points), "ar": self.ar, "theta": self.theta,
               "sigma": self.sigma, "lr": self.lr, "lr_coop": self.lr_coop}
        for i, who in enumerate(("a", "b")):
            out |= {f"d_{who}": self.d[i], f"x_{who}": self.x[i],
                    f"macro_gain_{who}": self.macro_gain[i],
                    f"micro_loss_{who}": self.micro.loss[i],
                    f"confrontation_{who}": self.confrontation[i], f"net_{who}": self.net[i],
                    f"leeway_t_{who}": self.leeway_t[i], f"leeway_t1_{who}": self.leeway_t1[i]}
        out["core_broken"] = self.core_broken.astype(bool)
        return pd.DataFrame(out)

    def to_frame(self) -> pd.DataFrame:
        """Tidy rows per point, partner and component (``macro``, each region, ``total``).

        Columns ``point, partner, component, standalone, cooperative, macro_gain,
        micro_transfer, dissipation, confrontation_cost, net``; per point and partner the
        component rows' ``net`` add up to the ``total`` row, which is N_i.
        """
        n, k = self.n_points, len(self.regions)
        comps = ["macro", *self.regions, "total"]
        c = len(comps)
        mg = self.micro
        cols = {name: np.zeros((2, n, c)) for name in (
            "standalone", "cooperative", "macro_gain", "micro_transfer", "dissipation",
            "confrontation_cost", "net")}
        cols["standalone"][:, :, 0] = self.d
        cols["cooperative"][:, :, 0] = self.x - self.confrontation
        cols["macro_gain"][:, :, 0] = self.macro_gain
        cols["confrontation_cost"][:, :, 0] = self.confrontation
        if k:
            cols["standalone"][:, :, 1:k + 1] = mg.payoff_t
            cols["cooperative"][:, :, 1:k + 1] = mg.payoff_t1
            cols["micro_transfer"][:, :, 1:k + 1] = mg.transfer
            cols["dissipation"][:, :, 1:k + 1] = mg.dissipation
        for name in cols:
            cols[name][:, :, -1] = cols[name][:, :, :-1].sum(axis=-1)
        cols["net"] = cols["cooperative"] - cols["standalone"]
        partner = np.broadcast_to(np.array(PARTNERS)[:, None, None], (2, n, c))
        point = np.broadcast_to(np.arange(n)[None, :, None], (2, n, c))
        comp = np.broadcast_to(np.array(comps, dtype=object)[None, None, :], (2, n, c))
        frame = pd.DataFrame({"point": point.ravel(), "partner": partner.ravel(),
                              "component": comp.ravel(),
                              **{name: arr.ravel() for name, arr in cols.items()}})
        return frame.sort_values(["point", "partner"], kind="stable").reset_index(drop=True)


@cites("nash1950", "kalai1977", "tullock1980", "putnam1988", "crawford2011", kind="model",
       name="leeway")
def leeway(
    PA: Any,
    PB: Any,
    ar: Any = 0.0,
    regions: Regions | pd.DataFrame | None = None,
    params: LeewayParams | Mapping[str, Any] | None = None,
    *,
    PC: Any = None,
    d: Any = None,
    wedge: Any = None,
) -> LeewayResult:
    """The two-level leeway game for one or many points (the essay's figure 1).

    Parameters
    ----------
    PA, PB:
        Powers of the partners A and B (> 0, one index, any unit), numbers or arrays of N
        points (broadcast with ``ar``).
    ar:
        Adversary pressure Ar (DESIGN §3.3; 0 = today).
    regions:
        The regions of the micro game — a :class:`Regions` or a regions table
        (:func:`realpolitik.data.model_tables.regions_table`); None: macro level only.
    params:
        :class:`LeewayParams` or a mapping overriding its defaults.
    PC:
        Power of the adversary (same index): stand-alone leeways d_i = P_i/(P_i + P_C).
    d:
        Or the stand-alone leeways themselves, ``(d_A, d_B)`` in [0, 1] lu.
    wedge:
        C's side payment to B (lu, ≥ 0, per point); the tandem leaves the core where it
        exceeds B's share of the surplus (1 − θ)·Σ (:func:`wedge_game`).

    Computes θ = P_A^κ/(P_A^κ + P_B^κ), Σ(Ar), the Nash split x_i = d_i + s_i·Σ, the regional
    contests (:func:`micro_game`), c_i(Ar) (:func:`confrontation_cost`) and
    N_i = s_i·Σ − D_i − c_i. With Σ > 0 both partners gain at the macro level (Lr < L′r,
    x_i > d_i for θ ∈ (0, 1)); whether they gain net of the micro transfers is the question
    the figure asks.

    >>> r = leeway(3.0, 1.0, ar=0.0, d=(0.6, 0.2))
    >>> r.lr.round(4).tolist(), r.lr_coop.round(4).tolist(), r.x.round(4).ravel().tolist()
    ([0.8], [1.05], [0.7875, 0.2625])
    """
    p = LeewayParams.coerce(params)
    reg = Regions.coerce(regions)
    hint = "powers are positive numbers in the unit of one power index"
    pa = _checked(PA, "PA", 0.0, lo_open=True, hint=hint)
    pb = _checked(PB, "PB", 0.0, lo_open=True, hint=hint)
    a = _checked(ar, "ar", hint="Ar is a finite number (0 = today's pressure)")
    pa, pb, a = (np.atleast_1d(x).ravel() for x in _broadcast(("PA", "PB", "ar"), pa, pb, a))
    if (PC is None) == (d is None):
        raise InputError("give exactly one of PC (the adversary's power) and d (the "
                         "stand-alone leeways)", "e.g. leeway(PA, PB, ar, PC=PC)")
    if PC is not None:
        pc = _checked(PC, "PC", 0.0, hint=hint)
        d_a = np.asarray(standalone_leeway(pa, pc), dtype=float)
        d_b = np.asarray(standalone_leeway(pb, pc), dtype=float)
    else:
        dd = _checked(d, "d", 0.0, 1.0, hint="stand-alone leeways are in [0, 1] lu")
        if dd.ndim == 0 or dd.shape[0] != 2:
            raise InputError(f"d must hold (d_A, d_B), got shape {dd.shape}",
                             "e.g. d=(0.6, 0.2)")
        d_a, d_b = dd[0], dd[1]
    w = None if wedge is None else _checked(
        wedge, "wedge", 0.0, hint="the wedge is C's side payment to B, >= 0")
    try:
        d_a, d_b, pa, pb, a, w_all = (np.atleast_1d(x).ravel() for x in np.broadcast_arrays(
            d_a, d_b, pa, pb, a, np.zeros(()) if w is None else w))
    except ValueError as exc:
        raise InputError("PA, PB, ar, PC/d and wedge do not broadcast to one set of points",
                         "give arrays of one length, or scalars") from exc
    theta = np.asarray(bargaining_strength(pa, pb, p.kappa), dtype=float).reshape(-1)
    sig = np.asarray(surplus(a, p.sigma0, p.lam), dtype=float).reshape(-1)
    dmat = np.stack([d_a, d_b]).astype(float)
    x = nash_bargaining(dmat, dmat.sum(axis=0) + sig, theta)
    micro = micro_game(pa, pb, reg, p)
    conf = np.asarray(confrontation_cost(a[None, :], dmat, p.gamma), dtype=float)
    if w is not None:
        w = w_all.astype(float)
        share_b = (1.0 - theta) * sig
        broken = w > share_b + TOL * np.maximum(1.0, share_b)
    else:
        broken = np.zeros(a.shape, dtype=bool)
    return LeewayResult(reg.names, p, a, theta, sig, dmat, x, micro, conf, w,
                        np.asarray(broken, dtype=bool))


# --------------------------------------------------------------------------------------------
# Consistency with the alignment plane
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConsistencyRules:
    """Thresholds of the leeway-implied label (defaults: DESIGN §4.1's default map).

    ``a_S``, ``a_H`` — pressure at which soft and hard balancing start; ``r_B0``, ``beta`` —
    the bandwagoning gap r_B(Ar) = r_B0 − beta·max(0, Ar − a_S) ("a large gap" is Rg above
    it); ``sigma_small`` — the surplus counts as small when Σ/Lr is below it.
    :meth:`from_map` takes the thresholds from a region map of :mod:`realpolitik.models.plane`.
    """

    a_S: float = 0.25
    a_H: float = 0.60
    r_B0: float = 0.40
    beta: float = 0.30
    sigma_small: float = 0.05

    @classmethod
    def from_map(cls, region_map: Any = None, sigma_small: float = 0.05) -> ConsistencyRules:
        """The thresholds in force in a region map of :mod:`realpolitik.models.plane` (a
        ``RegionMap``, a map name, a dict, or None for the default map), after its
        offense-dominance shift."""
        t = _resolve_map(region_map).thresholds()
        return cls(a_S=t.a_S, a_H=t.a_H, r_B0=t.r_B0, beta=t.beta, sigma_small=sigma_small)


def _resolve_map(region_map: Any) -> Any:
    """A plane ``RegionMap`` from a map, a name, a dict or None (the default map)."""
    from realpolitik.models import plane

    return plane.resolve_map(region_map)


#: Reasons of the leeway-implied labels, by rule.
RULE_REASONS: tuple[str, ...] = (
    "C's wedge offer exceeds B's share of the surplus: the tandem leaves the core",
    "cooperation pays neither partner (N_A <= 0 and N_B <= 0)",
    "the tandem does not pay B (N_B < 0) and the gap is large: B follows A",
    "the surplus of cooperation is small",
    "pressure is low (Ar < a_S)",
    "both partners gain (N > 0) under high pressure (Ar >= a_H)",
    "both partners gain (N > 0) under moderate pressure",
    "only one partner gains: the other passes the buck",
)


def implied_labels(rg: Any, ar: Any, net_a: Any, net_b: Any, sigma: Any, lr: Any,
                   core_broken: Any = False, rules: ConsistencyRules | None = None
                   ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The label the leeway game implies at each point, and the rule that gave it.

    Rules, in order (the first that applies): (0) broken core → buck_passing; (1) N_A ≤ 0 and
    N_B ≤ 0 → buck_passing; (2) N_B < 0 and Rg > r_B(Ar) → bandwagoning; (3) Σ/Lr <
    sigma_small → hedging; (4) Ar < a_S → hedging; (5) both N > 0 and Ar ≥ a_H →
    hard_balancing; (6) both N > 0 → soft_balancing; (7) otherwise (one N ≤ 0) →
    buck_passing. Returns (label indices into :data:`~realpolitik.models.labels.LABELS`,
    rule numbers into :data:`RULE_REASONS`).

    >>> labels, rule = implied_labels([0.0, 0.0], [0.7, 0.7], [0.1, 0.1], [0.1, -0.1],
    ...                               [0.4, 0.4], [1.0, 1.0])
    >>> [LABELS[i] for i in labels], rule.tolist()
    (['hard_balancing', 'buck_passing'], [5, 7])
    """
    rl = rules or ConsistencyRules()
    arrs = _broadcast(
        ("rg", "ar", "net_a", "net_b", "sigma", "lr", "core_broken"),
        _checked(rg, "rg"), _checked(ar, "ar"), _checked(net_a, "net_a"),
        _checked(net_b, "net_b"), _checked(sigma, "sigma", 0.0), _checked(lr, "lr", 0.0),
        np.asarray(core_broken, dtype=float))
    r, a, na, nb, sig, lr_, broken = (np.atleast_1d(x) for x in arrs)
    r_b = rl.r_B0 - rl.beta * np.maximum(0.0, a - rl.a_S)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = np.where(lr_ > 0, sig / np.where(lr_ > 0, lr_, 1.0), np.inf) < rl.sigma_small
    both = (na > 0) & (nb > 0)
    conditions = [broken > 0, (na <= 0) & (nb <= 0), (nb < 0) & (r > r_b), small, a < rl.a_S,
                  both & (a >= rl.a_H), both, np.ones_like(both)]
    labels = [BUCK_PASSING, BUCK_PASSING, BANDWAGONING, HEDGING, HEDGING, HARD_BALANCING,
              SOFT_BALANCING, BUCK_PASSING]
    rule = np.select(conditions, list(range(len(conditions))))
    return np.asarray(labels)[rule].astype(np.int64), rule.astype(np.int64)


def _same(plane: npt.NDArray[np.int64], implied: npt.NDArray[np.int64]
          ) -> npt.NDArray[np.bool_]:
    """Agreement; chain-ganging (a sub-zone of hard balancing) agrees with hard balancing."""
    def fold(x: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.where(x == CHAIN_GANGING, HARD_BALANCING, x)

    return np.asarray(fold(plane) == fold(implied))


@cites("christensen1990", "walt1987", "schweller1994", "crawford2011", kind="model",
       name="leeway_consistency")
def consistency_report(result: LeewayResult, rg: Any, region_map: Any = None,
                       rules: ConsistencyRules | None = None) -> pd.DataFrame:
    """Does the leeway game agree with the alignment plane? One row per point.

    The plane's label comes from :func:`realpolitik.models.plane.classify` at (Rg, Ar) with
    ``region_map`` (default map if None); the leeway-implied label from
    :func:`implied_labels` with the thresholds of the same map (``rules`` overrides them).
    ``rg`` is the power gap Rg per point (DESIGN §3.2; 0 at the reference year).

    Columns ``point, rg, ar, sigma, net_a, net_b, core_broken, plane_label, leeway_label,
    agree, reason``; chain-ganging on the plane agrees with hard balancing implied by the
    leeway game (it is a sub-zone of hard balancing).
    """
    from realpolitik.models import plane

    r = np.atleast_1d(_checked(rg, "rg", hint="Rg is the power gap, a finite number"))
    try:
        r = np.broadcast_to(r, result.ar.shape).astype(float)
    except ValueError as exc:
        raise InputError(f"rg has {r.size} values for {result.n_points} points",
                         "give one Rg per point, or a number") from exc
    rmap = _resolve_map(region_map)
    rl = rules or ConsistencyRules.from_map(rmap)
    net = result.net
    plane_idx = np.asarray(plane.classify(r, result.ar, region_map=rmap),
                           dtype=np.int64).reshape(-1)
    implied, rule = implied_labels(r, result.ar, net[0], net[1], result.sigma, result.lr,
                                   result.core_broken, rl)
    names = np.array(LABELS, dtype=object)
    return pd.DataFrame({
        "point": np.arange(result.n_points), "rg": r, "ar": result.ar, "sigma": result.sigma,
        "net_a": net[0], "net_b": net[1], "core_broken": result.core_broken.astype(bool),
        "plane_label": names[plane_idx], "leeway_label": names[implied],
        "agree": _same(plane_idx, implied),
        "reason": np.array(RULE_REASONS, dtype=object)[rule],
    })


register("leeway_regions_table", "data_table", ["lo2008", "cooley2012"],
         "Regions of the micro game (values and structural advantages of China, Russia, USA)",
         __name__)
