"""What to do for each address a change would break: ``make check-addresses``' messages.

A heading's ids (Sphinx's and the GitHub-style one) are kept with a MyST
label each, right above the heading that replaced it: the message names the
source file and that heading's line, read from the source as MyST parses it,
and prints the lines to paste. A heading is matched to the one standing in
its place on the new page (``difflib`` over the headings in order); its line
is the source heading that reads most like it. A change-history entry's id is
kept by keeping the entry and its date.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.check_addresses import Page

REMOVED_IDS_FILE = "source/_data/removed-ids.yaml"


@dataclass
class Loss:
    """Ids that are gone, of one heading (or entry, or element) of one source file."""

    old: Page
    new: Page
    origin: tuple[str, str] | None
    ids: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def fix_message(loss: Loss) -> str:
    """What is gone with *loss*, where, and the lines or entry that keep it."""
    kind, what = loss.origin or ("", "")
    file = loss.new.source
    if kind != "heading":
        (element_id,) = loss.ids
        addresses = " and ".join(
            _with_fragment(address, element_id) for address in sorted(loss.addresses)
        )
        gone = "is gone" if len(loss.addresses) == 1 else "are gone"
        listed = f"or, if it must go, list it with a reason in {REMOVED_IDS_FILE}"
        keep = f"keep it with the line ({element_id})= right above what should carry it"
        if kind == "change":
            keep = (f"it was the id of the change-history entry of {what}, made from the entry's"
                    " date in the front matter: keep the entry and its date")
        return f"{file + ': ' if file else ''}{addresses} {gone}: {keep} ({listed})"
    replacement = _replacement(loss.old.headings, loss.new.headings, what)
    line = _line_of(loss.new.source_headings, replacement) if replacement else None
    where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""
    one = len(loss.ids) == 1
    labels = "\n".join(f"    ({element_id})=" for element_id in loss.ids)
    return (
        f'{where}the heading "{what}" '
        + (f'is now "{replacement}"' if replacement else "is gone")
        + f": {'its address' if one else 'its addresses'} "
        + ", ".join(f"#{element_id}" for element_id in loss.ids)
        + f" on {' and '.join(sorted(loss.addresses))} would break."
        + f" Keep {'it' if one else 'them'} with {'this line' if one else 'these lines'} "
        + (f"right above that heading, at line {line}:" if line
           else "right above the heading that replaced it:")
        + f"\n{labels}\n  (or, if {'it' if one else 'they'} must go, list"
        + f" {'it' if one else 'each'} with a reason in {REMOVED_IDS_FILE})"
    )


def _with_fragment(address: str, element_id: str) -> str:
    """``/a/ (redirected to /b/)`` with ``#id`` after the address itself."""
    page, space, rest = address.partition(" ")
    return f"{page}#{element_id}{space}{rest}"


def _replacement(old: tuple[str, ...], new: tuple[str, ...], heading: str) -> str | None:
    """The heading of *new* standing where *heading* stood in *old*, if any."""
    if heading not in old:
        return None
    index = old.index(heading)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if old_start <= index < old_end and tag == "replace":
            return new[min(new_start + index - old_start, new_end - 1)]
    return None


def _line_of(headings: tuple[tuple[int, str], ...], text: str) -> int | None:
    """The line of the source heading that reads most like *text*."""
    ratio, line = max(((difflib.SequenceMatcher(None, source_text, text).ratio(), line)
                       for line, source_text in headings), default=(0.0, None))
    return line if ratio >= 0.6 else None
