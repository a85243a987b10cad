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
(their modules cannot be re-imported in place). Warnings are printed, not
fatal, and a failed build keeps the last good pages served.

Usage: ``python tools/serve.py [--port PORT] [SOURCEDIR [OUTDIR]]``
(``make serve``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from starlette.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
# Changes here need a fresh application, not an incremental build.
CONFIGURATION = [ROOT / "conf.py", ROOT / "_templates", ROOT / "_static"]
EXTENSIONS = ROOT / "policy_sphinx_extensions"
# Editor droppings and bytecode are not edits.
IGNORED = [r"__pycache__", r"\.pyc$", r"~$", r"\.sw[a-p]$", r"/\.#", r"\.tmp$"]


class WarmBuilder:
    """Builds the site with one Sphinx application kept between builds."""

    def __init__(self, srcdir: Path, outdir: Path, url: str) -> None:
        self.srcdir = srcdir
        self.outdir = outdir
        self.url = url
        self.app: Sphinx | None = None

    def __call__(self, *, changed_paths=()) -> None:
        """Build what changed since the last build."""
        if any(_within(path, [EXTENSIONS]) for path in changed_paths):
            print("Extension code changed: restarting.", flush=True)
            os.execv(sys.executable, [sys.executable, *sys.argv])
        if any(_within(path, CONFIGURATION) for path in changed_paths):
            self.app = None
        names = ", ".join(_shown(path) for path in changed_paths[:5])
        if names:
            print(f"Changed: {names}", flush=True)
        started = time.perf_counter()
        try:
            if self.app is None:
                self.app = Sphinx(
                    self.srcdir, ROOT, self.outdir, self.outdir / ".doctrees", "dirhtml",
                    # Pages only: `make pdf` renders the PDFs.
                    confoverrides={"policy_pdf_publish": False},
                    keep_going=True,
                )
            self.app.build()
        except (SphinxError, OSError) as error:
            # The application may be half-updated: the next build starts afresh.
            self.app = None
            print(f"Build failed: {error}", file=sys.stderr, flush=True)
            return
        seconds = time.perf_counter() - started
        print(f"Built in {seconds:.2f} s. Serving on {self.url}", flush=True)


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


def _within(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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

    builder = WarmBuilder(srcdir, outdir, url)
    builder()
    watcher = InProcessRebuildServer(
        [srcdir, *CONFIGURATION, EXTENSIONS],
        IgnoreFilter([outdir], IGNORED),
        change_callback=builder,
    )
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=outdir, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{HOST}:{port}")],
        lifespan=watcher.lifespan,
    )
    print(f"Serving on {url} (rebuilds on save; Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=HOST, port=port, log_level="warning")


if __name__ == "__main__":
    main()
