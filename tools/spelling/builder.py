"""The spelling builder, checking the text of links and emphasis too.

sphinxcontrib-spelling checks only text directly inside paragraphs, titles and
list items; a word inside a link, ``*emphasis*`` or ``**strong**`` text was
never checked. Notices put much of their text in links ("the AWS Privacy
Notice"), so this builder, registered under the same name, checks it as well.
"""

from sphinx.application import Sphinx
from sphinxcontrib.spelling.builder import SpellingBuilder


class NoticeSpellingBuilder(SpellingBuilder):
    TEXT_NODES = SpellingBuilder.TEXT_NODES | {"reference", "emphasis", "strong", "inline"}


def setup(app: Sphinx) -> dict:
    """Register the builder over sphinxcontrib-spelling's own ``spelling``."""
    app.setup_extension("sphinxcontrib.spelling")
    app.add_builder(NoticeSpellingBuilder, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
