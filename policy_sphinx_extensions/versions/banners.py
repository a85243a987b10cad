"""The banners that tell a reader which version of a notice they are reading.

Added under the title of each page as it is written (``doctree-resolved``),
from the versions table of :mod:`.versions`, so a change of status (the build
date passing a version's date) changes them without re-reading any text:

* a notice with an upcoming version: "An updated version of this notice
  takes effect on January 15, 2027", linking the upcoming version and its
  redline;
* a superseded version: the dates it was in effect from and until, and a
  link to the current version;
* the current version at its dated address: that it is in effect (or, while
  its front matter marks the date as inferred, ``date-inferred``, that it was
  last updated then, a date not yet confirmed), and a link
  to the notice's own address;
* an upcoming version: the date it takes effect (and its "Last updated"
  lines say "Takes effect");
* every version after the first: its redline against the version before it,
  as a page and as a PDF.

The banners are admonitions, so the theme styles them and the PDF carries
them; the redline of two versions leaves them out (``BANNER_CLASS``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.reading.page_kinds import format_date
from policy_core.front_matter import DATE_CLASSES, date_is_inferred
from policy_sphinx_extensions.versions import (NoticeVersion, version_addresses, version_of,
                                               versions_table)

BANNER_CLASS = "version-banner"


def _link(text: str, refuri: str) -> nodes.reference:
    return nodes.reference("", text, refuri=refuri, internal=True)


def _banner(status: str, title: str, *paragraphs: nodes.paragraph) -> nodes.admonition:
    return nodes.admonition("", nodes.title("", title), *paragraphs,
                            classes=[BANNER_CLASS, f"version-{status}"])


def _paragraph(*parts) -> nodes.paragraph:
    return nodes.paragraph("", "", *(nodes.Text(part) if isinstance(part, str) else part
                                     for part in parts))


def _redline_paragraph(app: Sphinx, docname: str, version: NoticeVersion) -> nodes.paragraph:
    here, addresses = app.builder.get_target_uri(docname), version_addresses(app, version)
    previous = version_of(app.env, version.previous)
    parts = [f"What changed from the version of {format_date(previous.date)}: ",
             _link("redline", relative_uri(here, addresses["redline"]))]
    if "redline_pdf" in addresses:
        parts += [" (", _link("PDF", relative_uri(here, addresses["redline_pdf"])), ")"]
    return _paragraph(*parts, ".")


def _notice_banners(app: Sphinx, docname: str) -> list[nodes.Node]:
    banners = []
    versions = versions_table(app.env).get(docname, ())
    in_effect = any(version.status == "current" for version in versions)
    for version in [version for version in versions if version.status == "upcoming"]:
        when = format_date(version.date)
        uri = app.builder.get_relative_uri(docname, version.docname)
        text = (f"An updated version of this notice takes effect on {when}" if in_effect
                else f"This notice takes effect on {when}")
        parts = [_paragraph(_link(text, uri), ".")]
        if version.previous:
            parts.append(_redline_paragraph(app, docname, version))
        banners.append(_banner("announcement", "Upcoming change", *parts))
    return banners


def _version_banners(app: Sphinx, docname: str, version: NoticeVersion) -> list[nodes.Node]:
    notice_uri = app.builder.get_relative_uri(docname, version.notice)
    since = format_date(version.date)
    if version.status == "superseded":
        until = format_date(version.in_effect_until)
        lines = [_paragraph(f"This version was in effect from {since} until {until}. "),
                 _paragraph(_link("Read the current version", notice_uri), ".")]
    elif version.status == "current" and date_is_inferred(app.env.metadata.get(version.notice, {})):
        lines = [_paragraph(f"This version was last updated {since}, a date not yet confirmed: "
                            "it is the ", _link("current version", notice_uri), ".")]
    elif version.status == "current":
        lines = [_paragraph(f"This version is in effect since {since}: it is the ",
                            _link("current version", notice_uri), ".")]
    else:
        lines = [_paragraph(f"This version takes effect on {since}. Until then, ",
                            _link("the version in effect", notice_uri), " applies.")]
    if version.previous:
        lines.append(_redline_paragraph(app, docname, version))
    # "Superseded version", "Current version", "Upcoming version"
    return [_banner(version.status, f"{version.status.capitalize()} version", *lines)]


def _add_banners(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    version = version_of(app.env, docname)
    banners = (_version_banners(app, docname, version) if version
               else _notice_banners(app, docname))
    top = next(iter(doctree.findall(nodes.section)), None)
    if banners and top is not None:
        top[1:1] = banners
    if version is not None and version.status == "upcoming":
        _say_it_takes_effect(doctree)


def _say_it_takes_effect(doctree: nodes.document) -> None:
    """An upcoming version was not "last updated" on a date still to come:
    its dates say when it takes effect."""
    for paragraph in doctree.findall(nodes.paragraph):
        if DATE_CLASSES & set(paragraph["classes"]):
            label = paragraph.children[0]
            if isinstance(label, nodes.Text) and label.astext() == "Last updated ":
                paragraph.replace(label, nodes.Text("Takes effect "))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", _add_banners)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
