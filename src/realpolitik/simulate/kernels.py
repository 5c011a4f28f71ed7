"""Fused Numba kernels for the engine's hot loop (one call per chunk and year).

* :func:`advance` — log powers, the tandem's relative power, the adversary's response Ar, and
  Rg, for every trajectory of a chunk (step 1–3 of :mod:`realpolitik.simulate.engine`).
* :func:`account` — after the plane has classified the points: cohesion, label counts,
  histograms, per-block sums of Rg, Ar, cohesion and of each partner's leeway per component,
  and first entries into each region.

The leeway formulas are those of :mod:`realpolitik.models.leeway` — stand-alone leeway
d_i = P_i/(P_i + P_C), θ = logistic(κ ln(P_A/P_B)), Σ = Σ0·max(0, 1 + λ·Ar)·κ_c/κ_c0,
x_i = d_i + s_i·Σ, c_i = γ(1 − d_i)·max(0, Ar), per region the two-player Tullock equilibrium on
advantages tilted by (P_A/P_B)^(±μ/2): shares W·ã_i^m/(ã_A^m + ã_B^m), efforts
W·m·ã_A^m ã_B^m/(ã_A^m + ã_B^m)² — evaluated without temporaries. Tests check them against the
model functions to 1e-12. Sums run per block in trajectory order, so they do not depend on how
blocks are grouped into chunks. The kernels release the GIL; the engine runs chunks on threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

LN2 = math.log(2.0)


@njit(cache=True, nogil=True, fastmath=False)
def advance(x: np.ndarray, p: np.ndarray, ar: np.ndarray, t_hist: np.ndarray, head: int,
            draws: np.ndarray, step: int, block: int, drift: np.ndarray, vol: np.ndarray,
            response: bool, rho: float, gain: float, lag: int, policy_t: float, shock: float,
            g0: float, t0_rel: float, rg: np.ndarray) -> int:  # pragma: no cover - compiled
    """One year for every trajectory; returns the new head of the ring buffer ``t_hist``.

    ``draws`` has shape (blocks, steps, 4, block): trajectory j of the chunk is entry
    ``j % block`` of block ``j // block``.
    """
    n = x.shape[1]
    depth = t_hist.shape[0]
    new_head = (head - 1) % depth
    lag_row = (new_head + lag) % depth
    for j in range(n):
        bi = j // block
        jj = j - bi * block
        xa = x[0, j] + drift[0] + vol[0] * draws[bi, step, 0, jj]
        xb = x[1, j] + drift[1] + vol[1] * draws[bi, step, 1, jj]
        xc = x[2, j] + drift[2] + vol[2] * draws[bi, step, 2, jj]
        x[0, j] = xa
        x[1, j] = xb
        x[2, j] = xc
        pa = math.exp(xa)
        pb = math.exp(xb)
        p[0, j] = pa
        p[1, j] = pb
        p[2, j] = math.exp(xc)
        t_rel = math.log(pa + pb) - xc - t0_rel
        t_hist[new_head, j] = t_rel
        if response:
            ar[j] = rho * ar[j] + (1.0 - rho) * (gain * t_hist[lag_row, j] + policy_t) + \
                shock * draws[bi, step, 3, jj]
        else:
            ar[j] = policy_t + shock * draws[bi, step, 3, jj]
        rg[j] = ((xa - xb) - g0) / LN2
    return new_head


@njit(cache=True, nogil=True, fastmath=False)
def _bin(v: float, lo: float, width: float, nbins: int) -> int:  # pragma: no cover
    k = math.floor((v - lo) / width)
    if k < 0:
        return 0
    if k >= nbins:
        return nbins - 1
    return int(k)


@njit(cache=True, nogil=True, fastmath=False)
def account(t: int, label: np.ndarray, coh: np.ndarray, update: bool, targets: np.ndarray,
            rate: float, rg: np.ndarray, ar: np.ndarray, p: np.ndarray, x: np.ndarray,
            log_psi_c: float, psi: np.ndarray,
            bounds: np.ndarray, lo: np.ndarray, width: float, nbins: np.ndarray,
            hist_rg: np.ndarray, hist_ar: np.ndarray, hist_bf: np.ndarray,
            label_counts: np.ndarray, sum_rg: np.ndarray, sum_ar: np.ndarray,
            sum_coh: np.ndarray, sum_lee: np.ndarray, entered: np.ndarray,
            entry: np.ndarray, k0: float, sigma0: float, lam: float, kappa: float, m: float,
            mu: float, gamma: float, stake: np.ndarray, adv_a_m: np.ndarray,
            adv_b_m: np.ndarray) -> None:  # pragma: no cover - compiled
    """Update cohesion and accumulate every statistic of year ``t`` for the chunk.

    ``adv_a_m``, ``adv_b_m`` are the structural advantages raised to the decisiveness m.
    """
    nbk = bounds.shape[0] - 1
    nk = stake.shape[0]
    for b in range(nbk):
        s_rg = 0.0
        s_ar = 0.0
        s_coh = 0.0
        for j in range(bounds[b], bounds[b + 1]):
            lab = label[j]
            if update:
                coh[j] = coh[j] + rate * (targets[lab] - coh[j])
            c = coh[j]
            a = ar[j]
            label_counts[t, lab] += 1
            if not entered[lab, j]:
                entered[lab, j] = True
                entry[lab, t] += 1
            s_rg += rg[j]
            s_ar += a
            s_coh += c
            pa = p[0, j]
            pb = p[1, j]
            pc = p[2, j]
            bf = math.log(psi[0] * pa + psi[1] * pb) - (log_psi_c + x[2, j])
            hist_rg[t, _bin(rg[j], lo[0], width, nbins[0])] += 1
            hist_ar[t, _bin(a, lo[1], width, nbins[1])] += 1
            hist_bf[t, _bin(bf, lo[2], width, nbins[2])] += 1
            # -- the leeway game (models.leeway) --------------------------------------------
            da = pa / (pa + pc)
            db = pb / (pb + pc)
            lr = x[0, j] - x[1, j]
            if kappa == 1.0:  # the default: θ = P_A/(P_A + P_B), no exp
                theta = pa / (pa + pb)
            else:
                z = kappa * lr
                if z >= 0:
                    theta = 1.0 / (1.0 + math.exp(-z))
                else:
                    ez = math.exp(z)
                    theta = ez / (1.0 + ez)
            sig = sigma0 * max(0.0, 1.0 + lam * a) * (c / k0)
            v = (da + db) + sig
            g = v - (da + db)
            pos = max(0.0, a)
            ma = da + theta * g - gamma * (1.0 - da) * pos
            mb = db + (1.0 - theta) * g - gamma * (1.0 - db) * pos
            sum_lee[b, t, 0, 0] += ma
            sum_lee[b, t, 1, 0] += mb
            tot_a = ma
            tot_b = mb
            # ã_A^m / ã_B^m = (a_A/a_B)^m · u with u = (P_A/P_B)^(μ·m): one exp, one division
            # per region (shares W·f, W·(1 − f); efforts W·m·f·(1 − f))
            mum = mu * m
            if mum == 0.5:  # the default: u = sqrt(P_A/P_B)
                u = math.sqrt(pa / pb)
            else:
                u = math.exp(mum * lr)
            for k in range(nk):
                w = stake[k]
                am = adv_a_m[k] * u
                s = am + adv_b_m[k]
                if s > 0.0:
                    f = am / s
                    sa = w * f
                    sb = w - sa
                    e = w * m * f * (1.0 - f)
                else:
                    sa = 0.0
                    sb = 0.0
                    e = 0.0
                sum_lee[b, t, 0, 1 + k] += sa - e
                sum_lee[b, t, 1, 1 + k] += sb - e
                tot_a += sa - e
                tot_b += sb - e
            sum_lee[b, t, 0, nk + 1] += tot_a
            sum_lee[b, t, 1, nk + 1] += tot_b
        sum_rg[b, t] = s_rg
        sum_ar[b, t] = s_ar
        sum_coh[b, t] = s_coh


@njit(cache=True, nogil=True, fastmath=False)
def leeway_points(p: np.ndarray, ar: np.ndarray, coh: np.ndarray, k0: float, sigma0: float,
                  lam: float, kappa: float, m: float, mu: float, gamma: float,
                  stake: np.ndarray, adv_a: np.ndarray, adv_b: np.ndarray,
                  out: np.ndarray) -> None:  # pragma: no cover - compiled
    """The kernel's leeway per point, ``out[i, j, c]`` (partner, point, component), by running
    :func:`account` with one block per point (for tests against the model functions)."""
    n = p.shape[1]
    nk = stake.shape[0]
    bounds = np.arange(n + 1)
    label = np.zeros(n, dtype=np.int8)
    rg = np.zeros(n)
    lo = np.zeros(3)
    nbins = np.ones(3, dtype=np.int64)
    h = np.zeros((1, 1), dtype=np.int64)
    lc = np.zeros((1, 6), dtype=np.int64)
    s1 = np.zeros((n, 1))
    s2 = np.zeros((n, 1))
    s3 = np.zeros((n, 1))
    lee = np.zeros((n, 1, 2, nk + 2))
    entered = np.zeros((6, n), dtype=np.bool_)
    entry = np.zeros((6, 1), dtype=np.int64)
    x = np.log(p)
    account(0, label, coh.copy(), False, np.zeros(6), 0.0, rg, ar, p, x, 0.0, np.ones(3),
            bounds, lo, 1.0, nbins, h, h.copy(), h.copy(), lc, s1, s2, s3, lee, entered, entry,
            k0, sigma0, lam, kappa, m, mu, gamma, stake, adv_a ** m, adv_b ** m)
    for j in range(n):
        for i in range(2):
            for c in range(nk + 2):
                out[i, j, c] = lee[j, 0, i, c]
