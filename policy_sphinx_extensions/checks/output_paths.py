"""Who writes each path of the site: a source never takes a path the build generates.

Two kinds of output come from ``source/``: each page (``X.md`` at ``X/``)
and each file a page links (``source/X/form.pdf`` at ``X/form.pdf``,
:mod:`.linked_files`). Everything else is generated, and is the generator's
alone (:func:`generator_of`):

* the PDF writer's folder (``policy_pdf_dir``: each notice's PDF, each
  redline's PDF);
* Sphinx's folders (``_static/``, ``_images/``, ``_downloads/``,
  ``_sources/``) and pages (``search/``, ``genindex/``);
* the files at the root of the site: ``versions.json``, ``processors.json``,
  ``sitemap.xml``, ``feed.xml``, ``html_extra_path``'s files ...;
* each version's redline page (``/<notice>/<date>/redline/``); a version's
  own page is :mod:`.versions`' to defend, and does.

A linked file written over one of these would replace what the build made
(the "Download PDF" of a notice serving a file of the pull request), and a
page's folder would stop the generator writing its file. Either fails the
build naming the source (file:line) and the generator.

The root of the site, and its ``.well-known/`` folder, have meanings to
machines (``/robots.txt`` to crawlers, ``/.well-known/security.txt`` to
security researchers): a linked file is published there only when
``policy_root_files`` (``conf.py``) names it, so that doing so is a decision
reviewed as configuration, never a side effect of a link.
"""

from __future__ import annotations

import itertools

from sphinx.application import Sphinx
from sphinx.util import logging

from policy_core.addresses import (
    file_url_path, page_path, redline_path, redline_pdf_path, site_pdf_path)
from policy_sphinx_extensions.site.feed import FEED_FILE
from policy_sphinx_extensions.processors.page import JSON_NAME
from policy_sphinx_extensions.build.refusals import refuse
from policy_sphinx_extensions.site.sitemap import SITEMAP_FILE
from policy_sphinx_extensions.versions import versions_table
from policy_sphinx_extensions.versions.versions_json import VERSIONS_JSON

logger = logging.getLogger(__name__)

SPHINX_FOLDERS = ("_static", "_images", "_downloads", "_sources")
SPHINX_PAGES = ("search", "genindex")
GENERATED_ROOT_FILES = {
    VERSIONS_JSON: "the notices' versions (versions_json.py)",
    JSON_NAME: "the processors' data (processor_page.py)",
    SITEMAP_FILE: "the sitemap (sitemap.py)",
    FEED_FILE: "the feed (feed.py)",
    "objects.inv": "Sphinx's inventory",
    "searchindex.js": "Sphinx's search index",
    ".buildinfo": "Sphinx's build record",
}
WELL_KNOWN = ".well-known"


def redline_pages(app: Sphinx) -> dict[str, str]:
    """The URL path of each version's redline page -> what writes it."""
    return {redline_path(version.docname).rstrip("/"):
            f"the redline of {version.notice} as of {version.date} (versions/redlines.py)"
            for version in itertools.chain.from_iterable(versions_table(app.env).values())}


def generator_of(app: Sphinx, relpath: str, redlines: dict[str, str] | None = None) -> str | None:
    """What the build generates at *relpath* (a path in the output), or None.

    *redlines* is :func:`redline_pages`, when the caller asks about many paths.
    """
    top, _, rest = relpath.partition("/")
    if top == app.config.policy_pdf_dir:
        notices = [docname for docname in sorted(app.env.found_docs)
                   if relpath in (site_pdf_path(top, docname), redline_pdf_path(top, docname))]
        what = f"the PDF of {notices[0]}" if notices else "the PDFs of the notices"
        return f"the PDF writer ({what}, under policy_pdf_dir {top + '/'!r})"
    if top in SPHINX_FOLDERS:
        return f"Sphinx (its folder {top}/)"
    if top in SPHINX_PAGES and (not rest or rest == "index.html"):
        return f"Sphinx (its page /{top}/)"
    if not rest:
        extra = {path.rstrip("/").rpartition("/")[2]: "html_extra_path"
                 for path in app.config.html_extra_path}
        return {**GENERATED_ROOT_FILES, **extra}.get(top)
    if redlines is None:
        redlines = redline_pages(app)
    return redlines.get(file_url_path(relpath).rstrip("/"))


def linked_file_problem(app: Sphinx, relpath: str) -> str | None:
    """Why the file of ``source/`` at *relpath* may not be published at that path, or None."""
    generator = generator_of(app, relpath)
    if generator:
        return (f"the linked file {relpath!r} would be published at /{relpath}, which "
                f"{generator} writes: move or rename the file")
    at_root = "/" not in relpath or relpath.startswith(WELL_KNOWN + "/")
    if at_root and relpath not in app.config.policy_root_files:
        return (f"the linked file {relpath!r} would be published at /{relpath}, the site's root, "
                "where a file means something to crawlers and browsers: conf.py's "
                "policy_root_files lists the files published there on purpose")
    return None


def _check_pages(app: Sphinx, env, docnames) -> None:
    collisions = 0
    redlines = redline_pages(app)
    for docname in sorted(env.found_docs):
        address = page_path(docname)
        generator = generator_of(app, address.rstrip("/"), redlines) or generator_of(app, address, redlines)
        if generator:
            collisions += 1
            logger.error(f"the page /{address} would be written where {generator} writes: "
                         "rename the page", location=(docname, 1), type="policy",
                         subtype="output-path")
    if collisions:
        # A generator would find a page's folder where its file goes.
        refuse(f"Build stopped: {collisions} page(s) above would be written over generated files")


def _check_root_files(app: Sphinx) -> None:
    # Logged, not raised: Sphinx would end an error raised here with its crash
    # report. An entry refused here is never used: linked_file_problem asks
    # generator_of first, and a path in a folder is no root file.
    for relpath in app.config.policy_root_files:
        folder, _, name = relpath.rpartition("/")
        generator = generator_of(app, relpath)
        if folder not in ("", WELL_KNOWN) or not name:
            problem = (f"lists files at the site's root or under {WELL_KNOWN}/ ('robots.txt', "
                       f"'{WELL_KNOWN}/security.txt'), not {relpath!r}")
        elif generator:
            problem = f"may not list {relpath!r}: {generator} writes it"
        else:
            continue
        logger.error(f"policy_root_files {problem}", type="policy", subtype="output-path")


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.pdf")  # policy_pdf_dir
    app.setup_extension("policy_sphinx_extensions.versions")  # the versions and their redlines
    app.add_config_value("policy_root_files", [], "env", types=[list])
    app.connect("builder-inited", _check_root_files)
    # Before reading, beside the checks of the source tree (source_files.py).
    app.connect("env-before-read-docs", _check_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
