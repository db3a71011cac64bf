"""Fan-out: run one selection as N shards (on laptops or GitHub Actions) and merge them.

``shard`` splits a run (``harness reproduce --shard K/N``), ``merge`` joins the shards'
reports into one, ``export_gha`` writes a GitHub Actions workflow that does both.
"""
