"""One MkDocs page's Markdown as this site's MyST, with a note of every conversion.

Each conversion keeps the words readers see and the addresses they use:

* ``!!! note "Title"`` admonitions (and ``???`` collapsible ones) become MyST
  admonition directives with the same type, title and body;
* a heading whose id on the old site (its ``{#id}`` attribute, or the
  ``_1`` Python-Markdown adds to a repeated title) is not the id MyST gives it
  gets a MyST target above it, which keeps that id as written
  (``policy_core.heading_ids``); attribute lists themselves are
  dropped, as no reader sees them;
* ``*[ABBR]: Full`` abbreviations become the ``{abbr}`` role where the word is used;
* a line holding a template placeholder (``{{ git_revision_date_localized }}``)
  is removed: the date it would show goes to the front matter;
* headings that skip levels (H2 then H4) take the level of their depth, keeping
  their ids (the ids come from the text);
* a page without an H1 gets one, the title the navigation (or the file name) gives it;
* a line break made of trailing spaces becomes MyST's visible ``\\`` break;
* a remote image becomes a link to it (the site makes no third-party requests),
  and one inside a link (a badge) becomes its alternative text;
* an ``http://`` link becomes ``https://`` (the site links nothing else; the
  link check then proves the address answers);
* a link to a root-relative address that is no page of the site (``/psf/conduct/``,
  from a page first written for another site) leads where it led on the live
  site, ``site_url`` + the address;
* an angle-bracketed domain, ``<python.org>``, which Python-Markdown took for an
  HTML tag and readers never saw, becomes the word ``python.org``;
* a heading underlined with ``===`` or ``---`` (setext) is written with ``#``
  (atx), as every page here is; a second H1 is an H2 (a page has one title),
  the headings under it a level down with it;
* a list right after a paragraph line gets a blank line above it: MyST reads
  it as a list either way, and the Markdown lint asks for the line;
* an address written out as text (``https://…``), which the old site showed
  as text, is an autolink (``<https://…>``), showing the same address;
* a link whose whole text says nothing of where it leads (``[here](…)``, the
  phrases the Markdown lint's md059 refuses) takes in the plain words of its
  clause before it, "the short definition is [here](…)" becoming "[the short
  definition is here](…)": readers see the same words, and a screen reader
  announces a link that says what it is; where those words hold any markup,
  the link is left to a person and the lint names it;
* an HTML ``<table>`` block becomes a Markdown pipe table, or a MyST
  ``list-table`` where a cell holds a line break (a pipe table cannot), with
  the same cells, their links and emphasis, and its id kept by a target; any
  other HTML block is not converted: it is left out and named as a failure
  (:attr:`Converted.failures`), as the site shows no raw HTML.

Fenced code is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from markdown.util import BLOCK_LEVEL_ELEMENTS
from myst_parser.slugs import unique_slug

from policy_core.heading_ids import live_site_slug

FENCE = re.compile(r"^\s*(```+|~~~+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
HEADING_ATTRS = re.compile(r"\s*\{\s*:?\s*([^}]*)\}\s*$")
BLOCK_ATTRS = re.compile(r"^\s*\{:?\s*[#.][^}]*\}\s*$")
ADMONITION = re.compile(r'^(!!!|\?\?\?\+?)\s+([\w-]+)(?:\s+"([^"]*)")?\s*$')
ABBREVIATION = re.compile(r"^\*\[([^\]]+)\]:\s*(.+?)\s*$")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
IMAGE_IN_LINK = re.compile(r"\[!\[([^\]]*)\]\([^)]*\)\]\(")
HTTP_LINK = re.compile(r"(\]\(\s*<?|<)http://")
ROOT_RELATIVE_LINK = re.compile(r"\]\(\s*/(?!/)([^)\s]*)\)")
REMOTE_IMAGE = re.compile(r"!\[([^\]]*)\]\((https?://[^)\s]+)(?:\s+\"[^\"]*\")?\)")
ROLE = re.compile(r"\{[a-z-]+\}`[^`]*`")
SETEXT = re.compile(r"^(=+|-+)\s*$")
LIST_START = re.compile(r"^(?:[-*+]|\d+[.)])\s+\S")
BARE_URL = re.compile(r"(?<![<\[/\w])https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"”’]")
# A link whose text is one of pymarkdown's md059 phrases (this project keeps
# its default list), with the plain words of its clause before it: from the
# start of the line, a list marker or a clause's punctuation, a leading "and",
# "or" or "but" left outside.
VAGUE_LINK = re.compile(
    r"(?P<lead>(?:^\s*(?:[-*+]\s+|\d+[.)]\s+)?|[(;:,.]\s+)(?:(?:and|or|but)\s+)?)"
    r"(?P<clause>[A-Za-z][A-Za-z0-9’' -]*?\s)\[(?P<text>click here|here|link|more)\]\(",
    re.IGNORECASE,
)
ANGLE_DOMAIN = re.compile(r"<((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})>")
# Inline code, link targets and roles: the parts of a line abbreviations never touch.
PROTECTED = re.compile(r"`[^`]*`|\]\([^)]*\)|\{[a-z-]+\}`[^`]*`|<[^>]*>")
# An HTML block, as Python-Markdown reads one: a block-level tag at the start of a line.
HTML_BLOCK = re.compile(r"^<(" + "|".join(BLOCK_LEVEL_ELEMENTS) + r")(?=[\s>/])", re.IGNORECASE)
# Markdown's own punctuation, escaped in text taken from HTML so it stays text.
MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]{}<>|&#!~])")
INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}


class UnconvertibleHTML(ValueError):
    """An HTML block holds what no MyST construct renders the same: the message says what."""


# Admonition types docutils knows, each with its own directive and title.
DOCUTILS_ADMONITIONS = {"attention", "caution", "danger", "error", "hint", "important", "note",
                        "tip", "warning"}


@dataclass
class Converted:
    text: str
    title: str
    conversions: list[tuple[int, str]] = field(default_factory=list)
    # Text of lines removed on purpose, for the fidelity check to leave out.
    removed_lines: list[str] = field(default_factory=list)
    # The page showed the date of its last commit (git-revision-date placeholder).
    uses_git_date: bool = False
    # (line, what) of each construct that could not be converted and was left out.
    failures: list[tuple[int, str]] = field(default_factory=list)


def convert(
    markdown: str,
    fallback_title: str,
    heading_ids: Sequence[str] = (),
    *,
    page: bool = True,
    first_line: int = 1,
    site_url: str = "",
) -> Converted:
    """*markdown* as MyST; *heading_ids* are the old site's ids of its headings, in order.

    *page* is false for a part of a page (an admonition's body), which needs no
    title; *first_line* is the line of the file *markdown* starts on; *site_url*
    the live site's address, for root-relative links.
    """
    lines = markdown.replace("\r\n", "\n").split("\n")
    result = Converted("", fallback_title)
    lines = _atx_headings(lines, result, first_line)
    abbreviations = _abbreviations(lines, result, first_line)
    out: list[str] = []
    in_fence = None
    # The levels of the headings the current one is under (an added H1 counts).
    open_levels = [] if re.search(r"^# ", markdown, re.MULTILINE) else [1]
    has_h1 = False
    shift = 0
    old_ids = iter(heading_ids)
    myst_ids: set[str] = set()
    index = 0
    while index < len(lines):
        line, number = lines[index], index + first_line
        index += 1
        before, in_fence = in_fence, fence_after(in_fence, line)
        if before or in_fence:
            out.append(line)
            continue
        if ABBREVIATION.match(line):
            continue
        if PLACEHOLDER.search(line):
            result.removed_lines.append(line)
            result.uses_git_date |= "git_revision_date" in line
            result.conversions.append((number, f"template placeholder line removed: {line.strip()}"))
            continue
        if BLOCK_ATTRS.match(line):
            result.conversions.append((number, f"attribute list dropped: {line.strip()}"))
            continue
        if HTML_BLOCK.match(line):
            block, index = _html_block(lines, index - 1)
            try:
                out.extend(html_as_myst(block))
                result.conversions.append((number, "HTML table → Markdown table"))
            except UnconvertibleHTML as error:
                result.failures.append((number, f"{error}: left out"))
            continue
        if admonition := ADMONITION.match(line):
            body, index = _indented_block(lines, index)
            inner = convert(body, fallback_title, page=False, site_url=site_url, first_line=number + 1)
            result.failures += inner.failures
            out.extend(_admonition(admonition, inner.text))
            result.conversions.append((number, f"admonition '{admonition.group(2)}' → directive"))
            continue
        if heading := HEADING.match(line):
            level, text = len(heading.group(1)), heading.group(2)
            if has_h1 and level == 1:
                # The page's title is its first H1; a later one starts a part
                # of it, and the headings after it are a level down with it.
                shift = 1
                result.conversions.append((number, "a second H1 → H2"))
            level = min(level + shift, 6)
            if attrs := HEADING_ATTRS.search(text):
                text = text[: attrs.start()]
                result.conversions.append((number, f"heading attributes {{{attrs.group(1)}}} dropped"))
            title = re.sub(r"[*_`]", "", text).strip()
            text = _inline(text, abbreviations, number, result, site_url)
            myst_id = unique_slug(live_site_slug(ROLE.sub("", text)), myst_ids)
            myst_ids.add(myst_id)
            old_id = next(old_ids, myst_id)
            if old_id != myst_id:
                out.append(f"({old_id})=")
                result.conversions.append((number, f"id #{old_id} kept by a target (MyST's is #{myst_id})"))
            if level == 1 and not has_h1:
                result.title, has_h1 = title, True
            # A heading's level is its depth among the headings above it, so
            # H2 > H4 > H4 > H3 reads H2 > H3 > H3 > H3, siblings kept siblings.
            while open_levels and open_levels[-1] >= level:
                open_levels.pop()
            open_levels.append(level)
            if len(open_levels) != level:
                result.conversions.append((number, f"heading level H{level} → H{len(open_levels)}"))
            out.append(f"{'#' * len(open_levels)} {text}")
            continue
        if LIST_START.match(line) and out and out[-1].strip() and not line.startswith(" ") \
                and not LIST_START.match(out[-1].lstrip()) and not out[-1].startswith((" ", "#", "(", "|")):
            out.append("")
            result.conversions.append((number, "blank line added above a list that follows a paragraph"))
        if re.search(r"\S {2,}$", line) and index < len(lines) and lines[index].strip():
            line = line.rstrip() + "\\"
            result.conversions.append((number, "hard line break (trailing spaces) → '\\'"))
        out.append(_inline(line, abbreviations, number, result, site_url))
    if page and not has_h1:
        out[:0] = [f"# {fallback_title}", ""]
        result.conversions.append((first_line, f"no H1: title '{fallback_title}' added"))
    result.text = "\n".join(out).strip("\n") + "\n"
    return result


def fence_after(fence: str | None, line: str) -> str | None:
    """The code fence open after *line* (None: none), *fence* the one open before it."""
    marker = FENCE.match(line)
    if marker is None:
        return fence
    if fence is None:
        return marker.group(1)
    # Only a run of the opening's character, at least as long, closes it.
    closes = marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)
    return None if closes else fence


def _atx_headings(lines: list[str], result: Converted, first_line: int) -> list[str]:
    """*lines* with each setext heading (a line underlined by ``===`` or ``---``) written with ``#``."""
    out: list[str] = []
    fence = None
    for index, line in enumerate(lines):
        before, fence = fence, fence_after(fence, line)
        if before or fence:
            out.append(line)
            continue
        underline = SETEXT.match(line)
        above = out[-1] if out else ""
        previous = lines[index - 2] if index >= 2 else ""
        if underline and above.strip() and not previous.strip() and not above.startswith((" ", "#", ">", "|")) \
                and not LIST_START.match(above) and not HTML_BLOCK.match(above):
            level = "#" if underline.group(1)[0] == "=" else "##"
            out[-1] = f"{level} {above.strip()}"
            result.conversions.append((index + first_line - 1, f"setext heading → '{level}'"))
            out.append("")  # in place of the underline: every line keeps its number
            continue
        out.append(line)
    return out


def _abbreviations(lines: list[str], result: Converted, first_line: int) -> dict[str, str]:
    found = {}
    for number, line in enumerate(lines, start=first_line):
        if match := ABBREVIATION.match(line):
            found[match.group(1)] = match.group(2)
            result.removed_lines.append(line)
            result.conversions.append((number, f"abbreviation {match.group(1)} → {{abbr}} role"))
    return found


def _indented_block(lines: list[str], index: int) -> tuple[str, int]:
    body = []
    while index < len(lines) and (lines[index].startswith("    ") or not lines[index].strip()):
        if not lines[index].strip() and (index + 1 >= len(lines) or not lines[index + 1].startswith("    ")):
            break
        body.append(lines[index][4:])
        index += 1
    return "\n".join(body), index


def _admonition(match: re.Match, body: str) -> list[str]:
    kind, title = match.group(2).lower(), match.group(3)
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`{3,}", body)), default=0) + 1)
    if title is None and kind in DOCUTILS_ADMONITIONS:
        head = [f"{fence}{{{kind}}}"]
    else:
        head = [f"{fence}{{admonition}} {title or kind.capitalize()}", f":class: {kind}"]
    return [*head, body.rstrip("\n"), fence, ""]


def _inline(
    line: str, abbreviations: dict[str, str], number: int, result: Converted, site_url: str = ""
) -> str:
    def image_to_link(match: re.Match) -> str:
        result.conversions.append((number, f"remote image → link: {match.group(2)}"))
        return f"[{match.group(1) or 'Image'}]({match.group(2)})"

    def restore_domain(match: re.Match) -> str:
        result.conversions.append((number, f"<{match.group(1)}> → {match.group(1)}"))
        return match.group(1)

    def badge_to_text(match: re.Match) -> str:
        result.conversions.append((number, f"image in a link → its text '{match.group(1)}'"))
        return f"[{match.group(1) or 'Image'}]("

    def https(match: re.Match) -> str:
        result.conversions.append((number, "http:// link → https://"))
        return f"{match.group(1)}https://"

    def absolute(match: re.Match) -> str:
        address = f"{site_url.rstrip('/')}/{match.group(1)}"
        result.conversions.append((number, f"root-relative link /{match.group(1)} → {address}"))
        return f"]({address})"

    def descriptive(match: re.Match) -> str:
        text = match.group("clause") + match.group("text")
        result.conversions.append((number, f"link text '{match.group('text')}' → '{text}' (the same words)"))
        return f"{match.group('lead')}[{text}]("

    def autolink(match: re.Match) -> str:
        if any(start <= match.start() < end for start, end in protected):
            return match.group(0)
        result.conversions.append((number, f"address in the text → autolink: {match.group(0)}"))
        return f"<{match.group(0)}>"

    line = IMAGE_IN_LINK.sub(badge_to_text, line)
    line = REMOTE_IMAGE.sub(image_to_link, line)
    line = HTTP_LINK.sub(https, line)
    if site_url:
        line = ROOT_RELATIVE_LINK.sub(absolute, line)
    line = ANGLE_DOMAIN.sub(restore_domain, line)
    line = VAGUE_LINK.sub(descriptive, line)
    protected = [match.span() for match in PROTECTED.finditer(line)]
    line = BARE_URL.sub(autolink, line)
    if not abbreviations:
        return line
    pattern = re.compile(r"(?<![\w`])(" + "|".join(map(re.escape, abbreviations)) + r")(?![\w`])")

    def abbr(match: re.Match) -> str:
        return f"{{abbr}}`{match.group(1)} ({abbreviations[match.group(1)]})`"

    # Split at the protected parts, which re.split keeps (at the odd places).
    pieces = re.split(f"({PROTECTED.pattern})", line)
    return "".join(piece if index % 2 else pattern.sub(abbr, piece)
                   for index, piece in enumerate(pieces))


def _html_block(lines: list[str], index: int) -> tuple[str, int]:
    """The HTML block starting at *index*: up to the line closing its first tag, or a blank line."""
    tag = HTML_BLOCK.match(lines[index]).group(1).lower()
    opening, closing = re.compile(rf"<{tag}(?=[\s>/])", re.IGNORECASE), re.compile(rf"</{tag}\s*>", re.IGNORECASE)
    depth, block = 0, []
    while index < len(lines):
        line = lines[index]
        block.append(line)
        index += 1
        depth += len(opening.findall(line)) - len(closing.findall(line))
        if depth <= 0 and (closing.search(line) or not line.strip()):
            break
    return "\n".join(block), index


def html_as_myst(block: str) -> list[str]:
    """The MyST lines of an HTML ``<table>`` block; UnconvertibleHTML for anything else."""
    try:
        root = lxml.html.fragment_fromstring(block)
    except (lxml.etree.ParserError, ValueError):
        raise UnconvertibleHTML("an HTML block that does not hold one element") from None
    if root.tag != "table":
        raise UnconvertibleHTML(f"an HTML <{root.tag}> block")
    rows, header_rows = [], 0
    for row in root.iter("tr"):
        if row.getparent().tag == "thead" or (not rows and all(cell.tag == "th" for cell in row)):
            header_rows += 1
        # A line break (``<br>``) in a cell is a new line of it.
        rows.append([_inline_html(cell).strip().replace(" \n ", "\n")
                     for cell in row if cell.tag in ("td", "th")])
        if any(cell.get("colspan") or cell.get("rowspan") for cell in row):
            raise UnconvertibleHTML("an HTML table with merged cells")
    for element in root.iter():
        if element is not root and element.get("id"):
            raise UnconvertibleHTML(f"an id on a <{element.tag}> inside an HTML table")
    if not rows or len({len(row) for row in rows}) != 1:
        raise UnconvertibleHTML("an HTML table whose rows have different numbers of cells")
    target = [f"({root.get('id')})="] if root.get("id") else []
    if header_rows == 1 and not any("\n" in cell for row in rows for cell in row):
        return [*target, *(f"| {' | '.join(row)} |"
                           for row in (rows[0], ["---"] * len(rows[0]), *rows[1:]))]
    lines = ["```{list-table}", f":header-rows: {header_rows}", ""]
    for row in rows:
        for position, cell in enumerate(row):
            # A line break in the cell stays one: MyST's "\\" at the end of a line.
            lines.append(("  - " if position else "* - ") + cell.replace("\n", "\\\n    "))
    return [*target, *lines, "```"]


def _inline_html(element) -> str:
    parts = [_escaped(element.text)]
    for child in element:
        if not isinstance(child.tag, str):
            pass  # a comment: readers never saw it
        elif child.tag == "br":
            parts.append(" \n ")
        elif child.tag in INLINE_MARKS:
            mark = INLINE_MARKS[child.tag]
            parts.append(f"{mark}{_inline_html(child).strip()}{mark}")
        elif child.tag == "code":
            text = child.text_content()
            if "`" in text:
                raise UnconvertibleHTML("a <code> holding a backtick in an HTML table")
            parts.append(f"`{text}`")
        elif child.tag == "a" and child.get("href") and not child.get("href").startswith("javascript"):
            parts.append(f"[{_inline_html(child).strip()}](<{child.get('href').replace('>', '%3E')}>)")
        elif child.tag in ("span", "p") and not child.attrib:
            parts.append(_inline_html(child))
        else:
            raise UnconvertibleHTML(f"a <{child.tag}> in an HTML table")
        parts.append(_escaped(child.tail))
    return "".join(parts)


def _escaped(text: str | None) -> str:
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", text or ""))
