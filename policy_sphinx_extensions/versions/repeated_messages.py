"""A problem in a notice is reported once, though two pages are written from its file.

The current version of a notice is published twice: at the notice's address
and at its dated one (``/<notice>/<date>/``). Sphinx reads the file once, as
the notice; the dated page is made from the notice's doctree
(:mod:`.current_page`), so what reading finds is reported once. But each
page's references are resolved as it is written, each from its own address
(its links are relative to it): a reference that resolves nowhere (``-n``)
would be reported for both, naming the same file and line, and counted as two
warnings.

Here the first message about a place is printed and counted; the same
message about the same file and line again in the same build is not. It
listens to each message as Sphinx receives it (:mod:`..build.warning_stream`),
before Sphinx counts it, so the count Sphinx ends with ("1 warning") is the
number of problems. A build still fails for every problem (``-W``): the first
report of each is kept.

Why a filter: Sphinx keeps no per-document switch for warnings
(``suppress_warnings`` is site-wide, and MyST logs through Sphinx's logger
rather than docutils' reporter, whose ``report_level`` it ignores). Sphinx's
own ``once=True`` is for messages without a place, keyed by their text alone,
and counted before it applies. Sphinx's warning handler is the one place that
sees every message of both pages, serial or parallel (a parallel writer's
messages are handled again in the main process).
"""

from __future__ import annotations

import logging as stdlib_logging
import os

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.logging import get_node_location

from policy_sphinx_extensions.build.warning_stream import listen

Place = tuple[str, str]  # (the file, the line), as the message names them


class RepeatedWarnings:
    """Lets through the first of the same messages about the same place."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.seen: set[tuple[Place, str, str, str]] = set()

    def _place(self, location) -> Place | None:
        # The location as Sphinx's own handlers receive it, before they write
        # it as "path:line": a (docname, line) pair, a node, or a string.
        # None before the environment is set up (a warning about the configuration).
        env = getattr(self.app, "env", None)
        if isinstance(location, nodes.Node):
            location = get_node_location(location)
        if isinstance(location, tuple):
            docname, line = location
            location = f"{env.doc2path(docname)}:{line or ''}" if docname and env else None
        if not location:
            return None
        location = str(location)
        if ":" not in location:  # a docname
            location = f"{env.doc2path(location)}:" if env else location
        path, _, line = location.rpartition(":")
        # The two documents' paths to the file may differ by a symbolic link.
        return os.path.realpath(path), line

    def __call__(self, record: stdlib_logging.LogRecord) -> bool:
        place = self._place(getattr(record, "location", None))
        if place is None:
            return True
        key = (place, getattr(record, "type", "") or "", getattr(record, "subtype", "") or "",
               record.getMessage())
        first = key not in self.seen
        self.seen.add(key)
        return first

    def new_build(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        # One application may build many times (the live preview): each build
        # reports its own problems.
        self.seen.clear()
        return []


def setup(app: Sphinx) -> dict:
    repeated = RepeatedWarnings(app)
    listen(repeated)
    app.connect("env-get-outdated", repeated.new_build)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
