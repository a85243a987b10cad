"""Every version of every notice in the site's history: the ``notice-versions``
directive, with their addresses, and the feed's announcement of each version
committed before it takes effect (:func:`announcements`).

One list per notice (by title): each version's date, its status, the dates
it is in effect (last updated, when the notice marks its date as inferred:
:func:`.pages.date_is_inferred`), and links to its page, its PDF and its redline against the
version before it. Filled in as the page is written, from the versions table
of :mod:`.versions`; a page holding the directive is read again whenever a
notice's versions change.
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.build import docdata
from policy_sphinx_extensions.reading.page_kinds import Change, format_date
from policy_core.front_matter import date_is_inferred
from policy_sphinx_extensions.versions import VERSION_LIST_DOMAIN, version_addresses, versions_table


def announcements(env) -> list[tuple[str, Change, str]]:
    """(version docname, change, the page's id of it) for each version committed
    before the date it takes effect: the day the change was announced."""
    return [(version.docname,
             Change(version.announced, "material",
                    f"Announced: an updated version takes effect on {format_date(version.date)}."),
             f"change-{version.date.isoformat()}")
            for versions in versions_table(env).values() for version in versions
            if version.announced is not None and version.announced < version.date]


class VersionListDomain(docdata.DocumentData):
    """The pages listing every notice's versions."""

    name = VERSION_LIST_DOMAIN
    label = "Version list pages"
    data_version = 1
    initial_data: ClassVar[dict] = {"pages": {}, "errors": {}}


class notice_versions(nodes.General, nodes.Element):
    """Where the list of versions goes."""


class NoticeVersions(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.domains[VersionListDomain.name].data["pages"][self.env.docname] = True
        return [notice_versions()]


def _status(version, inferred: bool) -> str:
    since = format_date(version.date)
    if version.status == "current" and inferred:
        return f"current, last updated {since}, a date not yet confirmed"
    if version.status == "current":
        return f"current, in effect since {since}"
    if version.status == "upcoming":
        return f"upcoming, takes effect on {since}"
    return f"superseded, in effect from {since} until {format_date(version.in_effect_until)}"


LINK_TEXTS = {"url": "this version", "pdf": "PDF", "redline": "redline",
              "redline_pdf": "redline PDF"}


def _links(app: Sphinx, docname: str, version) -> list[nodes.Node]:
    here = app.builder.get_target_uri(docname)
    parts: list[nodes.Node] = []
    for kind, uri in version_addresses(app, version).items():
        parts += [nodes.Text(" · " if parts else ": "),
                  nodes.reference("", LINK_TEXTS[kind], refuri=relative_uri(here, uri),
                                  internal=True)]
    return parts


def _list(app: Sphinx, docname: str) -> list[nodes.Node]:
    env = app.env
    titles = {notice: env.titles[notice].astext() if notice in env.titles else notice
              for notice in versions_table(env)}
    result = nodes.bullet_list(classes=["notice-versions"])
    for notice in sorted(titles, key=titles.get):
        link = nodes.reference("", titles[notice], internal=True,
                               refuri=app.builder.get_relative_uri(docname, notice))
        item = nodes.paragraph("", "", link)
        inferred = date_is_inferred(env.metadata.get(notice, {}))
        versions = nodes.bullet_list()
        for version in reversed(versions_table(env)[notice]):
            line = nodes.paragraph("", "", nodes.strong("", format_date(version.date)),
                                   nodes.Text(f" ({_status(version, inferred)})"),
                                   *_links(app, docname, version))
            versions += nodes.list_item("", line)
        result += nodes.list_item("", item, versions)
    return [result]


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(notice_versions)):
        placeholder.replace_self(_list(app, docname))


def setup(app: Sphinx) -> dict:
    app.add_node(notice_versions)
    app.add_directive("notice-versions", NoticeVersions)
    docdata.register(app, VersionListDomain)
    app.connect("doctree-resolved", _resolve)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
