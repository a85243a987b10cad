"""Files the pages link to (a form, a report as PDF), published at their own path.

A page may link a file that sits beside it under ``source/``:
``[the form](Contributor-Agreement.pdf)`` in ``source/python.org/Contributing.md``.
Sphinx would publish it under ``/_downloads/<hash>/``, a new address on every
change of the file; the live site has it at ``/python.org/Contributor-Agreement.pdf``,
which is where readers and other sites link. Here every such file is published
at its path under ``source/`` and the link leads there.

A linked file must be inside ``source/`` (no ``..`` out of it, no symbolic
link) and its name plain (letters, digits, spaces, ``.``, ``_``, ``-``):
anything else fails the build naming the page and line.

Registers a transform that turns each link to a file into a link to its
published path, a domain that keeps the files each page links (so a file
is copied again when it changes, and no longer once no page links it), and
the copy into the HTML output.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .docdata import DocumentData, register

logger = logging.getLogger(__name__)

PLAIN_PATH = re.compile(r"[A-Za-z0-9 ._-]+(/[A-Za-z0-9 ._-]+)*")


class linked_file(nodes.reference):
    """A link to a file published at ``relpath`` (its path under ``source/``)."""


def _problem_with(env: BuildEnvironment, target: str) -> str | None:
    """Why the linked file *target* may not be published, or None if it may."""
    relpath, resolved = env.relfn2path(target, env.docname)
    srcdir = Path(env.srcdir)
    # The path as written, before links are followed (relfn2path follows them).
    written = srcdir / target.lstrip("/") if target.startswith("/") else (
        Path(env.doc2path(env.docname)).parent / target
    )
    problem = None
    if any(part.is_symlink() for part in [written, *written.parents] if part.is_relative_to(srcdir)):
        problem = "is a symbolic link"
    elif not Path(resolved).is_relative_to(srcdir.resolve()):
        problem = "is outside the source folder"
    elif not PLAIN_PATH.fullmatch(relpath) or relpath.startswith("_"):
        problem = "has a name that is not plain (letters, digits, spaces, '.', '_', '-')"
    elif not Path(resolved).is_file():
        problem = "does not exist"
    return problem


class LinkFilesWhereTheyAre(SphinxTransform):
    """Replace each download link by a link to the file's own published path."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        for node in list(self.document.findall(addnodes.download_reference)):
            target = node["reftarget"]
            problem = _problem_with(self.env, target)
            if problem:
                logger.warning(
                    "the linked file %r %s: link a file kept beside the page under source/",
                    target, problem, location=node, type="policy", subtype="linked-file",
                )
                node.replace_self(nodes.inline("", "", *node.children))
                continue
            relpath, _ = self.env.relfn2path(target, self.env.docname)
            link = linked_file("", "", *node.children, relpath=relpath)
            node.replace_self(link)


class ResolveLinkedFiles(SphinxPostTransform):
    """Give each link its address relative to the page, as the builder writes pages."""

    default_priority = 5

    def run(self, **kwargs) -> None:
        page = self.app.builder.get_target_uri(self.env.docname)
        for node in list(self.document.findall(linked_file)):
            uri = relative_uri(page, quote(node["relpath"]))
            node.replace_self(nodes.reference("", "", *node.children, refuri=uri))


class LinkedFilesDomain(DocumentData):
    """Which files each page links: what the HTML output must carry."""

    name = "linked-files"
    label = "Linked files"
    data_version = 1
    initial_data: ClassVar[dict] = {"errors": {}, "files": {}}

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        files = {node["relpath"] for node in document.findall(linked_file)}
        if files:
            self.data["files"][docname] = files
            for relpath in files:
                # A changed file is copied again: its page is outdated with it.
                env.note_dependency(str(Path(env.srcdir) / relpath))

    def published(self) -> set[str]:
        return set().union(*self.data["files"].values())


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    for relpath in sorted(app.env.domains["linked-files"].published()):
        destination = Path(app.outdir) / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(app.srcdir) / relpath, destination)


def setup(app: Sphinx) -> dict:
    app.add_node(linked_file)
    app.add_transform(LinkFilesWhereTheyAre)
    app.add_post_transform(ResolveLinkedFiles)
    register(app, LinkedFilesDomain)
    app.connect("build-finished", _copy)
    return {
        "version": "1.0",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
