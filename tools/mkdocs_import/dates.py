"""Where an imported page's effective date comes from: its own words, or else its git history."""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
STATED_DATE = re.compile(
    rf"(?P<label>Effective(?: date)?|Last (?:updated|modified|revised))\s*:?\s*(?:on\s+)?"
    rf"(?:(?P<month>{MONTHS})\s+(?P<day>\d{{1,2}}),\s*(?P<year>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageDate:
    date: datetime.date
    source: str  # what the report says of it


def stated_date(text: str, first_line: int = 1) -> PageDate | None:
    """The date the page states ("Effective date: March 1, 2024", "Last updated 2023-01-05")."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        match = STATED_DATE.search(line)
        if not match:
            continue
        if match["iso"]:
            date = datetime.date.fromisoformat(match["iso"])
        else:
            month = MONTHS.lower().split("|").index(match["month"].lower()) + 1
            date = datetime.date(int(match["year"]), month, int(match["day"]))
        return PageDate(date, f"stated on line {number}: {match.group(0)!r}")
    return None


def git_date(repository: Path, path: Path) -> PageDate | None:
    """The author date of the last commit touching *path* in *repository*'s history."""
    process = subprocess.run(
        ["git", "-C", str(repository), "log", "-1", "--format=%H %as", "--", str(path)],
        capture_output=True, text=True, check=False,
    )
    if process.returncode != 0 or not process.stdout.strip():
        return None
    commit, date = process.stdout.split()
    return PageDate(datetime.date.fromisoformat(date), f"author date of commit {commit[:12]}")


def is_shallow(repository: Path) -> bool:
    process = subprocess.run(
        ["git", "-C", str(repository), "rev-parse", "--is-shallow-repository"],
        capture_output=True, text=True, check=False,
    )
    return process.stdout.strip() == "true"
