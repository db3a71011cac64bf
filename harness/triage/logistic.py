"""L2-regularised logistic regression by Newton's method on sparse signals (pure Python).

The same data gives the same weights.  Each weight is pulled towards a prior, and may be
kept to its prior's sign.  :mod:`.learn` fits the triage models with it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from harness.triage.model import DIGITS, Linear, sigmoid

ITERATIONS = 30  # Newton steps at most (it stops sooner when the steps vanish)


def fit(rows: Sequence[dict[str, float]], ys: Sequence[bool], l2: float,
        prior: Mapping[str, float] | None = None,
        offsets: Sequence[float] | None = None,
        signs: Mapping[str, float] | None = None) -> Linear:
    """Bias and weights maximising the log-likelihood of ``ys``, penalised by
    ``l2 x (weight - prior)²``: the data moves a weight away from its prior only as far
    as it has evidence for.  ``offsets``: log-odds each row has from elsewhere (in .learn:
    its words).
    ``signs``: a weight whose sign there is not 0 keeps that sign or is 0 (fixed at 0 and
    the rest fitted again, until none crosses)."""
    prior = prior or {}
    offsets = offsets or [0.0] * len(rows)
    names = sorted({k for r in rows for k in r} | set(prior))
    index = {n: i + 1 for i, n in enumerate(names)}  # 0: the bias
    sparse = [[(0, 1.0)] + [(index[k], v) for k, v in r.items() if v] for r in rows]
    centre = [0.0] + [prior.get(n, 0.0) for n in names]
    sign = [0.0] + [(signs or {}).get(n, 0.0) for n in names]
    fixed: set[int] = set()
    while True:  # each time from the priors (plain Newton steps may diverge from further)
        w = _newton(sparse, ys, offsets, l2, centre,
                    [0.0 if i in fixed or sign[i] * c < 0 else c for i, c in enumerate(centre)],
                    fixed)
        crossed = {i for i, x in enumerate(w) if sign[i] * x < 0}
        if not crossed:
            break
        fixed |= crossed
    # rounded as :func:`.model.save` keeps them: the GPU cut is then taken on the very
    # weights that ship, and an issue at the cut stays flagged when they are read back.  A
    # weight held at 0 is kept, as 0: an update from these weights pulls it back to 0, not
    # to its prior as if the signal were new (a weight of 0 gives no reason)
    return Linear(round(w[0], DIGITS), {n: round(w[index[n]], DIGITS) for n in names
                                        if abs(w[index[n]]) >= 1e-4 or index[n] in fixed})


def _newton(sparse: Sequence[list[tuple[int, float]]], ys: Sequence[bool],
            offsets: Sequence[float], l2: float, centre: Sequence[float], w: list[float],
            fixed: set[int]) -> list[float]:
    """:func:`fit`'s Newton steps from ``w``, the weights numbered in ``fixed`` held."""
    d = len(w)
    for _ in range(ITERATIONS):
        grad = [l2 * (x - c) for x, c in zip(w, centre, strict=True)]
        grad[0] = 0.0
        hess = [[0.0] * d for _ in range(d)]
        for i in range(d):
            hess[i][i] = l2 if i else 1e-6
        for row, y, o in zip(sparse, ys, offsets, strict=True):
            p = sigmoid(o + sum(w[j] * v for j, v in row))
            err, s = p - float(y), p * (1 - p)
            for j, v in row:
                grad[j] += err * v
                hj = hess[j]
                for k, u in row:
                    hj[k] += s * v * u
        for i in fixed:  # no step: a row and a column of the identity, no gradient
            grad[i] = 0.0
            for j in range(d):
                hess[i][j] = hess[j][i] = 0.0
            hess[i][i] = 1.0
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(x) for x in step) < 1e-7:
            break
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b (Gaussian elimination with partial pivoting; a is positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        pivot = m[c][c] or 1e-12
        for r in range(c + 1, n):
            f = m[r][c] / pivot
            if f:
                mr, mc = m[r], m[c]
                for k in range(c, n + 1):
                    mr[k] -= f * mc[k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / (m[r][r] or 1e-12)
    return x
