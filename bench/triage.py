"""Benchmark triage: scoring speed, and what a GitHub sync costs.

    python bench/triage.py [--issues 10000] [--repo-size 2000]

1. Time to assess (extract features + score) 10,000 generated issues as ``harness triage``
   does, on every core a batch that size is sliced for; goal: under 1 s.  The time on one
   core is printed too, and that of the whole command as a user types it with the batch
   stored (``harness triage transformers --limit 10``: its start, the store, the table),
   and with ``--beginner``.  Beside it, a fixed loop's time on one core and on as many
   processes at once as the batch has slices: where the cores slow each other down
   (hyperthreads, a shared host), the slices cannot run at the speed of one core each.
2. Requests and rate-limit cost of a first sync and of a re-sync of the unchanged repo,
   through the real PyGithub client against a local GitHub-shaped server (the one the
   tests use); goal: the re-sync costs nothing (only 304 answers).

Exits 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import store  # noqa: E402
from harness.recipes import load  # noqa: E402
from harness.triage import github_sync, issues, rank, slices  # noqa: E402
from harness.triage.issues import Issue  # noqa: E402
from harness.triage.scoring import Assessment  # noqa: E402
from tests.triage.github_server import FakeGitHub, GitHubServer, make_issue  # noqa: E402

GOAL_S = 1.0
REPEATS = 5
NOW = datetime(2025, 1, 15, tzinfo=timezone.utc)
SYSINFO = """### System Info

- `transformers` version: 4.{minor}.0
- Platform: Linux-6.5.0-x86_64-with-glibc2.35
- Python version: 3.11.9
- PyTorch version (GPU?): 2.5.1+cu124 ({gpu})
- Using distributed or parallel set-up in script?: {dist}
- Using GPU in script?: {use_gpu}

### Who can help?

@maintainer
"""
MODELS = ["google-bert/bert-base-uncased", "openai-community/gpt2", "meta-llama/Llama-2-7b-hf",
          "mistralai/Mistral-7B-v0.1", "Qwen/Qwen2.5-0.5B-Instruct", "facebook/opt-350m",
          "meta-llama/Meta-Llama-3-70B", "google/flan-t5-xxl", "acme/in-house-model"]
CLASSES = ["BertModel", "GPT2LMHeadModel", "LlamaForCausalLM", "T5ForConditionalGeneration",
           "WhisperForConditionalGeneration", "DDIMScheduler", "Qwen2VLForConditionalGeneration"]
EXTRAS = ["", "It happens on CPU only.", "Same with device_map='auto' on 2 GPUs.",
          "We use bitsandbytes load_in_4bit.", "Launched with torchrun --nproc_per_node 8.",
          "DeepSpeed ZeRO-3 config attached.", "flash_attention_2 is enabled."]
SENTENCE = ("the model output changes when the input is padded and the attention mask is not "
            "respected which breaks batched generation for our use case")
WORDS = SENTENCE.split()


def prose(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def bug(rng: random.Random) -> str:
    model, cls = rng.choice(MODELS), rng.choice(CLASSES)
    gpu = rng.random() < 0.4
    head = SYSINFO.format(minor=rng.randint(30, 48), gpu="True" if gpu else "False",
                          dist=rng.choice(["no", "no", "yes"]), use_gpu="yes" if gpu else "no")
    mtype = cls.split("For")[0].lower()
    trace = (f'Traceback (most recent call last):\n  File "repro.py", line 4, in <module>\n'
             f'  File "/venv/lib/python3.11/site-packages/transformers/models/{mtype}/'
             f'modeling_{mtype}.py", line {rng.randint(100, 2000)}, in forward\n'
             f"ValueError: {prose(rng, 6)}\n")
    return (f"{head}\n### Reproduction\n\n{prose(rng, rng.randint(10, 60))} `{cls}.forward` "
            f"{rng.choice(EXTRAS)}\n\n```python\nfrom transformers import AutoModel\n"
            f'model = AutoModel.from_pretrained("{model}")\nout = model(**inputs)\n```\n\n'
            f"```\n{trace}```\n\n### Expected behavior\n\n{prose(rng, rng.randint(5, 30))}\n")


def feature(rng: random.Random) -> str:
    return (f"### Feature request\n\n{prose(rng, 40)}\n\n### Motivation\n\n{prose(rng, 60)}\n\n"
            f"### Your contribution\n\n{prose(rng, 10)}\n")


def question(rng: random.Random) -> str:
    return f"How can I {prose(rng, 20).lower()} Is there a way to use {rng.choice(MODELS)}?"


def generate(n: int, seed: int = 0) -> list[Issue]:
    rng = random.Random(seed)
    makers = [bug] * 6 + [feature, question, lambda r: prose(r, r.randint(3, 15))]
    labels = [(), ("bug",), ("Good First Issue",), ("Feature request",), ("bug", "stale")]
    found = []
    for number in range(1, n + 1):
        body = rng.choice(makers)(rng)
        found.append(Issue(
            repo="huggingface/transformers", number=number, title=prose(rng, 8), body=body,
            state="open", labels=rng.choice(labels), assignees=(), author="someone",
            comments=rng.randint(0, 40), created_at=f"2024-{rng.randint(1, 12):02d}-01T00:00:00Z",
            updated_at="2025-01-01T00:00:00Z", closed_at=None, url=f"https://x/{number}",
        ))
    return found


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop, to compare figures taken on other machines."""
    start = time.perf_counter()
    for _ in range(20_000):
        sum(range(1000))
    return time.perf_counter() - start


def cores_at_once(k: int) -> float:
    """Seconds for :func:`machine_speed`'s loop on ``k`` forked processes at once: the same
    as on one where the machine's ``k`` cores do not slow each other down (hyperthreads of
    one core, or cores a host shares with other machines, do).  The clock starts once every
    process has started and waits at a barrier."""
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(k + 1)
    workers = [context.Process(target=_loop_after, args=(ready,)) for _ in range(k)]
    for w in workers:
        w.start()
    ready.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def best_of(rounds: int, measure: Callable[[], float]) -> float:
    """The least of ``rounds`` measurements: the host's other load only ever adds time."""
    return min(measure() for _ in range(rounds))


def _loop_after(ready: threading.Barrier) -> None:
    ready.wait()
    machine_speed()


def bench_scoring(items: list[Issue]) -> float:
    """Best seconds to assess ``items`` as ``harness triage`` does (on every core the batch
    is sliced for, :mod:`harness.triage.slices`), and, for the record, on one core."""
    recipe = load("transformers")
    n = len(items)
    chars = statistics.mean(len(i.body) for i in items)
    best = 0.0
    for cores, workers in (("one core", 1), (f"{slices.count(n)} slices", slices.MAX_WORKERS)):
        slices.MAX_WORKERS, default = workers, slices.MAX_WORKERS
        times = []
        assessed: list[Assessment] = []
        for _ in range(REPEATS):
            del assessed  # the previous round's results are freed before the clock starts
            start = time.perf_counter()
            assessed = rank.assess_all(recipe, items, now=NOW)
            times.append(time.perf_counter() - start)
        slices.MAX_WORKERS = default
        bands = {b: sum(a.band == b for a in assessed) for b in ("easy", "medium", "hard")}
        best, median = min(times), statistics.median(times)
        print(f"scoring, {cores}: {n} issues (mean body {chars:.0f} chars): best {best:.3f} s, "
              f"median {median:.3f} s of {REPEATS} = {best / GOAL_S:.2f}x the {GOAL_S:.0f} s "
              f"goal ({best / n * 1e6:.0f} us/issue); bands {bands}")
    return best  # as harness triage runs


def bench_command(items: list[Issue]) -> None:
    """Best seconds of ``harness triage transformers --limit 10`` as a user types it, with
    ``items`` stored (in the bench's own home), then of the same with ``--beginner`` (which
    also reads what the stored posts' issue forms say: :mod:`harness.triage.boilerplate`)."""
    issues.save_all(items)
    for extra in ((), ("--beginner",)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "harness", "triage", "transformers",
                            "--limit", "10", *extra], cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        print(f"harness triage transformers --limit 10{''.join(' ' + e for e in extra)}, "
              f"{len(items)} issues stored: best {min(times):.3f} s of 3 (the command's "
              f"start, the store and the table included)")


def bench_sync(repo_size: int) -> bool:
    repo = "huggingface/transformers"
    fake = FakeGitHub(remaining=5000)
    fake.issues[repo] = [
        make_issue(n, repo=repo, pull=n % 3 == 0, state="closed" if n % 4 == 0 else "open",
                   updated_at=f"2024-12-{1 + n % 30:02d}T00:00:00Z")
        for n in range(1, repo_size + 1)
    ]
    now = datetime(2024, 12, 31, tzinfo=timezone.utc)
    with GitHubServer(fake) as server, store.opened() as conn:
        results = []
        for label in ("first sync", "re-sync, unchanged"):
            fake.clear()
            before = fake.remaining
            r = github_sync.sync(conn, repo, base_url=server.url, now=now, pause=None)
            statuses = fake.statuses()
            results.append((label, r, before - fake.remaining, statuses))
            print(f"{label}: {r.requests} requests ({statuses.count(304)} answered 304), "
                  f"rate-limit cost {before - fake.remaining} (client counted {r.rate_cost}), "
                  f"{r.stored} issues and PRs stored")
    _, _, cost, statuses = results[1]
    return cost == 0 and set(statuses) == {304}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--repo-size", type=int, default=2_000,
                        help="issues and PRs on the local server")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["HARNESS_HOME"] = home
        # the interpreter's build counts as much as the machine: on one 2-core VM, 10,000
        # issues on 2 slices took 1.03 to 1.09 s with a Python 3.11 built by pyenv's defaults
        # (no PGO or LTO; this loop 0.23 to 0.26 s), 0.94 s with Debian's python3.11 (0.12 s)
        one = best_of(3, machine_speed)
        print(f"machine: sum(range(1000)) x 20,000 takes {one:.3f} s (best of 3); Python "
              f"{platform.python_version()} of {sys.base_prefix}")
        items = generate(args.issues)
        k = slices.count(len(items))
        if k > 1:
            # the slices' share of the work is only as fast as the cores run side by side
            together = best_of(3, lambda: cores_at_once(k))
            print(f"machine: the same loop on {k} processes at once takes {together:.3f} s "
                  f"(best of 3; {together / one:.2f}x one, 1.00 where the cores do not slow "
                  f"each other)")
        seconds = bench_scoring(items)
        bench_command(items)
        free = bench_sync(args.repo_size)
    missed = [what for what, ok in (("scoring", seconds < GOAL_S), ("re-sync", free)) if not ok]
    print("goals met" if not missed else f"goals missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
