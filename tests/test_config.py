from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness import config
from harness.config import Settings, load_settings
from harness.errors import HarnessError


def write_config(text: str) -> Path:
    path = config.config_path()
    path.write_text(text)
    return path


def error_of(text: str) -> str:
    path = write_config(text)
    with pytest.raises(HarnessError) as e:
        load_settings()
    assert str(path) in str(e.value)
    return str(e.value)


def test_home_and_config_path_follow_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("HARNESS_CONFIG", str(tmp_path / "c.toml"))
    assert config.home() == tmp_path / "h"
    assert config.config_path() == tmp_path / "c.toml"
    monkeypatch.setenv("HARNESS_HOME", "~/somewhere")
    assert config.home() == Path(os.path.expanduser("~/somewhere"))


def test_missing_config_gives_defaults() -> None:
    assert not config.config_path().exists()
    assert load_settings() == Settings()


def test_full_config(tmp_path: Path) -> None:
    path = tmp_path / "explicit.toml"
    path.write_text('[sources]\npeft = "/srv/peft.git"\n'
                    '[torch]\nindex = "https://i.example"\nfind_links = ["/w1", "/w2"]\n')
    settings = load_settings(path)
    assert settings.sources == {"peft": "/srv/peft.git"}
    assert settings.torch_index == "https://i.example"
    assert settings.torch_find_links == ("/w1", "/w2")


def test_source_paths_are_expanded() -> None:
    write_config('[sources]\npeft = "~/mirrors/peft.git"\n'
                 'transformers = "https://mirror.example/transformers.git"\n')
    sources = load_settings().sources
    assert sources["peft"] == os.path.join(os.path.expanduser("~"), "mirrors", "peft.git")
    assert not sources["peft"].startswith("~")
    assert sources["transformers"] == "https://mirror.example/transformers.git"


def test_find_links_string_becomes_tuple() -> None:
    write_config('[torch]\nfind_links = "/opt/wheels"\n')
    assert load_settings().torch_find_links == ("/opt/wheels",)


def test_bad_toml_names_file() -> None:
    assert "not a readable TOML file" in error_of("[sources\npeft = 1\n")


def test_non_utf8_names_file() -> None:
    path = config.config_path()
    path.write_bytes(b'[sources]\npeft = "\xff\xfe"\n')
    with pytest.raises(HarnessError, match="not a readable TOML file") as e:
        load_settings()
    assert str(path) in str(e.value)


@pytest.mark.parametrize(("text", "problem"), [
    ('sources = "x"\n', "sources: expected a table of strings"),
    ("[sources]\npeft = true\n", "sources.peft: expected a string"),
    ('torch = "x"\n', "torch: expected a table"),
    ("[torch]\nindex = 3\n", "torch.index: expected a string"),
    ("[torch]\nfind_links = [1]\n", "torch.find_links: expected a list of non-empty strings"),
    ("[torch]\nfind_links = 5\n", "torch.find_links: expected a list of strings"),
    ("[torch]\nfind-links = ['/w']\n", "torch.find-links: unknown field; did you mean "
     "'find_links'?"),
    ("[source]\npeft = '/x'\n", "source: unknown field; did you mean 'sources'?"),
])
def test_bad_types_name_file_and_field(text: str, problem: str) -> None:
    assert problem in error_of(text)
