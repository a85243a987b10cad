"""A MyST source as the policy rules read it: MyST's own tokens, the text a reader sees.

A notice is parsed with MyST's own Markdown parser (the one Sphinx uses), so
front matter, fenced directives, roles, ``(label)=`` targets and ``[](#id)``
links are syntax, never text. Rules register here with :func:`rule`;
tools/policy_lint.py runs them.
"""

from __future__ import annotations

import bisect
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from docutils.parsers.rst import Directive
from markdown_it.token import Token
from myst_parser.parsers.directives import _parse_directive_options

from policy_core.page_limits import directive_name
from policy_core.yamldata import MYST, DataError, decode

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"

# A URL written as text, not as a link.
BARE_URL = re.compile(r"\b(?:https?|ftp)://[^\s<>\"]+|\bwww\.[\w-]+(?:\.[\w-]+)+[^\s<>\"]*")

# Inline syntax that is not text (a role, inline code, inline HTML) stands in
# the assembled text as this one character: words on either side stay apart,
# and nothing inside it can look like a bracket or a doubled word.
SYNTAX = "\ufffc"

# Directives whose body MyST parses as Markdown, so their text is checked;
# the body of any other directive is its own business (data, code, options).
MARKDOWN_DIRECTIVES = frozenset({"admonition", "attention", "caution", "danger", "error", "hint",
                                 "important", "note", "seealso", "tip", "warning"})


@dataclass(frozen=True, order=True)
class Finding:
    """One defect: where it is, which rule found it, what to do."""

    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def encoding_finding(raw: bytes, shown: str) -> Finding | None:
    """The finding of the file *shown* when its bytes *raw* are not UTF-8 (the
    build refuses it with the same message, :func:`policy_core.yamldata.decode`);
    None when they are. No other rule or tool is given such a file."""
    try:
        decode(raw, shown)
    except DataError as error:
        return Finding(shown, error.line, "encoding", error.message)
    return None


def display_path(path: Path | str) -> str:
    """*path* relative to the working directory when it is below it; a link is
    named as itself, not as what it leads to."""
    path, here = Path(path).parent.resolve() / Path(path).name, Path.cwd().resolve()
    return str(path.relative_to(here) if path.is_relative_to(here) else path)


@dataclass
class InlineText:
    """The text of one paragraph or heading as a reader sees it, with its lines."""

    text: str
    # (offset in text, source line) at each point where the line changes
    offsets: list[int]
    lines: list[int]

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
        return parse_tokens(self.text)

    def inline_tokens(self) -> Iterator[tuple[Token, str]]:
        """Each inline token with the tag of the block holding it (p, h1, ...)."""
        for index, token in enumerate(self.tokens):
            if token.type == "inline" and token.map:
                yield token, self.tokens[index - 1].tag

    def inline_texts(self) -> Iterator[InlineText]:
        return (assemble(token) for token, _ in self.inline_tokens())


def parse_tokens(text: str, first_line: int = 0) -> list[Token]:
    """MyST tokens of *text* with the Markdown bodies of directives, maps shifted
    to start at *first_line* (0-based)."""
    tokens = []
    for token in MYST.parse(text):
        if token.map:
            token.map = [token.map[0] + first_line, token.map[1] + first_line]
        tokens.append(token)
        if token.type == "fence" and directive_name(token) in MARKDOWN_DIRECTIVES:
            # The body without its options, read as MyST reads them (an options
            # block ends at the first line starting with ``---``, as the page's
            # front matter does not).
            body = _parse_directive_options(token.content, Directive, as_yaml=True, line=None)
            tokens += parse_tokens(body.content, token.map[0] + 1 + body.option_line_count)
    return tokens


def assemble(token: Token) -> InlineText:
    """Join an inline token's children into the text a reader sees."""
    inline = InlineText("", [0], [token.map[0] + 1])
    link_start = 0
    for child, line, _ in child_lines(token):
        if child.type == "link_open":
            link_start = len(inline.text)
        elif child.type == "link_close" and len(inline.text) == link_start:
            # [](#label): Sphinx fills in the target's title.
            inline.text += SYNTAX
        elif child.type in ("softbreak", "hardbreak"):
            inline.text += "\n"
            inline.offsets.append(len(inline.text))
            inline.lines.append(line)
        elif child.type == "text":
            inline.text += child.content
        elif child.type in ("code_inline", "myst_role", "html_inline", "image"):
            inline.text += SYNTAX
    return inline


def child_lines(token: Token) -> Iterator[tuple[Token, int, bool]]:
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


Report = Iterator[tuple[int, str]]
RULES: dict[str, Callable[[Notice], Report]] = {}


def rule(rule_id: str):
    """Register a rule: a function of a Notice yielding (line, message)."""

    def register(function: Callable[[Notice], Report]):
        RULES[rule_id] = function
        return function

    return register


def files_in(paths: Iterable[Path], pattern: str) -> list[Path]:
    """Each file of *paths*: a file itself, a folder's plain files matching
    *pattern* at any depth. A link or a device there is never read: the strict
    build's source check names it (policy_sphinx_extensions/checks/source_files.py)."""
    return [file for path in paths
            for file in (sorted(found for found in path.rglob(pattern)
                                if stat.S_ISREG(found.lstat().st_mode))
                         if path.is_dir() else [path])]


def counted(number: int, kind: str = "files") -> str:
    """``6 files``, ``1 file``."""
    return f"{number} {kind if number != 1 else kind.removesuffix('s')}"


def summary(name: str, checked: str, findings: int) -> str:
    """``policy: 6 files, no findings``: what a check read and what it found."""
    return f"{name}: {checked}, {counted(findings, 'findings') if findings else 'no findings'}"
