"""An issue's words: read from what it tells, weighed as one explained contribution, fitted."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest

from harness.recipes import load
from harness.triage import body, features, learn, model, rank, scoring, words
from tests.triage import samples
from tests.triage.samples import issue


def told(title: str, text: str) -> frozenset[str]:
    parsed = body.parse(title, text)
    return words.terms(parsed.weighed, parsed.head)


def test_words_and_pairs_of_what_is_told_not_the_environment() -> None:
    found = told("Typo in the docstring", samples.TRANSFORMERS_SYSINFO
                 + "\n### Reproduction\n\nThe docstring of `generate` says it is an error.")
    assert {"typo", "docstring", "typo in", "an error", "generate"} <= found
    assert not {"the", "is", "in the", "it is"} & found  # alone or paired, they say nothing
    assert not {"glibc2", "safetensors"} & found  # the System Info lists, it does not tell


def test_a_feature_requests_motivation_is_read_by_the_cues_but_its_words_not_weighed() -> None:
    # a real post's shape (transformers#28079, easy by both its readers): the motivation
    # tells the reporter's own work, not what the small change asks
    title = "Expose `gradient_as_bucket_view` as training argument for `DDP`"
    text = ("### Feature request\n\nAs the title says, add `gradient_as_bucket_view` as the "
            "training argument (default False)\n\n### Motivation\n\nI have been "
            "experimenting with qlora fine-tuning LLMs on multiple A10 GPUs and I am "
            "leveraging DDP.\n\n### Your contribution\n\nI can also work on a PR for this "
            "as the change is relatively small")
    parsed = body.parse(title, text)
    found = words.terms(parsed.weighed, parsed.head)
    assert {"gradient_as_bucket_view", "training argument", "relatively small", "ddp"} <= found
    assert not {"qlora", "experimenting", "gpus", "leveraging", "multiple a10"} & found
    assert {"qlora", "gpus"} <= parsed.words  # what the cues read: the GPUs it runs on
    f = features.extract(issue(1, title, text), load("transformers"))
    assert f.terms == found and "multi_gpu" in f.hardware
    # a post without the section weighs all it tells, as before
    plain = body.parse(title, text.replace("### Motivation", "### Details"))
    assert plain.weighed is plain.words and "qlora" in words.terms(plain.weighed, plain.head)


def weigh(told: Iterable[str], weights: dict[str, float], head: Sequence[str] = ()
          ) -> tuple[float, str]:
    return words.contribution(frozenset(told), head, words.Vocabulary(weights)) or (0.0, "")


def test_no_weighed_word_is_no_contribution() -> None:
    parsed = body.parse("Typo in the docstring", "A typo.")
    for weights in ({}, {"unrelated": 1.0}, {"typo docstring": 1.0}):
        assert words.contribution(parsed.words, parsed.head, words.Vocabulary(weights)) is None
    assert words.contribution(frozenset(), (), words.Vocabulary({"typo": 1.0})) is None


def test_the_contribution_adds_up_and_names_the_words_that_weigh_most() -> None:
    found = frozenset({"typo", "docstring", "cuda", "fsdp", "hello", "api"})
    weights = {"typo": 1.0, "docstring": 0.5, "api": 0.5, "cuda": -0.2, "fsdp": -0.1,
               "hello": 0.05}
    c, why = weigh(found, weights)
    assert c == pytest.approx(sum(weights.values()) / 6 ** 0.5)
    assert why == "its words are those of easier issues: 'typo', 'api', 'docstring'"
    c, why = weigh(found, {**weights, "fsdp": -3.0})
    assert c < 0 and why == "its words are those of harder issues: 'fsdp', 'cuda'"
    assert c == words.logit(found, {**weights, "fsdp": -3.0})  # as the fit counts it


def test_scoring_counts_the_words_as_the_fit_does() -> None:
    """Read from what an issue tells and its first words, the words and pairs weigh what
    the fit's terms weigh (:func:`words.logit`), and the heaviest of them are named."""
    weights = model.load().words
    vocabulary = words.Vocabulary(weights)
    seen = 0
    for i in [*samples.transformers_issues(), *samples.coverage_issues()]:
        parsed = body.parse(i.title, i.body)
        found = words.terms(parsed.words, parsed.head)
        got = words.contribution(parsed.words, parsed.head, vocabulary)
        if not found & weights.keys():
            assert got is None
            continue
        assert got is not None and got[0] == words.logit(found, weights)
        sign = 1 if got[0] > 0 else -1
        way = sorted((-sign * weights[t], t) for t in found & weights.keys())
        named = [t for w, t in way if w < 0 and words._shown(t)][:words.SHOWN]
        assert got[1].endswith(": " + ", ".join(f"'{t}'" for t in named) if named else "issues")
        seen += any(" " in t for t in named)
    assert seen  # pairs among the named words too


def test_parts_of_links_and_tiny_words_weigh_but_are_not_named() -> None:
    found = frozenset({"https", "com", "s", "py", "typo", "docstring"})
    weights = {"https": 2.0, "com": 2.0, "s": 2.0, "py": 2.0, "typo": 1.0, "docstring": 0.5}
    c, why = weigh(found, weights)
    assert c == pytest.approx(9.5 / 6 ** 0.5)
    assert why == "its words are those of easier issues: 'typo', 'docstring'"
    _, why = weigh({"https", "s"}, weights)
    assert why == "its words are those of easier issues"  # nothing left to name
    tiny = {f"{c}{d}": 3.0 for c in "abcd" for d in "xyz"}  # twelve heavier, unnamed
    _, why = weigh({*tiny, "typo"}, {**tiny, "typo": 1.0})
    assert why == "its words are those of easier issues: 'typo'"
    # nor a pair with a letter or a link's part ("i m" of "I'm", "github com"): real
    # reasons named "i m"
    pairs = {"i m": 3.0, "github com": 3.0, "s typo": 3.0, "diffusers blob": 3.0,
             "fix typo": 1.0, "is none": 0.5}
    head = ["i", "m", "github", "com", "s", "typo", "diffusers", "blob", "fix", "typo", "is",
            "none"]
    _, why = weigh((), pairs, head)
    assert why == "its words are those of easier issues: 'fix typo', 'is none'"
    # nor a pair that ends in a word that says nothing alone: two lines of code run
    # together ("import torch" then "from ..."), real reasons named 'torch from'
    code = {"torch from": -3.0, "number of": -3.0, "bfloat16": -1.0}
    _, why = weigh(("bfloat16",), code, ["torch", "from", "number", "of"])
    assert why == "its words are those of harder issues: 'bfloat16'"
    # nor the parts of a traceback's paths: real reasons named 'site' and 'packages'
    path = {"site": -3.0, "packages": -3.0, "python3": -3.0, "packages torch": -3.0,
            "generate": -1.0}
    _, why = weigh(("site", "packages", "python3", "generate"), path,
                   ["site", "packages", "torch"])
    assert why == "its words are those of harder issues: 'generate'"
    # nor those of a link to a screenshot or to the docs (real reasons named 'user', 'png'
    # of user-images.githubusercontent.com/....png, 'co transformers' of huggingface.co/...)
    link = {"user": -3.0, "png": -3.0, "assets": -3.0, "co transformers": -3.0,
            "slow": -1.0}
    _, why = weigh(("user", "png", "assets", "slow"), link, ["co", "transformers"])
    assert why == "its words are those of harder issues: 'slow'"
    # nor of a link to another issue, a paper's abstract, a frame's line, a split word
    # (real reasons named 'transformers issues', 'abs', 'py line', '_originally posted', 'pre')
    other = {"transformers issues": -3.0, "abs": -3.0, "py line": -3.0, "tmp": -3.0,
             "_originally posted": -3.0, "pre": -3.0, "slow": -1.0}
    _, why = weigh(("abs", "tmp", "pre", "slow"), other,
                   ["transformers", "issues", "py", "line", "_originally", "posted"])
    assert why == "its words are those of harder issues: 'slow'"


def test_words_every_post_has_weigh_but_are_not_named() -> None:
    # real reasons named 'model' for 404 of 1,641 labelled issues, 'using' for 372
    weights = {"model": -3.0, "using": -3.0, "the model": -3.0, "model generate": -2.0,
               "huggingface diffusers": -2.0, "device": -1.0, "offload": -0.5}
    head = ["using", "the", "model", "generate", "huggingface", "diffusers"]
    c, why = weigh(("model", "using", "device", "offload"), weights, head)
    assert c == pytest.approx(-(3 + 3 + 3 + 2 + 2 + 1 + 0.5) / (4 + 5) ** 0.5)  # 4 words, 5 pairs
    assert why == "its words are those of harder issues: 'model generate', 'device', 'offload'"


def test_words_of_degree_and_comparison_weigh_but_are_not_named() -> None:
    # real reasons: "its words are those of harder issues: 'similar', 'stable', 'better'"
    # (transformers#18240), "... 'support', 'much', 'great'" (peft#94)
    weights = {"similar": -3.0, "better": -3.0, "much": -3.0, "great": -3.0, "stable": -1.0,
               "callback": -0.5}
    c, why = weigh(("similar", "better", "much", "great", "stable", "callback"), weights)
    assert c == pytest.approx(-(3 * 4 + 1 + 0.5) / 6 ** 0.5)
    assert why == "its words are those of harder issues: 'stable', 'callback'"


def test_the_pairs_of_import_lines_weigh_but_are_not_named() -> None:
    # real reasons: "its words are those of harder issues: 'torch nn', 'import torch',
    # 'copy'" (transformers#24536), "... 'import torch', 'import autotokenizer', 'calling'"
    # (transformers#40166)
    weights = {"import torch": -3.0, "torch nn": -3.0, "from peft": -3.0,
               "transformers import": -3.0, "batch size": -1.0, "calling": -0.5}
    head = ["import", "torch", "nn", "from", "peft", "transformers", "import", "batch", "size"]
    c, why = weigh(("calling",), weights, head)
    assert c == pytest.approx(-(3 * 4 + 1 + 0.5) / (1 + 8) ** 0.5)  # 1 word, 8 pairs
    assert why == "its words are those of harder issues: 'batch size', 'calling'"


def test_code_syntax_and_path_parts_weigh_but_are_not_named() -> None:
    # real reasons: "its words are those of easier issues: 'import', 'tokenizer', 'bug'"
    # (peft#1032), "... 'file', 'passed', 'src'" (diffusers#484); 'import' was the word
    # most often named, for 286 of 2,189 labelled posts
    weights = {"import": 3.0, "src": 3.0, "shell": 3.0, "bin": 3.0, "tokenizer": 1.0,
               "bug": 0.5}
    c, why = weigh(("import", "src", "shell", "bin", "tokenizer", "bug"), weights)
    assert c == pytest.approx((3 * 4 + 1 + 0.5) / 6 ** 0.5)
    assert why == "its words are those of easier issues: 'tokenizer', 'bug'"


def test_a_pair_led_by_a_word_that_says_nothing_is_not_named() -> None:
    # real reasons: "... 'documentation', 'the documentation', 'docs'" (transformers#43901),
    # "... 'argument', 'keyword', 'this error'" (peft#1138); a negation or a state is kept:
    # "not found", "is none"
    weights = {"the documentation": 3.0, "this error": 3.0, "not found": 2.0, "is none": 1.5,
               "docs": 1.0}
    head = ["the", "documentation", "this", "error", "not", "found", "is", "none"]
    c, why = weigh(("docs",), weights, head)
    assert c == pytest.approx((3 + 3 + 2 + 1.5 + 1) / (1 + 7) ** 0.5)  # 1 word, 7 pairs
    assert why == "its words are those of easier issues: 'not found', 'is none', 'docs'"


def test_the_same_words_weigh_the_same_whatever_order_they_came_in() -> None:
    terms = [f"w{i}" for i in range(300)]
    weights = {t: (-1) ** i * 0.1 / (i + 1) + 1e-17 * i for i, t in enumerate(terms)}
    assert weigh(terms, weights) == weigh(reversed(terms), weights)


def test_a_long_post_gives_each_word_less() -> None:
    short, long = frozenset({"typo", "a1"}), frozenset({"typo"} | {f"a{i}" for i in range(50)})
    assert words.value(short) > words.value(long) > 0
    assert words.value(frozenset()) == 0.0


def test_fit_words_learns_signs_from_enough_issues_only_and_is_deterministic() -> None:
    found, ys = [], []
    for i in range(60):
        easy = i % 2 == 0
        found.append(frozenset({"typo" if easy else "fsdp", "common", f"rare{i}"}))
        ys.append(easy)
    w = learn.fit_words(found, ys, [0.0] * 60, l2=0.5)
    assert w["typo"] > 0.5 and w["fsdp"] < -0.5
    assert abs(w.get("common", 0.0)) < 0.05
    assert not any(t.startswith("rare") for t in w)  # one issue each: not learnt from
    assert learn.fit_words(found, ys, [0.0] * 60, l2=0.5) == w
    # what the rest of the model already says (an offset) is not learnt again
    held = learn.fit_words(found, ys, [2.0 if y else -2.0 for y in ys], l2=0.5)
    assert held["typo"] < w["typo"]


def test_the_words_are_fitted_with_the_easy_model_and_move_the_score() -> None:
    recipe = load("transformers")
    typo = [issue(n, "Typo in the docs", "The docstring says `x` twice.") for n in range(1, 9)]
    oom = [issue(n, "OOM with FSDP", "Training runs out of memory on 8 GPUs.")
           for n in range(9, 17)]
    items = [(i, features.extract(i, recipe)) for i in typo + oom]
    m = learn.fit_models(items, [n <= 8 for n in range(1, 17)], [n > 8 for n in range(1, 17)])
    assert m.words["typo"] > 0 and m.words["fsdp"] < 0
    i, f = items[0]
    with_words = scoring.assess(i, f, m)
    without = scoring.assess(i, f, model.Models(m.easy, m.gpu))
    # as heavy as 'typo': in alphabetical order ('docs the', between them, weighs but is
    # not named: it ends in a word that says nothing alone)
    assert any("its words are those of easier issues: 'docs', 'docstring', 'docstring says'"
               in r for r in with_words.reasons)
    assert not any("its words" in r for r in without.reasons)
    assert with_words.score > without.score


def test_ranked_assessments_keep_no_words() -> None:
    """The score holds them; a worker sends its results back pickled, words would double
    the time of a large batch."""
    recipe = load("transformers")
    found = rank.assess_all(recipe, samples.transformers_issues())
    assert found and all(not a.features.told and not a.features.head for a in found)
    assert any("its words" in r for a in found for r in a.reasons)
