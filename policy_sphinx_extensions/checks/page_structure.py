"""Structure a page can show: headings with visible text, nesting Markdown keeps.

Each failing the build with the file and line (``doctree-read``):

* a heading whose text is empty or holds an invisible character (a zero-width
  space U+200B, a soft hyphen, a Hangul filler, ...). Such a heading looks
  like nothing, or like another, yet takes a section id: written before
  ``## 1. INFORMATION WE COLLECT`` it takes ``#1-information-we-collect``,
  and the real section becomes ``#1-information-we-collect-1``, so every
  citation of that address points elsewhere;
* lists and quotes nested deeper than Markdown keeps. MyST's parser,
  markdown-it, stops at its ``maxNesting`` (20 for the CommonMark preset MyST
  uses): a list takes two levels (the list and its item), a quote one, and
  whatever starts at level 20 is dropped without a word, so a tenth nested
  list loses its items. A quote at level 20 leaves no node at all, so the
  page's tree of 19 levels looks the same whether or not something was lost:
  the 19th level fails, whatever it holds. That allows 9 nested lists, or
  18 quotes. Nesting inside a directive counts too (stricter than
  markdown-it, which starts again inside each directive); reStructuredText
  has no such limit, and the same rule keeps the two alike.
"""

from __future__ import annotations

import unicodedata

from docutils import nodes
from markdown_it.presets import commonmark
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.nodes import traverse_parent

logger = logging.getLogger(__name__)

# The level at which markdown-it stops reading: the parser MyST builds from
# the CommonMark preset keeps its maxNesting. Levels from 0: the deepest
# allowed is the one under the last level the page's tree can show in full.
MAX_NESTING = commonmark.make()["options"]["maxNesting"]
DEEPEST = MAX_NESTING - 3
# Each of these is one markdown-it nesting level.
CONTAINERS = (nodes.bullet_list, nodes.enumerated_list, nodes.list_item, nodes.block_quote)

# Letters that render as nothing (Unicode "Lo" fillers) and the braille blank.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def invisible_characters(text: str) -> list[str]:
    """The characters of *text* that render as nothing (format and control characters)."""
    return [char for char in text
            if unicodedata.category(char) in ("Cf", "Cc") or char in BLANK_CHARACTERS]


def has_visible_text(text: str) -> bool:
    return any(not char.isspace() and not invisible_characters(char)
               and unicodedata.category(char) not in ("Mn", "Me")  # a lone accent
               for char in text)


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"


def _check_headings(app: Sphinx, doctree: nodes.document) -> None:
    for section in doctree.findall(nodes.section):
        title = section[0] if section and isinstance(section[0], nodes.title) else None
        text = title.astext() if title is not None else ""
        location = title if title is not None else section
        if not has_visible_text(text):
            message = "a heading with no visible text"
            if text:
                message += f" ({', '.join(_name(char) for char in text)})"
            logger.error(message + ": it would take a section's id",
                         location=location, type="policy", subtype="heading")
        elif invisible := invisible_characters(text):
            logger.error(f"the heading holds an invisible character ({_name(invisible[0])}): "
                         "write it without", location=location, type="policy", subtype="heading")


def _check_nesting(app: Sphinx, doctree: nodes.document) -> None:
    # The outermost container too deep is reported, once per page.
    for node in doctree.findall(lambda n: isinstance(n, CONTAINERS)):
        # How many list, item and quote levels enclose it.
        if sum(1 for _ in traverse_parent(node.parent, CONTAINERS)) > DEEPEST:
            logger.error(
                f"nested too deep to be shown: Markdown drops what starts {MAX_NESTING} levels "
                "deep without a word (a list is two levels, a quote one): nest at most "
                f"{(DEEPEST + 1) // 2} lists or {DEEPEST + 1} quotes",
                location=node, type="policy", subtype="nesting")
            return


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _check_headings)
    app.connect("doctree-read", _check_nesting)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
