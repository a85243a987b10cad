"""The spelling builder, checking the text of links and emphasis too, in US and British English.

sphinxcontrib-spelling checks only text directly inside paragraphs, titles and
list items; a word inside a link, ``*emphasis*`` or ``**strong**`` text was
never checked. Notices put much of their text in links ("the AWS Privacy
Notice"), so this builder, registered under the same name, checks it as well.

It also accepts a word that either English dictionary knows: the notices use
both spellings ("behavior", "behaviour"; "acknowledgment", "acknowledgement").
sphinxcontrib-spelling takes one language (``spelling_lang``, en_US here);
``spelling_also_langs`` names the others, each a Hunspell dictionary Enchant
finds (Debian's ``hunspell-en-gb`` for en_GB).
"""

import enchant
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinxcontrib.spelling.builder import SpellingBuilder


class AnyDictionary:
    """Enchant dictionaries as one: a word is right if any of them knows it."""

    def __init__(self, first, others) -> None:
        self.first = first
        self.others = others

    def check(self, word: str) -> bool:
        return self.first.check(word) or any(other.check(word) for other in self.others)

    def suggest(self, word: str) -> list[str]:
        return self.first.suggest(word)


class NoticeSpellingBuilder(SpellingBuilder):
    TEXT_NODES = SpellingBuilder.TEXT_NODES | {"reference", "emphasis", "strong", "inline"}

    def init(self) -> None:
        super().init()
        try:
            others = [enchant.Dict(lang) for lang in self.config.spelling_also_langs]
        except enchant.errors.DictNotFoundError as error:
            raise ExtensionError(
                f"{error}: install its Hunspell dictionary (Debian: hunspell-en-gb for en_GB)"
            ) from None
        self.checker.dictionary = AnyDictionary(self.checker.dictionary, others)


def setup(app: Sphinx) -> dict:
    """Register the builder over sphinxcontrib-spelling's own ``spelling``."""
    app.setup_extension("sphinxcontrib.spelling")
    app.add_builder(NoticeSpellingBuilder, override=True)
    app.add_config_value("spelling_also_langs", [], "env", types=[list])
    return {"parallel_read_safe": True, "parallel_write_safe": True}
