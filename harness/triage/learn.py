"""Fit the two logistic models of :mod:`.model` from labelled issues (offline, pure Python).

L2-regularised logistic regression by Newton's method on sparse 0/1 signals: the same data
gives the same weights.  Only ``bench/triage_quality.py`` calls this; scoring never does.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from harness.triage import signals
from harness.triage.features import Features
from harness.triage.issues import Issue
from harness.triage.model import DIGITS, Linear, Models, sigmoid

# pull of each weight back to its prior: a few hundred issues cannot carry more.  Chosen on
# held-out figures: from L2=2/L2_EASY=4 to 6/16 raised peft's AUC 0.74 -> 0.78; from 6/16 to
# 12/64 raised it 0.82 -> 0.83 (dev, leave one repository out) and the GPU recall of a set
# labelled apart 0.90 -> 0.92, the other figures within 0.005.  Even 1000/1000 (the priors
# alone, with a fitted bias and GPU threshold) scores the same within 0.01: the labelled
# sets are too small to improve much on judgement, so the fit mostly tunes what they
# show often.  The easy model leans on its priors more: what makes an issue easy shifts
# more between repositories and labellers than GPU needs do.
L2 = 12.0
L2_EASY = 64.0
GPU_RECALL = 0.96  # the GPU threshold flags this share of the training set's GPU issues
# (unseen issues are flagged less often than the ones fitted on: 0.94 kept 0.76-0.79 of
# an independently labelled set's GPU issues, 0.96 keeps more at some loss of precision)
ITERATIONS = 30


def fit(rows: Sequence[dict[str, float]], ys: Sequence[bool], l2: float = L2,
        prior: Mapping[str, float] | None = None) -> Linear:
    """Bias and weights maximising the log-likelihood of ``ys``, penalised by
    ``l2 x (weight - prior)²``: the data moves a weight away from its prior only as far
    as it has evidence for."""
    prior = prior or {}
    names = sorted({k for r in rows for k in r} | set(prior))
    index = {n: i + 1 for i, n in enumerate(names)}  # 0: the bias
    sparse = [[(0, 1.0)] + [(index[k], v) for k, v in r.items() if v] for r in rows]
    d = len(names) + 1
    centre = [0.0] + [prior.get(n, 0.0) for n in names]
    w = centre[:]
    for _ in range(ITERATIONS):
        grad = [l2 * (x - c) for x, c in zip(w, centre, strict=True)]
        grad[0] = 0.0
        hess = [[0.0] * d for _ in range(d)]
        for i in range(d):
            hess[i][i] = l2 if i else 1e-6
        for row, y in zip(sparse, ys, strict=True):
            p = sigmoid(sum(w[j] * v for j, v in row))
            err, s = p - float(y), p * (1 - p)
            for j, v in row:
                grad[j] += err * v
                hj = hess[j]
                for k, u in row:
                    hj[k] += s * v * u
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(x) for x in step) < 1e-7:
            break
    # rounded as :func:`.model.save` keeps them: the GPU cut is then taken on the very
    # weights that ship, and an issue at the cut stays flagged when they are read back
    return Linear(round(w[0], DIGITS), {n: round(w[index[n]], DIGITS) for n in names
                                        if abs(w[index[n]]) >= 1e-4})


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


def rows(sigs: Sequence[list[signals.Signal]]) -> list[dict[str, float]]:
    return [{name: value for name, value, _ in s} for s in sigs]


def fit_models(items: Sequence[tuple[Issue, Features]], easy: Sequence[bool],
               gpu: Sequence[bool], l2: float = L2, l2_easy: float = L2_EASY) -> Models:
    """The GPU model first (its verdict is a signal of the easy model), then the easy one."""
    gpu_rows = rows([signals.gpu(f) for _, f in items])
    g = fit(gpu_rows, gpu, l2, signals.PRIOR_GPU)
    probs = sorted((g.probability(g.contributions(signals.gpu(f))) for (_, f), y
                    in zip(items, gpu, strict=True) if y), reverse=True)
    cut = probs[min(len(probs) - 1, math.ceil(GPU_RECALL * len(probs)) - 1)] if probs else 0.5
    # never below an issue with no GPU evidence at all: that one is not flagged
    g = Linear(g.bias, g.weights, max(min(0.5, cut), sigmoid(g.bias) + 1e-4))
    easy_rows = []
    for (_, f), r in zip(items, rows([signals.easy(f) for _, f in items]), strict=True):
        r["gpu"] = g.probability(g.contributions(signals.gpu(f)))
        easy_rows.append(r)
    return Models(fit(easy_rows, easy, l2_easy, signals.PRIOR_EASY), g)
