"""An imported page's date: stated in its own words, or else inferred from its git history.

Only a date the page states is its effective date. The author date of the last
commit that changed it is what the live site showed as "Last updated"; the
import writes it as the page's date, marked as inferred (:data:`PageDate.inferred`)
for an editor to confirm.
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from .history import Commit

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
STATED_DATE = re.compile(
    rf"(?P<label>Effective(?: date)?|Last (?:updated|modified|revised))\s*:?\s*(?:on\s+)?"
    rf"(?:(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))",
    re.IGNORECASE,
)


class PageDate(NamedTuple):
    date: datetime.date
    source: str  # what the report says of it
    inferred: bool = False
    #: the page's own words stating it, when it states it
    words: str = ""


def stated_date(text: str, first_line: int = 1) -> PageDate | None:
    """The date the page states ("Effective date: March 1, 2024", "Last updated 2023-01-05")."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        if not (match := STATED_DATE.search(line)):
            continue
        if match["iso"]:
            date = datetime.date.fromisoformat(match["iso"])
        else:
            month = MONTHS.lower().split("|").index(match["month"].lower()) + 1
            date = datetime.date(int(match["year"]), month, int(match["day"]))
        return PageDate(date, f"stated on line {number}: {match.group(0)!r}", words=match.group(0))
    return None


def last_commit_date(commits: list[Commit]) -> PageDate | None:
    """The author date of the last commit that changed the page: a date inferred, not stated."""
    if not commits:
        return None
    last = commits[0]
    return PageDate(last.date, f"inferred: author date of the last commit to the page, {last.name[:12]} "
                               f"“{last.subject}”", inferred=True)
