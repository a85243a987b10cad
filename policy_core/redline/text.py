"""The text of a built notice page as a reader sees it: blocks of words.

Each paragraph, heading and list item is a block; each word keeps its link
target (as an absolute address, so relative and absolute links to the same
page are the same) and its marks (bold, italics, code). What a reader does
not see as the notice (permalinks, the page's own "Download PDF" link) is
left out, and the notice's dates and change history are marked as not
counted. The one reading of a page's words: the redline's
(``tools/redline.py``, the versions' redlines) and the import's proof that a
page lost nothing (``tools/mkdocs_import/fidelity.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, SoupStrainer, Tag

from policy_core.front_matter import CHANGES_SECTION_ID, DATE_CLASSES

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that start a new block of text; everything else is inline.
BLOCK_TAGS = HEADINGS | {
    "p", "pre", "div", "section", "article", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "thead", "tbody", "tr", "td", "th", "caption", "figure",
    "figcaption", "aside", "nav", "header", "footer",
}
MARKS = {"strong": "strong", "b": "strong", "em": "em", "i": "em", "code": "code",
         "kbd": "code", "sub": "sub", "sup": "sup"}
SKIPPED = {"script", "style", "template", "button", "svg"}
# Links of the page about the page (permalinks, its own PDF), not the notice's text.
SKIPPED_CLASSES = {"headerlink", "pdf-download"}


@dataclass(frozen=True)
class Segment:
    """A run of a word with one link target and one set of marks."""

    text: str
    href: str | None
    marks: tuple[str, ...]


@dataclass(frozen=True)
class Word:
    """A word or a run of punctuation, and whether a space comes before it."""

    segments: tuple[Segment, ...]
    space_before: bool = True

    @property
    def is_word(self) -> bool:
        return any(char.isalnum() for char in self.text)

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def href(self) -> str | None:
        return next((segment.href for segment in self.segments if segment.href), None)


@dataclass(frozen=True)
class Block:
    """A paragraph, heading or list item's text, with where it sits."""

    tag: str
    depth: int
    marker: str
    words: tuple[Word, ...]
    # False for the notice's dates and change history.
    counted: bool = True

    @property
    def text(self) -> str:
        return "".join(
            f" {word.text}" if word.space_before else word.text for word in self.words
        ).strip()


def _ordinal_marker(item: Tag) -> str:
    parent = item.parent
    if parent is None or parent.name != "ol":
        return "•"
    number = int(parent.get("start", 1)) + len(item.find_previous_siblings("li"))
    classes = parent.get("class", [])
    if "loweralpha" in classes:
        return f"{chr(ord('a') + number - 1)}."
    if "upperalpha" in classes:
        return f"{chr(ord('A') + number - 1)}."
    return f"{number}."


class _Extractor:
    """Walks a page's main content and cuts its text into blocks of words."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.blocks: list[Block] = []
        self.buffer: list[tuple[str, str | None, tuple[str, ...]]] = []
        self.tag = "p"
        self.depth = 0
        self.marker = ""
        self.counted = True

    def flush(self) -> None:
        words = _words(self.buffer)
        self.buffer = []
        if words:
            self.blocks.append(Block(self.tag, self.depth, self.marker, words, self.counted))
            self.marker = ""

    def walk(self, element: Tag, href: str | None, marks: tuple[str, ...]) -> None:
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append((str(child), href, marks))
                continue
            classes = set(child.get("class", []))
            if child.name in SKIPPED or classes & SKIPPED_CLASSES:
                continue
            if child.name in BLOCK_TAGS:
                self.flush()
                saved = (self.tag, self.depth, self.marker, self.counted)
                # The dates and change history policy_sphinx_extensions/reading/page_kinds.py
                # adds to a notice: shown in the redline, not counted as the notice's text.
                if classes & DATE_CLASSES or child.get("id") == CHANGES_SECTION_ID:
                    self.counted = False
                if child.name in HEADINGS or child.name == "pre":
                    self.tag = child.name
                elif child.name == "li":
                    self.depth += 1
                    self.marker = _ordinal_marker(child)
                self.walk(child, None, ())
                self.flush()
                self.tag, self.depth, self.marker, self.counted = saved
            elif child.name == "a" and child.get("href"):
                self.walk(child, urljoin(self.page_url, child["href"]), marks)
            elif child.name == "br":
                self.buffer.append(("\n", href, marks))
            else:
                mark = MARKS.get(child.name)
                self.walk(child, href, marks + (mark,) if mark and mark not in marks else marks)


# A word, or a run of punctuation: "prevent," is two tokens, so that adding a
# comma does not show the whole word as replaced.
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]+")


def _words(buffer) -> tuple[Word, ...]:
    chars = [(char, href, marks) for text, href, marks in buffer for char in text]
    text = "".join(char for char, _, _ in chars)
    words = []
    for match in TOKEN.finditer(text):
        segments: list[Segment] = []
        for char, href, marks in chars[match.start() : match.end()]:
            if segments and segments[-1].href == href and segments[-1].marks == marks:
                segments[-1] = Segment(segments[-1].text + char, href, marks)
            else:
                segments.append(Segment(char, href, marks))
        space_before = bool(words) and match.start() > 0 and text[match.start() - 1].isspace()
        words.append(Word(tuple(segments), space_before))
    return tuple(words)


def main_content(page_html: str) -> Tag:
    """A built page's main content (``role="main"``), or its body when it has none.

    Only the main content is made into a tree: every page also carries the
    site's navigation, which grows with the site and which no redline reads.
    """
    only_main = SoupStrainer(attrs={"role": "main"})
    main = BeautifulSoup(page_html, "html.parser", parse_only=only_main).find(attrs={"role": "main"})
    if main is None:
        soup = BeautifulSoup(page_html, "html.parser")
        main = soup.body or soup
    return main


def extract_blocks(page_html: str, page_url: str) -> list[Block]:
    """The blocks of text of a built page's main content, as a reader sees them."""
    return content_blocks(main_content(page_html), page_url)


def content_blocks(main: Tag, page_url: str) -> list[Block]:
    """The blocks of text of *main* (:func:`main_content`), as a reader sees them."""
    extractor = _Extractor(page_url)
    extractor.walk(main, None, ())
    extractor.flush()
    return extractor.blocks
