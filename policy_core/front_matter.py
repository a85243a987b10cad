"""The front matter of a page: its kind, and a notice's date and change history.

Plain data and its rules, without Sphinx: the ``page_kinds`` extension applies them
to what MyST parsed, and the standalone tools to a file (:func:`read_page`).
The rules are described in
:mod:`policy_sphinx_extensions.reading.page_kinds`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from policy_core import yamldata

PAGE_KINDS = ("notice", "guide", "procedure", "report", "letter", "site")
DEFAULT_KIND = "notice"
CHANGE_KINDS = ("material", "editorial")
CHANGE_FIELDS = ("date", "kind", "summary")
# A front matter field saying the page's date was inferred (by ``make import``,
# from the previous site's git history), not stated: while it is there, the
# site says the notice was last updated then, never that it is in effect since
# then. An editor confirms the date by deleting the field.
INFERRED_DATE_FIELD = "date-inferred"
# The Python Software Foundation was founded in 2001: an earlier date is a typo.
EARLIEST = datetime.date(2001, 1, 1)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The id of the section a notice's page shows its dates and changes in
# (:mod:`policy_sphinx_extensions.reading.page_kinds` writes it; the redline
# shows it apart, uncounted).
CHANGES_SECTION_ID = "changes-to-this-notice"
# The classes of the paragraphs that state a notice's date: under its title,
# and at its end. The redline and the PDF's subject leave them out.
LAST_UPDATED_CLASS, NOTICE_DATE_CLASS = "last-updated", "notice-date"
DATE_CLASSES = frozenset({LAST_UPDATED_CLASS, NOTICE_DATE_CLASS})
# The class of the list of a notice's changes in that section.
CHANGE_HISTORY_CLASS = "change-history"


@dataclass(frozen=True)
class Change:
    date: datetime.date
    kind: str
    summary: str


@dataclass(frozen=True)
class NoticeDates:
    """A page's date and, for a notice, its change history, newest first."""

    date: datetime.date
    changes: tuple[Change, ...]

    @property
    def last_updated(self) -> str:
        return format_date(self.date)

    def change_ids(self) -> list[str]:
        """The id of each change, in order: ``change-<date>``, numbered from
        the oldest when one date has several changes, so that adding a change
        never renames an existing id."""
        ids, seen = [], {}
        for change in reversed(self.changes):
            stem = f"change-{change.date.isoformat()}"
            seen[stem] = seen.get(stem, 0) + 1
            ids.append(stem if seen[stem] == 1 else f"{stem}-{seen[stem]}")
        return ids[::-1]


@dataclass(frozen=True)
class Page:
    kind: str
    #: None for a page of another kind that gives no date
    dates: NoticeDates | None


class FrontMatterError(Exception):
    """A field that breaks the rules; *keys* lead to it (names and list indexes)."""

    def __init__(self, message: str, *keys: str | int) -> None:
        super().__init__(message)
        self.message = message
        self.keys = keys


def format_date(date: datetime.date) -> str:
    """``October 4, 2024``: the form every notice has always used."""
    return f"{date:%B} {date.day}, {date.year}"


def _iso_date(value, *keys: str | int) -> datetime.date:
    # YAML reads an unquoted ISO date as a date, MyST passes it on as text;
    # anything else is a mistake, including a time of day, which has no
    # meaning for a notice.
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError as error:
            raise FrontMatterError(f"invalid date {value!r}: {error}", *keys) from None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        if value < EARLIEST:
            raise FrontMatterError(
                f"'{keys[-1]}' {value.isoformat()} is before 2001, when the PSF was founded",
                *keys,
            )
        return value
    if value is None:
        raise FrontMatterError(f"'{keys[-1]}' is missing: write it as YYYY-MM-DD", *keys)
    raise FrontMatterError(f"'{keys[-1]}' must be an ISO date (YYYY-MM-DD), not {value!r}", *keys)


def _changes(raw_changes) -> list[Change]:
    if not isinstance(raw_changes, list) or not raw_changes:
        raise FrontMatterError(
            "'changes' must list at least the notice's first version", "changes"
        )
    changes: list[Change] = []
    for index, raw in enumerate(raw_changes):
        keys = ("changes", index)
        if not isinstance(raw, Mapping):
            raise FrontMatterError("each change is a mapping", "changes")
        unknown = sorted(set(raw) - set(CHANGE_FIELDS))
        if unknown:
            raise FrontMatterError(
                f"unknown field {unknown[0]!r} in a change: the fields are "
                f"{', '.join(CHANGE_FIELDS)}",
                *keys, unknown[0],
            )
        change_date = _iso_date(raw.get("date"), *keys, "date")
        kind = raw.get("kind")
        if kind not in CHANGE_KINDS:
            raise FrontMatterError(
                f"'kind' must be one of {', '.join(CHANGE_KINDS)}, not {kind!r}", *keys, "kind"
            )
        summary = raw.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise FrontMatterError("a change needs a 'summary'", *keys, "summary")
        if changes and change_date > changes[-1].date:
            raise FrontMatterError("changes must be listed newest first", *keys, "date")
        changes.append(Change(change_date, kind, " ".join(summary.split())))
    return changes


def page_from_fields(fields: Mapping, default_kind: str = DEFAULT_KIND) -> Page:
    """The page that front matter *fields* describe; FrontMatterError if they
    break a rule."""
    kind = fields.get("kind", default_kind)
    if kind not in PAGE_KINDS:
        raise FrontMatterError(
            f"the page 'kind' must be one of {', '.join(PAGE_KINDS)}, not {kind!r}", "kind"
        )
    if kind != "notice":
        if "changes" in fields:
            raise FrontMatterError(
                f"only a notice has 'changes' (this page's kind is {kind!r})", "changes"
            )
        dates = NoticeDates(_iso_date(fields["date"], "date"), ()) if "date" in fields else None
        return Page(kind, dates)

    if "date" not in fields:
        raise FrontMatterError("the notice has no 'date' in its front matter")
    date = _iso_date(fields["date"], "date")
    changes = _changes(fields.get("changes"))
    material = [change.date for change in changes if change.kind == "material"]
    if not material:
        raise FrontMatterError("'changes' has no material entry for the notice's date", "changes")
    if date != material[0]:
        raise FrontMatterError(
            f"'date' is {date.isoformat()} but the latest material change is dated "
            f"{material[0].isoformat()}: the date moves with material changes only",
            "date",
        )
    return Page(kind, NoticeDates(date, tuple(changes)))


def date_is_inferred(metadata: Mapping) -> bool:
    """Whether the page's front matter (or MyST's metadata of it) marks its date as inferred."""
    return bool(metadata.get(INFERRED_DATE_FIELD))


def page_from_metadata(metadata: Mapping[str, str], default_kind: str = DEFAULT_KIND) -> Page:
    """The page described by MyST's ``env.metadata`` of a document: ``changes``
    is JSON text there, as MyST writes every list and mapping."""
    fields = dict(metadata)
    if "changes" in fields:
        try:
            fields["changes"] = json.loads(fields["changes"])
        except (TypeError, ValueError):
            pass  # text, not a list: the rules say so
    return page_from_fields(fields, default_kind)


def read_page(path: Path, default_kind: str = DEFAULT_KIND) -> Page:
    """The page in the MyST file *path*, for tools that run without Sphinx.

    Raises DataError naming the line of a mistake.
    """
    return page_from_front(yamldata.front_matter(path), path, default_kind)


def page_from_front(front: yamldata.Mapping | None, path: Path | str,
                    default_kind: str = DEFAULT_KIND) -> Page:
    """The page of the front matter *front* (None: it has none) of *path*;
    DataError naming the line of a mistake."""
    try:
        return page_from_fields(front or {}, default_kind)
    except FrontMatterError as error:
        line = yamldata.line_of(front, error.keys) if front is not None else 1
        raise yamldata.DataError(path, line, error.message) from None


def default_kind(docname: str, root_doc: str = "index") -> str:
    """The kind of *docname*'s page when its front matter names none: the home
    page (``root_doc``) is a site page, every other page a notice."""
    return "site" if docname == root_doc else DEFAULT_KIND


def source_is_notice(path: Path, docname: str, root_doc: str = "index") -> bool:
    """Whether the MyST file *path* (the page of *docname*) is a notice, by the
    ``kind`` of its front matter or :func:`default_kind`: for the build and the
    tools sorting pages before any is checked. A front matter whose YAML cannot
    be read is taken for a notice's: the checks of a notice name the mistake."""
    try:
        front = yamldata.front_matter(path)
    except yamldata.DataError:
        return True
    return (front or {}).get("kind", default_kind(docname, root_doc)) == DEFAULT_KIND


def read_notice_dates(path: Path) -> NoticeDates | None:
    """The date and change history in *path*'s front matter; None when it is
    not a notice. Raises DataError naming the line of a mistake."""
    page = read_page(path)
    return page.dates if page.kind == "notice" else None
