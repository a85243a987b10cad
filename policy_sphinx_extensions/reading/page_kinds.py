"""The kind of each page, and a notice's effective date and change history.

Front matter says what a page is, ``kind``:

* ``notice`` (the default): a notice of record. It has ``date`` (the
  effective date, an ISO date) and ``changes``, newest first, each with
  ``date``, ``kind`` (``material``: the legal content changed; ``editorial``:
  wording fixed without changing meaning) and a one-line ``summary``. The page
  shows the date as "Last updated October 4, 2024" under the title and again
  at the end, followed by a "Changes to this notice" section; the build also
  makes it a PDF and lists its changes on the change history page and feed.
* ``guide``, ``procedure``, ``report``, ``letter``: other documents. They need
  no date and have no change history or PDF; a ``date`` they give is checked
  like a notice's and shown as "Last updated" under the title.
* ``site``: the site's own pages (home, change history, processors, 404).
  The home page (``root_doc``) is one unless its front matter says otherwise.

A notice brought over by ``make import`` whose date the old site never stated
(the date of its last commit there) has ``date-inferred`` in its front matter,
saying where the date came from: the site then says the notice was last
updated on that date, never that it is in effect since; an editor confirms the
date by deleting the field.

Rules, each failing the build with the file and line: ``kind`` is one of
these; dates are valid ISO dates, none before 2001 (the PSF's founding);
changes are listed newest first; a notice's ``date`` is the date of its latest
material change, so an editorial fix never moves it and a material change
cannot be made without moving it; a change has only the fields ``date``,
``kind`` and ``summary``; only a notice has ``changes``.

The values are MyST's: it parses the front matter once, into
``env.metadata`` (lists and mappings as JSON text). The file is read again
only to find the line of a mistake. Anchors and aliases are refused before
MyST parses the front matter (:func:`.yamldata.refuse_anchors`).

Each entry of a history has its own id (``change-2024-10-04``), the address the
change history page and the Atom feed link to.

For other extensions: :func:`is_notice`, :func:`notice_dates`,
:func:`all_notice_dates`, :func:`format_date`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform

from policy_sphinx_extensions.build import docdata
from policy_core import yamldata
from policy_core.front_matter import (
    CHANGE_HISTORY_CLASS, CHANGES_SECTION_ID, LAST_UPDATED_CLASS, NOTICE_DATE_CLASS, Change,
    FrontMatterError, NoticeDates, Page, default_kind, format_date, page_from_metadata,
    read_notice_dates)

__all__ = ["Change", "NoticeDates", "all_notice_dates", "format_date", "is_notice", "notice_dates",
           "read_notice_dates"]


class PagesDomain(docdata.DocumentData):
    """Each read document's kind and dates; the mistakes of their front matter."""

    name = "policy-pages"
    label = "Page kinds and dates"
    data_version = 1
    initial_data: ClassVar[dict] = {"pages": {}, "errors": {}}
    error_subtype = "date"

    @property
    def pages(self) -> dict[str, Page]:
        return self.data["pages"]


def _domain(env: BuildEnvironment) -> PagesDomain:
    return env.domains[PagesDomain.name]


def is_notice(app: Sphinx, docname: str) -> bool:
    """Whether *docname* is a notice (its front matter's ``kind``), once read."""
    return notice_dates(app.env, docname) is not None


def notice_dates(env: BuildEnvironment, docname: str) -> NoticeDates | None:
    """The date and change history of the notice *docname*; None for other
    pages and for a notice whose front matter failed the build."""
    page = _domain(env).pages.get(docname)
    return page.dates if page is not None and page.kind == "notice" else None


def all_notice_dates(env: BuildEnvironment) -> dict[str, NoticeDates]:
    """Every notice's date and change history, by docname."""
    return {docname: page.dates for docname, page in sorted(_domain(env).pages.items())
            if page.kind == "notice"}


def _refuse_anchors(app: Sphinx, docname: str, source: list[str]) -> None:
    """Refuse YAML anchors and aliases in the front matter before MyST parses
    it: the block is read as empty, and the build fails naming the line."""
    try:
        block = yamldata.front_matter_block(source[0])
    except yamldata.DataError:
        return  # not front matter to MyST either: reported once the page is read
    if block is None:
        return
    try:
        yamldata.refuse_anchors(block[0], app.env.doc2path(docname), block[1])
    except yamldata.DataError as error:
        _domain(app.env).note_error(docname, error.line, error.message)
        lines = source[0].split("\n")
        count = block[0].count("\n") + 1
        lines[1:1 + count] = ["{}"] + [""] * (count - 1)
        source[0] = "\n".join(lines)


def _locate(path: Path, error: FrontMatterError) -> tuple[int, str]:
    """The line of *error* in *path*'s front matter, or the YAML mistake that
    kept MyST from reading it at all."""
    try:
        front = yamldata.front_matter(path)
    except yamldata.DataError as yaml_error:
        return yaml_error.line, yaml_error.message
    return (yamldata.line_of(front, error.keys) if front is not None else 1), error.message


def _last_updated(date, classes: list[str]) -> nodes.paragraph:
    return nodes.paragraph("", "Last updated ", nodes.strong("", format_date(date)),
                           classes=classes)


def _change_history(dates: NoticeDates) -> nodes.section:
    entries = nodes.bullet_list(classes=[CHANGE_HISTORY_CLASS])
    for change, change_id in zip(dates.changes, dates.change_ids(), strict=True):
        item = nodes.paragraph("", "", nodes.strong("", format_date(change.date)),
                               nodes.Text(f" ({change.kind}): {change.summary}"))
        entries += nodes.list_item("", item, ids=[change_id])
    return nodes.section("", nodes.title("", "Changes to this notice"), entries,
                         ids=[CHANGES_SECTION_ID], names=["changes to this notice"])


class PageDates(SphinxTransform):
    """Checks the page's kind and dates; on a notice, adds the "Last updated"
    lines and the "Changes to this notice" section.

    After the front matter became docinfo (priority 340), before Sphinx
    collects titles, tables of contents and the search index (880), so they
    all see what is added.
    """

    default_priority = 700

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        domain = _domain(self.env)
        if docname in domain.data["errors"]:
            return  # its front matter was refused before MyST read it
        try:
            default = default_kind(docname, self.config.root_doc)
            page = page_from_metadata(self.env.metadata[docname], default)
        except FrontMatterError as error:
            domain.note_error(docname, *_locate(Path(self.env.doc2path(docname)), error))
            return
        domain.pages[docname] = page
        if page.dates is None:
            return
        top = next(iter(self.document.findall(nodes.section)), None)
        if top is None:
            domain.note_error(docname, 1, "the page has no title heading")
            return
        top.insert(1, _last_updated(page.dates.date, [LAST_UPDATED_CLASS]))
        if page.kind == "notice":
            # The notice of record ends with its date, as it always has; labelled.
            top += _last_updated(page.dates.date, [NOTICE_DATE_CLASS])
            top += _change_history(page.dates)


def setup(app: Sphinx) -> dict:
    docdata.register(app, PagesDomain)
    app.add_transform(PageDates)
    app.connect("source-read", _refuse_anchors)
    return {"version": "2.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
