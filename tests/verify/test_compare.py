"""Classifying tests before vs after, flaky reruns and the verdict."""
from __future__ import annotations

from harness import results
from harness.verify import compare


def r(test_id: str, outcome: str, message: str = "") -> results.TestResult:
    return results.TestResult(test_id, outcome, 0.1, message)  # type: ignore[arg-type]


def test_every_kind_of_change() -> None:
    before = [r("t.py::fixed", "failed"), r("t.py::broken", "passed"),
              r("t.py::still", "error"), r("t.py::ok", "passed"), r("t.py::gone", "passed"),
              r("t.py::skip", "skipped")]
    after = [r("t.py::fixed", "passed"), r("t.py::broken", "failed", "boom"),
             r("t.py::still", "failed"), r("t.py::ok", "passed"), r("t.py::born", "passed"),
             r("t.py::skip", "failed")]
    rows = {row.id: row.change for row in compare.classify(before, after)}
    assert rows == {"t.py::fixed": "fixed", "t.py::broken": "broken",
                    "t.py::still": "still_failing", "t.py::ok": "passing",
                    "t.py::gone": "removed", "t.py::born": "new", "t.py::skip": "broken"}
    verdict = compare.verdict(compare.classify(before, after))
    assert verdict == ("regressions", "2 broken")


def test_collection_error_stands_for_the_files_tests() -> None:
    before = [r("tests/test_a.py", "error", "ImportError: cannot import name 'sub'")]
    after = [r("tests/test_a.py::test_sub", "passed"), r("tests/test_a.py::test_add", "passed")]
    rows = compare.classify(before, after)
    assert [(x.id, x.before, x.change) for x in rows] == [
        ("tests/test_a.py::test_add", "error", "fixed"),
        ("tests/test_a.py::test_sub", "error", "fixed")]
    assert rows[0].note == "collection error: ImportError: cannot import name 'sub'"
    both = compare.classify(before, before)
    assert [(x.id, x.change) for x in both] == [("tests/test_a.py", "still_failing")]


def test_shifted_parametrized_ids_are_noted() -> None:
    before = [r("t.py::test_cfg[cfg3]", "passed")]
    after = [r("t.py::test_cfg[cfg4]", "passed"), r("t.py::test_other[x]", "passed")]
    notes = {row.id: row.note for row in compare.classify(before, after)}
    assert "ids shift" in notes["t.py::test_cfg[cfg3]"]
    assert "ids shift" in notes["t.py::test_cfg[cfg4]"]
    assert notes["t.py::test_other[x]"] == ""


def test_flaky_and_rerun_targets() -> None:
    rows = compare.classify([r("t.py::a", "passed"), r("t.py::b", "failed")],
                            [r("t.py::a", "failed"), r("t.py::b", "passed")])
    assert compare.to_rerun(rows) == ["t.py::a", "t.py::b"]
    marked = compare.mark_flaky(rows, [r("t.py::a", "passed"), r("t.py::b", "failed")],
                                [r("t.py::a", "passed"), r("t.py::b", "passed")])
    assert [(x.id, x.change) for x in marked] == [("t.py::a", "flaky"), ("t.py::b", "fixed")]
    assert compare.verdict(marked) == ("ok", "1 fixed, 1 flaky")
    many = [f"t{i % 3}.py::x{i}" for i in range(compare.RERUN_LIMIT + 1)]
    assert compare.rerun_targets(many) == ("t0.py", "t1.py", "t2.py")


def test_new_failing_test_is_a_regression_and_empty_is_ok() -> None:
    rows = compare.classify([], [r("t.py::new", "failed")])
    assert compare.verdict(rows) == ("regressions", "1 new test(s) failing")
    assert compare.verdict([]) == ("ok", "no tests run")
