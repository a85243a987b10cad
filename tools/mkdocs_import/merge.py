"""A page this project has, merged with the previous site's newer text: each side's changes kept.

Three texts, each split into blocks (a paragraph, a list item, a heading with
the labels above it, a table, a fenced block): the *base* the project's page
was made from (the previous site's text of the last import, else its version
closest in words to the project's page), the project's page, and the previous
site's text now. A block only one side changed since the base comes from that
side: the project's own fixes and markup (restored words, processor
references, labels, its line wrapping) stay where the previous site did not
change the passage, and the previous site's changes come over where the
project did not touch it. Where both changed a block, the previous site's
text is taken and the block is named in the report, for an editor to merge by
hand with the redline.

Why our own merge, on :mod:`difflib`'s matching: ``git merge-file`` (and
diff3 tools) call two changes that only touch side by side a conflict; here
a block one side changed beside a block the other changed is no conflict.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .convert import fence_after

LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s")
WORD = re.compile(r"\w+")


@dataclass
class Merged:
    text: str
    #: the first words of each block both sides changed (the previous site's text was taken)
    conflicts: list[str] = field(default_factory=list)
    #: the previous site's blocks whose place holds this project's own text
    not_taken: list[str] = field(default_factory=list)


def blocks(text: str) -> list[str]:
    """*text* as blocks: split at blank lines and at each top-level list item, fences kept whole."""
    found: list[list[str]] = [[]]
    fence = None
    for line in text.strip("\n").split("\n"):
        before, fence = fence, fence_after(fence, line)
        if not before and (not line.strip() or LIST_ITEM.match(line)):
            found.append([])  # a blank line ends a block; a list item starts one
        if before or line.strip():
            found[-1].append(line)
    return ["\n".join(lines) for lines in found if lines]


def closest(candidates: list[str], page: str) -> str | None:
    """The candidate closest in words to *page*."""
    words = WORD.findall(page.casefold())

    def likeness(candidate: str) -> float:
        return difflib.SequenceMatcher(None, WORD.findall(candidate.casefold()), words,
                                       autojunk=False).ratio()

    return max(candidates, key=likeness, default=None)


Hunk = tuple[int, int, list[str], str]  # base start, base end, the side's blocks, the side


def _hunks(base: list[str], other: list[str], side: str) -> list[Hunk]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2], side) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _touch(start: int, end: int, hunk: Hunk) -> bool:
    """Whether *hunk* and the base range [start, end) change one place: they overlap, or insert at one point.

    Changes side by side (one ending where the other starts) do not touch.
    """
    first, last = hunk[0], hunk[1]
    if start == end and first == last:
        return start == first
    if start == end:
        return first < start < last
    if first == last:
        return start < first < end
    return first < end and start < last


def _applied(base: list[str], start: int, end: int, hunks: list[Hunk]) -> list[str]:
    out, position = [], start
    for i1, i2, new, _ in hunks:
        out += base[position:i1] + new
        position = i2
    return out + base[position:end]


def merge(base: str, project: str, live: str) -> Merged:
    """*project*'s page and *live*'s text, each side's changes since *base* kept."""
    base_blocks = blocks(base)
    hunks = sorted(_hunks(base_blocks, blocks(project), "project") + _hunks(base_blocks, blocks(live), "live"),
                   key=lambda hunk: (hunk[0], hunk[1]))
    result, conflicts, not_taken, position, index = [], [], [], 0, 0
    while index < len(hunks):
        group = [hunks[index]]
        start, end = hunks[index][0], hunks[index][1]
        index += 1
        while index < len(hunks) and _touch(start, end, hunks[index]):
            end = max(end, hunks[index][1])
            group.append(hunks[index])
            index += 1
        result += base_blocks[position:start]
        sides = {side: [hunk for hunk in group if hunk[3] == side] for side in ("project", "live")}
        mine, theirs = (_applied(base_blocks, start, end, sides[side]) for side in ("project", "live"))
        if sides["project"] and sides["live"] and mine != theirs:
            conflicts.append(" ".join(" ".join(theirs).split()[:8]) or "(removed there)")
        if not sides["live"]:
            not_taken += base_blocks[start:end]  # the previous site's text there is the base's
        result += theirs if sides["live"] else mine
        position = end
    result += base_blocks[position:]
    # Items of one list stay one list: a blank line between them would make it another.
    text = "".join(block + ("\n" if LIST_ITEM.match(after) and LIST_ITEM.match(block) else "\n\n")
                   for block, after in zip(result, [*result[1:], ""], strict=True))
    return Merged(text.rstrip("\n") + "\n", conflicts, not_taken)
