"""A large batch assessed on every core: forked workers give what one process gives.

Forking runs in a fresh interpreter (``python -c``): the test process may have threads
(pytest-xdist), and a process with threads is never forked.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from harness.triage import slices
from tests.triage import samples

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.skipif(not slices.FORKS, reason="slices fork on Linux only")


def python(code: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, check=False, **kw)  # type: ignore[call-overload]


def test_small_batches_threaded_processes_and_other_platforms_stay_in_one_piece(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slices.os, "sched_getaffinity", lambda pid: set(range(4)))
    monkeypatch.setattr(slices.threading, "active_count", lambda: 1)
    assert slices.count(1999) == 1
    assert slices.count(2000) == 2 and slices.count(10_000) == 4
    monkeypatch.setattr(slices, "MAX_WORKERS", 3)
    assert slices.count(10_000) == 3
    monkeypatch.setattr(slices.threading, "active_count", lambda: 2)
    assert slices.count(10_000) == 1
    monkeypatch.setattr(slices.threading, "active_count", lambda: 1)
    monkeypatch.setattr(slices, "FORKS", False)
    assert slices.count(10_000) == 1
    assert slices.run(lambda start, end: (os.getpid(), end - start), 10_000) == \
        [(os.getpid(), 10_000)]


def test_a_thread_alive_keeps_the_batch_here() -> None:
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert slices.count(10_000) == 1
    finally:
        stop.set()
        t.join()


def test_slices_run_in_forked_workers_and_come_back_in_order() -> None:
    out = python(
        "import json, os\nfrom harness.triage import slices\n"
        "slices.os.sched_getaffinity = lambda pid: {0, 1, 2}\n"
        "parts = slices.run(lambda s, e: (os.getpid(), list(range(s, e))), 3001)\n"
        "print(json.dumps({'me': os.getpid(), 'parts': parts}))\n")
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    pids = [pid for pid, _ in got["parts"]]
    assert pids[0] == got["me"] and got["me"] not in pids[1:]  # the first here, others forked
    assert [x for _, xs in got["parts"] for x in xs] == list(range(3001))
    # the slice done here is the largest: the workers' results still come back pickled
    sizes = [len(xs) for _, xs in got["parts"]]
    assert sizes[0] == max(sizes) > min(sizes) >= 3001 // 3 - 30


def test_a_sliced_batch_is_assessed_as_in_one_piece() -> None:
    code = (
        "import json\nfrom datetime import datetime, timezone\n"
        "from harness.recipes import load\nfrom harness.triage import rank, slices\n"
        "from tests.triage import samples\n"
        "slices.os.sched_getaffinity = lambda pid: {0, 1}\n"
        "items = [*samples.transformers_issues(), *samples.coverage_issues()] * 250\n"
        "def view(batch):\n"
        "    return [[a.issue.number, a.score, a.band, a.needs_gpu, a.gpu_score, a.reasons,\n"
        "             a.gpu_reasons, repr(a.features.models)] for a in batch]\n"
        "now = datetime(2025, 1, 15, tzinfo=timezone.utc)\n"
        "sliced = view(rank.assess_all(load('transformers'), items, now=now))\n"
        "n = slices.count(len(items))\n"
        "slices.MAX_WORKERS = 1\n"
        "whole = view(rank.assess_all(load('transformers'), items, now=now))\n"
        "print(json.dumps({'slices': n, 'same': sliced == whole, 'n': len(whole)}))\n")
    out = python(code)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    n = 250 * (len(samples.transformers_issues()) + len(samples.coverage_issues()))
    assert got == {"slices": 2, "same": True, "n": n}


def test_a_ctrl_c_stops_the_batch_and_leaves_no_worker(tmp_path: Path) -> None:
    """The parent stops at once; a worker ignores the ^C, ends its slice (a short one: a
    thousand issues or so) and exits: nothing is left running."""
    said = tmp_path / "said"
    code = (
        "import os, time\nfrom harness.triage import slices\n"
        "slices.os.sched_getaffinity = lambda pid: {0, 1}\n"
        f"def job(s, e):\n    open({str(said)!r}, 'a').write(f'start {{os.getpid()}}\\n')\n"
        "    time.sleep(3 if s else 60)\n"
        f"    open({str(said)!r}, 'a').write(f'done {{os.getpid()}}\\n')\n"
        "    return e - s\n"
        "slices.run(job, 2000)\n")
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    deadline = time.monotonic() + 30
    while (not said.exists() or said.read_text().count("start") < 2) \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    os.killpg(child.pid, signal.SIGINT)  # as a terminal's ^C: to the whole process group
    _, err = child.communicate(timeout=30)
    assert child.returncode != 0 and "KeyboardInterrupt" in err
    assert time.monotonic() - started < 15  # the worker's slice (3 s), not the parent's (60 s)
    lines = said.read_text().split("\n")
    parent = str(child.pid)
    (worker,) = [line.split()[1] for line in lines if line.startswith("start")
                 and line.split()[1] != parent]
    assert f"done {worker}" in lines and f"done {parent}" not in lines
    for pid in (int(parent), int(worker)):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
