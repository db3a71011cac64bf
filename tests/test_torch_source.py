from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import torch_source
from harness.config import Settings, load_settings
from harness.torch_source import CPU_INDEX, TorchSource, resolve

INDEX = "https://wheels.example/torch"


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No torch or pip settings from the machine; an empty pip.conf of our own."""
    for var in ("HARNESS_TORCH_INDEX", "HARNESS_TORCH_FIND_LINKS", "PIP_FIND_LINKS"):
        monkeypatch.delenv(var, raising=False)
    conf = tmp_path / "pip.conf"
    conf.write_text("")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.setattr(torch_source, "has_nvidia_gpu", lambda: False)
    return conf


def test_default_without_gpu() -> None:
    src = resolve(Settings())
    assert src.index_url == CPU_INDEX and src.find_links == ()
    assert "no GPU" in src.origin


def test_default_with_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch_source, "has_nvidia_gpu", lambda: True)
    src = resolve(Settings())
    assert src == TorchSource(None, (), src.origin)
    assert "NVIDIA" in src.origin
    assert src.uv_args() == []
    assert src.describe().startswith("PyPI (")


def test_command_line_beats_everything(monkeypatch: pytest.MonkeyPatch, _clean_env: Path) -> None:
    monkeypatch.setenv("HARNESS_TORCH_INDEX", "https://env.example")
    monkeypatch.setenv("PIP_FIND_LINKS", "/pip/wheels")
    settings = Settings(torch_index="https://config.example")
    assert resolve(settings, index=INDEX) == TorchSource(INDEX, (), "command line")
    assert resolve(settings, find_links=("/cli",)) == TorchSource(None, ("/cli",),
                                                                  "command line")


def test_environment_beats_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_TORCH_FIND_LINKS", os.pathsep.join(["/a", "", "/b"]))
    monkeypatch.setenv("PIP_FIND_LINKS", "/pip/wheels")
    settings = Settings(torch_index="https://config.example", torch_find_links=("/c",))
    assert resolve(settings) == TorchSource(None, ("/a", "/b"), "environment")
    monkeypatch.setenv("HARNESS_TORCH_INDEX", INDEX)
    assert resolve(settings) == TorchSource(INDEX, ("/a", "/b"), "environment")


def test_empty_environment_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_TORCH_INDEX", "")
    monkeypatch.setenv("HARNESS_TORCH_FIND_LINKS", "")
    assert resolve(Settings(torch_index=INDEX)).origin == "config file"


def test_environment_find_links_url(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://download.pytorch.org/whl/torch_stable.html"
    monkeypatch.setenv("HARNESS_TORCH_FIND_LINKS", url)
    assert resolve(Settings()).find_links == (url,)


def test_config_file_beats_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIP_FIND_LINKS", "/pip/wheels")
    config = Path(os.environ["HARNESS_CONFIG"])
    config.write_text(f'[torch]\nindex = "{INDEX}"\nfind_links = "/opt/torch"\n')
    src = resolve(load_settings())
    assert src == TorchSource(INDEX, ("/opt/torch",), "config file")


def test_pip_find_links_env(monkeypatch: pytest.MonkeyPatch, _clean_env: Path) -> None:
    _clean_env.write_text("[global]\nfind-links = /from/conf\n")
    monkeypatch.setenv("PIP_FIND_LINKS", "/one  /two\n/three")
    assert torch_source.pip_find_links() == ("/one", "/two", "/three")
    assert resolve(Settings()) == TorchSource(None, ("/one", "/two", "/three"),
                                              "pip's find-links")


def test_pip_conf_find_links(_clean_env: Path) -> None:
    _clean_env.write_text("[global]\nindex-url = https://pypi.example\n"
                          "find-links =\n    /opt/wheels\n    https://w.example/links\n")
    assert torch_source.pip_find_links() == ("/opt/wheels", "https://w.example/links")
    src = resolve(Settings())
    assert src.index_url is None
    assert src.find_links == ("/opt/wheels", "https://w.example/links")
    assert src.origin == "pip's find-links"


def test_pip_conf_install_section_wins(_clean_env: Path) -> None:
    _clean_env.write_text("[install]\nfind-links = /install\n[global]\nfind-links = /global\n")
    assert torch_source.pip_find_links() == ("/install",)


def test_pip_conf_only_the_one_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "missing.conf"))
    assert torch_source.pip_find_links() == ()
    broken = tmp_path / "broken.conf"
    broken.write_text("find-links = /no/section\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(broken))
    assert torch_source.pip_find_links() == ()
    assert resolve(Settings()).index_url == CPU_INDEX


def test_uv_args_index() -> None:
    args = TorchSource(INDEX, (), "x").uv_args()
    assert args == ["--extra-index-url", INDEX, "--index-strategy", "unsafe-best-match"]


def test_uv_args_find_links() -> None:
    assert TorchSource(None, ("/a", "/b"), "x").uv_args() == [
        "--find-links", "/a", "--find-links", "/b"]
    both = TorchSource(INDEX, ("/a",), "x").uv_args()
    assert both[:2] == ["--find-links", "/a"]
    assert both[2:] == ["--extra-index-url", INDEX, "--index-strategy", "unsafe-best-match"]


def test_describe() -> None:
    text = TorchSource(INDEX, ("/a",), "config file").describe()
    assert text == f"index {INDEX}, find-links /a (config file)"
