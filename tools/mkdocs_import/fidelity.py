"""The proof that a page lost nothing: its text units and ids, old and new.

The old page is rendered as MkDocs rendered it (Python-Markdown with the
site's extensions); every heading, paragraph, list item, table cell,
definition and code block of it must appear, word for word and in order, in
the built page's main content, and every id it published must be an id of the
built page. Both pages are read as the redline reads a page
(``policy_core/redline/text.py``): one reading of what a reader sees.

Words are compared, not markup, and not their case or apostrophe's form: a line break, a link, an abbreviation or an
admonition's new markup changes no word, and a word the old page hid from its
readers (``<python.org>`` read as a tag) may be shown now. An old unit may match
with up to as many other words between its own (a heading's "#" link, a restored
word), never further apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import markdown
from bs4 import BeautifulSoup, Tag

from policy_core.redline.text import HEADINGS, content_blocks, main_content

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


def _tree(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def heading_ids(html: str) -> list[str]:
    """The ids of the page's headings, in order (what the old site's table of contents linked)."""
    return [heading.get("id") or "" for heading in _tree(html).find_all(HEADINGS)]


def _ids(tree: Tag) -> set[str]:
    return {element["id"] for element in tree.find_all(id=True) if element["id"]}


def _words(text: str) -> list[str]:
    # Case aside: an admonition's title is its type capitalised ("note", "Note");
    # and the apostrophe's form: the import sets "we'll" as "we’ll".
    return [word.casefold().replace("’", "'") for word in WORD.findall(text)]


def _units(tree: Tag) -> list[list[str]]:
    """The words of each heading, paragraph, list item, cell and definition of
    *tree*, read as the redline reads a page (permalinks left out)."""
    return [words for block in content_blocks(tree, "") if (words := _words(block.text))]


def words_of(html: str) -> list[str]:
    """Every word of a rendered page (a fragment), in order, as the proof compares them."""
    return [word for unit in _units(_tree(html)) for word in unit]


def _found(unit: list[str], page: list[str]) -> bool:
    reach = 2 * len(unit) + 4
    for start in (index for index, word in enumerate(page) if word == unit[0]):
        window = iter(page[start + 1:start + reach])  # "in" reads it up to the word found
        if all(word in window for word in unit[1:]):
            return True
    return False


def prove(old_html: str, new_html: str, removed_lines: list[str], kept_here: list[str] = ()) -> Proof:
    """What of the old page is not in the new one; a unit found in *kept_here* (the
    plain text of passages where this project keeps its own wording) is counted there."""
    old_tree = _tree(old_html)
    removed = [_words(line) for line in removed_lines]
    units = [unit for unit in _units(old_tree) if unit not in removed]
    old_ids = _ids(old_tree)
    # The words of the built page's content, in order; its ids, of the whole page.
    page_words = [word for unit in _units(main_content(new_html)) for word in unit]
    kept_words = [_words(text) for text in kept_here]
    proof = Proof(units=len(units), ids=len(old_ids))
    for unit in units:
        if _found(unit, page_words):
            continue
        if any(_found(unit, words) for words in kept_words):
            proof.kept_here.append(" ".join(unit))
        else:
            proof.lost_units.append(" ".join(unit))
    proof.lost_ids = sorted(old_ids - _ids(_tree(new_html)))
    return proof
