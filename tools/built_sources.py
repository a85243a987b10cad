"""The source file each page of a built site was read from, as the build recorded it.

A message about a page names the file an editor edits: ``source/...`` for a
notice, even at the dated address of its current version, which the build
reads from the same file. Sphinx records each document's file in the
environment it pickles beside the pages; it is read back from there rather
than guessed from the page's address (a version's address has no file of
its own).
"""

from __future__ import annotations

import pickle
from pathlib import Path

from policy_core.addresses import page_file, page_path


def page_sources(html: Path) -> dict[str, Path]:
    """URL path (``""``, ``"a/b/"``) -> the file its page was read from, for each
    document page of the ``dirhtml`` build in *html*; empty when it holds no build."""
    pickled = html / ".doctrees" / "environment.pickle"
    if not pickled.exists():
        return {}
    environment = pickle.loads(pickled.read_bytes())  # noqa: S301 - this build's own record
    return {
        page_path(docname): Path(environment.doc2path(docname)).resolve()
        for docname in sorted(environment.all_docs)
        if (html / page_file(page_path(docname))).exists()
    }
