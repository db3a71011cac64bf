"""Triage: rank a repository's open issues by how well they suit a beginner on a laptop.

Issues come from a GitHub sync (:mod:`.github_sync`) or from ``gh issue list --json``
(:mod:`.gh_import`) into the store (:mod:`.issues`); everything after that works offline.
:mod:`.features` reads an issue, :mod:`.scoring` weighs what it found, :mod:`.suggest`
says which tests to run, and :mod:`.report` prints the result.
"""
