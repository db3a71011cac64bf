"""Names bound only when a backend is there: a failure that says "needs the backend"."""
from __future__ import annotations

from pathlib import Path

from harness.verify import guards

GUARDED = ("from .utils import is_vision_available\n\n"
           "if is_vision_available():\n    import PIL.Image\n\n"
           "    Resampling = PIL.Image.Resampling\n")


def message(path: Path) -> str:
    return (f"ImportError: cannot import name 'Resampling' from 'pkg.image_utils' ({path})")


def test_an_import_of_a_name_the_module_binds_only_under_a_guard(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    module = tree / "src/pkg/image_utils.py"
    module.parent.mkdir(parents=True)
    module.write_text(GUARDED)
    assert guards.needs(tree, "tests/test_x.py", message(module)) == \
        "needs the vision backend (not installed)"
    # bound in the else branch, or at the top level too: the name is there without it
    module.write_text(GUARDED + "else:\n    Resampling = None\n")
    assert guards.needs(tree, "tests/test_x.py", message(module)) is None
    module.write_text(GUARDED + "\nResampling = 1\n")
    assert guards.needs(tree, "tests/test_x.py", message(module)) is None
    # an installed package's module is not the tree's code
    outside = tmp_path / "site-packages/pkg/image_utils.py"
    outside.parent.mkdir(parents=True)
    outside.write_text(GUARDED)
    assert guards.needs(tree, "tests/test_x.py", message(outside)) is None
    assert guards.needs(tree, "tests/test_x.py", message(tree / "gone.py")) is None
