"""Every notice's changes in one place: a change history page and an Atom feed.

The changes come from each notice's front matter, as read by the ``dates``
extension; nothing is written twice. A reader can subscribe to the feed
instead of re-reading the notices.

Registers:

* the ``change-history`` directive: every change of every notice, newest
  first, each linking to its entry in the notice's "Changes to this notice"
  section, after a link to the feed. A post-transform fills the page in as it
  is written, from the notices read, so it is rewritten (not re-read) when a
  change or a notice's title changes (:mod:`.dependents`);
* a ``build-finished`` handler that writes ``feed.xml`` (Atom, made with
  feedgen) into the HTML output: one entry per change, linking to the notice
  and the change's fragment, with its kind (``material`` or ``editorial``) as
  the entry's category. Every date in it comes from the data, none from the
  clock, so two builds of the same sources write the same bytes: a build
  whose feed would be made of the same values (a digest of them is kept
  beside the environment) leaves the feed written as it is;
* an ``html-page-context`` handler that gives templates ``policy_feed_url``
  (the feed's address relative to the page) and ``policy_feed_title``, for
  the ``<link rel="alternate" type="application/atom+xml">`` in every page's
  head (``_templates/base.html``).

Config: ``policy_feed_title``. The feed's links are absolute, so an HTML
build needs ``html_baseurl``.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path
from typing import ClassVar, NamedTuple

import feedgen.version
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.build.site_build import builds_site
from policy_sphinx_extensions.build import dependents, docdata
from policy_sphinx_extensions.build.refusals import refuse
from policy_sphinx_extensions.reading.page_kinds import Change, all_notice_dates, format_date
from policy_sphinx_extensions.versions.version_list import announcements
from policy_sphinx_extensions.versions import CHANGE_HISTORY_DOMAIN, is_version

FEED_FILE = "feed.xml"
# The digest of what the feed written last was made of, under the doctree folder.
FEED_RECORD = "feed.key"
ATOM_TYPE = "application/atom+xml"


class NoticeChange(NamedTuple):
    """One entry of one notice's change history."""

    docname: str
    title: str
    change: Change
    change_id: str


def all_changes(env) -> list[NoticeChange]:
    """Every change of every notice, newest first; same-day changes by notice title."""
    recorded = [(docname, change, change_id)
                for docname, dates in all_notice_dates(env).items()
                if not is_version(env, docname)  # versions: a notice's own changes, listed once
                for change, change_id in zip(dates.changes, dates.change_ids(), strict=True)]
    found = []
    # and the versions' upcoming changes, announced
    for docname, change, change_id in recorded + announcements(env):
        title = env.titles[docname].astext() if docname in env.titles else docname
        found.append(NoticeChange(docname, title, change, change_id))
    # Within a notice, the front matter's order (newest first) is kept.
    found.sort(key=lambda entry: entry.title)
    found.sort(key=lambda entry: entry.change.date, reverse=True)
    return found


class change_history(nodes.General, nodes.Element):
    """Where the change history goes; filled in once every notice is read."""


class ChangeHistoryDomain(docdata.DocumentData):
    """The pages holding the change history."""

    name = CHANGE_HISTORY_DOMAIN
    label = "Change history pages"
    data_version = 1
    initial_data: ClassVar[dict] = {"pages": {}, "errors": {}}


class ChangeHistory(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.domains[ChangeHistoryDomain.name].data["pages"][self.env.docname] = True
        return [change_history()]


def _history_nodes(env, builder, docname: str) -> list[nodes.Node]:
    subscribe = nodes.paragraph(classes=["feed-subscribe"])
    subscribe += nodes.Text("Follow these changes in a feed reader: ")
    subscribe += nodes.reference("", "Atom feed", classes=["feed-link"],
                                 refuri=relative_uri(builder.get_target_uri(docname), FEED_FILE))
    subscribe += nodes.Text(".")

    entries = nodes.bullet_list(classes=["site-change-history"])
    for entry in all_changes(env):
        item = nodes.paragraph()
        item += nodes.strong("", format_date(entry.change.date))
        item += nodes.Text(" — ")
        uri = builder.get_relative_uri(docname, entry.docname)
        item += nodes.reference("", entry.title, refuri=f"{uri}#{entry.change_id}", internal=True)
        item += nodes.Text(" ")
        item += nodes.inline("", entry.change.kind,
                             classes=["change-kind", f"change-kind-{entry.change.kind}"])
        item += nodes.Text(f": {entry.change.summary}")
        entries += nodes.list_item("", item)
    return [subscribe, entries]


class FillChangeHistory(SphinxPostTransform):
    """The change history, from every notice read, as the page is written."""

    default_priority = 400

    def run(self, **kwargs) -> None:
        # The builder, as Sphinx's own ReferencesResolver reaches it: a post-transform
        # has no public way to it (SphinxTransform.app is deprecated, to go in
        # Sphinx 11). tests/test_sphinx_private_api.py fails when it changes.
        builder = self.env._app.builder
        for placeholder in list(self.document.findall(change_history)):
            placeholder.replace_self(_history_nodes(self.env, builder, self.env.docname))


def _base_url(app: Sphinx) -> str:
    base = app.config.html_baseurl
    return base if base.endswith("/") else f"{base}/"


def _as_datetime(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(), tzinfo=datetime.UTC)


def build_feed(app: Sphinx, changes: list[NoticeChange]) -> bytes:
    """The Atom feed of every change (:func:`all_changes`), newest first."""
    # Imported here: a build whose feed is kept (below) needs none of feedgen.
    from feedgen.feed import FeedGenerator

    base = _base_url(app)
    feed = FeedGenerator()
    feed.id(f"{base}{FEED_FILE}")
    feed.title(app.config.policy_feed_title)
    feed.author({"name": app.config.author})
    feed.link(href=base, rel="alternate", type="text/html")
    feed.link(href=f"{base}{FEED_FILE}", rel="self", type=ATOM_TYPE)
    feed.language(app.config.language or "en")
    # An empty feed still needs an <updated>: the configured project
    # has no changes yet, so the epoch keeps builds reproducible.
    feed.updated(_as_datetime(changes[0].change.date if changes else datetime.date(1970, 1, 1)))
    for entry in changes:
        url = f"{base}{app.builder.get_target_uri(entry.docname)}#{entry.change_id}"
        when = _as_datetime(entry.change.date)
        item = feed.add_entry(order="append")
        item.id(url)
        item.title(f"{entry.title}: {entry.change.kind} change, {format_date(entry.change.date)}")
        item.link(href=url, rel="alternate", type="text/html")
        item.published(when)
        item.updated(when)
        item.category(term=entry.change.kind, label=f"{entry.change.kind} change")
        item.summary(entry.change.summary)
    return feed.atom_str(pretty=True)


def _check_config(app: Sphinx) -> None:
    if builds_site(app) and not app.config.html_baseurl:
        refuse("html_baseurl is not set: the Atom feed (feed.xml) needs the site's address "
               "for its absolute links")


def _feed_key(app: Sphinx, changes: list[NoticeChange]) -> str:
    """A digest of what the feed is made of: every value :func:`build_feed`
    reads, and the code that writes it (this module, feedgen's version)."""
    made_of = (Path(__file__).read_bytes(), feedgen.version.version_str,
               _base_url(app), app.config.policy_feed_title, app.config.author,
               app.config.language,
               [(app.builder.get_target_uri(entry.docname), entry) for entry in changes])
    return hashlib.sha256(repr(made_of).encode()).hexdigest()


def _write_feed(app: Sphinx, exception) -> None:
    if exception is None and builds_site(app):
        changes = all_changes(app.env)
        feed, record = Path(app.outdir, FEED_FILE), Path(app.doctreedir, FEED_RECORD)
        key = _feed_key(app, changes)
        if feed.is_file() and record.is_file() and record.read_text(encoding="utf-8") == key:
            return  # made of the same values by the same code: the same bytes
        feed.write_bytes(build_feed(app, changes))
        record.write_text(key, encoding="utf-8")


def _page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if builds_site(app):
        context["policy_feed_url"] = context["pathto"](FEED_FILE, resource=True)
        context["policy_feed_title"] = app.config.policy_feed_title


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.reading.page_kinds")
    app.add_config_value("policy_feed_title", "Python Software Foundation Policies: changes",
                         "html", types=[str])
    app.add_node(change_history)
    app.add_directive("change-history", ChangeHistory)
    docdata.register(app, ChangeHistoryDomain)
    app.add_post_transform(FillChangeHistory)
    app.connect("builder-inited", _check_config)
    # A history page shows every notice's changes and title.
    dependents.rewrite_when_changed(
        app, all_changes, lambda env: sorted(env.domains[ChangeHistoryDomain.name].data["pages"]))
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_feed)
    # Last, so that this extension's listeners come before the versions' as
    # the package sets them up: a version's changes are its notice's, and the
    # changes announced ahead are listed.
    app.setup_extension("policy_sphinx_extensions.versions")
    return {"version": "2.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
