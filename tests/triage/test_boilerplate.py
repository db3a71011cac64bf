from __future__ import annotations

from harness.recipes import load
from harness.triage import boilerplate, features, rank, scoring
from tests.triage import samples

# an issue form as a repository's template writes it (its prompts are words)
FORM = """# 🖥 Benchmarking `mylib`

## Benchmark

Which part of `mylib` did you benchmark?

## Set-up

What did you run your benchmarks on? Please include details, such as: CPU, GPU?

## Results

Put your results here!
"""
FILLED = FORM.replace("Put your results here!", "Generation with the static cache is 2x "
                      "slower than the dynamic one on a laptop CPU: 41 ms a token against "
                      "20 ms, batch 1, gpt2.")


def forms(*bodies: str) -> boilerplate.Forms:
    return boilerplate.forms(samples.issue(n, "a post", b) for n, b in enumerate(bodies, 1))


def test_a_line_is_a_forms_when_enough_posts_carry_it_each_counted_once() -> None:
    twice = "Which part did you benchmark?\nWhich part did you benchmark?\nsomething else"
    assert "which part did you benchmark?" not in forms(twice, twice).lines
    found = forms(twice, twice, "  ## Which part   did you benchmark?").lines
    # the same prompt under another mark, with other spaces or case, is the same line
    assert "which part did you benchmark?" in found and "something else" not in found
    assert boilerplate.normal("- [ ] The official\texample scripts") == \
        "[ ] the official example scripts"
    long_line = "the output " * (boilerplate.MAX_LINE // 10 + 1)
    assert not forms(*[long_line] * 5).lines  # a long line is a reporter's
    # and counts as what a post says, though its other lines are the form's (the first two
    # posts are all the form's lines)
    assert forms(twice, twice, f"{twice}\n{long_line}").unfilled == {1, 2}


def test_an_unfilled_form_says_nothing_beyond_the_forms_lines() -> None:
    # (the line a filled form replaces is the form's too where three unfilled ones carry it)
    found = forms(FORM, FORM, FORM, FILLED, "an unrelated post")
    assert found.unfilled == {1, 2, 3}  # not the filled one, nor the unrelated post
    assert not forms(FORM).unfilled  # alone, its prompts are words


def test_beginner_leaves_out_an_unfilled_form_even_under_its_heading_as_title() -> None:
    """Real posts: "[Benchmark]" and "# 🖥 Benchmarking `transformers`" over an unfilled
    form, both labelled easy ("nothing to fix"), were listed for a beginner."""
    recipe = load("transformers")
    posts = [samples.issue(1, "[Benchmark]", FORM),
             samples.issue(2, "# 🖥 Benchmarking `mylib`", FORM),
             samples.issue(3, "[Benchmark] static cache", FILLED),
             # a title naming code of its own tells the task, whatever the post says
             samples.issue(4, "Fix slow test_static_cache", FORM)]
    assessed = [scoring.assess(i, features.extract(i, recipe)) for i in posts]
    forms = boilerplate.forms(posts)
    assert forms.unfilled == {1, 2, 4}  # (#4's title tells its task: rank decides)
    assert [rank.tells_no_task(a, forms) for a in assessed] == [True, True, False, False]
    assert not any(rank.tells_no_task(a) for a in assessed)  # without the batch's forms
    filters = rank.Filters(beginner=True, state="all", forms=forms)
    assert sorted(a.issue.number for a, why in rank.left_out(recipe, assessed, filters)
                  if why == rank.NO_TASK) == [1, 2]
