"""The HTTP side of the live preview (``tools/serve.py``): what it serves, and to whom.

* :class:`LocalOnly` answers only requests addressed to the preview itself;
* :class:`SiteFiles` serves the built site and nothing else of the output
  directory, and the site's own 404 page for an address it does not have;
* :class:`WarningBanner` shows the last build's warnings at the top of every
  page served (the built files are left as they are).

Starlette's ``TrustedHostMiddleware`` is not used for the first: it ignores the
port, and a page served by another program on this machine is as foreign as
one on another host.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policy_core import html_templates
from tools.myst_notice import display_path

# uvicorn answers a websocket closed before it is accepted with 403 Forbidden.
POLICY_VIOLATION = 1008
# Request headers that would let the browser keep a page served before the
# warnings changed: the banner is not part of the file, so its date says nothing.
CONDITIONAL = {b"if-none-match", b"if-modified-since"}
BODY_TAG = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Problem:
    """A warning of the last build: where (``path:line``, or empty) and what."""

    location: str
    message: str

    @property
    def where(self) -> str:
        """The location, its path relative to the working directory when under it."""
        head, _, line = self.location.rpartition(":")
        path = head if line.isdigit() else self.location
        return display_path(path) + self.location[len(path):]

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.location else self.message


@functools.cache
def _banner_template():
    # Loaded once: every page served writes the box anew.
    return html_templates.environment(TEMPLATES).get_template("preview-warnings.html")


def banner(problems: list[Problem]) -> bytes:
    """The box listing *problems* (``templates/preview-warnings.html``, every text
    escaped); empty when there are none."""
    return _banner_template().render(problems=problems).encode() if problems else b""


class LocalOnly:
    """Refuses any request whose ``Host`` is not this server (400), or websocket (403).

    A browser sends the name it resolved in ``Host``: a web page whose name was
    made to resolve to 127.0.0.1 (DNS rebinding) sends its own name, and a
    websocket opened by another site's page sends that site as ``Origin``.
    """

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = Headers(scope=scope)
            allowed = headers.get("host", "").lower() in self.hosts
            if scope["type"] == "websocket":
                origin = headers.get("origin")
                allowed = allowed and (origin is None or origin.lower() in self.origins)
                if not allowed:
                    await send({"type": "websocket.close", "code": POLICY_VIOLATION})
                    return
            elif not allowed:
                response = PlainTextResponse("Not this server.\n", status_code=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SiteFiles(StaticFiles):
    """The output directory as the site: no hidden file or folder, nothing outside it.

    An address the site does not have is answered as the host answers it: the
    site's 404 page, with the status 404 (Starlette's own fallback looks for a
    ``404.html`` the ``dirhtml`` build does not write). *not_found_page* gives
    that page's file, or None while there is none.
    """

    def __init__(self, *, not_found_page: Callable[[], Path | None], **options) -> None:
        super().__init__(**options)
        self.not_found_page = not_found_page

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            page = self.not_found_page()
            if error.status_code != 404 or page is None or not page.is_file():
                raise
            return FileResponse(page, status_code=404)

    def lookup_path(self, path: str):
        parts = PurePosixPath(path.replace("\\", "/")).parts
        if any(part.startswith(".") for part in parts):
            return "", None
        return super().lookup_path(path)


class WarningBanner:
    """Puts :func:`banner` of the current problems at the top of each HTML page served."""

    def __init__(self, app: ASGIApp, problems: Callable[[], list[Problem]]) -> None:
        self.app = app
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [
            (name, value) for name, value in scope["headers"] if name.lower() not in CONDITIONAL
        ]}
        box = banner(self.problems())
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_with_banner(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["Cache-Control"] = "no-store"
                    if box and scope["method"] == "GET":
                        start = message
                        return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                page = b"".join(chunks)
                tag = BODY_TAG.search(page)
                at = tag.end() if tag else 0
                body = page[:at] + box + page[at:]
                MutableHeaders(scope=start)["Content-Length"] = str(len(body))
                await send(start)
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await self.app(scope, receive, send_with_banner)
