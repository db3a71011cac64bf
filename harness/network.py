"""Whether the Hugging Face Hub answers, asked once before a run whose tests may download.

``--online`` lets a subset's tests fetch the small checkpoints they load.  With no network,
each test then waits on huggingface_hub's timeouts and retries before it fails (75 of the 114
tests of diffusers' SD3 pipeline folder took 9 minutes here).  One request first, with a short
timeout, turns that into one line.  ``HF_ENDPOINT`` (the recipe's or the caller's) names
another Hub, as it does for the tests; proxies are read from the usual variables.
"""
from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping

from harness.errors import HarnessError

log = logging.getLogger("harness.network")

DEFAULT_ENDPOINT = "https://huggingface.co"
TIMEOUT = 10.0  # seconds: a Hub that answers does so in well under one
PROBE_TIMEOUT = 5.0  # seconds: for a caller that can go on without the Hub, or asks it early
# what to look at when the Hub does not answer, in every message that says so
CHECK = "check the network (a proxy: HTTPS_PROXY; another Hub: HF_ENDPOINT)"


def endpoint(env: Mapping[str, str]) -> str:
    """The Hub the tests will talk to: ``HF_ENDPOINT`` of the run's env, else the caller's."""
    url = env.get("HF_ENDPOINT") or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT
    return url.rstrip("/")


def unreachable(url: str, timeout: float = TIMEOUT) -> str | None:
    """Why the Hub at ``url`` does not answer, or None when it does (any HTTP status is an
    answer: an error page still says the network is there)."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", None) or e
        log.info("hub %s: no answer (%r)", url, reason)
        return str(reason)
    log.info("hub %s: answered %s", url, status)
    return None


def check_hub(env: Mapping[str, str], timeout: float = TIMEOUT) -> None:
    """Raise a one-line error unless the Hub the run's tests will talk to answers."""
    url = endpoint(env)
    if (reason := unreachable(url, timeout)) is not None:
        raise HarnessError(
            f"--online: the Hub at {url} does not answer ({reason})",
            hint=f"its tests would each wait on a download; {CHECK}, or run without --online")
