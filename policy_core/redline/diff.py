"""Two versions of a notice's blocks of words compared, as marked parts and counts.

Blocks are paired (an edited block with the block it was), then their words
compared with difflib: each block becomes parts of words kept, deleted or
inserted, and notes of a changed link target (old -> new address). The parts
are data: the redline's templates (``tools/templates/redline-macros.html``)
write them as HTML, escaping every text and address. Part of the redline
(``tools/redline.py``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from policy_core.redline.text import Block, Word

# Two blocks are taken as one block edited when this much of their words match
# (difflib's ratio: "Biography" -> "Biography and profile photo" is 0.4).
SIMILAR = 0.3


class Marked(NamedTuple):
    """Text with its marks (``strong``, ``em``, ``code``...), innermost first."""

    text: str
    marks: tuple[str, ...]


class Link(NamedTuple):
    """Words sharing one link target (*href*, or None for no link)."""

    href: str | None
    texts: tuple[Marked, ...]


class Part(NamedTuple):
    """A run of a block's words as the redline shows them, for its templates.

    *kind* is ``equal``, ``inserted`` or ``deleted``; ``link-changed`` for
    unchanged words whose link target changed; ``link-change`` for the note of
    that change (*old_href* -> *new_href*, None for no link), which has no words.
    """

    kind: str
    links: tuple[Link, ...] = ()
    space_before: bool = False
    old_href: str | None = None
    new_href: str | None = None


_HREF, _MARKS, _TEXT = itemgetter(0), itemgetter(1), itemgetter(2)


def _links(words) -> tuple[Link, ...]:
    """*words* as runs sharing a link target, the spaces between words included.

    A space between two words is inside the link when both sides are.
    Neighbouring texts with the same marks are joined: the page shows the
    same either way, and the templates have fewer pieces to write.
    """
    pieces: list[tuple[str | None, tuple[str, ...], str]] = []
    previous: str | None = None
    for index, word in enumerate(words):
        segments = word.segments
        if index and word.space_before:
            pieces.append((previous if previous == segments[0].href else None, (), " "))
        pieces += [(segment.href, segment.marks, segment.text) for segment in segments]
        previous = segments[-1].href
    return tuple(
        Link(href, tuple(
            Marked("".join(map(_TEXT, same)), marks) for marks, same in groupby(run, _MARKS)
        ))
        for href, run in groupby(pieces, _HREF)
    )


def _unique_links(words) -> list[str]:
    return list(dict.fromkeys(word.href for word in words if word.href))


@dataclass
class Counts:
    words_in: int = 0
    words_out: int = 0
    # Tokens in and out, punctuation included: a changed comma is a change.
    tokens_changed: int = 0
    links: list[tuple[str | None, str | None]] = field(default_factory=list)

    def inserted(self, words) -> None:
        self.words_in += sum(word.is_word for word in words)
        self.tokens_changed += len(words)

    def deleted(self, words) -> None:
        self.words_out += sum(word.is_word for word in words)
        self.tokens_changed += len(words)

    def add(self, other: Counts) -> None:
        self.words_in += other.words_in
        self.words_out += other.words_out
        self.tokens_changed += other.tokens_changed
        self.links += other.links

    @property
    def changed(self) -> bool:
        return bool(self.tokens_changed or self.links)


def diff_words(old: tuple[Word, ...], new: tuple[Word, ...]) -> tuple[tuple[Part, ...], Counts]:
    """One block's words, old against new, as marked parts and counts."""
    counts = Counts()
    parts: list[Part] = []
    matcher = difflib.SequenceMatcher(
        None, [word.text for word in old], [word.text for word in new], autojunk=False
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts += _equal_words(old[i1:i2], new[j1:j2], counts)
            continue
        if i2 > i1:
            parts.append(Part("deleted", _links(old[i1:i2]), old[i1].space_before))
            counts.deleted(old[i1:i2])
        if j2 > j1:
            # After struck words, a space keeps the inserted ones apart.
            space_before = new[j1].space_before or (i2 > i1 and new[j1].is_word)
            parts.append(Part("inserted", _links(new[j1:j2]), space_before))
            counts.inserted(new[j1:j2])
        old_links, new_links = _unique_links(old[i1:i2]), _unique_links(new[j1:j2])
        if old_links and new_links and old_links != new_links:
            # Paired in order; a link with no counterpart shows as inserted or deleted.
            for old_link, new_link in zip(old_links, new_links, strict=False):
                if old_link != new_link:
                    parts.append(_link_change(old_link, new_link))
                    counts.links.append((old_link, new_link))
    if parts and parts[0].space_before:
        # The block starts with its first part, never with a space.
        parts[0] = parts[0]._replace(space_before=False)
    return tuple(parts), counts


def _link_change(old: str | None, new: str | None) -> Part:
    return Part("link-change", space_before=True, old_href=old, new_href=new)


def _equal_words(old, new, counts: Counts) -> list[Part]:
    """Words whose text is unchanged; runs whose link target changed are flagged."""
    # Each word's (old, new) link targets where they differ, None where they agree.
    changes = [(o.href, n.href) if o.href != n.href else None
               for o, n in zip(old, new, strict=True)]
    parts = []
    for targets, run in groupby(zip(changes, new), itemgetter(0)):
        words = [word for _, word in run]
        if targets is None:
            parts.append(Part("equal", _links(words), words[0].space_before))
        else:
            counts.links.append(targets)
            parts += [Part("link-changed", _links(words), words[0].space_before),
                      _link_change(*targets)]
    return parts


@dataclass
class RenderedBlock:
    status: str  # equal, changed, inserted, deleted
    block: Block
    # What the block shows, in order: see Part.
    parts: tuple[Part, ...]


def _pair(old: list[Block], new: list[Block]):
    """Pair edited blocks in order; yield (old or None, new or None).

    As many blocks before as after, of the same kinds and places, are the
    same blocks edited; otherwise each new block pairs with the most similar
    old one.
    """
    if len(old) == len(new) and all(
        (o.tag, o.depth, o.counted) == (n.tag, n.depth, n.counted)
        for o, n in zip(old, new, strict=True)
    ):
        yield from zip(old, new, strict=True)
        return
    # Deleted blocks come before the inserted ones that took their place.
    start, inserted = 0, []
    for new_block in new:
        best, best_ratio = None, SIMILAR
        for index in range(start, len(old)):
            if (old[index].tag, old[index].counted) != (new_block.tag, new_block.counted):
                continue
            matcher = difflib.SequenceMatcher(
                None, [w.text for w in old[index].words], [w.text for w in new_block.words],
                autojunk=False,
            )
            if matcher.quick_ratio() >= best_ratio and (ratio := matcher.ratio()) >= best_ratio:
                best, best_ratio = index, ratio
        if best is None:
            inserted.append((None, new_block))
            continue
        yield from ((block, None) for block in old[start:best])
        yield from inserted
        inserted = []
        yield old[best], new_block
        start = best + 1
    yield from ((block, None) for block in old[start:])
    yield from inserted


def diff_blocks(old: list[Block], new: list[Block]) -> tuple[list[RenderedBlock], Counts]:
    """Every block of the notice in reading order, with the words that changed marked.

    The counts are those of the notice's text: the blocks not counted (dates,
    change history) are marked but left out of them.
    """
    counts = Counts()
    rendered: list[RenderedBlock] = []
    matcher = difflib.SequenceMatcher(
        None,
        [(b.tag, b.counted, b.text) for b in old],
        [(b.tag, b.counted, b.text) for b in new],
        autojunk=False,
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = (
            zip(old[i1:i2], new[j1:j2], strict=True)
            if operation == "equal"
            else _pair(old[i1:i2], new[j1:j2])
        )
        for old_block, new_block in pairs:
            # Blocks pair only with blocks of the same kind, counted or not.
            tally = counts if (new_block or old_block).counted else Counts()
            if new_block is None:
                tally.deleted(old_block.words)
                parts = (Part("deleted", _links(old_block.words)),)
                rendered.append(RenderedBlock("deleted", old_block, parts))
            elif old_block is None:
                tally.inserted(new_block.words)
                parts = (Part("inserted", _links(new_block.words)),)
                rendered.append(RenderedBlock("inserted", new_block, parts))
            else:
                parts, block_counts = diff_words(old_block.words, new_block.words)
                tally.add(block_counts)
                status = "changed" if block_counts.changed else "equal"
                rendered.append(RenderedBlock(status, new_block, parts))
    return rendered, counts
