"""The proof that a page lost nothing: its text units and ids, old and new.

The old page is rendered as MkDocs rendered it (Python-Markdown with the
site's extensions); every heading, paragraph, list item, table cell and
definition of it must appear, word for word and in order, in the built page's
article, and every id it published must be an id of the built page.

Words are compared, not markup, and not their case or apostrophe's form: a line break, a link, an abbreviation or an
admonition's new markup changes no word, and a word the old page hid from its
readers (``<python.org>`` read as a tag) may be shown now. An old unit may match
with up to as many other words between its own (a heading's "#" link, a restored
word), never further apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
import markdown

UNITS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "th", "dt", "dd")
# Blocks a unit contains that are units (or hold units) of their own.
NESTED_BLOCKS = ("ul", "ol", "p", "div", "table", "dl", "blockquote", "pre")
WORD = re.compile(r"\w+(?:[’'.,:/-]\w+)*")


@dataclass
class Proof:
    units: int = 0
    ids: int = 0
    lost_units: list[str] = field(default_factory=list)
    lost_ids: list[str] = field(default_factory=list)
    #: units of the old page whose passage here is this project's own wording
    kept_here: list[str] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return not self.lost_units and not self.lost_ids


def render_old(text: str, extensions: list[str], configs: dict[str, dict]) -> str:
    """The page's HTML as MkDocs made it."""
    return markdown.markdown(text, extensions=extensions, extension_configs=configs)


def heading_ids(html: str) -> list[str]:
    """The ids of the page's headings, in order (what the old site's table of contents linked)."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [element.get("id") or "" for element in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def _words(text: str) -> list[str]:
    # Case aside: an admonition's title is its type capitalised ("note", "Note");
    # and the apostrophe's form: the import sets "we'll" as "we’ll".
    return [word.casefold().replace("’", "'") for word in WORD.findall(text)]


def words_of(html: str) -> list[str]:
    """Every word of a rendered page (a fragment), in order, as the proof compares them."""
    return _words(_text(lxml.html.fragment_fromstring(html, create_parent="div")))


def _text(element) -> str:
    """The element's text, with a space where a block or a line break separates words."""
    for block in element.iter(*UNITS, *NESTED_BLOCKS, "br", "section", "tr"):
        block.tail = " " + (block.tail or "")
        block.text = " " + (block.text or "")
    return element.text_content()


def _drop(tree, xpath: str) -> None:
    for element in tree.xpath(xpath):
        element.drop_tree()


def old_units(html: str, removed_lines: list[str]) -> tuple[list[list[str]], set[str]]:
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    ids = {element.get("id") for element in tree.iter() if isinstance(element.tag, str) and element.get("id")}
    _drop(tree, "//*[contains(concat(' ', @class, ' '), ' headerlink ')]")
    removed = [_words(line) for line in removed_lines]
    units = []
    for element in tree.iter(*UNITS):
        own = lxml.html.fromstring(lxml.html.tostring(element))
        for nested in own.xpath("./descendant::*[" + " or ".join(f"self::{tag}" for tag in NESTED_BLOCKS) + "]"):
            nested.drop_tree()
        words = _words(_text(own))
        if words and not any(words == _words_of_removed for _words_of_removed in removed):
            units.append(words)
    return units, ids


def new_page(html: str) -> tuple[list[str], set[str]]:
    tree = lxml.html.fromstring(html)
    article = tree.xpath("//article")
    body = article[0] if article else tree
    _drop(body, "//*[contains(concat(' ', @class, ' '), ' headerlink ')]")
    ids = {element.get("id") for element in tree.iter() if isinstance(element.tag, str) and element.get("id")}
    return _words(_text(body)), ids


def _found(unit: list[str], page: list[str]) -> bool:
    reach = 2 * len(unit) + 4
    for start, word in enumerate(page):
        if word != unit[0]:
            continue
        position, matched = start + 1, 1
        while matched < len(unit) and position < min(len(page), start + reach):
            if page[position] == unit[matched]:
                matched += 1
            position += 1
        if matched == len(unit):
            return True
    return False


def prove(old_html: str, new_html: str, removed_lines: list[str], kept_here: list[str] = ()) -> Proof:
    """What of the old page is not in the new one; a unit found in *kept_here* (the
    plain text of passages where this project keeps its own wording) is counted there."""
    units, old_ids = old_units(old_html, removed_lines)
    page_words, new_ids = new_page(new_html)
    kept_words = [_words(text) for text in kept_here]
    proof = Proof(units=len(units), ids=len(old_ids))
    for unit in units:
        if _found(unit, page_words):
            continue
        if any(_found(unit, words) for words in kept_words):
            proof.kept_here.append(" ".join(unit))
        else:
            proof.lost_units.append(" ".join(unit))
    proof.lost_ids = sorted(old_ids - new_ids)
    return proof
