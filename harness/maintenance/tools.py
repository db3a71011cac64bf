"""``harness doctor``'s tool checks: uv, git, docker."""
from __future__ import annotations

import re
import shutil

from harness import git as gitlayer
from harness import proc
from harness.errors import HarnessError
from harness.maintenance.check import Check, Level, ok

MIN_GIT = (2, 35)  # `git sparse-checkout set --no-cone`


def uv() -> list[Check]:
    from harness.envs.venv import find_uv

    uv = find_uv()
    found = proc.version_of([uv, "--version"]) if uv else None
    if not found:
        return [Check(Level.WARN, "uv: not found (envs are built with venv + pip, ~10x slower)",
                      "pip install uv")]
    return ok(found)


def git() -> list[Check]:
    found = gitlayer.version()
    if not found:
        return [Check(Level.FAIL, "git: not found", "install git (e.g. apt-get install git)")]
    numbers = tuple(int(x) for x in re.findall(r"\d+", found)[:2])
    if numbers < MIN_GIT:
        return [Check(Level.WARN, f"{found}: sparse checkouts (transformers) need git 2.35+",
                      "upgrade git")]
    return ok(found)


def docker() -> list[Check]:
    exe = shutil.which("docker")
    if not exe:
        return ok("docker: not installed (needed only for --backend docker)")
    try:
        out = proc.run([exe, "version", "--format", "{{.Server.Version}}"], check=False,
                       timeout=10)
    except HarnessError as e:
        out = proc.Result(1, "", e.message)
    if out.returncode != 0:
        return [Check(Level.WARN, "docker: installed, but its daemon does not answer",
                      "start it (`sudo dockerd &` or `systemctl start docker`); "
                      "needed only for --backend docker")]
    return ok(f"docker: daemon {out.stdout.strip()}")
