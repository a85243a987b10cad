"""Each notice's effective date and change history, read from its front matter.

A notice's front matter holds ``date`` (the effective date, an ISO date) and
``changes``, newest first, each with ``date``, ``kind`` (``material``: the
legal content changed; ``editorial``: wording fixed without changing meaning)
and a one-line ``summary``. The date is written once, there; the page shows it
as "Last updated October 4, 2024" under the title and at the end of the notice,
followed by a "Changes to this notice" section.

Rules, each failing the build with the file and line:

* ``date`` is a valid ISO date, and every change has one;
* changes are listed newest first;
* ``date`` is the date of the latest material change, so an editorial fix
  never moves it and a material change cannot be made without moving it;
* a change has only the fields ``date``, ``kind`` and ``summary``.

Each entry of the history has its own id (``change-2024-10-04``), the address
the change history page and the Atom feed link to.

Every document is a notice except those listed in ``policy_site_pages``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from . import yamldata

logger = logging.getLogger(__name__)

KINDS = ("material", "editorial")
CHANGE_FIELDS = ("date", "kind", "summary")
CHANGES_SECTION_ID = "changes-to-this-notice"


@dataclass(frozen=True)
class Change:
    date: datetime.date
    kind: str
    summary: str


@dataclass(frozen=True)
class NoticeDates:
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


def format_date(date: datetime.date) -> str:
    """``October 4, 2024``: the form every notice has always used."""
    return f"{date:%B} {date.day}, {date.year}"


def _iso_date(value, path: Path, line: int, field: str) -> datetime.date:
    # YAML reads an unquoted ISO date as a date; anything else is a mistake,
    # including a datetime (a time of day has no meaning for a notice).
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if value is None:
        raise yamldata.DataError(path, line, f"'{field}' is missing: write it as YYYY-MM-DD")
    raise yamldata.DataError(path, line, f"'{field}' must be an ISO date (YYYY-MM-DD), not {value!r}")


def read_notice_dates(path: Path) -> NoticeDates:
    """Parse and check the date and change history in *path*'s front matter."""
    front = yamldata.front_matter(path)
    if front is None or "date" not in front:
        line = front.line if front is not None else 1
        raise yamldata.DataError(path, line, "the notice has no 'date' in its front matter")
    date = _iso_date(front["date"], path, front.line_of("date"), "date")

    raw_changes = front.get("changes")
    if not isinstance(raw_changes, list) or not raw_changes:
        raise yamldata.DataError(
            path, front.line_of("changes"), "'changes' must list at least the notice's first version"
        )
    changes = []
    for raw in raw_changes:
        if not isinstance(raw, yamldata.Mapping):
            raise yamldata.DataError(path, front.line_of("changes"), "each change is a mapping")
        unknown = sorted(set(raw) - set(CHANGE_FIELDS))
        if unknown:
            raise yamldata.DataError(
                path,
                raw.line_of(unknown[0]),
                f"unknown field {unknown[0]!r} in a change: the fields are "
                f"{', '.join(CHANGE_FIELDS)}",
            )
        change_date = _iso_date(raw.get("date"), path, raw.line_of("date"), "date")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise yamldata.DataError(
                path, raw.line_of("kind"), f"'kind' must be one of {', '.join(KINDS)}, not {kind!r}"
            )
        summary = raw.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise yamldata.DataError(path, raw.line_of("summary"), "a change needs a 'summary'")
        if changes and change_date > changes[-1].date:
            raise yamldata.DataError(
                path, raw.line_of("date"), "changes must be listed newest first"
            )
        changes.append(Change(change_date, kind, " ".join(summary.split())))

    material = [change.date for change in changes if change.kind == "material"]
    if not material:
        raise yamldata.DataError(
            path, front.line_of("changes"), "'changes' has no material entry for the notice's date"
        )
    if date != material[0]:
        raise yamldata.DataError(
            path,
            front.line_of("date"),
            f"'date' is {date.isoformat()} but the latest material change is dated "
            f"{material[0].isoformat()}: the date moves with material changes only",
        )
    return NoticeDates(date, tuple(changes))


def _last_updated(dates: NoticeDates) -> nodes.paragraph:
    paragraph = nodes.paragraph(classes=["last-updated"])
    paragraph += nodes.Text("Last updated ")
    paragraph += nodes.strong("", dates.last_updated)
    return paragraph


def _change_history(dates: NoticeDates) -> nodes.section:
    section = nodes.section(ids=[CHANGES_SECTION_ID], names=["changes to this notice"])
    section += nodes.title("", "Changes to this notice")
    entries = nodes.bullet_list(classes=["change-history"])
    for change, change_id in zip(dates.changes, dates.change_ids(), strict=True):
        item = nodes.paragraph()
        item += nodes.strong("", format_date(change.date))
        item += nodes.Text(f" ({change.kind}): {change.summary}")
        entries += nodes.list_item("", item, ids=[change_id])
    section += entries
    return section


def _read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    if env.docname in app.config.policy_site_pages:
        return
    try:
        dates = read_notice_dates(Path(env.doc2path(env.docname)))
    except yamldata.DataError as error:
        env.policy_date_errors[env.docname] = (error.line, error.message)
        return
    env.policy_notice_dates[env.docname] = dates

    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        env.policy_date_errors[env.docname] = (1, "the notice has no title heading")
        return
    top.insert(1, _last_updated(dates))
    top += nodes.paragraph("", dates.last_updated, classes=["notice-date"])
    top += _change_history(dates)


def _check(app: Sphinx, env) -> None:
    # Runs in the main process after every read, so cached errors still count.
    for docname, (line, message) in sorted(env.policy_date_errors.items()):
        logger.error(message, location=(docname, line), type="policy", subtype="date")
        app.statuscode = 1


def _init(app: Sphinx) -> None:
    env = app.env
    for attribute in ("policy_notice_dates", "policy_date_errors"):
        if not hasattr(env, attribute):
            setattr(env, attribute, {})


def _purge(app: Sphinx, env, docname: str) -> None:
    env.policy_notice_dates.pop(docname, None)
    env.policy_date_errors.pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for attribute in ("policy_notice_dates", "policy_date_errors"):
        mine, theirs = getattr(env, attribute), getattr(other, attribute)
        mine.update({docname: theirs[docname] for docname in docnames if docname in theirs})


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_site_pages", ["index"], "env", types=[list])
    app.connect("builder-inited", _init)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # Before Sphinx's collectors (priority 500), so the page's table of
    # contents and the search index see the added section.
    app.connect("doctree-read", _read, priority=400)
    app.connect("env-check-consistency", _check)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
