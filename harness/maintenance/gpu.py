"""``harness doctor``'s GPU checks: is there an NVIDIA GPU, and can the envs' torch use it.

Torch is never imported here: the envs' ``torch/version.py`` says which build they hold,
and only where a GPU and a CUDA build meet does a subprocess ask torch itself.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from harness import proc, recipes
from harness.errors import HarnessError
from harness.maintenance import built
from harness.maintenance.check import Check, Level

CHECK_CUDA = "import torch; print(torch.cuda.is_available(), torch.cuda.device_count())"


def checks(recipe: recipes.Recipe | None) -> list[Check]:
    smi = shutil.which("nvidia-smi")
    gpu_subsets = [n for n, s in recipe.subsets.items() if s.device == "cuda"] if recipe else []
    if not smi:
        if gpu_subsets:
            return [Check(Level.WARN, f"GPU: none; {recipe.name if recipe else ''} subsets "
                          f"{', '.join(gpu_subsets)} need a CUDA GPU",
                          "run a CPU subset (the default)")]
        return [Check(Level.OK, "GPU: none (CPU subsets only)")]
    try:
        query = proc.run([smi, "--query-gpu=name,memory.total,driver_version",
                          "--format=csv,noheader"], check=False, timeout=20)
        header = proc.run([smi], check=False, timeout=20)
    except HarnessError as e:
        return [Check(Level.FAIL, f"GPU: nvidia-smi does not answer ({e.message})",
                      "check the NVIDIA driver (reboot after a driver update)")]
    if query.returncode != 0:
        reason = (query.stderr or query.stdout).strip().splitlines()[:1]
        return [Check(Level.WARN, f"GPU: nvidia-smi failed ({' '.join(reason)})",
                      "check the NVIDIA driver (reboot after a driver update)")]
    found = re.search(r"CUDA Version:\s*([\d.]+)", header.stdout)
    driver_cuda = found.group(1) if found else "?"
    gpus = "; ".join(ln.strip() for ln in query.stdout.strip().splitlines())
    out = [Check(Level.OK, f"GPU: {gpus}; driver supports CUDA {driver_cuda}")]
    envs = built.of_recipe(recipe.name) if recipe else built.complete()
    for env in envs:
        out += _torch_in(env, driver_cuda)
    return out


def torch_build(env: Path) -> tuple[str, str | None] | None:
    """(version, CUDA version or None for a CPU build) of the torch in ``env``; None: no torch."""
    for version_py in env.glob("lib/python*/site-packages/torch/version.py"):
        text = version_py.read_text(errors="replace")
        version = re.search(r"^__version__\W*=\s*['\"]([^'\"]+)", text, re.M)
        cuda = re.search(r"^cuda\b[^=]*=\s*['\"]([^'\"]+)", text, re.M)
        return (version.group(1) if version else "?", cuda.group(1) if cuda else None)
    return None


def _torch_in(env: Path, driver_cuda: str) -> list[Check]:
    build = torch_build(env)
    if build is None:
        return []
    version, cuda = build
    if cuda is None:
        return [Check(Level.WARN, f"env {env.name}: torch {version} is a CPU build; GPU subsets "
                      "will not use the GPU",
                      "rebuild with --torch-index https://download.pytorch.org/whl/cu"
                      f"{driver_cuda.replace('.', '')[:3]} (your driver's CUDA)")]
    if _newer(cuda, driver_cuda):
        return [Check(Level.WARN, f"env {env.name}: torch {version} needs CUDA {cuda}, the "
                      f"driver supports {driver_cuda}",
                      "update the NVIDIA driver, or rebuild with an older CUDA --torch-index")]
    python = env / "bin" / "python"
    try:
        seen = proc.run([python, "-c", CHECK_CUDA], check=False, timeout=120)
    except HarnessError as e:
        return [Check(Level.WARN, f"env {env.name}: {e.message}", "rebuild the env")]
    if seen.returncode != 0 or not seen.stdout.startswith("True"):
        tail = (seen.stderr or seen.stdout).strip().splitlines()[-1:]
        return [Check(Level.WARN, f"env {env.name}: torch {version} does not see the GPU "
                      f"({' '.join(tail) or 'cuda.is_available() is False'})",
                      "check CUDA_VISIBLE_DEVICES and the driver")]
    return [Check(Level.OK, f"env {env.name}: torch {version} sees "
                  f"{seen.stdout.split()[-1]} GPU(s)")]


def _newer(a: str, b: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", v)[:2])

    return bool(parts(b)) and parts(a) > parts(b)
