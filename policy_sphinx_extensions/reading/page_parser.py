"""MyST reads every page with the site's settings, and within the site's limits.

MyST lets a page's front matter change its settings for that page: a
``myst`` key (and the older top-level ``substitutions`` and ``html_meta``)
can turn on extensions and URL schemes, and substitutions render through an
unsandboxed Jinja environment, which runs any Python a page writes there. So
this parser, which takes the place of MyST's, reads every page with the
site's settings alone: it never applies a page's own, and it refuses the
keys that would ask for them before MyST parses the page, naming the line.
Substitutions are off for every page, whatever ``conf.py`` says (they are
the one Jinja of MyST), and ``conf.py`` turning them on stops the build.

The front matter is found by :func:`.yamldata.front_matter_block` with the
very parser MyST renders the page with, so the block checked is the block
MyST reads; it is read once (:func:`.yamldata.load`), and MyST renders that
reading rather than parsing the block again. MyST's own settings reader ends
the block elsewhere (at any line starting with ``---``); a refused key it
would find is refused too, its block read again only where it differs.

Limits, before any Markdown is rendered (a page of tens of thousands of
headings takes MyST a time that grows with their square, in its unique
heading ids): ``policy_max_source_bytes`` bytes and ``policy_max_headings``
headings. They hold for every document read, the notices' earlier versions
from git included.

A refusal is kept with the document (:mod:`.docdata`) and fails the build,
naming the file and line.
"""

from __future__ import annotations

from myst_parser.config.main import TopmatterReadError, read_topmatter
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.util import logging

from policy_core import yamldata
from policy_core.page_limits import heading_problem, size_problem
from policy_sphinx_extensions.build import docdata
from policy_sphinx_extensions.build.refusals import refuse

logger = logging.getLogger(__name__)

# The front matter keys MyST reads as settings of the page (merge_file_level)
# or of a notebook's execution.
PAGE_SETTINGS_KEYS = ("myst", "substitutions", "html_meta", "mystnb")
# The MyST extension that renders ``{{ ... }}`` through Jinja.
JINJA_EXTENSION = "substitution"


class PageParserDomain(docdata.DocumentData):
    """The pages refused before MyST read them, with why."""

    name = "policy-page-parser"
    label = "Pages refused before parsing"
    data_version = 1
    error_subtype = "page"


def _front_matter(text: str, md) -> tuple[str, object] | None:
    """The front matter block *md* reads in *text*, and its YAML as
    :mod:`.yamldata` reads it (libyaml), or None when it has none. The YAML is
    None when it cannot be read: MyST reads the block itself then, and warns."""
    try:
        block = yamldata.front_matter_block(text, md)
    except yamldata.DataError:
        return None  # an unclosed block: MyST reads no front matter
    if block is None:
        return None
    try:
        return block[0], yamldata.load(block[0], "", block[1])
    except yamldata.DataError:
        return block[0], None  # not the page's settings: the dates extension names the mistake


def _settings_keys(text: str, front_matter: tuple[str, object] | None) -> tuple[int, str] | None:
    """(line, message) for a key in *text*'s front matter that would set
    MyST's settings of the page, or None."""
    block, front = front_matter or (None, None)
    if isinstance(front, yamldata.Mapping):
        for key in PAGE_SETTINGS_KEYS:
            if key in front:
                return front.line_of(key), (
                    f"front matter may not hold {key!r}: MyST's settings are the site's, "
                    "the same for every page")
        if yamldata.settings_reader_block(text) == f"{block}\n":
            # MyST's settings reader reads the same lines (with the last one's
            # line break, which ends no key): the same keys, read above.
            return None
    try:
        topmatter = read_topmatter(text)
    except TopmatterReadError:
        return None
    for key in PAGE_SETTINGS_KEYS:
        if isinstance(topmatter, dict) and key in topmatter:
            line = next((number for number, line in enumerate(text.splitlines(), 1)
                         if line.startswith(f"{key}:")), 1)
            return line, (
                f"{key!r} may not follow a line starting with spaces and '---' in the front "
                "matter: MyST's settings reader takes it as the page's settings")
    return None


class SiteMystParser(MystParser):
    """MyST's parser with the site's settings for every page, and its limits."""

    def parse(self, inputstring: str, document) -> None:
        env = document.settings.env
        domain = env.domains[PageParserDomain.name]
        global_config = env.myst_config
        config = global_config.copy(
            enable_extensions=set(global_config.enable_extensions) - {JINJA_EXTENSION},
            substitutions={})
        md = create_md_parser(config, SphinxRenderer)
        md.options["document"] = document
        front_matter = _front_matter(inputstring, md)
        refused = _settings_keys(inputstring, front_matter)
        if refused is not None:
            # Reported; the page is still read, with the site's settings.
            domain.note_error(env.docname, *refused)
        md_env: dict = {}
        tokens: list = []
        limit = size_problem(inputstring, env.config.policy_max_source_bytes)
        if limit is None:
            tokens = md.parse(inputstring, md_env)
            limit = heading_problem(tokens, env.config.policy_max_headings)
        if limit is not None:
            domain.note_error(env.docname, *limit)
            # What comes before the second heading (the front matter, the
            # title): the refusal is the page's only error. Nothing of a page
            # over the size limit (its front matter is then missed as well).
            headings = [n for n, token in enumerate(tokens) if token.type == "heading_open"]
            tokens = tokens[:headings[1]] if len(headings) > 1 else []
        if (tokens and tokens[0].type == "front_matter" and front_matter is not None
                and isinstance(front_matter[1], yamldata.Mapping)
                and tokens[0].content == front_matter[0]):
            # MyST renders front matter given as data as it renders the data it
            # reads from the block's text: the YAML is read once.
            tokens[0].content = front_matter[1]
        md.renderer.render(tokens, md.options, md_env)


def _check_config(app: Sphinx) -> None:
    # Another extension registering its own Markdown parser later would read
    # pages with a page's own settings again: only this one, or one built on it.
    parser = app.registry.get_source_parsers().get("markdown")
    if parser is not None and not issubclass(parser, SiteMystParser):
        refuse(f"the Markdown parser {parser.__module__}.{parser.__qualname__} is not built on "
               "policy_sphinx_extensions.reading.page_parser.SiteMystParser: pages would be read "
               "with their own MyST settings")
    config = app.env.myst_config
    if JINJA_EXTENSION in config.enable_extensions or config.substitutions:
        refuse("myst_enable_extensions may not hold 'substitution', nor myst_substitutions "
               "be set: substitutions run Python through Jinja")
    if list(config.disable_syntax):
        refuse("myst_disable_syntax must be empty: every tool reads front matter with "
               "MyST's own syntax (policy_core/yamldata.py)")


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_parser")
    app.setup_extension("policy_sphinx_extensions.checks.source_files")  # policy_max_source_bytes
    app.add_source_parser(SiteMystParser, override=True)
    app.add_config_value("policy_max_headings", 1000, "env", types=[int])
    docdata.register(app, PageParserDomain)
    app.connect("builder-inited", _check_config)
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True,
            "parallel_write_safe": True}
