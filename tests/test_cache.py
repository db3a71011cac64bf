from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from harness import cache


def fill(tmp: Path) -> None:
    (tmp / "data.txt").write_text("built")


def test_key_of_is_stable_and_order_independent() -> None:
    a = cache.key_of({"x": 1, "y": [1, 2], "z": {"b": 2, "a": 1}})
    b = cache.key_of({"z": {"a": 1, "b": 2}, "y": [1, 2], "x": 1})
    assert a == b
    assert len(a) == 16 and all(c in "0123456789abcdef" for c in a)
    assert cache.key_of({"x": 2}) != cache.key_of({"x": 1})
    assert len(cache.key_of({"x": 1}, 8)) == 8


def test_builds_once(tmp_path: Path) -> None:
    path = tmp_path / "entries" / "e1"
    calls: list[Path] = []

    def build(tmp: Path) -> None:
        calls.append(tmp)
        assert tmp != path and tmp.parent == path.parent and tmp.is_dir()
        fill(tmp)

    assert cache.build_once(path, build, meta={"k": "v"}) is True
    assert cache.build_once(path, build) is False
    assert len(calls) == 1
    assert (path / "data.txt").read_text() == "built"
    assert json.loads((path / cache.MARKER).read_text()) == {"k": "v"}
    assert cache.is_complete(path)
    assert not calls[0].exists()  # the temporary dir was renamed into place


def test_failed_build_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "e2"
    seen: list[Path] = []

    def build(tmp: Path) -> None:
        seen.append(tmp)
        fill(tmp)
        raise RuntimeError("build broke")

    with pytest.raises(RuntimeError, match="build broke"):
        cache.build_once(path, build)
    assert not seen[0].exists()
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []
    assert cache.build_once(path, fill) is True  # and a later call builds it


def test_incomplete_entry_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "e3"
    path.mkdir()
    (path / "half-written").write_text("killed here")  # no marker: a killed build
    assert not cache.is_complete(path)
    assert cache.build_once(path, fill) is True
    assert not (path / "half-written").exists()
    assert (path / "data.txt").read_text() == "built"
    assert cache.is_complete(path)


def test_unhealthy_entry_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "e4"
    cache.build_once(path, fill)
    (path / "data.txt").unlink()
    healthy = lambda p: (p / "data.txt").exists()  # noqa: E731
    assert cache.build_once(path, fill, healthy=healthy) is True
    assert cache.build_once(path, fill, healthy=healthy) is False


def test_leftover_tmp_dir_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "e5"
    leftover = tmp_path / ".tmp-e5-999999"
    leftover.mkdir()
    (leftover / "junk").write_text("x")
    other = tmp_path / ".tmp-e50-999999"  # another key's build: not ours to remove
    other.mkdir()
    assert cache.build_once(path, fill) is True
    assert not leftover.exists()
    assert other.exists()


def test_leftover_cleanup_spares_a_longer_key(tmp_path: Path) -> None:
    path = tmp_path / "abc"
    in_progress = tmp_path / f".tmp-abc-pip-{os.getpid()}"  # key "abc-pip", its own lock
    in_progress.mkdir()
    with cache.locked(tmp_path / "abc-pip"):
        assert cache.build_once(path, fill) is True
        assert in_progress.exists()


def test_remove_and_write_atomic(tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    cache.write_atomic(target, "one")
    cache.write_atomic(target, "two")
    assert target.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "dir")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "keep").write_text("k")
    cache.remove(link)
    assert (tmp_path / "dir" / "keep").exists()  # a symlink is unlinked, not followed
    cache.remove(tmp_path / "dir")
    cache.remove(tmp_path / "missing")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


def _build_in_child(path: str, log: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    def build(tmp: Path) -> None:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(0.5)
        fill(tmp)

    barrier.wait()
    cache.build_once(Path(path), build)
    assert (Path(path) / "data.txt").read_text() == "built"


def test_concurrent_build_runs_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    path = tmp_path / "shared"
    log = tmp_path / "builds.log"
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_build_in_child, args=(str(path), str(log), barrier))
             for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert len(log.read_text().splitlines()) == 1
    assert cache.is_complete(path)


def test_locked_is_exclusive_per_path(tmp_path: Path) -> None:
    import filelock

    path = tmp_path / "k"
    with cache.locked(path):
        assert (tmp_path / "k.lock").exists()
        with pytest.raises(filelock.Timeout):
            filelock.FileLock(str(path) + ".lock", timeout=0.1).acquire()
        with cache.locked(tmp_path / "other"):  # another key is not blocked
            pass
    again = filelock.FileLock(str(path) + ".lock", timeout=0.1)
    again.acquire()  # released on leaving: no Timeout now
    again.release()
