"""Beaufre's strategy formula, his five strategic patterns and the artichoke game (DESIGN §4.2).

Pure, vectorised functions on NumPy arrays: nothing here reads a file or touches global
randomness (a :class:`numpy.random.Generator` is passed in). The data that feed the formula are
gathered by :mod:`realpolitik.measures.strategy_inputs`.

**The formula.** Beaufre (1963, *Introduction à la stratégie*) writes strategy as the product of
material force F, the moral (psychological) factor Ψ and time T, times a factor K specific to the
situation. Per actor i and domain d (:data:`DOMAINS`)::

    S_{i,d} = k_d · F_{i,d} · Ψ_i · τ_i        log S = log k + log F + log Ψ + log τ

* F ≥ 0 — the actor's share of the material force of the domain (unit-free; 0 = none);
* Ψ ∈ (0, 2] — moral factor, 1 = normal (:func:`psi_from_scores` maps the Haushofer
  ideology/leader scores and an information term onto it);
* τ > 0 — time available / time required (1 = just enough time);
* k_d ≥ 0 — the weight of the domain (only the aggregate over domains depends on it).

Scores are computed and compared in logs (:func:`strategy_score`), so a product of many factors
neither under- nor overflows and a comparison is a difference. The tandem's advantage over the
adversary is (S_A + S_B)/S_C per domain and over all domains (:func:`tandem_ratio`), optionally
times (1 + synergy) for the cooperation surplus of DESIGN §4.3.

**Patterns.** :func:`beaufre_pattern` picks one of Beaufre's five "modèles stratégiques" from
the means ratio, the stakes and the freedom of action, following an ordered rule table
(:data:`PATTERN_RULES`, thresholds :class:`PatternThresholds`).

**The artichoke game** (Beaufre's successive actions, Liddell Hart's indirect approach,
Schelling's salami tactics): the challenger takes steps δ ≥ 0 that each stay inside legality;
the defender answers a step with probability p(δ) = 1/(1 + exp(−(δ − θ)/s)); an unanswered step
adds δ to the challenger's regional leeway, an answered one costs it C. The myopic optimum
(:func:`optimal_step`) sits just under the defender's threshold θ; an information offensive
raises θ (:func:`information_offensive`); the defender learns, θ ← θ − ηδ
(:func:`adapt_threshold`); :func:`simulate_artichoke` plays the sequence.

>>> from realpolitik.models.strategy import strategy_score, tandem_ratio
>>> log_s = strategy_score([0.4, 0.3, 0.3], psi=[1.5, 1.2, 0.8])
>>> round(tandem_ratio(log_s[0], log_s[1], log_s[2]).overall, 4)
4.0
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from realpolitik._version import __version__
from realpolitik.data.provenance import config_hash
from realpolitik.errors import InputError
from realpolitik.models._checks import as_floats, checked
from realpolitik.references import cites, register

#: Beaufre's domains of strategy, in the order of every per-domain array.
DOMAINS: tuple[str, ...] = ("military", "economic", "diplomatic", "informational")
#: Upper bound of the moral factor Ψ (1 is normal).
PSI_MAX = 2.0
#: Ψ of an actor with neutral (0.5, 0.5) ideology and leader scores and no information effect.
PSI_NORMAL = 1.0

FloatArray = npt.NDArray[np.float64]
#: What the vectorised functions return: a Python float for scalar input, else a float64 array
#: of the broadcast shape (typed ``Any``, as NumPy types its ufuncs, so callers need no casts).
FloatOrArray: TypeAlias = Any
#: What :func:`beaufre_pattern` returns: a str (None if an input is missing) for scalar input,
#: else an object array of them.
PatternOrArray: TypeAlias = Any


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------
_floats = as_floats


def _checked(x: Any, name: str, lo: float = -math.inf, hi: float = math.inf, *,
             allow_nan: bool = True, **kw: Any) -> FloatArray:
    """:func:`realpolitik.models._checks.checked` with NaN passing through by default (missing
    data stay missing)."""
    return checked(x, name, lo, hi, allow_nan=allow_nan, **kw)


def _out(a: FloatArray) -> FloatOrArray:
    """A Python float for a 0-d result, the array otherwise."""
    return float(a) if a.ndim == 0 else a


def _probability(x: FloatArray) -> FloatArray:
    """The logistic function 1/(1 + e^−x), overflow-free (via tanh)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# --------------------------------------------------------------------------------------------
# Beaufre's formula
# --------------------------------------------------------------------------------------------
@cites("beaufre1963", kind="model", name="beaufre_strategy_score")
def strategy_score(F: Any, psi: Any, tau: Any = 1.0, k: Any = 1.0) -> FloatOrArray:
    """Beaufre's strategy S = k · F · Ψ · τ, returned as **log S** (natural log).

    Parameters (NumPy-broadcast against each other; NaN = missing, propagates):

    F:
        Share of material force in the domain, ≥ 0 (unit-free; 0 gives log S = −inf).
    psi:
        Moral/psychological factor Ψ in (0, 2], 1 = normal (see :func:`psi_from_scores`).
    tau:
        Time available / time required, > 0 (1 = just enough; 0.5 = half the time needed).
    k:
        Domain weight k_d ≥ 0 (0 gives −inf).

    Returns log S, float for scalar input, else an array of the broadcast shape. Comparisons
    are differences: S_1/S_2 = exp(log S_1 − log S_2).

    >>> strategy_score(0.5, 1.0, 1.0, 1.0) == math.log(0.5)
    True
    >>> strategy_score([0.2, 0.5], psi=[1.0, 2.0], tau=0.5).round(4).tolist()
    [-2.3026, -0.6931]
    """
    f = _checked(F, "F", 0.0, hint="F is a share of material force: a number >= 0")
    p = _checked(psi, "psi", 0.0, PSI_MAX, lo_open=True,
                 hint="psi (Ψ) is the moral factor: greater than 0 and at most 2, 1 = normal")
    t = _checked(tau, "tau", 0.0, lo_open=True,
                 hint="tau (τ) is time available / time required: a positive number, 1 = enough")
    w = _checked(k, "k", 0.0, hint="k is a domain weight: a number >= 0")
    try:
        f, p, t, w = np.broadcast_arrays(f, p, t, w)
    except ValueError as exc:
        raise InputError(f"F, psi, tau and k have shapes that do not broadcast "
                         f"({np.shape(F)}, {np.shape(psi)}, {np.shape(tau)}, {np.shape(k)})",
                         "give arrays of one shape, or scalars") from exc
    with np.errstate(divide="ignore"):
        return _out(np.log(w) + np.log(f) + np.log(p) + np.log(t))


class TandemRatio(NamedTuple):
    """Result of :func:`tandem_ratio`; logs are natural logs, ratios are exp of them."""

    #: log((S_A + S_B)(1 + synergy)/S_C) per element (per domain).
    log_per_domain: FloatOrArray
    #: The same over the domain axis: log((Σ_d S_A,d + S_B,d)(1 + synergy)/Σ_d S_C,d).
    log_overall: FloatOrArray

    @property
    def per_domain(self) -> FloatOrArray:
        """(S_A + S_B)(1 + synergy)/S_C per domain (> 1: the tandem has the advantage)."""
        with np.errstate(over="ignore"):
            return _out(np.exp(np.asarray(self.log_per_domain, dtype=float)))

    @property
    def overall(self) -> FloatOrArray:
        """The ratio aggregated over the domains (sums of S, weighted by k inside S)."""
        with np.errstate(over="ignore"):
            return _out(np.exp(np.asarray(self.log_overall, dtype=float)))


@cites("beaufre1963", "nash1950", kind="model", name="beaufre_tandem_ratio")
def tandem_ratio(
    log_s_a: Any, log_s_b: Any, log_s_c: Any, synergy: Any = 0.0, *, axis: int = -1
) -> TandemRatio:
    """The tandem's strategic advantage (S_A + S_B)(1 + synergy)/S_C, from log scores.

    ``log_s_a, log_s_b, log_s_c`` are log S of the two partners and the adversary as returned by
    :func:`strategy_score` (−inf allowed: S = 0), broadcast together; ``axis`` is the domain
    axis over which the overall ratio sums the scores (for 0-d input the overall ratio is the
    per-domain one). ``synergy`` > −1 is the cooperation surplus of DESIGN §4.3 as a fraction
    (L′r/Lr − 1; 0 = partners merely add up, 0.2 = cooperation is worth 20 % more; negative
    values model friction). All sums are log-sum-exp, so nothing under- or overflows.

    >>> r = tandem_ratio(np.log([0.4, 0.2]), np.log([0.2, 0.2]), np.log([0.4, 0.6]))
    >>> r.per_domain.round(4).tolist(), round(r.overall, 4)
    ([1.5, 0.6667], 1.0)
    >>> round(tandem_ratio(0.0, 0.0, 0.0, synergy=0.25).overall, 4)
    2.5
    """
    hint = "log scores: finite numbers or -inf (S = 0), e.g. from strategy_score()"
    a = _checked(log_s_a, "log_s_a", allow_neg_inf=True, hint=hint)
    b = _checked(log_s_b, "log_s_b", allow_neg_inf=True, hint=hint)
    c = _checked(log_s_c, "log_s_c", allow_neg_inf=True, hint=hint)
    syn = _checked(synergy, "synergy", -1.0, lo_open=True,
                   hint="synergy is the cooperation surplus as a fraction, greater than -1")
    try:
        a, b, c = np.broadcast_arrays(a, b, c)
    except ValueError as exc:
        raise InputError("log_s_a, log_s_b and log_s_c have shapes that do not broadcast "
                         f"({a.shape}, {b.shape}, {c.shape})", "give one score per domain") from exc
    log_syn = np.log1p(syn)
    with np.errstate(divide="ignore", invalid="ignore"):
        tandem = np.logaddexp(a, b)
        per_domain = tandem + log_syn - c
        if tandem.ndim == 0:
            overall = per_domain
        else:
            if not -tandem.ndim <= axis < tandem.ndim:
                raise InputError(f"axis={axis} is not an axis of scores with {tandem.ndim} "
                                 "dimension(s)", "the default axis=-1 is the last one")
            overall = (np.logaddexp.reduce(tandem, axis=axis) + log_syn
                       - np.logaddexp.reduce(c, axis=axis))
    return TandemRatio(_out(per_domain), _out(np.asarray(overall)))


@cites("beaufre1963", "haushofer1927", kind="model", name="beaufre_psi")
def psi_from_scores(ideology: Any, leader: Any, information: Any = 0.0) -> FloatOrArray:
    """Beaufre's moral factor Ψ ∈ (0, 2] from Haushofer's ideology and leader scores.

    Ψ = min(2, 2 · sqrt(ideology · leader) · exp(information))

    * ``ideology``, ``leader`` in (0, 1] — the expert scores of
      :func:`realpolitik.measures.power.expert_scores` (0.5 = neutral). The geometric mean
      (as in the Haushofer index) means a strong leader cannot make up for a dead ideology;
      0.5/0.5 gives Ψ = 1 (normal), 1/1 gives 2 (the cap), 0.25/0.25 gives 0.5.
    * ``information`` — the information effect as a log-shift of Ψ (any finite number): a
      successful information offensive that raises morale by 10 % is ln 1.1 ≈ 0.095, one
      that erodes it by 10 % is ln 0.9 ≈ −0.105. The result is clipped at 2, never below 0.

    >>> psi_from_scores(0.5, 0.5)
    1.0
    >>> psi_from_scores([0.85, 0.45], [0.95, 0.35]).round(3).tolist()
    [1.797, 0.794]
    >>> psi_from_scores(0.5, 0.5, information=math.log(1.1))
    1.1
    """
    hint = "scores are in (0, 1], 0.5 = neutral (Haushofer expert table)"
    i = _checked(ideology, "ideology", 0.0, 1.0, lo_open=True, hint=hint)
    ldr = _checked(leader, "leader", 0.0, 1.0, lo_open=True, hint=hint)
    info = _checked(information, "information", hint="information is a log-shift of Ψ: a "
                    "finite number, 0 = no effect, ln(1.1) = +10 %")
    try:
        i, ldr, info = np.broadcast_arrays(i, ldr, info)
    except ValueError as exc:
        raise InputError("ideology, leader and information have shapes that do not broadcast",
                         "give arrays of one shape, or scalars") from exc
    psi = 2.0 * np.sqrt(i * ldr) * np.exp(info)
    return _out(np.minimum(psi, PSI_MAX))


# --------------------------------------------------------------------------------------------
# Beaufre's five patterns
# --------------------------------------------------------------------------------------------
#: Beaufre's five strategic patterns, in the order of his exposition.
PATTERNS: tuple[str, ...] = (
    "direct_threat",
    "indirect_pressure",
    "successive_actions",
    "protracted_struggle",
    "violent_conflict",
)

#: Variables a pattern rule may test.
PATTERN_VARIABLES: tuple[str, ...] = ("means_ratio", "stakes", "freedom")

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


@dataclass(frozen=True)
class PatternThresholds:
    """Named thresholds of the pattern table (DESIGN §4.2); change them with ``replace``.

    * ``stakes_high`` (0.5) — stakes at or above which the objective is "important" (stakes are
      scored in [0, 1]: 0 a marginal interest, 1 a vital one; Beaufre's modest vs important
      objective).
    * ``means_large`` (3.0) — means ratio (own / opponent's) at or above which the means are
      "very large", enough for a threat alone to impose one's will (direct threat). 3:1 is the
      classic planning ratio of an attacker over a defender, used here as a round heuristic
      [K] (Beaufre gives no number).
    * ``means_decisive`` (1.5) — means ratio at or above which a military decision is within
      reach when the stakes are important (violent conflict); below it the means are "limited"
      or "weak" [K].
    * ``freedom_large`` (0.5) — freedom of action (in [0, 1]: 0 fully constrained, e.g. by
      nuclear deterrence or alliances; 1 unconstrained) at or above which it is "large".
    """

    stakes_high: float = 0.5
    means_large: float = 3.0
    means_decisive: float = 1.5
    freedom_large: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            if not ok or v < 0:
                raise InputError(f"pattern threshold {f.name}={v!r} is not a number >= 0",
                                 "thresholds are finite numbers >= 0")
        for name in ("stakes_high", "freedom_large"):
            if getattr(self, name) > 1:
                raise InputError(f"pattern threshold {name}={getattr(self, name)!r} exceeds 1",
                                 "stakes and freedom are scored in [0, 1]")


@dataclass(frozen=True)
class PatternRule:
    """One row of the pattern table: the pattern and the conditions that must all hold.

    A condition is ``(variable, operator, threshold)``: a variable of
    :data:`PATTERN_VARIABLES`, one of ``<, <=, >, >=`` and the name of a
    :class:`PatternThresholds` field or a number.
    """

    pattern: str
    conditions: tuple[tuple[str, str, str | float], ...]
    beaufre: str = ""
    example: str = ""


#: Beaufre's table as an ordered rule list: the first rule whose conditions all hold wins. The
#: five rules are mutually exclusive and cover every (means, stakes, freedom), so the order
#: only matters for a user's own table. Wording after Beaufre (1963), ch. "Les modèles
#: stratégiques", from memory [K]; the numeric thresholds are ours (:class:`PatternThresholds`).
PATTERN_RULES: tuple[PatternRule, ...] = (
    PatternRule(
        "direct_threat",
        (("stakes", "<", "stakes_high"), ("means_ratio", ">=", "means_large")),
        "objectif modeste, moyens très puissants: la menace suffit à faire accepter les "
        "conditions [K]",
        "nuclear deterrence; the Cold War standoff",
    ),
    PatternRule(
        "indirect_pressure",
        (("stakes", "<", "stakes_high"), ("means_ratio", "<", "means_large")),
        "objectif modeste, moyens insuffisants pour une menace décisive, liberté d'action "
        "limitée: décision cherchée par des actions politiques, diplomatiques, économiques "
        "[K]",
        "Soviet political and economic pressure under the nuclear freeze",
    ),
    PatternRule(
        "successive_actions",
        (("stakes", ">=", "stakes_high"), ("means_ratio", "<", "means_decisive"),
         ("freedom", "<", "freedom_large")),
        "objectif important, moyens limités, marge de liberté d'action faible: actions "
        "successives, chacune limitée, combinant menace directe et pression indirecte — "
        "l'artichaut [K]",
        "Hitler 1936-1939: Rhineland, Anschluss, Sudetenland, Prague",
    ),
    PatternRule(
        "protracted_struggle",
        (("stakes", ">=", "stakes_high"), ("means_ratio", "<", "means_decisive"),
         ("freedom", ">=", "freedom_large")),
        "objectif important, moyens trop faibles pour une décision militaire, grande liberté "
        "d'action: lutte totale prolongée de faible intensité militaire [K]",
        "Mao's revolutionary war; Indochina and Algeria",
    ),
    PatternRule(
        "violent_conflict",
        (("stakes", ">=", "stakes_high"), ("means_ratio", ">=", "means_decisive")),
        "objectif important, moyens militaires suffisants: conflit violent visant la victoire "
        "militaire [K]",
        "Napoleon; the two world wars (Clausewitz's decisive battle)",
    ),
)

for _rule in PATTERN_RULES:
    register(f"beaufre_pattern:{_rule.pattern}", "strategy_pattern", ["beaufre1963"],
             f"{_rule.pattern.replace('_', ' ')}: {_rule.example}", __name__)


def _validate_rules(rules: Sequence[PatternRule], thresholds: PatternThresholds
                    ) -> list[tuple[str, list[tuple[str, Callable[[Any, Any], Any], float]]]]:
    names = {f.name for f in fields(thresholds)}
    out = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, PatternRule):
            raise InputError(f"pattern rule {i} is a {type(rule).__name__}, not a PatternRule",
                             "build rules with PatternRule(pattern, conditions)")
        conds = []
        for var, op, thr in rule.conditions:
            if var not in PATTERN_VARIABLES:
                raise InputError(f"pattern rule {rule.pattern!r} tests unknown variable {var!r}",
                                 "variables are " + ", ".join(PATTERN_VARIABLES))
            if op not in _OPS:
                raise InputError(f"pattern rule {rule.pattern!r} has unknown operator {op!r}",
                                 "operators are " + ", ".join(_OPS))
            if isinstance(thr, str):
                if thr not in names:
                    raise InputError(f"pattern rule {rule.pattern!r} names unknown threshold "
                                     f"{thr!r}", "thresholds are " + ", ".join(sorted(names)))
                value = float(getattr(thresholds, thr))
            else:
                value = float(thr)
            conds.append((var, _OPS[op], value))
        out.append((rule.pattern, conds))
    return out


@cites("beaufre1963", kind="model", name="beaufre_pattern")
def beaufre_pattern(
    means_ratio: Any,
    stakes: Any,
    freedom: Any,
    thresholds: PatternThresholds | None = None,
    rules: Sequence[PatternRule] = PATTERN_RULES,
) -> PatternOrArray:
    """Beaufre's strategic pattern for given means, stakes and freedom of action (vectorised).

    ``means_ratio`` > 0 — one's means over the opponent's (e.g. the tandem's over the
    adversary's); ``stakes`` in [0, 1] — importance of the objective (1 = vital);
    ``freedom`` in [0, 1] — freedom of action (0 = fully constrained). Arrays broadcast; NaN is
    missing and gives None. Returns the pattern name (a str for scalar input, else an object
    array): the first rule of ``rules`` (default :data:`PATTERN_RULES`) whose conditions all
    hold, with ``thresholds`` (default :class:`PatternThresholds`).

    >>> beaufre_pattern(4.0, 0.2, 0.5)
    'direct_threat'
    >>> beaufre_pattern([1.0, 1.0, 2.0], 0.8, [0.2, 0.8, 0.2]).tolist()
    ['successive_actions', 'protracted_struggle', 'violent_conflict']
    """
    th = PatternThresholds() if thresholds is None else thresholds
    if not isinstance(th, PatternThresholds):
        raise InputError(f"thresholds must be a PatternThresholds, not {type(th).__name__}",
                         "e.g. PatternThresholds(means_large=2.5)")
    table = _validate_rules(rules, th)
    m = _checked(means_ratio, "means_ratio", 0.0, hint="means_ratio is own means / the "
                 "opponent's: a number >= 0")
    s = _checked(stakes, "stakes", 0.0, 1.0, hint="stakes are scored in [0, 1], 1 = vital")
    f = _checked(freedom, "freedom", 0.0, 1.0,
                 hint="freedom of action is scored in [0, 1], 0 = fully constrained")
    try:
        m, s, f = np.broadcast_arrays(m, s, f)
    except ValueError as exc:
        raise InputError("means_ratio, stakes and freedom have shapes that do not broadcast",
                         "give arrays of one shape, or scalars") from exc
    values = {"means_ratio": m, "stakes": s, "freedom": f}
    missing = np.isnan(m) | np.isnan(s) | np.isnan(f)
    out = np.full(m.shape, None, dtype=object)
    undecided = ~missing
    for pattern, conds in table:
        hit = undecided.copy()
        for var, op, value in conds:
            hit &= op(values[var], value)
        out[hit] = pattern
        undecided &= ~hit
    return out[()] if out.ndim == 0 else out


def pattern_table(thresholds: PatternThresholds | None = None,
                  rules: Sequence[PatternRule] = PATTERN_RULES) -> pd.DataFrame:
    """The rule table as a DataFrame: ``order, pattern, rule, beaufre, example``.

    >>> pattern_table()[["pattern", "rule"]].iloc[0].tolist()
    ['direct_threat', 'stakes < 0.5 and means_ratio >= 3']
    """
    th = PatternThresholds() if thresholds is None else thresholds
    table = _validate_rules(rules, th)
    sym = {v: k for k, v in _OPS.items()}
    rows = []
    for i, (rule, (_, conds)) in enumerate(zip(rules, table, strict=True)):
        text = " and ".join(f"{var} {sym[op]} {value:g}" for var, op, value in conds)
        rows.append({"order": i + 1, "pattern": rule.pattern, "rule": text or "always",
                     "beaufre": rule.beaufre, "example": rule.example})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# The artichoke game
# --------------------------------------------------------------------------------------------
_DELTA_HINT = "a step delta is the leeway taken in one move: a number >= 0"
_THETA_HINT = "theta is the defender's tolerance threshold in units of leeway: a number >= 0"
_S_HINT = "s is the spread of the defender's response: a positive number (small = sharp)"
_COST_HINT = "cost C is what an answered step costs the challenger: a number >= 0"


@cites("schelling1966", "liddellhart1954", "beaufre1963", kind="game",
       name="artichoke_response_probability")
def response_probability(delta: Any, theta: Any, s: Any) -> FloatOrArray:
    """Probability that the defender answers a step δ: p = 1/(1 + exp(−(δ − θ)/s)).

    ``delta`` ≥ 0 the step (units of regional leeway), ``theta`` ≥ 0 the defender's tolerance
    threshold (p(θ) = 0.5), ``s`` > 0 the spread (p goes from 0.27 to 0.73 between θ − s and
    θ + s). Broadcast; result in (0, 1).

    >>> response_probability(1.0, 1.0, 0.2)
    0.5
    >>> response_probability([0.6, 1.4], 1.0, 0.2).round(4).tolist()
    [0.1192, 0.8808]
    """
    d = _checked(delta, "delta", 0.0, hint=_DELTA_HINT)
    t = _checked(theta, "theta", 0.0, hint=_THETA_HINT)
    sp = _checked(s, "s", 0.0, lo_open=True, hint=_S_HINT)
    return _out(np.asarray(_probability((d - t) / sp)))


@cites("schelling1966", "liddellhart1954", "beaufre1963", kind="game",
       name="artichoke_expected_step_value")
def expected_step_value(delta: Any, theta: Any, s: Any, cost: Any) -> FloatOrArray:
    """Expected gain of a step: E = δ·(1 − p(δ)) − C·p(δ) (units of leeway).

    An unanswered step (probability 1 − p) adds δ to the challenger's leeway; an answered one
    (probability p, :func:`response_probability`) gains nothing and costs ``cost`` C ≥ 0.

    >>> round(expected_step_value(1.0, 1.0, 0.2, 1.0), 4)
    0.0
    >>> round(expected_step_value(0.6, 1.0, 0.2, 1.0), 4)
    0.4093
    """
    c = _checked(cost, "cost", 0.0, hint=_COST_HINT)
    p = np.asarray(response_probability(delta, theta, s))
    d = _floats(delta, "delta", _DELTA_HINT)
    return _out(np.asarray(d * (1.0 - p) - c * p))


def _lambertw_exp(y: FloatArray) -> FloatArray:
    """W(e^y), the principal branch of Lambert's W at e^y, for any real y, without overflow.

    Solves u + e^u = y for u = ln W(e^y) by Newton's method; g(u) = u + e^u − y is increasing
    and convex, so from a start right of the root (u0 = y for y ≤ 1, ln y above) the iterates
    decrease monotonically to it. Accurate to about 1e-15 relative.
    """
    y = np.asarray(y, dtype=float)
    u = np.where(y > 1.0, np.log(np.maximum(y, 1.0)), y)
    for _ in range(100):
        eu = np.exp(u)
        step = (u + eu - y) / (1.0 + eu)
        u = u - step
        if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(u))):
            break
    return np.exp(u)


@cites("liddellhart1954", "beaufre1963", "corless1996", kind="game",
       name="artichoke_optimal_step")
def optimal_step(theta: Any, s: Any, cost: Any) -> FloatOrArray:
    """The step δ* ≥ 0 that maximises :func:`expected_step_value` (closed form, vectorised).

    Setting dE/dδ = (1 − p)(1 − (δ + C)p/s) = 0 gives (δ + C)·p(δ) = s, whose solution is

        δ* = s·(1 + W(exp((θ + C)/s − 1))) − C,   clipped at 0,

    with W Lambert's function (Corless et al. 1996), evaluated here in log space so any θ/s
    works. E rises then falls in δ, so δ* is the unique maximum. **δ* < θ exactly when
    θ + C > 2s**: then the step sits just under the threshold, δ* ≈ θ − s·ln((θ + C)/s − 1)
    (the challenger takes slightly less than the defender tolerates), and the accepted
    response risk is p(δ*) = s/(δ* + C) < 1/2. δ* rises with θ (an information offensive pays)
    and with s (a blurrier threshold), and falls with C. Stepping is worthwhile only if
    E(δ*) > 0; δ* = 0 means the best step is none.

    >>> round(optimal_step(1.0, 0.1, 1.0), 4)
    0.7214
    >>> optimal_step([1.0, 2.0, 4.0], 0.1, 1.0).round(3).tolist()
    [0.721, 1.675, 3.619]
    """
    t = _checked(theta, "theta", 0.0, hint=_THETA_HINT)
    sp = _checked(s, "s", 0.0, lo_open=True, hint=_S_HINT)
    c = _checked(cost, "cost", 0.0, hint=_COST_HINT)
    y = (t + c) / sp - 1.0
    delta = sp * (1.0 + _lambertw_exp(y)) - c
    return _out(np.asarray(np.where(np.isnan(delta), np.nan, np.maximum(delta, 0.0))))


@cites("beaufre1963", "liddellhart1954", kind="game", name="artichoke_information_offensive")
def information_offensive(theta: Any, effort: Any, elasticity: Any = 0.5) -> FloatOrArray:
    """The defender's threshold after an information offensive: θ′ = θ · (1 + effort)^elasticity.

    Beaufre's indirect strategy prepares each step psychologically ("action psychologique"):
    persuading the defender that a step is legitimate, minor or irreversible raises the
    tolerance threshold θ. ``effort`` ≥ 0 is the offensive's size relative to the defender's
    resistance (0 = none, 1 = a doubling of the base), ``elasticity`` ≥ 0 the response of ln θ
    to ln(1 + effort) (0 = no effect; 0.5 default, diminishing returns; 1 = proportional) [K].
    θ′ ≥ θ, with equality only for θ = 0, effort = 0 or elasticity = 0.

    >>> information_offensive(1.0, 3.0, 0.5)
    2.0
    """
    t = _checked(theta, "theta", 0.0, hint=_THETA_HINT)
    e = _checked(effort, "effort", 0.0, hint="effort is the information offensive's size "
                 "relative to the defender's resistance: a number >= 0")
    el = _checked(elasticity, "elasticity", 0.0,
                  hint="elasticity is d ln(theta) / d ln(1 + effort): a number >= 0")
    return _out(np.asarray(t * np.power(1.0 + e, el)))


@cites("schelling1966", kind="game", name="artichoke_adapt_threshold")
def adapt_threshold(theta: Any, delta: Any, eta: Any, floor: float = 0.0) -> FloatOrArray:
    """The defender's learning after a step: θ ← max(floor, θ − η·δ).

    Each slice taken makes the defender more vigilant (Schelling's salami tactics: the defender
    learns that small steps add up). ``eta`` ≥ 0 is the learning rate (0 = never learns, 1 =
    gives up one unit of tolerance per unit taken); ``floor`` ≥ 0 the lowest threshold (0: a
    step of any size is then answered with probability ≥ 1/2).

    >>> adapt_threshold(1.0, 0.5, 0.2)
    0.9
    >>> adapt_threshold([1.0, 0.05], 0.5, 0.2).round(3).tolist()
    [0.9, 0.0]
    """
    t = _checked(theta, "theta", 0.0, hint=_THETA_HINT)
    d = _checked(delta, "delta", 0.0, hint=_DELTA_HINT)
    h = _checked(eta, "eta", 0.0, hint="eta is the defender's learning rate: a number >= 0")
    fl = _scalar(floor, "floor", 0.0, False, "floor is the lowest threshold: a number >= 0")
    return _out(np.asarray(np.maximum(fl, t - h * d)))


def _scalar(x: Any, name: str, lo: float, lo_open: bool, hint: str) -> float:
    a = _checked(x, name, lo, lo_open=lo_open, hint=hint, allow_nan=False)
    if a.ndim:
        raise InputError(f"{name} must be a single number, not an array of shape {a.shape}",
                         hint)
    return float(a)


@cites("beaufre1963", "liddellhart1954", "schelling1966", "mazarr2015", kind="game",
       name="artichoke_simulation")
def simulate_artichoke(
    steps: int,
    theta0: Any,
    s: float,
    cost: float,
    eta: float,
    rng: np.random.Generator,
    *,
    delta: float | None = None,
    paths: int = 1,
    floor: float = 0.0,
) -> pd.DataFrame:
    """Play the artichoke game for ``steps`` moves on ``paths`` independent trajectories.

    At each move the challenger takes δ_t = :func:`optimal_step` (θ_t) (it knows θ_t: a myopic,
    well-informed challenger) or the fixed ``delta``, but pauses (δ_t = 0, no response
    drawn) when the expected value of its step is ≤ 0. The defender answers with probability
    p(δ_t) (one uniform draw per trajectory and move from ``rng``); an unanswered step adds δ_t
    to the leeway, an answered one costs ``cost``; then θ_{t+1} = max(floor, θ_t − η·δ_t)
    (:func:`adapt_threshold`, after every step taken). All trajectories advance together.

    Parameters: ``steps`` ≥ 1 moves; ``theta0`` ≥ 0 the initial threshold (scalar or one per
    path); ``s`` > 0; ``cost`` ≥ 0; ``eta`` ≥ 0; ``rng`` a :class:`numpy.random.Generator`
    (``numpy.random.default_rng(seed)``), the only source of randomness — the same seed gives
    the same result.

    Returns a DataFrame, one row per path and move: ``path, step`` (1-based), ``theta`` (before
    the move), ``delta, p_response, answered`` (bool), ``gain`` (δ if unanswered), ``cost``
    (C if answered), ``leeway`` (cumulative gain), ``net`` (cumulative gain − cost),
    ``theta_next``; ``attrs["provenance"]`` records the parameters and the generator's state
    before the run.

    >>> sim = simulate_artichoke(3, 1.0, 0.1, 1.0, 0.1, np.random.default_rng(7))
    >>> sim[["step", "theta", "delta", "answered"]].round(3).to_numpy().tolist()
    [[1, 1.0, 0.721, False], [2, 0.928, 0.654, False], [3, 0.863, 0.592, False]]
    """
    if not isinstance(rng, np.random.Generator):
        raise InputError(f"rng must be a numpy.random.Generator, not {type(rng).__name__}",
                         "pass numpy.random.default_rng(seed): realpolitik never uses global "
                         "randomness")
    for name, v, hi in (("steps", steps, 10_000_000), ("paths", paths, 10_000_000)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 1 <= v <= hi:
            raise InputError(f"{name}={v!r} is not a whole number in 1-{hi:,}",
                             f"e.g. {name}=20")
    if int(steps) * int(paths) > 50_000_000:
        raise InputError(f"steps × paths = {int(steps) * int(paths):,} rows is too many",
                         "keep steps × paths at most 50,000,000")
    n, m = int(steps), int(paths)
    th0 = _checked(theta0, "theta0", 0.0, hint=_THETA_HINT, allow_nan=False)
    if th0.ndim > 1 or (th0.ndim == 1 and len(th0) != m):
        raise InputError(f"theta0 has shape {th0.shape}, expected a number or {m} values",
                         "give one initial threshold, or one per path")
    sp = _scalar(s, "s", 0.0, True, _S_HINT)
    c = _scalar(cost, "cost", 0.0, False, _COST_HINT)
    h = _scalar(eta, "eta", 0.0, False, "eta is the defender's learning rate: a number >= 0")
    fl = _scalar(floor, "floor", 0.0, False, "floor is the lowest threshold: a number >= 0")
    fixed = None if delta is None else _scalar(delta, "delta", 0.0, False, _DELTA_HINT)
    rng_state = rng.bit_generator.state

    theta = np.broadcast_to(th0, (m,)).astype(float).copy()
    shape = (n, m)
    out = {k: np.empty(shape) for k in ("theta", "delta", "p", "gain", "cost", "theta_next")}
    answered_all = np.zeros(shape, dtype=bool)
    for t in range(n):  # moves depend on the previous threshold: a loop over time only
        step = (np.asarray(optimal_step(theta, sp, c), dtype=float) if fixed is None
                else np.full(m, fixed))
        value = np.asarray(expected_step_value(step, theta, sp, c), dtype=float)
        step = np.where(value > 0.0, step, 0.0)
        moving = step > 0.0
        p = np.asarray(response_probability(step, theta, sp), dtype=float)
        draw = rng.random(m)
        answered = moving & (draw < p)
        out["theta"][t] = theta
        out["delta"][t] = step
        out["p"][t] = np.where(moving, p, 0.0)
        out["gain"][t] = np.where(moving & ~answered, step, 0.0)
        out["cost"][t] = np.where(answered, c, 0.0)
        answered_all[t] = answered
        theta = np.maximum(fl, theta - h * step)
        out["theta_next"][t] = theta
    leeway = np.cumsum(out["gain"], axis=0)
    net = leeway - np.cumsum(out["cost"], axis=0)
    frame = pd.DataFrame({
        "path": np.tile(np.arange(m), n),
        "step": np.repeat(np.arange(1, n + 1), m),
        "theta": out["theta"].ravel(),
        "delta": out["delta"].ravel(),
        "p_response": out["p"].ravel(),
        "answered": answered_all.ravel(),
        "gain": out["gain"].ravel(),
        "cost": out["cost"].ravel(),
        "leeway": leeway.ravel(),
        "net": net.ravel(),
        "theta_next": out["theta_next"].ravel(),
    }).sort_values(["path", "step"], kind="stable").reset_index(drop=True)
    config = {"model": "artichoke", "steps": n, "paths": m,
              "theta0": th0.tolist(), "s": sp, "cost": c, "eta": h, "floor": fl,
              "delta": "optimal" if fixed is None else fixed,
              "rng": {"bit_generator": rng_state.get("bit_generator"),
                      "state": str(rng_state.get("state"))}}
    frame.attrs["provenance"] = {"package": "realpolitik", "version": __version__, "data": {},
                                 "config": config, "config_hash": config_hash(config),
                                 "seed": None}
    return frame


def thresholds_dict(thresholds: PatternThresholds | None = None) -> dict[str, float]:
    """The pattern thresholds as a plain dict (for provenance records)."""
    return asdict(PatternThresholds() if thresholds is None else thresholds)


def domain_weights(k: Mapping[str, float] | Sequence[float] | None) -> FloatArray:
    """k_d per domain in :data:`DOMAINS` order: None → 1/4 each; a mapping (missing → 0) or a
    sequence of four numbers ≥ 0, not all 0."""
    if k is None:
        return np.full(len(DOMAINS), 1.0 / len(DOMAINS))
    if isinstance(k, Mapping):
        unknown = [d for d in k if d not in DOMAINS]
        if unknown:
            raise InputError(f"k names unknown domain(s) {unknown}",
                             "domains are " + ", ".join(DOMAINS))
        vals = [k.get(d, 0.0) for d in DOMAINS]
    else:
        vals = list(k)
        if len(vals) != len(DOMAINS):
            raise InputError(f"k has {len(vals)} weights, expected {len(DOMAINS)}",
                             "one weight per domain: " + ", ".join(DOMAINS))
    w = _checked(vals, "k", 0.0, allow_nan=False, hint="k is a domain weight: a number >= 0")
    if not (w > 0).any():
        raise InputError("all domain weights k are 0", "give at least one domain a weight > 0")
    return w

