"""Findings of the policy lint that a page keeps on purpose, each one named for review.

A few rules (:data:`WORD_RULES`) are about a notice's words themselves: the
only fix is to change the words, which only an editor does, with a changes
entry. Until then such a finding can be accepted, one line of one page at a
time, in ``tools/accepted-findings.yaml``, where a reviewer sees it (docs/lint.md
shows an entry). When the line is no longer on the page, the entry itself is a
finding, so an acceptance never outlives the words it was given for; every
other rule has a fix that keeps the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from policy_core import yamldata
from tools.myst_notice import Finding, display_path

# The file, relative to the project: beside the spelling word list's folder.
ACCEPTED = Path("tools/accepted-findings.yaml")
WORD_RULES = ("doubled-word", "space-before-punctuation", "unbalanced-brackets")
RULE_ID = "accepted-finding"
# An entry's fields, in the order the file writes them.
FIELDS = ("page", "rule", "line", "why")
HEADER = """\
# Findings of the policy lint kept on purpose: each is about a notice's own
# words, which only an editor changes, with a changes entry. An entry accepts
# its rule's findings on that line of that page (under source/), as written;
# the lint fails on an entry whose line is no longer on its page.
# tools/accepted_findings.py says more.
"""


@dataclass(frozen=True)
class Acceptance:
    page: str
    rule: str
    line: str
    why: str
    at: int = 0  # the entry's line in the file

    @property
    def key(self) -> tuple[str, str, str]:
        return self.page, self.rule, self.line


def read(path: Path) -> tuple[list[Acceptance], list[Finding]]:
    """The entries of *path* (none if it does not exist), and a finding for each malformed one."""
    if not path.exists():
        return [], []
    shown = display_path(path)
    try:
        data = yamldata.load_file(path)
    except yamldata.DataError as error:
        return [], [Finding(shown, error.line, RULE_ID, error.message)]
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Finding(shown, 1, RULE_ID, "the file is a list of entries")]
    entries, problems = [], []
    for entry in data:
        at = getattr(entry, "line", 1)
        fields = {key: entry.get(key) for key in FIELDS} \
            if isinstance(entry, dict) else {}
        missing = [key for key, value in fields.items() if not isinstance(value, str) or not value.strip()]
        if not fields or missing or set(entry) - set(fields):
            problems.append(Finding(shown, at, RULE_ID, "an entry has exactly page, rule, line and why,"
                                    f" each some text{': ' + ', '.join(missing) + ' missing' if missing else ''}"))
        elif fields["rule"] not in WORD_RULES:
            problems.append(Finding(shown, at, RULE_ID, f"'{fields['rule']}' findings cannot be accepted:"
                                    f" only those of {', '.join(WORD_RULES)}; fix the page"))
        else:
            entries.append(Acceptance(**fields, at=at))
    return entries, problems


def apply(findings: list[Finding], checked: dict[str, tuple[str, list[str]]], path: Path,
          every_page: bool = False) -> list[Finding]:
    """*findings* less the ones *path* accepts, and a finding for each of its entries that accepts nothing.

    *checked* holds each page checked: its display path (the findings') ->
    its path under source/ and its lines. An entry of a page not checked is
    left alone, unless *every_page* was checked: then there is no such page.
    """
    entries, problems = read(path)
    accepted = {entry.key for entry in entries}
    used, kept = set(), []
    for finding in findings:
        page, lines = checked.get(finding.path, ("", []))
        text = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
        if (page, finding.rule, text) in accepted:
            used.add((page, finding.rule, text))
        else:
            kept.append(finding)
    pages = {page for page, _ in checked.values()}
    for entry in entries:
        if entry.page in pages and entry.key not in used:
            problems.append(Finding(display_path(path), entry.at, RULE_ID,
                                    f"{entry.page} has no '{entry.rule}' finding on that line any more"
                                    " (corrected, or the line changed): delete the entry"))
        elif every_page and entry.page not in pages:
            problems.append(Finding(display_path(path), entry.at, RULE_ID,
                                    f"{entry.page} is no page under source/ (moved or deleted):"
                                    " delete the entry"))
    return kept + problems


def add(path: Path, new: list[Acceptance]) -> list[Acceptance]:
    """Append the entries of *new* that *path* does not hold yet; the ones appended."""
    known = {entry.key for entry in read(path)[0]}
    added = []
    for entry in new:
        if entry.key not in known:
            known.add(entry.key)
            added.append(entry)
    if not added:
        return []
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    records = [{key: getattr(entry, key) for key in FIELDS} for entry in added]
    text = text.rstrip("\n") + "\n" + yaml.safe_dump(records, sort_keys=False, allow_unicode=True,
                                                     width=float("inf"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return added
