"""Policy rules for characters that are not what they seem.

* ``invisible-character``: a zero-width character, a bidirectional control or
  any other character that shows nothing, anywhere in the file. Found by
  Unicode category with ``unicodedata``.
* ``confusable-host``: a link to a host name that mixes scripts
  (``pythοn.org`` with a Greek omicron) or is written wholly in letters that
  look Latin. Python's ``unicodedata`` has no script property, so the scripts
  and look-alikes come from confusable_homoglyphs, which ships Unicode's
  script and confusables data; ``idna`` decodes ``xn--`` names.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Iterator

import idna
from confusable_homoglyphs import categories, confusables

from tools.myst_notice import BARE_URL, Notice, Report, child_lines, rule

# Characters that show nothing: format characters (zero-width space and
# joiners, word joiner, byte order mark, soft hyphen, bidirectional marks,
# embeddings, overrides and isolates), control characters and the Unicode line
# and paragraph separators. A tab is the markdown check's (md010), CR the
# line-ending rule's.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp"})
PLAIN_LINE = re.compile(r"[\x20-\x7e\t\r]*")
BIDI_CLASSES = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def invisible_characters(text: str) -> Report:
    """(line, message) for each character of *text* that shows nothing."""
    for number, line in enumerate(text.split("\n"), 1):
        if PLAIN_LINE.fullmatch(line):
            continue
        for column, char in enumerate(line, 1):
            if char in "\t\r" or unicodedata.category(char) not in INVISIBLE_CATEGORIES:
                continue
            name = unicodedata.name(char, "control character")
            bidi = unicodedata.bidirectional(char) in BIDI_CLASSES or char in "\u200e\u200f\u061c"
            effect = "reorders the text around it" if bidi else "is invisible"
            yield number, f"U+{ord(char):04X} {name} at column {column} {effect}: delete it"


@rule("invisible-character")
def check_invisible_characters(notice: Notice) -> Report:
    yield from invisible_characters(notice.text)


def host_of(url: str) -> str:
    netloc = urllib.parse.urlsplit(url if "://" in url else f"https://{url}").netloc
    return netloc.rpartition("@")[2].split(":")[0]


# Scripts one language writes together (Unicode UTS #39, "highly restrictive"):
# Japanese, Chinese with Bopomofo, Korean; each also with Latin.
SCRIPT_SETS = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
)


def _confusable_label(label: str) -> str | None:
    """Why the host name label *label* misleads, or None if it does not."""
    if label.isascii():
        return None
    scripts = categories.unique_aliases(label) - {"COMMON", "INHERITED"}
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in SCRIPT_SETS):
        return f"mixes scripts ({', '.join(sorted(scripts))})"
    lookalikes = confusables.is_confusable(label, greedy=True, preferred_aliases=["latin"])
    letters = {char for char in label if char.isalpha()}
    if lookalikes and {item["character"] for item in lookalikes} >= letters:
        return f"is written in {', '.join(sorted(scripts))} letters that look Latin"
    return None


def confusable_host(host: str) -> Iterator[str]:
    """Why *host* misleads, for each of its labels that does."""
    if host.isascii() and "xn--" not in host.lower():
        return
    try:
        shown = idna.decode(host) if host.isascii() else host
    except idna.IDNAError as error:
        yield f"host {host!r} is not a valid internationalized domain name: {error}"
        return
    for label in shown.split("."):
        if reason := _confusable_label(label):
            odd = ", ".join(f"'{char}' U+{ord(char):04X} {unicodedata.name(char, '?')}"
                            for char in dict.fromkeys(label) if not char.isascii())
            yield (f"host {shown!r} {reason}: {odd}; "
                   "write the host in the script it is registered in")


@rule("confusable-host")
def check_confusable_hosts(notice: Notice) -> Report:
    """The host of each link and of each URL written as text, if it misleads."""
    for token, _ in notice.inline_tokens():
        for child, line, in_link in child_lines(token):
            urls = []
            if child.type == "link_open":
                urls = [str(child.attrs.get("href", ""))]
            elif child.type == "text" and not in_link:
                urls = [match.group(0) for match in BARE_URL.finditer(child.content)]
            for url in urls:
                for message in confusable_host(host_of(url)):
                    yield line, message


def check_data(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, rule, message) for the data files under source/_data/: their
    names and URLs reach the pages as they are written."""
    for line, message in invisible_characters(text):
        yield line, "invisible-character", message
    for number, line in enumerate(text.split("\n"), 1):
        for match in BARE_URL.finditer(line):
            for message in confusable_host(host_of(match.group(0))):
                yield number, "confusable-host", message
