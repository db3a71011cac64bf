"""harness: reproduce, verify and triage Hugging Face libraries' tests on a laptop."""
from __future__ import annotations

__version__ = "0.1.0"
