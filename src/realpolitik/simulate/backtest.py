"""The backtest: score the alignment classifier against labelled history (DESIGN §5).

Pure arithmetic on the level features of :mod:`realpolitik.measures.backtest_features` (the only
place that reads data); parameters are :class:`~realpolitik.simulate.params.BacktestParams`.

**Classifier.** A case's level gap g = ln(P_strong/P_weak) and threat level
Ar_level = Σ_c w_c z_c at its start year are mapped onto the alignment plane,
x = (g − c_g)/s_g, y = (Ar_level − c_a)/s_a, and classified by an ordered-rules region map
(DESIGN §4.1): the predicted label is the map's hard label (:func:`~realpolitik.models.plane.
classify`), the probabilities come from :func:`~realpolitik.models.plane.classify_soft` with the
fitted temperature.

**Metrics** (:func:`score`): accuracy; macro-F1, the mean F1 over the labels present in the
true or the predicted labels (scikit-learn's convention); the 6×6 confusion matrix (rows true,
columns predicted, in the order of :data:`~realpolitik.models.labels.LABELS`); the multi-class
Brier score, mean over cases of Σ_k (p_k − y_k)² (0 perfect, 2 worst); the log loss,
−mean ln p_true with p_true clipped at 1e-6 (at most 13.8).

**Baselines** (:func:`fit_baselines`), fitted on the same training cases as the model:
``majority`` (the most frequent training label, probability 1), ``base_rates`` (the training
frequencies with add-one smoothing as probabilities; its hard label is the majority),
``capability_ratio`` (a rule on g alone: at most two cuts on g, each bin predicting its most
frequent training label — the cuts maximise training accuracy, ties going to fewer cuts, then to
the higher smoothed likelihood — with add-one smoothed bin frequencies as probabilities) and
``default_params`` (the classifier with the stated defaults, nothing fitted).

**Fitting** (:func:`fit_model`), in two stages on the training cases:

1. *The map* — c_g, c_a, the seven thresholds and the threat weights (13 parameters θ,
   :data:`THETA`: c_g, c_a, a_S, a_H − a_S, a_C − a_H, r_B0, beta, r_P, r_B0 − r_C and four
   softmax logits of the weights) minimise the mean Brier score of the soft classifier at a
   sharp temperature (:data:`SHARP_TEMPERATURE`, 0.1 plane units, so that the score is a
   smoothed count of hard-label errors) plus a Gaussian prior toward the defaults,
   λ/(2n)·Σ_j ((θ_j − θ0_j)/σ_j)². The scales s_g and s_a stay at their defaults: the hard
   labels do not change when the scales and the thresholds are multiplied together, so only
   the temperature would notice them. Every point of the bounded box is a valid region map
   (a_S > 0, a_H > a_S, a_C ≥ a_H, r_P < 0, r_C ≤ r_B0, beta ≥ 0), so no map is rejected.
   The prior (λ = 1 by default: the prior as stated) makes the redundant directions (a shift
   of c_g against the g-thresholds) identifiable and keeps 13 parameters from chasing 25
   cases. Optimiser: SciPy's ``differential_evolution`` (vectorised over the population,
   seeded, the defaults in the initial population) and an L-BFGS-B polish; the population's
   probabilities come from :func:`soft_probabilities`, a vectorised copy of ``classify_soft``'s
   ordered-rules formula (tested equal).
2. *The temperature* — ln T minimises the training log loss plus its prior (centre ln 0.25,
   sd 1), everything else fixed: temperature scaling, which calibrates the probabilities
   without moving the hard map.

Several prior strengths (``FitBudget.penalties``) are chosen among by an inner stratified
cross-validation on the training cases only. The Brier score in stage 1 is a deliberate
surrogate: the log loss of a sharp classifier is dominated by its confident errors and puts
boundaries through the cases instead of between them (it could not fit even the training
cases; see ``docs/discussion/backtest.md``).

**Cross-validation** (:func:`calibrate`): leave-one-out (default) or stratified k-fold over the
fitting rows — the scorable ``high`` + ``medium`` rows, as the cases README recommends; the
``low`` rows are never fitted and are predicted by the final fit (they are out of sample too).
Each fold fits the model, λ and the baselines on its training rows only, with a seed derived
from the root seed and the fold number alone. The headline scores are the out-of-fold ones;
in-sample scores are reported beside them and are not a measure of skill. The parameter file
keeps every fold's fit, so :func:`backtest` reproduces the cross-validated scores from it.
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import differential_evolution, minimize, minimize_scalar
from scipy.special import expit

from realpolitik.data.provenance import stamp
from realpolitik.errors import InputError
from realpolitik.measures.backtest_features import COMPONENT_GAPS, case_keys
from realpolitik.measures.threat import COMPONENTS, ThreatWeights
from realpolitik.models.labels import LABELS
from realpolitik.models.plane import classify, classify_soft
from realpolitik.simulate.params import (
    BacktestParams,
    BaselineFits,
    CapabilityRule,
    CVSummary,
    FitSettings,
    FittedOn,
    FoldFit,
    MapParams,
    ModelParams,
    Scores,
    Transform,
)

__all__ = [
    "BASELINES",
    "EPS",
    "THETA",
    "BacktestReport",
    "FitBudget",
    "accuracy",
    "backtest",
    "baseline_probabilities",
    "brier_score",
    "calibrate",
    "confusion_matrix",
    "fit_baselines",
    "fit_model",
    "fold_assignment",
    "log_loss",
    "macro_f1",
    "predict",
    "score",
    "soft_probabilities",
]

#: Labels: names or indices into LABELS.
LabelsLike = Sequence[Any] | NDArray[Any]
#: Probabilities are clipped here in the log loss.
EPS = 1e-6
#: Names of the baselines, in the order they are reported.
BASELINES: tuple[str, ...] = ("majority", "base_rates", "capability_ratio", "default_params")
_K = len(LABELS)
_LABEL_INDEX = {lab: i for i, lab in enumerate(LABELS)}
_PROB_COLS = tuple(f"p_{lab}" for lab in LABELS)

# --------------------------------------------------------------------------------------------
# The parameter vector θ: name, default (prior centre), prior sd, lower and upper bound
# --------------------------------------------------------------------------------------------
_D = MapParams()
_T0 = Transform()
#: (name, default, prior sd, low, high) of each fitted parameter.
THETA: tuple[tuple[str, float, float, float, float], ...] = (
    ("c_g", _T0.c_g, 1.0, -1.0, 5.0),
    ("c_a", _T0.c_a, 0.5, -2.5, 2.5),
    ("a_S", _D.a_S, 0.5, 0.01, 3.0),
    ("d_H", _D.a_H - _D.a_S, 0.5, 0.01, 3.0),
    ("d_C", _D.a_C - _D.a_H, 0.5, 0.0, 3.0),
    ("r_B0", _D.r_B0, 0.5, -3.0, 3.0),
    ("beta", _D.beta, 0.5, 0.0, 3.0),
    ("r_P", _D.r_P, 0.5, -3.0, -0.01),
    ("d_RC", _D.r_B0 - _D.r_C, 0.5, 0.0, 4.0),
    *((f"v_{c}", 0.0, 1.0, -4.0, 4.0) for c in COMPONENTS),
)
_THETA0 = np.array([t[1] for t in THETA])
_SIGMA = np.array([t[2] for t in THETA])
_BOUNDS = [(t[3], t[4]) for t in THETA]
#: Prior centre, prior sd and bounds of ln T, fitted in the second stage.
LN_T: tuple[float, float, float, float] = (math.log(_D.temperature), 1.0, math.log(0.02),
                                           math.log(3.0))
#: Temperature of the first stage (thresholds, transform, weights): sharp, so that the soft
#: classifier's log loss is a smoothed count of hard-label errors.
SHARP_TEMPERATURE = 0.1
_NV = 9  # position of the first weight logit in θ


def _softmax(v: NDArray[np.float64]) -> NDArray[np.float64]:
    e = np.exp(v - v.max(axis=0, keepdims=True))
    return np.asarray(e / e.sum(axis=0, keepdims=True))


def _theta_to_model(theta: NDArray[np.float64], temperature: float,
                    penalty: float | None) -> ModelParams:
    t = [float(x) for x in theta]
    w = _softmax(np.asarray(theta[_NV:_NV + 4], dtype=float)[:, None])[:, 0]
    a_h = t[2] + t[3]
    return ModelParams(
        transform=Transform(c_g=t[0], s_g=_T0.s_g, c_a=t[1], s_a=_T0.s_a),
        region_map=MapParams(a_S=t[2], a_H=a_h, a_C=a_h + t[4], r_B0=t[5], beta=t[6],
                             r_P=t[7], r_C=t[5] - t[8], temperature=float(temperature)),
        threat_weights=ThreatWeights(**{c: float(x) for c, x in zip(COMPONENTS, w,
                                                                    strict=True)}),
        penalty=penalty)


# --------------------------------------------------------------------------------------------
# Features as arrays
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Arrays:
    g: NDArray[np.float64]
    z: NDArray[np.float64]  # (n, 4) in the order of COMPONENTS
    y: NDArray[np.intp]
    high_medium: NDArray[np.bool_]
    great_power: NDArray[np.bool_]
    base_reason: list[str]
    keys: list[str]


_FEATURE_COLUMNS = ("case_id", "state_a", "state_b", "adversary", "year_start", "outcome",
                    "confidence", "g", "reason", *(f"z_{c}" for c in COMPONENTS))


def _arrays(features: pd.DataFrame) -> _Arrays:
    if not isinstance(features, pd.DataFrame):
        raise InputError("features must be the frame of backtest_features.case_features()")
    missing = [c for c in _FEATURE_COLUMNS if c not in features.columns]
    if missing:
        raise InputError(f"features lack column(s) {missing}",
                         "compute them with realpolitik.measures.backtest_features."
                         "case_features(read_cases(...))")
    return _Arrays(
        g=features["g"].to_numpy(float),
        z=features[[f"z_{c}" for c in COMPONENTS]].to_numpy(float),
        y=np.array([_LABEL_INDEX[o] for o in features["outcome"]], dtype=np.intp),
        high_medium=features["confidence"].isin(["high", "medium"]).to_numpy(bool),
        great_power=(features["great_power"].to_numpy(bool) if "great_power" in features
                     else np.zeros(len(features), dtype=bool)),
        base_reason=[str(r) for r in features["reason"]],
        keys=case_keys(features),
    )


def _unscorable(arr: _Arrays, weights: ThreatWeights) -> list[str]:
    """Why each case cannot be scored under these weights ('' if it can)."""
    w = weights.as_array()
    out = []
    for i in range(len(arr.g)):
        parts = [arr.base_reason[i]] if arr.base_reason[i] else []
        gaps = [c for k, c in enumerate(COMPONENTS) if w[k] > 0 and np.isnan(arr.z[i, k])]
        if gaps:
            parts.append("threat: " + "; ".join(f"{c} has no data ({COMPONENT_GAPS[c]})"
                                                for c in gaps))
        if not parts and not np.isfinite(arr.g[i]):
            parts.append("no power gap")
        out.append("; ".join(parts))
    return out


def _plane(arr: _Arrays, model: ModelParams) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                       NDArray[np.float64]]:
    t = model.transform
    w = model.threat_weights.as_array()
    used = w > 0
    with np.errstate(invalid="ignore"):
        ar_level = arr.z[:, used] @ w[used]
    return (arr.g - t.c_g) / t.s_g, (ar_level - t.c_a) / t.s_a, ar_level


def _model_probs(arr: _Arrays, model: ModelParams
                 ) -> tuple[NDArray[np.int8], NDArray[np.float64], list[str], dict[str, Any]]:
    """Hard labels (−1 unscorable), probabilities (NaN unscorable), reasons, coordinates."""
    reasons = _unscorable(arr, model.threat_weights)
    ok = np.array([r == "" for r in reasons], dtype=bool)
    x, y, ar_level = _plane(arr, model)
    m = model.region_map.region_map()
    labels = np.full(len(x), -1, dtype=np.int8)
    probs = np.full((len(x), _K), np.nan)
    if ok.any():
        labels[ok] = classify(x[ok], y[ok], m)
        probs[ok] = classify_soft(x[ok], y[ok], m)
    return labels, probs, reasons, {"rg": np.where(ok, x, np.nan),
                                    "ar": np.where(ok, y, np.nan), "ar_level": ar_level}


def predict(features: pd.DataFrame, params: BacktestParams | ModelParams) -> pd.DataFrame:
    """The classifier's prediction for each case with one set of parameters.

    Returns one row per case: ``case_id, scorable, reason, g, ar_level, rg, ar`` (the plane
    coordinates x, y), ``predicted`` (the hard label, NA where unscorable) and
    ``p_hedging … p_buck_passing``.
    """
    model = params.model() if isinstance(params, BacktestParams) else params
    arr = _arrays(features)
    labels, probs, reasons, coords = _model_probs(arr, model)
    names = np.array([*LABELS, None], dtype=object)[np.where(labels >= 0, labels, _K)]
    out = pd.DataFrame({"case_id": features["case_id"].to_numpy(),
                        "scorable": labels >= 0, "reason": reasons, "g": arr.g,
                        "ar_level": coords["ar_level"], "rg": coords["rg"], "ar": coords["ar"],
                        "predicted": names,
                        **{c: probs[:, i] for i, c in enumerate(_PROB_COLS)}})
    return out


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------
def _as_index(labels: LabelsLike) -> NDArray[np.intp]:
    arr = np.asarray(labels)
    if arr.dtype.kind in "iu":
        return arr.astype(np.intp)
    try:
        return np.array([_LABEL_INDEX[str(x)] for x in arr], dtype=np.intp)
    except KeyError as exc:
        raise InputError(f"unknown label {exc.args[0]!r}", "use one of " + ", ".join(LABELS)
                         ) from None


def accuracy(y_true: LabelsLike, y_pred: LabelsLike) -> float:
    """Share of cases whose predicted label is the true one.

    >>> accuracy(["hedging", "bandwagoning"], ["hedging", "hedging"])
    0.5
    """
    t, p = _as_index(y_true), _as_index(y_pred)
    return float(np.mean(t == p)) if len(t) else float("nan")


def confusion_matrix(y_true: LabelsLike, y_pred: LabelsLike) -> NDArray[np.int64]:
    """6×6 counts: row = true label, column = predicted label, in the order of LABELS."""
    t, p = _as_index(y_true), _as_index(y_pred)
    cm = np.zeros((_K, _K), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def macro_f1(y_true: LabelsLike, y_pred: LabelsLike) -> float:
    """Mean F1 over the labels present in the true or the predicted labels.

    >>> round(macro_f1(["hedging", "bandwagoning"], ["hedging", "hedging"]), 4)
    0.3333
    """
    cm = confusion_matrix(y_true, y_pred)
    present = (cm.sum(axis=0) + cm.sum(axis=1)) > 0
    if not present.any():
        return float("nan")
    tp = np.diag(cm).astype(float)
    denom = cm.sum(axis=0) + cm.sum(axis=1)
    f1 = np.divide(2 * tp, denom, out=np.zeros(_K), where=denom > 0)
    return float(f1[present].mean())


def brier_score(y_true: LabelsLike, probs: NDArray[np.float64]) -> float:
    """Mean over cases of Σ_k (p_k − y_k)² (0 perfect, 2 worst).

    >>> brier_score(["hedging"], np.array([[0.5, 0.5, 0, 0, 0, 0]]))
    0.5
    """
    t = _as_index(y_true)
    p = np.asarray(probs, dtype=float)
    onehot = np.eye(_K)[t]
    return float(np.mean(((p - onehot) ** 2).sum(axis=1))) if len(t) else float("nan")


def log_loss(y_true: LabelsLike, probs: NDArray[np.float64], eps: float = EPS) -> float:
    """−mean ln p_true, with p_true clipped to [eps, 1].

    >>> round(log_loss(["hedging"], np.array([[0.5, 0.5, 0, 0, 0, 0]])), 4)
    0.6931
    """
    t = _as_index(y_true)
    p = np.asarray(probs, dtype=float)
    if not len(t):
        return float("nan")
    return float(-np.mean(np.log(np.clip(p[np.arange(len(t)), t], eps, 1.0))))


def score(y_true: LabelsLike, y_pred: LabelsLike, probs: NDArray[np.float64],
          n_unscorable: int = 0) -> dict[str, Any]:
    """Every metric of one set of predictions, with the confusion matrix (as lists)."""
    t = _as_index(y_true)
    if not len(t):
        return {"accuracy": None, "macro_f1": None, "brier": None, "log_loss": None,
                "n_scored": 0, "n_unscorable": int(n_unscorable),
                "confusion_matrix": np.zeros((_K, _K), dtype=int).tolist()}
    return {"accuracy": accuracy(t, y_pred), "macro_f1": macro_f1(t, y_pred),
            "brier": brier_score(t, probs), "log_loss": log_loss(t, probs),
            "n_scored": len(t), "n_unscorable": int(n_unscorable),
            "confusion_matrix": confusion_matrix(t, y_pred).tolist()}


# --------------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------------
def _smoothed(counts: NDArray[np.float64], alpha: float = 1.0) -> NDArray[np.float64]:
    c = np.asarray(counts, dtype=float) + alpha
    return np.asarray(c / c.sum())


def _majority(counts: NDArray[np.float64], tie: NDArray[np.float64] | None = None) -> int:
    """Most frequent label; ties go to the more frequent one in ``tie``, then LABELS order."""
    key = counts * 1e6 + (tie if tie is not None else 0)
    return int(np.argmax(key))


def _capability_rule(g: NDArray[np.float64], y: NDArray[np.intp], max_cuts: int = 2
                     ) -> CapabilityRule:
    overall = np.bincount(y, minlength=_K).astype(float)
    vals = np.unique(g)
    mids = (vals[:-1] + vals[1:]) / 2 if len(vals) > 1 else np.empty(0)
    candidates: list[tuple[float, ...]] = [()]
    candidates += [(float(c),) for c in mids]
    if max_cuts >= 2:
        candidates += [(float(a), float(b)) for i, a in enumerate(mids) for b in mids[i + 1:]]
    best_key: tuple[int, int, float] | None = None
    best_rule: CapabilityRule | None = None
    for cuts in candidates:  # fewest cuts first, then the cuts in increasing order
        bins = np.searchsorted(np.array(cuts), g, side="right")
        labels, probs, correct, loglik = [], [], 0, 0.0
        for b in range(len(cuts) + 1):
            counts = np.bincount(y[bins == b], minlength=_K).astype(float)
            lab = _majority(counts, overall)
            p = _smoothed(counts)
            correct += int(counts[lab])
            loglik += float((counts * np.log(p)).sum())
            labels.append(LABELS[lab])
            probs.append({LABELS[k]: float(p[k]) for k in range(_K)})
        key = (correct, -len(cuts), loglik)
        if best_key is None or key > best_key:
            best_key = key
            best_rule = CapabilityRule(cuts=list(cuts), labels=labels, probabilities=probs)
    assert best_rule is not None
    return best_rule


def fit_baselines(g: NDArray[np.float64], y: LabelsLike) -> BaselineFits:
    """The majority, base-rate and capability-ratio baselines fitted on (g, labels).

    >>> b = fit_baselines(np.array([0.1, 0.2, 3.0, 3.5]),
    ...                   ["hard_balancing", "hard_balancing", "bandwagoning", "bandwagoning"])
    >>> b.majority, b.capability.cuts, b.capability.labels
    ('bandwagoning', [1.6], ['hard_balancing', 'bandwagoning'])
    """
    t = _as_index(y)
    gg = np.asarray(g, dtype=float)
    if len(t) == 0:
        raise InputError("no training cases to fit the baselines on")
    counts = np.bincount(t, minlength=_K).astype(float)
    rates = _smoothed(counts)
    return BaselineFits(majority=LABELS[_majority(counts)],
                        base_rates={LABELS[k]: float(rates[k]) for k in range(_K)},
                        capability=_capability_rule(gg, t))


def baseline_probabilities(fits: BaselineFits, g: NDArray[np.float64]
                           ) -> dict[str, tuple[NDArray[np.intp], NDArray[np.float64]]]:
    """(hard labels, probabilities) of each fitted baseline at gaps ``g`` (NaN g → the
    capability rule's first bin is never guessed: its row is NaN and its label −1)."""
    gg = np.asarray(g, dtype=float)
    n = len(gg)
    maj = _LABEL_INDEX[fits.majority]
    rates = np.array([fits.base_rates[lab] for lab in LABELS])
    rule = fits.capability
    bins = np.searchsorted(np.array(rule.cuts, dtype=float), gg, side="right")
    cap_lab = np.array([_LABEL_INDEX[lab] for lab in rule.labels], dtype=np.intp)[bins]
    cap_p = np.array([[p[lab] for lab in LABELS] for p in rule.probabilities])[bins]
    bad = ~np.isfinite(gg)
    cap_lab = np.where(bad, -1, cap_lab)
    cap_p[bad] = np.nan
    return {"majority": (np.full(n, maj, dtype=np.intp), np.tile(np.eye(_K)[maj], (n, 1))),
            "base_rates": (np.full(n, maj, dtype=np.intp), np.tile(rates, (n, 1))),
            "capability_ratio": (cap_lab, cap_p)}


# --------------------------------------------------------------------------------------------
# The vectorised soft classifier and the fitting objective
# --------------------------------------------------------------------------------------------
def soft_probabilities(rg: NDArray[np.float64], ar: NDArray[np.float64],
                       thresholds: dict[str, NDArray[np.float64]],
                       temperature: NDArray[np.float64]) -> NDArray[np.float64]:
    """``classify_soft`` of the ordered-rules map (no options) for many maps at once.

    ``rg``, ``ar`` and every threshold array broadcast (e.g. maps along axis 0, points along
    axis 1); returns the broadcast shape plus a last axis of the six labels. Equal to
    :func:`~realpolitik.models.plane.classify_soft` to rounding.
    """
    T = temperature

    def pair(s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        return expit(s / T), expit(-s / T)

    a_s, a_h, a_c = thresholds["a_S"], thresholds["a_H"], thresholds["a_C"]
    r_b = thresholds["r_B0"] - thresholds["beta"] * np.maximum(ar - a_s, 0.0)
    up, upc = pair(ar - a_h)
    b, bc = pair(rg - r_b)
    ca, cac = pair(ar - a_c)
    cb, cbc = pair(thresholds["r_C"] - rg)
    p, pc = pair(thresholds["r_P"] - rg)
    x, xc = pair(a_s - ar)
    chain = ca * cb
    no_chain = ca * cbc + cac
    upb = up * bc
    low = upc * pc
    low2 = low * xc
    return np.stack([low * x, b * (up + low2), low2 * bc, upb * no_chain, upb * chain,
                     upc * p], axis=-1)


def _plane_batch(theta: NDArray[np.float64], g: NDArray[np.float64], z: NDArray[np.float64]
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64],
                            dict[str, NDArray[np.float64]]]:
    """Plane coordinates (S, n) and thresholds (S, 1) of S parameter vectors θ (13, S)."""
    col = [theta[j][:, None] for j in range(_NV)]  # (S, 1)
    w = _softmax(theta[_NV:_NV + 4])  # (4, S)
    ar_level = (z @ w).T  # (S, n)
    x = (g[None, :] - col[0]) / _T0.s_g
    y = (ar_level - col[1]) / _T0.s_a
    a_h = col[2] + col[3]
    thr = {"a_S": col[2], "a_H": a_h, "a_C": a_h + col[4], "r_B0": col[5], "beta": col[6],
           "r_P": col[7], "r_C": col[5] - col[8]}
    return x, y, thr


def _nll(probs: NDArray[np.float64], y: NDArray[np.intp]) -> NDArray[np.float64]:
    """Mean log loss over the last-but-one axis (cases) of probabilities (..., n, 6)."""
    p_true = np.take_along_axis(probs, np.broadcast_to(y[:, None], (*probs.shape[:-1], 1)),
                                axis=-1)[..., 0]
    return np.asarray(-np.log(np.clip(p_true, EPS, 1.0)).mean(axis=-1))


def _brier(probs: NDArray[np.float64], y: NDArray[np.intp]) -> NDArray[np.float64]:
    """Mean multi-class Brier score over the last-but-one axis of probabilities (..., n, 6)."""
    onehot = np.eye(_K)[y]
    return np.asarray(((probs - onehot) ** 2).sum(axis=-1).mean(axis=-1))


def _objective(g: NDArray[np.float64], z: NDArray[np.float64], y: NDArray[np.intp],
               penalty: float, temperature: float
               ) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """Stage 1: mean Brier score at a fixed (sharp) temperature plus the prior, for θ of shape
    (13,) or (13, S)."""
    n = len(y)

    def f(theta: NDArray[np.float64]) -> NDArray[np.float64]:
        th = np.asarray(theta, dtype=float)
        single = th.ndim == 1
        if single:
            th = th[:, None]
        x, ya, thr = _plane_batch(th, g, z)
        probs = soft_probabilities(x, ya, thr, np.asarray(temperature))
        prior = (((th - _THETA0[:, None]) / _SIGMA[:, None]) ** 2).sum(axis=0)
        out = _brier(probs, y) + penalty * prior / (2.0 * n)
        return out[0] if single else out

    return f


@dataclass(frozen=True)
class FitBudget:
    """How the fit works: differential evolution's population size (per parameter) and
    generations, the prior strengths λ to choose from (one: no choice; several: chosen by
    inner stratified cross-validation on the training cases), the inner folds, the L-BFGS-B
    polish, and the first stage's temperature."""

    popsize: int = 15
    maxiter: int = 300
    penalties: tuple[float, ...] = (1.0,)
    inner_folds: int = 5
    polish: bool = True
    sharp_temperature: float = SHARP_TEMPERATURE

    @classmethod
    def from_settings(cls, s: FitSettings) -> FitBudget:
        return cls(popsize=s.popsize, maxiter=s.maxiter, penalties=tuple(s.penalties),
                   inner_folds=s.inner_folds, sharp_temperature=s.sharp_temperature)


_DE_SEED_KW = "rng" if "rng" in inspect.signature(differential_evolution).parameters else "seed"


def _seed(root: int, *path: int) -> int:
    ss = np.random.SeedSequence(root, spawn_key=tuple(int(p) for p in path))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _fit_theta(g: NDArray[np.float64], z: NDArray[np.float64], y: NDArray[np.intp],
               penalty: float, seed: int, budget: FitBudget) -> NDArray[np.float64]:
    """Stage 1: transform, thresholds and weights at the sharp temperature."""
    f = _objective(g, z, y, penalty, budget.sharp_temperature)
    kw: dict[str, Any] = {_DE_SEED_KW: seed}
    res = differential_evolution(
        f, _BOUNDS, maxiter=budget.maxiter, popsize=budget.popsize, tol=1e-8, polish=False,
        init="latinhypercube", x0=_THETA0, vectorized=True, updating="deferred", **kw)
    best = np.asarray(res.x, dtype=float)
    if budget.polish:
        pol = minimize(lambda t: float(f(t)), best, method="L-BFGS-B", bounds=_BOUNDS,
                       options={"maxiter": 200})
        if np.isfinite(pol.fun) and pol.fun <= float(f(best)):
            best = np.asarray(pol.x, dtype=float)
    return best


def _fit_temperature(theta: NDArray[np.float64], g: NDArray[np.float64],
                     z: NDArray[np.float64], y: NDArray[np.intp], penalty: float) -> float:
    """Stage 2: ln T minimising the training log loss plus its prior, the rest fixed."""
    x, ya, thr = _plane_batch(theta[:, None], g, z)
    mu, sd, lo, hi = LN_T
    n = len(y)

    def f(ln_t: float) -> float:
        probs = soft_probabilities(x, ya, thr, np.asarray(math.exp(ln_t)))
        return float(_nll(probs, y)[0]) + penalty * ((ln_t - mu) / sd) ** 2 / (2.0 * n)

    res = minimize_scalar(f, bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-5})
    grid = np.linspace(lo, hi, 41)  # guard against a local minimum of the bounded search
    best = min([float(res.x), *grid.tolist()], key=f)
    return math.exp(best)


def fold_assignment(y: LabelsLike, folds: int | Literal["loo"], seed: int
                    ) -> NDArray[np.intp]:
    """Fold number of each case: leave-one-out (case i in fold i) or stratified k-fold (each
    label's cases shuffled with ``seed`` and dealt round-robin, continuing where the previous
    label stopped, so fold sizes differ by at most one)."""
    t = _as_index(y)
    n = len(t)
    if folds == "loo":
        return np.arange(n, dtype=np.intp)
    k = int(folds)
    if k < 2:
        raise InputError(f"{k} folds: cross-validation needs at least 2", "use 'loo' or K ≥ 2")
    if k > n:
        raise InputError(f"{k} folds for {n} cases", f"use at most {n} folds, or 'loo'")
    rng = np.random.default_rng(seed)
    out = np.empty(n, dtype=np.intp)
    pos = 0
    for lab in range(_K):
        members = np.flatnonzero(t == lab)
        rng.shuffle(members)
        for m in members:
            out[m] = pos % k
            pos += 1
    return out


def _fit_once(g: NDArray[np.float64], z: NDArray[np.float64], y: NDArray[np.intp],
              penalty: float, seed: int, budget: FitBudget) -> ModelParams:
    theta = _fit_theta(g, z, y, penalty, seed, budget)
    return _theta_to_model(theta, _fit_temperature(theta, g, z, y, penalty), penalty)


def fit_model(g: NDArray[np.float64], z: NDArray[np.float64], y: LabelsLike, *,
              seed: int, budget: FitBudget = FitBudget()) -> ModelParams:
    """Fit the classifier on training cases (gaps ``g``, threat components ``z`` (n, 4),
    labels ``y``) in two stages: transform, thresholds and weights at the sharp temperature
    (so that the hard map fits), then the temperature alone (so that the probabilities are
    calibrated). With several ``budget.penalties``, λ is chosen by inner stratified
    cross-validation on these cases only. Deterministic given ``seed``."""
    t = _as_index(y)
    gg = np.asarray(g, dtype=float)
    zz = np.asarray(z, dtype=float)
    if len(t) < 2:
        raise InputError(f"{len(t)} training case(s): the fit needs at least 2")
    if not (np.isfinite(gg).all() and np.isfinite(zz).all()):
        raise InputError("training cases must have every feature (g and the four threat "
                         "components)", "leave out the unscorable cases")
    penalties = tuple(float(p) for p in budget.penalties)
    if not penalties:
        raise InputError("no penalty to fit with", "give at least one λ ≥ 0")
    lam = penalties[0]
    if len(penalties) > 1:
        k = min(budget.inner_folds, len(t))
        inner = fold_assignment(t, k, _seed(seed, 0))
        losses = []
        for j, pen in enumerate(penalties):
            total = 0.0
            for f in range(k):
                tr, te = inner != f, inner == f
                m = _fit_once(gg[tr], zz[tr], t[tr], pen, _seed(seed, 1, j, f), budget)
                p = _model_soft(m, gg[te], zz[te])
                total += float(_nll(p, t[te])) * int(te.sum())
            losses.append(total / len(t))
        lam = penalties[int(np.argmin(losses))]
    return _fit_once(gg, zz, t, lam, _seed(seed, 2), budget)


def _model_soft(model: ModelParams, g: NDArray[np.float64], z: NDArray[np.float64]
                ) -> NDArray[np.float64]:
    """Soft probabilities of one model at features (through models.plane)."""
    tr = model.transform
    x = (g - tr.c_g) / tr.s_g
    y = (z @ model.threat_weights.as_array() - tr.c_a) / tr.s_a
    return np.asarray(classify_soft(x, y, model.region_map.region_map()))


# --------------------------------------------------------------------------------------------
# Scoring a parameter file against cases
# --------------------------------------------------------------------------------------------
@dataclass
class BacktestReport:
    """What :func:`backtest` returns: per-case table, score blocks and notes."""

    cases: pd.DataFrame
    scores: dict[str, dict[str, Any]]
    baselines: dict[str, dict[str, dict[str, Any]]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"all", "high_medium", "baselines", "cases"}`` (JSON-ready)."""
        records = []
        for rec in self.cases.to_dict("records"):
            records.append({k: _plain(v) for k, v in rec.items()})
        baselines = {name: {s: b[s] for s in ("all", "high_medium")}
                     for name, b in self.baselines.items()}
        return {"all": self.scores["all"], "high_medium": self.scores["high_medium"],
                "baselines": baselines, "cases": records}


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    return v


_SUBSETS: dict[str, Callable[[_Arrays], NDArray[np.bool_]]] = {
    "all": lambda a: np.ones(len(a.g), dtype=bool),
    "high_medium": lambda a: a.high_medium,
    "great_powers": lambda a: a.great_power,
}


def _block(arr: _Arrays, subset: NDArray[np.bool_], labels: NDArray[Any],
           probs: NDArray[np.float64]) -> dict[str, Any]:
    ok = subset & (labels >= 0)
    return score(arr.y[ok], labels[ok], probs[ok], int((subset & (labels < 0)).sum()))


def backtest(features: pd.DataFrame, params: BacktestParams) -> BacktestReport:
    """Score ``params`` on the cases of ``features`` (from ``case_features``).

    A case that ``params`` held out in a cross-validation fold (matched by its key: case_id,
    partners, adversaries, start year — not its label) is scored with that fold's model and
    baselines: out of fold. Every other case is scored with the final fit and the baselines
    fitted beside it; if such a case was among those the parameters were fitted on, it is
    in-sample, and ``scored_by`` and the notes say so. Parameters without stored baselines
    (the defaults) get baselines cross-validated leave-one-out on the scorable high + medium
    cases of ``features`` (low rows: fitted on all of those).
    """
    if not isinstance(params, BacktestParams):
        raise InputError(f"params must be BacktestParams, not {type(params).__name__}")
    arr = _arrays(features)
    index = features.attrs.get("index")
    if index is not None and index != params.index:
        raise InputError(f"the features use the {index} index but the parameters were fitted "
                         f"on {params.index}", f"compute the features with index="
                         f"{params.index!r}, or fit parameters for {index} with calibrate")
    n = len(arr.g)
    fold_of = {key: ff for ff in params.folds for key in ff.test}
    fitted_keys = set(params.fitted_on.case_keys) if params.fitted_on else set()
    labels = np.full(n, -1, dtype=np.int8)
    probs = np.full((n, _K), np.nan)
    reasons = [""] * n
    coords = {c: np.full(n, np.nan) for c in ("rg", "ar", "ar_level")}
    scored_by = [""] * n
    groups: dict[int, list[int]] = {}
    for i, key in enumerate(arr.keys):
        ff = fold_of.get(key)
        groups.setdefault(-1 if ff is None else ff.fold, []).append(i)
    models = {ff.fold: ff for ff in params.folds}
    for fold, rows in groups.items():
        model = params.model() if fold < 0 else models[fold].model
        sub = _subset(arr, rows)
        lab, p, why, xy = _model_probs(sub, model)
        labels[rows], probs[rows] = lab, p
        for j, i in enumerate(rows):
            reasons[i] = why[j]
            if why[j]:
                scored_by[i] = "not scored"
            elif fold >= 0:
                scored_by[i] = f"cv fold {fold}"
            elif arr.keys[i] in fitted_keys:
                scored_by[i] = "final fit (in-sample)"
            else:
                scored_by[i] = "final fit (not fitted on)" if params.fitted else "defaults"
        for c in coords:
            coords[c][rows] = xy[c]
    base = _baseline_predictions(arr, params, groups, models)
    default_lab, default_p, _, _ = _model_probs(arr, ModelParams())
    base["default_params"] = (default_lab.astype(np.intp), default_p)
    names = np.array([*LABELS, None], dtype=object)
    table = features[["row", "case_id", "state_a", "state_b", "adversary", "year_start",
                      "year_end", "outcome", "confidence", "great_power", "stronger",
                      "weaker"]].copy() if "row" in features else features[["case_id"]].copy()
    table["g"] = arr.g
    for c in ("ar_level", "rg", "ar"):
        table[c] = coords[c]
    table["scorable"] = labels >= 0
    table["predicted"] = names[np.where(labels >= 0, labels, _K)]
    table["correct"] = pd.array([bool(c) if ok else None for c, ok in
                                 zip(labels == arr.y, labels >= 0, strict=True)],
                                dtype="boolean")
    p_true = probs[np.arange(n), arr.y]
    table["p_true"] = p_true
    for i, c in enumerate(_PROB_COLS):
        table[c] = probs[:, i]
    cap_lab = base["capability_ratio"][0]
    table["capability_predicted"] = names[np.where(cap_lab >= 0, cap_lab, _K)]
    table["scored_by"] = scored_by
    table["reason"] = reasons
    ok_model = labels >= 0
    scores = {name: _block(arr, sel(arr), labels, probs) for name, sel in _SUBSETS.items()}
    baselines: dict[str, dict[str, dict[str, Any]]] = {}
    for name in BASELINES:
        bl, bp = base[name]
        # scored on the rows the model scores, so that the comparison is like for like
        bl = np.where(ok_model & (bl >= 0), bl, -1)
        baselines[name] = {s: _block(arr, sel(arr), bl, bp) for s, sel in _SUBSETS.items()}
    notes = []
    n_in = sum(s == "final fit (in-sample)" for s in scored_by)
    if n_in:
        notes.append(f"{n_in} case(s) were scored by parameters fitted on them (in-sample): "
                     "their scores overstate the classifier's skill")
    stamp(table, config={"backtest": {"params_sha": _params_digest(params),
                                      "index": params.index}})
    return BacktestReport(table, scores, baselines, notes)


def _params_digest(params: BacktestParams) -> str:
    from realpolitik.data.provenance import config_hash

    return config_hash(params.model().model_dump())[:16]


def _subset(arr: _Arrays, rows: Sequence[int]) -> _Arrays:
    r = np.asarray(rows, dtype=np.intp)
    return _Arrays(arr.g[r], arr.z[r], arr.y[r], arr.high_medium[r], arr.great_power[r],
                   [arr.base_reason[i] for i in r], [arr.keys[i] for i in r])


def _baseline_predictions(arr: _Arrays, params: BacktestParams, groups: dict[int, list[int]],
                          models: dict[int, FoldFit]
                          ) -> dict[str, tuple[NDArray[np.intp], NDArray[np.float64]]]:
    n = len(arr.g)
    out = {name: (np.full(n, -1, dtype=np.intp), np.full((n, _K), np.nan))
           for name in BASELINES[:3]}
    if params.baselines is None:
        return _cv_baselines(arr)
    for fold, rows in groups.items():
        fits = params.baselines if fold < 0 else models[fold].baselines
        pred = baseline_probabilities(fits, arr.g[rows])
        for name, (lab, p) in pred.items():
            out[name][0][rows] = lab
            out[name][1][rows] = p
    return out


def _cv_baselines(arr: _Arrays) -> dict[str, tuple[NDArray[np.intp], NDArray[np.float64]]]:
    """Baselines without stored fits: leave-one-out over the fittable high + medium rows, the
    other rows predicted by baselines fitted on all of those."""
    n = len(arr.g)
    out = {name: (np.full(n, -1, dtype=np.intp), np.full((n, _K), np.nan))
           for name in BASELINES[:3]}
    fit = np.flatnonzero(arr.high_medium & np.isfinite(arr.g))
    if len(fit) < 2:
        return out
    for i in range(n):
        train = fit[fit != i]
        fits = fit_baselines(arr.g[train], arr.y[train])
        pred = baseline_probabilities(fits, arr.g[[i]])
        for name, (lab, p) in pred.items():
            out[name][0][i] = lab[0]
            out[name][1][i] = p[0]
    return out


# --------------------------------------------------------------------------------------------
# Calibration with cross-validation
# --------------------------------------------------------------------------------------------
Progress = Callable[[int, int, str], None]


def _scores_model(block: dict[str, Any]) -> Scores:
    return Scores(**{k: block[k] for k in Scores.model_fields})


_Job = tuple[int, NDArray[np.float64], NDArray[np.float64], NDArray[np.intp], int, FitBudget]


def _fit_job(job: _Job) -> tuple[int, ModelParams]:
    f, g, z, y, seed, budget = job
    return f, fit_model(g, z, y, seed=seed, budget=budget)


def _run_jobs(jobs: list[_Job], workers: int) -> Iterator[tuple[int, ModelParams]]:
    """Fit the jobs, in ``workers`` processes if more than one; yields as they finish."""
    if workers < 1:
        raise InputError(f"workers = {workers}: use 1 or more")
    if workers == 1 or len(jobs) < 2:
        for job in jobs:
            yield _fit_job(job)
        return
    import concurrent.futures as cf
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
        futures = [pool.submit(_fit_job, job) for job in jobs]
        for fut in cf.as_completed(futures):
            yield fut.result()


def calibrate(
    features: pd.DataFrame,
    *,
    folds: int | Literal["loo"] = "loo",
    seed: int = 20260101,
    budget: FitBudget = FitBudget(),
    fit_rows: Literal["high_medium", "all"] = "high_medium",
    command: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> BacktestParams:
    """Fit the classifier on ``features`` with cross-validation; return a parameter file.

    The fitting rows are the cases scorable with every threat component (all weights are
    positive) and, with ``fit_rows="high_medium"`` (default), of high or medium confidence.
    Each fold (leave-one-out or ``folds`` stratified folds over the fitting rows) fits the
    model (:func:`fit_model`) and the baselines on its training rows only, with the seed
    ``SeedSequence(seed, spawn_key=(fold,))``; the final fit uses every fitting row. The
    result carries every fold's fit, the out-of-fold scores (``cv``; low rows, never fitted,
    are scored by the final fit), the in-sample scores and the settings. ``progress(done,
    total, what)`` is called after each fit. ``workers`` > 1 fits folds in that many
    processes (the result does not depend on it).
    """
    t0 = time.perf_counter()
    arr = _arrays(features)
    complete = np.isfinite(arr.g) & np.isfinite(arr.z).all(axis=1) & np.array(
        [r == "" for r in arr.base_reason])
    rows_mask = complete & (arr.high_medium if fit_rows == "high_medium" else True)
    fit_idx = np.flatnonzero(rows_mask)
    if len(fit_idx) < 3:
        raise InputError(f"only {len(fit_idx)} scorable {fit_rows.replace('_', '+')} case(s) "
                         "to fit on", "calibration needs at least 3")
    assign = fold_assignment(arr.y[fit_idx], folds, _seed(seed, 999))
    n_folds = int(assign.max()) + 1
    total = n_folds + 1
    jobs = [(f, arr.g[fit_idx[assign != f]], arr.z[fit_idx[assign != f]],
             arr.y[fit_idx[assign != f]], _seed(seed, f), budget) for f in range(n_folds)]
    jobs.append((-1, arr.g[fit_idx], arr.z[fit_idx], arr.y[fit_idx], _seed(seed, 10**6),
                 budget))
    fitted: dict[int, ModelParams] = {}
    for done, (f, model) in enumerate(_run_jobs(jobs, workers), start=1):
        fitted[f] = model
        if progress is not None:
            progress(done, total, "final fit" if f < 0 else f"fold {f + 1} of {n_folds}")
    fold_fits = []
    for f in range(n_folds):
        train, test = fit_idx[assign != f], fit_idx[assign == f]
        fold_fits.append(FoldFit(fold=f, test=[arr.keys[i] for i in test], model=fitted[f],
                                 baselines=fit_baselines(arr.g[train], arr.y[train])))
    final = fitted[-1]
    final_baselines = fit_baselines(arr.g[fit_idx], arr.y[fit_idx])
    settings = FitSettings(folds=str(folds), fit_rows=fit_rows, popsize=budget.popsize,
                           maxiter=budget.maxiter, penalties=list(budget.penalties),
                           inner_folds=budget.inner_folds,
                           sharp_temperature=budget.sharp_temperature)
    fitted_on = FittedOn(source=str(features.attrs.get("source") or "cases"),
                         sha256=str(features.attrs.get("sha256") or ""), n_cases=len(arr.g),
                         n_fit=len(fit_idx), case_keys=[arr.keys[i] for i in fit_idx])
    params = BacktestParams(
        command=command, index=str(features.attrs.get("index") or "cinc"),  # type: ignore[arg-type]
        seed=seed, transform=final.transform, region_map=final.region_map,
        threat_weights=final.threat_weights, penalty=final.penalty, fitted_on=fitted_on,
        settings=settings, baselines=final_baselines, folds=fold_fits)
    cv_report = backtest(features, params)
    in_sample = backtest(features, params.model_copy(update={"folds": []}))
    cv = CVSummary(
        folds=str(folds), all=_scores_model(cv_report.scores["all"]),
        high_medium=_scores_model(cv_report.scores["high_medium"]),
        baselines={name: {s: _scores_model(b[s]) for s in ("all", "high_medium")}
                   for name, b in cv_report.baselines.items()},
        seconds=round(time.perf_counter() - t0, 1))
    return params.model_copy(update={
        "cv": cv,
        "in_sample": {s: _scores_model(in_sample.scores[s]) for s in ("all", "high_medium")}})
