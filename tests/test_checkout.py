from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness import checkout, config
from harness.errors import HarnessError
from tests.testing.repos import TINY_TARGET, commit, git, make_repo

BIG = "0123456789abcdef" * 20000  # 320 kB, added after v1


@pytest.fixture
def src(tmp_path: Path) -> Path:
    """A source repository: v1 (the tiny target), then v2 adding a big file."""
    repo = make_repo(tmp_path / "src", TINY_TARGET, tag="v1")
    commit(repo, {"big.bin": BIG}, "add a big file", tag="v2")
    return repo


def as_path(repo: Path) -> str:
    return str(repo)


def as_file_url(repo: Path) -> str:
    return repo.as_uri()


URLS: dict[str, Callable[[Path], str]] = {"path": as_path, "file-url": as_file_url}


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def present_objects(mirror: Path) -> set[str]:
    """Objects stored in the mirror (never fetches lazily, unlike ``cat-file -e``)."""
    out = git(mirror, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    return set(out.split())


def missing_objects(mirror: Path) -> set[str]:
    out = git(mirror, "rev-list", "--objects", "--all", "--missing=print")
    return {line[1:] for line in out.splitlines() if line.startswith("?")}


@pytest.mark.parametrize("kind", URLS)
def test_tag_checkout(src: Path, kind: str) -> None:
    url = URLS[kind](src)
    co = checkout.ensure("tiny", url, "v1")
    assert co.commit == git(src, "rev-parse", "v1^{commit}")
    assert co.ref == "v1" and co.url == url
    assert co.path == checkout.worktree_path(url, "v1", co.commit)
    assert co.path.is_relative_to(config.home() / "worktrees")
    assert co.mirror == checkout.mirror_path(url)
    assert files(co.path) == set(TINY_TARGET)
    assert (co.path / "src/tinytarget/text.py").read_text() == (src / "src/tinytarget/text.py"
                                                                ).read_text()
    assert git(co.path, "rev-parse", "HEAD") == co.commit
    assert (co.path.parent / (co.path.name + ".done")).read_text() == co.commit


def test_second_ensure_reuses_without_fetching(src: Path, tmp_path: Path) -> None:
    url = str(src)
    first = checkout.ensure("tiny", url, "v1")
    (first.path / "sentinel").write_text("still here")
    refs = git(first.mirror, "for-each-ref")
    src.rename(tmp_path / "gone")  # any fetch would now fail
    second = checkout.ensure("tiny", url, "v1")
    assert second == first
    assert (second.path / "sentinel").read_text() == "still here"
    assert git(first.mirror, "for-each-ref") == refs


def test_one_mirror_per_url(src: Path) -> None:
    a = checkout.ensure("tiny", str(src), "v1")
    b = checkout.ensure("tiny", str(src), "v2")
    c = checkout.ensure("tiny", src.as_uri(), "v1")
    assert a.mirror == b.mirror != c.mirror
    assert a.path != b.path
    assert a.commit == c.commit and a.path != c.path
    assert "big.bin" in files(b.path) and "big.bin" not in files(a.path)
    assert (a.mirror / "shallow").is_file()  # fetched shallow


def test_branch_checkout_follows_new_commits(src: Path) -> None:
    first = checkout.ensure("tiny", str(src), "main")
    assert first.commit == git(src, "rev-parse", "main")
    assert first.path.name.startswith("main-")
    new = commit(src, {"later.txt": "later"})
    second = checkout.ensure("tiny", str(src), "main")
    assert second.commit == new != first.commit
    assert "later.txt" in files(second.path)
    assert "later.txt" not in files(first.path)


def test_full_sha_checkout(src: Path) -> None:
    sha = git(src, "rev-parse", "v1")  # not the tip of any branch
    co = checkout.ensure("tiny", str(src), sha)
    assert co.commit == sha
    assert co.path.name == f"{sha}-{sha[:12]}"
    assert files(co.path) == set(TINY_TARGET)


def test_full_sha_fetch_is_shallow(src: Path) -> None:
    parent = git(src, "rev-parse", "v1")
    sha = git(src, "rev-parse", "v2")
    commit(src, {"later.txt": "later"})  # v2 is no branch tip
    co = checkout.ensure("tiny", str(src), sha)
    assert co.commit == sha
    present = present_objects(co.mirror)
    assert sha in present
    assert parent not in present  # depth 1: the history stays behind
    assert git(co.mirror, "rev-parse", f"refs/harness/commits/{sha}") == sha



def test_a_short_sha_of_a_local_source_is_its_commit(src: Path, tmp_path: Path) -> None:
    """``--ref decba1d2ea`` with a local fork as ``--source``: git fetches whole shas only,
    and harness said "not found"."""
    sha = git(src, "rev-parse", "v1")
    co = checkout.ensure("tiny", str(src), sha[:10])
    assert co.commit == sha
    remote = URLS["file-url"](src)  # a URL: nothing to resolve it in
    with pytest.raises(HarnessError) as e:
        checkout.ensure("tiny", remote, sha[:10])
    assert "give all 40 characters" in (e.value.hint or "")

@pytest.mark.parametrize("kind", URLS)
def test_pull_request_ref(src: Path, tmp_path: Path, kind: str) -> None:
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(src), str(bare))
    pr = commit(src, {"pr.txt": "from a fork"}, "a pull request")
    git(src, "push", "-q", str(bare), "HEAD:refs/pull/7/head")
    co = checkout.ensure("tiny", URLS[kind](bare), "refs/pull/7/head")
    assert co.commit == pr
    assert (co.path / "pr.txt").read_text() == "from a fork"
    assert git(co.mirror, "rev-parse", "refs/harness/pull/7/head") == pr


@pytest.mark.parametrize("ref", ["nope", "refs/pull/8/head", "a" * 40])
def test_missing_ref(src: Path, ref: str) -> None:
    with pytest.raises(HarnessError) as e:
        checkout.ensure("tiny", str(src), ref)
    assert str(e.value) == f"ref {ref!r} not found in {src}"
    assert not (config.home() / "worktrees").exists() or not any(
        (config.home() / "worktrees").rglob("*.done"))


def test_nonexistent_source_path(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="does not exist"):
        checkout.resolve_url("tiny", str(tmp_path / "nowhere"))


def test_file_url_to_a_non_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(HarnessError) as e:
        checkout.ensure("tiny", plain.as_uri(), "v1")
    assert str(e.value).startswith(f"cannot fetch from {plain.as_uri()}: ")
    assert e.value.hint and "--source" in e.value.hint


def test_cannot_fetch_says_why(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(HarnessError) as e:
        checkout.ensure("tiny", plain.as_uri(), "v1")
    assert "does not appear to be a git repository" in str(e.value)
    assert not str(e.value).endswith("'")


def test_sparse_checkout(src: Path) -> None:
    co = checkout.ensure("tiny", str(src), "v2", sparse=("/src/",))
    assert files(co.path) == {p for p in TINY_TARGET if p.startswith("src/")}
    assert not (co.path / "tests").exists()
    assert not (co.path / "big.bin").exists()


def test_mirror_is_partial(src: Path) -> None:
    big_blob = git(src, "rev-parse", "v2:big.bin")
    co = checkout.ensure("tiny", str(src), "v1")
    present = present_objects(co.mirror)
    assert git(src, "rev-parse", "v1:src/tinytarget/text.py") in present  # checked out
    assert big_blob not in present
    assert git(src, "rev-parse", "v2") not in present  # the later commit was not fetched


def test_sparse_checkout_leaves_blobs_behind(src: Path) -> None:
    big_blob = git(src, "rev-parse", "v2:big.bin")
    co = checkout.ensure("tiny", str(src), "v2", sparse=("/src/",))
    # the commit and its trees are there, the blobs outside the sparse paths are not
    assert git(src, "rev-parse", "v2^{tree}") in present_objects(co.mirror)
    assert big_blob in missing_objects(co.mirror)
    assert git(src, "rev-parse", "v2:tests/test_text.py") in missing_objects(co.mirror)
    assert big_blob not in present_objects(co.mirror)


def test_mirror_still_works_after_a_sparse_checkout(src: Path) -> None:
    checkout.ensure("tiny", str(src), "v1", sparse=("/src/",))
    new = commit(src, {"later.txt": "later"}, tag="v3")
    co = checkout.ensure("tiny", str(src), "v3")
    assert co.commit == new
    assert files(co.path) == {*TINY_TARGET, "big.bin", "later.txt"}  # not sparse itself


def test_unfinished_worktree_is_recreated(src: Path) -> None:
    co = checkout.ensure("tiny", str(src), "v1")
    done = co.path.parent / (co.path.name + ".done")
    done.unlink()  # killed between `worktree add` and the marker
    (co.path / "half-done").write_text("x")
    (co.path / "pyproject.toml").unlink()
    again = checkout.ensure("tiny", str(src), "v1")
    assert again.path == co.path
    assert done.read_text() == co.commit
    assert files(again.path) == set(TINY_TARGET)


def test_unregistered_leftover_dir_is_replaced(src: Path) -> None:
    co = checkout.ensure("tiny", str(src), "v1")
    done = co.path.parent / (co.path.name + ".done")
    done.unlink()
    git(co.mirror, "worktree", "remove", "--force", str(co.path))
    co.path.mkdir()
    (co.path / "junk").write_text("not a worktree")
    again = checkout.ensure("tiny", str(src), "v1")
    assert files(again.path) == set(TINY_TARGET)
    assert done.exists()


def test_marker_without_worktree_is_recreated(src: Path) -> None:
    co = checkout.ensure("tiny", str(src), "v1")
    import shutil

    shutil.rmtree(co.path)  # the worktree dir was deleted by hand
    again = checkout.ensure("tiny", str(src), "v1")
    assert files(again.path) == set(TINY_TARGET)


def write_config(text: str) -> None:
    config.config_path().write_text(text)


def test_resolve_url_order(tmp_path: Path) -> None:
    recipe_src = make_repo(tmp_path / "recipe-src", {"a": "1"})
    configured = make_repo(tmp_path / "configured", {"a": "2"})
    override = make_repo(tmp_path / "override", {"a": "3"})
    assert checkout.resolve_url("tiny", str(recipe_src)) == str(recipe_src.resolve())
    write_config(f'[sources]\ntiny = "{configured}"\n')
    assert checkout.resolve_url("tiny", str(recipe_src)) == str(configured.resolve())
    assert checkout.resolve_url("other", str(recipe_src)) == str(recipe_src.resolve())
    assert checkout.resolve_url("tiny", str(recipe_src), str(override)) == str(
        override.resolve())


def test_resolve_url_keeps_remote_urls(tmp_path: Path) -> None:
    for url in ("https://github.com/huggingface/peft.git", "git@github.com:huggingface/peft.git",
                "file:///some/where.git"):
        assert checkout.resolve_url("peft", url) == url
    write_config('[sources]\npeft = "https://mirror.example/peft.git"\n')
    assert checkout.resolve_url("peft", "https://github.com/huggingface/peft.git") == (
        "https://mirror.example/peft.git")


def test_resolve_url_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_repo(tmp_path / "rel", {"a": "1"})
    monkeypatch.chdir(tmp_path)
    assert checkout.resolve_url("x", "rel") == str((tmp_path / "rel").resolve())


def test_builtin_demo() -> None:

    url = checkout.resolve_url("demo", "builtin:demo")
    path = Path(url)
    assert path.is_relative_to(config.home() / "builtin")
    assert "v1.0.0" in git(path, "tag", "--list").split()
    assert checkout.resolve_url("demo", "builtin:demo") == url  # same content, same repo
    co = checkout.ensure("demo", url, "v1.0.0")
    assert (co.path / "pyproject.toml").is_file()
    assert co.commit == git(path, "rev-parse", "v1.0.0^{commit}")


def test_sparse_checkout_widens_for_paths_asked_later(src: Path) -> None:
    first = checkout.ensure("tiny", str(src), "v2", sparse=("/src/",))
    assert not (first.path / "tests").exists()
    again = checkout.ensure("tiny", str(src), "v2", sparse=("/src/", "/tests/test_text.py"))
    assert again.path == first.path
    assert (again.path / "tests" / "test_text.py").is_file()
    assert not (again.path / "tests" / "test_mathops.py").exists()
    assert (again.path / "src" / "tinytarget" / "text.py").is_file()


def test_git_never_runs_in_another_directory_than_asked(
        src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cwd that is gone (a mirror just removed) fails as `git -C` does; GitPython alone
    would run the command in this process's directory: the user's own checkout."""
    from harness import git as harness_git
    monkeypatch.chdir(src)
    gone = tmp_path / "removed-mirror.git"
    result = harness_git.run(["update-ref", "refs/harness/x", "HEAD"], cwd=gone, check=False)
    assert result.returncode == 128 and "cannot change to" in result.stderr
    assert git(src, "for-each-ref", "refs/harness") == ""
    with pytest.raises(harness_git.GitError):
        harness_git.run(["status"], cwd=gone)
