"""A large batch cut into slices, one per core: the first (a little larger) done here, the
others at once in forked worker processes.

Forking (Linux only) lets each worker inherit the batch as it is in memory: nothing is
sent to it but two numbers, and only its results come back, pickled.  A process with more
than one thread is never forked (a lock held by another thread would stay held in the
child), nor is a small batch (starting a worker costs more than it saves): those run here,
in one piece.  Workers ignore ^C: the parent stops, and they end with their slice.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar, cast

R = TypeVar("R")
log = logging.getLogger("harness.triage")

MIN_SLICE = 1000  # items per slice at least: below this a worker costs more than it saves
# the slice done here is this much larger than each worker's: a worker's results must still
# be pickled, sent and unpickled here (for 5,000 triage assessments: 45 ms to pickle, 22 ms
# to unpickle, against about 1 s to make them).  10,000 issues on 2 cores: 1.02 s → 0.98 s
# (the median of four runs each, bench/triage.py's batch)
HOME_EXTRA = 0.03
MAX_WORKERS = 8
FORKS = sys.platform == "linux"  # elsewhere fork is unsafe (macOS) or missing (Windows)

# the job of the batch being sliced: forked workers inherit it (a closure cannot be pickled)
_jobs: list[Callable[[int, int], object]] = []


def count(n: int) -> int:
    """How many slices a batch of ``n`` items is cut into here: 1 when it cannot be forked."""
    if n < 2 * MIN_SLICE or not FORKS or threading.active_count() > 1:
        return 1
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0)), n // MIN_SLICE))


def run(job: Callable[[int, int], R], n: int) -> list[R]:
    """``job(start, end)`` for consecutive slices of ``range(n)``, their results in order."""
    k = count(n)
    if k == 1:
        return [job(0, n)]
    here = round(n / k * (1 + HOME_EXTRA))
    bounds = [0, *(here + (n - here) * i // (k - 1) for i in range(k))]
    log.debug("%d items in %d slices, %d of them in forked workers", n, k, k - 1)
    _jobs.append(job)
    try:
        with ProcessPoolExecutor(k - 1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_worker_start) as pool:
            others = [pool.submit(_run_slice, bounds[i], bounds[i + 1]) for i in range(1, k)]
            first = job(bounds[0], bounds[1])
            rest = [cast(R, f.result()) for f in others]
    finally:
        _jobs.pop()
    return [first, *rest]


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # the worker builds its slice's results and ends: nothing to collect


def _run_slice(start: int, end: int) -> object:
    return _jobs[-1](start, end)  # the job of the run() that forked this worker
