"""Policy lint: the defects PSF notices have actually shipped with, as rules.

Each rule is one function with an id. A notice is parsed with MyST's own
Markdown parser (the one Sphinx uses), so front matter, fenced directives,
roles, ``(label)=`` targets and ``[](#id)`` links are syntax, never text: the
rules only see the words and links a reader sees.

    python -m tools.policy_lint [PATH ...]      (default: source/)

prints every finding as ``path:line: rule-id: message`` and exits 1 if there
is one. It never changes a file.

Rules (``python -m tools.policy_lint --list`` prints their ids):

* ``line-ending``        a line ending in CR LF or CR (edits from other tools)
* ``angle-domain``       ``<python.org>``: dropped as an unknown tag by most
  Markdown dialects, shown with its brackets by the rest
* ``raw-html``           raw HTML, which MyST passes through to readers as is
* ``link-scheme``        a link that is not ``https://`` (``mailto:`` aside)
* ``bare-url``           a URL written as plain text instead of a link
* ``space-before-punctuation``  `` .``/`` ,``/`` ;``/`` :``: a word went missing
* ``empty-link-text``    ``[](https://...)``: a link readers cannot see
* ``doubled-word``       "the the"
* ``unbalanced-brackets`` a bracket or double quote without its partner
* ``section-numbering``  numbered headings not 1, 2, 3 ... in order
* ``title``              a notice starts with its one ``#`` title heading
* ``front-matter``       date and change history as the build requires them;
  a material change may be dated in the future (it is then announced until
  it takes effect), an editorial one may not
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
sys.path.insert(0, str(ROOT))

# Imported once ROOT is on the path, so that the tool also runs as a script.
from policy_sphinx_extensions import dates, yamldata

# Inline syntax that is not text (a role, inline code, inline HTML) stands in
# the assembled text as this one character: words on either side stay apart,
# and nothing inside it can look like a bracket or a doubled word.
SYNTAX = "\ufffc"

# Directives whose body MyST parses as Markdown, so their text is checked;
# the body of any other directive is its own business (data, code, options).
MARKDOWN_DIRECTIVES = frozenset(
    {"admonition", "attention", "caution", "danger", "error", "hint", "important", "note",
     "seealso", "tip", "warning"}
)


@dataclass(frozen=True, order=True)
class Finding:
    """One defect: where it is, which rule found it, what to do."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def display_path(path: Path | str) -> str:
    """*path* relative to the working directory when it is below it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class InlineText:
    """The text of one paragraph or heading as a reader sees it, with its lines."""

    text: str
    # (offset in text, source line) at each point where the line changes
    offsets: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        return self.lines[bisect.bisect_right(self.offsets, offset) - 1]


@dataclass
class Notice:
    """A MyST source file, parsed once for every rule."""

    path: Path
    raw: bytes
    is_site_page: bool

    @cached_property
    def text(self) -> str:
        return self.raw.decode("utf-8")

    @cached_property
    def tokens(self) -> list[Token]:
        return list(_parse(self.text, 0))

    def inline_tokens(self) -> Iterator[tuple[Token, str]]:
        """Each inline token with the tag of the block holding it (p, h1, ...)."""
        for index, token in enumerate(self.tokens):
            if token.type == "inline" and token.map:
                yield token, self.tokens[index - 1].tag

    def inline_texts(self) -> Iterator[InlineText]:
        for token, _ in self.inline_tokens():
            yield assemble(token)


_MD = create_md_parser(MdParserConfig(), RendererHTML)


def _parse(text: str, first_line: int) -> Iterator[Token]:
    """MyST tokens of *text*, maps shifted to start at *first_line* (0-based)."""
    for token in _MD.parse(text):
        if token.map:
            token.map = [token.map[0] + first_line, token.map[1] + first_line]
        yield token
        if token.type == "fence" and _directive_name(token) in MARKDOWN_DIRECTIVES:
            body, offset = _directive_body(token.content)
            yield from _parse(body, token.map[0] + 1 + offset)


def _directive_name(token: Token) -> str | None:
    match = re.fullmatch(r"\{([^}\s]+)\}.*", token.info.strip())
    return match.group(1) if match else None


def _directive_body(content: str) -> tuple[str, int]:
    """A directive's Markdown body without its options, and the lines skipped."""
    lines = content.splitlines(keepends=True)
    skipped = 0
    if lines and lines[0].strip() == "---":
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if closing is not None:
            skipped = closing + 1
    else:
        while skipped < len(lines) and re.match(r":[\w-]+:", lines[skipped]):
            skipped += 1
    return "".join(lines[skipped:]), skipped


def assemble(token: Token) -> InlineText:
    """Join an inline token's children into the text a reader sees."""
    line = token.map[0] + 1
    inline = InlineText("", [0], [line])
    link_start = 0
    for child in token.children or ():
        if child.type == "link_open":
            link_start = len(inline.text)
        elif child.type == "link_close" and len(inline.text) == link_start:
            # [](#label): Sphinx fills in the target's title.
            inline.text += SYNTAX
        elif child.type in ("softbreak", "hardbreak"):
            inline.text += "\n"
            line += 1
            inline.offsets.append(len(inline.text))
            inline.lines.append(line)
        elif child.type == "text":
            inline.text += child.content
        elif child.type in ("code_inline", "myst_role", "html_inline", "image"):
            inline.text += SYNTAX
    return inline


def _child_lines(token: Token) -> Iterator[tuple[Token, int, bool]]:
    """Each child of an inline token with its line and whether it is link text."""
    line = token.map[0] + 1
    in_link = False
    for child in token.children or ():
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            in_link = True
        elif child.type == "link_close":
            in_link = False
        yield child, line, in_link


# --- rules -----------------------------------------------------------------

Report = Iterator[tuple[int, str]]
RULES: dict[str, Callable[[Notice], Report]] = {}


def rule(rule_id: str):
    """Register a rule: a function of a Notice yielding (line, message)."""

    def register(function: Callable[[Notice], Report]):
        RULES[rule_id] = function
        return function

    return register


@rule("line-ending")
def check_line_endings(notice: Notice) -> Report:
    lines = notice.raw.split(b"\n")
    carriage = [number for number, line in enumerate(lines, 1) if b"\r" in line]
    if carriage:
        yield carriage[0], (
            f"{len(carriage)} line(s) end in CR LF or CR, from here on: save with LF line endings"
        )


ANGLE_DOMAIN = re.compile(r"<(?![a-zA-Z][\w+.-]*:)([\w-]+(?:\.[\w-]+)+(?:/[^<>\s]*)?)>")


@rule("angle-domain")
def check_angle_domains(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, _ in _child_lines(token):
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
            for child, line, _ in _child_lines(token):
                # A closing tag is reported with its opening tag.
                if child.type == "html_inline" and not child.content.startswith("</"):
                    yield line, f"raw HTML {_first_tag(child.content)}: {advice}"


SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@rule("link-scheme")
def check_link_schemes(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, _ in _child_lines(token):
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            scheme = SCHEME.match(href)
            if scheme and scheme.group(1).lower() not in ("https", "mailto"):
                yield line, f"link to {href!r}: links must use https:// (or mailto:)"


BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[\w-]+(?:\.[\w-]+)+[^\s<>\"]*")


@rule("bare-url")
def check_bare_urls(notice: Notice) -> Report:
    for token, _ in notice.inline_tokens():
        for child, line, in_link in _child_lines(token):
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
        for child, line, _ in _child_lines(token):
            if child.type == "link_open":
                opened, text = (str(child.attrs.get("href", "")), line), ""
            elif child.type == "link_close" and opened:
                href, link_line = opened
                if SCHEME.match(href) and not text.strip():
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
        for deeper in [key for key in last if key > level]:
            del last[deeper]
        match = SECTION_NUMBER.match(token.content)
        if not match:
            continue
        number, previous = int(match.group(1)), last.get(level, 0)
        if number != previous + 1:
            problem = "repeats" if number == previous else "is out of order"
            yield token.map[0] + 1, (
                f"section number {number} {problem}: expected {previous + 1}"
            )
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
        dates.read_notice_dates(notice.path)
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


def site_pages() -> set[str]:
    """Documents that are site pages, not notices, as conf.py lists them."""
    import conf

    return set(conf.policy_site_pages)


def check_file(path: Path, source: Path = SOURCE, pages: set[str] | None = None) -> list[Finding]:
    """Every finding of every rule in the MyST file *path* under *source*."""
    pages = site_pages() if pages is None else pages
    try:
        docname = path.resolve().relative_to(source.resolve()).with_suffix("").as_posix()
    except ValueError:
        docname = path.stem
    raw, shown = path.read_bytes(), display_path(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [Finding(shown, line, "encoding", "the file is not UTF-8")]
    notice = Notice(path, raw, docname in pages)
    return sorted(
        Finding(shown, line, rule_id, message)
        for rule_id, check in RULES.items()
        for line, message in check(notice)
    )


def markdown_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    return files


def check_paths(paths: Iterable[Path], source: Path = SOURCE) -> list[Finding]:
    pages = site_pages()
    return [
        finding for path in markdown_files(paths) for finding in check_file(path, source, pages)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.policy_lint", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="MyST files or folders (default: source/)"
    )
    parser.add_argument(
        "--source", type=Path, default=SOURCE, help="the source folder (to tell site pages)"
    )
    parser.add_argument("--list", action="store_true", help="list the rules and exit")
    args = parser.parse_args(argv)
    if args.list:
        print("\n".join(RULES))
        return 0
    findings = check_paths(args.paths or [args.source], args.source)
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
