"""Fitting the logistic models: deterministic, pulled towards the priors, saved as data."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from harness.recipes import load
from harness.triage import features, learn, model
from tests.triage.samples import issue


def test_contributions_add_up_to_the_probability() -> None:
    m = model.Linear(-1.0, {"a": 2.0, "b": -0.5})
    parts = m.contributions([("a", 1.0, "why a"), ("b", 1.0, "why b"), ("c", 1.0, "no weight")])
    assert parts == [(2.0, "why a"), (-0.5, "why b")]
    assert m.probability(parts) == pytest.approx(model.sigmoid(0.5))


def test_weights_round_trip_as_data(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    models = model.Models(model.Linear(-1.0, {"a": 0.5}), model.Linear(-2.0, {"b": 1.0}, 0.3),
                          words={"typo": 0.25, "an error": 0.5, "fsdp": -1.0}, trained_on=7,
                          alone={"typo": 0.75, "docs": 0.5}, blend=model.Blend(1.0, 0.5, -0.25))
    model.save(models, path)
    assert json.loads(path.read_text())["gpu"]["threshold"] == 0.3
    assert "fitted on 7 labelled issues" in json.loads(path.read_text())["about"]
    model.load.cache_clear()
    try:
        again = model.load(path)
    finally:
        model.load.cache_clear()
    assert again.easy == models.easy and again.gpu == models.gpu
    assert again.words == models.words and again.trained_on == 7
    assert again.alone == models.alone and again.blend == models.blend
    assert again.vocabulary.weights == {"typo": 0.5, "an error": 0.25, "fsdp": -0.5, "docs": 0.25}
    # a blend with no word fitted alone (too few issues had any) still scales and shifts
    model.save(model.Models(models.easy, models.gpu, blend=models.blend), path)
    model.load.cache_clear()
    try:
        assert model.load(path).scored == model.Linear(-0.75, {"a": 0.25})
    finally:
        model.load.cache_clear()


def test_the_blend_scores_as_the_weights_it_stands_for() -> None:
    """The words fitted alone join the easy model's, and the sum is scaled and shifted:
    an issue scores as by one model holding the blended weights, its reasons those
    weights' contributions."""
    from harness.triage import scoring

    recipe = load("transformers")
    blended = model.Models(model.Linear(-1.0, {"kind_docs": 1.0}), model.Linear(-3.0, {}),
                           words={"typo": 0.5, "twice": -0.25}, alone={"typo": 1.5, "docs": 1.0},
                           blend=model.Blend(alone=1.0, scale=0.5, shift=0.25))
    plain = model.Models(model.Linear(-0.25, {"kind_docs": 0.5}), model.Linear(-3.0, {}),
                         words={"typo": 1.0, "twice": -0.125, "docs": 0.5})
    typo = issue(1, "Typo in the docs", "The docstring says `x` twice.")
    f = features.extract(typo, recipe)
    a, b = scoring.assess(typo, f, blended), scoring.assess(typo, f, plain)
    assert a.score == b.score and a.parts == b.parts
    assert a.score != scoring.assess(typo, f, model.Models(blended.easy, blended.gpu,
                                                           words=blended.words)).score


def test_the_gpu_threshold_is_never_saved_above_the_cut(tmp_path: Path) -> None:
    """Rounded up (0.12876 -> 0.1288), the threshold would pass over the issue the fit put
    it at, and over every issue tied with it: all would go unflagged once read back."""
    path = tmp_path / "weights.json"
    gpu = model.Linear(-2.4102, {"cue_training": 0.4983})
    at_cut = gpu.probability(gpu.contributions([("cue_training", 1.0, "a training run")]))
    assert round(at_cut, 4) > at_cut  # the case: plain rounding goes up
    models = model.Models(model.Linear(-1.0, {"a": 0.5}),
                          model.Linear(gpu.bias, gpu.weights, at_cut))
    model.save(models, path)
    model.load.cache_clear()
    try:
        again = model.load(path)
    finally:
        model.load.cache_clear()
    assert again.gpu.threshold <= at_cut and at_cut - again.gpu.threshold < 1e-4


def test_no_shipped_signal_counts_against_its_prior() -> None:
    """The shipped weights as fitted: no reason says one thing and weighs the other way."""
    from harness.triage import signals

    shipped = model.load()
    for weights, prior in ((shipped.easy.weights, signals.PRIOR_EASY),
                           (shipped.gpu.weights, signals.PRIOR_GPU)):
        against = {n: w for n, w in weights.items() if w * prior.get(n, 0.0) < 0}
        assert against == {}


def test_unreadable_weights_are_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "weights.json"
    path.write_text("{}")
    model.load.cache_clear()
    try:
        with pytest.raises(Exception, match="cannot read the triage weights"):
            model.load(path)
    finally:
        model.load.cache_clear()


def test_an_issue_without_gpu_evidence_is_never_flagged() -> None:
    """However low the recall target pushes the GPU threshold, an issue that shows no GPU
    signal at all stays under it (fitted here on issues whose GPU labels the text hides)."""
    from harness.recipes import load
    from harness.triage import features, scoring
    from tests.triage.samples import issue

    recipe = load("transformers")
    plain = [issue(n, "Typo in the docs", "The docstring says `x` twice.") for n in range(1, 9)]
    items = [(i, features.extract(i, recipe)) for i in plain]
    m = learn.fit_models(items, [n % 2 == 0 for n in range(8)], [n % 2 == 1 for n in range(8)])
    assert m.gpu.threshold > model.sigmoid(m.gpu.bias)
    assert not any(scoring.assess(i, f, m).needs_gpu for i, f in items)


def test_an_update_moves_the_words_more_issues_have_and_keeps_the_rest() -> None:
    recipe = load("transformers")
    base = model.Models(model.Linear(0.0, {"kind_docs": 1.0, "never_seen": -0.7}, 0.4),
                        model.Linear(-3.0, {}),
                        words={"typo": -0.5, "fsdp": -1.0, "unseen": 0.3}, trained_on=10)
    typo = [issue(n, "Typo in the docs", "The docstring says `x` twice.") for n in range(1, 9)]
    oom = [issue(n, "OOM with FSDP", "Training runs out of memory on 8 GPUs.")
           for n in range(9, 17)]
    items = [(i, features.extract(i, recipe)) for i in typo + oom]
    easy = [n <= 8 for n in range(1, 17)]
    m = learn.update(items, easy, base)
    assert m.words["typo"] > -0.5 and m.words["fsdp"] < -1.0  # moved the labels' way
    assert m.words["unseen"] == 0.3  # no issue has it: as it was
    assert m.words["docstring"] > 0  # new to the model: learnt from 0
    assert m.easy.weights["kind_docs"] > 1.0  # the signals move the labels' way too
    assert m.easy.weights["never_seen"] == -0.7  # a signal no issue has stays
    assert m.easy.threshold == 0.4 and m.gpu == base.gpu  # the GPU model stays
    assert m.trained_on == 26 and m.about.endswith("updated on 16 more by "
                                                   "bench/triage_quality.py --update")
    assert m.updated_on == {f"huggingface/transformers#{n}" for n in range(1, 17)}
    assert learn.update(items, easy, base) == m  # the same data, the same weights
    # the words fitted alone, from 0, blended in
    assert m.alone["typo"] > 0 and m.alone["fsdp"] < 0 and "unseen" not in m.alone
    assert m.blend == model.Blend(learn.ALONE, learn.SCALE, learn.SHIFT)
    # an update of updated weights moves their words alone, as it moves the model's own
    shipped = replace(base, alone={"typo": -0.5, "unseen": 0.2}, blend=m.blend)
    again = learn.update(items, easy, shipped)
    assert again.alone["unseen"] == 0.2 and again.alone["typo"] > -0.5
    assert learn.update(items, easy, shipped, l2=1e6).alone["typo"] == pytest.approx(-0.5,
                                                                                  abs=1e-3)
    # pulled back to the weight it had, not to 0
    held = learn.update(items, easy, base, l2=1e6, l2_easy=1e6)
    assert held.words["typo"] == pytest.approx(-0.5, abs=1e-3)
    assert held.words["fsdp"] == pytest.approx(-1.0, abs=1e-3)
    assert held.easy.weights["kind_docs"] == pytest.approx(1.0, abs=1e-3)


def test_an_update_given_gpu_labels_moves_the_gpu_model_and_takes_the_cut_again() -> None:
    """With the issues' GPU labels an update refits the GPU model, each weight pulled back
    to the one it had: a cue those issues show with a GPU moves up, and the cut is taken
    again so that the GPU issues fitted on are flagged."""
    from harness.triage import scoring, signals

    recipe = load("transformers")
    base = model.Models(model.Linear(0.0, {}, 0.4),
                        model.Linear(-3.0, {"oom": 0.1}, 0.9), trained_on=10)
    typo = [issue(n, "Typo in the docs", "The docstring says `x` twice.") for n in range(1, 9)]
    oom = [issue(n, "OOM in training", "Training runs out of memory: CUDA out of memory.")
           for n in range(9, 9 + learn.GPU_UPDATE_MIN)]
    items = [(i, features.extract(i, recipe)) for i in typo + oom]
    easy, gpu = [i.number <= 8 for i, _ in items], [i.number > 8 for i, _ in items]
    cues = {name for name, _, _ in signals.gpu(items[-1][1])}
    assert cues and not {name for name, _, _ in signals.gpu(items[0][1])} & cues
    assert not any(scoring.assess(i, f, base).needs_gpu for i, f in items)  # cut at 0.9
    m = learn.update(items, easy, base, gpu=gpu)
    assert m.gpu != base.gpu and m.gpu.threshold < 0.9
    assert [scoring.assess(i, f, m).needs_gpu for i, f in items] == gpu
    start = {**signals.PRIOR_GPU, **base.gpu.weights}  # each weight's pull
    assert all(m.gpu.weights.get(k, 0.0) > start.get(k, 0.0) for k in cues)
    assert learn.update(items, easy, base).gpu == base.gpu  # no GPU labels: it stays
    # too few GPU issues to fit its bias and take its cut on: the GPU model stays
    few = learn.update(items[:-1], easy[:-1], base, gpu=gpu[:-1])
    assert few.gpu == base.gpu and few.easy != base.easy


def test_an_update_starts_a_signal_the_weights_lack_from_its_prior() -> None:
    """A signal added since the shipped weights were fitted is weighed from its prior
    (signals.PRIOR_EASY) by an update, not from 0: "needs a TPU" counts against an easy
    fix even where few issues show it."""
    from harness.triage import signals

    recipe = load("transformers")
    base = model.Models(model.Linear(0.0, {"kind_docs": 1.0}, 0.4), model.Linear(-3.0, {}),
                        trained_on=10)
    typo = [issue(n, "Typo in the docs", "The docstring says `x` twice.") for n in range(1, 5)]
    items = [(i, features.extract(i, recipe)) for i in typo]
    held = learn.update(items, [True, False, True, False], base, l2_easy=1e6)
    assert signals.PRIOR_EASY["hw_tpu"] < 0
    assert held.easy.weights["hw_tpu"] == pytest.approx(signals.PRIOR_EASY["hw_tpu"], abs=1e-3)
    assert held.easy.weights["kind_docs"] == pytest.approx(1.0, abs=1e-3)  # as shipped
