"""Fan-out: run one selection as N shards (on laptops or GitHub Actions) and merge them.

A run is split by :mod:`harness.shard` (``harness reproduce --shard K/N``, below this
package: a run's report carries its shard); ``merge`` joins the shards' reports into one,
``export_gha`` writes a GitHub Actions workflow that does both.
"""
