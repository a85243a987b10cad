"""Sphinx configuration of the spelling check: the site's own, plus the spell checker."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from conf import *  # noqa: E402,F403 - the site's configuration, unchanged

extensions = [*extensions, "tools.spelling.builder"]  # noqa: F405 - sphinxcontrib-spelling

spelling_lang = "en_US"
# British spellings pass too: the notices use both (builder.py).
spelling_also_langs = ["en_GB"]
spelling_word_list_filename = [str(Path(__file__).parent / "wordlist.txt")]
# By name: the builder imports it (a class here would stop Sphinx caching the config).
# A URL or address in running text is the bare-url rule's finding, not a misspelling.
spelling_filters = [
    "tools.spelling.filters.TypographicApostrophe",
    "tools.spelling.filters.QuotedAsWritten",
    "enchant.tokenize.URLFilter",
    "enchant.tokenize.EmailFilter",
]
# Every accepted word is in the dictionary or the word list: no guessing
# from module names, git authors, PyPI or CamelCase (which would pass "PyPi").
spelling_ignore_pypi_package_names = False
spelling_ignore_importable_modules = False
spelling_ignore_python_builtins = False
spelling_ignore_contributor_names = False
spelling_ignore_wiki_words = False
spelling_show_suggestions = True
spelling_suggestion_limit = 3
spelling_warning = False
spelling_verbose = False
