"""Files the pages link to (a form, a report as PDF), published at their own path.

A page may link a file that sits beside it under ``source/``:
``[the form](Contributor-Agreement.pdf)`` in ``source/python.org/Contributing.md``.
Sphinx would publish it under ``/_downloads/<hash>/``, a new address on every
change of the file; the live site has it at ``/python.org/Contributor-Agreement.pdf``,
which is where readers and other sites link. Here every such file is published
at its path under ``source/`` and the link leads there.

A file no page links, which the site still publishes at its path (a form
other sites link to), is listed in a page's front matter, relative to that
page: ``files: [python.org/Contributor-Agreement.pdf]`` on the home page. It
is published as a linked one is, under the same rule.

Which files may be linked is :mod:`.sources`' rule (inside ``source/``, of a
type that runs no script), checked first; which names and no links,
:mod:`.source_files`'; which paths (none the build generates, none at the
site's root unless ``policy_root_files`` names it), :mod:`.output_paths`'.

Registers a ``doctree-read`` handler that turns each remaining download link
into a link to the file's published path, a domain that keeps the files each
page links (so a file is copied again when it changes, and no longer once no
page links it), a ``doctree-resolved`` handler giving each link its address
relative to the page, and the copy into the HTML output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.build.site_build import builds_site
from policy_core import yamldata
from policy_sphinx_extensions.build.docdata import DocumentData, register
from policy_sphinx_extensions.checks.output_paths import linked_file_problem
from policy_sphinx_extensions.checks.sources import DOWNLOAD_SUFFIXES, file_problem

logger = logging.getLogger(__name__)


class linked_file(nodes.reference):
    """A link to a file published at ``relpath`` (its path under ``source/``)."""


class LinkedFilesDomain(DocumentData):
    """Which files each page links: what the HTML output must carry."""

    name = "linked-files"
    label = "Linked files"
    data_version = 1
    initial_data: ClassVar[dict] = {"errors": {}, "files": {}}


def _link_files_where_they_are(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    files = set()
    for node in list(doctree.findall(addnodes.download_reference)):
        relpath, _ = env.relfn2path(node["reftarget"], env.docname)
        problem = linked_file_problem(app, relpath)
        if problem:
            logger.error(problem, location=node, type="policy", subtype="output-path")
            node.replace_self(nodes.inline("", "", *node.children))
            continue
        node.replace_self(linked_file("", "", *node.children, relpath=relpath))
        files.add(relpath)
    files.update(_listed_files(app))
    for relpath in files:
        # A changed file is copied again: its page is outdated with it.
        env.note_dependency(str(Path(env.srcdir) / relpath))
    if files:
        env.domains[LinkedFilesDomain.name].data["files"][env.docname] = files


def _listed_files(app: Sphinx) -> list[str]:
    """The path under ``source/`` of each of the front matter's ``files`` that may be
    published; an error naming the line for each other."""
    raw = app.env.metadata[app.env.docname].get("files")
    if raw is None:
        return []
    try:
        listed = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        listed = raw
    front = yamldata.front_matter(Path(app.env.doc2path(app.env.docname)))
    line = front.line_of("files") if front is not None else 1
    if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
        logger.error("'files' must be a list of file names, relative to the page",
                     location=(app.env.docname, line), type="policy", subtype="download")
        return []
    allowed = []
    for name in listed:
        problem = file_problem(app, name, "the listed file", DOWNLOAD_SUFFIXES)
        relpath, path = app.env.relfn2path(name, app.env.docname)
        if problem is None and not Path(path).is_file():
            problem = f"the listed file {name!r} does not exist"
        problem = problem or linked_file_problem(app, relpath)
        if problem:
            logger.error(problem, location=(app.env.docname, line), type="policy", subtype="download")
        else:
            allowed.append(relpath)
    return allowed


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each link its address relative to the page, as the builder writes pages."""
    page = app.builder.get_target_uri(docname)
    for node in list(doctree.findall(linked_file)):
        uri = relative_uri(page, quote(node["relpath"]))
        node.replace_self(nodes.reference("", "", *node.children, refuri=uri))


def _copy(app: Sphinx, exception: Exception | None) -> None:
    if exception or not builds_site(app):
        return
    linked = app.env.domains[LinkedFilesDomain.name].data["files"]
    for relpath in sorted(set().union(*linked.values())):
        destination = Path(app.outdir) / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(app.srcdir) / relpath, destination)


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.checks.sources")
    app.setup_extension("policy_sphinx_extensions.checks.output_paths")
    app.add_node(linked_file)
    register(app, LinkedFilesDomain)
    # After sources.py has refused what may not be published (priority 300),
    # before Sphinx's collectors would copy downloads under _downloads/ (500).
    app.connect("doctree-read", _link_files_where_they_are, priority=400)
    app.connect("doctree-resolved", _resolve)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "env_version": 3,
            "parallel_read_safe": True, "parallel_write_safe": True}
