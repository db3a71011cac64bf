"""The venv backend: uv when it is available (the default), else ``python -m venv`` + pip."""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from harness import cache, config, proc
from harness.envs.base import INTERRUPT_GRACE, Env, RunRequest, host_env
from harness.envs.spec import EnvSpec
from harness.errors import HarnessError


def find_uv() -> str | None:
    try:
        import uv

        found: str = uv.find_uv_bin()
        return found
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def activated(venv: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` as the venv's ``activate`` leaves a shell: its ``bin`` first on ``PATH``.  Tests
    start the env's console scripts by name (diffusers' example tests run ``accelerate
    launch``: "No such file or directory: 'accelerate'" on both sides of d44b5f86e6)."""
    path = os.pathsep.join(p for p in (str(venv / "bin"), env.get("PATH", "")) if p)
    return {**env, "VIRTUAL_ENV": str(venv), "PATH": path}


def resolve_python(requested: str | None, uv: str | None) -> tuple[str, str]:
    """An interpreter path and its full version for ``requested`` ("3.11", a path, None)."""
    exe = requested or sys.executable
    if requested and os.sep not in requested:
        if uv:
            found = proc.run([uv, "python", "find", "--no-python-downloads", requested],
                             check=False)
            exe = found.stdout.strip() if found.returncode == 0 else ""
        else:
            exe = shutil.which(f"python{requested}") or ""
        if not exe:
            raise HarnessError(f"Python {requested} is not installed",
                               hint="install it (e.g. `uv python install`) or edit install.python")
    out = proc.run([exe, "-c", "import platform; print(platform.python_version())"],
                   what=f"checking Python at {exe}")
    return exe, out.stdout.strip()


# The env is only usable while the runner's own packages import; found without importing.
HEALTH_CHECK = ("import importlib.util as u, sys; "
                "sys.exit(any(u.find_spec(m) is None for m in ('pytest', 'xdist', "
                "'pytest_timeout')))")


def _healthy(path: Path) -> bool:
    python = path / "bin" / "python"
    return python.exists() and proc.run([python, "-c", HEALTH_CHECK],
                                        check=False).returncode == 0


class VenvBackend:
    def __init__(self, prefer_uv: bool = True) -> None:
        self.uv = find_uv() if prefer_uv else None
        self.name = "uv" if self.uv else "venv"

    def key(self, spec: EnvSpec) -> str:
        return spec.key() if self.name == "uv" else f"{spec.key()}-pip"

    def ensure(self, spec: EnvSpec, on_line: Callable[[str], None] | None = None) -> Env:
        key = self.key(spec)
        path = config.home() / "envs" / key
        log_path = config.home() / "logs" / f"env-{key}.log"

        def build(tmp: Path) -> None:
            self._build(tmp, spec, log_path, on_line)

        built = cache.build_once(path, build, meta={"key": key, **spec.key_parts()},
                                 healthy=_healthy)
        return Env(key, path, path / "bin" / "python", self.name, built)

    def command(self, env: Env, argv: list[str]) -> list[str]:
        return [str(env.python), *argv]

    def run(self, env: Env, request: RunRequest,
            on_line: Callable[[str], None] | None = None) -> int:
        return proc.stream(self.command(env, request.argv), log_path=request.log_path,
                           cwd=request.cwd, env=activated(env.path, host_env(request.env)),
                           on_line=on_line, timeout=request.timeout, grace=INTERRUPT_GRACE)

    def _build(self, tmp: Path, spec: EnvSpec, log_path: Path,
               on_line: Callable[[str], None] | None) -> None:
        meta = tmp / ".harness"
        meta.mkdir()
        (meta / "requirements.txt").write_text("\n".join(spec.requirements()) + "\n")
        (meta / "constraints.txt").write_text("\n".join(spec.install.pins) + "\n")
        (meta / "excludes.txt").write_text("\n".join(spec.install.exclude) + "\n")
        python = tmp / "bin" / "python"
        if self.uv:
            steps = [
                [self.uv, "venv", "--quiet", "--relocatable", "--python", spec.python, str(tmp),
                 "--allow-existing"],
                # no --compile-bytecode: compiling all of torch up front costs ~10 s; the
                # first test run writes .pyc for what it imports (PYTHONDONTWRITEBYTECODE
                # is scrubbed from the test environment), later runs reuse them
                [self.uv, "pip", "install", "--python", str(python),
                 "-r", str(meta / "requirements.txt"), "-c", str(meta / "constraints.txt"),
                 "--excludes", str(meta / "excludes.txt"), *spec.torch_source.uv_args()],
            ]
        else:
            pip_source = [a for a in spec.torch_source.uv_args()
                          if a not in {"unsafe-best-match", "--index-strategy"}]
            steps = [
                [spec.python, "-m", "venv", str(tmp)],
                [str(python), "-m", "pip", "install", "--disable-pip-version-check",
                 "-r", str(meta / "requirements.txt"), "-c", str(meta / "constraints.txt"),
                 *pip_source],
            ]
            if spec.install.exclude:  # pip cannot leave a package out: take it out after
                steps.append([str(python), "-m", "pip", "uninstall", "--yes",
                              "--disable-pip-version-check", *spec.install.exclude])
        proc.stream_steps(steps, log_path=log_path, on_line=on_line,
                          what=f"building the {spec.recipe} env")
