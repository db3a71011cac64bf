"""The docker backend on a real engine: image builds, runs in containers, faults.

The tiny target's dependency files carry a token unique to this test session, so the first
test really builds; the image is shared by the tests that follow and removed at the end.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import results
from harness.envs import docker_base, docker_build, docker_engine
from harness.envs.docker import list_images, remove_image
from harness.errors import HarnessError
from harness.progress import Ui
from harness.reproduce import Options, reproduce
from tests.testing.repos import REACHES_OUT, TINY_TARGET, commit, make_repo, tiny_recipe

pytestmark = pytest.mark.xdist_group("docker")  # one worker: builds share the engine
# the recipes these tests build images of, removed at the end (each name's image key starts so)
RECIPES = ("dtiny-", "dslow-", "dnet-", "dlate-")
TOKEN = secrets.token_hex(4)
ROOT = Path(__file__).resolve().parents[2]

IN_CONTAINER_TEST = """\
import os
import pathlib


def test_in_a_container_without_network():
    assert pathlib.Path("/.dockerenv").exists()
    assert sorted(os.listdir("/sys/class/net")) == ["lo"]  # --network none
    assert os.getuid() == int(os.environ["EXPECTED_UID"])
    cpu = pathlib.Path("/sys/fs/cgroup/cpu.max")
    if cpu.exists():  # cgroup v2: the subset's 1 worker x 1 thread
        quota, period = cpu.read_text().split()
        assert int(quota) // int(period) == 1
    out = pathlib.Path(os.environ["HARNESS_SELECTED"]).with_name("written-by-test.txt")
    out.write_text("hello")
"""


def target(*, slow_setup: bool = False) -> dict[str, str]:
    files = dict(TINY_TARGET)
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'version = "1.0"', f'version = "1.0"\ndescription = "docker test {TOKEN}"')
    files["tests/test_container.py"] = IN_CONTAINER_TEST
    if slow_setup:  # the build sleeps while SLOW is in the checkout
        files["setup.py"] = ("import os\nimport time\n\nfrom setuptools import setup\n\n"
                             "if os.path.exists('SLOW'):\n    time.sleep(120)\nsetup()\n")
        files["SLOW"] = ""
    return files


def recipe_for(tmp_path: Path, name: str, repo: Path) -> Path:
    return tiny_recipe(tmp_path / "recipes" / f"{name}.toml", str(repo),
                       extra=f'EXPECTED_UID = "{os.getuid()}"')


def run(recipe: Path, base: str, **kwargs: Any) -> dict[str, Any]:
    """The report's JSON document."""
    report = reproduce(Options(recipe=str(recipe), backend="docker", base_image=base, **kwargs),
                       Ui(quiet=True))
    doc: dict[str, Any] = report.to_json()
    return doc


def harness_cmd(recipe: Path, base: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "harness", "reproduce", str(recipe), "--backend", "docker",
            "--base-image", base, "-q", *args]


def owned(engine: Any, pid: int, running: bool = False) -> list[str]:
    """Ids of the containers the harness process ``pid`` made (all, or the running ones)."""
    owner = f"{docker_engine.OWNER}={docker_engine.owner().rpartition(':')[0]}:{pid}"
    filters = {"label": owner, **({"status": "running"} if running else {})}
    return [c.id for c in engine.containers.list(all=True, sparse=True, filters=filters)]


def wait_for(check: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def test_the_docker_tests_share_one_worker(request: pytest.FixtureRequest) -> None:
    """Under ``--dist loadgroup`` this module runs on one worker: its image cleanup would
    remove the images another worker's test is using (pytest 9.2 silently broke the
    grouping: pytest-dev/pytest-xdist#1386)."""
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith("@docker"), request.node.nodeid


@pytest.fixture(scope="module", autouse=True)
def _remove_images_afterwards() -> Iterator[None]:
    yield
    try:
        images = [i for i in list_images() if i.env_key.startswith(RECIPES)]
    except HarnessError:
        return  # no engine: nothing was built
    client = docker_engine.connect()
    for image in images:
        # a container stopped by an earlier test may still be on its way out
        wait_for(lambda tag=image.tag: not client.containers.list(
            all=True, filters={"ancestor": tag}), timeout=60)
        remove_image(image.tag)


def test_reproduce_builds_once_runs_offline_as_the_caller(tmp_path: Path, base_image: str
                                                          ) -> None:
    repo = make_repo(tmp_path / "src", target())
    recipe = recipe_for(tmp_path, "dtiny", repo)
    first = run(recipe, base_image)
    assert first["status"] == "passed", first.get("reason")
    assert first["counts"]["passed"] == 6
    assert first["env_built"] is True
    assert first["backend"] == "docker"
    run_dir = Path(str(first["log"])).parent
    assert (run_dir / "written-by-test.txt").read_text() == "hello"
    home = Path(os.environ["HARNESS_HOME"])
    for path in [*run_dir.rglob("*"), *(home / "docker").rglob("*"), *home.glob("worktrees/**/*")]:
        assert path.lstat().st_uid == os.getuid(), f"{path} is not the caller's"

    second = run(recipe, base_image)
    assert second["status"] == "passed"
    assert second["env_built"] is False
    assert second["env_key"] == first["env_key"]

    images = {i.env_key: i for i in list_images()}
    image = images[str(first["env_key"])]
    assert image.tag == f"harness-env:{first['env_key']}"
    assert image.size > 0
    import docker

    labels = docker.from_env().images.get(image.tag).labels
    spec = json.loads(labels["harness.spec"])
    assert spec["recipe"] == "dtiny"
    assert spec["runner"] == ["pytest", "pytest-xdist", "pytest-timeout"]
    assert labels["harness.python"].startswith("3.")
    # nothing of the build's environment (proxies, certificates) is baked into the image
    baked = docker.from_env().images.get(image.tag).attrs["Config"]["Env"]
    assert not [v for v in baked if v.split("=")[0] in ("SSL_CERT_FILE", "PYTHONDONTWRITEBYTECODE",
                                                         "UV_LINK_MODE", "HTTPS_PROXY")]
    pycache = home / "docker" / str(first["env_key"]) / "pycache"
    assert list(pycache.rglob("*.pyc")), "runs keep their .pyc on the host"


def test_online_runs_on_the_host_network(tmp_path: Path, base_image: str,
                                         hub: list[str]) -> None:
    files = {**target(), "tests/test_net.py": REACHES_OUT}
    recipe = recipe_for(tmp_path, "dnet", make_repo(tmp_path / "src", files))
    online = run(recipe, base_image, tests=("tests/test_net.py",), online=True)
    assert [t["outcome"] for t in online["tests"]] == ["passed"], online.get("reason")
    offline = run(recipe, base_image, tests=("tests/test_net.py",))
    assert [t["outcome"] for t in offline["tests"]] == ["failed"]  # --network none


def test_ctrl_c_stops_and_removes_the_run_container(tmp_path: Path, engine: Any,
                                                    base_image: str) -> None:
    repo = make_repo(tmp_path / "src", target())
    commit(repo, {"tests/test_sleep.py": "import time\n\n\ndef test_sleeps():\n"
                                         "    time.sleep(120)\n"}, tag="v2.0")
    recipe = recipe_for(tmp_path, "dtiny", repo)
    child = subprocess.Popen(harness_cmd(recipe, base_image, "--ref", "v2.0"), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: owned(engine, child.pid, running=True), 300)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert owned(engine, child.pid) == []


def test_a_run_past_its_time_limit_keeps_the_messages_of_what_ended(tmp_path: Path,
                                                                   base_image: str) -> None:
    """The container's pytest gets SIGINT at the subset's run_timeout, as the venv backend's
    does, and writes its JUnit report; killed at once, only the outcomes it printed were
    left, a failure's message lost."""
    repo = make_repo(tmp_path / "src", target())
    commit(repo, {"tests/test_late.py": "import time\n\n\ndef test_fails():\n"
                                        "    assert 1 == 2, 'the message kept'\n\n\n"
                                        "def test_sleeps():\n    time.sleep(300)\n"}, tag="v2.0")
    subsets = ('[subsets.all]\npaths = ["tests/test_late.py"]\nworkers = 1\nthreads = 1\n'
               'timeout = 600\nrun_timeout = 20\n')
    recipe = tiny_recipe(tmp_path / "recipes" / "dlate.toml", str(repo), subsets=subsets)
    started = time.monotonic()
    doc = run(recipe, base_image, ref="v2.0")
    assert time.monotonic() - started < 240
    tests = {t["id"].rpartition("::")[2]: t for t in doc["tests"]}
    assert tests["test_fails"]["outcome"] == "failed"
    assert "the message kept" in tests["test_fails"]["message"]
    assert tests["test_sleeps"]["message"] == results.TIME_LIMIT_MESSAGE
    assert "stopped after 20s" in Path(str(doc["log"])).read_text()


def test_killed_build_is_never_reused(tmp_path: Path, engine: Any, base_image: str) -> None:
    repo = make_repo(tmp_path / "src", target(slow_setup=True))
    recipe = recipe_for(tmp_path, "dslow", repo)
    child = subprocess.Popen(harness_cmd(recipe, base_image), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: owned(engine, child.pid, running=True), 120)
        time.sleep(3)  # into the install: setup.py sleeps
    finally:
        child.kill()  # SIGKILL: nothing can clean up
        child.wait()
    assert owned(engine, child.pid)  # the build container outlives it
    assert not [i for i in list_images() if i.env_key.startswith("dslow-")]

    (repo / "SLOW").unlink()
    commit(repo, {}, message="drop SLOW", tag="v2.0")
    doc = run(recipe, base_image, ref="v2.0")
    assert doc["status"] == "passed", doc.get("reason")
    assert doc["env_built"] is True  # built again, not the killed one reused
    assert owned(engine, child.pid) == []  # the leftover container was reaped


def test_missing_base_image_says_how_to_get_one(engine: Any) -> None:
    with pytest.raises(HarnessError) as e:
        docker_base.resolve(engine, f"harness-test-absent-{TOKEN}:nope")
    assert "is not here and pulling it failed" in e.value.message
    assert "\n" not in e.value.message
    assert "--base-image" in (e.value.hint or "")
    assert "debootstrap" in (e.value.hint or "")


def test_engine_faults_are_one_line_with_the_fix(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = recipe_for(tmp_path, "dtiny", repo)
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no.sock")
    cmd = harness_cmd(recipe, "whatever:1")

    def error(env: dict[str, str]) -> str:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env,
                             check=False)
        assert out.returncode == 2, out.stderr
        return out.stderr

    text = error(dict(os.environ))
    if any(os.path.exists(f"{d}/dockerd") for d in os.environ["PATH"].split(":")):
        assert "the Docker daemon is not running" in text
        assert "dockerd" in text
    bin_dir = tmp_path / "bin"  # git and python, but no docker
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    no_docker = dict(os.environ, PATH=f"{bin_dir}:{Path(sys.executable).parent}")
    text = error(no_docker)
    assert "Docker is not installed" in text
    assert "apt-get install docker.io" in text

    import socket  # a socket nobody listens on: connection refused

    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "no.sock"))
    try:
        assert "the Docker daemon is not running" in error(dict(os.environ))
    finally:
        sock.close()


def test_permission_denied_on_the_socket(engine: Any) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to run as another user")
    sock = "/var/run/docker.sock"
    if not os.path.exists(sock) or os.stat(sock).st_mode & 0o006:
        pytest.skip(f"{sock} is missing or open to everyone")
    code = ("from harness.envs import docker_engine\n"
            "from harness.errors import HarnessError\n"
            "try:\n    docker_engine.connect()\n"
            "except HarnessError as e:\n    print(e.message, '|', e.hint)\n")
    out = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "DOCKER_HOST": f"unix://{sock}"},
                         check=False)
    if "Permission denied" in out.stderr and "docker_engine" not in out.stderr:
        pytest.skip(f"this checkout is not readable by nobody: {out.stderr[-200:]}")
    assert "permission denied on the Docker socket" in out.stdout, out.stderr
    assert "usermod -aG docker" in out.stdout


def test_build_gets_trust_proxy_and_wheel_folders(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.envs.spec import EnvSpec
    from harness.recipes import Install
    from harness.torch_source import TorchSource

    cert = tmp_path / "corp-ca.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("PIP_CERT", str(cert))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("no_proxy", "localhost,.corp")
    monkeypatch.setenv("UV_INDEX_URL", "https://pypi.corp/simple")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    spec = EnvSpec("t", Install(), tmp_path, "python3", "3.11.2",
                   TorchSource(None, (str(wheels),), "test"))
    inputs = docker_build.build_inputs(spec, tmp_path / "spec", "amd64")
    env = inputs.environment
    assert env["SSL_CERT_FILE"] == env["PIP_CERT"] == "/harness/certs/0.pem"
    assert env["HTTPS_PROXY"] == "http://proxy.corp:3128"
    assert env["no_proxy"] == "localhost,.corp"
    assert env["UV_INDEX_URL"] == "https://pypi.corp/simple"
    binds = {b.target: b for b in inputs.binds}
    assert binds["/harness/certs/0.pem"].source == str(cert.resolve())
    assert binds["/harness/certs/0.pem"].read_only
    i = inputs.source_args.index("--find-links")
    inside = inputs.source_args[i + 1]
    assert binds[inside].source == str(wheels.resolve()) and binds[inside].read_only
    assert binds["/harness/project"].source == str(tmp_path)


def test_cuda_runs_get_the_gpus_or_say_why_not(tmp_path: Path, engine: Any,
                                               base_image: str) -> None:
    from harness.envs.base import Env, RunRequest
    from harness.envs.docker import DockerBackend

    key = f"gpu-check-{TOKEN}"
    engine.images.get(base_image).tag(docker_engine.REPOSITORY, key)
    try:
        env = Env(key, tmp_path / "env", Path("/usr/bin/python3"), "docker", False)
        request = RunRequest(["-c", "import os; assert os.path.exists('/dev/nvidiactl')"],
                             tmp_path, {}, tmp_path / "log", device="cuda")
        backend = DockerBackend(base_image)
        if "nvidia" not in (engine.info().get("Runtimes") or {}):
            with pytest.raises(HarnessError) as e:
                backend.run(env, request)
            assert "nvidia-container-toolkit" in (e.value.hint or "")
            pytest.skip("the engine has no nvidia runtime: checked its error line only")
        assert backend.run(env, request) == 0, request.log_path.read_text()
    finally:
        engine.images.remove(f"{docker_engine.REPOSITORY}:{key}")


def test_an_env_image_a_container_uses_is_left_alone_in_one_line(tmp_path: Path, engine: Any,
                                                                 base_image: str) -> None:
    tag = f"{docker_engine.REPOSITORY}:inuse-{TOKEN}"
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nLABEL {docker_engine.KIND}=env\n")
    engine.images.build(path=str(tmp_path), tag=tag, rm=True)
    container = engine.containers.create(tag, ["true"])
    try:
        with pytest.raises(HarnessError, match="in use by a container; left alone"):
            remove_image(tag)
    finally:
        container.remove(force=True)
    remove_image(tag)  # once the container is gone
    assert not engine.images.list(name=tag)
