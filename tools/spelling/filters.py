"""Word filters for the spelling check."""

from __future__ import annotations

import re

from enchant.tokenize import Filter

# One word in double quotes, straight or typographic: "ther", “ther”.
QUOTED_WORD = re.compile(r'["“]([^"“”\s]+)["”]')


class QuotedAsWritten(Filter):
    """Skip a single word in straight double quotes: it is quoted exactly as written.

    A change summary names the misspelling it corrected ('corrected “ther” to
    “their”'); that quotation is not a misspelling of the notice. A quotation
    of more than one word is checked as usual.
    """

    def __call__(self, text, *args, **kwargs):
        quoted = [match.span(1) for match in QUOTED_WORD.finditer(text)]
        for word, position in super().__call__(text, *args, **kwargs):
            # The tokenizer may still hold the quotes around the word here.
            if not any(position < end and position + len(word) > start for start, end in quoted):
                yield word, position


class TypographicApostrophe(Filter):
    """Read ’ inside a word as the apostrophe the dictionary knows: “aren’t” is “aren't”.

    Enchant's tokenizer ends a word at ’, so every contraction the notices
    write typographically (as ``make format`` writes them) was checked as two
    words, “aren” and “t”. One character for one: every position stays.
    """

    def __call__(self, text, *args, **kwargs):
        return super().__call__(re.sub(r"(?<=\w)’(?=\w)", "'", text), *args, **kwargs)
