"""Straight quotes and apostrophes in what readers see: where they are, and the fix.

The notices are set with typographic quotes (“PSF”, processor’s) and the build
never guesses them (``smartquotes = False``). The ``straight-quote`` rule of
tools/policy_lint.py reports every straight one in the text of a notice and
in its front matter's ``description`` and change summaries; ``make format``
runs

    python -m tools.typography PATH ...

which rewrites only the ones whose typographic form is certain:

* an apostrophe between two letters becomes ’ (processor's, don't);
* straight double quotes that pair up within one paragraph, each opening one
  before a word and each closing one after it, become “…”.

Anything else (a quote at the end of a word, an odd number of quotes, any
quote in a heading, whose section id would change with it) is left for a
person. Nothing inside code, roles, link targets, URLs, raw HTML,
directive options or front-matter keys and YAML syntax is touched.

Why our own code: SmartyPants-style converters (docutils' ``smartquotes``,
``smartypants``) guess every quote from its neighbours, including the ones
that are ambiguous, and work on rendered text, not on the MyST source.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from markdown_it.token import Token

from tools.myst_notice import (
    Notice,
    Report,
    display_path,
    encoding_finding,
    files_in,
    parse_tokens,
    rule,
)

APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
# Spans of a line that are syntax, not text: code and roles, link targets,
# autolinks and HTML, URLs, MyST targets and substitutions, escapes.
PROTECTED = re.compile(
    r"(?:\{[^}\s]+\})?(`+).*?\1"  # `code`, {role}`text`
    r"|\]\([^)]*\)"  # ](target "title")
    r"|<[^>\s]+>|<[a-zA-Z/][^>]*>"  # <https://...>, <b>
    r"|\b(?:https?|ftp|mailto):[^\s<>]+|\bwww\.[^\s<>]+"
    r"|^\s*\([^)]*\)=\s*$"  # (label)=
    r"|\{\{.*?\}\}"
    r"|\\."
)
# The value of one of these keys is reader text: a plain (unquoted) scalar on
# the key's line, or a block scalar (">-", "|") on the lines below it.
TEXT_KEY = re.compile(r"^(\s*(?:-\s+)?)(?:summary|description):[ \t]+(.*)$")
# One stretch of text: (line index, column where it starts, where it ends or
# None for the end of the line), for each of its lines.
Block = list[tuple[int, int, int | None]]
OPENS_AFTER = re.compile(r"(?:^|[\s(\[{—–-])$")
CLOSES_BEFORE = re.compile(r"^(?:$|[\s)\]}.,;:!?—–-])")


def text_spans(line: str) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of *line* that are text, between protected syntax."""
    start = 0
    for match in PROTECTED.finditer(line):
        yield start, match.start()
        start = match.end()
    yield start, len(line)


def reader_spans(lines: list[str], block: Block) -> Iterator[tuple[int, int, int]]:
    """(line index, start, end) of each stretch of reader text in *block*."""
    for number, column, stop in block:
        for start, end in text_spans(lines[number][column:stop]):
            yield number, column + start, column + end


def _pairs(lines: list[str], positions: list[tuple[int, int]]) -> bool:
    """Whether the quotes at *positions* pair up: opening before a word, closing after one."""
    if not positions or len(positions) % 2:
        return False
    for index, (number, offset) in enumerate(positions):
        before, after = lines[number][:offset], lines[number][offset + 1 :]
        if index % 2 == 0:
            if not OPENS_AFTER.search(before) or not after[:1].strip():
                return False
        elif not before[-1:].strip() or not CLOSES_BEFORE.match(after):
            return False
    return True


def fix_lines(lines: list[str], blocks: list[Block]) -> list[str]:
    """*lines* with the certain quotes fixed in each block of text."""
    lines = list(lines)
    for block in blocks:
        changes: dict[int, dict[int, str]] = {number: {} for number, *_ in block}
        for number, start, end in reader_spans(lines, block):
            for match in APOSTROPHE.finditer(lines[number], start, end):
                changes[number][match.start()] = "’"
        positions = [
            (number, offset)
            for number, start, end in reader_spans(lines, block)
            for offset in range(start, end)
            if lines[number][offset] == '"'
        ]
        if _pairs(lines, positions):
            for index, (number, offset) in enumerate(positions):
                changes[number][offset] = "“" if index % 2 == 0 else "”"
        for number, offsets in changes.items():
            lines[number] = "".join(offsets.get(at, char) for at, char in enumerate(lines[number]))
    return lines


def text_blocks(tokens: list[Token], lines: list[str], headings: bool = True) -> list[Block]:
    """The text of each paragraph (and heading, if *headings*), and of each
    front matter ``summary`` or ``description``."""
    blocks = [
        [(number, 0, None) for number in range(token.map[0], token.map[1])]
        for previous, token in zip([None, *tokens], tokens, strict=False)
        if token.type == "inline" and token.map
        and (headings or previous is None or previous.type != "heading_open")
    ]
    front = next((token for token in tokens if token.type == "front_matter"), None)
    if front is not None and front.map:
        blocks.extend(front_matter_texts(lines, front.map[0] + 1, front.map[1] - 1))
    return blocks


def front_matter_texts(lines: list[str], first: int, end: int) -> list[Block]:
    blocks = []
    for number in range(first, end):
        match = TEXT_KEY.match(lines[number])
        if not match:
            continue
        value = match.group(2)
        if value[:1] in ("|", ">"):
            indent = len(match.group(1)) + 1
            block = []
            for below in range(number + 1, end):
                line = lines[below]
                if line.strip() and len(line) - len(line.lstrip()) < indent:
                    break
                block.append((below, 0, None))
            blocks.append(block)
        elif value[:1] == '"' and value.rstrip().endswith('"') and len(value.rstrip()) > 1:
            # A double-quoted scalar: its quotes are YAML's, the rest is text.
            blocks.append([(number, match.start(2) + 1, match.start(2) + len(value.rstrip()) - 1)])
        elif value[:1] not in ("'", '"'):
            blocks.append([(number, match.start(2), None)])
    return blocks


def fix_text(text: str) -> str:
    """*text* (a MyST file) with its certain straight quotes made typographic."""
    lines = text.split("\n")
    # Headings are left to a person: docutils makes a section's id from its
    # title, and "The PSF's role" is #the-psf-s-role where "The PSF’s role"
    # is #the-psfs-role, an address readers may have cited.
    return "\n".join(fix_lines(lines, text_blocks(parse_tokens(text), lines, headings=False)))


@rule("straight-quote")
def check_straight_quotes(notice: Notice) -> Report:
    lines = notice.text.split("\n")
    found: dict[int, list[str]] = {}
    for block in text_blocks(notice.tokens, lines):
        for number, start, end in reader_spans(lines, block):
            found.setdefault(number, []).extend(re.findall("[\"']", lines[number][start:end]))
    for number, chars in sorted(found.items()):
        if chars:
            shown = " and ".join(f"{chars.count(char)} {char}" for char in dict.fromkeys(chars))
            yield number + 1, (
                f"straight quotes ({shown}): write “…” and ’ as the notices do "
                "(make format fixes an apostrophe between letters and paired double quotes, "
                "outside headings)"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.typography", description=__doc__)
    parser.add_argument("paths", nargs="+", type=Path, help="MyST files or folders")
    args = parser.parse_args(argv)
    status = 0
    for path in files_in(args.paths, "*.md"):
        if finding := encoding_finding(path.read_bytes(), display_path(path)):
            print(f"{finding}; left as it is", file=sys.stderr)
            status = 1
            continue
        text = path.read_text(encoding="utf-8")
        if (fixed := fix_text(text)) != text:
            path.write_text(fixed, encoding="utf-8")
            print(f"Fixed quotes: {display_path(path)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
