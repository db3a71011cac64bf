"""Verify a patch against a recipe's small-model tests: before and after, fixed and broken.

The steps, one module each:

* :mod:`harness.verify.diff` parses a unified diff into per-file parts;
* :mod:`harness.verify.change` turns ``--patch``, ``--commit`` or ``--pr`` into a
  :class:`~harness.verify.change.Change`; :mod:`harness.verify.mirror` fetches bases and
  history into the harness mirror;
* :mod:`harness.verify.worktrees` and :mod:`harness.verify.apply` apply it in two
  harness-owned worktrees (``git apply``, then ``git apply --3way``, then ``patch --fuzz``);
* :mod:`harness.verify.imports` and :mod:`harness.verify.select` pick the test files
  a change can affect (a reverse import graph at file level);
* :mod:`harness.verify.compare` classifies each test (fixed, broken, ...);
  :mod:`harness.verify.basecache` keeps the "before" run for the next patch;
* :mod:`harness.verify.core` runs the whole thing; :mod:`harness.verify.report` shows it.
"""
from __future__ import annotations
