"""A built site served on 127.0.0.1, from a thread, as the host serves it.

The one server of a finished build, for ``make linkcheck``, the browser tests,
``make screenshots`` and the benchmarks (``make serve``, which builds as it
serves, has its own in ``tools/preview_http.py``). An address the build does
not have is answered with the site's 404 page and the status 404, as the
host answers it. Why the standard library's server: a build is a folder of
static files, which it serves as they are, and it needs nothing installed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Where a build keeps its 404 page: dirhtml, then html.
NOT_FOUND_PAGES = ("404/index.html", "404.html")


class _SiteHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, headers: Mapping[str, str], **kwargs) -> None:
        self.extra_headers = headers
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the callers report what matters; a line per request is noise

    def send_error(self, code, message=None, explain=None) -> None:
        if code == 404:
            for name in NOT_FOUND_PAGES:
                page = Path(self.directory, name)
                if page.is_file():
                    body = page.read_bytes()
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                    return
        super().send_error(code, message, explain)


@contextmanager
def serve(outdir: Path, headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve *outdir* on 127.0.0.1 (a free port) and yield its base URL.

    *headers* are sent with every answer.
    """
    handler = functools.partial(_SiteHandler, headers=headers or {}, directory=str(outdir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop to look again: every 0.05 s, not 0.5 s.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
