"""Live preview: serve the site on 127.0.0.1, rebuild on save, reload the browser.

sphinx-autobuild provides the parts: the file watcher, the reload websocket and
the script it adds to every page served. What differs is how each build runs.
sphinx-autobuild starts a new ``sphinx-build`` process for every save, which
pays each time for starting Python, importing Sphinx and the extensions and
loading the pickled environment: more than a second with a hundred notices,
however small the edit. Here one Sphinx application stays in memory between
builds, so a save costs only re-reading and rewriting what changed.

A change to ``conf.py``, the templates or the static files starts a fresh
application; a change to the extensions' Python code restarts this program
(their modules cannot be re-imported in place). Warnings are not fatal: each
save prints one line, then the warnings with file and line, and every page
served shows them in a box at its top until they are fixed. A failed build
keeps the last good pages served.

The server answers only requests addressed to itself (``Host`` is
``127.0.0.1:PORT`` or ``localhost:PORT``, so a web page cannot reach it by DNS
rebinding) and serves only the site: the build's hidden files (``.doctrees``,
``.buildinfo``) and anything outside the output directory are not found, and
an address that is not found gets the site's 404 page, as from the host.

Usage: ``python tools/serve.py [--port PORT] [SOURCEDIR [OUTDIR]]``
(``make serve``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

import uvicorn
import watchfiles
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx_autobuild.filter import IgnoreFilter
from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer
from sphinx_autobuild.utils import find_free_port
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, WebSocketRoute

from policy_core.addresses import page_file, page_path
from policy_sphinx_extensions.build.refusals import BuildRefused
from policy_sphinx_extensions.build.warning_stream import listen
from tools.myst_notice import display_path
from tools.preview_http import LocalOnly, Problem, SiteFiles, WarningBanner

ROOT = Path(__file__).resolve().parents[1]

HOST = "127.0.0.1"
# Changes here need a fresh application, not an incremental build.
CONFIGURATION = [ROOT / "conf.py", ROOT / "_templates", ROOT / "_static"]
# The code a build runs: a change needs a fresh application.
EXTENSIONS = [ROOT / "policy_sphinx_extensions", ROOT / "policy_core"]
# Editor droppings and bytecode are not edits.
IGNORED = [r"__pycache__", r"\.pyc$", r"~$", r"\.sw[a-p]$", r"/\.#", r"\.tmp$"]
# Pages only, whatever conf.py's default: `make pdf` renders the PDFs.
PAGES_ONLY = {"policy_pdf_publish": False}
# Files and documents named one by one in the line printed after a build; more are counted.
NAMED_DOCUMENTS = 3


class WarmBuilder:
    """Builds the site with one Sphinx application kept between builds.

    Sphinx warns about a document only when it reads it; the site's
    ``incremental`` extension reads a document with a warning again in every
    build, so the warnings of the last build are all there are, and fixing one
    elsewhere (a navigation entry, a processor) makes it go.
    """

    def __init__(self, srcdir: Path, outdir: Path) -> None:
        self.srcdir = srcdir
        self.outdir = outdir
        self.app: Sphinx | None = None
        # The first application reads every document: a pickled environment
        # from an earlier build would hide the warnings of documents not read.
        self.fresh = True
        self.problems: list[Problem] = []
        # The site's 404 page, once an application has said which page it is.
        self.not_found_page: Path | None = None
        self._found: list[Problem] = []
        self._read: list[str] = []
        self._written = 0
        self._quiet = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - kept for the app's life

    def __call__(self, *, changed_paths=()) -> None:
        """Build what changed since the last build."""
        if any(path.is_relative_to(root) for path in changed_paths for root in EXTENSIONS):
            print("Extension code changed: restarting.", flush=True)
            os.execv(sys.executable, [sys.executable, *sys.argv])
        if any(path.is_relative_to(root) for path in changed_paths for root in CONFIGURATION):
            self.app = None
        self._found.clear()  # the list the recorder fills
        self._read, self._written = [], 0
        started = time.perf_counter()
        try:
            if self.app is None:
                self.app = self._new_app()
            self.app.build()
        except BuildRefused:
            # Its message was logged, and is among the problems shown.
            self.app = None
        except (SphinxError, OSError) as error:
            # The application may be half-updated: the next build starts afresh.
            self.app = None
            self._found.append(Problem("", f"Build failed: {error}"))
        seconds = time.perf_counter() - started
        self.problems = list(dict.fromkeys(self._found))
        # An editor's temporary file, written and gone again, is not news.
        saved = [path for path in changed_paths if Path(path).exists()]
        names = ", ".join(display_path(path) for path in saved[:NAMED_DOCUMENTS])
        if len(saved) > NAMED_DOCUMENTS:
            names += f" and {len(saved) - NAMED_DOCUMENTS} more"
        print(f"{names + ': ' if names else ''}{self._summary(seconds)}", flush=True)
        for problem in self.problems:
            print(f"  {problem}", flush=True)

    def _new_app(self) -> Sphinx:
        app = Sphinx(
            self.srcdir, ROOT, self.outdir, self.outdir / ".doctrees", "dirhtml",
            status=self._quiet, warning=self._quiet, freshenv=self.fresh,
            confoverrides=PAGES_ONLY, keep_going=True,
        )
        self.fresh = False
        self.not_found_page = self.outdir / page_file(page_path(app.config.notfound_pagename))
        # Each warning as sphinx-build would print it (suppressed ones gone,
        # places as path:line), kept for the page's box and printed by us.
        listen(self._record, printed=True)
        app.connect("env-before-read-docs", self._reading)
        app.connect("doctree-resolved", self._writing)
        return app

    def _record(self, record: logging.LogRecord) -> bool:
        message = logging.LogRecord.getMessage(record)  # without Sphinx's location prefix
        self._found.append(Problem(getattr(record, "location", None) or "", message))
        return False

    def _reading(self, app, env, docnames: list[str]) -> None:
        self._read = sorted(docnames)

    def _writing(self, app, doctree, docname: str) -> None:
        self._written += 1

    def _summary(self, seconds: float) -> str:
        read = self._read
        named = len(read) <= NAMED_DOCUMENTS
        pages = (", ".join(read) or "no page") if named else f"{len(read)} pages"
        count = len(self.problems)
        outcome = {0: "no warnings", 1: "1 warning"}.get(count, f"{count} warnings")
        return f"built in {seconds:.2f} s (read {pages}, wrote {self._written}); {outcome}"


class InProcessRebuildServer(RebuildServer):
    """sphinx-autobuild's watcher, building in a thread of this process.

    sphinx-autobuild runs each build in a new worker process, where an
    application kept in memory would be lost after every build.
    """

    async def watch(self) -> None:
        async for changes in watchfiles.awatch(
            *self.paths, watch_filter=lambda _, path: not self.ignore(path)
        ):
            changed = sorted({Path(path).resolve() for _, path in changes})
            await asyncio.to_thread(self.change_callback, changed_paths=changed)
            self.flag.set()


def _exit_cleanly(signum, frame) -> None:
    # uvicorn stops serving on SIGTERM, then raises the signal again: exiting
    # through SystemExit (not the default handler) runs the exit handlers.
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sourcedir", nargs="?", type=Path, default=ROOT / "source")
    parser.add_argument("outdir", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    args = parser.parse_args(argv)
    srcdir = args.sourcedir.resolve(strict=True)
    outdir = args.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    port = args.port or find_free_port()
    url = f"http://{HOST}:{port}/"
    logging.getLogger("watchfiles").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, _exit_cleanly)

    builder = WarmBuilder(srcdir, outdir)
    builder()
    watcher = InProcessRebuildServer(
        [srcdir, *CONFIGURATION, *EXTENSIONS],
        IgnoreFilter([outdir], IGNORED),
        change_callback=builder,
    )
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=SiteFiles(
                directory=outdir, html=True, not_found_page=lambda: builder.not_found_page,
            ), name="static"),
        ],
        middleware=[
            Middleware(LocalOnly, port=port),
            Middleware(JavascriptInjectorMiddleware, ws_url=f"{HOST}:{port}"),
            Middleware(WarningBanner, problems=lambda: builder.problems),
        ],
        lifespan=watcher.lifespan,
    )
    print(f"Serving on {url} (rebuilds on save; Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=HOST, port=port, log_level="warning")


if __name__ == "__main__":
    main()
