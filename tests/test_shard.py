"""--shard K/N: parsing, the split itself, where the durations come from, xdist runs."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import history, results, run_report, store
from harness import shard as sharding
from harness.errors import HarnessError
from harness.progress import Ui
from harness.pytest_plugin.harness_plugin import shard_plan
from harness.reproduce import Options, reproduce
from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe


@pytest.mark.parametrize("text,index,total", [("1/3", 1, 3), ("3/3", 3, 3), (" 2 / 4 ", 2, 4),
                                              ("1/1", 1, 1)])
def test_parse(text: str, index: int, total: int) -> None:
    assert sharding.parse(text) == sharding.Shard(index, total)


@pytest.mark.parametrize("text,message", [
    ("0/3", "K must be between 1 and 3"), ("3/2", "K must be between 1 and 2"),
    ("x", "expected K/N"), ("1/0", "N must be between 1"), ("-1/3", "expected K/N"),
    ("1/300", "N must be between 1 and 256"), ("1/2/3", "expected K/N"),
])
def test_parse_refuses(text: str, message: str) -> None:
    with pytest.raises(HarnessError, match=message):
        sharding.parse(text)


def harness_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "200"})


@pytest.mark.parametrize("args,message", [
    (("--shard", "0/3"), "--shard 0/3: K must be between 1 and 3"),
    (("--shard", "3/2"), "--shard 3/2: K must be between 1 and 2"),
    (("--shard", "x"), "--shard 'x': expected K/N"),
    (("--durations", "s.json"), "--durations only applies with --shard K/N"),
])
def test_bad_shard_is_one_line_exit_2(args: tuple[str, ...], message: str) -> None:
    proc = harness_cli("reproduce", "demo", *args)
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("harness: error:")]
    assert len(errors) == 1 and errors[0].startswith(f"harness: error: {message}"), proc.stderr
    assert "Traceback" not in proc.stderr


IDS = [f"tests/test_{m}.py::test_{i}" for m in "abcde" for i in range(7)]


def test_plan_is_disjoint_covering_and_order_independent() -> None:
    plan, _, known = shard_plan(IDS, {}, 3)
    assert set(plan) == set(IDS) and set(plan.values()) == {0, 1, 2}
    assert known == 0
    sizes = sorted(list(plan.values()).count(k) for k in range(3))
    assert sizes == [11, 12, 12]  # counts: no shard more than one test above another
    again, _, _ = shard_plan(list(reversed(IDS)) + IDS[:3], {}, 3)
    assert again == plan


def test_plan_balances_by_durations() -> None:
    durations = {IDS[0]: 30.0, IDS[1]: 29.0} | {i: 1.0 for i in IDS[2:]}
    plan, expected, known = shard_plan(IDS, durations, 3)
    assert known == len(IDS)
    assert plan[IDS[0]] != plan[IDS[1]]  # the two long tests never share a shard
    loads = [sum(durations[i] for i in IDS if plan[i] == k) for k in range(3)]
    assert max(loads) - min(loads) <= 1.0 + 1e-9
    assert max(expected) - min(expected) < 1.2
    # by counts, the same ids split differently: the durations decide
    assert shard_plan(IDS, {}, 3)[0] != plan


def test_plan_with_more_shards_than_tests() -> None:
    plan, _, _ = shard_plan(IDS[:2], {}, 5)
    assert sorted(plan.values()) == [0, 1]


def save_run(doc: dict[str, object], tests: list[results.TestResult]) -> int:
    base = {"recipe": "tiny", "subset": "all", "ref": "v1.0", "status": "passed",
            "started_at": "2026-12-01T00:00:00+00:00"}
    with store.opened() as conn:
        return history.save(conn, {**base, **doc}, tests)


def test_durations_come_from_the_latest_whole_run() -> None:
    with store.opened() as conn:
        assert sharding.from_store(conn, "tiny", "all") == sharding.Durations(
            {}, "none (split by counts)")
    result = results.TestResult
    first = save_run({}, [result("t::a", "passed", 1.0), result("t::b", "passed", 2.0)])
    whole = save_run({}, [result("t::a", "passed", 3.0), result("t::b", "failed", 4.0)])
    save_run({"shard": {"index": 1, "total": 2}}, [results.TestResult("t::a", "passed", 9.0)])
    save_run({"status": "infra_error"}, [results.TestResult("t::a", "passed", 8.0)])
    save_run({"subset": "other"}, [results.TestResult("t::a", "passed", 7.0)])
    with store.opened() as conn:
        found = sharding.from_store(conn, "tiny", "all")
    assert found == sharding.Durations({"t::a": 3.0, "t::b": 4.0}, f"run {whole}")
    assert whole > first


def test_durations_from_a_report(tmp_path: Path) -> None:
    path = tmp_path / "merged.json"
    doc = {"recipe": "tiny", "subset": "all", "ref": "v1.0", "started_at": "x",
           "status": "passed", "tests": [{"id": "t::a", "duration": 1.5, "outcome": "passed",
                                          "message": ""}]}
    path.write_text(json.dumps(doc))
    assert run_report.durations_in(path) == sharding.Durations({"t::a": 1.5}, "report merged.json")
    path.write_text("{}")
    with pytest.raises(HarnessError, match=r"merged\.json has an unknown status None"):
        run_report.durations_in(path)
    path.write_text("{")
    with pytest.raises(HarnessError, match="not a harness JSON report"):
        run_report.durations_in(path)
    path.write_text(json.dumps(doc | {"tests": []}))
    with pytest.raises(HarnessError, match="has no test durations"):
        run_report.durations_in(path)


def test_shards_under_xdist_split_the_selection(tmp_path: Path) -> None:
    """Two xdist workers each collect and split: both must keep the same part.

    An empty shard (more shards than tests) passes and says so.
    """
    files = dict(TINY_TARGET)
    files["tests/test_many.py"] = (
        "import pytest\n\n\n@pytest.mark.parametrize('n', range(12))\n"
        "def test_n(n):\n    assert n >= 0\n")
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo), subsets="""\
        [subsets.all]
        paths = ["tests"]
        workers = 2
        threads = 1
        timeout = 60
        """)
    docs = [reproduce(Options(recipe=str(recipe), shard=sharding.Shard(k, 2)),
                      Ui(quiet=True)).to_json() for k in (1, 2)]
    ids = [{t["id"] for t in d["tests"]} for d in docs]
    assert all(d["status"] == "passed" for d in docs), [d["reason"] for d in docs]
    assert len(ids[0]) + len(ids[1]) == len(ids[0] | ids[1]) == 17
    assert [d["shard"]["index"] for d in docs] == [1, 2]
    assert {d["shard"]["selected"] for d in docs} == {17}
    assert len({d["shard"]["plan"] for d in docs}) == 1
    assert docs[0]["shard"]["balance"] == "counts"
    assert "-n" in docs[0]["pytest"]["argv"]
    assert docs[0]["command"].endswith("--shard 1/2")

    empty = reproduce(Options(recipe=str(recipe), tests=("tests/test_text.py",),
                              shard=sharding.Shard(2, 2)), Ui(quiet=True)).to_json()
    assert empty["status"] == "passed" and empty["tests"] == []
    assert empty["reason"] == "shard 2/2 is empty (1 test(s) in 2 shards)"


def test_a_shard_whose_tests_all_skip_passes_and_says_so(tmp_path: Path) -> None:
    """A lone run whose tests all skip ran nothing and is no pass; a shard of them is one
    part of a run (a CPU machine's shard of GPU tests): the merge tells whether any ran."""
    files = dict(TINY_TARGET)
    files["tests/test_gpu.py"] = ("import pytest\n\n\n@pytest.mark.skip(reason='needs CUDA')\n"
                                  "def test_gpu():\n    pass\n")
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo))
    alone = reproduce(Options(recipe=str(recipe), tests=("tests/test_gpu.py",)),
                      Ui(quiet=True)).to_json()
    assert alone["status"] == "infra_error"
    assert alone["reason"] == "nothing ran: all 1 selected test(s) were skipped (needs CUDA)"
    shard = reproduce(Options(recipe=str(recipe), tests=("tests/test_gpu.py",),
                              shard=sharding.Shard(1, 1)), Ui(quiet=True)).to_json()
    assert shard["status"] == "passed"
    assert shard["reason"] == ("shard 1/1: nothing ran: all 1 selected test(s) were skipped "
                               "(needs CUDA)")
