"""The import graph: re-exports followed to the defining module, registries, fallbacks."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness.verify import imports
from tests.testing.repos import write_files

FILES = {
    "src/pkg/__init__.py": """\
        from .core import Engine
        from .tuners import LoraConfig
        from . import helpers

        __version__ = "1.0"
        """,
    "src/pkg/core.py": "from .util import clamp\n\n\nclass Engine:\n    pass\n",
    "src/pkg/util.py": "def clamp(x):\n    return x\n",
    "src/pkg/helpers.py": "from pkg.util import *\n",
    "src/pkg/tuners/__init__.py": """\
        from .lora import LoraConfig
        from .plain import PlainConfig
        """,
    "src/pkg/tuners/lora/__init__.py": """\
        from .config import LoraConfig
        from .model import LoraModel

        register("lora", LoraConfig, LoraModel)
        """,
    "src/pkg/tuners/lora/config.py": "class LoraConfig:\n    pass\n",
    "src/pkg/tuners/lora/model.py": "from .layer import Layer\n\n\nclass LoraModel:\n    pass\n",
    "src/pkg/tuners/lora/layer.py": "class Layer:\n    pass\n",
    "src/pkg/tuners/plain/__init__.py": "from .config import PlainConfig\n",
    "src/pkg/tuners/plain/config.py": "class PlainConfig:\n    pass\n",
    "src/pkg/broken.py": "def oops(:\n",
    "tests/__init__.py": "",
    "tests/helpers_for_tests.py": "from pkg import Engine\n",
    "tests/test_engine.py": "from .helpers_for_tests import Engine\n",
    "tests/test_lora.py": "from pkg import LoraConfig\n",
    "tests/test_plain.py": "from pkg.tuners import PlainConfig\n",
    "tests/test_version.py": "from pkg import __version__\n",
    "tests/test_unknown.py": "from pkg.tuners import Nope\n",
    "tests/test_broken.py": "def test():\n    from pkg.broken import oops\n",
    "tests/test_star.py": "import pkg.helpers\n",
}


def deps(tmp_path: Path, test: str) -> set[str]:
    write_files(tmp_path, FILES)
    graph = imports.build(tmp_path, [("src/pkg", "src"), ("tests", "")])
    return set(imports.dependencies(graph, test))


def test_reexport_is_followed_to_the_defining_module(tmp_path: Path) -> None:
    found = deps(tmp_path, "tests/test_engine.py")
    assert {"tests/helpers_for_tests.py", "src/pkg/core.py", "src/pkg/util.py",
            "src/pkg/__init__.py"} <= found
    assert "src/pkg/tuners/lora/layer.py" not in found  # not all of the package


def test_a_registering_init_counts_in_full(tmp_path: Path) -> None:
    found = deps(tmp_path, "tests/test_lora.py")
    assert {"src/pkg/tuners/lora/config.py", "src/pkg/tuners/lora/__init__.py",
            "src/pkg/tuners/lora/model.py", "src/pkg/tuners/lora/layer.py"} <= found
    assert "src/pkg/tuners/plain/config.py" not in found
    plain = deps(tmp_path, "tests/test_plain.py")
    assert "src/pkg/tuners/plain/config.py" in plain
    assert "src/pkg/tuners/lora/layer.py" not in plain


def test_names_defined_in_an_init_do_not_pull_its_imports(tmp_path: Path) -> None:
    assert deps(tmp_path, "tests/test_version.py") == {"src/pkg/__init__.py"}


def test_unresolved_name_depends_on_the_whole_package(tmp_path: Path) -> None:
    found = deps(tmp_path, "tests/test_unknown.py")
    assert "src/pkg/tuners/lora/layer.py" in found and "src/pkg/tuners/plain/config.py" in found


def test_a_name_a_lazy_init_finds_at_run_time_is_its_defining_module(tmp_path: Path) -> None:
    """transformers' root ``__init__`` finds its models' names at run time
    (``define_import_structure``); at a4d6229197 ``models/__init__.py`` did not list
    pe_audio_video, so ``from transformers import PeAudioVideoEncoderConfig`` resolved to
    nothing and its tests did not count as importing the model verify was asked about."""
    write_files(tmp_path, {
        "src/lazy/__init__.py": "import sys\nsys.modules[__name__] = object()\n",
        "src/lazy/models/__init__.py": "",
        "src/lazy/models/one/__init__.py": "",
        "src/lazy/models/one/configuration_one.py": "class OneConfig:\n    pass\n",
        "src/lazy/models/one/modeling_one.py": "class OneModel:\n    pass\n",
        "src/lazy/models/one/modular_one.py": "class OneModel:\n    pass\n",
        "src/lazy/models/two/modeling_two.py": "class TwoModel:\n    pass\n",
        "src/lazy/models/a.py": "class Common:\n    pass\n",
        "src/lazy/models/b.py": "class Common:\n    pass\n",
        "src/lazy/models/c.py": "class Common:\n    pass\n",
        "src/lazy/models/d.py": "class Common:\n    pass\n",
        "tests/test_one.py": "from lazy import OneConfig, OneModel\n",
        "tests/test_common.py": "from lazy import Common\n"})
    graph = imports.build(tmp_path, [("src/lazy", "src"), ("tests", "")])
    assert graph.deep["tests/test_one.py"] == {
        "src/lazy/models/one/configuration_one.py", "src/lazy/models/one/modeling_one.py",
        "src/lazy/models/one/modular_one.py"}
    assert graph.shallow["tests/test_one.py"] == {"src/lazy/__init__.py"}
    back = imports.importers(graph, ["src/lazy/models/one/modeling_one.py",
                                     "src/lazy/models/two/modeling_two.py"])
    assert set(back["src/lazy/models/one/modeling_one.py"]) == {"tests/test_one.py"}
    assert not back["src/lazy/models/two/modeling_two.py"]
    # defined in more than DEFINERS modules: no telling which, the whole package as before
    assert graph.deep["tests/test_common.py"] == {"src/lazy/__init__.py"}


def test_unparsable_module_and_function_level_imports_still_count(tmp_path: Path) -> None:
    assert "src/pkg/broken.py" in deps(tmp_path, "tests/test_broken.py")


def test_star_import_and_path_to(tmp_path: Path) -> None:
    write_files(tmp_path, FILES)
    graph = imports.build(tmp_path, [("src/pkg", "src"), ("tests", "")])
    via = imports.dependencies(graph, "tests/test_star.py")
    assert imports.path_to(via, "tests/test_star.py", "src/pkg/util.py") == [
        "tests/test_star.py", "src/pkg/helpers.py", "src/pkg/util.py"]


def test_parsed_modules_are_cached_by_content(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    write_files(tmp_path, {"src/pkg/__init__.py": "", "src/pkg/a.py": "x = 1\n",
                           "src/pkg/b.py": "from pkg.a import x\n",
                           "tests/test_b.py": "import pkg.b\n"})
    sources = [("src/pkg", "src"), ("tests", "")]
    first = imports.build(tmp_path, sources)
    assert imports._cache_path().is_file()
    assert "src/pkg/a.py" in imports.dependencies(first, "tests/test_b.py")
    parsed: list[str] = []
    real = imports.parse_module
    monkeypatch.setattr(imports, "parse_module",
                        lambda root, rel, *a: parsed.append(str(rel)) or real(root, rel, *a))
    (tmp_path / "src/pkg/b.py").write_text("y = 2\n")  # no longer imports a
    second = imports.build(tmp_path, sources)
    assert parsed == ["src/pkg/b.py"]  # only what changed is parsed again
    assert "src/pkg/a.py" not in imports.dependencies(second, "tests/test_b.py")


def test_importers_is_dependencies_read_backwards(tmp_path: Path) -> None:
    """The backward search finds exactly the files whose forward search reaches the target,
    each with a chain as short as the forward one (shallow edges only as the last step)."""
    write_files(tmp_path, FILES)
    graph = imports.build(tmp_path, [("src/pkg", "src"), ("tests", "")])
    files = sorted(graph.by_path)
    forward = {f: imports.dependencies(graph, f) for f in files}
    every = imports.importers(graph, files)
    for target in files:
        back = every[target]
        assert set(back) == {f for f in files if target in forward[f]}, target
        for f, chain in back.items():
            assert chain[0] == f and chain[-1] == target
            assert len(chain) == len(imports.path_to(forward[f], f, target))
    # a shallow dependency is not followed further: util.py is not reached through the init
    assert "tests/test_version.py" in every["src/pkg/__init__.py"]
    assert "tests/test_version.py" not in every["src/pkg/util.py"]
