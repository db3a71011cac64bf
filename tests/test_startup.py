"""Every harness command builds the whole command line first: that imports no module only
some commands use (the GitHub client, verify's test selection, triage's scoring).  With
them, `harness --version` took 0.45 s and `harness triage` on 10,000 stored issues 1.99 s;
without, 0.13 s and 1.76 s."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("github", "requests", "harness.verify.select", "harness.triage.rank",
         "harness.triage.scoring")


def test_building_the_command_line_imports_no_command_s_own_modules() -> None:
    code = ("import sys, harness.cli; harness.cli.make_parser(); "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.split() == []
