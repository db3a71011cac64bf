"""Looking after the cache: ``harness gc`` (what can go, and bytes freed) and ``harness
doctor`` (is this machine ready, and what to fix)."""
