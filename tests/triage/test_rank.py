"""Assessing a batch (the cycle collector paused meanwhile, then left as it was found), and
what --beginner keeps of it."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from harness.recipes import load
from harness.triage import body as body_mod
from harness.triage import features, rank, scoring
from harness.triage.comments import Comment
from harness.triage.scoring import Assessment
from tests.triage import samples

NOW = datetime(2025, 1, 15, tzinfo=timezone.utc)


def assess_batch() -> list[Assessment]:
    return rank.assess_all(load("transformers"), samples.transformers_issues() * 40, now=NOW)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_results_go_to_the_oldest_generation_and_the_collector_is_on_again() -> None:
    assessed = assess_batch()
    assert gc.isenabled()
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    results = {id(x) for a in assessed for x in (a, a.features)}
    assert len(results) == 2 * len(assessed) > 200
    assert not results & young  # no pass of the collector will walk them as young objects


@pytest.mark.usefixtures("collector_on")
def test_objects_the_process_froze_stay_frozen() -> None:
    mine = [object()]  # tracked by the collector; frozen, it is in none of its generations
    gc.freeze()
    try:
        assert not any(o is mine for o in gc.get_objects())
        assess_batch()
        assert not any(o is mine for o in gc.get_objects())  # not unfrozen by the batch
    finally:
        gc.unfreeze()
    assert any(o is mine for o in gc.get_objects())  # (the check can see it when unfrozen)


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        assert len(assess_batch()) > 200
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize(("label", "kept"), [
    ("Good First Issue", True),
    ("contributions-welcome", False),
    ("Good Difficult Issue", False),
])
def test_beginner_keeps_a_hard_issue_only_when_it_is_marked_for_a_first_contribution(
        label: str, kept: bool) -> None:
    """A beginner label that only welcomes a pull request kept hard issues in --beginner
    (real post: peft#91, "Add Late Prompt Tuning", a new method from a paper, hard by both
    readers, listed for its "PRs welcome to address this")."""
    recipe = load("transformers")
    item = samples.issue(1, "Add Late Prompt Tuning", "A paper shows late prompts help.",
                         labels=(label,))
    a = scoring.assess(item, features.extract(item, recipe, now=NOW))._replace(band="hard")
    assert a.features.beginner_label == label
    assert rank.keep(recipe, a, rank.Filters(beginner=True)) is kept
    assert rank.keep(recipe, a._replace(band="medium"), rank.Filters(beginner=True))


def test_a_batch_keeps_each_issue_s_features_less_the_words_it_weighed() -> None:
    recipe = load("transformers")
    batch = samples.transformers_issues() + samples.coverage_issues()  # every field set
    for a, i in zip(rank.assess_all(recipe, batch, now=NOW), batch, strict=True):
        f = features.extract(i, recipe, now=NOW)
        assert f.told  # every sample tells something: there are words to drop
        assert a.features == f._replace(told=frozenset(), head=())
        assert a == scoring.assess(i, f)._replace(features=a.features)


def test_a_claim_whose_claimant_went_quiet_no_longer_takes_the_issue() -> None:
    """"I'd like to work on this" leaves an issue out of --beginner while its author is heard
    from; after comments.QUIET_DAYS of silence it is listed again, told to ask first."""
    post = samples.issue(7, "Typo in the docs of Trainer", samples.BERT_DECODE)
    recipe = load("transformers")

    def claimed(days_ago: int) -> Assessment:
        when = (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
        said = [Comment(post.repo, 7, "1", "ana", "NONE", "I'd like to work on this.", when)]
        [a] = rank.assess_all(recipe, [post], now=NOW, comments={7: said})
        return a

    recent, quiet = claimed(10), claimed(200)
    assert (recent.features.claim_quiet_days, quiet.features.claim_quiet_days) == (10, 200)
    assert rank.taken(recent) == "claimed by @ana in a comment"
    assert rank.taken(quiet) is None
    assert "-1.50 @ana said in a comment they are working on it" in recent.reasons
    assert "-0.50 @ana said in a comment they would work on it, and nothing from them for " \
           "6 months: ask before taking it over" in quiet.reasons
    assert quiet.score > recent.score


@pytest.mark.parametrize(("days", "told"), [(30, "a month"), (59, "a month"), (60, "2 months"),
                                            (400, "13 months"), (800, "2 years")])
def test_a_claimant_s_silence_is_told_in_months_then_years(days: int, told: str) -> None:
    assert scoring.quiet(days) == told


TEMPLATE_BOXES = ("### Information\n\n- [ ] The official example scripts\n"
                  "- [x] My own modified scripts\n\n### Tasks\n\n"
                  "- [ ] An officially supported task in the `examples` folder\n"
                  "- [x] My own task or dataset (give details below)\n")


@pytest.mark.parametrize(("body", "parts"), [
    (samples.MANY_PARTS, 4),  # 6 items, 2 checked
    (samples.MANY_PARTS.replace("[ ]", "[x]"), 0),  # all done
    (TEMPLATE_BOXES, 0),  # an issue form's 4 check boxes are no parts
    ("Parts:\n1. [ ] Bark\n2. [ ] Bart\n3) [X] OPT\n* [ ] GPT-J\n+ [ ] Llama\n", 4),
    ("No list at all [ ] here", 0),
    # an item that names who took it is not open (transformers#26350, real: "- [ ] BERT |
    # @sorenmc", "- [ ] MPT | @rajveer43" beside "- [ ] GPT-2")
    ("- [x] Llama\n- [x] Falcon\n- [ ] BERT | @sorenmc \n- [ ] GPT-2\n- [ ] GPT-J\n"
     "- [ ] MPT | @rajveer43 \n- [ ] T5\n", 3),
])
def test_an_issue_of_many_parts_counts_those_still_open(body: str, parts: int) -> None:
    assert body_mod.open_parts(body) == parts


def test_a_claim_takes_one_part_of_an_issue_of_many_not_the_issue() -> None:
    """transformers#26350 ("Community contribution: Adding Flash Attention 2 support for
    more architectures"), real: a task list of 23 architectures, some with the contributor
    who took it named beside it ("BERT | @sorenmc"), the others free."""
    recipe = load("transformers")
    said = lambda n: {n: [Comment("huggingface/transformers", n, "1", "ana", "NONE",  # noqa: E731
                                  "I'd like to work on Bark.", "2025-01-10T00:00:00Z")]}
    many = samples.issue(8, "Adding Flash Attention 2 support for more architectures",
                         samples.MANY_PARTS)
    last = samples.issue(9, "Adding Flash Attention 2 support for more architectures",
                         samples.MANY_PARTS.replace("[ ] Bart", "[x] Bart")
                         .replace("[ ] GPT-J", "[x] GPT-J").replace("[ ] OPT", "[x] OPT"))
    [a] = rank.assess_all(recipe, [many], now=NOW, comments=said(8))
    [b] = rank.assess_all(recipe, [last], now=NOW, comments=said(9))
    assert (a.features.open_parts, b.features.open_parts) == (4, 1)
    assert rank.taken(a) is None
    assert "-0.30 @ana took a part of it in a comment, and 4 of the parts its post lists are " \
           "open: pick one nobody has taken" in a.reasons
    assert rank.taken(b) == "claimed by @ana in a comment"  # its one open part, Bark, is hers
