from __future__ import annotations

from harness.triage import title


def test_a_title_about_speed_memory_or_quality() -> None:
    assert title.cues("LoRA inference is much slower after merging") == {"title_perf"}
    assert title.cues("GPU memory grows with every step") == {"title_perf"}
    assert title.cues("NaN loss with fp16") == {"title_perf"}


def test_a_title_that_names_an_error() -> None:
    assert title.cues("KeyError: 'lm_head' when merging (memory_efficient flag)") \
        == {"title_error"}
    assert title.cues("Error loading a LoRA saved with safetensors") == {"title_error"}
    assert title.cues("OOM error with flux at 1024px") == {"title_perf", "title_error"}


def test_other_titles_say_nothing() -> None:
    assert title.cues("Add a `dropout` argument") == frozenset()
    assert title.cues("Errata: the memory_efficient flag is documented twice") == frozenset()
    assert title.cues("`error_on_missing` argument is ignored") == frozenset()
