"""bench/triage_once.py: each set scored by the code and weights of its own commit, in a
worktree of a real git repository, and the scores pooled by each reader's labels."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import triage_once
import triage_quality

from tests.testing.repos import git

ROOT = Path(__file__).resolve().parents[2]
ISSUES = [
    {"repo": "huggingface/peft", "number": 1, "title": "Typo in docstring",
     "body": "There is a typo in the docs of LoraConfig.", "difficulty": "easy",
     "needs_gpu": False, "kind": "docs", "created_at": "2024-01-01"},
    {"repo": "huggingface/peft", "number": 2, "title": "FSDP hangs on 8 GPUs",
     "body": "Training with FSDP and DeepSpeed on 8 A100 GPUs hangs at the first step.",
     "difficulty": "hard", "needs_gpu": True, "kind": "bug", "created_at": "2024-01-01"},
]


def project_copy(path: Path) -> tuple[str, str]:
    """A real git repository holding this project's triage code, in two commits: the second
    makes every issue easier (the easy model's bias raised).  Their hashes."""
    for part in ("harness", "recipes"):
        shutil.copytree(ROOT / part, path / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (path / "bench").mkdir()
    shutil.copy(ROOT / "bench" / "triage_quality.py", path / "bench")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "first")
    first = git(path, "rev-parse", "HEAD")
    weights = path / "harness" / "triage" / "weights.json"
    data = json.loads(weights.read_text())
    data["easy"]["bias"] += 3.0
    weights.write_text(json.dumps(data))
    git(path, "commit", "-q", "-am", "easier")
    return first, git(path, "rev-parse", "HEAD")


def test_each_commit_scores_with_its_own_code_and_leaves_no_worktree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    first, easier = project_copy(repo)
    texts = tmp_path / "triage_extra7.jsonl"
    texts.write_text("".join(json.dumps(r) + "\n" for r in ISSUES))
    before = triage_once.score_at(repo, first, [texts])
    after = triage_once.score_at(repo, easier, [texts])
    keys = [("huggingface/peft", 1), ("huggingface/peft", 2)]
    assert sorted(before) == sorted(after) == keys
    assert before[keys[0]][0] > before[keys[1]][0]  # the typo ranks above the FSDP hang
    assert all(after[k][0] > before[k][0] for k in keys)  # the second commit's weights
    assert before[keys[1]][1]  # the hang on 8 GPUs is flagged as needing one
    assert git(repo, "worktree", "list").count("\n") == 0  # only the repository's own


def test_pooled_counts_each_reader_and_names_the_repositories_that_miss() -> None:
    scored = {("o/a", 1): (0.9, False), ("o/a", 2): (0.1, True), ("o/b", 3): (0.2, False),
              ("o/b", 4): (0.8, True)}
    labels = {("o/a", 1): {"difficulty": "easy", "needs_gpu": False},
              ("o/a", 2): {"difficulty": "hard", "needs_gpu": True},
              ("o/b", 3): {"difficulty": "easy", "needs_gpu": False},
              ("o/b", 4): {"difficulty": "medium", "needs_gpu": True}}
    lines, missed = triage_once.pooled("first", scored, labels)
    # (no kinds in these labels: no AUC at the dev set's mix of kinds)
    assert lines[0].split()[1:] == ["all", "4", "2", "0.750", "-", "2/2"]
    assert lines[1].split()[1:] == ["o/a", "2", "1", "1.000", "-", "1/1"]
    assert lines[2].split()[1:] == ["o/b", "2", "1", "0.000", "-", "1/1"]
    assert lines[-1] == "  first: goals missed for o/b"
    assert missed == ["o/b"]
    # with kinds: the AUC weighed to the dev set's mix beside the plain one
    kinds = {("o/a", 1): "question", ("o/a", 2): "bug", ("o/b", 3): "bug",
             ("o/b", 4): "question"}
    lines, _ = triage_once.pooled("first", scored, {k: {**v, "kind": kinds[k]}
                                                    for k, v in labels.items()})
    want = triage_quality.mix_auc([0.9, 0.1, 0.2, 0.8], [True, False, True, False],
                                  ["question", "bug", "bug", "question"]) or 0.0
    assert lines[0].split()[1:] == ["all", "4", "2", "0.750", f"{want:.3f}", "2/2"]
    # a repository none of whose issues is easy has no AUC: named as such, not as missed
    labels[("o/b", 3)] = {"difficulty": "medium", "needs_gpu": False}
    lines, missed = triage_once.pooled("first", scored, labels)
    assert lines[2].split()[1:] == ["o/b", "2", "0", "-", "-", "1/1"]
    assert missed == [] and "goals missed" not in "\n".join(lines)
    assert lines[-1] == ("  first: no AUC for o/b (every issue easy, or none): not counted "
                         "either way")


def test_the_majority_takes_the_third_reader_only_where_the_first_two_disagree() -> None:
    def label(difficulty: str, gpu: bool = False) -> dict[str, object]:
        return {"difficulty": difficulty, "needs_gpu": gpu}

    first = {("o/a", 1): label("easy"), ("o/a", 2): label("medium", True),
             ("o/a", 3): label("easy"), ("o/a", 4): label("hard"), ("o/a", 5): label("easy")}
    second = {("o/a", 1): label("easy"), ("o/a", 2): label("hard", False),
              ("o/a", 3): label("medium"), ("o/a", 4): label("easy")}
    third = {("o/a", 1): label("hard"), ("o/a", 3): label("hard"), ("o/a", 4): label("easy")}
    most = triage_quality.majority(first, second, third)
    # 1: the first two agree, the third is not asked; 2: medium and hard are both not easy;
    # 3 and 4: the third decides; 5: the second never read it
    assert {k[1]: v["difficulty"] for k, v in most.items()} == {
        1: "easy", 2: "medium", 3: "medium", 4: "easy"}
    assert most[("o/a", 2)]["needs_gpu"] is True  # the first reader's GPU label
    first[("o/a", 2)] = {**first[("o/a", 2)], "kind": "bug"}
    assert triage_quality.majority(first, second, third)[("o/a", 2)]["kind"] == "bug"
    del third[("o/a", 3)]
    assert ("o/a", 3) not in triage_quality.majority(first, second, third)


def test_majority_labels_read_a_sets_three_readers_from_the_bench(tmp_path: Path) -> None:
    """--majority: the 167th set's labels in bench/; the texts may be anywhere."""
    most = triage_quality.majority_labels([str(tmp_path / "triage_extra167.jsonl"),
                                           str(tmp_path / "dev_issues.jsonl")])
    tf = "huggingface/transformers"
    # the first reader said easy, the second and third not; then the other way round
    assert most[(tf, 10503)]["difficulty"] == "medium"
    assert most[(tf, 14003)]["difficulty"] == "easy"
    assert most[(tf, 1684)]["difficulty"] == "medium"  # the third sided with the first
    assert len(most) == sum(1 for _ in (Path(triage_quality.ROOT) / "bench"
                                        / "triage_extra167_labels.jsonl").open())
    assert triage_quality.majority_labels([str(tmp_path / "dev_issues.jsonl")]) == {}
