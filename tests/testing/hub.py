"""A local stand-in for the Hugging Face Hub's front door: answers any request, counts them."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


class _Answer(BaseHTTPRequestHandler):
    status = 200
    requests: ClassVar[list[str]] = []

    def do_HEAD(self) -> None:
        self.requests.append(self.path)
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The base URL of a local server of ``handler``'s answers, on a free port, for the
    block's length."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def local_hub(status: int = 200) -> Iterator[tuple[str, list[str]]]:
    """``(endpoint URL, paths requested)`` of a server answering every HEAD with ``status``."""
    requests: list[str] = []
    handler = type("Answer", (_Answer,), {"status": status, "requests": requests})
    with serving(handler) as url:
        yield url, requests


def closed_port() -> str:
    """An endpoint on this machine that nothing listens on: a connection is refused at once."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
