"""A tiny web site on loopback for the tests of URL input (web app and command line)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

ARTICLE = (
    "<html><head><title>Riverside Park</title></head><body><nav>Home | News</nav><article>"
    "<h1>Riverside Park</h1>"
    + "<p>Every true patriot knows this reckless, disastrous plan must be stopped now. </p>" * 6
    + "</article><footer>Contact us</footer></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article")
            self.end_headers()
            return
        body = {"/article": ARTICLE, "/plain": "A true patriot speaks.", "/big": "x" * 50_000}
        data = body.get(self.path, "PNG" if self.path == "/image" else "").encode()
        kinds = {"/article": "text/html", "/image": "image/png"}
        kind = kinds.get(self.path, "text/plain")
        self.send_response(200 if data else 404)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def local_site() -> Iterator[tuple[str, list[str]]]:
    """A tiny web site on loopback; yields its base URL and the paths requested."""
    hits: ClassVar[list[str]] = []
    handler = type("Handler", (_Handler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
