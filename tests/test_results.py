from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from harness import results, runner
from harness.pytest_plugin import harness_plugin as plugin
from harness.results import MISSING_MESSAGE, Verdict
from harness.verify import compare

Row = results.TestResult  # imported as TestResult, pytest would try to collect it

PLUGIN_DIR = Path(results.__file__).resolve().parent / "pytest_plugin"

SAMPLE = """\
    import pytest


    @pytest.fixture
    def broken():
        raise RuntimeError("fixture boom")


    @pytest.fixture
    def bad_teardown():
        yield
        raise RuntimeError("teardown boom")


    def test_pass():
        pass


    def test_fail():
        assert 1 == 2


    def test_error(broken):
        pass


    def test_teardown_error(bad_teardown):
        pass


    def test_skip():
        pytest.skip("not today")


    @pytest.mark.xfail(reason="known bug")
    def test_xfail():
        assert False


    @pytest.mark.xfail(reason="maybe fixed", strict=False)
    def test_xpass():
        pass


    @pytest.mark.parametrize("n", [1, 2, "a b"])
    def test_param(n):
        assert n == 1


    class TestGroup:
        def test_method(self):
            pass

        class TestInner:
            def test_deep(self):
                assert False, "deep failure"
    """

F = "pkg/test_sample.py"
EXPECTED = {
    f"{F}::test_pass": "passed",
    f"{F}::test_fail": "failed",
    f"{F}::test_error": "error",
    f"{F}::test_teardown_error": "error",
    f"{F}::test_skip": "skipped",
    f"{F}::test_xfail": "xfail",
    f"{F}::test_xpass": "xpass",
    f"{F}::test_param[1]": "passed",
    f"{F}::test_param[2]": "failed",
    f"{F}::test_param[a b]": "failed",
    f"{F}::TestGroup::test_method": "passed",
    f"{F}::TestGroup::TestInner::test_deep": "failed",
}


class Run(NamedTuple):
    returncode: int
    results: list[Row]
    selected: list[str]
    output: str


def run_pytest(root: Path, files: dict[str, str], *args: str,
               env: dict[str, str] | None = None) -> Run:
    """A real pytest run with harness' plugin, as the runner starts it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    junit = root / "report.xml"
    selected = root / "selected.txt"
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HARNESS_"))}
    run_env.update({
        "PYTHONPATH": os.pathsep.join([str(PLUGIN_DIR), os.environ.get("PYTHONPATH", "")]),
        "HARNESS_SELECTED": str(selected),
        "PYTHONDONTWRITEBYTECODE": "1",
        **(env or {}),
    })
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "harness_plugin", "-p", "no:cacheprovider",
         f"--junitxml={junit}", "-o", "junit_family=xunit1", *runner.OUTPUT_ARGS, *args],
        cwd=root, env=run_env, capture_output=True, text=True, timeout=120, check=False)
    ids = selected.read_text().split("\n") if selected.exists() else []
    return Run(proc.returncode, results.parse_junit(junit), [i for i in ids if i],
               proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_pytest(tmp_path_factory.mktemp("serial"), {F: SAMPLE, "pkg/__init__.py": ""})


@pytest.fixture(scope="module")
def parallel(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_pytest(tmp_path_factory.mktemp("xdist"), {F: SAMPLE, "pkg/__init__.py": ""},
                      "-n", "2")


def outcomes(run: Run) -> dict[str, str]:
    return {r.id: r.outcome for r in run.results}


def test_every_outcome_and_node_id(serial: Run) -> None:
    assert serial.returncode == 1, serial.output
    assert outcomes(serial) == EXPECTED
    assert len(serial.results) == len(EXPECTED)  # the teardown error is not counted twice


def test_selected_ids_are_written(serial: Run) -> None:
    assert serial.selected == list(EXPECTED)


def test_messages(serial: Run) -> None:
    by_id = {r.id: r for r in serial.results}
    assert "assert 1 == 2" in by_id[f"{F}::test_fail"].message
    assert "fixture boom" in by_id[f"{F}::test_error"].message
    assert "teardown boom" in by_id[f"{F}::test_teardown_error"].message
    assert by_id[f"{F}::test_skip"].message == "not today"
    assert by_id[f"{F}::test_xfail"].message == "known bug"
    assert "deep failure" in by_id[f"{F}::TestGroup::TestInner::test_deep"].message
    assert by_id[f"{F}::test_pass"].message == ""
    assert all(r.duration >= 0 for r in serial.results)


def test_counts(serial: Run) -> None:
    assert results.counts(serial.results) == {
        "passed": 3, "failed": 4, "error": 2, "skipped": 1, "xfail": 1, "xpass": 1}
    assert results.verdict(serial.returncode, serial.results) == Verdict(
        "failed", "6 test(s) failed")


def test_xdist_gives_the_same_ids_and_outcomes(serial: Run, parallel: Run) -> None:
    assert "2 workers" in parallel.output or "gw1" in parallel.output, parallel.output
    assert parallel.returncode == serial.returncode
    assert outcomes(parallel) == outcomes(serial)
    assert sorted(parallel.selected) == sorted(serial.selected)


def test_missing_selected_test_counts_as_failed(serial: Run) -> None:
    ghost = f"{F}::test_ghost"
    full = results.add_missing(serial.results, [*serial.selected, ghost])
    assert len(full) == len(serial.results) + 1
    assert full[-1] == Row(ghost, "failed", 0.0, MISSING_MESSAGE)
    assert results.add_missing(serial.results, serial.selected) == serial.results


def test_crashed_run_reports_every_selected_test_failed(tmp_path: Path) -> None:
    run = run_pytest(tmp_path, {"test_crash.py": """\
        import os
        import signal


        def test_first():
            pass


        def test_dies():
            os.kill(os.getpid(), signal.SIGKILL)


        def test_never_run():
            pass
        """})
    assert run.returncode == -9
    assert run.results == []  # pytest died before writing the report
    full = results.add_missing(run.results, run.selected)
    assert [(r.id, r.outcome) for r in full] == [
        ("test_crash.py::test_first", "failed"),
        ("test_crash.py::test_dies", "failed"),
        ("test_crash.py::test_never_run", "failed")]
    assert results.verdict(run.returncode, full) == Verdict(
        "infra_error", "pytest was killed (signal 9)", results.Cause.KILLED)


@pytest.mark.parametrize("layout", ["test_broken.py", "tests/test_broken.py", "a/b/test_broken.py"])
def test_collection_error_is_infra_error(tmp_path: Path, layout: str) -> None:
    run = run_pytest(tmp_path, {layout: "import not_a_module_anywhere\n",
                                "test_fine.py": "def test_ok():\n    pass\n"})
    assert run.returncode == 2
    errors = results.collection_errors(run.results)
    assert [r.id for r in errors] == [layout]
    assert "not_a_module_anywhere" in errors[0].message
    v = results.verdict(run.returncode, run.results)
    assert v.status == "infra_error"
    assert f"collection error in {layout}" in v.reason


def test_parse_junit_missing_or_garbage(tmp_path: Path) -> None:
    assert results.parse_junit(tmp_path / "absent.xml") == []
    bad = tmp_path / "bad.xml"
    bad.write_text("<testsuites><testcase")
    assert results.parse_junit(bad) == []


def test_nodeid_without_the_plugin(tmp_path: Path) -> None:
    xml = tmp_path / "plain.xml"
    xml.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="pkg.test_m" name="test_a[x-1]" time="0.5"/>'
        '<testcase classname="pkg.test_m.TestC.TestD" name="test_b" time="0"/>'
        '</testsuite></testsuites>')
    assert [(r.id, r.outcome, r.duration) for r in results.parse_junit(xml)] == [
        ("pkg/test_m.py::test_a[x-1]", "passed", 0.5),
        ("pkg/test_m.py::TestC::TestD::test_b", "passed", 0.0)]


R_PASS = Row("t.py::a", "passed", 0.1)
R_FAIL = Row("t.py::b", "failed", 0.1, "boom")
R_COLL = Row("t.py", "error", 0.0, "ImportError")
# as _outcome marks a test that failed because the Hub was off limits (real: diffusers' SD3
# pipeline tests load hf-internal-testing/tiny-random-t5)
R_OFFLINE = Row("t.py::c", "failed", 0.1, "OfflineModeIsEnabled (hf-internal-testing/"
                "tiny-random-t5); OSError: cannot reach the Hub")
R_BLOCKED = Row("t.py::d", "error", 0.1, "harness: network access blocked (huggingface.co); x")
# diffusers' example tests run a training script, whose import fails in the recipe's env
# (real: examples/textual_inversion/test_textual_inversion.py, torchvision left out)
R_NO_MODULE = Row("t.py::h", "failed", 0.1, "ModuleNotFoundError: No module named 'torchvision'")
R_NO_BACKEND = Row("t.py::i", "failed", 0.1, "ImportError: \nFuyuImageProcessor requires the PIL "
                   "library but it was not found in your environment")
R_SKIP_VISION = Row("t.py::f", "skipped", 0.0, "test requires vision")
R_SKIP_CUDA = Row("t.py::g", "skipped", 0.0, "test requires CUDA")
# transformers' own refusal, no Hub call made (real: test_pipelines_common.py::test_check_task)
R_REFUSED = Row("t.py::e", "failed", 0.1, "RuntimeError: You cannot infer task automatically "
                "within `pipeline` when using offline mode")


@pytest.mark.parametrize(("code", "rows", "kwargs", "status", "reason"), [
    (0, [R_PASS], {}, "passed", ""),
    (1, [R_PASS, R_FAIL], {}, "failed", "1 test(s) failed"),
    (1, [R_PASS, R_OFFLINE, R_BLOCKED], {}, "failed",
     "2 test(s) failed, all 2 for want of the network (a Hub download, offline here): "
     "rerun with --online"),
    (1, [R_FAIL, R_OFFLINE], {}, "failed", "2 test(s) failed, 1 of them for want of the network"),
    (1, [R_PASS, R_REFUSED], {}, "failed", "1 test(s) failed, all 1 for want of the network"),
    (1, [R_NO_MODULE, R_NO_BACKEND], {}, "failed",
     "2 test(s) failed, all 2 for want of a package the env lacks (PIL, torchvision)"),
    (1, [R_FAIL, R_NO_MODULE, R_OFFLINE], {}, "failed",
     "3 test(s) failed; 1 of them for want of a package the env lacks (torchvision); 1 of them "
     "for want of the network (a Hub download, offline here): rerun with --online"),
    (1, [R_PASS], {}, "infra_error", "exited with 1 but no test failed"),
    (2, [R_PASS], {}, "infra_error", "pytest exited with 2 (interrupted)"),
    (3, [R_PASS], {}, "infra_error", "internal error"),
    (4, [R_PASS], {}, "infra_error", "usage error"),
    (5, [], {}, "infra_error", "no tests were selected"),
    (0, [], {}, "infra_error", "no tests were selected"),
    (-9, [R_PASS], {}, "infra_error", "pytest was killed (signal 9)"),
    (None, [R_PASS], {}, "infra_error", "pytest was killed"),
    (1, [R_PASS, R_COLL], {}, "infra_error", "collection error in t.py: ImportError"),
    (0, [R_PASS], {"timed_out": True}, "infra_error", "timed out"),
    # every test skipped: nothing ran, no green verdict (real: transformers'
    # test_image_processing_lightglue.py, 92 skipped without Pillow, said "passed")
    (0, [R_SKIP_VISION, R_SKIP_VISION, R_SKIP_CUDA], {}, "infra_error",
     "nothing ran: all 3 selected test(s) were skipped (2 of them: test requires vision)"),
    (0, [R_SKIP_CUDA], {}, "infra_error", "were skipped (test requires CUDA)"),
    (0, [R_SKIP_CUDA, R_PASS], {}, "passed", ""),
    (0, [R_SKIP_CUDA, Row("t.py::x", "xfail", 0.1)], {}, "passed", ""),
])
def test_verdict(code: int | None, rows: list[Row], kwargs: dict[str, bool],
                 status: str, reason: str) -> None:
    v = results.verdict(code, rows, **kwargs)
    assert v.status == status
    assert reason in v.reason if reason else v.reason == ""


NETWORK_TESTS = """\
    import socket
    import threading
    import time

    import pytest


    def test_blocked_create_connection():
        socket.create_connection(("192.0.2.1", 80), timeout=5)


    def test_blocked_connect():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("192.0.2.1", 80))
        finally:
            s.close()


    def test_blocked_connect_ex():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect_ex(("192.0.2.1", 80))
        finally:
            s.close()


    @pytest.fixture
    def server():
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind(("127.0.0.1", 0))
        srv.listen(4)

        def serve():
            for _ in range(2):
                conn, _ = srv.accept()
                conn.sendall(b"hello")
                conn.close()

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        yield srv.getsockname()[1]
        srv.close()


    def test_loopback_allowed(server):
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, server), timeout=5) as c:
                assert c.recv(5) == b"hello"
    """


def test_network_guard(tmp_path: Path) -> None:
    started = time.monotonic()
    run = run_pytest(tmp_path, {"test_net.py": NETWORK_TESTS},
                     env={"HARNESS_BLOCK_NETWORK": "1"})
    elapsed = time.monotonic() - started
    by_id = {r.id: r for r in run.results}
    assert by_id["test_net.py::test_loopback_allowed"].outcome == "passed", run.output
    for name in ("test_blocked_create_connection", "test_blocked_connect",
                 "test_blocked_connect_ex"):
        r = by_id[f"test_net.py::{name}"]
        assert r.outcome == "failed", run.output
        assert "harness: network access blocked" in r.message
        assert r.duration < 1.0
    assert elapsed < 30


@pytest.mark.parametrize("args", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_failure_the_blocked_network_explains_is_an_event_of_its_own(
        tmp_path: Path, args: tuple[str, ...]) -> None:
    """The progress tells such failures apart; under xdist the workers' reports carry it."""
    run = run_pytest(tmp_path, {"test_net.py": NETWORK_TESTS}, *args,
                     env={"HARNESS_BLOCK_NETWORK": "1"})
    events = {line.split("##harness ", 1)[1] for line in run.output.splitlines()
              if "##harness network " in line}
    assert events == {f"network test_net.py::{name}" for name in (
        "test_blocked_create_connection", "test_blocked_connect", "test_blocked_connect_ex")
    }, run.output


def test_network_open_without_the_flag(tmp_path: Path) -> None:
    """The same loopback test, and the guard is not installed: no harness message."""
    run = run_pytest(tmp_path, {"test_net.py": NETWORK_TESTS}, "-k", "loopback")
    assert [(r.id, r.outcome) for r in run.results] == [
        ("test_net.py::test_loopback_allowed", "passed")]
    assert "network access blocked" not in run.output


def test_a_chained_exception_keeps_its_first_cause(tmp_path: Path) -> None:
    """A library that wraps an offline Hub error in its own says why only in the chain."""
    run = run_pytest(tmp_path, {"test_chain.py": """\
        class LocalEntryNotFoundError(Exception):
            pass


        def load():
            try:
                raise LocalEntryNotFoundError("cannot find the requested files in the cache")
            except LocalEntryNotFoundError as exc:
                raise ValueError("Can't find 'adapter_config.json' at 'org/tiny'") from exc


        def test_load():
            load()


        def test_plain():
            raise ValueError("plain")
        """})
    by_id = {r.id: r.message for r in run.results}
    assert by_id["test_chain.py::test_load"] == (
        "ValueError: Can't find 'adapter_config.json' at 'org/tiny' (from test_chain."
        "LocalEntryNotFoundError: cannot find the requested files in the cache)")
    assert by_id["test_chain.py::test_plain"] == "ValueError: plain"



def test_a_subprocess_failure_keeps_the_cause_its_output_names(tmp_path: Path) -> None:
    """diffusers' example tests run a training script with ``accelerate launch``; its "No
    module named 'torchvision'" came lines after pytest's one-line message, and verify said
    "still failing" instead of "needs torchvision (not installed)" (d44b5f86e6)."""
    run = run_pytest(tmp_path, {"test_script.py": """\
        import subprocess
        import sys


        class SubprocessCallException(Exception):
            pass


        def launch(code):
            try:
                subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            except subprocess.CalledProcessError as e:
                raise SubprocessCallException(
                    f"Command failed with the following error:\\n\\n{e.stderr.decode()}"
                ) from None


        def test_missing_module():
            launch("import a_module_nobody_has")


        def test_plain_failure():
            launch("raise SystemExit(3)")
        """})
    by_id = {r.id: r.message for r in run.results}
    assert compare.undecidable("failed", by_id["test_script.py::test_missing_module"]) == \
        "needs a_module_nobody_has (not installed)"
    assert compare.undecidable("failed", by_id["test_script.py::test_plain_failure"]) is None
    # pytest 9.2 cuts the message attribute short ("[+26 more lines; full report in element
    # text]"): the cause is then read from the element text
    xml = tmp_path / "cut.xml"
    xml.write_text(
        '<testsuites><testsuite><testcase classname="test_script" name="test_x">'
        '<failure message="test_script.SubprocessCallException: Command `accelerate launch` '
        'failed with the following error:&#10;[+26 more lines; full report in element text]">'
        "E   test_script.SubprocessCallException: Command `accelerate launch` failed\n"
        "Traceback (most recent call last):\n"
        "ModuleNotFoundError: No module named 'torchvision'\n"
        "The above exception was the direct cause of the following exception:\n"
        "</failure></testcase></testsuite></testsuites>")
    [cut] = results.parse_junit(xml)
    assert cut.message.endswith("(from ModuleNotFoundError: No module named 'torchvision')")
    assert compare.undecidable("failed", cut.message) == "needs torchvision (not installed)"


def test_many_failures_leave_their_tracebacks_to_the_junit_xml(tmp_path: Path) -> None:
    """peft 09ba20c4f: 15,000 tests failed offline, each with its captured Hub retries;
    pytest was still printing its FAILURES section minutes after the last test ran."""
    many = plugin.FAILURES_PRINTED + 1
    code = ("import logging\nimport pytest\n\n\n@pytest.mark.parametrize('k', range(%d))\n"
            "def test_hub(k):\n    logging.getLogger('hub').warning('Retrying in 1s')\n"
            "    raise OSError(f'blocked {k}')\n")
    run = run_pytest(tmp_path / "many", {"test_many.py": code % many})
    assert len([r for r in run.results if r.outcome == "failed"]) == many
    assert all("blocked" in r.message for r in run.results)  # the XML keeps each
    assert "Retrying in 1s" not in run.output and "= FAILURES =" not in run.output
    assert f"harness: {many} tests failed: their tracebacks are in the JUnit XML" in run.output
    assert "FAILED test_many.py::test_hub[0]" in run.output  # the one-line summary stays
    few = run_pytest(tmp_path / "few", {"test_many.py": code % 3})
    assert "= FAILURES =" in few.output and "Retrying in 1s" in few.output


def test_a_hub_request_refused_offline_and_caught_by_the_code_under_test_is_told(
        tmp_path: Path) -> None:
    """transformers' ``has_file`` catches huggingface_hub's ``OfflineModeIsEnabled`` and
    returns False: ``test_has_file`` failed on "False is not true", which said nothing of
    the Hub, and verify listed it as still failing instead of not checked offline."""
    pytest.importorskip("huggingface_hub")
    run = run_pytest(tmp_path, {"test_hub.py": """\
        from huggingface_hub import file_exists


        def has_file(repo, name):
            try:
                return file_exists(repo, name)
            except Exception:
                return False


        def test_has_file():
            assert has_file("hf-internal-testing/tiny-random-bert", "config.json")


        def test_plain():
            assert has_file.__name__ == "nope"
        """}, env={"HF_HUB_OFFLINE": "1", "HARNESS_BLOCK_NETWORK": "1"})
    by_id = {r.id: r.message for r in run.results}
    assert by_id["test_hub.py::test_has_file"].startswith("OfflineModeIsEnabled ("), run.output
    assert compare.undecidable("failed", by_id["test_hub.py::test_has_file"]) == \
        "needs a Hub download"
    assert "OfflineModeIsEnabled" not in by_id["test_hub.py::test_plain"]

def test_a_hub_request_refused_offline_in_set_up_class_is_told_for_each_test(
        tmp_path: Path) -> None:
    """transformers 1b20eb168c: ``LlamaIntegrationTest.setUpClass`` loads a tokenizer from
    the Hub; offline, transformers catches the refusal and builds an empty tokenizer, and
    three tests failed on "[1, 0] != [1, 259]": verify called the fix failing."""
    pytest.importorskip("huggingface_hub")
    run = run_pytest(tmp_path, {"test_tok.py": """\
        import unittest

        from huggingface_hub import file_exists


        class TokenizerTest(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                try:
                    cls.vocab = 8 if file_exists("org/tok", "tokenizer.json") else 0
                except Exception:
                    cls.vocab = 0

            def test_a_encode(self):
                self.assertEqual(self.vocab, 32000)

            def test_b_decode(self):
                self.assertEqual(self.vocab, 32000)

            def test_c_free(self):
                pass


        class OtherTest(unittest.TestCase):
            def test_other(self):
                self.assertEqual(1, 2)
        """}, env={"HF_HUB_OFFLINE": "1", "HARNESS_BLOCK_NETWORK": "1"})
    by_id = {r.id: (r.outcome, r.message) for r in run.results}
    for name in ("test_a_encode", "test_b_decode"):
        outcome, message = by_id[f"test_tok.py::TokenizerTest::{name}"]
        assert outcome == "failed" and message.startswith("OfflineModeIsEnabled ("), run.output
    # it passed on the empty tokenizer: no check of anything either
    outcome, message = by_id["test_tok.py::TokenizerTest::test_c_free"]
    assert outcome == "passed" and compare.undecidable(outcome, message) == "needs a Hub download"
    assert "OfflineModeIsEnabled" not in by_id["test_tok.py::OtherTest::test_other"][1]


GPU_MODULE = """
import pytest
pytest.skip("GPU tests require hardware accelerator, got CPU only", allow_module_level=True)

class TestOffload:
    def test_load(self):
        pass
"""


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_a_node_id_in_a_module_that_skips_itself_is_skipped_not_a_usage_error(
        tmp_path: Path, xdist: tuple[str, ...]) -> None:
    """pytest alone refuses the whole run ("found no collectors for ...", exit 4)."""
    files = {"tests/test_gpu.py": GPU_MODULE, "tests/test_cpu.py": "def test_ok():\n    pass\n"}
    both = run_pytest(tmp_path / "both", files, "tests/test_gpu.py::TestOffload::test_load",
                      "tests/test_cpu.py", *xdist)
    assert both.returncode == 0, both.output
    assert outcomes(both) == {"tests/test_cpu.py::test_ok": "passed",
                              "tests/test_gpu.py": "skipped"}  # the module, as pytest says
    skipped = results.skipped_args(tmp_path / "both" / "skipped_args.json")
    assert skipped == [results.TestResult(
        "tests/test_gpu.py::TestOffload::test_load", "skipped", 0.0,
        "GPU tests require hardware accelerator, got CPU only")]
    # nothing else asked for: pytest would exit 5 (no tests collected); it is a skip
    alone = run_pytest(tmp_path / "alone", files, "tests/test_gpu.py::TestOffload::test_load",
                       *xdist)
    assert alone.returncode == 0, alone.output
    # and nothing ran: no green verdict (it said "passed")
    assert results.verdict(alone.returncode, results.skipped_args(
        tmp_path / "alone" / "skipped_args.json")) == results.Verdict(
        "infra_error", "nothing ran: all 1 selected test(s) were skipped (GPU tests require "
        "hardware accelerator, got CPU only)", results.Cause.ALL_SKIPPED)
    # a node id that names nothing still fails the run (4: usage error; 5 under xdist, whose
    # workers keep the usage error to themselves)
    wrong = run_pytest(tmp_path / "wrong", files, "tests/test_cpu.py::test_missing", *xdist)
    assert wrong.returncode == (5 if xdist else 4), wrong.output
    assert not (tmp_path / "wrong" / "skipped_args.json").exists()


TLS_TESTS = """
import os
import socket
import ssl
import threading

CERT, KEY = os.environ["TLS_CERT"], os.environ["TLS_KEY"]


def serve_once():
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(CERT, KEY)
    listener = socket.create_server(("127.0.0.1", 0))

    def accept():
        conn, _ = listener.accept()
        try:
            with server.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hi")
        except (ssl.SSLError, OSError):
            pass

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def test_a_context_trusting_the_ca_reaches_a_local_tls_server():
    ctx = ssl.create_default_context(cafile=CERT)
    assert [c["subject"] for c in ctx.get_ca_certs()] == [((("commonName", "localhost"),),)]
    port = serve_once()
    with ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                         server_hostname="localhost") as tls:
        assert tls.recv(2) == b"hi"


def test_a_context_that_does_not_trust_it_still_refuses_it():
    ctx = ssl.create_default_context()
    port = serve_once()
    try:
        ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                        server_hostname="localhost")
    except ssl.SSLCertVerificationError:
        return
    raise AssertionError("an untrusted certificate was accepted")


def test_a_missing_ca_file_fails_where_it_is_named():
    try:
        ssl.create_default_context(cafile="/nonexistent/ca.pem")
    except FileNotFoundError:
        return
    raise AssertionError("no error for a missing CA file")
"""


def test_certificates_load_on_first_use_while_the_network_is_blocked(tmp_path: Path) -> None:
    """Blocked, a context loads its certificates when first used, not when made (a client
    reaching for the Hub made 18 contexts per test: 0.41 s; now 0.03 s); a local TLS
    connection still verifies as before."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    for block in ("1", "0"):
        run = run_pytest(tmp_path / f"block{block}", {"test_tls.py": TLS_TESTS},
                         env={"HARNESS_BLOCK_NETWORK": block, "TLS_CERT": str(cert),
                              "TLS_KEY": str(key)})
        assert outcomes(run) == {
            "test_tls.py::test_a_context_trusting_the_ca_reaches_a_local_tls_server": "passed",
            "test_tls.py::test_a_context_that_does_not_trust_it_still_refuses_it": "passed",
            "test_tls.py::test_a_missing_ca_file_fails_where_it_is_named": "passed",
        }, run.output


def test_the_results_a_stopped_run_printed_are_read_from_its_log(tmp_path: Path) -> None:
    """pytest stopped by the run's time limit writes no JUnit report: the plugin's lines
    (after pytest's own progress characters on the same line) are what ended in time."""
    log = tmp_path / "pytest.log"
    log.write_text(
        "collected 4 items\n"
        "s##harness result skipped a.py::TestA::test_skip\n"
        "F##harness result failed a.py::TestA::test_bad\n"
        ".##harness result passed a.py::TestA::test_ok\n"
        "##harness result failed a.py::TestA::test_ok\n"  # its teardown failed
        ".##harness result passed a.py::test_fine[x y]\n"
        "##harness total 4\n")
    found = {r.id: (r.outcome, r.message) for r in results.streamed(log)}
    assert found == {
        "a.py::TestA::test_skip": ("skipped", ""),
        "a.py::TestA::test_bad": ("failed", results.LOST_MESSAGE),
        "a.py::TestA::test_ok": ("failed", results.LOST_MESSAGE),
        "a.py::test_fine[x y]": ("passed", "")}
    assert results.streamed(tmp_path / "none.log") == []


def test_a_library_s_own_refusal_offline_counts_as_needing_the_network(tmp_path: Path) -> None:
    """transformers' pipeline() refuses offline itself ("You cannot infer task automatically
    within `pipeline` when using offline mode"): the verdict counted it for want of the
    network, the progress line's "(N need network)" did not."""
    run = run_pytest(tmp_path, {"test_task.py": """\
        def test_check_task():
            raise RuntimeError("You cannot infer task automatically within `pipeline` when "
                               "using offline mode")


        def test_plain():
            raise RuntimeError("boom")
        """})
    assert "##harness network test_task.py::test_check_task" in run.output
    assert "##harness network test_task.py::test_plain" not in run.output
    assert results.verdict(run.returncode, run.results).reason.endswith(
        "1 of them for want of the network (a Hub download, offline here): rerun with --online")
