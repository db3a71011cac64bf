"""The main job end to end on tiny pure-Python targets: real git, real uv envs, real pytest."""
from __future__ import annotations

import shlex
import time
from pathlib import Path

import pytest

from harness import history, store
from harness.errors import HarnessError
from harness.progress import Ui
from harness.reproduce import Options, reproduce
from tests.testing.repos import REACHES_OUT, TINY_TARGET, commit, make_repo, tiny_recipe


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    return tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo)), repo


def run(recipe: Path, **kwargs: object) -> dict[str, object]:
    """The report's JSON document: what `--json` users read."""
    report = reproduce(Options(recipe=str(recipe), **kwargs), Ui(quiet=True))  # type: ignore[arg-type]
    return report.to_json()


def test_passing_subset_and_warm_rerun(tiny: tuple[Path, Path]) -> None:
    recipe, _ = tiny
    first = run(recipe)
    assert first["status"] == "passed"
    assert first["counts"] == {"passed": 5, "failed": 0, "error": 0, "skipped": 0,
                               "xfail": 0, "xpass": 0}
    ids = sorted(t["id"] for t in first["tests"])  # type: ignore[attr-defined]
    assert ids[0] == "tests/test_mathops.py::test_add"
    assert "tests/test_mathops.py::test_mul[2-3-6]" in ids
    assert first["env_built"] is True
    assert set(first["timings"]) == {"clone", "env", "tests", "total"}  # type: ignore[arg-type]

    second = run(recipe)
    assert second["env_built"] is False
    assert second["env_key"] == first["env_key"]
    assert second["commit"] == first["commit"]
    with store.opened() as conn:
        rows = history.recent(conn)
        assert [r["id"] for r in rows] == [second["run_id"], first["run_id"]]
        assert len(history.tests_of(conn, int(second["run_id"]))) == 5  # type: ignore[call-overload]


def test_failing_tests_are_reported_per_test(tiny: tuple[Path, Path]) -> None:
    recipe, repo = tiny
    commit(repo, {"src/tinytarget/mathops.py": "def add(a, b):\n    return a - b\n\n\n"
                  "def mul(a, b):\n    return a * b\n"}, tag="v2.0")
    doc = run(recipe, ref="v2.0")
    assert doc["status"] == "failed"
    assert doc["exit_code"] == 1
    failed = [t for t in doc["tests"] if t["outcome"] == "failed"]  # type: ignore[attr-defined]
    assert [t["id"] for t in failed] == ["tests/test_mathops.py::test_add"]
    assert "assert -1 == 5" in failed[0]["message"]


def test_env_is_shared_across_refs_with_same_dependencies(tiny: tuple[Path, Path]) -> None:
    recipe, repo = tiny
    first = run(recipe)
    commit(repo, {"src/tinytarget/text.py": "def shout(s):\n    return s.upper() + '!!'\n"},
           tag="v1.1")
    second = run(recipe, ref="v1.1")
    assert second["env_built"] is False and second["env_key"] == first["env_key"]
    # the code under test comes from the v1.1 worktree, not the one the env was built from
    assert second["status"] == "failed"
    commit(repo, {"pyproject.toml": TINY_TARGET["pyproject.toml"] + "\n# changed\n"},
           tag="v1.2")
    assert run(recipe, ref="v1.2")["env_key"] != first["env_key"]


def test_offline_subset_blocks_network_fast(tmp_path: Path) -> None:
    files = dict(TINY_TARGET)
    files["tests/test_net.py"] = (
        "import socket\n\n\ndef test_reaches_out():\n"
        "    socket.create_connection(('192.0.2.1', 443), timeout=30)\n"
    )
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "net.toml", str(repo))
    start = time.monotonic()
    doc = run(recipe, tests=("tests/test_net.py",))
    (test,) = doc["tests"]  # type: ignore[misc]
    assert test["outcome"] == "failed"
    assert "network access blocked" in test["message"]
    assert time.monotonic() - start < 60
    assert test["duration"] < 5


def test_per_test_timeout_and_missing_results(tmp_path: Path) -> None:
    files = dict(TINY_TARGET)
    files["tests/test_slow.py"] = "import time\n\n\ndef test_hangs():\n    time.sleep(60)\n"
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "slow.toml", str(repo), subsets="""\
        [subsets.all]
        paths = ["tests/test_slow.py"]
        workers = 1
        timeout = 2
        """)
    doc = run(recipe)
    (test,) = doc["tests"]  # type: ignore[misc]
    assert test["outcome"] == "failed"
    assert "Timeout" in test["message"]
    assert doc["status"] == "failed"


def test_collection_error_is_infra_error(tmp_path: Path) -> None:
    files = dict(TINY_TARGET)
    files["tests/test_broken.py"] = "import does_not_exist_anywhere\n"
    repo = make_repo(tmp_path / "src", files)
    doc = run(tiny_recipe(tmp_path / "broken.toml", str(repo)))
    assert doc["status"] == "infra_error"
    assert "collection error" in str(doc["reason"])
    assert "tests/test_broken.py" in str(doc["reason"])


def test_install_failure_names_log_and_is_recorded(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "bad.toml", str(repo), extra="""\
        [install]
        packages = ["harness-test-no-such-package-xyz==9.9.9"]
        """)
    with pytest.raises(HarnessError) as e:
        run(recipe)
    assert "building the bad env failed" in e.value.message
    log = Path(e.value.message.rsplit("full log: ", 1)[1].strip())
    assert log.is_file() and "harness-test-no-such-package-xyz" in log.read_text()
    with store.opened() as conn:
        (row,) = history.recent(conn)
        assert row["status"] == "infra_error"
    envs = Path(recipe).parent  # nothing half-built is left in the cache
    from harness import config

    leftovers = [p.name for p in (config.home() / "envs").iterdir() if not p.name.endswith(".lock")]
    assert leftovers == [], (envs, leftovers)


def test_no_tests_selected_is_infra_error(tiny: tuple[Path, Path]) -> None:
    recipe, _ = tiny
    doc = run(recipe, pytest_args=("-k", "nothing_matches_this"))
    assert doc["status"] == "infra_error"
    assert "no tests were selected" in str(doc["reason"])


def test_online_lets_the_tests_reach_out(tmp_path: Path, hub: list[str]) -> None:
    files = dict(TINY_TARGET)
    files["tests/test_net.py"] = REACHES_OUT
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "net.toml", str(repo))
    doc = run(recipe, tests=("tests/test_net.py",), online=True)
    assert [t["outcome"] for t in doc["tests"]] == ["passed"]  # type: ignore[attr-defined]
    assert str(doc["command"]).endswith("--online")
    assert hub == ["/"]  # asked once, before the run
    offline = run(recipe, tests=("tests/test_net.py",))
    assert [t["outcome"] for t in offline["tests"]] == ["failed"]  # type: ignore[attr-defined]


def mul_target(tmp_path: Path) -> Path:
    """A tiny target whose subset "mul" keeps test_mul's cases with -k, one deselected (as
    peft's lora keeps LoRA's cases of test_custom_models.py)."""
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    return tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo), subsets="""\
        [subsets.mul]
        paths = ["tests/test_mathops.py"]
        k = "test_mul"
        deselect = ["tests/test_mathops.py::test_mul[0-5-0]"]
        workers = 1
        threads = 1
        """)


def test_tests_outside_the_subset_are_not_narrowed_by_its_k(tmp_path: Path) -> None:
    """peft's lora subset keeps test_custom_models.py's LoRA cases with -k "Vanilla and MLP
    and LoraConfig": the command to try for real post peft#1962, `harness reproduce peft
    --subset lora --tests tests/test_decoder_models.py`, selected no test.  A -k (and the
    deselects) name tests of the subset's own files; markers hold for any file."""
    recipe = mul_target(tmp_path)
    inside = run(recipe, subset="mul", tests=("tests/test_mathops.py",))
    assert inside["counts"]["passed"] == 2  # type: ignore[index]
    outside = run(recipe, subset="mul", tests=("tests/test_text.py",))
    assert outside["status"] == "passed"
    assert [t["id"] for t in outside["tests"]] == ["tests/test_text.py::test_shout"]  # type: ignore[attr-defined]


def test_k_replaces_the_subsets_k(tmp_path: Path) -> None:
    """peft tests most of its methods in test_custom_models.py, each by its config class, and
    its lora subset keeps LoRA's with -k: the command to try for an IA3 issue (real post
    peft#820) is `harness reproduce peft --subset lora -k IA3Config`.
    The subset's deselects stay; the command shown runs the same again."""
    recipe = mul_target(tmp_path)
    doc = run(recipe, subset="mul", k="test_add or 2-3")
    assert sorted(t["id"] for t in doc["tests"]) == [  # type: ignore[attr-defined]
        "tests/test_mathops.py::test_add", "tests/test_mathops.py::test_mul[2-3-6]"]
    assert shlex.split(str(doc["command"]))[-2:] == ["-k", "test_add or 2-3"]
    everything = run(recipe, subset="mul", k="")
    assert everything["counts"]["passed"] == 3  # type: ignore[index]
    assert shlex.split(str(everything["command"]))[-2:] == ["-k", ""]


def test_a_test_path_the_checkout_lacks_is_one_clear_error(tiny: tuple[Path, Path]) -> None:
    """transformers' tests/models/phi3/ has no test_tokenization_phi3.py: run with --tests,
    the report said "no tests were selected: check the subset's paths, -k and markers"."""
    recipe, _ = tiny
    with pytest.raises(HarnessError, match=r"--tests tests/test_nope.py::t: tests/test_nope.py "
                                           r"is not in tiny at v1.0 \("):
        run(recipe, tests=("tests/test_nope.py::t",))
    assert run(recipe, tests=("tests/test_text.py::test_shout",))["status"] == "passed"


def sparse_tiny(tmp_path: Path, files: dict[str, str]) -> Path:
    """A recipe of ``files`` shaped as transformers' is: tests/ without its model folders."""
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "recipes" / "tiny.toml", str(repo))
    recipe.write_text(recipe.read_text().replace(
        'ref = "v1.0"', 'ref = "v1.0"\nsparse = ["/*", "!/*/", "/src/", "/tests/", '
        '"!/tests/models/*/"]'))
    return recipe


def test_a_test_file_outside_the_sparse_folders_comes_with_its_package(tmp_path: Path) -> None:
    """transformers' recipe checks out tests/ minus every model folder but two; `--tests
    tests/models/llama/test_modeling_llama.py` (the command to try for 40 real posts) came
    alone, without tests/models/llama/__init__.py, and failed to collect: "attempted
    relative import with no known parent package"."""
    files = {**TINY_TARGET, "tests/models/__init__.py": "", "tests/models/one/__init__.py": "",
             "tests/models/one/helpers.py": "WANT = 5\n",
             "tests/models/one/test_one.py": "from tinytarget.mathops import add\n\n"
                                              "from .helpers import WANT\n\n\n"
                                              "def test_one():\n    assert add(2, 3) == WANT\n"}
    doc = run(sparse_tiny(tmp_path, files), tests=("tests/models/one/test_one.py",))
    assert doc["status"] == "passed", doc["reason"]
    assert [t["id"] for t in doc["tests"]] == ["tests/models/one/test_one.py::test_one"]  # type: ignore[attr-defined]


def test_a_test_file_comes_with_the_test_folders_it_imports(tmp_path: Path) -> None:
    """transformers' tests/models/encoder_decoder/test_modeling_encoder_decoder.py imports
    the model testers of bart, bert, gpt2 ... (`from ..bart.test_modeling_bart import
    BartModelTester`); run with --tests, it came with its own folder only and failed to
    collect: "No module named 'tests.models.bart'" (14 model test files do so).  What those
    import comes too."""
    files = {**TINY_TARGET, "tests/models/__init__.py": "",
             "tests/models/one/__init__.py": "",
             "tests/models/one/test_one.py": "from ..two.test_two import Tester\n\n\n"
                                              "def test_pair():\n    assert Tester().ok()\n",
             "tests/models/two/__init__.py": "",
             "tests/models/two/test_two.py": "from tests.models.three import test_three\n\n\n"
                                              "class Tester:\n    def ok(self):\n"
                                              "        return test_three.WANT == 5\n",
             "tests/models/three/__init__.py": "",
             "tests/models/three/test_three.py": "WANT = 5\n",
             "tests/models/four/__init__.py": "", "tests/models/four/test_four.py": "X = 1\n"}
    doc = run(sparse_tiny(tmp_path, files), tests=("tests/models/one/test_one.py",))
    assert doc["status"] == "passed", doc["reason"]
    ids = [t["id"] for t in doc["tests"]]  # type: ignore[attr-defined]
    assert ids == ["tests/models/one/test_one.py::test_pair"]
    worktree = Path(str(doc["worktree"]))
    assert (worktree / "tests/models/three/test_three.py").is_file()
    assert not (worktree / "tests/models/four").exists()  # what nothing imports stays out
