"""Numba kernels for the engine's hot loop.

* :func:`run_block` — the engine's kernel: one block of trajectories over all years, fused —
  per year the block's normals (:func:`fill_normals`, NumPy's ``Generator(SFC64)`` numbers),
  the dynamics, the plane's hard label (:func:`_code`, the rules of
  :mod:`realpolitik.models.plane` with the plane's own table) and the statistics, all in
  cache. Used whenever the region map has no hysteresis.
* :func:`advance` — log powers, the tandem's relative power, the adversary's response Ar, and
  Rg, for every trajectory of a chunk (step 1–3 of :mod:`realpolitik.simulate.engine`);
* :func:`account` — after the plane has classified the points: cohesion, label counts,
  histograms, per-block sums of Rg, Ar, cohesion and of each partner's leeway per component,
  and first entries into each region. These two (one call per chunk and year, the plane's
  ``classify_path`` in between) run maps with hysteresis; ``run_block`` does the same
  arithmetic in the same order, so both paths give the same numbers, bit for bit (tested).

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
from numba.np.random import _constants as _zig  # NumPy's ziggurat tables

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


# ------------------------------------------------------------------------------------------
# the fused block kernel: random normals, advance, classification and account, year by year
# ------------------------------------------------------------------------------------------
# NumPy's ``Generator(SFC64(...)).standard_normal``, transcribed: the SFC64 step of
# numpy/random/src/sfc64 and the ziggurat of numpy/random/src/distributions (random_standard_
# normal, with NumPy's tables as Numba ships them). Inlined here it is several times faster than
# calling the bit generator through its function pointer, and it gives the same numbers
# (``tests/test_engine.py`` compares them with NumPy's on millions of draws, tails included).
_FI = _zig.fi_double
_KI = _zig.ki_double
_WI = _zig.wi_double
_ZIG_INV_R = _zig.ziggurat_nor_inv_r
_ZIG_R = _zig.ziggurat_nor_r

_U11 = np.uint64(11)
_U3 = np.uint64(3)
_U24 = np.uint64(24)
_U40 = np.uint64(40)
_U8 = np.uint64(8)
_U1 = np.uint64(1)
_UFF = np.uint64(0xFF)
_M52 = np.uint64(0x000FFFFFFFFFFFFF)
_D53 = 1.0 / 9007199254740992.0
_BIG = float(np.finfo(np.float64).max)


@njit(cache=True, nogil=True, fastmath=False)
def fill_normals(state: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Fill ``out`` (flat, C order) with standard normals from the SFC64 ``state`` (its four
    words ``a, b, c, counter`` as in ``SFC64.state['state']['state']``), advancing the state:
    the numbers ``np.random.Generator`` would draw from that bit generator."""
    a = state[0]
    b = state[1]
    c = state[2]
    w = state[3]
    n = out.shape[0]
    i = 0
    while i < n:
        # -- next_uint64 --
        r = a + b + w
        w += _U1
        a = b ^ (b >> _U11)
        b = c + (c << _U3)
        c = ((c << _U24) | (c >> _U40)) + r
        idx = np.int64(r & _UFF)
        r = r >> _U8
        rabs = (r >> _U1) & _M52
        # rabs < 2**52: exact as a signed conversion (cheaper); the sign by a multiplication by
        # ±1 (exact: the same as negating) rather than an unpredictable branch
        x = float(np.int64(rabs)) * _WI[idx] * (1.0 - 2.0 * float(np.int64(r & _U1)))
        if rabs < _KI[idx]:
            out[i] = x
            i += 1
            continue
        if idx == 0:
            while True:
                r = a + b + w
                w += _U1
                a = b ^ (b >> _U11)
                b = c + (c << _U3)
                c = ((c << _U24) | (c >> _U40)) + r
                u1 = float(np.int64(r >> _U11)) * _D53
                r = a + b + w
                w += _U1
                a = b ^ (b >> _U11)
                b = c + (c << _U3)
                c = ((c << _U24) | (c >> _U40)) + r
                u2 = float(np.int64(r >> _U11)) * _D53
                xx = -_ZIG_INV_R * np.log1p(-u1)
                yy = -np.log1p(-u2)
                if yy + yy > xx * xx:
                    if (rabs >> _U8) & _U1:
                        out[i] = -(_ZIG_R + xx)
                    else:
                        out[i] = _ZIG_R + xx
                    i += 1
                    break
        else:
            r = a + b + w
            w += _U1
            a = b ^ (b >> _U11)
            b = c + (c << _U3)
            c = ((c << _U24) | (c >> _U40)) + r
            u = float(np.int64(r >> _U11)) * _D53
            if (_FI[idx - 1] - _FI[idx]) * u + _FI[idx] < np.exp(-0.5 * x * x):
                out[i] = x
                i += 1
    state[0] = a
    state[1] = b
    state[2] = c
    state[3] = w


#: Layout of the ``plane`` parameter array of :func:`run_block` / :func:`classify_points`.
PLANE_FIELDS = ("ordered", "a_S", "a_H", "a_C", "r_B0", "beta", "r_P", "r_C", "fronts",
                "front_gap")


@njit(cache=True, nogil=True, fastmath=False, inline="always")
def _clip(v: float) -> float:  # pragma: no cover - compiled
    return min(max(v, -_BIG), _BIG)


@njit(cache=True, nogil=True, fastmath=False, inline="always")
def _code(rg: float, ar: float, fa: float, fb: float, use_fronts: bool, ordered: bool,
          a_s: float, a_h: float, a_c: float, r_b0: float, beta: float, r_p: float, r_c: float,
          gap: float) -> np.int64:  # pragma: no cover - compiled
    """The index into the label table (:func:`_label`) of one point, without branches (the
    points are random: branches would mispredict; this way the loop vectorises).

    The rules of ``realpolitik.models.plane`` (``_hard_chunk``): the same comparisons on the
    thresholds in force, packed into the same five bits (0–31) for the plane's own table;
    then front asymmetry (``_front_slack``: a partner whose front is below 0 while the other's
    is above a_S, the two differing by more than front_gap, passes the buck) as code 32.
    ±inf count as the largest finite numbers, as in ``plane``. The thresholds are those of
    ``plane`` (:data:`PLANE_FIELDS`), passed as scalars (loads from an array inside the loop
    would keep it from vectorising)."""
    rg = _clip(rg)
    ar = _clip(ar)
    if beta == 0.0:
        rb = r_b0
    else:  # r_B(Ar) = r_B0 − beta·max(0, Ar − a_S), evaluated as plane._rb does
        rb = max(ar - a_s, 0.0) * -beta + r_b0
    up = ar >= (a_h if ordered else a_s)
    last = (ar < a_s) if ordered else (ar >= a_h)
    code = (16 * np.int64(up) + 8 * np.int64(rg > rb)
            + 4 * np.int64((ar >= a_c) & (rg <= r_c))
            + 2 * np.int64(rg < r_p) + np.int64(last))
    if use_fronts:
        fa = _clip(fa)
        fb = _clip(fb)
        dd = fb - fa
        buck = ((-fa > 0.0) & (fb - a_s > 0.0) & (dd - gap > 0.0)) | \
            ((-fb > 0.0) & (fa - a_s > 0.0) & (-dd - gap > 0.0))
        code = np.int64(32) if buck else code
    return code


@njit(cache=True, nogil=True, fastmath=False, inline="always")
def _label(rg: float, ar: float, fa: float, fb: float, use_fronts: bool, lut: np.ndarray,
           plane: np.ndarray) -> np.int64:  # pragma: no cover - compiled
    """The hard label of one point: ``lut[_code(...)]``; ``lut`` is the plane's table of the
    map's kind (``plane._LUT[kind]``, 32 entries) followed by buck-passing (code 32)."""
    return np.int64(lut[_code(rg, ar, fa, fb, use_fronts, plane[0] != 0.0, plane[1], plane[2],
                              plane[3], plane[4], plane[5], plane[6], plane[7], plane[9])])


@njit(cache=True, nogil=True, fastmath=False)
def classify_points(rg: np.ndarray, ar: np.ndarray, fa: np.ndarray, fb: np.ndarray,
                    use_fronts: bool, lut: np.ndarray, plane: np.ndarray,
                    out: np.ndarray) -> None:  # pragma: no cover - compiled
    """The kernel's labels of points (what :func:`run_block` computes, for tests against
    ``plane.classify``)."""
    for j in range(rg.shape[0]):
        out[j] = _label(rg[j], ar[j], fa[j], fb[j], use_fronts, lut, plane)


#: Layout of the ``dyn`` parameter array of :func:`run_block`.
DYN_FIELDS = ("response", "rho", "gain", "shock", "g0", "t0_rel", "front_A", "front_B", "rate",
              "k0", "log_psi_c", "sigma0", "lam", "kappa", "m", "mu", "gamma", "width")


@njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
def run_block(state: np.ndarray, ln: int, ny: int, lag: int, x0: np.ndarray, p0: np.ndarray,
              drift: np.ndarray,
              vol: np.ndarray, policy: np.ndarray, dyn: np.ndarray, lut: np.ndarray,
              plane: np.ndarray, targets: np.ndarray, psi: np.ndarray, lo: np.ndarray,
              nbins: np.ndarray, stake: np.ndarray, adv_a_m: np.ndarray, adv_b_m: np.ndarray,
              hist_rg: np.ndarray, hist_ar: np.ndarray, hist_bf: np.ndarray,
              label_counts: np.ndarray, entry: np.ndarray, sum_rg: np.ndarray,
              sum_ar: np.ndarray, sum_coh: np.ndarray, sum_lee: np.ndarray, keep: bool,
              keep_rg: np.ndarray, keep_ar: np.ndarray, keep_label: np.ndarray,
              keep_coh: np.ndarray) -> int:  # pragma: no cover - compiled
    """One block of ``ln`` trajectories over ``ny`` years, everything fused: per year the
    block's normals (``fill_normals``, shape (4, ln) in C order: the order of
    ``chunk_draws``), :func:`advance`, the plane's label (:func:`_label`, no hysteresis), and
    :func:`account` — the same arithmetic in the same order, so the same numbers.

    ``sum_rg``, ``sum_ar``, ``sum_coh`` (ny,) and ``sum_lee`` (ny, 2, K + 2) are this block's
    rows; counts and histograms are added to. Returns 0, or 1 if a non-finite Rg or Ar arose
    (the caller raises, as ``plane.classify`` would)."""
    response = dyn[0] != 0.0
    rho = dyn[1]
    gain = dyn[2]
    shock = dyn[3]
    g0 = dyn[4]
    t0_rel = dyn[5]
    front_a = dyn[6]
    front_b = dyn[7]
    rate = dyn[8]
    k0 = dyn[9]
    log_psi_c = dyn[10]
    sigma0 = dyn[11]
    lam = dyn[12]
    kappa = dyn[13]
    m = dyn[14]
    mu = dyn[15]
    gamma = dyn[16]
    width = dyn[17]
    use_fronts = plane[8] != 0.0
    # scalars, not array loads, inside the loops (so that they vectorise)
    dr_a, dr_b, dr_c = drift[0], drift[1], drift[2]
    vo_a, vo_b, vo_c = vol[0], vol[1], vol[2]
    psi_a, psi_b = psi[0], psi[1]
    lo_rg, lo_ar, lo_bf = lo[0], lo[1], lo[2]
    nb_rg, nb_ar, nb_bf = nbins[0], nbins[1], nbins[2]
    ordered = plane[0] != 0.0
    p_as = plane[1]
    p_ah = plane[2]
    p_ac = plane[3]
    p_rb0 = plane[4]
    p_beta = plane[5]
    p_rp = plane[6]
    p_rc = plane[7]
    p_gap = plane[9]
    nk = stake.shape[0]
    nc = nk + 2
    depth = lag + 1
    eps = np.empty(4 * ln)
    xa_ = np.full(ln, x0[0])
    xb_ = np.full(ln, x0[1])
    xc_ = np.full(ln, x0[2])
    pa_ = np.full(ln, p0[0])
    pb_ = np.full(ln, p0[1])
    pc_ = np.full(ln, p0[2])
    ar_ = np.zeros(ln)
    rg_ = np.zeros(ln)
    bf_ = np.empty(ln)
    da_ = np.empty(ln)
    db_ = np.empty(ln)
    th_ = np.empty(ln)
    u_ = np.empty(ln)
    code_ = np.empty(ln, dtype=np.int64)
    bin_rg = np.empty(ln, dtype=np.int64)
    bin_ar = np.empty(ln, dtype=np.int64)
    bin_bf = np.empty(ln, dtype=np.int64)
    coh_ = np.full(ln, k0)
    t_hist = np.zeros((depth, ln))
    label = np.empty(ln, dtype=np.int8)
    entered = np.zeros((6, ln), dtype=np.bool_)
    acc = np.empty(2 * nc)
    reg_a = np.empty(nk)
    reg_b = np.empty(nk)
    head = 0
    bad = 0
    mum = mu * m
    lab0 = _label(0.0, 0.0, 0.0, 0.0, False, lut, plane)  # t0: classify(0, 0), no fronts
    for j in range(ln):
        label[j] = lab0
        bf_[j] = math.log(psi[0] * pa_[j] + psi[1] * pb_[j]) - (log_psi_c + xc_[j])
    for t in range(ny):
        update = t > 0
        if update:
            fill_normals(state, eps)
            new_head = (head - 1) % depth
            lag_row = (new_head + lag) % depth
            policy_t = policy[t]
            # -- advance (kernels.advance) --------------------------------------------------
            for j in range(ln):
                xa = xa_[j] + dr_a + vo_a * eps[j]
                xb = xb_[j] + dr_b + vo_b * eps[ln + j]
                xc = xc_[j] + dr_c + vo_c * eps[2 * ln + j]
                xa_[j] = xa
                xb_[j] = xb
                xc_[j] = xc
                pa = math.exp(xa)
                pb = math.exp(xb)
                pa_[j] = pa
                pb_[j] = pb
                pc_[j] = math.exp(xc)
                t_hist[new_head, j] = math.log(pa + pb) - xc - t0_rel
                if response:
                    ar_[j] = rho * ar_[j] + (1.0 - rho) * (gain * t_hist[lag_row, j] +
                                                           policy_t) + shock * eps[3 * ln + j]
                else:
                    ar_[j] = policy_t + shock * eps[3 * ln + j]
                bf_[j] = math.log(psi_a * pa + psi_b * pb) - (log_psi_c + xc)
            head = new_head
            # -- Rg and the plane's label (as a code into lut), vectorised -------------------
            nan = np.int64(0)
            for j in range(ln):
                a = ar_[j]
                r = ((xa_[j] - xb_[j]) - g0) / LN2
                rg_[j] = r
                nan |= np.int64(a != a) | np.int64(r != r)
                code_[j] = _code(r, a, front_a * a, front_b * a, use_fronts, ordered, p_as,
                                 p_ah, p_ac, p_rb0, p_beta, p_rp, p_rc, p_gap)
            bad |= int(nan)
        # -- histogram bins -----------------------------------------------------------------
        for j in range(ln):
            bin_rg[j] = _bin(rg_[j], lo_rg, width, nb_rg)
            bin_ar[j] = _bin(ar_[j], lo_ar, width, nb_ar)
            bin_bf[j] = _bin(bf_[j], lo_bf, width, nb_bf)
        # -- the leeway game's divisions and roots, in a loop of their own (it vectorises) --
        if kappa == 1.0 and mum == 0.5:  # the defaults: no exp
            for j in range(ln):
                pa = pa_[j]
                pb = pb_[j]
                pc = pc_[j]
                da_[j] = pa / (pa + pc)
                db_[j] = pb / (pb + pc)
                th_[j] = pa / (pa + pb)
                u_[j] = math.sqrt(pa / pb)
        else:
            for j in range(ln):
                pa = pa_[j]
                pb = pb_[j]
                pc = pc_[j]
                da_[j] = pa / (pa + pc)
                db_[j] = pb / (pb + pc)
                lr = xa_[j] - xb_[j]
                if kappa == 1.0:  # θ = P_A/(P_A + P_B), no exp
                    th_[j] = pa / (pa + pb)
                else:
                    z = kappa * lr
                    if z >= 0:
                        th_[j] = 1.0 / (1.0 + math.exp(-z))
                    else:
                        ez = math.exp(z)
                        th_[j] = ez / (1.0 + ez)
                # ã_A^m / ã_B^m = (a_A/a_B)^m · u, u = (P_A/P_B)^(μ·m) (as in account)
                if mum == 0.5:
                    u_[j] = math.sqrt(pa / pb)
                else:
                    u_[j] = math.exp(mum * lr)
        # -- account: label counts, first entries, histograms, sums in trajectory order --
        s_rg = 0.0
        s_ar = 0.0
        s_coh = 0.0
        for c in range(2 * nc):
            acc[c] = 0.0
        for j in range(ln):
            if update:  # the label from its code; cohesion moves toward the label's target
                lab = lut[code_[j]]
                label[j] = lab
                c_j = coh_[j] + rate * (targets[lab] - coh_[j])
                coh_[j] = c_j
            else:
                lab = label[j]
                c_j = coh_[j]
            label_counts[t, lab] += 1
            if not entered[lab, j]:
                entered[lab, j] = True
                entry[lab, t] += 1
            a = ar_[j]
            s_rg += rg_[j]
            s_ar += a
            s_coh += c_j
            hist_rg[t, bin_rg[j]] += 1
            hist_ar[t, bin_ar[j]] += 1
            hist_bf[t, bin_bf[j]] += 1
            # the leeway game (models.leeway), as in account
            da = da_[j]
            db = db_[j]
            theta = th_[j]
            sig = sigma0 * max(0.0, 1.0 + lam * a) * (c_j / k0)
            v = (da + db) + sig
            g = v - (da + db)
            pos = max(0.0, a)
            ma = da + theta * g - gamma * (1.0 - da) * pos
            mb = db + (1.0 - theta) * g - gamma * (1.0 - db) * pos
            acc[0] += ma
            acc[nc] += mb
            tot_a = ma
            tot_b = mb
            u = u_[j]
            for k in range(nk):  # branch-free, so that it vectorises over the regions
                w = stake[k]
                am = adv_a_m[k] * u
                s = am + adv_b_m[k]
                f = am / s
                sa = w * f
                e = w * m * f * (1.0 - f)
                ok = s > 0.0
                reg_a[k] = sa - e if ok else 0.0
                reg_b[k] = (w - sa) - e if ok else 0.0
            for k in range(nk):
                acc[1 + k] += reg_a[k]
                acc[nc + 1 + k] += reg_b[k]
            for k in range(nk):
                tot_a += reg_a[k]
                tot_b += reg_b[k]
            acc[nc - 1] += tot_a
            acc[2 * nc - 1] += tot_b
        sum_rg[t] = s_rg
        sum_ar[t] = s_ar
        sum_coh[t] = s_coh
        for i in range(2):
            for c in range(nc):
                sum_lee[t, i, c] = acc[i * nc + c]
        if keep:
            for j in range(ln):
                keep_rg[j, t] = rg_[j]
                keep_ar[j, t] = ar_[j]
                keep_label[j, t] = label[j]
                keep_coh[j, t] = coh_[j]
    return bad
