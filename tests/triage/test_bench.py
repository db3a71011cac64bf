"""The triage benches: another labeller's labels replace the issues' own, and two label
files are compared the same way every time."""
from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import triage_agreement
import triage_quality

from harness.triage import learn, model


def write(path: Path, rows: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def label(number: int, difficulty: str, gpu: bool = False) -> dict[str, object]:
    return {"repo": "huggingface/peft", "number": number, "difficulty": difficulty,
            "needs_gpu": gpu, "kind": "bug"}


def typo_and_fsdp(tmp_path: Path) -> str:
    """Two labelled peft issues: #1 an easy docs typo, #2 a hard FSDP hang on GPUs."""
    return write(tmp_path / "issues.jsonl", [
        {**label(1, "easy"), "title": "Typo in docstring", "body": "typo in the docs"},
        {**label(2, "hard", True), "title": "FSDP hangs", "body": "with fsdp on 8 GPUs"}])


def test_labels_of_another_labeller_replace_the_issues_own(tmp_path: Path) -> None:
    issues = write(tmp_path / "issues.jsonl", [
        {**label(1, "easy"), "title": "Typo in docstring", "body": "typo"},
        {**label(2, "hard", True), "title": "FSDP hangs", "body": "with fsdp on 8 GPUs"}])
    other = triage_quality.read_labels([write(tmp_path / "b.jsonl", [label(2, "easy")])])
    items = triage_quality.read([issues], other)
    assert [(x.issue.number, x.easy, x.needs_gpu) for x in items] == [(1, True, False),
                                                                      (2, True, False)]


def test_only_the_issues_another_reader_agrees_on_are_scored_with_agree(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    issues = write(tmp_path / "issues.jsonl", [
        {**label(1, "easy"), "title": "Typo in docstring", "body": "typo in the docs"},
        {**label(2, "hard", True), "title": "FSDP hangs", "body": "with fsdp on 8 GPUs"},
        {**label(3, "medium"), "title": "Wrong shape", "body": "the output shape is off"},
        {**label(4, "easy"), "title": "Typo in README", "body": "a typo"}])
    # the other reader: #1 easy too, #2 medium (not easy either: agrees), #3 easy
    # (disagrees), #4 not read
    other = write(tmp_path / "b.jsonl", [label(1, "easy"), label(2, "medium"),
                                         label(3, "easy")])
    assert triage_quality.main([issues, "--folds", "none", "--agree", other]) == 0
    out = capsys.readouterr().out
    assert "2 of them where the other reader agrees on easy or not (1 disagree, 1 not read " \
        "by the other)" in out
    assert next(line.split()[:3] for line in out.splitlines()
                if line.lstrip().startswith("all ")) == ["all", "2", "1"]


def test_agreement_of_two_label_files(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a.jsonl", [label(1, "easy"), label(2, "easy"), label(3, "medium"),
                                     label(4, "hard", True), label(9, "easy")])
    b = write(tmp_path / "b.jsonl", [label(1, "easy"), label(2, "medium"), label(3, "medium"),
                                     label(4, "hard")])
    assert triage_agreement.main([a, b]) == 0
    out = capsys.readouterr().out
    assert "4 issues in both files" in out  # #9 is in one file only
    # easy: 3 of 4 agree; kappa (0.75 - 0.5) / 0.5; B's levels rank #1 above #3 and #4,
    # #2 above #4 and level with #3: AUC (2 + 1.5) / 4
    assert out.splitlines()[2].split() == ["all", "4", "2", "1", "0.75", "0.50", "0.75",
                                           "0.00", "0.875"]


def test_mistakes_of_the_shipped_weights_alone(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    issues = typo_and_fsdp(tmp_path)
    assert triage_quality.main([issues, "--folds", "none", "--mistakes", "1"]) == 0
    out = capsys.readouterr().out
    assert "held-out" not in out
    assert "lowest-scored easy issues:\n  " in out and "peft#1 'Typo in docstring'" in out
    assert "highest-scored other issues:\n  " in out and "peft#2 'FSDP hangs'" in out


def test_the_ranking_is_also_measured_within_each_kind_the_labels_give(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**label(n, difficulty), "kind": kind, "title": title, "body": title}
            for n, (kind, difficulty, title) in enumerate([
                ("bug", "easy", "Typo in docstring"), ("bug", "hard", "FSDP hangs on 8 GPUs"),
                ("bug", "medium", "CUDA error in a kernel"), ("question", "easy", "How to?"),
                ("question", "medium", "Why?")], 1)]
    assert triage_quality.main([write(tmp_path / "i.jsonl", rows), "--folds", "none"]) == 0
    table = capsys.readouterr().out.split("each kind of issue (as labelled)")[1].splitlines()
    # the most frequent kind first; each row counts its own issues
    assert [r.split()[:3] for r in table[2:4]] == [["bug", "3", "1"], ["question", "2", "1"]]
    # and the AUC as if the kinds came as in the dev set (mostly bugs), as mix_auc gives it
    items = triage_quality.read([str(tmp_path / "i.jsonl")])
    scores = [a.score for a in triage_quality.assess(items, model.load())]
    mixed = triage_quality.mix_auc(scores, [x.easy for x in items], [x.kind for x in items])
    assert mixed is not None
    assert f"  AUC as if the kinds came in the dev set's shares (mix_auc): {mixed:.3f}" in table


def test_the_kinds_found_are_counted_and_the_beginner_ranking_leaves_out_questions(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**label(n, difficulty), "kind": kind, "title": title, "body": body}
            for n, (kind, difficulty, title, body) in enumerate([
                ("question", "easy", "How do I pass the offsets?", "For a batch."),
                ("question", "medium", "Offsets mapping", "The offsets are off by one."),
                ("bug", "easy", "Why does decode drop spaces?", "It drops them."),
                ("bug", "hard", "FSDP hangs on 8 GPUs", "with fsdp"),
                ("docs", "easy", "Typo in docstring", "typo in the docs")], 1)]
    assert triage_quality.main([write(tmp_path / "i.jsonl", rows), "--folds", "none"]) == 0
    # found as labelled: the first question and the typo; the post that asks in its title
    # is called a question, and FSDP's hang, with no form, label or trace, no bug
    out = capsys.readouterr().out
    assert ("kind found as labelled: 2 of 5 (40%); called questions: 1 of the 2 usage "
            "questions and 1 of the 3 other issues") in out
    # then the ranking --beginner shows: without the two issues called questions (the
    # first, easy, and the easy bug that asks in its title)
    table = out.split("as --beginner ranks them (the 2 issues it calls usage questions "
                      "left out)\n")[1].splitlines()
    assert [r.split()[:3] for r in table[1:3]] == [["all", "3", "1"], ["peft", "3", "1"]]


def test_each_file_held_out_is_scored_by_weights_fitted_on_the_others(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def one_set(name: str, start: int) -> str:
        return write(tmp_path / name, [
            {**label(start + n, "easy" if n % 2 else "hard", not n % 2),
             "title": "Typo in docstring" if n % 2 else "FSDP hangs on 8 GPUs",
             "body": "typo in the docs" if n % 2 else "with fsdp on 8 GPUs, CUDA error"}
            for n in range(6)])

    paths = [one_set("a.jsonl", 0), one_set("b.jsonl", 100), one_set("c.jsonl", 200)]
    triage_quality.main([*paths, "--folds", "file"])
    out = capsys.readouterr().out
    assert "held-out (leave one file out)" in out
    rows = out.split("held-out, each file")[1].splitlines()[2:5]
    assert [r.split()[:2] for r in rows] == [["a.jsonl", "6"], ["b.jsonl", "6"],
                                             ["c.jsonl", "6"]]
    assert all(r.split()[4] == "1.000" for r in rows)  # the others teach it plainly


def test_a_fit_on_fewer_issues_than_the_shipped_weights_does_not_replace_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The texts of most labelled sets live outside the repository: a machine that has only
    some of them must not quietly ship weights that learned from a fraction."""
    issues = typo_and_fsdp(tmp_path)
    before = model.WEIGHTS_PATH.read_bytes()
    assert model.load().trained_on > 2
    assert triage_quality.main([issues, "--fit"]) == 2
    assert model.WEIGHTS_PATH.read_bytes() == before
    err = capsys.readouterr().err
    assert err.startswith("not refitting: weights.json was fitted on ") and "these are 2" in err


@pytest.mark.parametrize("keep_gpu", [False, True])
def test_an_update_moves_the_gpu_model_unless_told_to_keep_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep_gpu: bool) -> None:
    """--keep-gpu: the easy model learns from the issues, the GPU model stays as shipped (an
    update of the GPU model on the 177th to 181st sets flagged more issues, none more that
    need a GPU)."""
    weights = tmp_path / "weights.json"
    model.save(replace(model.load(), updated_on=frozenset()), weights)
    monkeypatch.setattr(model, "WEIGHTS_PATH", weights)
    shipped = model.load(weights)
    # enough GPU issues for the GPU model to be updated (learn.GPU_UPDATE_MIN)
    path = write(tmp_path / "a.jsonl", [
        {**label(n, "easy" if n % 2 else "hard", not n % 2),
         "title": "Typo in docstring" if n % 2 else "Hang on 8 GPUs",
         "body": "typo in the docs" if n % 2 else "it hangs when launched on 8 GPUs"}
        for n in range(2 * learn.GPU_UPDATE_MIN + 2)])
    try:
        assert triage_quality.main([path, "--update", "--folds", "none",
                                    *(["--keep-gpu"] if keep_gpu else [])]) == 0
        updated = model.load(weights)
    finally:
        model.load.cache_clear()
    assert updated.easy != shipped.easy
    assert (updated.gpu == shipped.gpu) is keep_gpu


def test_an_update_shows_each_file_held_out_then_writes_the_weights_updated_on_all(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    weights = tmp_path / "weights.json"
    # the shipped weights, less the real issues they were updated on (#1, #100 among them)
    model.save(replace(model.load(), updated_on=frozenset()), weights)
    monkeypatch.setattr(model, "WEIGHTS_PATH", weights)
    shipped = model.load(weights)
    paths = [write(tmp_path / f"{name}.jsonl", [
        {**label(start + n, "easy" if n % 2 else "hard"),
         "title": "Typo in docstring" if n % 2 else "Flaky hang", "body": f"see {name}"}
        for n in range(6)]) for name, start in (("a", 0), ("b", 100), ("c", 200))]
    try:
        assert triage_quality.main([*paths, "--update", "--folds", "file"]) == 0
        updated = model.load(weights)
    finally:
        model.load.cache_clear()
    out = capsys.readouterr().out
    assert "each fold scored after an update on the others" in out
    rows = out.split("updated, each file")[1].splitlines()[2:5]
    assert [r.split()[:2] for r in rows] == [["a.jsonl", "6"], ["b.jsonl", "6"],
                                             ["c.jsonl", "6"]]
    assert updated.trained_on == shipped.trained_on + 18
    assert updated.easy != shipped.easy and updated.words != shipped.words
    assert updated.gpu == shipped.gpu  # no GPU issue among them: the GPU model stays
    assert model.load().words == shipped.words  # the repository's weights untouched
    assert len(updated.updated_on) == 18 and "huggingface/peft#100" in updated.updated_on
    # given again, the same issues would weigh twice: refused, the weights as they were
    capsys.readouterr()
    try:
        assert triage_quality.main([paths[1], "--update", "--folds", "none"]) == 2
        assert model.load(weights) == updated
    finally:
        model.load.cache_clear()
    err = capsys.readouterr().err
    assert err.startswith("not updating: weights.json has learned from 6 of these issues "
                          "already (huggingface/peft#100, ") and "weigh twice" in err



def test_weighted_auc_counts_each_issue_its_weight_and_mix_auc_weighs_kinds_back() -> None:
    rng = random.Random(7)
    scores = [round(rng.random(), 1) for _ in range(30)]  # ties among them
    easy = [rng.random() < 0.4 for _ in range(30)]
    counts = [rng.randint(1, 3) for _ in range(30)]
    # weights of whole numbers: the AUC of the set with each issue repeated that often
    repeated = triage_quality.auc(
        [s for s, c in zip(scores, counts, strict=True) for _ in range(c)],
        [e for e, c in zip(easy, counts, strict=True) for _ in range(c)])
    assert triage_quality.weighted_auc(scores, easy, counts) == pytest.approx(repeated)
    assert triage_quality.weighted_auc(scores, easy, [1] * 30) == pytest.approx(
        triage_quality.auc(scores, easy))
    assert triage_quality.weighted_auc([0.5, 0.4], [True, True], [1, 1]) is None
    # bugs ranked well, questions badly: a set of questions drawn as often as bugs ranks
    # worse than one with the dev set's share of each (137 bugs to 22 questions)
    bugs = ([0.9, 0.8, 0.3, 0.2, 0.1], [True, True, False, False, False])
    asks = ([0.7, 0.6, 0.5, 0.4, 0.35], [False, False, True, True, True])
    scores, easy = bugs[0] + asks[0], bugs[1] + asks[1]
    kinds = ["bug"] * 5 + ["question"] * 5
    plain = triage_quality.auc(scores, easy) or 0.0
    mixed = triage_quality.mix_auc(scores, easy, kinds) or 0.0
    by_hand = triage_quality.weighted_auc(scores, easy, [137 / 159 / 5] * 5 + [22 / 159 / 5] * 5)
    assert mixed == pytest.approx(by_hand) and mixed > plain + 0.1
    # a kind the dev set lacks weighs nothing; a set of such kinds only has no figure
    other = triage_quality.mix_auc([*scores, 0.0], [*easy, True], [*kinds, "other"])
    assert other == pytest.approx(mixed)
    assert triage_quality.mix_auc([0.1, 0.9], [True, False], ["other", "other"]) is None


def test_the_auc_is_shown_with_how_far_chance_moves_it() -> None:
    rng = random.Random(5)
    pos = [rng.random() + 0.3 for _ in range(10)]
    neg = [round(rng.random(), 1) for _ in range(20)]  # ties among them, and with pos
    easy = [True] * 10 + [False] * 20
    low, high = triage_quality.auc_interval(pos + neg, easy) or (0.0, 0.0)
    assert low < (triage_quality.auc(pos + neg, easy) or 0.0) < high
    assert triage_quality.auc_interval(pos + neg, easy) == (low, high)  # the same each run
    # as a plain resampling finds it, each group drawn again with replacement
    draws = sorted(triage_quality.auc(rng.choices(pos, k=10) + rng.choices(neg, k=20), easy)
                   or 0.0 for _ in range(2000))
    assert low == pytest.approx(draws[50], abs=0.03) and high == pytest.approx(draws[1949],
                                                                                abs=0.03)
    # a set four times as large moves less; a perfect order does not move
    low4, high4 = triage_quality.auc_interval(pos * 4 + neg * 4,
                                              [True] * 40 + [False] * 80) or (0.0, 0.0)
    assert high4 - low4 < high - low
    assert triage_quality.auc_interval([1.0, 0.9, 0.1], [True, True, False]) == (1.0, 1.0)
    assert triage_quality.auc_interval([1.0, 0.9], [True, True]) is None
