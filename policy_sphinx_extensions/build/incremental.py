"""An incremental build says what a clean build would: failed stays failed.

Sphinx re-reads only the documents that changed, and warns only about what
it reads or writes: after a failed build, the same build run again, nothing
changed, said "build succeeded". Here:

* every warning of a build is traced to its document (its location); the
  next build reads and writes those documents again, so each warning comes
  back as it was, from the code that found it. A warning that names no
  document (a data file, a setting) makes the next build read everything;
* a build that stops half-way (killed, or an exception) leaves the record
  "unfinished", and the next build reads and writes every document, as a
  clean build would: Sphinx would otherwise keep the pages the stopped build
  wrote, or never wrote, the environment it had already saved, and the
  search index of the build before;
* two builds into one output directory run one after the other: the second
  waits for the first (a lock on ``<doctrees>/build.lock``, which the system
  releases when the build's process ends, killed or not).

The record is ``<doctrees>/incremental.json``, beside the pickled environment;
it is written before the first document is read and when the build ends.
Why our own: Sphinx keeps no record of warnings between builds, and its
``-E`` (read everything) is for the person at the keyboard to choose.
"""

from __future__ import annotations

import fcntl
import json
import logging as stdlib_logging
import os
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.logging import get_node_location, is_suppressed_warning

from policy_sphinx_extensions.build.warning_stream import listen

logger = logging.getLogger(__name__)

RECORD = "incremental.json"
LOCK = "build.lock"
_LINE = re.compile(r":\d*$")


def _write(path: Path, record: dict) -> None:
    # Whole or not at all, even if the build is killed while writing it.
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record), encoding="utf-8")
    os.replace(partial, path)


def _docname(env, location) -> str | None:
    # As logged: a (docname, line) pair, a node, a docname or "path:line".
    if isinstance(location, tuple):
        return location[0] if location[0] in env.found_docs else None
    if isinstance(location, nodes.Node):
        location = get_node_location(location)
    if not location:
        return None
    if location in env.found_docs:
        return location
    return env.path2doc(_LINE.sub("", location))


class IncrementalBuild:
    """The lock and the record of one Sphinx application (the live preview builds many times)."""

    def __init__(self) -> None:
        self.lock_file = None
        # While a build runs: its application, and the documents its warnings name.
        self.app: Sphinx | None = None
        self.documents: set[str] = set()
        self.elsewhere = False

    def lock(self, app: Sphinx, *args) -> None:
        if self.lock_file is not None:
            return
        path = Path(app.doctreedir) / LOCK
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock_file = path.open("a")
        # A POSIX lock, not flock(): it belongs to this process alone, so a
        # child process left behind by a killed build does not keep it.
        try:
            fcntl.lockf(self.lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            logger.info(f"another build is writing {app.outdir}: waiting for it to finish")
            fcntl.lockf(self.lock_file, fcntl.LOCK_EX)

    def outdated(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        """Documents to read again: those that warned last time, or all."""
        self.lock(app)
        path = Path(app.doctreedir) / RECORD
        try:
            last = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # the first build, or one without this extension
            last = {"finished": True, "documents": [], "elsewhere": False}
        except ValueError:
            last = {"finished": False}
        _write(path, {"finished": False})
        self.app, self.documents, self.elsewhere = app, set(), False
        if not last.get("finished"):
            # Every page is written again: the search index starts afresh too,
            # not from the one an earlier build left (Sphinx keeps the words of
            # changed titles in it).
            index = getattr(app.builder, "searchindex_filename", None)
            if index:
                (Path(app.outdir) / index).unlink(missing_ok=True)
        if not last.get("finished") or last.get("elsewhere"):
            return sorted(env.found_docs)
        return sorted(set(last.get("documents", [])) & env.found_docs)

    def noticed(self, record: stdlib_logging.LogRecord) -> bool:
        """Each warning as Sphinx receives it (suppressed ones too, which it skips)."""
        if self.app is None or is_suppressed_warning(
                getattr(record, "type", ""), getattr(record, "subtype", ""),
                self.app.config.suppress_warnings):
            return True
        docname = _docname(self.app.env, getattr(record, "location", None))
        if docname is None:
            self.elsewhere = True
        else:
            self.documents.add(docname)
        return True

    def finished(self, app: Sphinx, exception: Exception | None) -> None:
        if self.app is not None and exception is None:
            record = {"finished": True, "documents": sorted(self.documents),
                      "elsewhere": self.elsewhere}
            _write(Path(app.doctreedir) / RECORD, record)
        self.app = None
        if self.lock_file is not None:
            self.lock_file.close()  # closing releases the lock
            self.lock_file = None


def setup(app: Sphinx) -> dict:
    build = IncrementalBuild()
    listen(build.noticed)
    # Before the saved environment is loaded, so no build reads it half-written.
    app.connect("config-inited", build.lock)
    app.connect("env-get-outdated", build.outdated)
    app.connect("build-finished", build.finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
