from __future__ import annotations

from harness.triage import title


def test_a_title_naming_code_or_an_exception_is_told_apart() -> None:
    assert title.cues("`Trainer.evaluate` drops `eval_loss`") == {"title_code"}
    assert title.cues("KeyError: 'lm_head' when merging") == {"title_error"}
    assert title.cues("Error loading the model") == frozenset()  # a word, not a class


def test_a_title_about_speed_memory_or_quality() -> None:
    assert title.cues("LoRA inference is much slower after merging") == {"title_perf"}
    assert title.cues("GPU memory grows with every step") == {"title_perf"}
    assert title.cues("Add a `dropout` argument") == {"title_code"}
