"""Imported pages lint-clean on arrival, or a failure naming ``file:line``.

Each page the import writes gets ``make format``'s fixes (typographic quotes,
:mod:`tools.typography`; pymarkdown's fixes, with the same rule left to a
person, md001) before the build proves it lost nothing. After the build, the
project's own lint runs (``python -m tools.lint``, its policy, markdown and
spelling checks, every rule as CI runs it). A word the dictionary lacks on a
page the import wrote (a person's or a company's name) goes into the spelling
word list under a comment naming that page, for a reviewer to see; a finding
that only a change of the page's words would fix (a stray bracket the previous
site published) is accepted in ``tools/accepted-findings.yaml``, line by line,
for the same reviewer (:mod:`tools.accepted_findings`); every other finding
is the import's failure, as ``make lint`` would print it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pymarkdown.api import PyMarkdownApi, PyMarkdownApiException

from tools import accepted_findings
from tools.myst_notice import Finding, parse_tokens
from tools.typography import fix_lines, reader_spans, text_blocks

LINT_CHECKS = ("policy", "markdown", "spelling")
FINDING = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<rule>[\w.-]+): (?P<message>.*)$")
MARKDOWN_RULE = re.compile(r"md\d{3}|markdown")
SPELLING_WORD = re.compile(r"^'(?P<word>[^']+)' is not in the dictionary")
# Quotes whose form the place tells, on a page the import writes (make format
# leaves them to a person on the project's own pages): a quote at the start of
# a word opens, one after a word (or its full stop) closes; ’ is also the
# apostrophe of a plural ("users’ data").
OPENING = re.compile(r"(?:^|(?<=[\s(\[{—–-]))(['\"])(?=[\w\[(])")
CLOSING = re.compile(r"(?<=[\w.,;:!?)\]])(['\"])(?=$|[\s)\]}.,;:!?—–-])")
TYPOGRAPHIC = {("'", True): "‘", ("'", False): "’", ('"', True): "“", ('"', False): "”"}
# The spelling word list, as tools/spelling/conf.py names it.
WORDLIST = Path("tools/spelling/wordlist.txt")
# make format leaves the heading-level fix to a person: it would change the page.
FORMAT_SKIPS = ("md001",)
# Why a finding about the words of an imported page is accepted, not fixed.
KEPT_AS_WRITTEN = ("the previous site's words, kept as it published them; an editor who corrects"
                   " them, with a changes entry, deletes this entry")


@dataclass
class Cleaned:
    """The lint after an import: what is left, and what the import added to let it pass."""

    findings: list[Finding]
    # page -> the words added to the spelling word list for it.
    words: dict[str, list[str]] = field(default_factory=dict)
    # The findings accepted in tools/accepted-findings.yaml by this run.
    accepted: list[Finding] = field(default_factory=list)


def typographic_quotes(text: str) -> str:
    """*text* with make format's quote fixes, in headings too, then each quote its place tells.

    Headings too: the import keeps each heading's old id by a target where
    its text would give another, so a heading's quotes are the reader's alone.
    """
    lines = text.split("\n")
    blocks = text_blocks(parse_tokens(text), lines, headings=True)
    lines = fix_lines(lines, blocks)
    for block in blocks:
        for number, start, end in reader_spans(lines, block):
            line = lines[number]
            changes = {}
            for pattern, opening in ((OPENING, True), (CLOSING, False)):
                for match in pattern.finditer(line, start, end):
                    changes.setdefault(match.start(1), TYPOGRAPHIC[match.group(1), opening])
            lines[number] = "".join(changes.get(index, char) for index, char in enumerate(line))
    return "\n".join(lines)


def format_page(project: Path, path: Path) -> str | None:
    """Apply ``make format``'s fixes to *path*; the error of pymarkdown's, if it failed."""
    text = path.read_text(encoding="utf-8")
    fixed = typographic_quotes(text)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")
    api = PyMarkdownApi().configuration_file_path(str(project / "pyproject.toml"))
    for rule in FORMAT_SKIPS:
        api = api.disable_rule_by_identifier(rule)
    try:
        api.fix_path(str(path))
    except PyMarkdownApiException as error:
        return str(error)
    return None


def lint(project: Path, builddir: Path, checks: tuple[str, ...] = LINT_CHECKS) -> list[Finding]:
    """The project's lint findings (policy, markdown, spelling), as ``make lint`` reports them."""
    process = subprocess.run(
        [sys.executable, "-m", "tools.lint", *(f"--check={name}" for name in checks),
         "--source", str(project / "source"), "--builddir", str(builddir)],
        capture_output=True, text=True, check=False, cwd=project,
    )
    findings = [Finding(match["path"], int(match["line"]), match["rule"], match["message"])
                for line in process.stdout.splitlines() if (match := FINDING.match(line))]
    if process.returncode not in (0, 1) or (process.returncode == 1 and not findings):
        findings.append(Finding("tools/lint.py", 1, "lint", f"the lint did not run: {process.stderr.strip()}"))
    return findings


def unknown_words(findings: list[Finding], written: set[str]) -> dict[str, list[str]]:
    """page -> the words the dictionary lacks there, for the pages the import wrote."""
    words: dict[str, dict[str, None]] = {}  # a dict keeps each word once, in order
    for finding in findings:
        match = SPELLING_WORD.match(finding.message)
        if finding.rule == "spelling" and match and finding.path in written:
            words.setdefault(finding.path, {})[match["word"]] = None
    return {page: list(found) for page, found in words.items()}


def add_words(wordlist: Path, words: dict[str, list[str]]) -> None:
    """Each page's words under a comment naming it; a word already listed is not repeated."""
    text = wordlist.read_text(encoding="utf-8") if wordlist.exists() else ""
    known = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    for page, page_words in sorted(words.items()):
        new = [word for word in page_words if word not in known]
        if not new:
            continue
        heading = f"# On {page}, as the previous site wrote them: names, or words to correct"
        text = text.rstrip("\n") + ("\n" if text.strip() else "") + "\n".join([heading, *new]) + "\n"
        known.update(new)
    wordlist.write_text(text, encoding="utf-8")


def accept_kept_words(project: Path, findings: list[Finding], written: set[str]) -> list[Finding]:
    """Accept the findings on the pages the import wrote that only a change of words fixes; those accepted."""
    source, entries, accepted = project / "source", [], []
    for finding in findings:
        if finding.rule in accepted_findings.WORD_RULES and finding.path in written:
            lines = (project / finding.path).read_text(encoding="utf-8").splitlines()
            entries.append(accepted_findings.Acceptance(
                page=(project / finding.path).relative_to(source).as_posix(), rule=finding.rule,
                line=lines[finding.line - 1].strip(), why=KEPT_AS_WRITTEN))
            accepted.append(finding)
    return accepted if accepted_findings.add(project / accepted_findings.ACCEPTED, entries) else []


def clean(project: Path, builddir: Path, written: set[str]) -> Cleaned:
    """Lint the project after an import: what went into the word list and the accepted findings, and what is left."""
    findings = lint(project, builddir)
    words = unknown_words(findings, written)
    accepted = accept_kept_words(project, findings, written)
    if words:
        add_words(project / WORDLIST, words)
    # The checks whose findings the import's additions change run again, alone.
    again = tuple(check for check, added in (("policy", accepted), ("spelling", words)) if added)
    if again:
        findings = [finding for finding in findings if check_of(finding) not in again]
        findings += lint(project, builddir, again)
    return Cleaned(findings, words, accepted)


def check_of(finding: Finding) -> str:
    """Which of :data:`LINT_CHECKS` reported *finding*."""
    if finding.rule == "spelling":
        return "spelling"
    return "markdown" if MARKDOWN_RULE.fullmatch(finding.rule) else "policy"
