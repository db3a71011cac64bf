"""bench/triage_claims.py: claims and welcomed fixes scored where both readers agree."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import triage_claims


def write(path: Path, rows: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


TEXTS = {
    "a": "I'd like to work on this!",  # a claim, found
    "b": "Hi, I took the Flux one and opened a PR, hope that is fine.",  # found
    "c": "On its way, by the end of the week.",  # a claim, missed
    "d": "Same problem here with 0.30.",  # neither
    "e": "If anyone would like to work on this, a PR is welcome.",  # a welcome, no claim
    "f": "I can take this.",  # the readers disagree: not scored
}


def comments_file(tmp_path: Path) -> str:
    return write(tmp_path / "comments.jsonl", [
        {"id": key, "repo": "huggingface/peft", "number": 7, "author": "ana",
         "date": "2025-01-01", "text": text} for key, text in TEXTS.items()])


def labels(claims: str, welcomes: str = "e", sample: dict[str, int] | None = None
           ) -> list[dict[str, object]]:
    return [{"id": key, "claims": key in claims, "claimant": "@ana" if key in claims else "",
             "welcomes_pr": key in welcomes, "sample": (sample or {}).get(key, 1)}
            for key in TEXTS]


def test_scores_only_the_comments_both_readers_label_alike(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = write(tmp_path / "a.jsonl", labels("abcf"))
    second = write(tmp_path / "b.jsonl", labels("abc"))
    assert triage_claims.main([comments_file(tmp_path), "--labels", first, "--relabels",
                               second, "--mistakes"]) == 0
    out = capsys.readouterr().out
    assert "6 comments, 6 labelled by both readers" in out
    assert ("someone is on the issue: readers agree on 5; of the 3 labelled so, found 2, "
            "missed 1; found wrongly 0 of 2; recall 0.67, precision 1.00") in out
    assert ("a fix is welcome: readers agree on 6; of the 1 labelled so, found 1, missed 0; "
            "found wrongly 0 of 5; recall 1.00, precision 1.00") in out
    assert "  missed c: On its way, by the end of the week." in out
    assert " f:" not in out  # disputed: neither scored nor listed


def test_a_claim_found_where_the_readers_saw_none_is_counted_wrong(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    both = write(tmp_path / "a.jsonl", labels("ac", welcomes=""))
    assert triage_claims.main([comments_file(tmp_path), "--labels", both,
                               "--relabels", both]) == 0
    out = capsys.readouterr().out
    # b and f claim by the pattern, not by these labels; e welcomes a fix by the pattern
    assert ("of the 2 labelled so, found 1, missed 1; found wrongly 2 of 4; recall 0.50, "
            "precision 0.33") in out
    assert "a fix is welcome: readers agree on 6; of the 0 labelled so" in out
    assert "found wrongly 1 of 6; recall -, precision 0.00" in out


def test_sample_scores_one_sample_alone(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rows = labels("abc", sample={"a": 2, "d": 2})
    both = write(tmp_path / "a.jsonl", rows)
    assert triage_claims.main([comments_file(tmp_path), "--labels", both, "--relabels", both,
                               "--sample", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 comments, 2 labelled by both readers" in out
    assert "of the 1 labelled so, found 1, missed 0; found wrongly 0 of 1" in out


def test_a_bad_line_is_skipped_with_one_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "comments.jsonl"
    path.write_text('{"id": "a", "text": "x"}\nnot json\n')
    assert list(triage_claims.read_jsonl(path)) == ["a"]
    assert f"{path}:2: skipped: JSONDecodeError" in capsys.readouterr().err
