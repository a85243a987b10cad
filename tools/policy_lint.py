"""Policy lint: the defects PSF notices have actually shipped with, as rules.

Each rule is one function with an id, registered with :func:`tools.myst_notice.rule`
and reading a notice as tools/myst_notice.py parses it (with MyST's own parser,
so syntax is never text). Most rules are here; the invisible-character and
confusable-host rules are tools/unicode_rules.py's (they also read the data
files under ``source/_data/``), straight-quote is tools/typography.py's.
docs/lint.md and docs/editors-guide.md say what each rule finds and what to do,
tools/accepted_findings.py which findings about a notice's own words a page
may keep.

    python -m tools.policy_lint [PATH ...]      (default: source/)

prints every finding as ``path:line: rule-id: message`` and exits 1 if there
is one. It never changes a file. ``--list`` prints the rules' ids.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from policy_core import yamldata
from policy_core.front_matter import source_is_notice, read_notice_dates
from policy_core.links import DEFAULT_SCHEMES, link_problem, url_scheme
from tools import accepted_findings, typography, unicode_rules  # noqa: F401 - typography's rule registers on import
from tools.myst_notice import (
    BARE_URL,
    ROOT,
    RULES,
    SOURCE,
    SYNTAX,
    Finding,
    Notice,
    Report,
    child_lines,
    counted,
    display_path,
    encoding_finding,
    files_in,
    rule,
    summary,
)
from tools.revisions import read_config


@rule("line-ending")
def check_line_endings(notice: Notice) -> Report:
    carriage = [number for number, line in enumerate(notice.raw.split(b"\n"), 1) if b"\r" in line]
    if carriage:
        yield carriage[0], (
            f"{len(carriage)} line(s) end in CR LF or CR, from here on: save with LF line endings"
        )


ANGLE_DOMAIN = re.compile(r"<(?![a-zA-Z][\w+.-]*:)([\w-]+(?:\.[\w-]+)+(?:/[^<>\s]*)?)>")


@rule("angle-domain")
def check_angle_domains(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, _ in child_lines(token):
            if child.type == "text":
                for match in ANGLE_DOMAIN.finditer(child.content):
                    yield line, (
                        f"'{match.group(0)}' is dropped or shown with its brackets depending on "
                        f"the Markdown dialect: write {match.group(1)} as text, or "
                        f"[{match.group(1)}](https://{match.group(1)}/) as a link"
                    )


def _first_tag(html: str) -> str:
    tag = html.strip().split(">", 1)[0] + ">"
    return tag if len(tag) <= 60 else tag[:57] + "...>"


@rule("raw-html")
def check_raw_html(notice: Notice) -> Report:
    advice = "MyST passes raw HTML to readers as is: write Markdown or a directive instead"
    for token in notice.tokens:
        if token.type == "html_block":
            yield token.map[0] + 1, f"raw HTML {_first_tag(token.content)}: {advice}"
        elif token.type == "inline" and token.map:
            for child, line, _ in child_lines(token):
                # A closing tag is reported with its opening tag.
                if child.type == "html_inline" and not child.content.startswith("</"):
                    yield line, f"raw HTML {_first_tag(child.content)}: {advice}"


@functools.cache
def link_schemes() -> list[str]:
    """The schemes links may have: ``policy_link_schemes``, as conf.py sets it for the build."""
    return read_config(ROOT, policy_link_schemes=DEFAULT_SCHEMES).policy_link_schemes


@rule("link-scheme")
def check_link_schemes(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, _ in child_lines(token):
            if child.type != "link_open":
                continue
            if problem := link_problem(str(child.attrs.get("href", "")), link_schemes()):
                yield line, problem


@rule("bare-url")
def check_bare_urls(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, in_link in child_lines(token):
            if child.type == "text" and not in_link:
                for match in BARE_URL.finditer(child.content):
                    url = match.group(0).rstrip(".,;:)]")
                    yield line, f"{url} is plain text, not a link: write it as [text]({url})"


SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<=\S)[ \t\n]+([.,;:])(?=\s|$)")


@rule("space-before-punctuation")
def check_space_before_punctuation(notice: Notice) -> Report:
    for inline in notice.inline_texts():
        for match in SPACE_BEFORE_PUNCTUATION.finditer(inline.text):
            yield inline.line_at(match.start(1)), (
                f"space before '{match.group(1)}': a word may be missing here"
            )


@rule("empty-link-text")
def check_empty_link_text(notice: Notice) -> Report:
    # [](#label) and [](page.md) are MyST references that take the target's
    # title; a link to a URL has no title to take.
    for token, _ in notice.inline_tokens():
        opened: tuple[str, int] | None = None
        text = ""
        for child, line, _ in child_lines(token):
            if child.type == "link_open":
                opened, text = (str(child.attrs.get("href", "")), line), ""
            elif child.type == "link_close" and opened:
                href, link_line = opened
                if url_scheme(href) and not text.strip():
                    yield link_line, f"link to {href} has no text: readers cannot see it"
                opened = None
            elif opened and child.type != "softbreak":
                text += child.content or SYNTAX


DOUBLED_WORD = re.compile(r"\b([A-Za-z]+)\s+(\1)\b", re.IGNORECASE)


@rule("doubled-word")
def check_doubled_words(notice: Notice) -> Report:
    for inline in notice.inline_texts():
        for match in DOUBLED_WORD.finditer(inline.text):
            yield inline.line_at(match.start(2)), f"'{match.group(1)}' is written twice"


PAIRS = {")": "(", "]": "[", "}": "{", "”": "“"}
OPENERS = set(PAIRS.values())


@rule("unbalanced-brackets")
def check_brackets(notice: Notice) -> Report:
    for inline in notice.inline_texts():
        stack: list[tuple[str, int]] = []
        quotes: list[int] = []
        for offset, char in enumerate(inline.text):
            if char in OPENERS:
                stack.append((char, offset))
            elif char in PAIRS:
                if stack and stack[-1][0] == PAIRS[char]:
                    stack.pop()
                else:
                    yield inline.line_at(offset), f"'{char}' closes nothing in this paragraph"
            elif char == '"':
                quotes.append(offset)
        for char, offset in stack:
            yield inline.line_at(offset), f"'{char}' is never closed in this paragraph"
        if len(quotes) % 2:
            yield inline.line_at(quotes[-1]), "a '\"' has no partner in this paragraph"


SECTION_NUMBER = re.compile(r"^(\d+)[.)]?\s")


@rule("section-numbering")
def check_section_numbering(notice: Notice) -> Report:
    # The last number seen at each heading level, forgotten when a heading
    # of a higher level starts a new parent section.
    last: dict[int, int] = {}
    for token, tag in notice.inline_tokens():
        if not re.fullmatch(r"h[1-6]", tag):
            continue
        level = int(tag[1])
        last = {key: seen for key, seen in last.items() if key <= level}
        match = SECTION_NUMBER.match(token.content)
        if not match:
            continue
        number, previous = int(match.group(1)), last.get(level, 0)
        if number != previous + 1:
            problem = "repeats" if number == previous else "is out of order"
            yield token.map[0] + 1, f"section number {number} {problem}: expected {previous + 1}"
        last[level] = number


@rule("title")
def check_title(notice: Notice) -> Report:
    if notice.is_site_page:
        return
    headings = [(token, tag) for token, tag in notice.inline_tokens() if re.fullmatch(r"h\d", tag)]
    if not headings or headings[0][1] != "h1":
        line = headings[0][0].map[0] + 1 if headings else 1
        yield line, "a notice starts with its title as a '# ' heading"
    for token, tag in headings[1:]:
        if tag == "h1":
            yield token.map[0] + 1, "a notice has one '# ' title heading: make this '## '"


@rule("front-matter")
def check_front_matter(notice: Notice) -> Report:
    if notice.is_site_page:
        return
    try:
        read_notice_dates(notice.path)
        front = yamldata.front_matter(notice.path)
    except yamldata.DataError as error:
        yield error.line, error.message
        return
    if "upcoming" in front:
        yield front.line_of("upcoming"), (
            "'upcoming' is no longer used: a 'date' after the build date is what makes "
            "a version upcoming; remove the line"
        )
    # A material change may take effect on a future date (the site announces
    # it until then); an editorial change applies to the text in effect now.
    today = datetime.date.today()
    for change in front["changes"]:
        if change["kind"] == "editorial" and change["date"] > today:
            yield change.line_of("date"), (
                f"editorial change dated {change['date'].isoformat()}, in the future: an "
                "editorial fix takes effect at once, so date it today (a change that "
                "takes effect later is material)"
            )


# --- running ---------------------------------------------------------------


def site_pages(source: Path = SOURCE) -> set[str]:
    """Documents that are not notices, as their front matter's ``kind`` says
    (the home page is a site page unless it says otherwise)."""
    docnames = {path: path.relative_to(source).with_suffix("").as_posix()
                for path in files_in([source], "*.md")}
    return {docname for path, docname in docnames.items() if not source_is_notice(path, docname)}


def check_file(path: Path, source: Path, pages: set[str]) -> list[Finding]:
    """Every finding of every rule in the MyST file *path* under *source*, whose
    documents *pages* are site pages."""
    try:
        docname = path.resolve().relative_to(source.resolve()).with_suffix("").as_posix()
    except ValueError:
        docname = path.stem
    raw, shown = path.read_bytes(), display_path(path)
    if finding := encoding_finding(raw, shown):
        return [finding]
    notice = Notice(path, raw, docname in pages)
    return sorted(Finding(shown, line, rule_id, message)
                  for rule_id, check in RULES.items() for line, message in check(notice))


def check_paths(paths: Iterable[Path], source: Path = SOURCE) -> list[Finding]:
    """Every finding in the MyST files of *paths*, and in the data files
    under *source*'s ``_data`` when *source* is among *paths*."""
    paths = list(paths)
    pages = site_pages(source)
    findings, checked = [], {}
    for path in files_in(paths, "*.md"):
        findings += check_file(path, source, pages)
        if path.resolve().is_relative_to(source.resolve()):
            page = path.resolve().relative_to(source.resolve()).as_posix()
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            checked[display_path(path)] = (page, lines)
    whole_source = any(path.resolve() == source.resolve() for path in paths)
    accepted = source.parent / accepted_findings.ACCEPTED
    findings = accepted_findings.apply(findings, checked, accepted, every_page=whole_source)
    if whole_source:
        findings += [finding for path in data_files(source) for finding in check_data_file(path)]
    return findings


def data_files(source: Path) -> list[Path]:
    return sorted((source / "_data").glob("*.y*ml"))


def check_data_file(path: Path) -> list[Finding]:
    """The character rules over a YAML data file, whose text reaches the pages."""
    raw, shown = path.read_bytes(), display_path(path)
    if finding := encoding_finding(raw, shown):
        return [finding]
    text = path.read_text(encoding="utf-8")
    return sorted(Finding(shown, line, rule_id, message)
                  for line, rule_id, message in unicode_rules.check_data(text))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.policy_lint",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="MyST files or folders (default: source/)")
    parser.add_argument("--source", type=Path, default=SOURCE,
                        help="the source folder (to tell site pages)")
    parser.add_argument("--list", action="store_true", help="list the rules and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(RULES))
        return 0
    paths = args.paths or [args.source]
    findings = check_paths(paths, args.source)
    for finding in findings:
        print(finding)
    checked = len(files_in(paths, "*.md")) + (len(data_files(args.source)) if not args.paths else 0)
    print(summary("policy", counted(checked), len(findings)), file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
