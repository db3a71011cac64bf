"""pytest plugin loaded inside the target's env (``-p harness_plugin``).

It imports nothing from harness (it runs under the target's interpreter and pytest) and:

* blocks outbound network connections when ``HARNESS_BLOCK_NETWORK=1``, so a test that
  reaches for the Hub fails at once instead of sitting in retries: each attempt raises
  :class:`NetworkBlocked` (its own type, recorded as ``harness_blocked`` in the JUnit XML
  even when a library wraps it), and ``time.sleep`` returns at once for the rest of a
  test that was blocked (clients' retry backoff);
* prints one ``##harness`` line per collected total and per test result, for progress;
* writes the selected test ids to ``$HARNESS_SELECTED`` (a selected test missing from
  the report counts as failed);
* with ``--harness-shard K/N``, keeps only shard K of N of the selection (balanced by the
  per-test seconds in ``--harness-durations``, else by counts) and writes what it did to
  ``shard.json`` next to ``$HARNESS_SELECTED``;
* records a failed test's Hub requests refused by ``HF_HUB_OFFLINE=1``
  (``OfflineModeIsEnabled``, also when the code under test caught it, also when its class's
  ``setUpClass`` made them while the first test was set up) as ``harness_offline`` in the
  JUnit XML, and a passed test's too: it passed on what the code built without the Hub;
* leaves pytest's FAILURES section out when more than :data:`FAILURES_PRINTED` tests
  failed (printing them can take longer than the run; the JUnit XML keeps each);
* records each test's node id and unexpected passes (xpass) in the JUnit XML, which
  otherwise loses the first and reports the second as passed;
* lets a test named by its node id in a module that skips itself when imported
  (``pytest.skip(allow_module_level=True)``, e.g. "GPU tests require hardware accelerator")
  count as skipped with that reason, where pytest would refuse the whole run ("found no
  collectors for ..."): the ids and the reason go to ``skipped_args.json`` next to
  ``$HARNESS_SELECTED``, and a run with nothing else to run exits 0, not 5.
"""
from __future__ import annotations

import hashlib
import heapq
import ipaddress
import json
import os
import socket
import ssl
import statistics
import sys
import time
import traceback
import weakref
from typing import Any

import pytest

_OUT = os.dup(1)  # the real stdout, taken before pytest captures fd 1
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlocked(socket.gaierror):
    """Raised for every blocked connection or lookup, so a test failed by it is detectable.

    A ``gaierror`` (an ``OSError``), as a failed lookup would raise: clients that retry or
    fall back on those treat it the same.
    """


_blocked: list[str] = []  # what the current test tried to reach


def _blocked_error(what: str) -> NetworkBlocked:
    _blocked.append(what)
    return NetworkBlocked(socket.EAI_NONAME, f"harness: network access blocked ({what})")


def _is_local(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard_address(address: Any) -> None:
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        port = address[1] if len(address) > 1 else ""
        raise _blocked_error(f"tried {address[0]}:{port}")


def _block_network() -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _guard_address(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _guard_address(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local(host):
            raise _blocked_error(f"lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        # after a blocked connection, a client's retry backoff (huggingface_hub: 5 retries,
        # 23 s per file) only delays the failure: skip it for the rest of this test
        if not _blocked:
            real_sleep(seconds)

    time.sleep = sleep  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    _load_certificates_on_use()


def _deferrable(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether a certificate load can wait: not one that would fail (a missing file raises
    at once, as it did), nor in-memory data (``cadata``, parsed now as before)."""
    if name != "load_verify_locations":
        return True
    named = dict(zip(("cafile", "capath", "cadata"), args, strict=False)) | kwargs
    if named.get("cadata") is not None:
        return False
    return all(p is None or os.path.exists(p)
               for p in (named.get("cafile"), named.get("capath")))


def _load_certificates_on_use() -> None:
    """While the network is blocked, an SSL context loads its certificates when it is first
    used (a connection to this machine), not when it is made.

    An HTTP client makes a context for each request it tries: loading the CA bundle takes
    about 20 ms, and a test reaching for the Hub (peft's, diffusers') made 18 of them before
    each blocked lookup, nine tenths of its time.  Blocked, those contexts are never used."""
    ctx = ssl.SSLContext
    pending: weakref.WeakKeyDictionary[ssl.SSLContext, list[Any]] = weakref.WeakKeyDictionary()
    loading: set[int] = set()  # contexts loading now (load_default_certs calls another)

    def later(load: Any) -> Any:
        def deferred(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
            if id(self) in loading or not _deferrable(load.__name__, args, kwargs):
                return load(self, *args, **kwargs)  # now, with its own errors
            pending.setdefault(self, []).append((load, args, kwargs))
            return None
        return deferred

    def loaded(use: Any) -> Any:
        def using(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> Any:
            todo = pending.pop(self, ())
            if todo:
                loading.add(id(self))
                try:
                    for load, a, k in todo:
                        load(self, *a, **k)
                finally:
                    loading.discard(id(self))
            return use(self, *args, **kwargs)
        return using

    for name in ("load_verify_locations", "set_default_verify_paths", "load_default_certs"):
        setattr(ctx, name, later(getattr(ctx, name)))
    for name in ("wrap_socket", "wrap_bio", "get_ca_certs", "cert_store_stats"):
        setattr(ctx, name, loaded(getattr(ctx, name)))


if os.environ.get("HARNESS_BLOCK_NETWORK") == "1":
    _block_network()


def _event(text: str) -> None:
    os.write(_OUT, f"##harness {text}\n".encode(errors="replace"))


def _is_xdist_worker() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


def _write_selected(ids: list[str]) -> None:
    path = os.environ.get("HARNESS_SELECTED")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(ids) + ("\n" if ids else ""))
    _event(f"collected {len(ids)}")


SKIPPED_ARGS = "skipped_args.json"
_session: list[pytest.Session] = []
_skipped_modules: dict[str, str] = {}  # node id of a module that skipped itself -> why


def pytest_sessionstart(session: pytest.Session) -> None:
    _session.append(session)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped and report.nodeid.endswith(".py"):
        longrepr = report.longrepr
        why = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        _skipped_modules[report.nodeid] = str(why).removeprefix("Skipped: ")
    elif report.nodeid == "" and _skipped_modules and _session:
        # the session's own report: the last thing before pytest checks that each argument
        # found something (it keeps what did not in Session._notfound)
        _forgive_skipped_modules(_session[-1])


def _forgive_skipped_modules(session: pytest.Session) -> None:
    notfound = getattr(session, "_notfound", None)
    if not isinstance(notfound, list):
        return
    root = str(session.config.rootpath)
    kept, skipped = [], {}
    for entry in notfound:
        arg = str(entry[0])
        rel = os.path.relpath(arg.split("::", 1)[0], root).replace(os.sep, "/")
        if rel in _skipped_modules and "::" in arg:
            skipped[f"{rel}::{arg.split('::', 1)[1]}"] = _skipped_modules[rel]
        else:
            kept.append(entry)
    if not skipped:
        return
    notfound[:] = kept
    _write_beside_selected(SKIPPED_ARGS, skipped)


# more failures than this: pytest's FAILURES section is left out of the log (the JUnit XML,
# which the harness reads, has each traceback).  peft 09ba20c4f: 15,000 tests failed
# offline, each with its captured Hub retries, and printing them took longer than the run.
FAILURES_PRINTED = 200
_failed = [0]


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _failed[0] > FAILURES_PRINTED and not _is_xdist_worker():
        # the terminal prints its summary after every plugin's sessionfinish has run
        session.config.option.tbstyle = "no"
        os.write(_OUT, f"\nharness: {_failed[0]} tests failed: their tracebacks are in the "
                       "JUnit XML, not printed here\n".encode())
    selected = os.environ.get("HARNESS_SELECTED")
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and selected and os.path.exists(
            os.path.join(os.path.dirname(selected), SKIPPED_ARGS)):
        session.exitstatus = pytest.ExitCode.OK  # what was asked for skipped itself


def _write_beside_selected(name: str, data: Any) -> None:
    """``data`` as JSON in the file ``name`` next to ``$HARNESS_SELECTED``; every xdist
    worker writes the same content: written aside, then renamed into place."""
    selected = os.environ.get("HARNESS_SELECTED")
    if selected:
        out = os.path.join(os.path.dirname(selected), name)
        tmp = f"{out}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.replace(tmp, out)


def pytest_collection_finish(session: pytest.Session) -> None:
    if not _is_xdist_worker():
        _write_selected([item.nodeid for item in session.items])


# Seconds a test costs on top of its own duration (setup, reporting): keeps tests that
# took ~0 s from piling up on one shard.
SHARD_OVERHEAD = 0.005


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness")
    group.addoption("--harness-shard", default=None, metavar="K/N",
                    help="run only shard K of N of the selected tests")
    group.addoption("--harness-durations", default=None, metavar="FILE",
                    help="JSON {test id: seconds} to balance the shards by")


def shard_plan(ids: list[str], durations: dict[str, float], total: int
               ) -> tuple[dict[str, int], list[float], int]:
    """Test id -> shard (0-based), each shard's expected seconds, how many ids had a duration.

    Deterministic: longest expected test first (ties by id) onto the least loaded shard (ties
    by index).  Tests with no recorded duration weigh the median of those with one; with
    none at all every test weighs the same, which splits by counts.
    """
    unique = sorted(set(ids))
    known = [durations[i] for i in unique if i in durations]
    default = statistics.median(known) if known else 1.0
    weight = {i: max(durations.get(i, default), 0.0) + SHARD_OVERHEAD for i in unique}
    loads = [(0.0, k) for k in range(total)]
    plan: dict[str, int] = {}
    for test in sorted(unique, key=lambda i: (-weight[i], i)):
        load, k = heapq.heappop(loads)
        plan[test] = k
        heapq.heappush(loads, (load + weight[test], k))
    expected = [0.0] * total
    for load, k in loads:
        expected[k] = round(load, 3)
    return plan, expected, len(known)


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


@pytest.hookimpl(trylast=True)  # after -k, -m and --deselect have narrowed the selection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    spec = config.getoption("harness_shard")
    if not spec:
        return
    index, total = (int(x) for x in str(spec).split("/"))
    durations: dict[str, float] = {}
    path = config.getoption("harness_durations")
    if path:
        with open(path, encoding="utf-8") as f:
            durations = {str(k): float(v) for k, v in json.load(f).items()}
    ids = [item.nodeid for item in items]
    plan, expected, known = shard_plan(ids, durations, total)
    keep = [item for item in items if plan[item.nodeid] == index - 1]
    drop = [item for item in items if plan[item.nodeid] != index - 1]
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep
    unique = sorted(plan)
    info = {
        "index": index, "total": total, "selected": len(unique),
        "selection": _digest(unique),
        "plan": _digest([f"{plan[i]} {i}" for i in unique]),
        "balance": "durations" if known else "counts", "known": known,
        "expected_seconds": expected,
    }
    _write_beside_selected("shard.json", info)


_xdist_collections: list[int] = []


def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    if not _xdist_collections:  # every worker collects the same ids: record them once
        _write_selected(list(ids))
    _xdist_collections.append(len(ids))


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    _blocked.clear()
    _offline.clear()
    _watch_offline_mode()


_offline: list[str] = []  # the Hub requests the current test made while HF_HUB_OFFLINE=1
# the first such request made while setting up a test, by the test's class (or module): a
# ``setUpClass`` that loads a tokenizer runs in the first test's setup only, and transformers
# then builds an empty tokenizer offline, on which every test of the class fails
_setup_offline: dict[str, str] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    before = len(_offline)
    yield
    if len(_offline) > before:
        _setup_offline.setdefault(_parent(item.nodeid), _offline[before])


def _parent(nodeid: str) -> str:
    """``file::Class`` of a method's node id, ``file`` of a function's."""
    return nodeid.split("[", 1)[0].rpartition("::")[0]


def _watch_offline_mode() -> None:
    """Note each ``OfflineModeIsEnabled`` that huggingface_hub makes: code under test often
    catches it (``has_file`` returns False), and the test then fails on an assertion that
    does not say the Hub was wanted offline."""
    errors = sys.modules.get("huggingface_hub.errors")
    cls = getattr(errors, "OfflineModeIsEnabled", None)
    if not isinstance(cls, type) or cls.__dict__.get("_harness_watched"):
        return
    original: Any = getattr(cls, "__init__")  # noqa: B009 (typed Any: a foreign class)

    def init(self: BaseException, *args: Any, **kwargs: Any) -> None:
        _offline.append(str(args[0])[:200] if args else "")
        original(self, *args, **kwargs)

    setattr(cls, "__init__", init)  # noqa: B010 (a class attribute of another library)
    setattr(cls, "_harness_watched", True)  # noqa: B010


# on the report of a failure the network explains (a blocked connection, a Hub request
# refused offline), which reaches the process that prints the events, an xdist worker's
# too: the progress tells these apart from the failures a change can cause (a verify of peft
# b60f0552e: "7236/10060 tests, 4700 failed", where 7008 of 7008 failed for want of the
# network, and the verdict was "ok")
NETWORK = ("harness_network", "1")
# a library's own refusal offline, with no Hub call made, as harness.results.OFFLINE_SAID:
# transformers' pipeline() raises "You cannot infer task automatically within `pipeline`
# when using offline mode"
OFFLINE_SAID = "when using offline mode"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Any:
    outcome = yield
    report = outcome.get_result()
    # JUnit XML writes the item's properties with its teardown report: record the exact
    # node id (classname/name lose it) and unexpected passes (reported there as passed).
    if report.when == "setup":
        item.user_properties.append(("harness_nodeid", item.nodeid))
    # a library may catch NetworkBlocked and raise its own error: say what was blocked
    if report.failed and _blocked:
        item.user_properties.append(("harness_blocked", "; ".join(dict.fromkeys(_blocked))))
        report.user_properties.append(NETWORK)
    elif (report.failed or (report.when == "call" and report.passed)) and \
            (offline := _offline[0] if _offline else _setup_offline.get(_parent(item.nodeid))):
        # a pass too: it passed on what the code built without the Hub (an empty tokenizer)
        item.user_properties.append(("harness_offline", offline))
        if report.failed:
            report.user_properties.append(NETWORK)
    elif report.failed and call.excinfo is not None and OFFLINE_SAID in str(call.excinfo.value):
        report.user_properties.append(NETWORK)
    if report.failed and call.excinfo is not None and (cause := _first_cause(call.excinfo.value)):
        item.user_properties.append(("harness_cause", cause))

    if report.when == "call" and report.passed and hasattr(report, "wasxfail"):
        item.user_properties.append(("harness_outcome", "xpass"))


def _first_cause(exc: BaseException) -> str:
    """The oldest exception of the chain that ended in ``exc`` ("module.Type: first line"), or
    "" when nothing led to it: a library that wraps a Hub or network error in its own (peft's
    ``ValueError: Can't find 'adapter_config.json'``) says why only there.  Read from the
    exception itself: the runs print tracebacks natively, without pytest's ``E`` lines."""
    seen = {id(exc)}
    while True:
        nxt = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        if nxt is None or id(nxt) in seen:
            break
        seen.add(id(nxt))
        exc = nxt
    if len(seen) == 1:
        return ""
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return text.splitlines()[0][:500] if text else ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _is_xdist_worker():
        return
    if report.failed:
        _failed[0] += 1
    if report.when == "call" or (report.when == "setup" and not report.passed) or (
        report.when == "teardown" and report.failed
    ):
        _event(f"result {report.outcome} {report.nodeid}")
        if report.failed and NETWORK in report.user_properties:
            _event(f"network {report.nodeid}")
