"""Per-test results: values, JUnit XML parsing, counts and the run's status."""
from __future__ import annotations

import enum
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Literal, NamedTuple

Outcome = Literal["passed", "failed", "error", "skipped", "xfail", "xpass"]
Status = Literal["passed", "failed", "infra_error"]
OUTCOMES: tuple[Outcome, ...] = ("passed", "failed", "error", "skipped", "xfail", "xpass")
MESSAGE_LIMIT = 2000
SKIP_REASON_SHOWN = 80  # characters of a skip reason told in a verdict
MISSING_MESSAGE = "selected but no result was reported (a crashed worker or a killed run?)"
# a test the run's time limit (the subset's run_timeout) stopped before its result
TIME_LIMIT_MESSAGE = "not run: the run's time limit ran out before it"
LOST_MESSAGE = "failed (its message was lost: the run's time limit stopped pytest)"


class TestResult(NamedTuple):
    id: str
    outcome: Outcome
    duration: float
    message: str = ""


class Cause(str, enum.Enum):
    """Why a run is an infrastructure error: decisions read this, never the message text."""

    NONE = ""
    TIMEOUT = "timeout"
    KILLED = "killed"
    COLLECTION = "collection_error"
    USAGE = "usage_error"
    PYTEST_ERROR = "pytest_error"  # interrupted or internal error
    NO_TESTS = "no_tests"
    ALL_SKIPPED = "all_skipped"  # tests were selected, none ran
    EXIT_WITHOUT_FAILURE = "exit_without_failure"


class Verdict(NamedTuple):
    status: Status
    reason: str  # one line, for infra errors and failures
    cause: Cause = Cause.NONE


def _nodeid(case: ET.Element, props: dict[str, str]) -> str:
    """The pytest node id: recorded by harness' plugin, else rebuilt from the dotted names."""
    if "harness_nodeid" in props:
        return props["harness_nodeid"]
    name = case.get("name", "")
    if not case.get("classname"):  # a collection error: name is the module's dotted path
        return case.get("file") or name.replace(".", "/") + ".py"
    parts = case.get("classname", "").split(".")
    classes: list[str] = []
    while parts and parts[-1][:1].isupper():  # TestFoo, TestFoo.Nested
        classes.insert(0, parts.pop())
    if not classes and not name.startswith("test"):  # a module: collection error
        return "/".join([*parts, name]) + ".py"
    return "::".join(["/".join(parts) + ".py", *classes, name])


# pytest prints a chain of exceptions oldest first, with one of these between them
CHAINED = ("The above exception was the direct cause of the following exception",
           "During handling of the above exception, another exception occurred")


# what a subprocess's failure says only in its output, which pytest leaves to the element
# text: diffusers' example tests raise "SubprocessCallException: Command `accelerate launch
# ...` failed" and the training script's "No module named 'torchvision'" comes lines later
# (an exception's line, "E "-prefixed or, under --tb=native, as Python prints it)
SUBPROCESS_CAUSE = re.compile(r"^(?:E\s+)?((?:[\w.]+\.)?(?:ModuleNotFoundError: No module named "
                              r"'[\w.]+'|OfflineModeIsEnabled\b|LocalEntryNotFoundError\b).*)")


# how _outcome marks a test that met a network it could not use: huggingface_hub refused a
# request offline, or the plugin blocked a connection (as its NetworkBlocked says)
OFFLINE = "OfflineModeIsEnabled"
BLOCKED = "network access blocked"
# a library's own refusal offline, no Hub call made: transformers' pipeline() raises
# "RuntimeError: You cannot infer task automatically within `pipeline` when using offline
# mode" (tests/pipelines/test_pipelines_common.py::CommonPipelineTest::test_check_task)
OFFLINE_SAID = "when using offline mode"


# a package the env lacks, as a failing test's message says it: an import (the training script
# a diffusers example test runs: "No module named 'torchvision'", which the recipe leaves
# out), or transformers' requires_backends: "FuyuImageProcessor requires the PIL library but
# it was not found in your environment" (an ImportError whose first line is empty)
MISSING_RE = re.compile(r"No module named '(\w+)'")
BACKEND_RE = re.compile(r"requires the ([\w.-]+) library but it was not found in your "
                        r"environment")


def missing_package(message: str) -> str | None:
    """The package a failing test's message says the env lacks, or None."""
    found = MISSING_RE.search(message) or BACKEND_RE.search(message)
    return found.group(1) if found else None


# how the runner's reading of the log (runner.usage_error) says a conftest.py raised on import
CONFTEST_FAILED = "could not load conftest.py"


def _message(node: ET.Element) -> str:
    """pytest's one-line message, or the last ``E`` line when it is only "collection failure";
    for a chain of exceptions, with the first one's ``E`` line: a library that wraps a Hub
    or network error in its own (peft's ``ValueError: Can't find 'adapter_config.json'``)
    says why only there."""
    message = node.get("message") or ""
    text = node.text or ""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
    if not message or message == "collection failure":
        message = (errors or lines or [message])[-1]
    cause = next((m.group(1) for ln in lines if (m := SUBPROCESS_CAUSE.match(ln))), None)
    if cause and cause not in message:
        message = f"{message[:MESSAGE_LIMIT // 2]} (from {cause})"
    elif errors and errors[0] not in message and any(c in text for c in CHAINED):
        message = f"{message[:MESSAGE_LIMIT // 2]} (from {errors[0]})"
    return message


def _with_cause(message: str, cause: str) -> str:
    """``message`` with the first exception of its chain, as the plugin recorded it."""
    if not cause or cause in message or "(from " in message:
        return message
    return f"{message[:MESSAGE_LIMIT // 2]} (from {cause})"


def _outcome(case: ET.Element, props: dict[str, str]) -> tuple[Outcome, str]:
    for tag, outcome in (("failure", "failed"), ("error", "error")):
        node = case.find(tag)
        if node is not None:
            message = _with_cause(_message(node), props.get("harness_cause", ""))
            blocked = props.get("harness_blocked")  # the plugin saw a blocked connection
            if blocked and BLOCKED not in message:
                message = f"harness: {BLOCKED} ({blocked}); {message}"
            elif (offline := props.get("harness_offline")) is not None \
                    and OFFLINE not in message:
                # the plugin saw huggingface_hub refuse a request offline
                message = f"{OFFLINE} ({offline}); {message}"
            return outcome, message  # type: ignore[return-value]
    skipped = case.find("skipped")
    if skipped is not None:
        message = skipped.get("message", "")
        return ("xfail" if skipped.get("type") == "pytest.xfail" else "skipped"), message
    if props.get("harness_outcome") == "xpass":
        return "xpass", ""
    if (offline := props.get("harness_offline")) is not None:  # see compare.undecidable
        return "passed", f"{OFFLINE} ({offline})"
    return "passed", ""


def parse_junit(path: Path) -> list[TestResult]:
    """Results from a pytest JUnit XML file (``-o junit_family=xunit1``)."""
    if not path.is_file():
        return []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return []
    results: dict[str, TestResult] = {}
    for case in root.iter("testcase"):
        props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
        nodeid = _nodeid(case, props)
        outcome, message = _outcome(case, props)
        previous = results.get(nodeid)
        # a test can appear twice (call failed, then teardown errored): keep the worst
        if previous and OUTCOMES.index(previous.outcome) <= OUTCOMES.index(outcome) < 2:
            continue
        results[nodeid] = TestResult(nodeid, outcome, float(case.get("time") or 0),
                                     message[:MESSAGE_LIMIT])
    return list(results.values())


def add_missing(results: list[TestResult], selected: list[str],
                message: str = MISSING_MESSAGE) -> list[TestResult]:
    """Selected tests with no result count as failed."""
    seen = {r.id for r in results}
    missing = [TestResult(t, "failed", 0.0, message) for t in selected if t not in seen]
    return results + missing


_STREAMED: dict[str, Outcome] = {"passed": "passed", "failed": "failed", "skipped": "skipped"}
STREAMED_RE = re.compile(r"##harness result (passed|failed|skipped) (\S.*)$")


def streamed(log: Path) -> list[TestResult]:
    """The results the plugin printed as each test ended, for a run stopped before pytest
    wrote its JUnit report (the run's time limit: diffusers 1c98c38c31 moves 131 example
    tests to pytest, and 62 results of 900 s were thrown away with the run)."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found: dict[str, TestResult] = {}
    for line in text.splitlines():
        m = STREAMED_RE.search(line)
        if m is None:
            continue
        outcome, nodeid = m.group(1), m.group(2).strip()
        if outcome == "passed" and nodeid in found:
            continue  # a teardown's line after its call's: the call's outcome stands
        message = LOST_MESSAGE if outcome == "failed" else ""
        found[nodeid] = TestResult(nodeid, _STREAMED[outcome], 0.0, message)
    return list(found.values())


def skipped_args(path: Path) -> list[TestResult]:
    """Tests named by node id in a module that skipped itself on import (the plugin's
    ``skipped_args.json``: node id -> the module's reason): skipped, with that reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    return [TestResult(str(k), "skipped", 0.0, str(v)[:MESSAGE_LIMIT]) for k, v in data.items()]


def counts(results: list[TestResult]) -> dict[str, int]:
    c = Counter(r.outcome for r in results)
    return {o: c.get(o, 0) for o in OUTCOMES}


def collection_errors(results: list[TestResult]) -> list[TestResult]:
    return [r for r in results if r.outcome == "error" and "::" not in r.id]


def skip_reason(results: list[TestResult]) -> str:
    """The reason most skipped tests give, with how many give it ("test requires CUDA": 92)."""
    said = Counter(r.message.strip() or "no reason given" for r in results
                   if r.outcome == "skipped")
    reason, n = said.most_common(1)[0]
    reason = reason.removeprefix("Skipped: ")
    if len(reason) > SKIP_REASON_SHOWN:
        reason = reason[:SKIP_REASON_SHOWN - 3] + "..."
    return f"{n} of them: {reason}" if n < sum(said.values()) else reason


def verdict(exit_code: int | None, results: list[TestResult], *, timed_out: bool = False,
            usage: str = "") -> Verdict:
    """Tell "the tests failed" apart from "the infrastructure failed"."""
    if timed_out:
        return Verdict("infra_error", "the test run timed out", Cause.TIMEOUT)
    if exit_code is None or exit_code < 0:
        return Verdict("infra_error", f"pytest was killed (signal {-(exit_code or 0)})",
                       Cause.KILLED)
    broken = collection_errors(results)
    if broken:
        return Verdict("infra_error", f"collection error in {broken[0].id}: {broken[0].message}",
                       Cause.COLLECTION)
    if usage.startswith(CONFTEST_FAILED) and exit_code not in (0, 1):
        return Verdict("infra_error", f"pytest {usage}", Cause.USAGE)
    if exit_code == 4 or (usage and exit_code not in (0, 1)):
        return Verdict("infra_error", f"pytest refused its arguments (usage error): "
                       f"{usage or 'see the log'}", Cause.USAGE)
    if exit_code in (2, 3):
        names = {2: "interrupted", 3: "internal error"}
        return Verdict("infra_error", f"pytest exited with {exit_code} ({names[exit_code]})",
                       Cause.PYTEST_ERROR)
    if exit_code == 5 or not results:
        return Verdict("infra_error", "no tests were selected: check the subset's paths, -k "
                       "and markers", Cause.NO_TESTS)
    c = counts(results)
    bad = c["failed"] + c["error"]
    if exit_code == 0 and bad == 0 and not (c["passed"] or c["xfail"] or c["xpass"]):
        return Verdict("infra_error", f"nothing ran: all {c['skipped']} selected test(s) were "
                       f"skipped ({skip_reason(results)})", Cause.ALL_SKIPPED)
    if exit_code == 0 and bad == 0:
        return Verdict("passed", "")
    if bad == 0:
        return Verdict("infra_error", f"pytest exited with {exit_code} but no test failed",
                       Cause.EXIT_WITHOUT_FAILURE)
    offline = 0
    lacking: list[str] = []
    for r in results:  # each failure told once: the network first, then a package
        if r.outcome not in ("failed", "error"):
            continue
        if OFFLINE in r.message or BLOCKED in r.message or OFFLINE_SAID in r.message:
            offline += 1
        elif package := missing_package(r.message):
            lacking.append(package)
    notes = [f"{bad} test(s) failed"]
    if lacking:  # (a test of the package's own import bug fails so too: it stays "failed")
        notes.append(f"{_share(len(lacking), bad)} for want of a package the env lacks "
                     f"({', '.join(sorted(set(lacking)))})")
    if offline:
        notes.append(f"{_share(offline, bad)} for want of the network (a Hub download, "
                     f"offline here): rerun with --online")
    return Verdict("failed", "; ".join(notes) if len(notes) > 2 else ", ".join(notes))


def _share(n: int, of: int) -> str:
    return f"all {n}" if n == of else f"{n} of them"
