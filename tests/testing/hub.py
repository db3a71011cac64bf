"""A local stand-in for the Hugging Face Hub's front door: answers any request, counts them."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Answer(BaseHTTPRequestHandler):
    status = 200

    def do_HEAD(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def local_hub(status: int = 200) -> Iterator[tuple[str, list[str]]]:
    """``(endpoint URL, paths requested)`` of a server answering every HEAD with ``status``."""
    handler = type("Answer", (_Answer,), {"status": status})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> str:
    """An endpoint on this machine that nothing listens on: a connection is refused at once."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
