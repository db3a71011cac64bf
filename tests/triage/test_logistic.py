"""The logistic fit: finds the signs, deterministic, pulled towards the priors."""
from __future__ import annotations

import pytest

from harness.triage import logistic


def data() -> tuple[list[dict[str, float]], list[bool]]:
    """'good' makes the label likely, 'bad' unlikely, 'noise' says nothing."""
    rows, ys = [], []
    for i in range(120):
        row = {}
        if i % 2:
            row["good"] = 1.0
        if i % 3 == 0:
            row["bad"] = 1.0
        if i % 5 == 0:
            row["noise"] = 1.0
        rows.append(row)
        ys.append((bool(i % 2) and i % 3 != 0) or i % 11 == 0)
    return rows, ys


def test_fit_finds_the_signs_and_is_deterministic() -> None:
    rows, ys = data()
    m = logistic.fit(rows, ys, l2=0.5)
    assert m.weights["good"] > 1.0 and m.weights["bad"] < -1.0
    assert abs(m.weights.get("noise", 0.0)) < 0.5
    assert logistic.fit(rows, ys, l2=0.5) == m


def test_a_strong_pull_keeps_the_prior() -> None:
    rows, ys = data()
    m = logistic.fit(rows, ys, l2=1e6, prior={"good": -2.0, "unseen": 0.7})
    assert m.weights["good"] == pytest.approx(-2.0, abs=0.01)
    assert m.weights["unseen"] == pytest.approx(0.7, abs=1e-6)  # no data: stays the prior


def test_a_weight_kept_to_its_sign_weighs_0_and_the_rest_is_fitted_again() -> None:
    """A signal the data turns against its prior's sign stops at 0 (a reason never counts
    against what it says); the others fit as if it were not there."""
    rows, ys = data()
    prior = {"good": -0.1}
    free = logistic.fit(rows, ys, l2=0.5, prior=prior)
    kept = logistic.fit(rows, ys, l2=0.5, prior=prior, signs={"good": -1.0, "bad": -1.0})
    assert free.weights["good"] > 1.0  # the data turns it
    assert kept.weights["good"] == 0.0 and kept.weights["bad"] < -1.0  # 0, and kept as 0
    without = logistic.fit([{k: v for k, v in r.items() if k != "good"} for r in rows], ys,
                           l2=0.5)
    assert kept.bias == pytest.approx(without.bias, abs=1e-3)
    assert kept.weights["bad"] == pytest.approx(without.weights["bad"], abs=1e-3)
    assert logistic.fit(rows, ys, l2=0.5, prior=prior, signs={"good": 1.0}) == free


def test_fitted_weights_are_the_ones_that_ship() -> None:
    """The fit keeps the decimals weights.json keeps, so the GPU cut is taken on them."""
    m = logistic.fit([{"a": 1.0}, {"a": 1.0, "b": 1.0}, {"b": 1.0}, {}],
                     [True, True, False, False], l2=0.5)
    assert m.weights and all(round(v, 4) == v for v in (m.bias, *m.weights.values()))
