"""Site navigation from one data file: the sidebar, the home page's site map.

``source/_data/navigation.yaml`` (read and checked by :mod:`.schema`)
lists every page of the site in reading order, grouped as the live site groups
them. A page whose source is in this project is linked as a Sphinx document;
any other page links to its address on the live site, which the link names.
Adding a notice's source therefore turns its link into a page with nothing
else to edit.

Registers:

* the ``site-map`` directive: the navigation as nested lists (docutils nodes,
  which the HTML writer escapes), plus a hidden toctree of the project's own
  pages so Sphinx knows their order;
* :class:`NavigationCollector`, which keeps the loaded navigation in the
  environment, reloads it when the file changes (also in a build process that
  stays up between builds), rewrites every page when what the sidebar shows
  changed, and names the navigation entry to add or fix for a page no entry
  leads to, instead of Sphinx's "document isn't included in any toctree";
* the sidebar, from the same data (:mod:`.sidebar`).
"""

from __future__ import annotations

import difflib
import hashlib
import textwrap
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from policy_core import yamldata
from policy_core.addresses import docname_at, page_path
from policy_sphinx_extensions.build.refusals import refuse, refuse_data_error
from policy_sphinx_extensions.navigation.schema import Entry, Navigation, load_navigation

logger = logging.getLogger(__name__)

class SiteMap(SphinxDirective):
    """The whole navigation as nested lists, for the home page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        navigation: Navigation = self.env.policy_navigation
        self.env.note_dependency(str(navigation.path))
        self.env.policy_site_map_docs.add(self.env.docname)
        site_map = self._list(navigation, navigation.entries)
        site_map["classes"].append("site-map")

        own_pages = [docname for page in navigation.pages()
                     if (docname := docname_at(page.path, self.env.found_docs))]
        toctree = addnodes.toctree(
            parent=self.env.docname, entries=[(None, docname) for docname in own_pages],
            includefiles=own_pages, maxdepth=-1, caption=None, glob=False, hidden=True,
            includehidden=False, numbered=0, titlesonly=True)
        self.set_source_info(toctree)
        return [site_map, nodes.compound("", toctree, classes=["toctree-wrapper"])]

    def _list(self, navigation: Navigation, entries: tuple[Entry, ...]) -> nodes.bullet_list:
        bullets = nodes.bullet_list()
        for entry in entries:
            paragraph = nodes.paragraph()
            item = nodes.list_item("", paragraph)
            if entry.children:
                paragraph += nodes.Text(entry.title)
                item += self._list(navigation, entry.children)
            elif docname := docname_at(entry.path, self.env.found_docs):
                xref = addnodes.pending_xref(
                    "", nodes.inline("", entry.title), refdomain="std", reftype="doc",
                    reftarget=f"/{docname}", refexplicit=True, refwarn=True)
                self.set_source_info(xref)
                paragraph += xref
            else:
                paragraph += nodes.reference("", entry.title, refuri=navigation.live_url(entry),
                                             classes=["live-site"])
                paragraph += nodes.inline("", f" ({navigation.live_site_note})",
                                          classes=["live-site-note"])
            bullets += item
        return bullets


class NavigationCollector(EnvironmentCollector):
    """The navigation's state in the environment.

    ``env.policy_navigation`` (the loaded file) and its digest, the documents
    holding a site map, and the documents no navigation entry leads to, which
    are marked ``orphan`` so that Sphinx's generic warning gives way to ours.
    """

    @staticmethod
    def init_env(app: Sphinx) -> None:
        env = app.env
        for name, default in (("policy_navigation", None), ("policy_navigation_digest", ""),
                              ("policy_sidebar_key", None), ("policy_sidebar", None),
                              ("policy_site_map_docs", set()), ("policy_unlisted", set())):
            if not hasattr(env, name):
                setattr(env, name, default)
        # Loaded before anything is read: a bad file stops the build at once.
        try:
            _load(app, env)
        except yamldata.DataError as error:
            refuse_data_error(error)
        except OSError as error:
            refuse(str(error))

    def clear_doc(self, app: Sphinx, env, docname: str) -> None:
        env.policy_site_map_docs.discard(docname)
        env.policy_unlisted.discard(docname)  # its metadata is read afresh

    def merge_other(self, app: Sphinx, env, docnames, other) -> None:
        env.policy_site_map_docs |= other.policy_site_map_docs & set(docnames)

    def process_doc(self, app: Sphinx, doctree) -> None:
        pass  # the site-map directive records what it needs while it runs

    def get_outdated_docs(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        env.policy_sidebar = None  # made again for this build's pages (sidebar.py)
        # A build process that stays up between builds (make serve) reloads
        # an edited file; a bad edit keeps the last good navigation.
        try:
            _load(app, env)
        except (OSError, yamldata.DataError) as error:
            logger.error("%s", getattr(error, "message", error), type="policy",
                         subtype="navigation", location=f"{error.path}:{error.line}"
                         if isinstance(error, yamldata.DataError) else None)
        # A page added or removed changes which entries are links to pages here.
        if added or removed:
            return sorted(env.policy_site_map_docs - set(removed))
        return []

    def get_updated_docs(self, app: Sphinx, env) -> list[str]:
        _mark_unlisted(app, env)
        # Every page carries the sidebar: when what it shows changed (the
        # file, or which entries are pages here), every page is rewritten.
        key = (env.policy_navigation_digest, tuple(
            docname_at(page.path, env.found_docs) for page in env.policy_navigation.pages()))
        if key == env.policy_sidebar_key:
            return []
        env.policy_sidebar_key = key
        return sorted(env.found_docs)


def _load(app: Sphinx, env) -> None:
    path = Path(app.srcdir, app.config.policy_navigation_file)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if env.policy_navigation is None or digest != env.policy_navigation_digest:
        env.policy_navigation = load_navigation(path)
        env.policy_navigation_digest = digest


def _mark_unlisted(app: Sphinx, env) -> None:
    """Mark the pages no toctree includes as orphans: :func:`_report_unlisted`
    names what to add for them, so Sphinx's own warning would only repeat it."""
    for docname in env.policy_unlisted:
        env.metadata[docname].pop("orphan", None)
    included = set(env.files_to_rebuild).union(*env.included.values())
    env.policy_unlisted = {docname for docname in env.found_docs
                           if docname != app.config.root_doc and docname not in included
                           and "orphan" not in env.metadata[docname]}
    for docname in env.policy_unlisted:
        env.metadata[docname]["orphan"] = True


def _report_unlisted(app: Sphinx, env) -> None:
    navigation: Navigation = env.policy_navigation
    elsewhere = {page.path: page for page in navigation.pages()
                 if docname_at(page.path, env.found_docs) is None}
    for docname in sorted(env.policy_unlisted):
        path = page_path(docname).rstrip("/")
        source = env.doc2path(docname)
        typo = difflib.get_close_matches(path, elsewhere, n=1, cutoff=0.8) or [
            other for other in elsewhere if other.lower() == path.lower()]
        if typo:
            entry = elsewhere[typo[0]]
            logger.warning(
                "navigation entry %r has path %r, which no page has, and no entry leads to "
                "%s: if that is the page, write its path here: `path: %s`",
                entry.title, entry.path, source, path,
                location=f"{navigation.path}:{entry.line}", type="policy", subtype="navigation")
            continue
        title = env.titles[docname].astext() if docname in env.titles else path
        snippet = yaml.safe_dump([{"title": title, "path": path}], sort_keys=False,
                                 allow_unicode=True, width=1000)
        logger.warning(
            "no entry of %s leads to this page: add one where readers should find it, "
            "in its group's 'children' if it has one:\n%s",
            navigation.path, textwrap.indent(snippet, "    "),
            location=docname, type="policy", subtype="navigation")


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_navigation_file", "_data/navigation.yaml", "env", types=[str])
    app.add_directive("site-map", SiteMap)
    app.connect("builder-inited", NavigationCollector.init_env)
    app.add_env_collector(NavigationCollector)
    app.connect("env-check-consistency", _report_unlisted)
    app.setup_extension("policy_sphinx_extensions.navigation.sidebar")
    return {"version": "2.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
