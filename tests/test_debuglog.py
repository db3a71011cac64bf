"""One debug log per command: concurrent commands never share a file; the last few kept."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from harness import debuglog

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\d+) harness")


def command_logs(home: Path) -> list[Path]:
    return sorted(p for p in (home / "logs").iterdir() if debuglog.NAME_RE.match(p.name))


def test_concurrent_commands_each_write_their_own_log(_isolated_home: Path) -> None:
    env = {**os.environ, "COLUMNS": "200"}
    procs = [subprocess.Popen([sys.executable, "-m", "harness", "recipes"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    logs = command_logs(_isolated_home)
    assert len(logs) == 3
    pids = {p.pid for p in procs}
    for log in logs:
        pid = int(log.name.split("-")[1])
        assert log.name.endswith(f"-{pid}-recipes.log") and pid in pids
        text = log.read_text()
        lines = [ln for ln in text.splitlines() if LINE.match(ln)]
        assert lines, text
        assert {int(LINE.match(ln).group(1)) for ln in lines} == {pid}  # type: ignore[union-attr]
        assert text.count("; python ") == 1  # one header: nothing written over it
        for part in ("harness ", "git version", "uv: ", "argv [", "cwd "):
            assert part in text, part
        pids.discard(pid)
    assert not pids
    last = _isolated_home / "logs" / "last-command.log"
    assert last.is_symlink() and last.resolve() in logs


def test_old_logs_pruned_live_and_env_logs_kept(_isolated_home: Path) -> None:
    logs = _isolated_home / "logs"
    logs.mkdir()
    dead = 4194305  # above Linux's largest pid: never a live process
    for i in range(25):
        (logs / f"20200101T0000{i:02d}.000-{dead}-runs.log").write_text("old\n")
    live = logs / f"20190101T000000.000-{os.getpid()}-reproduce.log"
    live.write_text("still being written\n")
    (logs / "env-tiny-0123456789abcdef.log").write_text("env build\n")
    proc = subprocess.run([sys.executable, "-m", "harness", "runs"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    kept = command_logs(_isolated_home)
    assert len(kept) == debuglog.KEEP + 1  # the newest KEEP, and the live one
    assert live in kept and kept[-1].name.endswith("-runs.log")
    assert (logs / "env-tiny-0123456789abcdef.log").is_file()
    assert (logs / "last-command.log").resolve() == kept[-1]


def test_error_names_its_own_log(_isolated_home: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "harness", "reproduce", "nosuchrecipe"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    shown = re.search(r"debug log: (\S+)", proc.stderr)
    assert shown, proc.stderr
    path = Path(shown.group(1))
    assert path.parent == _isolated_home / "logs" and "-reproduce.log" in path.name
    assert "unknown recipe 'nosuchrecipe'" in path.read_text()
