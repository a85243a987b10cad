"""Two versions of a notice's blocks of words compared, as redline HTML and counts.

Blocks are paired (an edited block with the block it was), then their words
compared with difflib: deleted words in ``<del>``, inserted ones in
``<ins>``, a changed link target as a note of old -> new address. Part of the
redline (``tools/redline.py``).
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass, field

from tools.redline_text import Block, Segment, Word

# Two blocks are taken as one block edited when this much of their words match
# (difflib's ratio: "Biography" -> "Biography and profile photo" is 0.4).
SIMILAR = 0.3


def _render_words(words) -> str:
    """Words as HTML, with one <a> per run of words sharing a link target."""
    pieces: list[tuple[str | None, str]] = []
    previous: Segment | None = None
    for word in words:
        if previous is not None and word.space_before:
            first = word.segments[0]
            pieces.append((previous.href if previous.href == first.href else None, " "))
        for segment in word.segments:
            text = html.escape(segment.text)
            for mark in segment.marks:
                text = f"<{mark}>{text}</{mark}>"
            pieces.append((segment.href, text))
        previous = word.segments[-1]
    out = []
    for href, group in _runs(pieces):
        text = "".join(group)
        out.append(f'<a href="{html.escape(href)}">{text}</a>' if href else text)
    return "".join(out)


def _runs(pieces):
    run_href, run = None, []
    for href, text in pieces:
        if run and href != run_href:
            yield run_href, run
            run = []
        run_href = href
        run.append(text)
    if run:
        yield run_href, run


def _link_note(old: str | None, new: str | None) -> str:
    def shown(href):
        return html.escape(href) if href else "no link"

    return (
        f'<span class="rl-link-change">link: <del>{shown(old)}</del> → '
        f"<ins>{shown(new)}</ins></span>"
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


def diff_words(old: tuple[Word, ...], new: tuple[Word, ...]) -> tuple[str, Counts]:
    """One block's words, old against new, as redline HTML and counts."""
    counts = Counts()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(
        None, [word.text for word in old], [word.text for word in new], autojunk=False
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts += _equal_words(old[i1:i2], new[j1:j2], counts)
            continue
        if i2 > i1:
            parts.append(_spaced(old[i1], f"<del>{_render_words(old[i1:i2])}</del>"))
            counts.deleted(old[i1:i2])
        if j2 > j1:
            # After struck words, a space keeps the inserted ones apart.
            after_deleted = i2 > i1 and new[j1].is_word
            first = Word(new[j1].segments, new[j1].space_before or after_deleted)
            parts.append(_spaced(first, f"<ins>{_render_words(new[j1:j2])}</ins>"))
            counts.inserted(new[j1:j2])
        old_links, new_links = _unique_links(old[i1:i2]), _unique_links(new[j1:j2])
        if old_links and new_links and old_links != new_links:
            # Paired in order; a link with no counterpart shows as inserted or deleted.
            for old_link, new_link in zip(old_links, new_links, strict=False):
                if old_link != new_link:
                    parts.append(" " + _link_note(old_link, new_link))
                    counts.links.append((old_link, new_link))
    return "".join(parts).strip(), counts


def _spaced(first: Word, text: str) -> str:
    return f" {text}" if first.space_before else text


def _equal_words(old, new, counts: Counts) -> list[str]:
    """Words whose text is unchanged; runs whose link target changed are flagged."""
    parts, run, run_targets = [], [], None
    for old_word, new_word in zip(old, new, strict=True):
        targets = (old_word.href, new_word.href) if old_word.href != new_word.href else None
        if run and targets != run_targets:
            parts.append(_equal_run(run, run_targets, counts))
            run = []
        run_targets = targets
        run.append(new_word)
    if run:
        parts.append(_equal_run(run, run_targets, counts))
    return parts


def _equal_run(words, targets, counts: Counts) -> str:
    if targets is None:
        return _spaced(words[0], _render_words(words))
    counts.links.append(targets)
    changed = f'<span class="rl-link-changed">{_render_words(words)}</span>'
    return _spaced(words[0], changed) + " " + _link_note(*targets)


@dataclass
class RenderedBlock:
    status: str  # equal, changed, inserted, deleted
    block: Block
    html: str


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
                html_text = f"<del>{_render_words(old_block.words)}</del>"
                rendered.append(RenderedBlock("deleted", old_block, html_text))
            elif old_block is None:
                tally.inserted(new_block.words)
                html_text = f"<ins>{_render_words(new_block.words)}</ins>"
                rendered.append(RenderedBlock("inserted", new_block, html_text))
            else:
                html_text, block_counts = diff_words(old_block.words, new_block.words)
                tally.add(block_counts)
                status = "changed" if block_counts.changed else "equal"
                rendered.append(RenderedBlock(status, new_block, html_text))
    return rendered, counts
